//! The TelePresence Conductor adapter against its simulator, over real sockets.
use bridgebook::bridges::conductor::Conductor;
use bridgebook::bridges::{Adapter, BridgeError, Meeting};
use bridgebook::sim::conductor::ConductorSim;
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
    // The same alias already running (made by someone else): the in-band "already exists"
    // reply is success, not a second conference.
    let first = meeting("bb-1", 8100, &[]);
    c.provision(&first).unwrap();
    let mut same_alias = meeting("bb-9", 8100, &[]);
    same_alias.title = "other".into();
    c.provision(&same_alias).unwrap();
    assert_eq!(sim.with(|s| s.creates), 1);
    // No capacity: an in-band error reply is a refusal with its info text.
    sim.with(|s| s.refuse_creates = Some("No capacity available".into()));
    let e = c.provision(&meeting("bb-2", 8200, &[])).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { message, .. } if message.contains("No capacity")),
        "{e:?}"
    );
    // Wrong credentials: fault 14, without the password.
    let wrong = Conductor::new(&sim.base, "api", "not-it");
    let e = wrong.provision(&meeting("bb-3", 8300, &[])).unwrap_err();
    assert!(matches!(&e, BridgeError::Refused { code, .. } if code == "14"));
    assert!(!format!("{e:?}").contains("not-it"));
    drop(sim);
    assert!(matches!(c.health(), Err(BridgeError::Unreachable(_))));
}
