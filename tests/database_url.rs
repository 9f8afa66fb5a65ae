//! A database URL of an unsupported form is refused at start, with a message naming the
//! accepted forms, and no file is created for it (it used to become a new SQLite file).
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn start_with_url(url: &str) -> (Option<i32>, String, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_bridgebook"));
    // Only the URL under test configures it.
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("BRIDGEBOOK_")) {
        command.env_remove(key);
    }
    let mut child = command
        .current_dir(dir.path())
        .args(["--database-url", url, "serve", "--listen", "127.0.0.1:0"])
        .env("BRIDGEBOOK_LOG", "info")
        .env("BRIDGEBOOK_METRICS_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bridgebook started with the database URL {url:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let left: Vec<_> = walk(dir.path());
    (status.code(), stderr, left)
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn unsupported_database_urls_are_refused_and_create_nothing() {
    for (url, scheme) in [
        ("mysql://bb@127.0.0.1/bb", "mysql:"),
        ("postgresql:/bridgebook@127.0.0.1/bb", "postgresql:"),
    ] {
        let (code, stderr, left) = start_with_url(url);
        assert_eq!(code, Some(1), "{url}: {stderr}");
        assert!(
            stderr.contains(&format!("unsupported scheme \"{scheme}\""))
                && stderr.contains("postgres://")
                && stderr.contains("sqlite://"),
            "{url}: {stderr}"
        );
        assert!(left.is_empty(), "{url} created {left:?}");
    }
}

#[test]
fn the_start_names_the_database_without_its_password() {
    // An unreachable PostgreSQL server: the start fails after logging what it tried.
    let (code, stderr, _) = start_with_url("postgres://bb:hunter2@127.0.0.1:1/bb");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("database: PostgreSQL at postgres://bb:***@127.0.0.1:1/bb"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
