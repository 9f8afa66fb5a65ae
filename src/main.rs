//! The bridgebook command line: serve, migrate, hash-password.
use bridgebook::app;
use bridgebook::config::Config;
use bridgebook::logging::LogLevel;
use bridgebook::soap::server;
use bridgebook::soap::tls as server_tls;
use bridgebook::store::Backend;
use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "bridgebook",
    version,
    about = "A booking engine that serves the Cisco TMS Extension Booking API (TMSBA).",
    long_about = "A booking engine that serves the Cisco TMS Extension Booking API (TMSBA).\n\n\
Configuration comes from bridgebook.toml (see --config) and BRIDGEBOOK_* environment \
variables, which override any key (nested keys joined by a double underscore)."
)]
struct Cli {
    /// Path of bridgebook.toml. Without it, only the defaults and the environment apply.
    #[arg(long, global = true, env = "BRIDGEBOOK_CONFIG")]
    config: Option<PathBuf>,
    /// Database to use: a SQLite file path (default ./data/bridgebook.db) or a
    /// postgres:// URL. Overrides database_url of the configuration.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the SOAP services (migrating the database first) until interrupted.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 (port 0 picks a free port). Overrides
        /// listen of the configuration.
        #[arg(long)]
        listen: Option<String>,
        /// Also runs bridge simulators, with demo rooms and a demo account, so a meeting
        /// booked over SOAP goes live on a (simulated) bridge.
        #[arg(long)]
        demo: bool,
    },
    /// Applies pending database migrations and exits.
    Migrate,
    /// Reads a password from standard input and prints its argon2 hash for a [[user]]
    /// table's password_hash.
    HashPassword,
    /// Runs a bridge simulator standalone, speaking that family's management API.
    Sim {
        /// The bridge family: meeting-server, telepresence-server, conductor or pexip.
        #[arg(long)]
        family: String,
        #[arg(long, default_value = "127.0.0.1:9443")]
        listen: String,
        /// API credentials the simulator accepts.
        #[arg(long, default_value = "admin")]
        username: String,
        #[arg(long, default_value = "admin")]
        password: String,
    },
}

fn main() {
    let log = bridgebook::logging::init();
    let cli = Cli::parse();
    if let Err(e) = run(cli, log) {
        eprintln!("bridgebook: {e}");
        std::process::exit(1);
    }
}

fn run(cli: Cli, log: LogLevel) -> Result<(), String> {
    let load = || -> Result<Config, String> {
        let mut c = Config::load(cli.config.as_deref())?;
        if let Some(url) = &cli.database_url {
            c.database_url = url.clone();
        }
        if let Err(e) = log.apply(&c.log) {
            tracing::warn!("{e}");
        }
        // Refused before anything is opened or created; the log names what is used.
        let db = bridgebook::store::database_url::DatabaseUrl::parse(&c.database_url)?;
        tracing::info!("database: {}", db.describe());
        Ok(c)
    };
    match &cli.command {
        Command::HashPassword => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            let password = line.trim_end_matches(['\r', '\n']);
            if password.is_empty() {
                return Err("no password on standard input".into());
            }
            println!("{}", bridgebook::directory::password::hash(password)?);
            Ok(())
        }
        Command::Sim {
            family,
            listen,
            username,
            password,
        } => match family.as_str() {
            "meeting-server" => {
                let sim = bridgebook::sim::cms::CmsSim::start(listen, username, password)
                    .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
                println!("meeting-server simulator listening on {}", sim.base);
                sim.wait();
                Ok(())
            }
            "telepresence-server" => {
                let sim =
                    bridgebook::sim::telepresence_server::TsSim::start(listen, username, password)
                        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
                println!(
                    "telepresence-server simulator listening on {}/RPC2",
                    sim.base
                );
                sim.wait();
                Ok(())
            }
            "conductor" => {
                let sim =
                    bridgebook::sim::conductor::ConductorSim::start(listen, username, password)
                        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
                println!("conductor simulator listening on {}/RPC2", sim.base);
                sim.wait();
                Ok(())
            }
            "pexip" => {
                let sim =
                    bridgebook::sim::pexip::PexipSim::start(bridgebook::sim::pexip::SimConfig {
                        address: listen.clone(),
                        username: username.clone(),
                        password: password.clone(),
                        ..Default::default()
                    })
                    .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
                println!("pexip simulator listening on {}", sim.base_url());
                loop {
                    std::thread::park();
                }
            }
            other => Err(format!(
                "no simulator for family '{other}' in this build \
                 (available: meeting-server, telepresence-server, conductor, pexip)"
            )),
        },
        Command::Migrate => {
            let c = load()?;
            let store =
                bridgebook::store::Store::open(&c.database_url, 1).map_err(|e| e.message)?;
            let applied = store.migrate().map_err(|e| e.message)?;
            println!("{} migration(s) applied", applied.len());
            Ok(())
        }
        Command::Serve { listen, demo } => {
            let mut c = load()?;
            if let Some(l) = listen {
                c.listen = l.clone();
            }
            // The simulators live as long as the service.
            let _simulators = if *demo {
                Some(bridgebook::demo::prepare(&mut c)?)
            } else {
                None
            };
            // SIGHUP reads the configuration again for what can change while running.
            let path = cli.config.clone();
            let log = log.clone();
            let reload_log: bridgebook::hangup::Hook = (
                "log level",
                Box::new(move || log.apply(&Config::load(path.as_deref())?.log)),
            );
            let reload_certificate: bridgebook::hangup::Hook = (
                "TLS certificate",
                Box::new(|| {
                    server_tls::reload().map(|renewed| {
                        if renewed {
                            "read again".to_string()
                        } else {
                            "none served".to_string()
                        }
                    })
                }),
            );
            serve(c, vec![reload_log, reload_certificate])
        }
    }
}

/// Threads per HTTP worker that run database work. PostgreSQL serves at most pool_size calls
/// at once, so more would only queue on the pool. SQLite work is CPU-bound in this process:
/// beyond about one thread per core, threads only add context switches (measured in
/// docs/performance.md).
fn blocking_threads(c: &Config, workers: usize) -> usize {
    let wanted = match Backend::of_url(&c.database_url) {
        Backend::Postgres => c.pool_size as usize,
        Backend::Sqlite => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .min(c.pool_size as usize),
    };
    wanted.div_ceil(workers).max(1)
}

fn serve(c: Config, reloads: Vec<bridgebook::hangup::Hook>) -> Result<(), String> {
    let tls = c.tls.as_ref().map(server_tls::install).transpose()?;
    if let Some(w) = server_tls::plain_http_warning(&c.listen, tls.is_some()) {
        tracing::warn!("{w}");
    }
    let open_files = bridgebook::http_limits::raise_open_files_limit();
    let app = Arc::new(app::build(&c)?);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let launcher = c.launcher.enabled.then(|| {
        bridgebook::launcher::start(
            app.clone(),
            bridgebook::launcher::Timing {
                poll: std::time::Duration::from_millis(c.launcher.poll_millis),
                health: std::time::Duration::from_secs(c.launcher.health_seconds),
                first_retry: chrono::Duration::seconds(c.launcher.retry_seconds),
                reconcile: std::time::Duration::from_secs(c.launcher.reconcile_seconds),
            },
            stop.clone(),
        )
    });
    let healer = bridgebook::launcher::healer::start(
        app.clone(),
        std::time::Duration::from_millis(c.launcher.poll_millis),
        stop.clone(),
    );
    let mailer = match c.mail.server {
        Some(_) => Some(bridgebook::mail::outbox::start(
            app.booking.store.clone(),
            c.mail.clone(),
            stop.clone(),
        )?),
        None => None,
    };
    let workers = if c.workers == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    } else {
        c.workers
    };
    let per_worker = bridgebook::http_limits::connections_per_worker(
        open_files,
        c.http.max_connections,
        workers,
        c.pool_size,
    );
    let limit = open_files.map_or("unknown".to_string(), |n| n.to_string());
    tracing::info!(
        "open files limit {limit}: at most {per_worker} connections per worker, {workers} worker(s)"
    );
    actix_web::rt::System::new().block_on(async move {
        bridgebook::hangup::on_hangup(reloads)
            .map_err(|e| format!("cannot take over SIGHUP: {e}"))?;
        let data = actix_web::web::Data::new(app);
        let http = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(data.clone())
                .configure(bridgebook::admin::configure)
                .configure(server::configure)
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads(&c, workers))
        .max_connections(per_worker)
        .on_connect(bridgebook::http_accept::on_connect)
        .client_request_timeout(c.http.head_timeout());
        let http = match &tls {
            Some(cert) => http.bind_rustls_0_23(&c.listen, cert.server_config()),
            None => http.bind(&c.listen),
        }
        .map_err(|e| format!("cannot listen on {}: {e}", c.listen))?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        for addr in http.addrs() {
            // Tests and scripts read this line to find an ephemeral port.
            println!("bridgebook listening on {scheme}://{addr}");
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
        http.run().await.map_err(|e| e.to_string())
    })?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(l) = launcher {
        let _ = l.join();
    }
    let _ = healer.join();
    if let Some(m) = mailer {
        let _ = m.join();
    }
    Ok(())
}
