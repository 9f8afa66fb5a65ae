//! SIGHUP asks the service to reload what it can (the log level, and whatever else
//! registers a hook, such as TLS certificates), never to stop: a systemd ExecReload must
//! not take the service down.
use tokio::signal::unix::{signal, SignalKind};

/// One thing reloaded on SIGHUP: its name (for the log) and how.
pub type Hook = (&'static str, Box<dyn Fn() -> Result<String, String> + Send>);

/// Takes over SIGHUP (from this call on it no longer ends the process) and runs `hooks`
/// at each one, on the current runtime. Call it inside the runtime, before serving.
pub fn on_hangup(hooks: Vec<Hook>) -> std::io::Result<()> {
    let mut hangups = signal(SignalKind::hangup())?;
    actix_web::rt::spawn(async move {
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP received: reloading");
            for (name, hook) in &hooks {
                match hook() {
                    Ok(what) => tracing::info!("reloaded {name}: {what}"),
                    Err(e) => tracing::warn!("{name} not reloaded, keeping the previous: {e}"),
                }
            }
        }
    });
    Ok(())
}
