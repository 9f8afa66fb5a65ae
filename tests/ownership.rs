//! Who owns configuration: what bridgebook.toml defines (users, systems, bridges) is the
//! file's, so the admin API does not change it; removed from the file, a user is disabled,
//! a system retired and a bridge disabled at the next start, each with a log line, and they
//! are the database's from then on.
mod common;
use common::*;

fn file_part() -> String {
    format!(
        r#"
[[user]]
username = "bob"
email = "bob@example.com"
password_hash = "{}"

[[system]]
id = 6
name = "Lillehammer"
"#,
        password_hash()
    ) + &bridge_table(
        "pexip-file",
        "pexip",
        "https://pexip-file.example.com",
        4,
        "file.example.com",
        "",
    )
}

fn bridge_id(s: &Server, name: &str) -> (i64, bool) {
    let a = admin_call(s, USER, "GET", "/admin/api/bridges", "");
    let list: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let b = list
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {list}"));
    (b["id"].as_i64().unwrap(), b["enabled"].as_bool().unwrap())
}

#[test]
fn what_leaves_the_file_is_disabled_or_retired_at_the_next_start() {
    for b in backends() {
        let mut s = Server::start_with(
            b,
            Options {
                extra_config: file_part(),
                ..Options::default()
            },
        );
        let bob = || Client::as_user(&s, "bob", PASSWORD);
        assert_eq!(bob().call("GetDefaultConference", "").status, 200);
        let svc = Client::new(&s);
        assert!(svc
            .remote("GetSystems", "")
            .all("SystemName")
            .contains(&"Lillehammer".to_string()));
        let booked = svc
            .save(&conference(60, 90, &tms(6)), "Strict")
            .ok()
            .get("ConferenceId")
            .unwrap();
        // The file's bridge is the file's: the admin API leaves it alone.
        let (file_bridge, enabled) = bridge_id(&s, "pexip-file");
        assert!(enabled);
        let refused = admin_call(
            &s,
            USER,
            "POST",
            &format!("/admin/api/bridges/{file_bridge}/disable"),
            "",
        );
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert!(
            refused.body.contains("configuration file"),
            "{}",
            refused.body
        );

        // Gone from the file: at the next start bob cannot log in, Lillehammer is retired
        // and the bridge disabled, each said in the log.
        s.restart(Options {
            capture_log: true,
            ..Options::default()
        });
        let bob = Client::as_user(&s, "bob", PASSWORD);
        assert_eq!(bob.call("GetDefaultConference", "").status, 401);
        let svc = Client::new(&s);
        assert!(!svc
            .remote("GetSystems", "")
            .all("SystemName")
            .contains(&"Lillehammer".to_string()));
        svc.save(&conference(120, 150, &tms(6)), "Strict")
            .fault(code::SYSTEM_NOT_ALLOWED_IN_BOOKING);
        // Its history stays.
        assert_eq!(
            svc.get(&booked).get("Title").as_deref(),
            Some("Test meeting")
        );
        let (_, enabled) = bridge_id(&s, "pexip-file");
        assert!(!enabled, "removed from the file, the bridge is disabled");
        // ...and the database's now: the admin API may enable it again.
        let enabled = admin_call(
            &s,
            USER,
            "POST",
            &format!("/admin/api/bridges/{file_bridge}/enable"),
            "",
        );
        assert_eq!(enabled.status, 200, "{}", enabled.body);
        let log = s.log();
        for line in [
            "user 'bob' is no longer in the configuration file",
            "system 6 'Lillehammer' is no longer in the configuration file",
            "bridge 'pexip-file' is no longer in the configuration file",
        ] {
            assert!(log.contains(line), "{line} in {log}");
        }

        // Back in the file, bob logs in again.
        s.restart(Options {
            extra_config: file_part(),
            ..Options::default()
        });
        let bob = Client::as_user(&s, "bob", PASSWORD);
        assert_eq!(bob.call("GetDefaultConference", "").status, 200);
    }
}
