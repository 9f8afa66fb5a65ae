//! Calendar feeds: a secret URL per room or user that a calendar subscribes to without a
//! login, made, listed and revoked over the admin API.
mod common;
use common::*;
use serde_json::Value;

fn json(a: &Answer) -> Value {
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body))
}

#[test]
fn rooms_and_users_have_feeds_until_they_are_revoked() {
    for backend in backends() {
        let s = Server::start(backend);
        let c = Client::new(&s);
        let titled = |title: &str, start: i64, rooms: &str| {
            conference(start, start + 60, rooms).replace("Test meeting", title)
        };
        c.save(
            &titled("In the fjord room", 60, &(tms(1) + &tms(2))),
            "Strict",
        )
        .ok();
        c.save(&titled("Elsewhere", 200, &tms(3)), "Strict").ok();

        let made = |body: &str| {
            let a = admin_call(&s, USER, "POST", "/admin/api/feeds", body);
            assert_eq!(a.status, 200, "{body}: {}", a.body);
            json(&a)
        };
        let room = made(r#"{"room": 1}"#);
        let mine = made(r#"{"user": "svc"}"#);
        let alices = made(r#"{"user": "alice"}"#);
        let read = |feed: &Value| get_raw(&s.url(feed["path"].as_str().unwrap()), false);

        let a = read(&room);
        assert_eq!(a.status, 200);
        assert!(
            a.content_type.starts_with("text/calendar"),
            "{}",
            a.content_type
        );
        assert!(a.body.contains("METHOD:PUBLISH") && a.body.contains("X-WR-CALNAME:Oslo Fjord"));
        assert!(a.body.contains("SUMMARY:In the fjord room"), "{}", a.body);
        assert!(!a.body.contains("Elsewhere"), "only the room's meetings");
        let a = read(&mine);
        assert!(
            a.body.contains("SUMMARY:In the fjord room") && a.body.contains("SUMMARY:Elsewhere"),
            "{}",
            a.body
        );
        assert!(
            !read(&alices).body.contains("BEGIN:VEVENT"),
            "alice owns nothing"
        );

        // The list never shows a secret.
        let listed = admin_call(&s, USER, "GET", "/admin/api/feeds", "");
        let secret = room["path"].as_str().unwrap().rsplit('/').next().unwrap();
        let secret = secret.trim_end_matches(".ics");
        assert!(!listed.body.contains(secret));
        assert_eq!(json(&listed).as_array().unwrap().len(), 3);

        let id = room["id"].as_i64().unwrap();
        let revoked = admin_call(&s, USER, "DELETE", &format!("/admin/api/feeds/{id}"), "");
        assert_eq!(revoked.status, 200, "{}", revoked.body);
        assert_eq!(read(&room).status, 404, "a revoked feed answers nothing");
        assert_eq!(read(&mine).status, 200, "the others stay");
        let listed = json(&admin_call(&s, USER, "GET", "/admin/api/feeds", ""));
        let entry = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap();
        assert!(entry["revoked_at"].is_string(), "{entry}");
        assert_eq!(
            admin_call(&s, USER, "DELETE", &format!("/admin/api/feeds/{id}"), "").status,
            400,
            "revoked once"
        );

        assert_eq!(
            get_raw(&s.url("/calendar/feeds/0123456789abcdef.ics"), false).status,
            404
        );
        assert_eq!(
            admin_call(&s, USER, "POST", "/admin/api/feeds", r#"{"room": 99}"#).status,
            404
        );
        assert_eq!(
            admin_call(&s, "alice", "POST", "/admin/api/feeds", r#"{"room": 1}"#).status,
            403,
            "site administrators only"
        );
    }
}
