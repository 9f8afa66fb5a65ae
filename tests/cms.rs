//! The Meeting Server adapter against its simulator, over real sockets. The simulator is a
//! second reading of the 3.4 reference, strict where the document is: a missing required
//! parameter, a wrong type or an unknown one shows in its refusals and counters.
use bridgebook::bridges::cms::{owner_id, Cms};
use bridgebook::bridges::{Adapter, BridgeError, Call, CallReport, CallState, Meeting, Protocol};
use bridgebook::sim::cms::{CmsSim, CoSpace};
use bridgebook::sim::Observed;
use chrono::{Duration, Utc};
use std::time::Duration as Wait;

const REFERENCE: &str = "bb-t-42";
const GUEST: &str = "guest@partner.example";

fn call(key: &str, address: &str, protocol: Protocol) -> Call {
    Call {
        key: key.into(),
        address: address.into(),
        protocol,
        audio_only: false,
    }
}

/// Three rooms (SIP, H.323 ID, E.164 alias) and a SIP dial-out.
fn calls() -> Vec<Call> {
    vec![
        call("room-1", "room1@example.com", Protocol::Sip),
        call("room-2", "room2.h323", Protocol::H323),
        call("room-3", "+4722000003", Protocol::H323),
        call("out-3f2a9c1b07", GUEST, Protocol::Sip),
    ]
}

fn meeting(number: u64, pin: Option<&str>) -> Meeting {
    Meeting {
        reference: REFERENCE.into(),
        title: "Quarterly review".into(),
        number,
        sip_uri: format!("{number}@vc.example.com"),
        pin: pin.map(String::from),
        start: Utc::now() + Duration::minutes(5),
        end: Utc::now() + Duration::minutes(65),
        calls: calls(),
        bandwidth_kbps: 1920,
        max_participants: 0,
        participants: 4,
    }
}

/// A simulator whose far ends answer at once (no waiting on the clock), and its adapter.
fn sim() -> (CmsSim, Cms) {
    let sim = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    sim.with(|s| s.answer_after = Wait::ZERO);
    let cms = Cms::new(&sim.base, "api", "api-secret");
    (sim, cms)
}

fn state_of<'a>(reports: &'a [CallReport], key: &str) -> &'a CallState {
    &reports.iter().find(|r| r.key == key).unwrap().state
}

/// Nothing the adapter sent was unknown to the document or refused by it.
fn clean(sim: &CmsSim) {
    sim.with(|s| {
        assert_eq!(s.unknown, Vec::<String>::new(), "unknown parameters sent");
        assert_eq!(s.refusals, Vec::<String>::new(), "refused requests");
    });
}

fn connected(sim: &CmsSim) -> Vec<String> {
    let mut a: Vec<String> = sim
        .calls(REFERENCE)
        .into_iter()
        .filter(|c| c.connected)
        .map(|c| c.address)
        .collect();
    a.sort();
    a
}

fn callable() -> Vec<String> {
    let mut a = vec![
        "+4722000003".to_string(),
        GUEST.into(),
        "room1@example.com".into(),
    ];
    a.sort();
    a
}

#[test]
fn provisioning_sends_the_documented_parameters_once() {
    let (sim, cms) = sim();
    cms.provision(&meeting(8142, Some("4711"))).unwrap();
    cms.provision(&meeting(8142, Some("4711"))).unwrap();
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
        (REFERENCE, "8142", "8142", "4711")
    );
    assert_eq!(c.secondary_uri, "", "the number is the URI already");
    assert_eq!(
        sim.with(|s| (s.counters.co_space_creates, s.counters.co_space_changes)),
        (1, 0)
    );
    // A changed PIN is a PUT of the changed field alone; taking it away unsets it.
    cms.provision(&meeting(8142, Some("9999"))).unwrap();
    assert_eq!(sim.with(|s| s.co_spaces[0].passcode.clone()), "9999");
    cms.provision(&meeting(8142, None)).unwrap();
    assert_eq!(sim.with(|s| s.co_spaces[0].passcode.clone()), "");
    assert_eq!(
        sim.with(|s| (s.co_spaces.len(), s.counters.co_space_changes)),
        (1, 2)
    );
    // A URI that is not the number gets the number as its second URI.
    let mut named = meeting(8142, None);
    named.sip_uri = "review.q3@vc.example.com".into();
    cms.provision(&named).unwrap();
    let c = sim.with(|s| s.co_spaces[0].clone());
    assert_eq!(
        (c.uri.as_str(), c.secondary_uri.as_str()),
        ("review.q3", "8142")
    );
    clean(&sim);
}

#[test]
fn three_rooms_and_a_dial_out_are_each_called_once() {
    let (sim, cms) = sim();
    // Call legs come two to a page, so reading them back takes every page.
    sim.with(|s| s.leg_page = 2);
    let m = meeting(8142, None);
    cms.provision(&m).unwrap();
    let reports = cms.call(&m).unwrap();
    assert_eq!(reports.len(), 4);
    for key in ["room-1", "room-3", "out-3f2a9c1b07"] {
        assert_eq!(state_of(&reports, key), &CallState::Connected, "{key}");
    }
    // The Meeting Server dials SIP URIs and numbers: an H.323 ID cannot be called and is
    // never sent; the E.164 alias is dialled as a number.
    assert!(
        matches!(state_of(&reports, "room-2"), CallState::Failed(why) if why.contains("H.323 ID")),
        "{reports:?}"
    );
    assert_eq!(connected(&sim), callable());
    assert!(sim.calls(REFERENCE).iter().all(|c| c.protocol == "sip"));
    // One call object, each leg with the documented options.
    let (calls, legs) = sim.with(|s| (s.calls.clone(), s.legs.clone()));
    assert_eq!(calls.len(), 1);
    for leg in &legs {
        let key = m
            .calls
            .iter()
            .find(|c| c.address == leg.remote_party)
            .unwrap();
        assert_eq!(leg.setting("ownerId"), owner_id(REFERENCE, &key.key));
        assert_eq!(leg.setting("bandwidth"), "1920000");
        assert_eq!(leg.setting("confirmation"), "false");
    }
    // A second call calls nobody again and says where each stands.
    let again = cms.call(&m).unwrap();
    assert_eq!(again, reports);
    assert_eq!(
        sim.with(|s| (s.counters.leg_creates, s.counters.call_creates)),
        (3, 1)
    );
    clean(&sim);
}

#[test]
fn a_call_ringing_is_calling_until_it_answers() {
    let (sim, cms) = sim();
    // Far ends that take longer to answer than the adapter watches.
    sim.with(|s| s.answer_after = Wait::from_secs(30));
    let mut m = meeting(8142, None);
    m.calls.truncate(1);
    cms.provision(&m).unwrap();
    assert_eq!(
        state_of(&cms.call(&m).unwrap(), "room-1"),
        &CallState::Calling
    );
    assert_eq!(
        state_of(&cms.call(&m).unwrap(), "room-1"),
        &CallState::Calling
    );
    assert_eq!(
        sim.with(|s| s.counters.leg_creates),
        1,
        "a ringing call is not placed again"
    );
    sim.with(|s| s.answer_after = Wait::ZERO);
    assert_eq!(
        state_of(&cms.call(&m).unwrap(), "room-1"),
        &CallState::Connected
    );
    clean(&sim);
}

#[test]
fn a_refused_address_fails_with_the_reason_and_is_called_again_once_it_answers() {
    let (sim, cms) = sim();
    let m = meeting(8142, None);
    cms.provision(&m).unwrap();
    sim.refuse_calls_to(GUEST, true);
    let reports = cms.call(&m).unwrap();
    assert!(
        matches!(state_of(&reports, "out-3f2a9c1b07"), CallState::Failed(why) if why.contains("callLegDoesNotExist")),
        "{reports:?}"
    );
    assert_eq!(state_of(&reports, "room-1"), &CallState::Connected);
    assert_eq!(sim.with(|s| s.counters.legs_failed), 1);
    sim.refuse_calls_to(GUEST, false);
    let reports = cms.call(&m).unwrap();
    assert_eq!(state_of(&reports, "out-3f2a9c1b07"), &CallState::Connected);
    assert_eq!(connected(&sim), callable());
    assert_eq!(
        sim.with(|s| s.counters.leg_creates),
        4,
        "the guest twice, the others once"
    );
    // The only refusal: the adapter looking at the leg that had ended.
    sim.with(|s| {
        assert!(s.unknown.is_empty());
        assert_eq!(s.refusals.len(), 1);
        assert!(s.refusals[0].starts_with("GET /api/v1/callLegs/"));
        assert!(s.refusals[0].ends_with("callLegDoesNotExist"));
    });
}

#[test]
fn the_meeting_lives_to_its_end_and_an_extension_keeps_it() {
    let (sim, cms) = sim();
    let mut m = meeting(8142, None);
    m.start = Utc::now();
    m.end = m.start + Duration::seconds(2);
    cms.provision(&m).unwrap();
    cms.call(&m).unwrap();
    // A coSpace has no times, and calls the API made stay until deleted (§8): past the
    // booked end the meeting is still there, ended by tear-down at the end.
    std::thread::sleep(Wait::from_secs(3));
    assert_eq!(sim.meetings(), vec![REFERENCE.to_string()]);
    assert_eq!(connected(&sim), callable());
    // Extended while it runs: nothing on the bridge changes, nobody is called again.
    m.end = Utc::now() + Duration::minutes(10);
    cms.provision(&m).unwrap();
    cms.call(&m).unwrap();
    assert_eq!(connected(&sim), callable());
    assert_eq!(
        sim.with(|s| (
            s.counters.co_space_creates,
            s.counters.co_space_changes,
            s.counters.leg_creates
        )),
        (1, 0, 3)
    );
    cms.tear_down(REFERENCE).unwrap();
    assert!(sim.meetings().is_empty());
    clean(&sim);
}

#[test]
fn a_refused_change_leaves_the_live_meeting_as_it_was() {
    let (sim, cms) = sim();
    let m = meeting(8142, Some("4711"));
    cms.provision(&m).unwrap();
    cms.call(&m).unwrap();
    // Someone else's coSpace holds the number the meeting moves to.
    sim.with(|s| {
        s.co_spaces.push(CoSpace {
            id: "0ther000-0000-4000-8000-000000000001".into(),
            name: "Sales".into(),
            uri: "9143".into(),
            ..CoSpace::default()
        })
    });
    let before = sim.with(|s| {
        s.co_spaces
            .iter()
            .find(|c| c.name == REFERENCE)
            .cloned()
            .unwrap()
    });
    let moved = meeting(9143, Some("4711"));
    let e = cms.provision(&moved).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "duplicateCoSpaceUri"),
        "{e:?}"
    );
    // A refusal the server gives for any write.
    sim.with(|s| s.refuse_writes = Some("databaseNotReady".into()));
    let e = cms.provision(&meeting(8142, Some("1234"))).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "databaseNotReady"),
        "{e:?}"
    );
    sim.with(|s| s.refuse_writes = None);
    let after = sim.with(|s| {
        s.co_spaces
            .iter()
            .find(|c| c.name == REFERENCE)
            .cloned()
            .unwrap()
    });
    assert_eq!(after, before, "the coSpace kept every value");
    assert_eq!(connected(&sim), callable(), "its calls go on");
}

#[test]
fn someone_elses_similar_co_spaces_are_never_touched() {
    let (sim, cms) = sim();
    let foreign = [
        "bb-t-42-copy",
        "bb-t-42x",
        "xbb-t-42",
        "BB-T-42",
        "bb-t-",
        "bb-t",
    ];
    for name in foreign {
        sim.add_foreign(name);
    }
    // One of them is in a meeting of its own.
    sim.with(|s| {
        let space = s
            .co_spaces
            .iter()
            .find(|c| c.name == "bb-t-42-copy")
            .unwrap()
            .id
            .clone();
        s.calls.push(bridgebook::sim::cms::Call {
            id: "0ther000-0000-4000-8000-0000000000c1".into(),
            co_space: space,
            name: "bb-t-42-copy".into(),
            correlator: "0ther000-0000-4000-8000-0000000000c2".into(),
            started: std::time::Instant::now(),
            settings: Default::default(),
        });
    });
    let theirs = sim.with(|s| {
        let mut v: Vec<CoSpace> = s.co_spaces.clone();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    });
    let m = meeting(8142, Some("4711"));
    // Not on the bridge yet: calling it is an error, and touches nobody else's.
    assert!(
        matches!(cms.call(&m), Err(BridgeError::Refused { code, .. }) if code == "coSpaceDoesNotExist")
    );
    cms.provision(&m).unwrap();
    cms.call(&m).unwrap();
    assert_eq!(
        cms.conferences("bb-t-").unwrap(),
        vec![REFERENCE.to_string()]
    );
    cms.tear_down(REFERENCE).unwrap();
    let after = sim.with(|s| {
        let mut v: Vec<CoSpace> = s.co_spaces.clone();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    });
    assert_eq!(after, theirs, "theirs unchanged, ours gone");
    assert_eq!(sim.with(|s| s.calls.len()), 1, "their meeting goes on");
    assert!(cms.conferences("bb-t-").unwrap().is_empty());
    clean(&sim);
}

#[test]
fn conferences_reads_every_page_even_when_they_shift() {
    let (sim, cms) = sim();
    // Two that sort before ours and match the filter, one deleted by someone else while
    // the adapter pages: everything after it moves up one place.
    sim.add_foreign("a-bb-t-1");
    sim.add_foreign("a-bb-t-2");
    let mut ours: Vec<String> = Vec::new();
    for n in 0..25u64 {
        let mut m = meeting(8200 + n, None);
        m.reference = format!("bb-t-{}", 100 + n);
        m.calls.clear();
        cms.provision(&m).unwrap();
        ours.push(m.reference);
    }
    sim.with(|s| s.removed_between_pages = vec!["a-bb-t-1".into()]);
    assert_eq!(cms.conferences("bb-t-").unwrap(), ours);
    assert!(
        sim.with(|s| s.removed_between_pages.is_empty()),
        "the pages did shift"
    );
    assert_eq!(cms.conferences("bb-u-").unwrap(), Vec::<String>::new());
    clean(&sim);
}

#[test]
fn after_a_restart_provision_and_call_bring_the_calls_back() {
    let (sim, cms) = sim();
    let m = meeting(8142, None);
    cms.provision(&m).unwrap();
    cms.call(&m).unwrap();
    sim.restart();
    // The coSpace is configuration and stays; its call and legs are gone.
    assert_eq!(sim.meetings(), vec![REFERENCE.to_string()]);
    assert!(sim.calls(REFERENCE).is_empty());
    cms.provision(&m).unwrap();
    let reports = cms.call(&m).unwrap();
    assert_eq!(state_of(&reports, "room-1"), &CallState::Connected);
    assert_eq!(connected(&sim), callable());
    assert_eq!(
        sim.with(|s| (s.counters.co_space_creates, s.counters.call_creates)),
        (1, 2)
    );
    clean(&sim);
}

#[test]
fn tear_down_removes_it_and_is_idempotent() {
    let (sim, cms) = sim();
    let m = meeting(8142, None);
    cms.provision(&m).unwrap();
    cms.call(&m).unwrap();
    // The call ends by itself between the adapter listing it and deleting it.
    sim.with(|s| s.calls_end_after_listing = true);
    cms.tear_down(REFERENCE).unwrap();
    assert!(sim.with(|s| s.co_spaces.is_empty() && s.calls.is_empty() && s.legs.is_empty()));
    assert!(sim.calls(REFERENCE).is_empty());
    cms.tear_down(REFERENCE).unwrap();
    sim.with(|s| s.calls_end_after_listing = false);
    // An ordinary tear-down deletes the call, then the coSpace.
    cms.provision(&m).unwrap();
    cms.call(&m).unwrap();
    cms.tear_down(REFERENCE).unwrap();
    assert!(sim.with(|s| s.co_spaces.is_empty() && s.calls.is_empty() && s.legs.is_empty()));
    cms.tear_down(REFERENCE).unwrap();
}

#[test]
fn a_full_call_reports_the_limit_for_the_legs_it_refuses() {
    let (sim, cms) = sim();
    sim.with(|s| s.participant_limit = Some(1));
    let m = meeting(8142, None);
    cms.provision(&m).unwrap();
    let reports = cms.call(&m).unwrap();
    assert_eq!(state_of(&reports, "room-1"), &CallState::Connected);
    for key in ["room-3", "out-3f2a9c1b07"] {
        assert!(
            matches!(state_of(&reports, key), CallState::Failed(why) if why.starts_with("participantLimitReached")),
            "{reports:?}"
        );
    }
}

#[test]
fn faults_are_told_apart() {
    let (sim, cms) = sim();
    // Another coSpace holds the URI: a refusal naming the Meeting Server's reason.
    let mut other = meeting(8142, None);
    other.reference = "bb-t-7".into();
    cms.provision(&other).unwrap();
    let e = cms.provision(&meeting(8142, None)).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "duplicateCoSpaceUri"),
        "{e:?}"
    );
    // A URI the document does not allow is refused before it is sent.
    let mut bad = meeting(8150, None);
    bad.sip_uri = "sales..team@vc.example.com".into();
    assert!(
        matches!(cms.provision(&bad), Err(BridgeError::Refused { code, .. }) if code == "parameterError")
    );
    // Wrong credentials: refused, and the password is in no message.
    let wrong = Cms::new(&sim.base, "api", "not-the-secret");
    let e = wrong.provision(&meeting(8143, None)).unwrap_err();
    assert!(matches!(&e, BridgeError::Refused { code, .. } if code == "401"));
    assert!(!format!("{e:?}{e}").contains("not-the-secret"));
    // Busy or down: worth retrying.
    sim.with(|s| s.down = true);
    assert!(matches!(
        cms.provision(&meeting(8143, None)),
        Err(BridgeError::Unreachable(_))
    ));
    sim.with(|s| s.down = false);
    // Slow, but within the client's patience: it waits.
    sim.with(|s| s.delay = Wait::from_millis(300));
    cms.provision(&meeting(8143, None)).unwrap();
    sim.with(|s| {
        s.delay = Wait::ZERO;
        s.load = 2500.0;
    });
    cms.call(&meeting(8143, None)).unwrap();
    let h = cms.health().unwrap();
    assert_eq!(h.load, Some(0.25));
    assert_eq!(h.active_conferences, Some(1));
    drop(sim);
    assert!(matches!(cms.health(), Err(BridgeError::Unreachable(_))));
}

/// The simulator itself, spoken to as the document describes, refuses what the document
/// refuses: these are the rules the adapter is held to.
mod strict_simulator {
    use super::*;

    fn request(
        sim: &CmsSim,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, String, String) {
        let req = ureq::request(method, &format!("{}/api/v1{path}", sim.base)).set(
            "Authorization",
            &bridgebook::bridges::basic_auth("api", "api-secret"),
        );
        let answer = if method == "POST" || method == "PUT" {
            req.send_form(form)
        } else {
            req.call()
        };
        let r = match answer {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        let location = r.header("Location").unwrap_or("").to_string();
        (r.status(), location, r.into_string().unwrap())
    }

    #[test]
    fn creates_answer_200_with_a_location() {
        let (sim, _) = sim();
        let (status, location, body) = request(
            &sim,
            "POST",
            "/coSpaces",
            &[("name", "Sales"), ("uri", "sales")],
        );
        assert_eq!(status, 200);
        assert!(location.starts_with("/api/v1/coSpaces/"), "{location}");
        assert_eq!(body, "");
        let id = location.rsplit('/').next().unwrap();
        let (_, call, _) = request(&sim, "POST", "/calls", &[("coSpace", id)]);
        assert!(call.starts_with("/api/v1/calls/"));
        let call = call.rsplit('/').next().unwrap();
        let (status, leg, _) = request(
            &sim,
            "POST",
            &format!("/calls/{call}/callLegs"),
            &[("remoteParty", "a@example.com")],
        );
        assert_eq!(status, 200);
        assert!(leg.starts_with("/api/v1/callLegs/"));
    }

    #[test]
    fn required_parameters_types_and_uniqueness() {
        let (sim, _) = sim();
        let refused = |form: &[(&str, &str)], path: &str, what: &str| {
            let (status, _, body) = request(&sim, "POST", path, form);
            assert_eq!(status, 400, "{body}");
            assert!(body.contains(what), "{what} in {body}");
        };
        refused(&[("uri", "x")], "/coSpaces", r#"parameter="name""#);
        refused(
            &[("name", "a"), ("uri", "a..b")],
            "/coSpaces",
            r#"parameter="uri" error="invalidValue""#,
        );
        refused(
            &[("name", "a"), ("callId", "12x")],
            "/coSpaces",
            r#"parameter="callId""#,
        );
        refused(
            &[("name", "a"), ("passcode", &"1".repeat(64))],
            "/coSpaces",
            r#"error="valueTooLong""#,
        );
        refused(
            &[("name", "a"), ("tenant", "t")],
            "/coSpaces",
            "<tenantDoesNotExist />",
        );
        request(
            &sim,
            "POST",
            "/coSpaces",
            &[("name", "a"), ("uri", "a"), ("callId", "1")],
        );
        refused(
            &[("name", "b"), ("secondaryUri", "a")],
            "/coSpaces",
            "<duplicateCoSpaceUri />",
        );
        refused(
            &[("name", "b"), ("callId", "1")],
            "/coSpaces",
            "<duplicateCoSpaceId />",
        );
        refused(&[("locked", "true")], "/calls", r#"parameter="coSpace""#);
        refused(&[("coSpace", "nope")], "/calls", "<coSpaceDoesNotExist />");
        let id = sim.with(|s| s.co_spaces[0].id.clone());
        let (_, call, _) = request(&sim, "POST", "/calls", &[("coSpace", &id)]);
        let legs = format!("/calls/{}/callLegs", call.rsplit('/').next().unwrap());
        refused(
            &[("bandwidth", "1000")],
            &legs,
            r#"parameter="remoteParty""#,
        );
        refused(
            &[("remoteParty", "a@b"), ("bandwidth", "2M")],
            &legs,
            r#"parameter="bandwidth""#,
        );
        refused(
            &[("remoteParty", "a@b"), ("ownerId", "room-1")],
            &legs,
            r#"parameter="ownerId""#,
        );
        // Unknown parameters are ignored without an error, and counted.
        let (status, _, _) = request(
            &sim,
            "POST",
            "/coSpaces",
            &[("name", "c"), ("passCode", "1")],
        );
        assert_eq!(status, 200);
        assert_eq!(sim.with(|s| s.unknown.clone()), vec!["passCode"]);
    }

    #[test]
    fn paths_versions_pages_and_the_form_content_type() {
        let (sim, _) = sim();
        for n in 0..25 {
            request(
                &sim,
                "POST",
                "/coSpaces",
                &[("name", &format!("room {n:02}"))],
            );
        }
        let (_, _, body) = request(&sim, "GET", "/coSpaces?limit=100", &[]);
        assert!(body.contains(r#"<coSpaces total="25">"#));
        assert_eq!(body.matches("<coSpace id=").count(), 20, "capped at 20");
        let (_, _, body) = request(&sim, "GET", "/coSpaces?offset=20&limit=10", &[]);
        assert_eq!(body.matches("<coSpace id=").count(), 5);
        let (_, _, body) = request(&sim, "GET", "/coSpaces?filter=ROOM%2001", &[]);
        assert!(body.contains(r#"total="1""#), "{body}");
        let (status, _, body) = request(&sim, "GET", "/coSpaces/unknown", &[]);
        assert_eq!(status, 404);
        assert!(body.contains("<coSpaceDoesNotExist />"));
        let (status, _, body) = request(&sim, "GET", "/system/profile", &[]);
        assert_eq!(status, 400);
        assert!(body.contains("<unrecognisedObject />"));
        let r = ureq::get(&format!("{}/api/v2/coSpaces", sim.base))
            .set(
                "Authorization",
                &bridgebook::bridges::basic_auth("api", "api-secret"),
            )
            .call();
        match r {
            Err(ureq::Error::Status(400, r)) => {
                assert!(r.into_string().unwrap().contains("<invalidVersion />"))
            }
            other => panic!("{other:?}"),
        }
        // A POST body that is not a form reaches the fronting web server only.
        let r = ureq::post(&format!("{}/api/v1/coSpaces", sim.base))
            .set(
                "Authorization",
                &bridgebook::bridges::basic_auth("api", "api-secret"),
            )
            .send_string("name=x");
        assert!(matches!(r, Err(ureq::Error::Status(502, _))));
        // No credentials, no API.
        let r = ureq::get(&format!("{}/api/v1/coSpaces", sim.base)).call();
        assert!(matches!(r, Err(ureq::Error::Status(401, _))));
    }
}
