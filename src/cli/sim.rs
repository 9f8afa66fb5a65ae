//! `bridgebook sim`: one bridge simulator standalone, until SIGTERM or Ctrl-C (a service
//! manager or a container runtime stops it with SIGTERM).
use bridgebook::sim;

/// The bridge families there is a simulator of.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Family {
    MeetingServer,
    TelepresenceServer,
    Conductor,
    Pexip,
}

pub fn run(family: Family, listen: &str, username: &str, password: &str) -> Result<(), String> {
    // Taken over before the first line is printed: whoever reads it may signal at once.
    let signals = Signals::take_over().map_err(|e| format!("cannot wait for signals: {e}"))?;
    let cannot = |e: std::io::Error| format!("cannot listen on {listen}: {e}");
    // Each simulator serves until it is dropped, at the end of this function.
    let _running: Box<dyn std::any::Any> = match family {
        Family::MeetingServer => {
            let s = sim::cms::CmsSim::start(listen, username, password).map_err(cannot)?;
            println!("meeting-server simulator listening on {}", s.base);
            Box::new(s)
        }
        Family::TelepresenceServer => {
            let s = sim::telepresence_server::TsSim::start(listen, username, password)
                .map_err(cannot)?;
            println!("telepresence-server simulator listening on {}/RPC2", s.base);
            Box::new(s)
        }
        Family::Conductor => {
            let s =
                sim::conductor::ConductorSim::start(listen, username, password).map_err(cannot)?;
            println!("conductor simulator listening on {}/RPC2", s.base);
            Box::new(s)
        }
        Family::Pexip => {
            let s = sim::pexip::PexipSim::start(sim::pexip::SimConfig {
                address: listen.to_string(),
                username: username.to_string(),
                password: password.to_string(),
                ..Default::default()
            })
            .map_err(cannot)?;
            println!("pexip simulator listening on {}", s.base_url());
            Box::new(s)
        }
    };
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let signal = signals.wait();
    // Whoever read the first line may be gone by now.
    let _ = writeln!(std::io::stdout(), "{signal}: simulator stopped");
    Ok(())
}

/// SIGTERM and SIGINT, no longer ending the process by themselves once taken over.
struct Signals {
    runtime: tokio::runtime::Runtime,
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn take_over() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (term, int) = runtime.block_on(async {
            Ok::<_, std::io::Error>((
                signal(SignalKind::terminate())?,
                signal(SignalKind::interrupt())?,
            ))
        })?;
        Ok(Signals { runtime, term, int })
    }

    /// Waits for either and names the one that came.
    fn wait(mut self) -> &'static str {
        self.runtime.block_on(async {
            tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.int.recv() => "SIGINT",
            }
        })
    }
}
