//! The Pexip adapter driven over real sockets against the Management API simulator, which
//! is its own reading of the v14 guide.
use bridgebook::bridges::pexip::Pexip;
use bridgebook::bridges::{Adapter, BridgeError, Call, CallReport, CallState, Meeting, Protocol};
use bridgebook::sim::pexip::{Fault, FaultAction, PexipSim, PexipSimHandle, SimConfig};
use bridgebook::sim::{Observed, SimCall};
use chrono::{Duration as Span, TimeZone, Utc};
use serde_json::{json, Value};
use std::time::Duration;

const PASSWORD: &str = "sim-password";
const ROOMS: &str = "/api/admin/configuration/v1/conference/";
const DIAL: &str = "/api/admin/command/v1/participant/dial/";

fn sim() -> PexipSimHandle {
    PexipSim::start(SimConfig::default()).expect("the simulator starts")
}

/// An adapter without a system location: it can provision, not call.
fn adapter(sim: &PexipSimHandle) -> Pexip {
    Pexip::new(&sim.base_url(), "admin", PASSWORD, None)
}

fn located(sim: &PexipSimHandle) -> Pexip {
    Pexip::new(&sim.base_url(), "admin", PASSWORD, Some("London".into()))
}

fn meeting(id: u64) -> Meeting {
    Meeting {
        reference: format!("bb-t-{id}"),
        title: format!("Weekly sync {id}"),
        number: 8100 + id,
        sip_uri: format!("{}@vc.example.com", 8100 + id),
        pin: Some("1234".into()),
        start: Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2030, 1, 1, 10, 0, 0).unwrap(),
        calls: vec![],
        bandwidth_kbps: 768,
        max_participants: 10,
        participants: 3,
    }
}

fn call(key: &str, address: &str, protocol: Protocol) -> Call {
    Call {
        key: key.into(),
        address: address.into(),
        protocol,
        audio_only: false,
    }
}

/// Three booked rooms (SIP, H.323 ID, E.164 alias) and one SIP dial-out.
fn with_calls(id: u64) -> Meeting {
    let mut m = meeting(id);
    m.calls = vec![
        call("room-1", "oslo@rooms.example.com", Protocol::Sip),
        call("room-2", "london.boardroom", Protocol::H323),
        call("room-3", "4422001", Protocol::H323),
        call("out-3f2a9c1b07", "alice@example.com", Protocol::Sip),
    ];
    m
}

fn aliases_of(room: &Value) -> Vec<String> {
    let mut v: Vec<String> = room["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["alias"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn only_room(sim: &PexipSimHandle) -> Value {
    let rooms = sim.conferences();
    assert_eq!(rooms.len(), 1, "exactly one room: {rooms:#?}");
    rooms.into_iter().next().unwrap()
}

fn room_named(sim: &PexipSimHandle, name: &str) -> Value {
    sim.conferences()
        .into_iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no room {name}"))
}

fn dials(sim: &PexipSimHandle) -> usize {
    sim.journal()
        .iter()
        .filter(|j| j.method == "POST" && j.path == DIAL)
        .count()
}

fn state(reports: &[CallReport], key: &str) -> CallState {
    reports
        .iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no report for {key}: {reports:?}"))
        .state
        .clone()
}

fn sorted_calls(sim: &PexipSimHandle, name: &str) -> Vec<SimCall> {
    let mut calls = sim.calls(name);
    calls.sort_by(|a, b| a.address.cmp(&b.address));
    calls
}

fn sim_call(address: &str, protocol: &str) -> SimCall {
    SimCall {
        address: address.into(),
        protocol: protocol.into(),
        connected: true,
    }
}

// Provisioning.

#[test]
fn provision_creates_one_room_with_every_field_it_means_and_nothing_else() {
    let sim = sim();
    adapter(&sim).provision(&meeting(1)).unwrap();
    let room = only_room(&sim);
    assert_eq!(room["name"], "bb-t-1");
    assert_eq!(room["tag"], "bb-t-1");
    assert_eq!(room["service_type"], "conference");
    assert_eq!(room["pin"], "1234");
    assert_eq!(room["allow_guests"], false);
    assert_eq!(room["participant_limit"], 10);
    assert_eq!(room["max_callrate_in"], 768_000);
    assert_eq!(room["max_callrate_out"], 768_000);
    assert_eq!(room["description"], "Weekly sync 1");
    assert_eq!(aliases_of(&room), vec!["8101", "8101@vc.example.com"]);
    assert_eq!(sim.counters().conference_posts, 1);
    assert!(
        sim.unknown_fields().is_empty(),
        "{:?}",
        sim.unknown_fields()
    );
    assert_eq!(sim.meetings(), vec!["bb-t-1"]);
}

#[test]
fn a_meeting_without_pin_or_limit_gets_empty_pin_and_null_limit() {
    let sim = sim();
    let mut m = meeting(2);
    m.pin = None;
    m.max_participants = 0;
    adapter(&sim).provision(&m).unwrap();
    let room = only_room(&sim);
    assert_eq!(room["pin"], "");
    assert_eq!(room["participant_limit"], Value::Null);
}

#[test]
fn provisioning_again_leaves_one_room_and_writes_nothing() {
    let sim = sim();
    let pexip = adapter(&sim);
    pexip.provision(&meeting(3)).unwrap();
    pexip.provision(&meeting(3)).unwrap();
    only_room(&sim);
    let c = sim.counters();
    assert_eq!(c.conference_posts, 1);
    assert_eq!(c.redundant_patches, 0);
    let writes = sim.journal().iter().filter(|j| j.method != "GET").count();
    assert_eq!(writes, 1, "the second provision only reads");
}

#[test]
fn a_post_whose_answer_was_lost_is_not_repeated() {
    let sim = sim();
    sim.add_fault(Fault {
        method: "POST".into(),
        path_prefix: ROOMS.into(),
        action: FaultAction::LoseResponse(Duration::from_millis(1500)),
        times: 1,
    });
    let pexip = adapter(&sim).with_timeout(Duration::from_millis(400));
    pexip.provision(&meeting(4)).unwrap();
    let room = only_room(&sim);
    assert_eq!(aliases_of(&room), vec!["8104", "8104@vc.example.com"]);
    assert_eq!(sim.counters().conference_posts, 1);
    // The launcher's retry of the whole job changes nothing either.
    pexip.provision(&meeting(4)).unwrap();
    only_room(&sim);
    assert_eq!(sim.counters().conference_posts, 1);
}

#[test]
fn a_post_refused_with_a_5xx_is_retried_once_after_looking() {
    let sim = sim();
    sim.add_fault(Fault {
        method: "POST".into(),
        path_prefix: ROOMS.into(),
        action: FaultAction::Status(502),
        times: 1,
    });
    adapter(&sim).provision(&meeting(5)).unwrap();
    only_room(&sim);
}

#[test]
fn changed_pin_title_rate_and_number_update_the_room_in_place() {
    let sim = sim();
    let pexip = adapter(&sim);
    pexip.provision(&meeting(6)).unwrap();
    let id = only_room(&sim)["id"].clone();
    let mut m = meeting(6);
    m.pin = Some("9876".into());
    m.max_participants = 25;
    m.title = "Renamed".into();
    m.bandwidth_kbps = 1920;
    m.number = 8999;
    m.sip_uri = "8999@vc.example.com".into();
    pexip.provision(&m).unwrap();
    let room = only_room(&sim);
    assert_eq!(room["id"], id);
    assert_eq!(room["pin"], "9876");
    assert_eq!(room["participant_limit"], 25);
    assert_eq!(room["description"], "Renamed");
    assert_eq!(room["max_callrate_in"], 1_920_000);
    assert_eq!(aliases_of(&room), vec!["8999", "8999@vc.example.com"]);
    assert_eq!(sim.aliases().len(), 2, "the old aliases are gone");
    assert_eq!(sim.counters().conference_posts, 1);
    assert_eq!(sim.counters().redundant_patches, 0);
}

#[test]
fn an_alias_held_by_another_room_is_refused_not_taken() {
    let sim = sim();
    let pexip = adapter(&sim);
    pexip.provision(&meeting(7)).unwrap();
    let mut other = meeting(8);
    other.number = 8107;
    other.sip_uri = "8107@vc.example.com".into();
    match pexip.provision(&other) {
        Err(BridgeError::Refused { .. }) => {}
        r => panic!("expected a refusal, got {r:?}"),
    }
    let seven = room_named(&sim, "bb-t-7");
    assert_eq!(aliases_of(&seven), vec!["8107", "8107@vc.example.com"]);
}

#[test]
fn adps_left_by_an_earlier_version_are_dropped_so_nobody_is_called_twice() {
    let sim = sim();
    let pexip = located(&sim);
    let m = with_calls(9);
    pexip.provision(&m).unwrap();
    let room_uri = only_room(&sim)["resource_uri"].clone();
    let (status, _) = raw(
        &sim,
        "POST",
        "/api/admin/configuration/v1/automatic_participant/",
        Some(
            json!({"alias": "alice@example.com", "protocol": "sip", "role": "guest",
                    "conference": [room_uri]}),
        ),
    );
    assert_eq!(status, 201);
    pexip.provision(&m).unwrap();
    assert!(sim.adps().is_empty(), "{:#?}", sim.adps());
    pexip.call(&m).unwrap();
    assert_eq!(sim.calls("bb-t-9").len(), 4, "{:?}", sim.calls("bb-t-9"));
}

// Calls.

#[test]
fn call_places_each_room_and_dial_out_once_with_its_protocol() {
    let sim = sim();
    let pexip = located(&sim);
    let m = with_calls(10);
    pexip.provision(&m).unwrap();
    let reports = pexip.call(&m).unwrap();
    assert_eq!(reports.len(), 4);
    for key in ["room-1", "room-2", "room-3", "out-3f2a9c1b07"] {
        assert_eq!(state(&reports, key), CallState::Connected, "{reports:?}");
    }
    assert_eq!(
        sorted_calls(&sim, "bb-t-10"),
        vec![
            sim_call("4422001", "h323"),
            sim_call("alice@example.com", "sip"),
            sim_call("london.boardroom", "h323"),
            sim_call("oslo@rooms.example.com", "sip"),
        ]
    );
    assert_eq!(dials(&sim), 4);
    // The dial itself started the conference (nobody had joined).
    assert_eq!(sim.active_conferences().len(), 1);
    // Each call comes from the room's SIP URI, named by the meeting and the call's key.
    let p = sim
        .participants()
        .into_iter()
        .find(|p| p["participant_alias"] == "london.boardroom")
        .unwrap();
    assert_eq!(p["source_alias"], "8110@vc.example.com");
    assert_eq!(p["display_name"], "bb-t-10/room-2");
    assert_eq!(p["role"], "chair");
    assert_eq!(p["system_location"], "London");
    // A second call calls nobody again and reports the same.
    let again = pexip.call(&m).unwrap();
    assert_eq!(dials(&sim), 4);
    assert_eq!(again, reports);
    assert_eq!(sim.calls("bb-t-10").len(), 4);
}

#[test]
fn a_refused_address_is_failed_with_the_bridges_reason_and_called_again_once_it_answers() {
    let sim = sim();
    let pexip = located(&sim);
    let m = with_calls(11);
    pexip.provision(&m).unwrap();
    sim.refuse_calls_to("london.boardroom", true);
    let reports = pexip.call(&m).unwrap();
    match state(&reports, "room-2") {
        CallState::Failed(reason) => {
            let recorded = sim
                .history_participants()
                .into_iter()
                .find(|p| p["remote_alias"] == "london.boardroom")
                .unwrap();
            assert_eq!(json!(reason), recorded["disconnect_reason"]);
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert_eq!(state(&reports, "room-1"), CallState::Connected);
    assert_eq!(sim.calls("bb-t-11").len(), 3);
    // Still refusing: called again, failed again; nobody else is called twice.
    let reports = pexip.call(&m).unwrap();
    assert!(matches!(state(&reports, "room-2"), CallState::Failed(_)));
    assert_eq!(dials(&sim), 5);
    // It answers now.
    sim.refuse_calls_to("london.boardroom", false);
    let reports = pexip.call(&m).unwrap();
    assert_eq!(state(&reports, "room-2"), CallState::Connected);
    assert_eq!(dials(&sim), 6);
    assert_eq!(sim.calls("bb-t-11").len(), 4);
}

#[test]
fn a_meeting_whose_only_call_is_refused_is_reported_not_an_error() {
    let sim = sim();
    let pexip = located(&sim);
    let mut m = meeting(12);
    m.calls = vec![call("out-1", "bob@example.com", Protocol::Sip)];
    pexip.provision(&m).unwrap();
    sim.refuse_calls_to("bob@example.com", true);
    let reports = pexip.call(&m).unwrap();
    assert!(matches!(state(&reports, "out-1"), CallState::Failed(_)));
    // The instance ended with its last participant; the room is there for the next try.
    assert!(sim.active_conferences().is_empty());
    assert_eq!(sim.meetings(), vec!["bb-t-12"]);
}

#[test]
fn without_a_system_location_call_is_refused_and_nobody_is_called() {
    let sim = sim();
    let pexip = adapter(&sim);
    let m = with_calls(13);
    pexip.provision(&m).unwrap();
    match pexip.call(&m) {
        Err(BridgeError::Refused { code, message }) => {
            assert_eq!(code, "no_system_location");
            assert!(message.contains("system location"), "{message}");
        }
        r => panic!("expected a refusal, got {r:?}"),
    }
    assert_eq!(dials(&sim), 0);
    assert!(sim.calls("bb-t-13").is_empty());
    // A meeting nobody is to call needs no location.
    assert_eq!(pexip.call(&meeting(13)).unwrap(), vec![]);
}

#[test]
fn call_before_provisioning_is_refused() {
    let sim = sim();
    assert!(matches!(
        located(&sim).call(&with_calls(14)),
        Err(BridgeError::Refused { .. })
    ));
    assert_eq!(dials(&sim), 0);
}

#[test]
fn a_room_the_nodes_do_not_know_yet_is_retried_not_reported_done() {
    let sim = PexipSim::start(SimConfig {
        replication_delay: Duration::from_millis(1500),
        ..SimConfig::default()
    })
    .unwrap();
    let pexip = located(&sim);
    let m = with_calls(15);
    pexip.provision(&m).unwrap();
    match pexip.call(&m) {
        Err(BridgeError::Unreachable(why)) => assert!(why.contains("8115"), "{why}"),
        r => panic!("expected a retryable error, got {r:?}"),
    }
    assert!(sim.calls("bb-t-15").is_empty());
    std::thread::sleep(Duration::from_millis(1700));
    let reports = pexip.call(&m).unwrap();
    assert!(
        reports.iter().all(|r| r.state == CallState::Connected),
        "{reports:?}"
    );
    assert_eq!(sim.calls("bb-t-15").len(), 4);
}

// The meeting's life.

#[test]
fn the_conference_lives_past_its_booked_end_until_torn_down_and_an_extension_changes_nothing_live()
{
    let sim = sim();
    let pexip = located(&sim);
    let mut m = with_calls(16);
    m.start = Utc::now();
    m.end = m.start + Span::seconds(1);
    pexip.provision(&m).unwrap();
    pexip.call(&m).unwrap();
    let ids: Vec<Value> = sim.participants().iter().map(|p| p["id"].clone()).collect();
    std::thread::sleep(Duration::from_millis(1300));
    // A VMR has no end: the meeting ends when its tear-down comes.
    assert_eq!(sim.meetings(), vec!["bb-t-16"]);
    assert_eq!(sim.calls("bb-t-16").len(), 4);
    // Extended while running: nothing to write, nobody dropped or called again.
    let writes = sim.journal().iter().filter(|j| j.method != "GET").count();
    m.end = m.start + Span::seconds(60);
    pexip.provision(&m).unwrap();
    let reports = pexip.call(&m).unwrap();
    assert!(reports.iter().all(|r| r.state == CallState::Connected));
    assert_eq!(
        sim.journal().iter().filter(|j| j.method != "GET").count(),
        writes
    );
    let now: Vec<Value> = sim.participants().iter().map(|p| p["id"].clone()).collect();
    assert_eq!(now, ids);
    pexip.tear_down(&m.reference).unwrap();
    assert!(sim.meetings().is_empty());
    assert!(sim.calls("bb-t-16").is_empty());
}

#[test]
fn a_refused_change_leaves_the_live_conference_as_it_was() {
    let sim = sim();
    let pexip = located(&sim);
    let m = with_calls(17);
    pexip.provision(&m).unwrap();
    pexip.call(&m).unwrap();
    let before = only_room(&sim);
    // The bridge refuses the field change.
    sim.add_fault(Fault {
        method: "PATCH".into(),
        path_prefix: ROOMS.into(),
        action: FaultAction::Status(400),
        times: 1,
    });
    let mut changed = m.clone();
    changed.pin = Some("5555".into());
    changed.number = 8917;
    changed.sip_uri = "8917@vc.example.com".into();
    assert!(matches!(
        pexip.provision(&changed),
        Err(BridgeError::Refused { .. })
    ));
    assert_eq!(
        only_room(&sim),
        before,
        "aliases added for it are taken back"
    );
    assert_eq!(sim.calls("bb-t-17").len(), 4);
    // Its new number is another room's.
    sim.add_foreign("someone-elses");
    let (status, _) = raw(
        &sim,
        "POST",
        "/api/admin/configuration/v1/conference_alias/",
        Some(
            json!({"alias": "8917", "conference": room_named(&sim, "someone-elses")["resource_uri"]}),
        ),
    );
    assert_eq!(status, 201);
    assert!(matches!(
        pexip.provision(&changed),
        Err(BridgeError::Refused { .. })
    ));
    assert_eq!(room_named(&sim, "bb-t-17"), before);
    assert_eq!(sim.calls("bb-t-17").len(), 4);
    assert_eq!(sim.active_conferences().len(), 2);
}

#[test]
fn rooms_named_like_ours_are_never_touched_nor_listed() {
    let sim = sim();
    let pexip = located(&sim);
    let m = with_calls(30);
    for name in ["bb-t-30-copy", "bb-t-3", "bb-t-"] {
        sim.add_foreign(name);
    }
    pexip.provision(&m).unwrap();
    pexip.call(&m).unwrap();
    assert_eq!(pexip.conferences("bb-t-").unwrap(), vec!["bb-t-30"]);
    pexip.tear_down("bb-t-30").unwrap();
    let mut left = sim.meetings();
    left.sort();
    assert_eq!(left, vec!["bb-t-", "bb-t-3", "bb-t-30-copy"]);
    // The foreign rooms keep their settings and their people; ours is gone.
    for name in ["bb-t-30-copy", "bb-t-3", "bb-t-"] {
        assert_eq!(room_named(&sim, name)["pin"], "");
        assert!(sim.active_conferences().iter().any(|c| c["name"] == name));
    }
    assert!(!sim
        .active_conferences()
        .iter()
        .any(|c| c["name"] == "bb-t-30"));
}

#[test]
fn conferences_finds_ours_through_every_page() {
    let sim = sim();
    let pexip = adapter(&sim);
    for id in 100..125 {
        pexip.provision(&meeting(id)).unwrap();
    }
    sim.add_foreign("bb-t-999");
    sim.add_foreign("other-1");
    let before = sim.journal().len();
    let mut found = pexip.conferences("bb-t-").unwrap();
    found.sort();
    let mut want: Vec<String> = (100..125).map(|id| format!("bb-t-{id}")).collect();
    want.sort();
    assert_eq!(found, want);
    let pages = sim.journal()[before..]
        .iter()
        .filter(|j| j.path == ROOMS)
        .count();
    assert!(pages > 1, "read in {pages} page(s)");
}

/// The guide pages by `offset` against `meta.total_count` (l.2071-2076) and never shows
/// a `meta.next` that is not null: every room is found without it.
#[test]
fn lists_are_paged_by_offset_without_next_links() {
    let sim = sim();
    sim.set_page_links(false);
    let pexip = adapter(&sim);
    for id in 100..145 {
        pexip.provision(&meeting(id)).unwrap();
    }
    let before = sim.journal().len();
    let mut found = pexip.conferences("bb-t-").unwrap();
    found.sort();
    let mut want: Vec<String> = (100..145).map(|id| format!("bb-t-{id}")).collect();
    want.sort();
    assert_eq!(found, want);
    let offsets: Vec<String> = sim.journal()[before..]
        .iter()
        .filter(|j| j.path == ROOMS)
        .map(|j| j.query.clone())
        .collect();
    assert_eq!(offsets.len(), 3, "{offsets:?}");
    assert!(offsets[1].contains("offset=20") && offsets[2].contains("offset=40"));
}

#[test]
fn after_a_restart_provision_and_call_bring_the_meeting_back() {
    let sim = sim();
    let pexip = located(&sim);
    let m = with_calls(18);
    pexip.provision(&m).unwrap();
    pexip.call(&m).unwrap();
    sim.restart();
    assert!(sim.calls("bb-t-18").is_empty());
    assert!(sim.active_conferences().is_empty());
    assert_eq!(sim.meetings(), vec!["bb-t-18"], "configuration survives");
    pexip.provision(&m).unwrap();
    let reports = pexip.call(&m).unwrap();
    assert!(reports.iter().all(|r| r.state == CallState::Connected));
    assert_eq!(sim.calls("bb-t-18").len(), 4);
}

#[test]
fn tear_down_disconnects_the_live_conference_removes_the_room_and_is_idempotent() {
    let sim = sim();
    let pexip = located(&sim);
    let m = with_calls(19);
    pexip.provision(&m).unwrap();
    pexip.call(&m).unwrap();
    sim.start_conference("bb-t-19").unwrap();
    assert_eq!(sim.active_conferences().len(), 1);
    pexip.tear_down("bb-t-19").unwrap();
    assert!(sim.active_conferences().is_empty());
    assert!(sim.participants().is_empty());
    assert!(sim.conferences().is_empty());
    assert!(sim.aliases().is_empty());
    assert_eq!(sim.counters().root_deletes, 0);
    // Again, with nothing left: only reads.
    let before = sim.journal().len();
    pexip.tear_down("bb-t-19").unwrap();
    assert!(sim.journal()[before..].iter().all(|j| j.method == "GET"));
}

// Failures.

#[test]
fn a_wrong_password_is_refused_and_never_shown() {
    let sim = sim();
    let secret = "hunter2-wrong";
    let pexip = Pexip::new(&sim.base_url(), "admin", secret, Some("London".into()));
    for outcome in [
        pexip.provision(&meeting(20)).map(|_| ()),
        pexip.call(&with_calls(20)).map(|_| ()),
        pexip.health().map(|_| ()),
        pexip.tear_down("bb-t-20"),
        pexip.conferences("bb-t-").map(|_| ()),
    ] {
        let e = outcome.expect_err("bad credentials fail");
        assert!(
            matches!(&e, BridgeError::Refused { code, .. } if code == "401"),
            "{e:?}"
        );
        assert!(!format!("{e} {e:?}").contains(secret));
    }
    assert!(!format!("{pexip:?}").contains(secret));
    assert!(sim.conferences().is_empty());
}

#[test]
fn a_down_bridge_is_unreachable() {
    let sim = sim();
    let pexip = adapter(&sim);
    sim.set_down(true);
    assert!(matches!(
        pexip.provision(&meeting(21)),
        Err(BridgeError::Unreachable(_))
    ));
    assert!(matches!(pexip.health(), Err(BridgeError::Unreachable(_))));
    sim.set_down(false);
    pexip.provision(&meeting(21)).unwrap();
    drop(sim);
    let e = pexip.tear_down("bb-t-21").unwrap_err();
    assert!(matches!(e, BridgeError::Unreachable(_)), "{e:?}");
    assert!(!e.to_string().contains(PASSWORD));
}

#[test]
fn a_slow_bridge_times_out_as_unreachable() {
    let sim = sim();
    sim.set_slow(Duration::from_millis(800));
    let pexip = adapter(&sim).with_timeout(Duration::from_millis(200));
    assert!(matches!(pexip.health(), Err(BridgeError::Unreachable(_))));
}

#[test]
fn a_client_error_is_a_refusal_with_the_message() {
    let sim = sim();
    sim.set_error_status(Some(400));
    match adapter(&sim).provision(&meeting(22)) {
        Err(BridgeError::Refused { code, message }) => {
            assert_eq!(code, "400");
            assert!(message.contains("injected fault"), "{message}");
        }
        r => panic!("expected a refusal, got {r:?}"),
    }
}

#[test]
fn health_reports_the_location_load_and_active_conferences() {
    let sim = sim();
    let pexip = located(&sim);
    let h = pexip.health().unwrap();
    assert_eq!(h.load, Some(0.0));
    assert_eq!(h.active_conferences, Some(0));
    pexip.provision(&meeting(23)).unwrap();
    sim.start_conference("bb-t-23").unwrap();
    sim.set_media_load("London", Some(42.0));
    let h = pexip.health().unwrap();
    assert_eq!(h.load, Some(0.42));
    assert_eq!(h.active_conferences, Some(1));
    sim.set_media_load("London", None);
    sim.set_capacity("London", 0);
    assert_eq!(pexip.health().unwrap().load, Some(1.0));
}

#[test]
fn health_with_an_unknown_location_is_refused() {
    let sim = sim();
    let pexip = Pexip::new(&sim.base_url(), "admin", PASSWORD, Some("Oslo".into()));
    assert!(matches!(pexip.health(), Err(BridgeError::Refused { .. })));
}

#[test]
fn adapters_of_one_node_send_one_request_at_a_time() {
    let sim = sim();
    sim.set_slow(Duration::from_millis(15));
    let base = sim.base_url();
    let workers: Vec<_> = (40..44)
        .map(|id| {
            let base = base.clone();
            std::thread::spawn(move || {
                let pexip = Pexip::new(&base, "admin", PASSWORD, Some("London".into()));
                let m = with_calls(id);
                pexip.provision(&m).unwrap();
                pexip.call(&m).unwrap();
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(sim.conferences().len(), 4);
    let c = sim.counters();
    assert_eq!(c.limit_violations, 0, "{c:?}");
    assert_eq!(c.peak_in_flight, 1);
}

// The simulator's own contract, as a plain HTTP client sees it.

fn raw(sim: &PexipSimHandle, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("admin:{PASSWORD}"));
    let req = ureq::request(method, &format!("{}{path}", sim.base_url()))
        .set("Authorization", &format!("Basic {auth}"));
    let r = match body {
        Some(b) => req.send_string(&b.to_string()),
        None => req.call(),
    };
    let r = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let status = r.status();
    let text = r.into_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn form(sim: &PexipSimHandle, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("admin:{PASSWORD}"));
    let r = ureq::post(&format!("{}{path}", sim.base_url()))
        .set("Authorization", &format!("Basic {auth}"))
        .send_form(fields);
    let r = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let status = r.status();
    (
        status,
        serde_json::from_str(&r.into_string().unwrap()).unwrap(),
    )
}

#[test]
fn simulator_refuses_missing_credentials() {
    let sim = sim();
    let r = ureq::get(&format!("{}{ROOMS}", sim.base_url())).call();
    assert!(matches!(r, Err(ureq::Error::Status(401, _))));
    assert_eq!(sim.counters().unauthorized, 1);
}

#[test]
fn simulator_posts_are_not_idempotent_and_names_are_unique() {
    let sim = sim();
    let body = json!({"name": "VMR_1", "aliases": [{"alias": "meet@example.com"}]});
    let (status, _) = raw(&sim, "POST", ROOMS, Some(body.clone()));
    assert_eq!(status, 201);
    let (status, err) = raw(&sim, "POST", ROOMS, Some(body));
    assert_eq!(status, 400);
    assert!(err["conference"]["name"].is_array(), "{err}");
    let (status, err) = raw(
        &sim,
        "POST",
        ROOMS,
        Some(json!({"name": "VMR_2", "aliases": [{"alias": "meet@example.com"}]})),
    );
    assert_eq!(status, 400, "{err}");
    assert_eq!(sim.conferences().len(), 1);
    let (_, page) = raw(&sim, "GET", &format!("{ROOMS}?name=VMR_1"), None);
    assert_eq!(page["meta"]["total_count"], 1);
    assert_eq!(
        page["objects"][0]["aliases"][0]["alias"],
        "meet@example.com"
    );
}

#[test]
fn simulator_checks_required_fields_and_types() {
    let sim = sim();
    let (status, err) = raw(
        &sim,
        "POST",
        ROOMS,
        Some(json!({"service_type": "conference"})),
    );
    assert_eq!(status, 400);
    assert_eq!(err["conference"]["name"][0], "This field is required.");
    for (field, value) in [
        ("participant_limit", json!("10")),
        ("pin", json!(1234)),
        ("allow_guests", json!("no")),
        ("service_type", json!("meeting")),
        ("max_callrate_in", json!(-1)),
    ] {
        let (status, err) = raw(
            &sim,
            "POST",
            ROOMS,
            Some(json!({"name": "VMR_1", field: value})),
        );
        assert_eq!(status, 400, "{field}");
        assert!(err["conference"][field].is_array(), "{field}: {err}");
    }
    let (status, _) = raw(
        &sim,
        "POST",
        ROOMS,
        Some(json!({"name": "VMR_1", "colour": "red"})),
    );
    assert_eq!(status, 201, "unknown attributes are ignored");
    assert_eq!(sim.unknown_fields(), vec!["conference.colour"]);
    let (status, err) = raw(
        &sim,
        "POST",
        "/api/admin/configuration/v1/conference_alias/",
        Some(json!({"alias": "x@example.com"})),
    );
    assert_eq!(status, 400);
    assert!(err["conference_alias"]["conference"].is_array(), "{err}");
}

#[test]
fn simulator_pages_lists_and_journals_root_deletes() {
    let sim = sim();
    for i in 0..25 {
        let (s, _) = raw(&sim, "POST", ROOMS, Some(json!({"name": format!("r{i}")})));
        assert_eq!(s, 201);
    }
    let (_, first) = raw(&sim, "GET", ROOMS, None);
    assert_eq!(first["objects"].as_array().unwrap().len(), 20);
    assert_eq!(first["meta"]["total_count"], 25);
    let next = first["meta"]["next"].as_str().unwrap().to_string();
    let (_, second) = raw(&sim, "GET", &next, None);
    assert_eq!(second["objects"].as_array().unwrap().len(), 5);
    assert_eq!(second["meta"]["next"], Value::Null);
    let (s, _) = raw(&sim, "PUT", &format!("{ROOMS}1/"), Some(json!({})));
    assert_eq!(s, 405);
    let (s, _) = raw(&sim, "DELETE", ROOMS, None);
    assert_eq!(s, 204);
    assert!(sim.conferences().is_empty());
    assert_eq!(sim.counters().root_deletes, 1);
}

#[test]
fn simulator_dial_takes_the_guides_form_and_refuses_what_is_missing() {
    let sim = sim();
    raw(
        &sim,
        "POST",
        ROOMS,
        Some(json!({"name": "VMR_1", "aliases": [{"alias": "meet@example.com"}]})),
    );
    let full = [
        ("conference_alias", "meet@example.com"),
        ("destination", "alice"),
        ("remote_display_name", "Alice Parkes"),
        ("protocol", "h323"),
        ("system_location", "London"),
        ("role", "chair"),
    ];
    let (status, reply) = form(&sim, DIAL, &full);
    assert_eq!(status, 200);
    assert_eq!(reply["status"], "success");
    let id = reply["data"]["participant_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sim.active_conferences().len(), 1);
    assert_eq!(sim.calls("VMR_1"), vec![sim_call("alice", "h323")]);
    let (_, p) = raw(
        &sim,
        "GET",
        &format!("/api/admin/status/v1/participant/{id}/"),
        None,
    );
    assert_eq!(p["protocol"], "H323");
    assert_eq!(p["display_name"], "Alice Parkes");
    // Without a node or a system location, or without a required argument: a 400 naming it.
    for missing in [
        "system_location",
        "conference_alias",
        "destination",
        "protocol",
        "role",
    ] {
        let fields: Vec<(&str, &str)> = full
            .iter()
            .copied()
            .filter(|(k, _)| *k != missing)
            .collect();
        let (status, err) = form(&sim, DIAL, &fields);
        assert_eq!(status, 400, "{missing}");
        assert!(err["dial"][missing].is_array(), "{missing}: {err}");
    }
    // An alias no service has: the command runs and fails.
    let mut unknown = full;
    unknown[0] = ("conference_alias", "nobody@example.com");
    let (status, reply) = form(&sim, DIAL, &unknown);
    assert_eq!(status, 200);
    assert_eq!(reply["status"], "error");
    assert!(reply["message"]
        .as_str()
        .unwrap()
        .contains("nobody@example.com"));
}
