//! The healer: works the windows where capacity was freed (`store::heal_queue`), placing
//! the Defective meetings there that now fit. It runs whether or not bridges are driven,
//! since healing is bookkeeping; on PostgreSQL every instance runs one, and the routing lock
//! makes them take turns.
use crate::app::App;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Starts the healer thread; it stops when `stop` is set.
pub fn start(
    app: Arc<App>,
    every: std::time::Duration,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("healer".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match app.booking.heal_queued() {
                    // More may be waiting: work on without sleeping.
                    Ok(n) if n > 0 => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!("healing Defective meetings: {}", e.message),
                }
                std::thread::sleep(every);
            }
        })
        .expect("the healer thread starts")
}
