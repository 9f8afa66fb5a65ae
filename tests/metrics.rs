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
