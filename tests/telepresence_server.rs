//! The TelePresence Server adapter against its simulator, over real sockets. The simulator
//! is an independent reading of the reference document: what it accepts, a real bridge
//! would. Timings are a few seconds at most and only outcomes are asserted.
use bridgebook::bridges::telepresence_server::TelePresenceServer;
use bridgebook::bridges::xmlrpc::{members, method_call, parse_response, Value};
use bridgebook::bridges::{Adapter, BridgeError, Call, CallReport, CallState, Meeting, Protocol};
use bridgebook::sim::telepresence_server::TsSim;
use bridgebook::sim::Observed;
use chrono::{DateTime, Duration, Utc};
use std::time::{Duration as StdDuration, Instant};

fn meeting(reference: &str, number: u64, start: DateTime<Utc>, end: DateTime<Utc>) -> Meeting {
    Meeting {
        reference: reference.into(),
        title: "Board".into(),
        number,
        sip_uri: format!("board-{number}@vc.example.com"),
        pin: Some("1234".into()),
        start,
        end,
        calls: vec![],
        bandwidth_kbps: 768,
        max_participants: 0,
        participants: 3,
    }
}

/// A meeting an hour long starting in five minutes.
fn later(reference: &str, number: u64) -> Meeting {
    let now = Utc::now();
    meeting(
        reference,
        number,
        now + Duration::minutes(5),
        now + Duration::minutes(65),
    )
}

/// A meeting that started a moment ago and lasts `seconds` more.
fn running(reference: &str, number: u64, seconds: i64) -> Meeting {
    let now = Utc::now();
    meeting(
        reference,
        number,
        now - Duration::seconds(1),
        now + Duration::seconds(seconds),
    )
}

fn call(key: &str, address: &str, protocol: Protocol) -> Call {
    Call {
        key: key.into(),
        address: address.into(),
        protocol,
        audio_only: false,
    }
}

fn setup() -> (TsSim, TelePresenceServer) {
    let sim = TsSim::start("127.0.0.1:0", "admin", "ts-secret").unwrap();
    let ts = TelePresenceServer::new(&sim.base, "admin", "ts-secret");
    (sim, ts)
}

/// Polls `f` until it holds, for at most 10 s.
fn eventually(mut f: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + StdDuration::from_secs(10);
    while Instant::now() < until {
        if f() {
            return true;
        }
        std::thread::sleep(StdDuration::from_millis(50));
    }
    false
}

fn state_of<'a>(reports: &'a [CallReport], key: &str) -> &'a CallState {
    &reports.iter().find(|r| r.key == key).unwrap().state
}

fn ours(sim: &TsSim, reference: &str) -> Vec<bridgebook::sim::telepresence_server::Conference> {
    sim.with(|s| {
        s.conferences
            .iter()
            .filter(|c| c.reference == reference)
            .cloned()
            .collect()
    })
}

#[test]
fn conferences_are_created_once_with_every_required_parameter() {
    let (sim, ts) = setup();
    // Other conferences fill the first enumerate pages: finding ours needs the cookie.
    sim.with(|s| s.page_size = 2);
    for n in 0..5 {
        ts.provision(&later(&format!("bb-other-{n}"), 9000 + n))
            .unwrap();
    }
    let m = later("bb-ts-1", 8100);
    ts.provision(&m).unwrap();
    ts.provision(&m).unwrap();
    let mine = ours(&sim, "bb-ts-1");
    assert_eq!(mine.len(), 1, "a retried provisioning makes no second one");
    let c = &mine[0];
    assert!((298..=300).contains(&c.start_time), "{}", c.start_time);
    assert!(
        matches!(c.duration, Some(3599..=3601)),
        "seconds from the start: {:?}",
        c.duration
    );
    assert_eq!(c.uris.len(), 2, "the number and the SIP URI's user part");
    for u in &c.uris {
        assert_eq!(u.pin.as_deref(), Some("1234"), "every URI has the PIN");
        assert_eq!(u.call_bandwidth, 768_000, "bits per second");
    }
    assert_eq!(
        (c.uris[0].uri.as_str(), c.uris[1].uri.as_str()),
        ("8100", "board-8100")
    );
    assert_eq!(
        c.media.credits, 5040,
        "credits at the level covering 3936 tokens"
    );
    assert!(!c.wait_for_chair);
    assert_eq!(c.name, "Board");
    assert_eq!(sim.with(|s| s.creates), 6);
    assert_eq!(
        sim.with(|s| s.unknown_parameters.clone()),
        Vec::<String>::new()
    );
}

#[test]
fn rooms_and_dial_outs_are_called_once_and_their_states_reported() {
    let (sim, ts) = setup();
    let mut m = running("bb-ts-2", 8200, 60);
    m.calls = vec![
        call("room-1", "room1@vc.example.com", Protocol::Sip),
        call("room-2", "boardroom.oslo", Protocol::H323),
        call("room-3", "4420012345", Protocol::H323),
        call("out-3f2a9c1b07", "sip:alice@partner.example", Protocol::Sip),
    ];
    ts.provision(&m).unwrap();
    let first = ts.call(&m).unwrap();
    assert_eq!(first.len(), 4);
    for r in &first {
        assert!(
            matches!(r.state, CallState::Calling | CallState::Connected),
            "{r:?}"
        );
    }
    assert!(eventually(|| ts
        .call(&m)
        .unwrap()
        .iter()
        .all(|r| r.state == CallState::Connected)));
    assert_eq!(
        sim.with(|s| s.participant_creates),
        4,
        "calls are placed once, however often call() runs"
    );
    let mut calls = sim.calls("bb-ts-2");
    calls.sort_by(|a, b| a.address.cmp(&b.address));
    let seen: Vec<(&str, &str, bool)> = calls
        .iter()
        .map(|c| (c.address.as_str(), c.protocol.as_str(), c.connected))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("4420012345", "h323", true),
            ("alice@partner.example", "sip", true),
            ("boardroom.oslo", "h323", true),
            ("room1@vc.example.com", "sip", true),
        ]
    );
    let references: Vec<String> =
        sim.with(|s| s.participants.iter().map(|p| p.reference.clone()).collect());
    assert!(references.contains(&"bb-ts-2/out-3f2a9c1b07".to_string()));
    assert!(sim.with(|s| s
        .participants
        .iter()
        .all(|p| p.calls[0].call_bandwidth == 768_000)));
}

#[test]
fn a_refused_call_is_failed_with_the_reason_and_called_again_once_it_answers() {
    let (sim, ts) = setup();
    let mut m = running("bb-ts-3", 8300, 60);
    m.calls = vec![
        call("room-1", "room1@vc.example.com", Protocol::Sip),
        call("out-1", "bob@partner.example", Protocol::Sip),
    ];
    sim.refuse_calls_to("bob@partner.example", true);
    ts.provision(&m).unwrap();
    ts.call(&m).unwrap();
    let mut failed = None;
    assert!(eventually(|| {
        let reports = ts.call(&m).unwrap();
        if let CallState::Failed(why) = state_of(&reports, "out-1") {
            failed = Some(why.clone());
            assert_eq!(state_of(&reports, "room-1"), &CallState::Connected);
            true
        } else {
            false
        }
    }));
    assert!(failed.unwrap().contains("audioReceiverFailed"));
    assert!(sim
        .calls("bb-ts-3")
        .iter()
        .all(|c| c.address != "bob@partner.example"));
    let placed = sim.with(|s| s.participant_creates);
    sim.refuse_calls_to("bob@partner.example", false);
    let again = ts.call(&m).unwrap();
    assert_eq!(state_of(&again, "out-1"), &CallState::Calling);
    assert_eq!(sim.with(|s| s.participant_creates), placed + 1);
    assert!(eventually(
        || state_of(&ts.call(&m).unwrap(), "out-1") == &CallState::Connected
    ));
    assert_eq!(sim.with(|s| s.participant_creates), placed + 1);
}

#[test]
fn a_conference_lives_from_its_start_for_its_duration_and_extends() {
    let (sim, ts) = setup();
    let t0 = Utc::now();
    // Starts in 2 s and lasts 3 s: its duration counts from the start, not the create.
    let m = meeting(
        "bb-ts-4",
        8400,
        t0 + Duration::seconds(2),
        t0 + Duration::seconds(5),
    );
    ts.provision(&m).unwrap();
    assert!(!ours(&sim, "bb-ts-4")[0].active);
    sleep_until(t0 + Duration::milliseconds(3500));
    let c = ours(&sim, "bb-ts-4");
    assert_eq!(c.len(), 1, "alive between its start and its end");
    assert!(c[0].active);
    assert!(eventually(|| ours(&sim, "bb-ts-4").is_empty()), "ended");

    // Extended past its half-way point: it keeps going to the new end.
    let t0 = Utc::now();
    let mut m = meeting("bb-ts-5", 8500, t0, t0 + Duration::seconds(4));
    ts.provision(&m).unwrap();
    let id = ours(&sim, "bb-ts-5")[0].id.clone();
    sleep_until(t0 + Duration::milliseconds(2500));
    m.end = t0 + Duration::seconds(9);
    // Its start passed and cannot move: the same conference is kept and extended.
    m.start = t0 - Duration::minutes(5);
    ts.provision(&m).unwrap();
    sleep_until(t0 + Duration::seconds(6));
    let c = ours(&sim, "bb-ts-5");
    assert_eq!(c.len(), 1, "alive past its first end");
    assert_eq!(c[0].id, id);
    assert!(eventually(|| ours(&sim, "bb-ts-5").is_empty()), "ended");
}

/// A duration "that requires it to have ended in the past" is an error (Table 82,
/// l.2075): a meeting cut short to an end that has passed is left to its tear-down, and
/// one that is over is not made.
#[test]
fn a_meeting_whose_end_has_passed_is_neither_changed_nor_made() {
    let (sim, ts) = setup();
    let mut m = running("bb-ts-12", 9120, 60);
    ts.provision(&m).unwrap();
    let id = ours(&sim, "bb-ts-12")[0].id.clone();
    m.end = Utc::now() - Duration::seconds(5);
    ts.provision(&m).unwrap();
    assert_eq!(ours(&sim, "bb-ts-12")[0].id, id, "left as it was");
    ts.tear_down("bb-ts-12").unwrap();
    assert!(ours(&sim, "bb-ts-12").is_empty());

    let now = Utc::now();
    let over = meeting(
        "bb-ts-13",
        9130,
        now - Duration::minutes(60),
        now - Duration::minutes(1),
    );
    ts.provision(&over).unwrap();
    let created = sim.with(|s| s.creates);
    assert!(ours(&sim, "bb-ts-13").is_empty());
    assert_eq!(created, 1, "only the first meeting was made");
}

fn sleep_until(t: DateTime<Utc>) {
    if let Ok(d) = (t - Utc::now()).to_std() {
        std::thread::sleep(d);
    }
}

#[test]
fn a_refused_change_leaves_the_live_conference_as_it_was() {
    let (sim, ts) = setup();
    ts.provision(&later("bb-someone", 8800)).unwrap();
    let mut m = running("bb-ts-6", 8600, 60);
    m.calls = vec![call("room-1", "room1@vc.example.com", Protocol::Sip)];
    ts.provision(&m).unwrap();
    ts.call(&m).unwrap();
    let before = ours(&sim, "bb-ts-6")[0].clone();
    // A new number another conference holds, and a later end: duplicate URI.
    let mut changed = m.clone();
    changed.number = 8800;
    changed.sip_uri = "8800@vc.example.com".into();
    changed.end = m.end + Duration::minutes(30);
    let e = ts.provision(&changed).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "18"),
        "{e:?}"
    );
    let after = ours(&sim, "bb-ts-6");
    assert_eq!(after.len(), 1, "never torn down");
    assert_eq!(after[0].id, before.id);
    assert_eq!(after[0].uris, before.uris);
    assert_eq!(after[0].duration, before.duration);
    assert_eq!(sim.calls("bb-ts-6").len(), 1, "its call goes on");
    // A participant limit below the participants there: refused (25), nothing changed.
    let mut two = m.clone();
    two.calls
        .push(call("room-2", "room2@vc.example.com", Protocol::Sip));
    ts.call(&two).unwrap();
    let mut fewer = two.clone();
    fewer.max_participants = 1;
    fewer.end = m.end + Duration::minutes(10);
    let e = ts.provision(&fewer).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "25"),
        "{e:?}"
    );
    let after = ours(&sim, "bb-ts-6");
    assert_eq!(after[0].max_participants, None);
    assert_eq!(after[0].duration, before.duration);
    assert_eq!(sim.calls("bb-ts-6").len(), 2);
}

#[test]
fn a_moved_start_makes_a_conference_not_started_again() {
    let (sim, ts) = setup();
    let mut m = later("bb-ts-7", 8700);
    ts.provision(&m).unwrap();
    let first = ours(&sim, "bb-ts-7")[0].id.clone();
    m.start += Duration::minutes(10);
    m.end += Duration::minutes(10);
    ts.provision(&m).unwrap();
    let now = ours(&sim, "bb-ts-7");
    assert_eq!(now.len(), 1);
    assert_ne!(now[0].id, first, "made again");
    assert!(
        (898..=900).contains(&now[0].start_time),
        "{}",
        now[0].start_time
    );
    assert!(matches!(now[0].duration, Some(3599..=3600)));
    // An unchanged start is modified in place.
    m.title = "Board, moved".into();
    ts.provision(&m).unwrap();
    let same = ours(&sim, "bb-ts-7");
    assert_eq!(
        (same[0].id.as_str(), same[0].name.as_str()),
        (now[0].id.as_str(), "Board, moved")
    );
    assert_eq!(
        sim.with(|s| s.unknown_parameters.clone()),
        Vec::<String>::new()
    );
}

#[test]
fn conferences_of_others_are_never_touched_and_ours_are_found_on_every_page() {
    let (sim, ts) = setup();
    sim.with(|s| s.page_size = 2);
    let similar = ["bb-ts1-12-copy", "bb-ts1", "bb-ts10-12", "xbb-ts1-12"];
    for name in similar {
        sim.add_foreign(name);
    }
    for n in 1..=5 {
        ts.provision(&later(&format!("bb-ts1-{n}"), 7000 + n))
            .unwrap();
    }
    let mut m = running("bb-ts1-12", 7012, 60);
    m.calls = vec![call("room-1", "room1@vc.example.com", Protocol::Sip)];
    ts.provision(&m).unwrap();
    ts.call(&m).unwrap();
    let foreign = |sim: &TsSim| {
        sim.with(|s| {
            s.conferences
                .iter()
                .filter(|c| similar.contains(&c.reference.as_str()))
                .map(|c| (c.reference.clone(), c.revision, c.uris.len()))
                .collect::<Vec<_>>()
        })
    };
    let untouched = foreign(&sim);
    assert_eq!(untouched.len(), 4);
    assert!(sim.with(|s| s
        .participants
        .iter()
        .all(|p| p.reference.starts_with("bb-ts1-12/"))));

    let mut found = ts.conferences("bb-ts1-").unwrap();
    found.sort();
    for n in ["bb-ts1-1", "bb-ts1-12", "bb-ts1-2", "bb-ts1-5"] {
        assert!(found.contains(&n.to_string()), "{n} in {found:?}");
    }
    for other in ["bb-ts1", "bb-ts10-12", "xbb-ts1-12"] {
        assert!(!found.contains(&other.to_string()), "{other}");
    }
    // "bb-ts1-12-copy" starts with the prefix, so it is listed (the trait's contract);
    // the launcher reads only references it made (launcher::meeting::conference_of).

    ts.tear_down("bb-ts1-12").unwrap();
    ts.tear_down("bb-ts1-12").unwrap();
    ts.tear_down("bb-ts1-99").unwrap();
    assert!(ours(&sim, "bb-ts1-12").is_empty());
    assert_eq!(foreign(&sim), untouched, "nobody else's conference changed");
    let e = ts.call(&m).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "4"),
        "{e:?}"
    );
}

#[test]
fn after_a_restart_provision_and_call_bring_the_meeting_back() {
    let (sim, ts) = setup();
    let mut m = running("bb-ts-8", 8800, 60);
    m.calls = vec![call("room-1", "room1@vc.example.com", Protocol::Sip)];
    ts.provision(&m).unwrap();
    ts.call(&m).unwrap();
    assert!(eventually(|| sim
        .calls("bb-ts-8")
        .iter()
        .any(|c| c.connected)));
    sim.restart();
    assert!(sim.meetings().is_empty(), "conferences are not kept");
    assert!(matches!(ts.call(&m), Err(BridgeError::Refused { .. })));
    assert_eq!(ts.conferences("bb-").unwrap(), Vec::<String>::new());
    ts.provision(&m).unwrap();
    assert_eq!(sim.meetings(), vec!["bb-ts-8".to_string()]);
    ts.call(&m).unwrap();
    assert!(eventually(
        || state_of(&ts.call(&m).unwrap(), "room-1") == &CallState::Connected
    ));
    assert_eq!(sim.with(|s| s.creates), 2);
}

#[test]
fn faults_knobs_and_health() {
    let (sim, ts) = setup();
    // A URI another conference holds: fault 18, a refusal.
    ts.provision(&later("bb-ts-9", 8900)).unwrap();
    let e = ts.provision(&later("bb-ts-10", 8900)).unwrap_err();
    assert!(
        matches!(&e, BridgeError::Refused { code, .. } if code == "18"),
        "{e:?}"
    );
    // Wrong credentials: fault 14, without the password in the message.
    let wrong = TelePresenceServer::new(&sim.base, "admin", "not-it");
    let e = wrong.provision(&later("bb-ts-11", 8910)).unwrap_err();
    assert!(matches!(&e, BridgeError::Refused { code, .. } if code == "14"));
    assert!(!format!("{e:?}").contains("not-it"));
    // Too many asynchronous requests: worth retrying.
    sim.with(|s| s.fault = Some(203));
    assert!(matches!(
        ts.provision(&later("bb-ts-12", 8920)),
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
    // The conference limit: 6.
    sim.with(|s| s.max_conferences = 1);
    let e = ts.provision(&later("bb-ts-13", 8930)).unwrap_err();
    assert!(matches!(&e, BridgeError::Refused { code, .. } if code == "6"));
    sim.with(|s| s.max_conferences = 100);
    // Slow, but within the client's patience: it waits. One running meeting with one
    // participant reserving 5,040 of the 100,800 credits.
    let mut m = running("bb-ts-14", 8940, 60);
    m.calls = vec![call("room-1", "room1@vc.example.com", Protocol::Sip)];
    ts.provision(&m).unwrap();
    ts.call(&m).unwrap();
    sim.with(|s| s.delay = std::time::Duration::from_millis(300));
    let h = ts.health().unwrap();
    assert_eq!(h.active_conferences, Some(1));
    assert_eq!(h.load, Some(0.05));
}

/// One raw call to the simulator, as any client might send it.
fn raw(sim: &TsSim, method: &str, params: Vec<(&str, Value)>) -> Result<Value, (i64, String)> {
    let mut all = vec![
        ("authenticationUser", Value::Str("admin".into())),
        ("authenticationPassword", Value::Str("ts-secret".into())),
    ];
    all.extend(params);
    let body = method_call(method, &members(all));
    let text = ureq::post(&format!("{}/RPC2", sim.base))
        .send_string(&body)
        .unwrap()
        .into_string()
        .unwrap();
    parse_response(&text)
}

fn media() -> Value {
    let total = |t| members(vec![("total", Value::Int(t))]);
    members(vec![
        ("mediaTokensMainVideo", total(1920)),
        ("mediaTokensExtendedVideo", total(1920)),
        ("mediaTokensAudio", total(96)),
        ("numMediaCredits", Value::Int(5040)),
    ])
}

#[test]
fn the_simulator_refuses_what_the_document_refuses() {
    let (sim, _) = setup();
    let code = |r: Result<Value, (i64, String)>| r.map(|_| 0).unwrap_or_else(|(c, _)| c);
    // URIs without their Required callBandwidth (Table 33): 101.
    let uri = |members_: Vec<(&str, Value)>| Value::Array(vec![members(members_)]);
    let r = raw(
        &sim,
        "flex.conference.create",
        vec![
            ("participantMediaResources", media()),
            ("URIs", uri(vec![("URI", Value::Str("8100".into()))])),
        ],
    );
    assert_eq!(
        r.unwrap_err(),
        (101, "missing parameter: URIs[0].callBandwidth".into())
    );
    // No participantMediaResources: 101; a string for an integer: 103; a reference over
    // 50 characters: 35; duration and durationUnlimited together: 102.
    assert_eq!(code(raw(&sim, "flex.conference.create", vec![])), 101);
    let create = |extra: (&'static str, Value)| {
        raw(
            &sim,
            "flex.conference.create",
            vec![("participantMediaResources", media()), extra],
        )
    };
    assert_eq!(code(create(("startTime", Value::Str("300".into())))), 103);
    assert_eq!(
        code(create(("conferenceReference", Value::Str("r".repeat(51))))),
        35
    );
    assert_eq!(
        code(create(("conferenceName", Value::Str("n".repeat(81))))),
        35
    );
    let r = raw(
        &sim,
        "flex.conference.create",
        vec![
            ("participantMediaResources", media()),
            ("duration", Value::Int(60)),
            ("durationUnlimited", Value::Bool(true)),
        ],
    );
    assert_eq!(code(r), 102);
    let id = raw(
        &sim,
        "flex.conference.create",
        vec![
            ("participantMediaResources", media()),
            ("duration", Value::Int(2)),
        ],
    )
    .unwrap()
    .str("conferenceID")
    .unwrap()
    .to_string();
    // A call definition of `address` (not Table 35's remoteAddress): 101.
    let calls = |c: Vec<(&str, Value)>| ("calls", Value::Array(vec![members(c)]));
    let r = raw(
        &sim,
        "flex.participant.create",
        vec![
            ("conferenceID", Value::Str(id.clone())),
            calls(vec![("address", Value::Str("a@b".into()))]),
        ],
    );
    assert_eq!(
        r.unwrap_err(),
        (101, "missing parameter: calls[0].remoteAddress".into())
    );
    // A protocol outside Table 12: 102; a PIN for an all-outgoing participant: 102.
    let outgoing = |protocol: &str| {
        calls(vec![
            ("remoteAddress", Value::Str("a@b".into())),
            ("protocol", Value::Str(protocol.into())),
            ("callBandwidth", Value::Int(768_000)),
        ])
    };
    let r = raw(
        &sim,
        "flex.participant.create",
        vec![("conferenceID", Value::Str(id.clone())), outgoing("h320")],
    );
    assert_eq!(code(r), 102);
    let r = raw(
        &sim,
        "flex.participant.create",
        vec![
            ("conferenceID", Value::Str(id.clone())),
            outgoing("sip"),
            ("PIN", Value::Str("1234".into())),
        ],
    );
    assert_eq!(code(r), 102);
    // A duration that would have ended in the past (l.2075): 102.
    std::thread::sleep(StdDuration::from_millis(1200));
    let r = raw(
        &sim,
        "flex.conference.modify",
        vec![
            ("conferenceID", Value::Str(id.clone())),
            ("duration", Value::Int(0)),
        ],
    );
    assert_eq!(code(r), 102);
    // A garbage cookie: 55; a cookie from before a restart: 102.
    let r = raw(
        &sim,
        "flex.conference.enumerate",
        vec![("cookie", Value::Str("x".into()))],
    );
    assert_eq!(code(r), 55);
    let cookie = raw(&sim, "flex.conference.enumerate", vec![])
        .unwrap()
        .str("cookie")
        .unwrap()
        .to_string();
    sim.restart();
    let r = raw(
        &sim,
        "flex.conference.enumerate",
        vec![("cookie", Value::Str(cookie))],
    );
    assert_eq!(r.unwrap_err(), (102, "cookie is invalid or expired".into()));
    // Missing credentials: 101; more than 32 KB: 105; an unknown method: 1.
    let body = method_call("system.info", &members(vec![]));
    let text = ureq::post(&format!("{}/RPC2", sim.base))
        .send_string(&body)
        .unwrap()
        .into_string()
        .unwrap();
    assert_eq!(parse_response(&text).unwrap_err().0, 101);
    let big = "x".repeat(33 * 1024);
    assert_eq!(
        code(raw(&sim, "system.info", vec![("pad", Value::Str(big))])),
        105
    );
    assert_eq!(code(raw(&sim, "flex.nothing", vec![])), 1);
}
