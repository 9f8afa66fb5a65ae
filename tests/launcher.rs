//! The bridge-job outbox over SOAP: a meeting placed on a bridge gets its provision,
//! dial-out and tear-down jobs in the booking's own transaction, and every change to the
//! booking replaces them.
mod common;
use common::*;

const BRIDGE: &str = r#"
[[bridge]]
name = "pexip-osl"
family = "pexip"
address = "http://127.0.0.1:9"
username = "admin"
password = "bridge-secret"
capacity = { total = 40 }
numbering = { first = 8100, last = 8199, sip_uri = "{number}@osl.example.com" }
"#;

fn jobs(s: &Server, id: &str) -> Vec<(String, String)> {
    let a = admin_call(
        s,
        USER,
        "GET",
        &format!("/admin/api/conferences/{id}/jobs"),
        "",
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|j| {
            (
                j["kind"].as_str().unwrap().to_string(),
                j["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, s)| (k.to_string(), s.to_string()))
        .collect()
}

#[test]
fn bookings_write_their_bridge_jobs() {
    for backend in backends() {
        let s = Server::start_with(
            backend,
            Options {
                extra_config: BRIDGE.into(),
                ..Options::default()
            },
        );
        let c = Client::new(&s);
        // Three systems and a dial-out: hosted on the bridge, so provisioned before the start,
        // dialled out at the start and torn down at the end.
        let parts = tms(1) + &tms(2) + &tms(3) + &external("SIP ->", "bob@partner.example");
        let saved = c.save(&conference(60, 90, &parts), "Strict");
        saved.ok();
        let id = saved.get("ConferenceId").unwrap();
        assert_eq!(
            jobs(&s, &id),
            pairs(&[
                ("provision", "pending"),
                ("dial_out", "pending"),
                ("tear_down", "pending")
            ])
        );
        // Moved: the pending jobs are replaced by those of the new times.
        let moved = conference(120, 150, &parts).replace(
            "<ConferenceId>-1</ConferenceId>",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        );
        c.save(&moved, "Strict").ok();
        assert_eq!(
            jobs(&s, &id),
            pairs(&[
                ("provision", "cancelled"),
                ("dial_out", "cancelled"),
                ("tear_down", "cancelled"),
                ("provision", "pending"),
                ("dial_out", "pending"),
                ("tear_down", "pending"),
            ])
        );
        // Two systems alone call each other: no bridge, no jobs.
        let direct = c.save(&conference(200, 230, &(tms(1) + &tms(2))), "Strict");
        assert_eq!(jobs(&s, &direct.get("ConferenceId").unwrap()), pairs(&[]));
        // Deleted before it was ever provisioned: nothing is left to do on the bridge.
        c.call(
            "DeleteConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .ok();
        assert!(
            jobs(&s, &id).iter().all(|(_, state)| state == "cancelled"),
            "{:?}",
            jobs(&s, &id)
        );
    }
}
