//! SIGHUP (a systemd ExecReload) reloads what can be reloaded and never ends the service.
mod common;
use common::*;

/// Sends SIGHUP with the shell's own kill (no procps needed).
fn hangup(pid: u32) {
    let status = std::process::Command::new("sh")
        .args(["-c", &format!("kill -HUP {pid}")])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn sighup_is_logged_and_the_service_keeps_answering() {
    let mut s = Server::start_with(
        Backend::Sqlite,
        Options {
            capture_log: true,
            ..Default::default()
        },
    );
    for _ in 0..3 {
        hangup(s.pid());
        // The answer comes after the signal was delivered, so a dying service cannot pass.
        Client::new(&s).call("GetDefaultConference", "").ok();
    }
    assert_eq!(s.exited(), None, "the service ended");
    let log = s.log();
    assert!(log.contains("SIGHUP received"), "{log}");
    assert!(log.contains("reloaded log level"), "{log}");
}

/// The log filter of the configuration file is read again on SIGHUP (BRIDGEBOOK_LOG unset).
#[test]
fn sighup_applies_the_configured_log_level() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bridgebook.toml");
    let config = |level: &str| {
        format!(
            "listen = \"127.0.0.1:0\"\ndatabase_url = \"{}\"\nworkers = 1\nlog = \"{level}\"\n\
             [launcher]\nenabled = false\n",
            dir.path().join("bb.db").display()
        )
    };
    std::fs::write(&cfg, config("warn")).unwrap();
    let log_path = dir.path().join("bridgebook.log");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_bridgebook"));
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("BRIDGEBOOK_")) {
        command.env_remove(key);
    }
    let mut child = command
        .arg("--config")
        .arg(&cfg)
        .arg("serve")
        .env("BRIDGEBOOK_METRICS_LISTEN", "127.0.0.1:0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    // Without an account the first start prints the administrator's password first.
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let base = loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "stopped before listening"
        );
        if let Some(base) = line.trim().strip_prefix("bridgebook listening on ") {
            break base.to_string();
        }
    };
    // Answered 401; the HTTP layer traces each request.
    let probe = || {
        let status = match ureq::get(&format!("{base}/admin/api/bridges")).call() {
            Err(ureq::Error::Status(s, _)) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!(status, 401);
    };
    probe();
    let quiet = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        !quiet.contains("TRACE") && !quiet.contains("INFO"),
        "{quiet}"
    );
    // The HTTP library is named: at a bare "trace" it stays at warn.
    std::fs::write(&cfg, config("actix_http=trace,trace")).unwrap();
    hangup(child.id());
    // Whatever is answered after the signal is logged at the new level; wait for it.
    let mut loud = String::new();
    for _ in 0..100 {
        probe();
        loud = std::fs::read_to_string(&log_path).unwrap();
        if loud.contains("TRACE") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(loud.contains("TRACE"), "{loud}");
    assert!(child.try_wait().unwrap().is_none(), "the service ended");
    let _ = child.kill();
    let _ = child.wait();
}
