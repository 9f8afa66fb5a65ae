//! A simulator's HTTP server on its own thread and runtime, stopped when dropped.
use actix_web::web;
use std::sync::mpsc;

pub struct Running {
    pub base: String,
    server: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Serves `configure`'s routes on `listen` ("127.0.0.1:0" picks a port).
    pub fn start<F>(listen: &str, configure: F) -> std::io::Result<Running>
    where
        F: Fn(&mut web::ServiceConfig) + Send + Clone + 'static,
    {
        let listen = listen.to_string();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = actix_web::HttpServer::new(move || {
                    actix_web::App::new().configure(configure.clone())
                })
                .workers(1)
                // Stopped by its owner (dropped), never by the process's signals: a SIGTERM
                // meant for the process must not leave it running without its simulators.
                .disable_signals()
                .bind(&listen);
                match server {
                    Ok(s) => {
                        let addr = s.addrs()[0];
                        let running = s.run();
                        let _ = tx.send(Ok((addr, running.handle())));
                        let _ = running.await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        });
        let (addr, server) = rx
            .recv()
            .map_err(|e| std::io::Error::other(e.to_string()))??;
        Ok(Running {
            base: format!("http://{addr}"),
            server,
            thread: Some(thread),
        })
    }

    /// Blocks until the server stops (a standalone `bridgebook sim`).
    pub fn wait(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.server.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
