//! Clients that hold connections: a body trickled slower than the body deadline gets 408 and
//! its connection closed; a body sent without valid credentials is refused (401) before it
//! is read; an oversized header gets 431. On SOAP and on /admin/api, over raw sockets.
mod common;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn limits() -> Options {
    Options {
        extra_config: "\n[http]\nbody_timeout_seconds = 1\n".into(),
        ..Default::default()
    }
}

fn connect(s: &Server) -> TcpStream {
    let c = TcpStream::connect(s.base.trim_start_matches("http://")).unwrap();
    // Only so that a server that never answers fails the test instead of hanging it.
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    c
}

fn head(method: &str, path: &str, auth: Option<&str>, length: usize) -> String {
    let auth = auth
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Content-Type: text/xml\r\n\
         Content-Length: {length}\r\n\r\n"
    )
}

/// Everything the server sends until it closes the connection.
fn read_to_close(c: &mut TcpStream) -> String {
    let mut out = Vec::new();
    c.read_to_end(&mut out).unwrap_or_else(|e| {
        panic!(
            "no answer, or not closed ({e}): {:?}",
            String::from_utf8_lossy(&out)
        )
    });
    String::from_utf8_lossy(&out).into_owned()
}

/// The status line of the first answer.
fn read_status(c: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while !out.ends_with(b"\r\n") {
        match c.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => out.push(byte[0]),
            Err(e) => panic!("no answer ({e}): {:?}", String::from_utf8_lossy(&out)),
        }
    }
    String::from_utf8_lossy(&out).trim().to_string()
}

const PATHS: [&str; 2] = [BOOKING, "/admin/api/bridges"];

#[test]
fn a_trickled_body_times_out_with_408_and_a_closed_connection() {
    for backend in backends() {
        let s = Server::start_with(backend, limits());
        for path in PATHS {
            let mut c = connect(&s);
            c.write_all(head("POST", path, Some(&basic(USER, PASSWORD)), 1000).as_bytes())
                .unwrap();
            // One byte every 300 ms, for far longer than the one-second deadline.
            let mut writer = c.try_clone().unwrap();
            let trickle = std::thread::spawn(move || {
                for _ in 0..100 {
                    if writer.write_all(b"<").is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(300));
                }
            });
            let answer = read_to_close(&mut c);
            assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
            drop(c);
            trickle.join().unwrap();
        }
        // Whoever sends a whole body in time is still served.
        Client::new(&s).call("GetDefaultConference", "").ok();
    }
}

#[test]
fn a_body_without_valid_credentials_is_refused_before_it_is_read() {
    for backend in backends() {
        let s = Server::start_with(backend, limits());
        let wrong = basic(USER, "wrong");
        for path in PATHS {
            for auth in [None, Some(wrong.as_str())] {
                let mut c = connect(&s);
                // A tenth of the announced body, and then nothing: only an answer given
                // before reading the body can arrive.
                c.write_all(head("POST", path, auth, 1000).as_bytes())
                    .unwrap();
                c.write_all(&[b'x'; 100]).unwrap();
                let status = read_status(&mut c);
                assert!(
                    status.starts_with("HTTP/1.1 401"),
                    "{path} {auth:?}: {status}"
                );
            }
        }
    }
}

/// actix answers 431 and stops reading; the connection's lingering close reads the rest of
/// the head, so the client finishes sending and reads the answer instead of a reset.
#[test]
fn an_oversized_authorization_header_always_gets_431() {
    let s = Server::start(Backend::Sqlite);
    let huge = format!("Basic {}", "A".repeat(1024 * 1024));
    for round in 0..60 {
        let mut c = connect(&s);
        // A small send buffer, as on a real network path, where the loopback's would
        // otherwise take the whole request in at once.
        socket2::SockRef::from(&c)
            .set_send_buffer_size(32 * 1024)
            .unwrap();
        let request = head("POST", BOOKING, Some(&huge), 0);
        let mut writer = c.try_clone().unwrap();
        // As an HTTP client does: the whole request is sent, then the answer read. A reset
        // while sending loses the answer.
        let send = std::thread::spawn(move || writer.write_all(request.as_bytes()));
        let mut out = Vec::new();
        let got = c.read_to_end(&mut out);
        let answer = String::from_utf8_lossy(&out).into_owned();
        assert!(
            answer.starts_with("HTTP/1.1 431"),
            "round {round}: {got:?} {answer:?}"
        );
        let sent = send.join().unwrap();
        assert!(sent.is_ok(), "round {round}: sending: {sent:?}");
    }
    Client::new(&s).call("GetDefaultConference", "").ok();
}
