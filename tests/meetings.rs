//! The meeting happens, on each bridge family, as a client books it over SOAP: an Automatic
//! Call Launch meeting of three rooms (SIP URI, H.323 ID, E.164 alias) and a SIP dial-out
//! is created on its bridge, every room and the dial-out are called at the start, it lives
//! to its end (extended while it runs, to the new end), comes back with its calls when the
//! bridge restarts, and is removed after it; a conference with a similar name that is not
//! ours is never touched; No Connect calls nobody; Reservation Only creates nothing.
mod common;
use bridgebook::sim::{Observed, SimCall};
use common::*;

const ROOMS: &str = r#"
[[system]]
id = 11
name = "Room with a SIP URI"
sip_uri = "room11@rooms.example.com"
[[system]]
id = 12
name = "Room with an H.323 ID"
h323_id = "room12.h323"
[[system]]
id = 13
name = "Room with an E.164 alias"
e164_alias = "4713"
[[system]]
id = 14
name = "Quiet room"
sip_uri = "room14@rooms.example.com"
[[system]]
id = 15
name = "Reserved room"
sip_uri = "room15@rooms.example.com"
"#;

const DIAL_OUT: &str = "guest@partner.example";
/// How often the launcher reconciles in these tests.
const RECONCILE: u64 = 2;

fn booking(kind: &str, start: i64, end: i64) -> String {
    let parts = match kind {
        // A reservation has no route: rooms only.
        "Reservation Only" => tms(15),
        "No Connect" => tms(14) + &tms(15) + &external("SIP ->", "quiet@partner.example"),
        _ => tms(11) + &tms(12) + &tms(13) + &external("SIP ->", DIAL_OUT),
    };
    format!(
        "<ConferenceId>-1</ConferenceId><Title>Quarterly review</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><ConferenceType>{kind}</ConferenceType><Participants>{parts}</Participants>",
        seconds_from_now(start),
        seconds_from_now(end)
    )
}

/// The calls the admin API lists for conference `id`: (address, protocol, state).
fn calls(s: &Server, id: &str) -> Vec<(String, String, String)> {
    let a = admin_call(
        s,
        USER,
        "GET",
        &format!("/admin/api/conferences/{id}/calls"),
        "",
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let mut out: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (text("address"), text("protocol"), text("state"))
        })
        .collect();
    out.sort();
    out
}

/// The calls the bridge holds in meeting `name`, as (address, protocol), sorted.
fn on_bridge(sim: &dyn Observed, name: &str) -> Vec<(String, String)> {
    let mut v: Vec<_> = sim
        .calls(name)
        .into_iter()
        .map(
            |SimCall {
                 address, protocol, ..
             }| (address, protocol),
        )
        .collect();
    v.sort();
    v
}

/// Meeting `id`'s name on the bridge, when the bridge holds it.
fn ours(s: &Server, sim: &dyn Observed, id: &str) -> Option<String> {
    let a = admin_call(
        s,
        USER,
        "GET",
        &format!("/admin/api/conferences/{id}/jobs"),
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let name = v.get(0)?["reference"].as_str()?.to_string();
    sim.meetings().contains(&name).then_some(name)
}

/// The whole life of one meeting on a bridge of `family` behind `sim`; `expected` are the
/// calls (address, protocol) the family can place for the four participants.
fn a_meeting_happens(
    family: &str,
    sim: &dyn Observed,
    address: &str,
    extra: &str,
    expected: &[(&str, &str)],
) {
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: ROOMS.to_string()
                + &bridge_table(
                    &format!("{family}-1"),
                    family,
                    address,
                    40,
                    "vc.example.com",
                    extra,
                ),
            launcher: true,
            reconcile_seconds: RECONCILE,
            ..Options::default()
        },
    );
    let c = Client::new(&s);

    // Reservation Only: nothing on the bridge.
    let reserved = c.save(&booking("Reservation Only", 3, 20), "Strict");
    reserved.ok();
    // No Connect: the conference exists, nobody is called.
    let quiet = c.save(&booking("No Connect", 30, 60), "Strict");
    quiet.ok();
    let quiet_id = quiet.get("ConferenceId").unwrap();

    // The meeting, starting in 6 s and ending 30 s later.
    let saved = c.save(&booking("Automatic Call Launch", 6, 36), "Strict");
    saved.ok();
    let id = saved.get("ConferenceId").unwrap();
    let info = saved.get("ConferenceInfoText").unwrap_or_default();
    assert!(info.contains("the bridge calls the booked rooms"), "{info}");
    eventually(10, "provisioned", || ours(&s, sim, &id).is_some());
    let name = ours(&s, sim, &id).unwrap();

    let want: Vec<(String, String)> = {
        let mut w: Vec<_> = expected
            .iter()
            .map(|(a, p)| (a.to_string(), p.to_string()))
            .collect();
        w.sort();
        w
    };
    eventually(15, "every room and the dial-out called", || {
        on_bridge(sim, &name) == want
    });
    // Each call the bridge can place is connected; one it cannot (an H.323 ID on a bridge
    // that dials SIP only) is failed with the bridge's reason, and visible.
    eventually(8, "every call connected, as the admin API shows", || {
        let listed = calls(&s, &id);
        let connected = listed.iter().filter(|c| c.2 == "connected").count();
        listed.len() == 4
            && connected == want.len()
            && listed.iter().all(|c| c.2 == "connected" || c.2 == "failed")
    });
    assert!(sim.calls(&name).iter().all(|c| c.connected));
    // A room the bridge reports connected is InCall, as TMSSystem tells.
    let room = c.remote("GetSystemById", "<TMSSystemId>11</TMSSystemId>");
    assert_eq!(
        room.get("systemStatus").as_deref(),
        Some("InCall"),
        "{}",
        room.body
    );

    // Extended by two minutes while it runs.
    let got = c.get(&id);
    let version = got.get("Version").unwrap();
    let extended = booking("Automatic Call Launch", 0, 0).replace(
        "<ConferenceId>-1</ConferenceId>",
        &format!("<ConferenceId>{id}</ConferenceId><Version>{version}</Version>"),
    );
    let start = got.get("StartTimeUTC").unwrap();
    let end = got.get("EndTimeUTC").unwrap();
    let new_end =
        (chrono::DateTime::parse_from_str(&format!("{end} +0000"), "%Y-%m-%d %H:%M:%SZ %z")
            .unwrap()
            + chrono::Duration::minutes(2))
        .format("%Y-%m-%d %H:%M:%SZ")
        .to_string();
    let extended = replace_between(&extended, "StartTimeUTC", &start);
    let extended = replace_between(&extended, "EndTimeUTC", &new_end);
    c.save(&extended, "Strict").ok();

    // The bridge restarts mid-meeting: back, with its calls, within a reconcile period.
    sim.restart();
    eventually(
        RECONCILE + 12,
        "back with its calls after a restart",
        || ours(&s, sim, &id).is_some() && on_bridge(sim, &name) == want,
    );

    // Someone else's conferences with names like ours.
    let foreign = [
        format!("{name}-old"),
        name.trim_end_matches(&id).to_string() + "9" + &id,
    ];
    for f in &foreign {
        sim.add_foreign(f);
    }

    // Past the first end it is still there, with its calls.
    std::thread::sleep(std::time::Duration::from_secs(40));
    assert!(ours(&s, sim, &id).is_some(), "alive to its new end");
    assert_eq!(on_bridge(sim, &name), want, "still calling everyone");

    // No Connect called nobody; Reservation Only made nothing.
    let quiet_name = ours(&s, sim, &quiet_id);
    assert!(
        quiet_name.is_some(),
        "a No Connect meeting exists on its bridge"
    );
    assert!(
        sim.calls(&quiet_name.unwrap()).is_empty(),
        "No Connect calls nobody"
    );
    assert!(calls(&s, &quiet_id).is_empty());
    let reserved_id = reserved.get("ConferenceId").unwrap();
    assert!(
        ours(&s, sim, &reserved_id).is_none(),
        "Reservation Only has no bridge"
    );

    // Removed after its end; the conferences that are not ours stay.
    eventually(120, "removed after its new end", || {
        ours(&s, sim, &id).is_none()
    });
    let left = sim.meetings();
    for f in &foreign {
        assert!(left.contains(f), "{f} is not ours and stays: {left:?}");
    }
    // The bridge drops the conference first; the calls are recorded as ended after it.
    eventually(60, "its calls ended", || {
        calls(&s, &id)
            .iter()
            .all(|(_, _, state)| state == "ended" || state == "failed")
    });
}

fn replace_between(xml: &str, tag: &str, value: &str) -> String {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let a = xml.find(&open).unwrap() + open.len();
    let b = xml.find(&close).unwrap();
    format!("{}{value}{}", &xml[..a], &xml[b..])
}

const ALL_CALLS: [(&str, &str); 4] = [
    ("room11@rooms.example.com", "sip"),
    ("room12.h323", "h323"),
    ("4713", "h323"),
    (DIAL_OUT, "sip"),
];

/// The Meeting Server dials "a SIP URI or a phone number" (its reference, §8.3.2): the
/// E.164 alias as a number, the H.323 ID not at all.
#[test]
fn a_meeting_happens_on_a_meeting_server() {
    let sim = bridgebook::sim::cms::CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let sip_only = [
        ("room11@rooms.example.com", "sip"),
        ("4713", "sip"),
        (DIAL_OUT, "sip"),
    ];
    a_meeting_happens("meeting-server", &sim, &sim.base.clone(), "", &sip_only);
}

#[test]
fn a_meeting_happens_on_a_telepresence_server() {
    let sim =
        bridgebook::sim::telepresence_server::TsSim::start("127.0.0.1:0", "api", "api-secret")
            .unwrap();
    a_meeting_happens(
        "telepresence-server",
        &sim,
        &sim.base.clone(),
        "",
        &ALL_CALLS,
    );
}

#[test]
fn a_meeting_happens_on_a_conductor() {
    let sim = bridgebook::sim::conductor::ConductorSim::start("127.0.0.1:0", "api", "api-secret")
        .unwrap();
    a_meeting_happens("conductor", &sim, &sim.base.clone(), "", &ALL_CALLS);
}

#[test]
fn a_meeting_happens_on_pexip_infinity() {
    use bridgebook::sim::pexip::{PexipSim, SimConfig};
    let sim = PexipSim::start(SimConfig {
        username: "api".into(),
        password: "api-secret".into(),
        ..SimConfig::default()
    })
    .unwrap();
    a_meeting_happens(
        "pexip",
        &sim,
        &sim.base_url(),
        r#"system_location = "London""#,
        &ALL_CALLS,
    );
}
