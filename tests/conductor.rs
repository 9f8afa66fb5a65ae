//! The TelePresence Conductor adapter against its simulator, over real sockets. The
//! simulator is strict where the document is (required parameters, types, the documented
//! faults), counts what the document asks clients not to do, and keeps time on a clock the
//! tests move on, so lifetimes of an hour are checked in an instant.
use bridgebook::bridges::conductor::Conductor;
use bridgebook::bridges::service_cost::Resources;
use bridgebook::bridges::xmlrpc::{members, method_call, parse_response, Value};
use bridgebook::bridges::{Adapter, BridgeError, Call, CallReport, CallState, Meeting, Protocol};
use bridgebook::sim::conductor::{ConductorSim, Prices};
use bridgebook::sim::Observed;
use chrono::Utc;
use std::time::{Duration, Instant};

const PREFIX: &str = "bb-0a1b2c3d-";
const REF: &str = "bb-0a1b2c3d-12";
const GUEST: &str = "guest@partner.example";

fn minutes(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}

fn start() -> (ConductorSim, Conductor) {
    let sim = ConductorSim::start("127.0.0.1:0", "api", "c-secret").unwrap();
    sim.with(|s| s.domain = Some("conductor.example.com".into()));
    let c = Conductor::new(&sim.base, "api", "c-secret");
    (sim, c)
}

fn call(key: &str, address: &str, protocol: Protocol) -> Call {
    Call {
        key: key.into(),
        address: address.into(),
        protocol,
        audio_only: false,
    }
}

/// Three rooms (a SIP URI, an H.323 ID, an E.164 alias) and a SIP dial-out.
fn calls() -> Vec<Call> {
    vec![
        call("room-1", "oslo@example.com", Protocol::Sip),
        call("room-2", "bergen.h323", Protocol::H323),
        call("room-3", "4712", Protocol::H323),
        call("out-3f2a9c1b07", GUEST, Protocol::Sip),
    ]
}

/// A meeting starting in five minutes and lasting an hour.
fn meeting(reference: &str, number: u64, calls: Vec<Call>) -> Meeting {
    Meeting {
        reference: reference.into(),
        title: "Board".into(),
        number,
        sip_uri: format!("{number}@conductor.example.com"),
        pin: Some("2468".into()),
        start: Utc::now() + chrono::Duration::minutes(5),
        end: Utc::now() + chrono::Duration::minutes(65),
        participants: calls.len() as u32,
        calls,
        bandwidth_kbps: 768,
        max_participants: 0,
    }
}

fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(Instant::now() < until, "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn state<'a>(reports: &'a [CallReport], key: &str) -> &'a CallState {
    &reports.iter().find(|r| r.key == key).expect(key).state
}

/// The simulator's calls in `name`: "address/protocol/connected".
fn sim_calls(sim: &ConductorSim, name: &str) -> Vec<String> {
    let mut out: Vec<String> = sim
        .calls(name)
        .iter()
        .map(|c| format!("{}/{}/{}", c.address, c.protocol, c.connected))
        .collect();
    out.sort();
    out
}

fn all_connected(sim: &ConductorSim, name: &str, n: usize) -> bool {
    let calls = sim.calls(name);
    calls.len() == n && calls.iter().all(|c| c.connected)
}

/// Nothing the document leaves out was sent, and no documented limit was exceeded.
fn clean(sim: &ConductorSim) {
    let (unknown, violated) = sim.with(|s| (s.unknown_parameters.clone(), s.violated.clone()));
    assert!(
        unknown.is_empty(),
        "parameters the document does not define: {unknown:?}"
    );
    assert!(violated.is_empty(), "limits exceeded: {violated:?}");
}

#[test]
fn a_meeting_is_made_with_what_the_document_requires_and_its_calls_are_placed_once() {
    let (sim, c) = start();
    let m = meeting(REF, 8100, calls());
    c.provision(&m).unwrap();
    c.provision(&m).unwrap();
    let confs = sim.with(|s| s.conferences.clone());
    assert_eq!(
        confs.len(),
        1,
        "a retried provisioning makes no second conference"
    );
    let conf = &confs[0];
    assert_eq!(conf.display_name, REF);
    assert!(
        bridgebook::bridges::conductor::named_for(&conf.name, REF),
        "{}",
        conf.name
    );
    // Alive, even empty, from the create to the end: an hour and five minutes.
    assert_eq!((conf.min_minutes, conf.max_minutes), (65, 65));
    assert_eq!(conf.pin.as_deref(), Some("2468"));
    assert_eq!(sim.with(|s| s.creates), 1);
    assert_eq!(sim.meetings(), vec![REF.to_string()]);

    // The bridge calls each room and the dial-out, each with its protocol.
    let reports = c.call(&m).unwrap();
    assert_eq!(reports.len(), 4);
    assert!(
        reports.iter().all(|r| r.state == CallState::Calling),
        "{reports:?}"
    );
    eventually("every call connected", || all_connected(&sim, REF, 4));
    assert_eq!(
        sim_calls(&sim, REF),
        vec![
            "4712/h323/true",
            "bergen.h323/h323/true",
            &format!("{GUEST}/sip/true"),
            "oslo@example.com/sip/true",
        ]
    );
    // Asked again: everyone connected, as the bridge says, and nobody called twice.
    let reports = c.call(&m).unwrap();
    assert!(
        reports.iter().all(|r| r.state == CallState::Connected),
        "{reports:?}"
    );
    assert_eq!(sim.with(|s| s.joins), 4);
    clean(&sim);

    c.tear_down(REF).unwrap();
    c.tear_down(REF).unwrap();
    assert!(sim.meetings().is_empty());
    assert!(sim.calls(REF).is_empty());
}

#[test]
fn a_refused_address_fails_with_the_reason_and_is_called_again_once_it_answers() {
    let (sim, c) = start();
    sim.refuse_calls_to(GUEST, true);
    let m = meeting(REF, 8100, calls());
    c.provision(&m).unwrap();
    c.call(&m).unwrap();
    eventually("the rooms connected", || all_connected(&sim, REF, 3));
    let reports = c.call(&m).unwrap();
    assert_eq!(
        state(&reports, "out-3f2a9c1b07"),
        &CallState::Failed("no answer".into())
    );
    assert_eq!(state(&reports, "room-1"), &CallState::Connected);
    // The far end answers again: the next call reaches it.
    sim.refuse_calls_to(GUEST, false);
    eventually("the second try failed too", || sim.calls(REF).len() == 3);
    c.call(&m).unwrap();
    eventually("the dial-out connected", || all_connected(&sim, REF, 4));
    let reports = c.call(&m).unwrap();
    assert_eq!(state(&reports, "out-3f2a9c1b07"), &CallState::Connected);
    // The rooms were called once; the dial-out three times.
    assert_eq!(sim.with(|s| s.joins), 6);
    clean(&sim);
}

#[test]
fn behind_a_b2bua_an_h323_room_cannot_be_called_and_says_why() {
    let (sim, c) = start();
    sim.with(|s| s.b2bua = true);
    let m = meeting(REF, 8100, calls());
    c.provision(&m).unwrap();
    let reports = c.call(&m).unwrap();
    for key in ["room-2", "room-3"] {
        assert!(
            matches!(state(&reports, key), CallState::Failed(why) if why.contains("participantProtocol")),
            "{reports:?}"
        );
    }
    assert_eq!(state(&reports, "room-1"), &CallState::Calling);
    eventually("the SIP calls connected", || all_connected(&sim, REF, 2));
}

#[test]
fn the_conference_lives_from_its_creation_to_the_meeting_end() {
    let (sim, c) = start();
    let m = meeting(REF, 8100, vec![]);
    c.provision(&m).unwrap();
    // Someone else's conference made with the document's defaults (5 minutes minimum)
    // ends once it has been empty that long; ours waits for its meeting, empty or not.
    sim.add_foreign("made by hand");
    sim.advance(minutes(6));
    assert_eq!(sim.meetings(), vec![REF.to_string()]);
    sim.advance(minutes(58));
    assert_eq!(sim.meetings(), vec![REF.to_string()], "alive until the end");
    sim.advance(minutes(2));
    assert!(sim.meetings().is_empty(), "ended at its maximum duration");
}

#[test]
fn extending_a_running_meeting_keeps_it_to_the_new_end() {
    let (sim, c) = start();
    let mut m = meeting(REF, 8100, calls());
    c.provision(&m).unwrap();
    c.call(&m).unwrap();
    eventually("connected", || all_connected(&sim, REF, 4));
    // Half an hour into the conference's life, the meeting gets half an hour longer.
    sim.advance(minutes(30));
    m.end += chrono::Duration::minutes(30);
    c.provision(&m).unwrap();
    let (min, max) = sim.with(|s| (s.conferences[0].min_minutes, s.conferences[0].max_minutes));
    assert_eq!((min, max), (125, 125), "30 run, 95 to go");
    sim.advance(minutes(64));
    assert_eq!(sim.meetings(), vec![REF.to_string()], "past the old end");
    assert_eq!(sim.calls(REF).len(), 4);
    sim.advance(minutes(32));
    assert!(sim.meetings().is_empty(), "ended at the new end");
    assert_eq!(sim.with(|s| s.creates), 1);
    clean(&sim);
}

#[test]
fn a_refused_change_leaves_the_live_conference_as_it_was() {
    let (sim, c) = start();
    let m = meeting(REF, 8100, calls());
    c.provision(&m).unwrap();
    c.call(&m).unwrap();
    eventually("connected", || all_connected(&sim, REF, 4));
    let before = sim.with(|s| s.conferences[0].clone());
    // Limits below what the four connected calls take: the Conductor refuses (l.450).
    let mut smaller = m.clone();
    smaller.participants = 1;
    smaller.calls.truncate(1);
    smaller.pin = Some("1357".into());
    let e = c.provision(&smaller).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "25"),
        "{e:?}"
    );
    // A PIN that is not digits is refused before it is sent (fault 13).
    let mut letters = m.clone();
    letters.pin = Some("12a4".into());
    let e = c.provision(&letters).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "13"),
        "{e:?}"
    );
    // A lifetime over the template's limit.
    sim.with(|s| s.template_max_minutes = 60);
    let e = c.provision(&m).unwrap_err();
    assert!(matches!(&e, BridgeError::Refused { .. }), "{e:?}");
    // Nothing changed, nobody was dropped.
    assert_eq!(sim.with(|s| s.conferences[0].clone()), before);
    assert!(all_connected(&sim, REF, 4));
    clean(&sim);
}

#[test]
fn conferences_named_like_ours_are_never_touched() {
    let (sim, c) = start();
    let foreign = [
        format!("{REF}x"),
        format!("{REF}-old"),
        PREFIX.to_string(),
        "bb-0a1b2c3d".to_string(),
        format!("x{REF}"),
    ];
    for name in &foreign {
        sim.add_foreign(name);
    }
    // Someone else's conference on the alias our meeting is given.
    let other = Conductor::new(&sim.base, "api", "c-secret");
    other
        .provision(&meeting("bb-ffffffff-12", 8100, vec![]))
        .unwrap();
    let m = meeting(REF, 8100, calls());
    let e = c.provision(&m).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { message, .. } if message.contains("in use")),
        "{e:?}"
    );
    let e = c.call(&m).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "4"),
        "{e:?}"
    );
    c.tear_down(REF).unwrap();
    // Ours on its own alias: only ours is called, listed and removed.
    let m = meeting(REF, 8200, calls());
    c.provision(&m).unwrap();
    c.call(&m).unwrap();
    assert_eq!(c.conferences(PREFIX).unwrap(), vec![REF.to_string()]);
    c.tear_down(REF).unwrap();
    let mut left = sim.meetings();
    left.sort();
    let mut want: Vec<String> = foreign.to_vec();
    want.push("bb-ffffffff-12".into());
    want.sort();
    assert_eq!(left, want);
    assert!(foreign.iter().all(|f| sim.calls(f).is_empty()));
    assert_eq!(sim.with(|s| s.creates), 2);
}

#[test]
fn conferences_are_found_through_every_page() {
    let (sim, c) = start();
    sim.with(|s| s.page_size = 2);
    sim.add_foreign(&format!("{PREFIX}7-copy"));
    let mut want = Vec::new();
    for n in 1..=5 {
        let reference = format!("{PREFIX}{n}");
        c.provision(&meeting(&reference, 8100 + n, vec![])).unwrap();
        want.push(reference);
    }
    sim.add_foreign("someone else's");
    assert_eq!(c.conferences(PREFIX).unwrap(), want);
    // The last one, on the last page, is found to call and to tear down.
    let last = meeting(&format!("{PREFIX}5"), 8105, calls());
    c.call(&last).unwrap();
    eventually("connected", || all_connected(&sim, &last.reference, 4));
    c.tear_down(&last.reference).unwrap();
    assert_eq!(c.conferences(PREFIX).unwrap(), want[..4].to_vec());
    clean(&sim);
}

#[test]
fn after_a_restart_provision_and_call_bring_the_meeting_back() {
    let (sim, c) = start();
    let m = meeting(REF, 8100, calls());
    c.provision(&m).unwrap();
    c.call(&m).unwrap();
    eventually("connected", || all_connected(&sim, REF, 4));
    sim.restart();
    assert!(sim.meetings().is_empty(), "a Conductor keeps no conference");
    let e = c.call(&m).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "4"),
        "{e:?}"
    );
    assert!(c.conferences(PREFIX).unwrap().is_empty());
    c.provision(&m).unwrap();
    c.call(&m).unwrap();
    eventually("connected again", || all_connected(&sim, REF, 4));
    assert_eq!(c.conferences(PREFIX).unwrap(), vec![REF.to_string()]);
    clean(&sim);
}

#[test]
fn a_webex_meeting_reserves_its_call_and_joins_it() {
    let (sim, c) = start();
    let mut m = meeting(
        REF,
        8100,
        vec![call("webex", "123@webex.example.com", Protocol::Sip)],
    );
    m.participants = 2;
    c.provision(&m).unwrap();
    assert_eq!(sim.with(|s| s.conferences[0].webex.clone()), "SIP");
    c.call(&m).unwrap();
    eventually("the WebEx call connected", || all_connected(&sim, REF, 1));
    let reports = c.call(&m).unwrap();
    assert_eq!(state(&reports, "webex"), &CallState::Connected);
    assert_eq!(sim.with(|s| s.joins), 1);
    clean(&sim);
}

#[test]
fn errors_come_as_faults_and_as_error_replies() {
    let (sim, c) = start();
    // No capacity: an in-band error reply is a refusal with its info text.
    sim.with(|s| s.refuse_creates = Some("No capacity available".into()));
    let e = c
        .provision(&meeting("bb-0a1b2c3d-2", 8200, vec![]))
        .unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { message, .. } if message.contains("No capacity")),
        "{e:?}"
    );
    sim.with(|s| s.refuse_creates = None);
    // An alias outside the Conductor's domain reaches no Service Preference.
    let mut lost = meeting("bb-0a1b2c3d-3", 8300, vec![]);
    lost.sip_uri = "8300@elsewhere.example.com".into();
    let other = Conductor::new(&sim.base, "api", "c-secret");
    assert!(matches!(
        other.provision(&lost),
        Err(BridgeError::Refused { .. })
    ));
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
    assert!(matches!(
        c.conferences(PREFIX),
        Err(BridgeError::Unreachable(_))
    ));
    sim.with(|s| s.down = false);
    assert!(c.health().is_ok());
    drop(sim);
    assert!(matches!(c.health(), Err(BridgeError::Unreachable(_))));
}

#[test]
fn meetings_are_priced_by_service_cost_and_created_with_those_limits() {
    let (sim, c) = start();
    // One TelePresence Server behind the Conductor, priced as the document's example.
    sim.with(|s| s.prices = Prices::telepresence_servers(1));
    // The planner's model: licences run out first (30720 / 3840 = 8 participants).
    let model = c.price("8100@conductor.example.com").unwrap().unwrap();
    assert_eq!(
        (model.total, model.per_participant, model.per_conference),
        (30720.0, 3840.0, 0.0)
    );
    // Four participants: the document's limits for four single-screen endpoints.
    c.provision(&meeting("bb-0a1b2c3d-1", 8100, calls()))
        .unwrap();
    let limits = sim.with(|s| s.conferences[0].limits.clone());
    let want: Resources = [("signalling", 4), ("media", 12288), ("licences", 15360)]
        .into_iter()
        .map(|(d, n)| (d.to_string(), n))
        .collect();
    assert_eq!(limits, want);
    // Five more do not fit what is left of the pool: the Conductor's in-band refusal.
    let mut big = meeting("bb-0a1b2c3d-2", 8200, vec![]);
    big.participants = 5;
    let e = c.provision(&big).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { message, .. } if message.contains("No capacity")),
        "{e:?}"
    );
    // The pool shrinks to nothing: even a small meeting is refused.
    sim.with(|s| s.prices.pool.values_mut().for_each(|v| *v = 0));
    let mut small = meeting("bb-0a1b2c3d-3", 8300, vec![]);
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
    let (sim, c) = start();
    sim.with(|s| s.delay = Duration::from_millis(30));
    // One client used from four threads at once: its requests queue, none overlaps, and
    // health polls keep to 8 a second.
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
    sim.with(|s| s.delay = Duration::from_millis(500));
    let d = Conductor::new(&sim.base, "api", "c-secret");
    std::thread::scope(|scope| {
        scope.spawn(|| c.health().unwrap());
        scope.spawn(|| d.health().unwrap());
    });
    assert!(sim.with(|s| s.violations) >= 1);
}

/// One raw XML-RPC call to the simulator: the answer, or the fault's code and text.
fn raw(
    sim: &ConductorSim,
    method: &str,
    params: Vec<(&str, Value)>,
) -> Result<Value, (i64, String)> {
    let mut all = vec![
        ("authenticationUser", Value::Str("api".into())),
        ("authenticationPassword", Value::Str("c-secret".into())),
    ];
    all.extend(params);
    let body = ureq::post(&format!("{}/RPC2", sim.base))
        .send_string(&method_call(method, &members(all)))
        .unwrap()
        .into_string()
        .unwrap();
    parse_response(&body)
}

#[test]
fn the_simulator_refuses_what_the_document_refuses() {
    let (sim, _) = start();
    let s = |v: &str| Value::Str(v.into());
    let alias = ("conferenceAlias", s("8100@conductor.example.com"));
    let code = |r: Result<Value, (i64, String)>| r.map(|_| ()).unwrap_err();
    assert_eq!(
        code(raw(&sim, "factory.conferencecreate", vec![])),
        (21, "no conference alias supplied".into())
    );
    assert_eq!(
        code(raw(
            &sim,
            "factory.conferencecreate",
            vec![alias.clone(), ("factoryOverridePIN", s(""))]
        ))
        .0,
        13
    );
    assert_eq!(
        code(raw(
            &sim,
            "factory.conferencecreate",
            vec![alias.clone(), ("factoryMaxDurationMinutes", s("60"))]
        )),
        (
            103,
            "malformed parameter - factoryMaxDurationMinutes".into()
        )
    );
    assert_eq!(
        code(raw(
            &sim,
            "factory.conferencecreate",
            vec![
                alias.clone(),
                (
                    "factoryResourceLimits",
                    members(vec![("signalling", Value::Int(2401))])
                )
            ]
        ))
        .0,
        102
    );
    assert_eq!(code(raw(&sim, "conference.list", vec![])).0, 1);
    assert_eq!(
        code(raw(
            &sim,
            "conference.enumerate",
            vec![("enumerateID", s("made-up"))]
        ))
        .0,
        16
    );
    // factoryMinDurationMinutes 0 creates nothing (no auto-dialed participants).
    let none = raw(
        &sim,
        "factory.conferencecreate",
        vec![alias.clone(), ("factoryMinDurationMinutes", Value::Int(0))],
    )
    .unwrap();
    assert_eq!(none.str("status"), Some("error"));
    let made = raw(&sim, "factory.conferencecreate", vec![alias.clone()]).unwrap();
    assert_eq!(made.str("status"), Some("operation successful"));
    let name = made.str("conferenceName").unwrap().to_string();
    assert_eq!(
        code(raw(
            &sim,
            "participant.add",
            vec![("conferenceName", s(&name)), ("participantName", s("p"))]
        )),
        (10, "no participant address supplied".into())
    );
    assert_eq!(
        code(raw(
            &sim,
            "participant.add",
            vec![
                ("conferenceName", s(&name)),
                ("participantName", s("p")),
                ("address", s("a@b")),
                ("participantProtocol", s("vnc"))
            ]
        ))
        .0,
        102
    );
    assert_eq!(
        code(raw(
            &sim,
            "participant.remove",
            vec![("conferenceName", s(&name)), ("participantName", s("p"))]
        )),
        (101, "missing parameter - participantProtocol".into())
    );
    // A minimum below the running time is refused and changes nothing (l.446).
    sim.advance(minutes(10));
    let r = raw(
        &sim,
        "factory.conferencemodify",
        vec![
            ("conferenceName", s(&name)),
            ("factoryMinDurationMinutes", Value::Int(5)),
        ],
    )
    .unwrap();
    assert_eq!(r.str("status"), Some("error"));
    assert!(
        sim.meetings().is_empty(),
        "empty past its default 5 minutes: ended"
    );
}
