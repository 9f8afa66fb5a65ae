//! SIGHUP (a systemd ExecReload) reloads what can be reloaded and never ends the service.
mod common;
use common::*;

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
        let status = std::process::Command::new("kill")
            .args(["-HUP", &s.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        // The answer comes after the signal was delivered, so a dying service cannot pass.
        Client::new(&s).call("GetDefaultConference", "").ok();
    }
    assert_eq!(s.exited(), None, "the service ended");
    let log = s.log();
    assert!(log.contains("SIGHUP received"), "{log}");
    assert!(log.contains("reloaded log level"), "{log}");
}
