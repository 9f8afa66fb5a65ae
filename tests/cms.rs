//! The Meeting Server adapter against its simulator, over real sockets.
use bridgebook::bridges::cms::Cms;
use bridgebook::bridges::{Adapter, BridgeError, Meeting};
use bridgebook::sim::cms::CmsSim;
use chrono::{Duration, Utc};

fn meeting(pin: Option<&str>, dial_out: &[&str]) -> Meeting {
    Meeting {
        reference: "bb-42".into(),
        title: "Quarterly review".into(),
        number: 8142,
        sip_uri: "8142@vc.example.com".into(),
        pin: pin.map(String::from),
        start: Utc::now() + Duration::minutes(5),
        end: Utc::now() + Duration::minutes(65),
        dial_out: dial_out.iter().map(|s| s.to_string()).collect(),
        max_participants: 0,
        participants: 3,
    }
}

fn sim() -> (CmsSim, Cms) {
    let sim = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let cms = Cms::new(&sim.base, "api", "api-secret");
    (sim, cms)
}

#[test]
fn provisioning_is_idempotent_and_read_back() {
    let (sim, cms) = sim();
    cms.provision(&meeting(Some("4711"), &[])).unwrap();
    cms.provision(&meeting(Some("4711"), &[])).unwrap();
    let spaces = sim.with(|s| s.co_spaces.clone());
    assert_eq!(
        spaces.len(),
        1,
        "a retried provisioning makes no second coSpace"
    );
    let c = &spaces[0];
    assert_eq!(
        (
            c.name.as_str(),
            c.uri.as_str(),
            c.call_id.as_str(),
            c.passcode.as_str()
        ),
        ("bb-42", "8142", "8142", "4711")
    );
    assert_eq!(sim.with(|s| s.counters.co_space_creates), 1);
    assert_eq!(
        sim.with(|s| s.counters.unknown_parameters),
        0,
        "no misspelt parameter sent"
    );
    // A changed PIN is a PUT of the same coSpace.
    cms.provision(&meeting(Some("9999"), &[])).unwrap();
    assert_eq!(sim.with(|s| s.co_spaces[0].passcode.clone()), "9999");
    assert_eq!(sim.with(|s| s.co_spaces.len()), 1);
}

#[test]
fn dial_outs_and_tear_down() {
    let (sim, cms) = sim();
    let m = meeting(None, &["alice@partner.example", "+4722000000"]);
    cms.provision(&m).unwrap();
    cms.dial_out(&m).unwrap();
    cms.dial_out(&m).unwrap();
    let calls = sim.with(|s| s.calls.clone());
    assert_eq!(calls.len(), 1, "one API call for the coSpace");
    assert_eq!(
        calls[0].legs,
        vec!["alice@partner.example", "+4722000000"],
        "each called once"
    );
    // The API-created call would stay alive: tear-down deletes it, then the coSpace.
    cms.tear_down("bb-42").unwrap();
    assert!(sim.with(|s| s.calls.is_empty() && s.co_spaces.is_empty()));
    cms.tear_down("bb-42").unwrap();
}

#[test]
fn faults_are_told_apart() {
    let (sim, cms) = sim();
    // Another coSpace holds the URI: a refusal naming the CMS reason.
    let mut other = meeting(None, &[]);
    other.reference = "bb-7".into();
    cms.provision(&other).unwrap();
    let mut clash = meeting(None, &[]);
    clash.number = 8143;
    let e = cms.provision(&clash).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "duplicateCoSpaceUri"),
        "{e:?}"
    );
    // Wrong credentials: refused, and the password is in no message.
    let wrong = Cms::new(&sim.base, "api", "not-the-secret");
    let e = wrong.provision(&meeting(None, &[])).unwrap_err();
    assert!(matches!(e, BridgeError::Refused { .. }));
    assert!(!format!("{e:?}{e}").contains("not-the-secret"));
    // Busy or down: worth retrying.
    sim.with(|s| s.down = true);
    assert!(matches!(
        cms.provision(&meeting(None, &[])),
        Err(BridgeError::Unreachable(_))
    ));
    sim.with(|s| s.down = false);
    // Out of room: the reason the server gives is the refusal's code.
    sim.with(|s| s.refuse_writes = Some("tooManyCoSpaces".into()));
    let mut another = meeting(None, &[]);
    another.reference = "bb-8".into();
    another.number = 8144;
    another.sip_uri = "8144@vc.example.com".into();
    let e = cms.provision(&another).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "tooManyCoSpaces"),
        "{e:?}"
    );
    // Slow, but within the client's patience: it waits.
    sim.with(|s| {
        s.refuse_writes = None;
        s.delay = std::time::Duration::from_millis(300);
    });
    cms.provision(&another).unwrap();
    sim.with(|s| s.delay = std::time::Duration::ZERO);
    sim.with(|s| s.load = 2500.0);
    let h = cms.health().unwrap();
    assert_eq!(h.load, Some(0.25));
    drop(sim);
    assert!(matches!(cms.health(), Err(BridgeError::Unreachable(_))));
}
