//! Licensing over SOAP: ClientSession ids against Application Integration licences, and
//! per-system licences taken at a system's first booking.
mod common;
use common::*;

fn start(extra: &str) -> Server {
    Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: extra.to_string(),
            ..Options::default()
        },
    )
}

fn session_detail(a: &Answer) -> String {
    a.get("clientsessionid")
        .unwrap_or_else(|| panic!("no suggested session in {}", a.body))
}

#[test]
fn client_sessions_count_against_licences() {
    let s = start("[licensing]\napplication_integration = 1\n");
    let mut c = Client::new(&s);
    // Calls that need no licence need no session.
    c.session = None;
    c.call("GetDefaultConference", "").ok();
    // A licensed call without a session fails, suggesting one.
    let blank = c.save(&conference(60, 90, &tms(1)), "Strict");
    blank.fault(code::CLIENT_SESSION_BLANK);
    let suggested = session_detail(&blank);
    c.session = Some(suggested.clone());
    c.save(&conference(60, 90, &tms(1)), "Strict").ok();
    c.save(&conference(100, 130, &tms(1)), "Strict").ok();
    // The one licence is in use: a second client is refused.
    let mut other = Client::new(&s);
    other.session = Some("another-client".into());
    other
        .save(&conference(200, 230, &tms(2)), "Strict")
        .fault(code::LICENSE);
    // Administrators see who holds it.
    let listed = admin_call(&s, USER, "GET", "/admin/api/sessions", "");
    assert!(listed.body.contains(&suggested), "{}", listed.body);
    assert!(listed.body.contains("127.0.0.1"), "{}", listed.body);
    let licences = admin_call(&s, USER, "GET", "/admin/api/licenses", "");
    assert!(licences.body.contains("\"used\":1"), "{}", licences.body);
}

#[test]
fn expired_sessions_are_replaced() {
    // Ids that expire at once: every second use of an id is after its lifetime.
    let s =
        start("[licensing]\napplication_integration = 1\nsession_minutes = 0\ngrace_minutes = 0\n");
    let mut c = Client::new(&s);
    c.session = Some("first".into());
    c.save(&conference(60, 90, &tms(1)), "Strict").ok();
    let expired = c.save(&conference(100, 130, &tms(1)), "Strict");
    expired.fault(code::CLIENT_SESSION_EXPIRED);
    let next = session_detail(&expired);
    assert_ne!(next, "first");
    // The expired id holds no licence: the suggested one gets it.
    c.session = Some(next);
    c.save(&conference(100, 130, &tms(1)), "Strict").ok();
}

#[test]
fn a_zeep_client_follows_the_suggested_session() {
    let python = match std::env::var("BRIDGEBOOK_TEST_PYTHON") {
        Ok(p) => p,
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("CI must set BRIDGEBOOK_TEST_PYTHON to a Python with zeep (see .ci/run)")
        }
        Err(_) => return eprintln!("BRIDGEBOOK_TEST_PYTHON unset: zeep_session.py not run"),
    };
    let s = start("[licensing]\napplication_integration = 2\n");
    let out = std::process::Command::new(python)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients"))
        .args(["zeep_session.py", &s.base, USER, PASSWORD])
        .output()
        .expect("python runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("booked conference"), "{text}");
}

#[test]
fn systems_take_licences_at_their_first_booking() {
    let mut extra = String::from("[licensing]\nsystem_packs = 1\n");
    for id in 100..126 {
        extra.push_str(&format!("[[system]]\nid = {id}\nname = \"Room {id}\"\n"));
    }
    let s = start(&extra);
    let c = Client::new(&s);
    // A reservation of 25 rooms takes the whole pack.
    let rooms: String = (100..125).map(tms).collect();
    let reservation = |start: i64| {
        conference(start, start + 30, &rooms).replace(
            "<Participants>",
            "<ConferenceType>Reservation Only</ConferenceType><Participants>",
        )
    };
    c.save(&reservation(60), "Strict").ok();
    // Booking them again takes nothing more; the 26th system finds no licence left.
    c.save(&reservation(120), "Strict").ok();
    c.save(&conference(200, 230, &tms(125)), "Strict")
        .fault(code::LICENSE);
    let licences = admin_call(&s, USER, "GET", "/admin/api/licenses", "");
    assert!(
        licences.body.contains("\"mode\":\"per_system\"")
            && licences.body.contains("\"total\":25")
            && licences.body.contains("\"used\":25"),
        "{}",
        licences.body
    );
}
