//! The TelePresence Conductor adapter against its simulator, over real sockets.
use bridgebook::bridges::conductor::Conductor;
use bridgebook::bridges::service_cost::Resources;
use bridgebook::bridges::{Adapter, BridgeError, Meeting};
use bridgebook::sim::conductor::{ConductorSim, Prices};
use chrono::{Duration, Utc};

fn meeting(reference: &str, number: u64, dial_out: &[&str]) -> Meeting {
    Meeting {
        reference: reference.into(),
        title: "Board".into(),
        number,
        sip_uri: format!("{number}@conductor.example.com"),
        pin: Some("2468".into()),
        start: Utc::now() + Duration::minutes(5),
        end: Utc::now() + Duration::minutes(65),
        dial_out: dial_out.iter().map(|s| s.to_string()).collect(),
        max_participants: 0,
        participants: 3,
    }
}

#[test]
fn conferences_and_dial_outs_once() {
    let sim = ConductorSim::start("127.0.0.1:0", "api", "c-secret").unwrap();
    let c = Conductor::new(&sim.base, "api", "c-secret");
    let m = meeting("bb-1", 8100, &["sip:alice@partner.example"]);
    c.provision(&m).unwrap();
    c.provision(&m).unwrap();
    let confs = sim.with(|s| s.conferences.clone());
    assert_eq!(
        confs.len(),
        1,
        "a retried provisioning makes no second conference"
    );
    assert!(confs[0].name.starts_with("bb-1 "), "{}", confs[0].name);
    assert_eq!((confs[0].pin.as_str(), confs[0].max_minutes), ("2468", 60));
    c.dial_out(&m).unwrap();
    c.dial_out(&m).unwrap();
    assert_eq!(sim.with(|s| s.conferences[0].participants.len()), 1);
    c.tear_down("bb-1").unwrap();
    c.tear_down("bb-1").unwrap();
    assert!(sim.with(|s| s.conferences.is_empty()));
}

#[test]
fn errors_come_as_faults_and_as_error_replies() {
    let sim = ConductorSim::start("127.0.0.1:0", "api", "c-secret").unwrap();
    let c = Conductor::new(&sim.base, "api", "c-secret");
    // The alias already running for this meeting: the in-band "already exists" reply means
    // an earlier try made it, and it is brought up to date instead of made twice.
    let mut first = meeting("bb-1", 8100, &[]);
    c.provision(&first).unwrap();
    first.pin = Some("1357".into());
    c.provision(&first).unwrap();
    assert_eq!(
        sim.with(|s| (s.creates, s.conferences[0].pin.clone())),
        (1, "1357".into())
    );
    // Someone else's conference on the alias: a refusal, so the meeting moves elsewhere.
    let e = c.provision(&meeting("bb-9", 8100, &[])).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { message, .. } if message.contains("in use")),
        "{e:?}"
    );
    assert_eq!(sim.with(|s| s.creates), 1);
    // No capacity: an in-band error reply is a refusal with its info text.
    sim.with(|s| s.refuse_creates = Some("No capacity available".into()));
    let e = c.provision(&meeting("bb-2", 8200, &[])).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { message, .. } if message.contains("No capacity")),
        "{e:?}"
    );
    // Wrong credentials over XML-RPC: fault 14, without the password.
    let wrong = Conductor::new(&sim.base, "api", "not-it");
    let e = wrong.health().unwrap_err();
    assert!(matches!(&e, BridgeError::Refused { code, .. } if code == "14"));
    assert!(!format!("{e:?}").contains("not-it"));
    // An injected fault, then the Conductor down (503) and gone.
    sim.with(|s| s.fault = Some(201));
    assert!(matches!(c.health(), Err(BridgeError::Refused { code, .. }) if code == "201"));
    sim.with(|s| {
        s.fault = None;
        s.down = true;
    });
    assert!(matches!(c.health(), Err(BridgeError::Unreachable(_))));
    sim.with(|s| s.down = false);
    assert!(c.health().is_ok());
    drop(sim);
    assert!(matches!(c.health(), Err(BridgeError::Unreachable(_))));
}

#[test]
fn meetings_are_priced_by_service_cost_and_created_with_those_limits() {
    let sim = ConductorSim::start("127.0.0.1:0", "api", "c-secret").unwrap();
    // One TelePresence Server behind the Conductor, priced as the document's example.
    sim.with(|s| {
        s.prices = Prices::telepresence_servers(1);
        s.domain = Some("conductor.example.com".into());
    });
    let c = Conductor::new(&sim.base, "api", "c-secret");
    // The planner's model: licences run out first (30720 / 3840 = 8 participants).
    let model = c.price("8100@conductor.example.com").unwrap().unwrap();
    assert_eq!(
        (model.total, model.per_participant, model.per_conference),
        (30720.0, 3840.0, 0.0)
    );
    // Four participants: the document's limits for four single-screen endpoints.
    let mut m = meeting("bb-1", 8100, &[]);
    m.participants = 4;
    c.provision(&m).unwrap();
    let limits = sim.with(|s| s.conferences[0].limits.clone());
    let want: Resources = [("signalling", 4), ("media", 12288), ("licences", 15360)]
        .into_iter()
        .map(|(d, n)| (d.to_string(), n))
        .collect();
    assert_eq!(limits, want);
    // Five more do not fit what is left of the pool: the Conductor's in-band refusal.
    let mut big = meeting("bb-2", 8200, &[]);
    big.participants = 5;
    let e = c.provision(&big).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { message, .. } if message.contains("No capacity")),
        "{e:?}"
    );
    // The pool shrinks to nothing: even a small meeting is refused.
    sim.with(|s| s.prices.pool.values_mut().for_each(|v| *v = 0));
    let mut small = meeting("bb-3", 8300, &[]);
    small.participants = 1;
    assert!(matches!(
        c.provision(&small),
        Err(BridgeError::Refused { .. })
    ));
    // ServiceCost is configuration, asked once and remembered.
    assert_eq!(sim.with(|s| s.service_cost_requests), 1);
    // An alias that reaches no Service Preference: 404 "10"; wrong credentials: 401.
    let other = Conductor::new(&sim.base, "api", "c-secret");
    let e = other.price("8100@elsewhere.example.com").unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "10"),
        "{e:?}"
    );
    let wrong = Conductor::new(&sim.base, "api", "not-it");
    let e = wrong.price("8100@conductor.example.com").unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { message, .. } if message.contains("401")),
        "{e:?}"
    );
    assert!(!format!("{e:?}").contains("not-it"));
}

#[test]
fn one_request_at_a_time_and_no_status_query_storm() {
    let sim = ConductorSim::start("127.0.0.1:0", "api", "c-secret").unwrap();
    sim.with(|s| s.delay = std::time::Duration::from_millis(30));
    // One client used from four threads at once: its requests queue, none overlaps.
    let c = Conductor::new(&sim.base, "api", "c-secret");
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..3 {
                    c.health().unwrap();
                }
            });
        }
    });
    // Health comes from device.query, so polling it often is no status-query storm.
    assert_eq!(sim.with(|s| (s.requests, s.violations)), (12, 0));
    // Two clients at once do overlap, and the simulator counts it.
    sim.with(|s| s.delay = std::time::Duration::from_millis(500));
    let d = Conductor::new(&sim.base, "api", "c-secret");
    std::thread::scope(|scope| {
        scope.spawn(|| c.health().unwrap());
        scope.spawn(|| d.health().unwrap());
    });
    assert!(sim.with(|s| s.violations) >= 1);
}
