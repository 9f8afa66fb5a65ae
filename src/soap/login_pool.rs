//! A few threads of their own for password checks. argon2 costs about 15 ms of CPU and 19 MiB
//! per check by design; run on the threads that serve bookings, a flood of wrong passwords
//! took those threads (and hundreds of MiB) from booking. Here at most `threads` checks run at
//! once and at most `queue` wait; any more are refused at once rather than queued without end.
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

pub struct LoginPool {
    jobs: SyncSender<Job>,
}

/// The pool is full: the caller should answer "try again later".
#[derive(Debug)]
pub struct Busy;

/// Threads for `configured` (0: half the cores, at least one).
pub fn threads_for(configured: usize, cores: usize) -> usize {
    if configured > 0 {
        configured
    } else {
        (cores / 2).max(1)
    }
}

impl LoginPool {
    pub fn new(threads: usize, queue: usize) -> LoginPool {
        let (jobs, rx) = sync_channel::<Job>(queue);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = Arc::clone(&rx);
            // The threads end when the pool (its sender) is dropped.
            let _ = std::thread::Builder::new()
                .name(format!("login-check-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock().unwrap_or_else(|p| p.into_inner()).recv() {
                        Ok(job) => job,
                        Err(_) => return,
                    };
                    job();
                });
        }
        LoginPool { jobs }
    }

    /// Runs `f` on a pool thread and waits for it without holding the caller's thread.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        match self.jobs.try_send(job) {
            Ok(()) => rx.await.map_err(|_| Busy),
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => Err(Busy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn thread_counts() {
        let table = [(0, 1, 1), (0, 2, 1), (0, 8, 4), (3, 8, 3), (1, 64, 1)];
        for (configured, cores, want) in table {
            assert_eq!(threads_for(configured, cores), want, "{configured} {cores}");
        }
    }

    /// With one thread busy and a queue of one, a third job is refused at once.
    #[test]
    fn refuses_beyond_the_queue() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let pool = Arc::new(LoginPool::new(1, 1));
            let running = Arc::new(AtomicUsize::new(0));
            let (release, hold) = std::sync::mpsc::channel::<()>();
            let hold = Arc::new(Mutex::new(hold));
            let spawn = |pool: Arc<LoginPool>| {
                let (running, hold) = (Arc::clone(&running), Arc::clone(&hold));
                tokio::spawn(async move {
                    pool.run(move || {
                        running.fetch_add(1, Ordering::SeqCst);
                        let _ = hold.lock().unwrap().recv();
                    })
                    .await
                })
            };
            let first = spawn(Arc::clone(&pool));
            while running.load(Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let second = spawn(Arc::clone(&pool));
            tokio::task::yield_now().await;
            assert!(pool.run(|| ()).await.is_err(), "a third job is refused");
            release.send(()).unwrap();
            release.send(()).unwrap();
            assert!(first.await.unwrap().is_ok());
            assert!(second.await.unwrap().is_ok());
        });
    }
}
