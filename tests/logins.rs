//! Failed logins over HTTP: a user name that keeps failing waits longer, then is locked out
//! (the right password refused too) until an administrator clears it; the same per client
//! address. A client that logged in before keeps working while others flood its name with
//! wrong passwords. See src/soap/throttle.rs and src/soap/login.rs.
mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// GET on the booking service as `user`/`password`: the status.
fn login(server: &Server, user: &str, password: &str) -> u16 {
    let r = ureq::get(&server.url(BOOKING))
        .set("Authorization", &basic(user, password))
        .call();
    match r {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, r)) => {
            if s == 429 {
                assert!(r.header("Retry-After").is_some(), "429 says when to retry");
            }
            s
        }
        Err(e) => panic!("transport error: {e}"),
    }
}

/// The same GET from another loopback address, spoken by hand over a socket bound to it.
fn login_from(server: &Server, from: Ipv4Addr, user: &str, password: &str) -> u16 {
    use socket2::{Domain, Socket, Type};
    let to: SocketAddr = server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("an address");
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::from((from, 0)).into()).unwrap();
    socket.connect(&to.into()).unwrap();
    let mut stream: std::net::TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {BOOKING} HTTP/1.1\r\nHost: {to}\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
        basic(user, password)
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

fn lockouts(server: &Server) -> serde_json::Value {
    let list = admin_call(server, USER, "GET", "/admin/api/lockouts", "");
    assert_eq!(list.status, 200, "{}", list.body);
    serde_json::from_str(&list.body).unwrap()
}

#[test]
fn a_user_name_is_delayed_then_locked_until_cleared() {
    let server = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: r#"
[logins]
free_failures = 1
delay_millis = 1000
max_delay_millis = 1000
user_lockout_failures = 4
address_lockout_failures = 0
lockout_seconds = 600
"#
            .into(),
            ..Options::default()
        },
    );
    assert_eq!(login(&server, "alice", PASSWORD), 200);
    // The first failure is free; the second makes the name wait before a password is
    // checked again, even the right one.
    assert_eq!(login(&server, "alice", "wrong"), 401);
    assert_eq!(login(&server, "alice", "wrong"), 401);
    assert_eq!(login(&server, "alice", PASSWORD), 429, "waiting");
    for _ in 0..2 {
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(login(&server, "ALICE", "wrong"), 401);
    }
    // Four failures: locked, long after any delay would have passed.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(login(&server, "alice", PASSWORD), 429, "locked");
    assert_eq!(login(&server, "alice", "wrong"), 429, "locked");
    // Other names from the same address are not affected (addresses never lock here).
    assert_eq!(login(&server, USER, PASSWORD), 200);

    let list = lockouts(&server);
    let alice = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "user" && e["key"] == "alice")
        .unwrap_or_else(|| panic!("alice is listed: {list}"));
    assert_eq!(alice["locked"], true);
    assert_eq!(alice["failures"], 4);
    assert!(alice["retry_after_seconds"].as_u64().unwrap() > 500);

    // Only site administrators see or clear lock-outs.
    let denied = admin_call(
        &server,
        "alice",
        "DELETE",
        "/admin/api/lockouts/user/alice",
        "",
    );
    assert_eq!(denied.status, 429, "alice cannot even log in");
    let cleared = admin_call(
        &server,
        USER,
        "DELETE",
        "/admin/api/lockouts/user/alice",
        "",
    );
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert!(
        cleared.body.contains("\"cleared\":true"),
        "{}",
        cleared.body
    );
    assert_eq!(login(&server, "alice", PASSWORD), 200);
    let forbidden = admin_call(&server, "alice", "GET", "/admin/api/lockouts", "");
    assert_eq!(forbidden.status, 403);
    assert!(lockouts(&server)
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["key"] != "alice"));
}

#[test]
fn an_address_is_locked_whatever_names_it_tries() {
    let server = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: r#"
[logins]
free_failures = 10
user_lockout_failures = 0
address_lockout_failures = 3
lockout_seconds = 600
"#
            .into(),
            ..Options::default()
        },
    );
    let other = Ipv4Addr::new(127, 0, 0, 2);
    for name in ["nobody", "alice", "root"] {
        assert_eq!(login_from(&server, other, name, "guess"), 401);
    }
    assert_eq!(login_from(&server, other, USER, PASSWORD), 429, "locked");
    // Another address is served as before, and sees the lock-out.
    assert_eq!(login(&server, USER, PASSWORD), 200);
    let list = lockouts(&server);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "address" && e["key"] == "127.0.0.2" && e["locked"] == true),
        "{list}"
    );
    let cleared = admin_call(
        &server,
        USER,
        "DELETE",
        "/admin/api/lockouts/address/127.0.0.2",
        "",
    );
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert_eq!(login_from(&server, other, USER, PASSWORD), 200);
}

#[test]
fn a_name_flooded_from_elsewhere_still_serves_its_own_client() {
    let server = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: r#"
[logins]
free_failures = 10
user_lockout_failures = 3
address_lockout_failures = 0
lockout_seconds = 600
"#
            .into(),
            ..Options::default()
        },
    );
    let client = Ipv4Addr::new(127, 0, 0, 1);
    let flood = Ipv4Addr::new(127, 0, 0, 2);
    let stranger = Ipv4Addr::new(127, 0, 0, 3);
    assert_eq!(login_from(&server, client, USER, PASSWORD), 200);
    for _ in 0..3 {
        assert_eq!(login_from(&server, flood, USER, "guess"), 401);
    }
    assert_eq!(
        login_from(&server, flood, USER, "guess"),
        429,
        "name locked"
    );
    // The flood's address is refused even the right password, as is an address that never
    // logged in; the client that did keeps working.
    assert_eq!(login_from(&server, flood, USER, PASSWORD), 429);
    assert_eq!(login_from(&server, stranger, USER, PASSWORD), 429);
    assert_eq!(login_from(&server, client, USER, PASSWORD), 200);
    assert_eq!(
        login_from(&server, client, USER, "guess"),
        429,
        "no guessing"
    );
    let list = lockouts(&server);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "user" && e["key"] == USER.to_lowercase() && e["locked"] == true),
        "{list}"
    );
}
