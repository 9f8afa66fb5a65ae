//! The Pexip adapter driven over real sockets against the Management API simulator.
use bridgebook::bridges::pexip::Pexip;
use bridgebook::bridges::{Adapter, BridgeError, Meeting};
use bridgebook::sim::pexip::{Fault, FaultAction, PexipSim, PexipSimHandle, SimConfig};
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use std::time::Duration;

const PASSWORD: &str = "sim-password";
const ROOMS: &str = "/api/admin/configuration/v1/conference/";

fn sim() -> PexipSimHandle {
    PexipSim::start(SimConfig::default()).expect("the simulator starts")
}

fn adapter(sim: &PexipSimHandle) -> Pexip {
    Pexip::new(&sim.base_url(), "admin", PASSWORD, None)
}

fn located(sim: &PexipSimHandle) -> Pexip {
    Pexip::new(&sim.base_url(), "admin", PASSWORD, Some("London".into()))
}

fn meeting(id: u64) -> Meeting {
    Meeting {
        reference: format!("bb-{id}"),
        title: format!("Weekly sync {id}"),
        number: 8100 + id,
        sip_uri: format!("{}@vc.example.com", 8100 + id),
        pin: Some("1234".into()),
        start: Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2030, 1, 1, 10, 0, 0).unwrap(),
        dial_out: vec![],
        max_participants: 10,
        participants: 3,
    }
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

#[test]
fn provision_creates_one_room_with_both_aliases_and_the_pin() {
    let sim = sim();
    adapter(&sim).provision(&meeting(1)).unwrap();
    let room = only_room(&sim);
    assert_eq!(room["name"], "bb-1");
    assert_eq!(room["service_type"], "conference");
    assert_eq!(room["pin"], "1234");
    assert_eq!(room["participant_limit"], 10);
    assert_eq!(room["description"], "Weekly sync 1");
    assert_eq!(aliases_of(&room), vec!["8101", "8101@vc.example.com"]);
    assert_eq!(sim.counters().conference_posts, 1);
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
fn changed_pin_limit_title_and_number_update_the_room_in_place() {
    let sim = sim();
    let pexip = adapter(&sim);
    pexip.provision(&meeting(6)).unwrap();
    let id = only_room(&sim)["id"].clone();
    let mut m = meeting(6);
    m.pin = Some("9876".into());
    m.max_participants = 25;
    m.title = "Renamed".into();
    m.number = 8999;
    m.sip_uri = "8999@vc.example.com".into();
    pexip.provision(&m).unwrap();
    let room = only_room(&sim);
    assert_eq!(room["id"], id);
    assert_eq!(room["pin"], "9876");
    assert_eq!(room["participant_limit"], 25);
    assert_eq!(room["description"], "Renamed");
    assert_eq!(aliases_of(&room), vec!["8999", "8999@vc.example.com"]);
    assert_eq!(sim.aliases().len(), 2, "the old aliases are gone");
    assert_eq!(sim.counters().conference_posts, 1);
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
    let rooms = sim.conferences();
    let seven = rooms.iter().find(|r| r["name"] == "bb-7").unwrap();
    assert_eq!(aliases_of(seven), vec!["8107", "8107@vc.example.com"]);
}

#[test]
fn dial_out_creates_each_adp_once_and_they_call_when_the_conference_starts() {
    let sim = sim();
    let pexip = located(&sim);
    let mut m = meeting(9);
    m.dial_out = vec!["alice@example.com".into(), "bob@example.com".into()];
    pexip.provision(&m).unwrap();
    pexip.dial_out(&m).unwrap();
    pexip.dial_out(&m).unwrap();
    let adps = sim.adps();
    assert_eq!(adps.len(), 2, "{adps:#?}");
    let room = only_room(&sim);
    for adp in &adps {
        assert_eq!(adp["protocol"], "sip");
        assert_eq!(adp["conference"], json!([room["resource_uri"]]));
        assert_eq!(
            adp["system_location"],
            "/api/admin/configuration/v1/system_location/1/"
        );
    }
    sim.start_conference("bb-9").unwrap();
    let mut called: Vec<String> = sim
        .participants()
        .iter()
        .filter(|p| p["call_direction"] == "out")
        .map(|p| p["destination_alias"].as_str().unwrap().to_string())
        .collect();
    called.sort();
    assert_eq!(called, vec!["alice@example.com", "bob@example.com"]);
}

#[test]
fn dial_out_drops_addresses_no_longer_wanted() {
    let sim = sim();
    let pexip = adapter(&sim);
    let mut m = meeting(10);
    m.dial_out = vec!["alice@example.com".into(), "bob@example.com".into()];
    pexip.provision(&m).unwrap();
    pexip.dial_out(&m).unwrap();
    m.dial_out = vec!["bob@example.com".into()];
    pexip.dial_out(&m).unwrap();
    let adps = sim.adps();
    assert_eq!(adps.len(), 1);
    assert_eq!(adps[0]["alias"], "bob@example.com");
}

#[test]
fn dial_out_into_a_running_conference_calls_the_missing_addresses_once() {
    let sim = sim();
    let pexip = located(&sim);
    let mut m = meeting(11);
    pexip.provision(&m).unwrap();
    sim.start_conference("bb-11").unwrap();
    m.dial_out = vec!["carol@example.com".into()];
    pexip.dial_out(&m).unwrap();
    pexip.dial_out(&m).unwrap();
    let calls: Vec<Value> = sim
        .participants()
        .into_iter()
        .filter(|p| p["destination_alias"] == "carol@example.com")
        .collect();
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0]["conference"], "bb-11");
}

#[test]
fn dial_out_before_provisioning_is_refused() {
    let sim = sim();
    let mut m = meeting(12);
    m.dial_out = vec!["alice@example.com".into()];
    assert!(matches!(
        adapter(&sim).dial_out(&m),
        Err(BridgeError::Refused { .. })
    ));
}

#[test]
fn tear_down_disconnects_the_live_conference_and_removes_everything() {
    let sim = sim();
    let pexip = adapter(&sim);
    let mut m = meeting(13);
    m.dial_out = vec!["alice@example.com".into()];
    pexip.provision(&m).unwrap();
    pexip.dial_out(&m).unwrap();
    sim.start_conference("bb-13").unwrap();
    assert_eq!(sim.active_conferences().len(), 1);
    pexip.tear_down("bb-13").unwrap();
    assert!(sim.active_conferences().is_empty());
    assert!(sim.participants().is_empty());
    assert!(sim.conferences().is_empty());
    assert!(sim.aliases().is_empty());
    assert!(
        sim.adps().is_empty(),
        "ADPs are only unlinked by the room's delete"
    );
    assert_eq!(sim.counters().root_deletes, 0);
    // Again, with nothing left.
    pexip.tear_down("bb-13").unwrap();
}

#[test]
fn tearing_down_a_missing_room_succeeds() {
    let sim = sim();
    adapter(&sim).tear_down("bb-404").unwrap();
    assert!(sim.journal().iter().all(|j| j.method == "GET"));
}

#[test]
fn a_wrong_password_is_refused_and_never_shown() {
    let sim = sim();
    let secret = "hunter2-wrong";
    let pexip = Pexip::new(&sim.base_url(), "admin", secret, None);
    for outcome in [
        pexip.provision(&meeting(14)).map(|_| ()),
        pexip.health().map(|_| ()),
        pexip.tear_down("bb-14"),
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
        pexip.provision(&meeting(15)),
        Err(BridgeError::Unreachable(_))
    ));
    assert!(matches!(pexip.health(), Err(BridgeError::Unreachable(_))));
    sim.set_down(false);
    pexip.provision(&meeting(15)).unwrap();
    drop(sim);
    let e = pexip.tear_down("bb-15").unwrap_err();
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
    match adapter(&sim).provision(&meeting(16)) {
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
    pexip.provision(&meeting(17)).unwrap();
    sim.start_conference("bb-17").unwrap();
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
    let workers: Vec<_> = (20..24)
        .map(|id| {
            let base = base.clone();
            std::thread::spawn(move || {
                Pexip::new(&base, "admin", PASSWORD, None)
                    .provision(&meeting(id))
                    .unwrap()
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

#[test]
fn provisioning_does_not_wait_for_replication() {
    let sim = PexipSim::start(SimConfig {
        replication_delay: Duration::from_secs(60),
        ..SimConfig::default()
    })
    .unwrap();
    adapter(&sim).provision(&meeting(25)).unwrap();
    assert!(
        sim.start_conference("bb-25").is_err(),
        "not on the nodes yet"
    );
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
fn simulator_commands_accept_form_bodies() {
    let sim = sim();
    raw(
        &sim,
        "POST",
        ROOMS,
        Some(json!({"name": "VMR_1", "aliases": [{"alias": "meet@example.com"}]})),
    );
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("admin:{PASSWORD}"));
    let r = ureq::post(&format!(
        "{}/api/admin/command/v1/participant/dial/",
        sim.base_url()
    ))
    .set("Authorization", &format!("Basic {auth}"))
    .send_form(&[
        ("conference_alias", "meet@example.com"),
        ("destination", "alice"),
        ("protocol", "h323"),
        ("system_location", "London"),
        ("role", "chair"),
    ])
    .unwrap();
    let reply: Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
    assert_eq!(reply["status"], "success");
    assert!(reply["data"]["participant_id"].is_string());
    assert_eq!(sim.active_conferences().len(), 1);
}
