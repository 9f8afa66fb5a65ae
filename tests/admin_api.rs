//! The admin JSON API as a client uses it: meetings of a window asked for with plain dates
//! (those with no room too), narrowed by system, state and text; one meeting with its
//! history; users, groups and systems; errors as JSON with an HTTP status, 404 for what
//! does not exist.
mod common;
use common::*;
use serde_json::Value;

fn json(a: &Answer) -> Value {
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body))
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap().to_string())
        .collect()
}

fn titled(title: &str, start: i64, end: i64, participants: &str) -> String {
    conference(start, end, participants).replace("Test meeting", title)
}

fn bridge() -> String {
    bridge_table(
        "cms-osl",
        "meeting-server",
        "http://127.0.0.1:9",
        40,
        "cms.example.com",
        "",
    )
}

#[test]
fn conferences_are_listed_narrowed_and_explained() {
    for b in backends() {
        // A bridge for the meeting that only has dial-ins (never called: no launcher).
        let s = Server::start_with(
            b,
            Options {
                extra_config: bridge(),
                ..Options::default()
            },
        );
        let c = Client::new(&s);
        let room = c
            .save(&titled("Budget talk", 60, 90, &tms(1)), "Strict")
            .ok()
            .get("ConferenceId")
            .unwrap();
        let no_room = c
            .save(
                &titled("Phone bridge", 60, 90, &external("SIP <-", "")),
                "Strict",
            )
            .ok()
            .get("ConferenceId")
            .unwrap();
        let alice = Client::as_user(&s, "alice", PASSWORD);
        let hers = alice
            .save(&titled("Alice sync", 60, 90, &tms(2)), "Strict")
            .ok()
            .get("ConferenceId")
            .unwrap();
        let today = chrono::Utc::now().date_naive();
        let window = format!(
            "from={}&to={}",
            today.pred_opt().unwrap(),
            today.succ_opt().unwrap()
        );
        let get = |user: &str, path: &str| admin_call(&s, user, "GET", path, "");

        // Plain dates; the meeting without a room is listed too.
        let all = get(USER, &format!("/admin/api/conferences?{window}"));
        assert_eq!(all.status, 200, "{}", all.body);
        let mut listed = ids(&json(&all));
        listed.sort();
        let mut want = vec![room.clone(), no_room.clone(), hers.clone()];
        want.sort();
        assert_eq!(listed, want);
        let by_room = json(&get(
            USER,
            &format!("/admin/api/conferences?{window}&system=1"),
        ));
        assert_eq!(ids(&by_room), [room.as_str()]);
        assert_eq!(by_room[0]["state"], "pending");
        let by_text = json(&get(
            USER,
            &format!("/admin/api/conferences?{window}&q=phone"),
        ));
        assert_eq!(ids(&by_text), [no_room.as_str()]);
        let none = json(&get(
            USER,
            &format!("/admin/api/conferences?{window}&status=defective"),
        ));
        assert_eq!(ids(&none), Vec::<String>::new());
        // Users who do not read all see their own.
        assert_eq!(
            ids(&json(&get(
                "alice",
                &format!("/admin/api/conferences?{window}")
            ))),
            [hers.as_str()]
        );

        // One meeting, with its history.
        let one = json(&get(USER, &format!("/admin/api/conferences/{room}")));
        assert_eq!(one["title"], "Budget talk");
        assert_eq!(one["history"][0]["kind"], "New");
        assert_eq!(one["history"][0]["by"], USER);

        // Errors: JSON with a status and a message, no booking API code.
        for (path, status) in [
            ("/admin/api/conferences?from=yesterday".to_string(), 400),
            (format!("/admin/api/conferences?{window}&status=soon"), 400),
            (format!("/admin/api/conferences?{window}&system=x"), 400),
            ("/admin/api/conferences/999999".to_string(), 404),
            ("/admin/api/conferences/999999/jobs".to_string(), 404),
            ("/admin/api/conferences/999999/calls".to_string(), 404),
            ("/admin/api/bridges/999999".to_string(), 404),
        ] {
            let a = get(USER, &path);
            assert_eq!(a.status, status, "{path}: {}", a.body);
            let e = json(&a);
            assert!(
                e["error"].as_str().is_some_and(|m| !m.is_empty()),
                "{path}: {e}"
            );
            assert!(e.get("code").is_none(), "{path}: {e}");
        }
        // Someone else's meeting is as unknown to alice as a missing one.
        assert_eq!(
            get("alice", &format!("/admin/api/conferences/{room}")).status,
            404
        );

        // Users, groups and systems, for readers of all.
        let users = get(USER, "/admin/api/users");
        assert!(users.body.contains("\"alice\""), "{}", users.body);
        assert!(!users.body.contains("argon2"), "no password hashes");
        assert!(get(USER, "/admin/api/groups")
            .body
            .contains("Site Administrators"));
        assert!(get(USER, "/admin/api/systems").body.contains("Oslo Fjord"));
        let refused = get("alice", "/admin/api/users");
        assert_eq!(refused.status, 403);
        assert!(json(&refused)["error"]
            .as_str()
            .unwrap()
            .contains("read_all"));
    }
}

#[test]
fn bridge_load_takes_plain_dates() {
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: bridge(),
            ..Options::default()
        },
    );
    let bridges = admin_call(&s, USER, "GET", "/admin/api/bridges", "");
    let id = json(&bridges)[0]["id"].as_i64().unwrap();
    let load = admin_call(
        &s,
        USER,
        "GET",
        &format!("/admin/api/bridges/{id}/load?from=2030-01-01&to=2030-01-01"),
        "",
    );
    assert_eq!(load.status, 200, "{}", load.body);
    let v = json(&load);
    assert_eq!(v["from"], "2030-01-01 00:00:00Z");
    assert_eq!(
        v["to"], "2030-01-02 00:00:00Z",
        "a plain `to` takes its whole day"
    );
}

#[test]
fn the_api_is_described_by_an_openapi_document() {
    let s = Server::start(Backend::Sqlite);
    let a = get_raw(&s.url("/admin/api/openapi.json"), false);
    assert_eq!(a.status, 200, "{}", a.body);
    let doc = json(&a);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    for (path, method) in [
        ("/admin/api/bridges", "get"),
        ("/admin/api/bridges", "post"),
        ("/admin/api/bridges/{id}", "put"),
        ("/admin/api/bridges/{id}", "delete"),
        ("/admin/api/bridges/{id}/disable", "post"),
        ("/admin/api/bridges/{id}/load", "get"),
        ("/admin/api/conferences", "get"),
        ("/admin/api/conferences/{id}", "get"),
        ("/admin/api/conferences/{id}/jobs", "get"),
        ("/admin/api/conferences/{id}/approve", "post"),
        ("/admin/api/users", "get"),
        ("/admin/api/groups", "get"),
        ("/admin/api/systems", "get"),
        ("/admin/api/lockouts/{kind}/{key}", "delete"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    let query: Vec<&str> = doc["paths"]["/admin/api/conferences"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(query, ["from", "to", "system", "bridge", "status", "q"]);
    // What adding a bridge requires is written down.
    let bridge = &doc["components"]["schemas"]["BridgeConfig"];
    let required: Vec<&str> = bridge["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for field in [
        "name",
        "family",
        "address",
        "username",
        "password",
        "capacity",
        "numbering",
    ] {
        assert!(required.contains(&field), "{field} in {required:?}");
    }
    assert!(!required.contains(&"priority"), "{required:?}");
}
