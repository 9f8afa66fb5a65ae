//! The log a booking leaves, read as a collector reads it: the binary run as an operator
//! runs it with `log_format = "json"`, its standard error parsed line by line.
mod common;
use common::bare::Bare;
use common::*;
use std::time::Duration;

fn config(dir: &std::path::Path, format: &str) -> String {
    format!(
        r#"listen = "127.0.0.1:0"
metrics_listen = "127.0.0.1:0"
database_url = "{db}"
log_format = "{format}"
[launcher]
enabled = false
[[system]]
id = 1
name = "Oslo Fjord"
[[system]]
id = 2
name = "Bergen Board"
[[user]]
username = "{USER}"
password_hash = "{hash}"
site_admin = true
"#,
        db = dir.join("bb.db").display(),
        hash = password_hash(),
    )
}

/// Posts a SOAP call with `request_id` (if any) as X-Request-Id: the answer's status, body
/// and X-Request-Id.
fn call(base: &str, op: &str, args: &str, request_id: Option<&str>) -> (u16, String, String) {
    let body = format!(r#"<{op} xmlns="{NS}">{args}</{op}>"#);
    let mut req = ureq::post(&format!("{base}{BOOKING}"))
        .timeout(Duration::from_secs(60))
        .set("Authorization", &basic(USER, PASSWORD))
        .set("Content-Type", "text/xml; charset=utf-8")
        .set("SOAPAction", &format!("\"{NS}{op}\""));
    if let Some(id) = request_id {
        req = req.set("X-Request-Id", id);
    }
    let r = match req.send_string(&envelope_with_session(23, Some(SESSION), &body)) {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let id = r.header("X-Request-Id").unwrap_or_default().to_string();
    (r.status(), r.into_string().unwrap(), id)
}

fn lines(dir: &std::path::Path) -> Vec<serde_json::Value> {
    Bare::log(dir)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn field<'a>(line: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    line["fields"].get(name)
}

#[test]
fn a_booking_logged_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let server = Bare::start(
        dir.path(),
        &config(dir.path(), "json"),
        &[("BRIDGEBOOK_LOG", "info")],
    );
    let (status, body, answered_id) = call(
        &server.base,
        "SaveConferenceWithMode",
        &format!(
            "<Conference>{}</Conference><BookingMode>Strict</BookingMode>",
            conference(60, 90, &(tms(1) + &tms(2)))
        ),
        Some("booking-42"),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(answered_id, "booking-42", "a well-formed id is kept");
    let id: i64 = first(&body, "ConferenceId").unwrap().parse().unwrap();
    let (status, _, fault_id) = call(
        &server.base,
        "GetConferenceById",
        "<ConferenceId>99999</ConferenceId>",
        Some("not an id"),
    );
    assert_eq!(status, 500);
    assert_eq!(
        fault_id.len(),
        32,
        "a new id replaces a malformed one: {fault_id}"
    );

    let log = lines(dir.path());
    let started = log
        .iter()
        .find(|l| field(l, "message").and_then(|m| m.as_str()) == Some("bridgebook started"))
        .unwrap_or_else(|| panic!("no start-up summary: {log:?}"));
    assert_eq!(started["level"], "INFO");
    let f = &started["fields"];
    assert_eq!(f["version"], env!("CARGO_PKG_VERSION"));
    assert!(f["config"].as_str().unwrap().ends_with("bridgebook.toml"));
    assert!(f["database"].as_str().unwrap().starts_with("SQLite file "));
    assert_eq!(f["soap"], format!("{}", server.base));
    assert!(f["metrics"].as_str().unwrap().ends_with("/metrics"));
    assert_eq!(
        (&f["systems"], &f["users"], &f["bridges"]),
        (&2.into(), &1.into(), &0.into())
    );
    assert_eq!(
        (&f["launcher"], &f["licensing"]),
        (&"off".into(), &"off".into())
    );

    let saved: Vec<_> = log
        .iter()
        .filter(|l| field(l, "action").is_some_and(|a| a == "save"))
        .collect();
    assert_eq!(saved.len(), 1, "one line for the booking: {saved:?}");
    let saved = saved[0];
    assert_eq!(saved["level"], "INFO");
    assert_eq!(saved["fields"]["conference"], id);
    assert_eq!(saved["fields"]["user"], USER);
    assert_eq!(saved["fields"]["outcome"], "booked");
    assert_eq!(saved["span"]["operation"], "SaveConferenceWithMode");
    assert_eq!(saved["span"]["request_id"], "booking-42");

    let fault = log
        .iter()
        .find(|l| field(l, "fault").is_some())
        .unwrap_or_else(|| panic!("no fault line: {log:?}"));
    assert_eq!(fault["level"], "INFO");
    assert_eq!(fault["fields"]["operation"], "GetConferenceById");
    assert_eq!(fault["fields"]["code"], -2147218302);
    assert_eq!(fault["span"]["request_id"], fault_id.as_str());
}

#[test]
fn plain_text_to_a_pipe_has_no_colour() {
    let dir = tempfile::tempdir().unwrap();
    let server = Bare::start(
        dir.path(),
        &config(dir.path(), "text"),
        &[("BRIDGEBOOK_LOG", "info")],
    );
    let (status, _, _) = call(
        &server.base,
        "GetConferenceById",
        "<ConferenceId>99999</ConferenceId>",
        None,
    );
    assert_eq!(status, 500);
    let log = Bare::log(dir.path());
    assert!(log.contains("bridgebook started"), "{log}");
    assert!(log.contains("fault"), "{log}");
    assert!(!log.contains('\u{1b}'), "escape codes in a file: {log}");
}
