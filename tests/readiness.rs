//! `/healthz` says the process answers; `/readyz` says the database answers and carries
//! every migration. PostgreSQL is reached through a proxy the test cuts and restores, as a
//! database outage would.
mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn get(server: &Server, path: &str) -> (u16, String) {
    match ureq::get(&server.url(path))
        .timeout(Duration::from_secs(30))
        .call()
    {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap_or_default()),
        Err(e) => panic!("transport error: {e}"),
    }
}

#[test]
fn ready_on_a_fresh_database() {
    for backend in backends() {
        let server = Server::start(backend);
        assert_eq!(get(&server, "/healthz"), (200, "ok".into()), "{backend:?}");
        assert_eq!(
            get(&server, "/readyz"),
            (200, "ready".into()),
            "{backend:?}"
        );
    }
}

/// Forwards connections to PostgreSQL while up; cut, it closes every forwarded connection
/// and refuses new ones.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(to: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (up2, open2) = (up.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(db) = TcpStream::connect(&to) else {
                    continue;
                };
                let mut list = open2.lock().unwrap();
                list.push(client.try_clone().unwrap());
                list.push(db.try_clone().unwrap());
                for (mut from, mut into) in [
                    (client.try_clone().unwrap(), db.try_clone().unwrap()),
                    (db, client),
                ] {
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 || into.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = into.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Proxy { port, up, open }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[test]
fn not_ready_while_the_database_is_down_and_ready_again_after() {
    if std::env::var("BRIDGEBOOK_TEST_POSTGRES_URL").is_err() {
        eprintln!("BRIDGEBOOK_TEST_POSTGRES_URL is not set: PostgreSQL outage not tested");
        return;
    }
    let (name, url) = fresh_postgres_database();
    // postgres://user@host:port/db → the same through the proxy.
    let (scheme_user, rest) = url.split_once('@').unwrap();
    let (host_port, db) = rest.split_once('/').unwrap();
    let host_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    let proxy = Proxy::start(host_port);
    let proxied = format!("{scheme_user}@127.0.0.1:{}/{db}", proxy.port);
    let server = Server::start_on_postgres(name, proxied, Options::default());
    assert_eq!(get(&server, "/readyz").0, 200);

    proxy.cut();
    let (status, body) = get(&server, "/readyz");
    assert_eq!(status, 503, "{body}");
    assert!(body.starts_with("not ready:"), "{body}");
    // The process itself still answers.
    assert_eq!(get(&server, "/healthz").0, 200);

    proxy.restore();
    // Broken pooled connections are replaced as they are found; a few tries at most.
    let mut last = (0, String::new());
    for _ in 0..20 {
        last = get(&server, "/readyz");
        if last.0 == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(last, (200, "ready".into()));
    // And bookings work again.
    let answer = Client::new(&server).call("GetDefaultConference", "");
    assert_eq!(answer.status, 200, "{}", answer.body);
}
