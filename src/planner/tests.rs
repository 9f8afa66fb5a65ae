use super::*;
use chrono::{Duration, TimeZone};
use proptest::prelude::*;
use CallType::*;

fn at(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 7, 0, 0, 0).unwrap() + Duration::minutes(h * 30)
}

fn people(types: &[CallType]) -> Vec<Participant> {
    types
        .iter()
        .enumerate()
        .map(|(n, call_type)| Participant {
            id: n as i64 + 1,
            name_or_number: Some(format!("p{n}")),
            email: None,
            call_type: *call_type,
        })
        .collect()
}

fn bridge(id: i64, name: &str, priority: i32, total: f64) -> Bridge {
    Bridge {
        id,
        name: name.into(),
        family: Family::Pexip,
        enabled: true,
        priority,
        capabilities: Capabilities::default(),
        capacity: CapacityModel {
            total,
            audio: 0.5,
            sd: 1.0,
            hd: 2.0,
            full_hd: 4.0,
            per_conference: 0.0,
        },
        numbering: Numbering {
            first: 100,
            last: 199,
            sip_uri: "{number}@vc.example.com".into(),
            pin: PinPolicy::None,
            web_url: None,
        },
        reachable: true,
    }
}

fn request<'a>(participants: &'a [Participant]) -> RouteRequest<'a> {
    RouteRequest {
        conference_type: ConferenceType::AutomaticCallLaunch,
        participants,
        externally_hosted: false,
        webex_dial_out: false,
        encryption: Preference::IfPossible,
        content: false,
        quality: Quality::Hd,
        password: Some("4321"),
        previous: None,
        fresh_pin: "77889900",
    }
}

fn busy(bridge_id: i64, from: i64, to: i64, units: Units, number: u64) -> Planned {
    Planned {
        bridge_id,
        conference_id: 1000 + from,
        start: at(from),
        end: at(to),
        units,
        number,
    }
}

/// A one-word summary of a plan: the bridge's name, or the kind of route.
fn brief(p: &RoutePlan) -> String {
    match p {
        RoutePlan::NoRoute => "none".into(),
        RoutePlan::Direct => "direct".into(),
        RoutePlan::ExternallyHosted => "external".into(),
        RoutePlan::Bridge(b) => b.bridge_name.clone(),
        RoutePlan::Unroutable { .. } => "unroutable".into(),
    }
}

fn plan_one(req: &RouteRequest, bridges: &[Bridge], load: Vec<Planned>) -> RoutePlan {
    plan(req, &[(at(18), at(20))], bridges, &[load]).remove(0)
}

#[test]
fn what_needs_a_bridge() {
    let one = vec![bridge(1, "mcu", 1, 40.0)];
    type Row<'a> = (&'a str, ConferenceType, Vec<CallType>, bool, &'a str);
    let table: Vec<Row> = vec![
        (
            "two systems launched automatically: a bridge calls both",
            ConferenceType::AutomaticCallLaunch,
            vec![Tms, Tms],
            false,
            "mcu",
        ),
        (
            "two systems that dial themselves call each other",
            ConferenceType::OneButtonToPush,
            vec![Tms, Tms],
            false,
            "direct",
        ),
        (
            "two systems that nobody connects",
            ConferenceType::NoConnect,
            vec![Tms, Tms],
            false,
            "direct",
        ),
        (
            "three systems",
            ConferenceType::AutomaticCallLaunch,
            vec![Tms, Tms, Tms],
            false,
            "mcu",
        ),
        (
            "a dial-in",
            ConferenceType::OneButtonToPush,
            vec![Tms, SipDialIn],
            false,
            "mcu",
        ),
        (
            "a dial-out",
            ConferenceType::AutomaticCallLaunch,
            vec![Tms, IpVideoDialOut],
            false,
            "mcu",
        ),
        (
            "reservation only",
            ConferenceType::ReservationOnly,
            vec![Tms, Tms, Tms],
            false,
            "none",
        ),
        (
            "externally hosted",
            ConferenceType::AutomaticCallLaunch,
            vec![Tms, Tms, Tms],
            true,
            "external",
        ),
        (
            "a master does not count twice",
            ConferenceType::ManualCallLaunch,
            vec![Tms, Tms, MasterParticipant],
            false,
            "direct",
        ),
    ];
    for (name, kind, types, ext, want) in table {
        let ps = people(&types);
        let mut req = request(&ps);
        req.conference_type = kind;
        req.externally_hosted = ext;
        assert_eq!(brief(&plan_one(&req, &one, vec![])), want, "{name}");
    }
    let ps = people(&[Tms, Tms]);
    let mut webex = request(&ps);
    webex.webex_dial_out = true;
    assert_eq!(
        brief(&plan_one(&webex, &one, vec![])),
        "unroutable",
        "WebEx needs a bridge that dials out"
    );
    let mut dialler = one.clone();
    dialler[0].capabilities.webex_dial_out = true;
    assert_eq!(brief(&plan_one(&webex, &dialler, vec![])), "mcu");
    let two = request(&ps);
    assert_eq!(
        brief(&plan_one(&two, &[], vec![])),
        "direct",
        "two rooms no bridge can call still meet point to point, never Defective"
    );
}

#[test]
fn capabilities_filter_bridges() {
    let plain = bridge(1, "plain", 1, 40.0);
    let mut no_sip = bridge(2, "h323-only", 1, 40.0);
    no_sip.capabilities.sip = false;
    let mut gateway = bridge(3, "gateway", 2, 40.0);
    gateway.capabilities.isdn = true;
    let mut clear = bridge(4, "clear", 0, 40.0);
    clear.capabilities.encryption = false;
    let mut small = bridge(5, "small", 0, 40.0);
    small.capabilities.max_participants = 3;
    let mut off = bridge(6, "off", -1, 40.0);
    off.enabled = false;
    type Row<'a> = (&'a str, Vec<CallType>, Preference, Vec<&'a Bridge>, &'a str);
    let table: Vec<Row> = vec![
        (
            "SIP dial-in skips a bridge without SIP",
            vec![Tms, SipDialIn],
            Preference::IfPossible,
            vec![&no_sip, &plain],
            "plain",
        ),
        (
            "H.323 dial-out on an H.323 bridge",
            vec![Tms, IpVideoDialOut],
            Preference::IfPossible,
            vec![&no_sip],
            "h323-only",
        ),
        (
            "a telephone needs a gateway",
            vec![Tms, TelephoneDialOut],
            Preference::IfPossible,
            vec![&plain, &gateway],
            "gateway",
        ),
        (
            "no gateway anywhere",
            vec![Tms, IsdnVideoDialIn],
            Preference::IfPossible,
            vec![&plain],
            "unroutable",
        ),
        (
            "encryption required",
            vec![Tms, Tms, Tms],
            Preference::Yes,
            vec![&clear, &plain],
            "plain",
        ),
        (
            "encryption if possible takes any",
            vec![Tms, Tms, Tms],
            Preference::IfPossible,
            vec![&clear, &plain],
            "clear",
        ),
        (
            "too many participants",
            vec![Tms, Tms, Tms, SipDialIn],
            Preference::IfPossible,
            vec![&small, &plain],
            "plain",
        ),
        (
            "a disabled bridge is never chosen",
            vec![Tms, Tms, Tms],
            Preference::IfPossible,
            vec![&off],
            "unroutable",
        ),
    ];
    for (name, types, encryption, bridges, want) in table {
        let ps = people(&types);
        let mut req = request(&ps);
        req.encryption = encryption;
        let inventory: Vec<Bridge> = bridges.into_iter().cloned().collect();
        let got = plan_one(&req, &inventory, vec![]);
        assert_eq!(brief(&got), want, "{name}: {got:?}");
    }
}

#[test]
fn capacity_priority_and_load() {
    let ps = people(&[Tms, Tms, Tms, Tms, Tms]); // 5 HD ports: 10 units on these bridges
    let req = request(&ps);
    let a = bridge(1, "a", 1, 20.0);
    let b = bridge(2, "b", 1, 20.0);
    let c = bridge(3, "c", 2, 100.0);
    type Row<'a> = (&'a str, Vec<Planned>, &'a str);
    let table: Vec<Row> = vec![
        ("equal priority, equal load: lowest id", vec![], "a"),
        (
            "equal priority: the least loaded",
            vec![busy(1, 18, 20, 4000, 100)],
            "b",
        ),
        (
            "full at one instant only",
            vec![busy(1, 19, 20, 12000, 100), busy(2, 18, 19, 12000, 100)],
            "c",
        ),
        (
            "a meeting ending at the start leaves room",
            vec![busy(1, 16, 18, 20000, 100), busy(2, 16, 18, 20000, 100)],
            "a",
        ),
        (
            "priority beats load",
            vec![busy(1, 18, 20, 9000, 100), busy(2, 18, 20, 9000, 101)],
            "a",
        ),
        (
            "exactly full after placing fits",
            vec![busy(1, 18, 20, 10000, 100)],
            "b",
        ),
    ];
    for (name, load, want) in table {
        let got = plan_one(&req, &[a.clone(), b.clone(), c.clone()], load);
        assert_eq!(brief(&got), want, "{name}: {got:?}");
    }
    // Nothing has room: the reasons name every bridge and what it lacks.
    let full = vec![busy(1, 18, 20, 15000, 100), busy(2, 18, 20, 15000, 100)];
    match plan_one(&req, &[a.clone(), b.clone()], full) {
        RoutePlan::Unroutable { reasons, .. } => {
            assert_eq!(
                reasons,
                vec![
                    "a: 5 of 20 HD connections left at 2030-01-07 09:00–10:00, the meeting needs 10",
                    "b: 5 of 20 HD connections left at 2030-01-07 09:00–10:00, the meeting needs 10",
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    // A bridge's conference limit counts too.
    let mut one_room = bridge(1, "one-room", 1, 100.0);
    one_room.capabilities.max_conferences = 1;
    let got = plan_one(&req, &[one_room], vec![busy(1, 19, 21, 1000, 100)]);
    assert_eq!(brief(&got), "unroutable");
}

#[test]
fn a_series_stays_on_one_bridge_where_it_can() {
    let ps = people(&[Tms, Tms, Tms, Tms, Tms]);
    let req = request(&ps);
    let a = bridge(1, "a", 1, 20.0);
    let b = bridge(2, "b", 2, 20.0);
    let windows: Vec<_> = (0..3).map(|d| (at(18 + 48 * d), at(20 + 48 * d))).collect();
    // a is full on the second day: the whole series goes to b, not split.
    let load = vec![vec![], vec![busy(1, 66, 68, 15000, 100)], vec![]];
    let got: Vec<String> = plan(&req, &windows, &[a.clone(), b.clone()], &load)
        .iter()
        .map(brief)
        .collect();
    assert_eq!(got, vec!["b", "b", "b"]);
    // Neither has room every day: each occurrence on its own, the full day Defective.
    let load = vec![
        vec![busy(2, 18, 20, 15000, 100)],
        vec![busy(1, 66, 68, 15000, 100), busy(2, 66, 68, 15000, 100)],
        vec![],
    ];
    let got: Vec<String> = plan(&req, &windows, &[a, b], &load)
        .iter()
        .map(brief)
        .collect();
    assert_eq!(got, vec!["a", "unroutable", "a"]);
}

#[test]
fn dial_in_details() {
    let ps = people(&[Tms, Tms, SipDialIn]);
    let mut pinned = bridge(1, "a", 1, 20.0);
    pinned.numbering.pin = PinPolicy::Auto { length: 4 };
    // The conference's Password is the PIN invitees are told.
    let RoutePlan::Bridge(given) = plan_one(&request(&ps), &[pinned.clone()], vec![]) else {
        panic!()
    };
    assert_eq!(given.pin.as_deref(), Some("4321"));
    let mut req = request(&ps);
    req.password = None;
    let got = plan_one(&req, &[pinned.clone()], vec![busy(1, 18, 19, 1000, 100)]);
    let RoutePlan::Bridge(route) = got else {
        panic!("{got:?}")
    };
    assert_eq!(route.number, 101);
    assert_eq!(route.sip_uri, "101@vc.example.com");
    assert_eq!(route.pin.as_deref(), Some("7788"));
    assert_eq!(route.units, 6000, "three HD ports at 2 units each");
    // Planned again with the number now free: its id and PIN are kept.
    let mut again = request(&ps);
    again.password = None;
    again.previous = Some(&route);
    again.fresh_pin = "1111";
    let RoutePlan::Bridge(kept) = plan_one(&again, &[pinned], vec![]) else {
        panic!()
    };
    assert_eq!((kept.number, kept.pin.as_deref()), (101, Some("7788")));
    assert!(kept
        .reasons
        .iter()
        .any(|r| r.contains("kept on the bridge")));
}

#[test]
fn reasons_explain_the_choice() {
    let ps = people(&[Tms, Tms, SipDialIn]);
    let req = request(&ps);
    let mut no_sip = bridge(3, "h323", 0, 20.0);
    no_sip.capabilities.sip = false;
    let got = plan_one(
        &req,
        &[
            bridge(1, "pexip-osl", 1, 40.0),
            bridge(2, "pexip-ber", 1, 40.0),
            no_sip,
        ],
        vec![busy(1, 18, 20, 20000, 100)],
    );
    let RoutePlan::Bridge(route) = got else {
        panic!("{got:?}")
    };
    assert_eq!(route.bridge_name, "pexip-ber");
    assert_eq!(
        route.reasons,
        vec![
            "pexip-ber: 40 of 40 HD connections left at 2030-01-07 09:00–10:00; the meeting takes 6",
            "preferred by priority 1 and load among 2 bridges with room",
            "h323: no SIP calls",
        ]
    );
}

/// A sequence of bookings and cancellations on a few small bridges.
#[derive(Debug, Clone)]
enum Op {
    Book {
        start: i64,
        len: i64,
        ports: usize,
        days: i64,
    },
    Cancel(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0i64..40, 1i64..8, 3usize..12, 1i64..4)
            .prop_map(|(start, len, ports, days)| Op::Book { start, len, ports, days }),
        1 => (0usize..64).prop_map(Op::Cancel),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn no_bridge_is_ever_planned_over_capacity(ops in proptest::collection::vec(op(), 1..40)) {
        let mut bridges = vec![
            bridge(1, "a", 1, 20.0),
            bridge(2, "b", 1, 16.0),
            bridge(3, "c", 2, 30.0),
        ];
        bridges[1].capabilities.max_conferences = 2;
        bridges[2].numbering.last = 101;
        let mut booked: Vec<Planned> = Vec::new();
        let mut next = 1;
        for op in ops {
            match op {
                Op::Book { start, len, ports, days } => {
                    let ps = people(&vec![Tms; ports]);
                    let req = request(&ps);
                    let windows: Vec<_> = (0..days)
                        .map(|d| (at(start + 48 * d), at(start + len + 48 * d)))
                        .collect();
                    let load: Vec<Vec<Planned>> = windows
                        .iter()
                        .map(|(s, e)| booked.iter().filter(|l| l.start < *e && *s < l.end).cloned().collect())
                        .collect();
                    for (w, p) in windows.iter().zip(plan(&req, &windows, &bridges, &load)) {
                        if let RoutePlan::Bridge(r) = p {
                            booked.push(Planned {
                                bridge_id: r.bridge_id,
                                conference_id: next,
                                start: w.0,
                                end: w.1,
                                units: r.units,
                                number: r.number,
                            });
                        }
                    }
                    next += 1;
                }
                Op::Cancel(n) => {
                    if !booked.is_empty() {
                        let id = booked[n % booked.len()].conference_id;
                        booked.retain(|l| l.conference_id != id);
                    }
                }
            }
            // At every instant, on every bridge: within capacity, within its conference
            // limit, and no numeric id used twice.
            for b in &bridges {
                let mine: Vec<&Planned> = booked.iter().filter(|l| l.bridge_id == b.id).collect();
                for l in &mine {
                    let (used, running) = peak(mine.iter().copied(), l.start, l.end);
                    prop_assert!(used <= capacity::units(b.capacity.total));
                    prop_assert!(running <= b.capabilities.max_conferences);
                    let clash = mine.iter().filter(|o| o.number == l.number && o.start < l.end && l.start < o.end).count();
                    prop_assert_eq!(clash, 1);
                }
            }
        }
    }
}

#[test]
fn lacking_capabilities_are_told_from_lacking_room() {
    let ps = people(&[Tms, Tms, TelephoneDialIn]);
    let req = request(&ps);
    let incapable = |p: RoutePlan| match p {
        RoutePlan::Unroutable { incapable, .. } => Some(incapable),
        _ => None,
    };
    let plain = bridge(1, "plain", 1, 40.0);
    assert_eq!(
        incapable(plan_one(&req, std::slice::from_ref(&plain), vec![])),
        Some(true)
    );
    let mut gateway = bridge(2, "gateway", 1, 4.0);
    gateway.capabilities.isdn = true;
    let full = vec![busy(2, 18, 20, 3000, 100)];
    assert_eq!(
        incapable(plan_one(&req, &[plain, gateway.clone()], full)),
        Some(false)
    );
    let mut off = gateway;
    off.enabled = false;
    assert_eq!(
        incapable(plan_one(&req, &[off], vec![])),
        Some(false),
        "disabled is not incapable"
    );
}

#[test]
fn a_data_conference_needs_a_content_channel() {
    let ps = people(&[Tms, Tms, Tms]);
    let mut no_content = bridge(1, "no-content", 0, 40.0);
    no_content.capabilities.content = false;
    let plain = bridge(2, "plain", 1, 40.0);
    let inventory = [no_content, plain];
    let mut req = request(&ps);
    assert_eq!(brief(&plan_one(&req, &inventory, vec![])), "no-content");
    req.content = true;
    assert_eq!(brief(&plan_one(&req, &inventory, vec![])), "plain");
}
