//! The TelePresence Server adapter against its simulator, over real sockets.
use bridgebook::bridges::telepresence_server::TelePresenceServer;
use bridgebook::bridges::{Adapter, BridgeError, Meeting};
use bridgebook::sim::telepresence_server::TsSim;
use chrono::{Duration, Utc};

fn meeting(reference: &str, number: u64, dial_out: &[&str]) -> Meeting {
    Meeting {
        reference: reference.into(),
        title: "Board".into(),
        number,
        sip_uri: format!("{number}@vc.example.com"),
        pin: Some("1234".into()),
        start: Utc::now() + Duration::minutes(5),
        end: Utc::now() + Duration::minutes(65),
        dial_out: dial_out.iter().map(|s| s.to_string()).collect(),
        max_participants: 0,
        participants: 3,
    }
}

fn setup() -> (TsSim, TelePresenceServer) {
    let sim = TsSim::start("127.0.0.1:0", "admin", "ts-secret").unwrap();
    let ts = TelePresenceServer::new(&sim.base, "admin", "ts-secret");
    (sim, ts)
}

#[test]
fn conferences_are_created_once_with_relative_times_and_enough_credits() {
    let (sim, ts) = setup();
    // Other conferences fill the first enumerate pages: finding ours needs the cookie.
    for n in 0..5 {
        ts.provision(&meeting(&format!("bb-other-{n}"), 9000 + n, &[]))
            .unwrap();
    }
    let m = meeting("bb-1", 8100, &[]);
    ts.provision(&m).unwrap();
    ts.provision(&m).unwrap();
    let mine: Vec<_> = sim.with(|s| {
        s.conferences
            .iter()
            .filter(|c| c.reference == "bb-1")
            .cloned()
            .collect()
    });
    assert_eq!(
        mine.len(),
        1,
        "a retried provisioning makes no second conference"
    );
    let c = &mine[0];
    assert!(
        (295..=300).contains(&c.start_time),
        "seconds to wait: {}",
        c.start_time
    );
    assert!(
        (3590..=3600).contains(&c.duration),
        "seconds from the start: {}",
        c.duration
    );
    assert_eq!(c.uris[0], ("8100".to_string(), Some("1234".to_string())));
    assert_eq!(c.credits, 5040, "credits at the level covering 3936 tokens");
    assert_eq!(sim.with(|s| s.creates), 6);
}

#[test]
fn dial_outs_tear_down_and_faults() {
    let (sim, ts) = setup();
    let m = meeting("bb-2", 8200, &["sip:alice@partner.example"]);
    ts.provision(&m).unwrap();
    ts.dial_out(&m).unwrap();
    ts.dial_out(&m).unwrap();
    assert_eq!(sim.with(|s| s.conferences[0].participants.len()), 1);
    ts.tear_down("bb-2").unwrap();
    ts.tear_down("bb-2").unwrap();
    assert!(sim.with(|s| s.conferences.is_empty()));
    // A URI another conference holds: fault 18, a refusal.
    ts.provision(&meeting("bb-3", 8300, &[])).unwrap();
    let e = ts.provision(&meeting("bb-4", 8300, &[])).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "18"),
        "{e:?}"
    );
    // Wrong credentials: fault 14, without the password in the message.
    let wrong = TelePresenceServer::new(&sim.base, "admin", "not-it");
    let e = wrong.provision(&meeting("bb-5", 8500, &[])).unwrap_err();
    assert!(matches!(&e, BridgeError::Refused { code, .. } if code == "14"));
    assert!(!format!("{e:?}").contains("not-it"));
    // Too many asynchronous requests: worth retrying.
    sim.with(|s| s.fault = Some(203));
    assert!(matches!(
        ts.provision(&meeting("bb-6", 8600, &[])),
        Err(BridgeError::Unreachable(_))
    ));
    sim.with(|s| {
        s.fault = None;
        s.down = true;
    });
    assert!(matches!(ts.health(), Err(BridgeError::Unreachable(_))));
    // A server that is not remotely managed cannot take the flex API.
    sim.with(|s| {
        s.down = false;
        s.operation_mode = "standalone".into();
    });
    let e = ts.health().unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "operationMode"),
        "{e:?}"
    );
    sim.with(|s| s.operation_mode = "flexible".into());
    // Slow, but within the client's patience: it waits.
    sim.with(|s| {
        s.down = false;
        s.delay = std::time::Duration::from_millis(300);
    });
    let h = ts.health().unwrap();
    assert_eq!(h.active_conferences, Some(1));
    assert_eq!(h.load, Some(0.05));
}
