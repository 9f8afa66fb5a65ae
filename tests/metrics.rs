//! The Prometheus endpoint, scraped over HTTP on its own listener and parsed as Prometheus
//! reads it, while a client books, is refused and fails to log in: each count moves by
//! exactly what happened, and the SOAP listener serves no metrics.
mod common;
use common::*;
use prometheus_parse::{Scrape, Value};

fn scrape(server: &Server) -> Scrape {
    let text = ureq::get(&server.metrics)
        .call()
        .expect("the metrics listener answers")
        .into_string()
        .unwrap();
    Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("valid exposition text")
}

/// The value of the sample `name` whose labels include `labels` (0 when there is none yet).
fn value(s: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    s.samples
        .iter()
        .filter(|x| x.metric == name)
        .filter(|x| labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
        .map(|x| match &x.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(_) | Value::Summary(_) => panic!("{name} is not a number"),
        })
        .sum()
}

/// How many observations the histogram `name` holds for `labels`.
fn observations(s: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    s.samples
        .iter()
        .filter(|x| x.metric == name)
        .filter(|x| labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
        .map(|x| match &x.value {
            Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            other => panic!("{name} is not a histogram: {other:?}"),
        })
        .sum()
}

const SAVE: &str = "SaveConferenceWithMode";
const REQUESTS: &str = "bridgebook_soap_requests_total";

#[test]
fn counts_move_with_a_booking_flow() {
    let server = Server::start(Backend::Sqlite);
    let client = Client::new(&server);
    let before = scrape(&server);

    let saved = client.save(&conference(60, 90, &(tms(1) + &tms(2))), "Strict");
    saved.ok();
    let id = saved.get("ConferenceId").unwrap();
    // A stale Version and an unknown conference: two faults.
    client
        .save(
            &format!("<ConferenceId>{id}</ConferenceId><Title>Late</Title><Version>7</Version>"),
            "Strict",
        )
        .fault(-2147218248);
    client.get("99999").fault(code::MEETINGNOTFOUND);
    client
        .call(
            "DeleteConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .ok();
    // A wrong password: 401 and a login failure, no SOAP call.
    let refused = Client::as_user(&server, USER, "wrong").get(&id);
    assert_eq!(refused.status, 401);

    let after = scrape(&server);
    let moved = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    assert_eq!(
        moved(REQUESTS, &[("operation", SAVE), ("fault", "none")]),
        1.0
    );
    assert_eq!(
        moved(
            REQUESTS,
            &[("operation", SAVE), ("fault", "ConcurrentModification")]
        ),
        1.0
    );
    assert_eq!(
        moved(
            REQUESTS,
            &[
                ("operation", "GetConferenceById"),
                ("fault", "MeetingNotFound")
            ]
        ),
        1.0
    );
    assert_eq!(
        moved(REQUESTS, &[]),
        4.0,
        "the refused login is no SOAP call"
    );
    assert_eq!(
        observations(
            &after,
            "bridgebook_soap_request_duration_seconds",
            &[("operation", SAVE)]
        ),
        2.0
    );
    assert_eq!(
        moved(
            "bridgebook_bookings_total",
            &[("action", "save"), ("outcome", "booked")]
        ),
        1.0
    );
    assert_eq!(
        moved(
            "bridgebook_bookings_total",
            &[("action", "save"), ("outcome", "refused")]
        ),
        1.0
    );
    assert_eq!(
        moved(
            "bridgebook_bookings_total",
            &[("action", "delete"), ("outcome", "deleted")]
        ),
        1.0
    );
    assert_eq!(
        moved(
            "bridgebook_login_failures_total",
            &[("reason", "credentials")]
        ),
        1.0
    );
    assert!(
        observations(&after, "bridgebook_db_pool_wait_seconds", &[])
            > observations(&before, "bridgebook_db_pool_wait_seconds", &[]),
        "every call took a database connection"
    );

    // The SOAP listener knows nothing of metrics.
    let on_soap = get_raw(&server.url("/metrics"), false);
    assert_eq!(on_soap.status, 404, "{}", on_soap.body);
}

#[test]
fn each_service_counts_its_own() {
    let one = Server::start(Backend::Sqlite);
    let two = Server::start(Backend::Sqlite);
    Client::new(&one)
        .save(&conference(60, 90, &tms(1)), "Strict")
        .ok();
    let booked = [("action", "save"), ("outcome", "booked")];
    assert_eq!(
        value(&scrape(&one), "bridgebook_bookings_total", &booked),
        1.0
    );
    assert_eq!(
        value(&scrape(&two), "bridgebook_bookings_total", &booked),
        0.0
    );
}

/// The launcher's work counted: jobs taken up, calls connected and failed, and whether each
/// bridge answers.
#[test]
fn bridge_work_is_counted() {
    let sim = bridgebook::sim::cms::CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let rooms = r#"
[[system]]
id = 11
name = "Room with a SIP URI"
sip_uri = "room11@rooms.example.com"
[[system]]
id = 12
name = "Room with an H.323 ID"
h323_id = "room12.h323"
"#;
    let server = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: rooms.to_string()
                + &bridge_table(
                    "cms-1",
                    "meeting-server",
                    &sim.base,
                    40,
                    "vc.example.com",
                    "priority = 1",
                )
                + &bridge_table(
                    "gone-1",
                    "meeting-server",
                    "http://127.0.0.1:9",
                    40,
                    "vc.example.com",
                    "priority = 50",
                ),
            launcher: true,
            ..Options::default()
        },
    );
    // The Meeting Server dials SIP: the room with a SIP URI and the dial-out connect, the
    // room with only an H.323 ID cannot be called.
    let parts = tms(11) + &tms(12) + &external("SIP ->", "guest@partner.example");
    let meeting = format!(
        "<ConferenceId>-1</ConferenceId><Title>Counted</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><ConferenceType>Automatic Call Launch</ConferenceType><Participants>{parts}</Participants>",
        seconds_from_now(4),
        seconds_from_now(120)
    );
    Client::new(&server).save(&meeting, "Strict").ok();
    let connected = [("state", "connected")];
    eventually(20, "two calls connected", || {
        value(&scrape(&server), "bridgebook_calls_total", &connected) == 2.0
    });
    eventually(10, "the failed call counted", || {
        value(
            &scrape(&server),
            "bridgebook_calls_total",
            &[("state", "failed")],
        ) == 1.0
    });
    let s = scrape(&server);
    let due = "bridgebook_bridge_jobs_due_total";
    assert_eq!(value(&s, due, &[("kind", "provision")]), 1.0);
    assert!(value(&s, due, &[("kind", "dial_out")]) >= 1.0);
    assert_eq!(value(&s, due, &[("kind", "tear_down")]), 0.0);
    assert_eq!(value(&s, "bridgebook_bridge_jobs_late_total", &[]), 0.0);
    assert_eq!(
        value(&s, "bridgebook_bridge_reachable", &[("bridge", "cms-1")]),
        1.0
    );
    eventually(10, "the bridge that does not answer shown so", || {
        let s = scrape(&server);
        s.samples.iter().any(|x| {
            x.metric == "bridgebook_bridge_reachable" && x.labels.get("bridge") == Some("gone-1")
        }) && value(&s, "bridgebook_bridge_reachable", &[("bridge", "gone-1")]) == 0.0
    });
}
