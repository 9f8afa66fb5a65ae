//! Routing over SOAP and the admin API: meetings that need a bridge are placed on one with
//! room, refused (Strict) or kept Defective with the reason (BestEffortForced), healed when
//! room frees, and moved when their bridge is disabled.
mod common;
use common::*;

/// Two Pexip bridges of 4 HD connections; "osl" is preferred.
const BRIDGES: &str = r#"
[[bridge]]
name = "pexip-osl"
family = "pexip"
address = "https://pexip-osl.example.com"
username = "admin"
password = "bridge-secret-1"
priority = 1
capacity = { total = 4 }
numbering = { first = 8100, last = 8199, sip_uri = "{number}@osl.example.com", pin = { policy = "auto", length = 6 } }

[[bridge]]
name = "pexip-ber"
family = "pexip"
address = "https://pexip-ber.example.com"
username = "admin"
password = "bridge-secret-2"
priority = 2
capacity = { total = 4 }
numbering = { first = 8200, last = 8299, sip_uri = "{number}@ber.example.com" }
"#;

fn each_backend(bridges: &str, f: impl Fn(&Server)) {
    for b in backends() {
        let s = Server::start_with(
            b,
            Options {
                extra_config: bridges.to_string(),
                ..Options::default()
            },
        );
        eprintln!("backend {b:?}");
        f(&s);
    }
}

/// One booked system and two SIP dial-ins at 1920 kbps: three HD ports on a bridge.
fn three_ports(system: i64) -> String {
    hd(conference(
        60,
        120,
        &(tms(system) + &external("SIP <-", "") + &external("SIP <-", "")),
    ))
}

fn hd(conference: String) -> String {
    conference.replace(
        "<Participants>",
        "<Bandwidth>30b/1920kbps</Bandwidth><Participants>",
    )
}

fn admin(s: &Server, method: &str, path: &str, body: &str) -> serde_json::Value {
    let a = admin_call(s, USER, method, path, body);
    assert_eq!(a.status, 200, "{method} {path}: {}", a.body);
    serde_json::from_str(&a.body).unwrap()
}

fn log_length(c: &Client) -> usize {
    c.call(
        "GetTransactionsSince",
        "<CurrentTransactionId>0</CurrentTransactionId>",
    )
    .all("TransactionId")
    .len()
}

#[test]
fn meetings_fill_the_preferred_bridge_then_the_next() {
    each_backend(BRIDGES, |s| {
        let c = Client::new(s);
        let first = c.save(&three_ports(1), "Strict");
        first.ok();
        assert!(first.get("JoinUri").unwrap().ends_with("@osl.example.com"));
        let info = first.get("ConferenceInfoText").unwrap();
        assert!(info.contains("Conference number: 8100"), "{info}");
        assert!(info.contains("PIN: "), "{info}");
        // The preferred bridge has one connection left: the next meeting goes to Bergen.
        let second = c.save(&three_ports(2), "Strict");
        second.ok();
        assert_eq!(
            second.get("JoinUri").as_deref(),
            Some("sip:8200@ber.example.com")
        );
        // Both are full at that time now.
        c.save(&three_ports(3), "Strict")
            .fault(code::NOT_ENOUGH_MCU_RESOURCES);
        // Two systems that dial each other themselves need no bridge.
        let direct = c.save(
            &(conference(60, 120, &(tms(3) + &tms(4)))
                + "<ConferenceType>One Button To Push</ConferenceType>"),
            "Strict",
        );
        direct.ok();
        assert_eq!(direct.get("JoinUri"), None);
        // Launched automatically, a bridge calls both (bridgebook drives no endpoint).
        let launched = c.save(&conference(200, 260, &(tms(3) + &tms(4))), "Strict");
        launched.ok();
        assert!(launched.get("JoinUri").is_some());
        let info = launched.get("ConferenceInfoText").unwrap();
        assert!(info.contains("the bridge calls the booked rooms"), "{info}");
    });
}

#[test]
fn a_defective_booking_heals_when_room_frees() {
    each_backend(BRIDGES, |s| {
        let c = Client::new(s);
        let a = c.save(&three_ports(1), "Strict");
        let b = c.save(&three_ports(2), "Strict");
        let before = log_length(&c);
        c.save(&three_ports(3), "Strict")
            .fault(code::NOT_ENOUGH_MCU_RESOURCES);
        assert_eq!(log_length(&c), before, "a refused booking writes nothing");

        let waiting = c.save(&three_ports(3), "BestEffortForced");
        waiting.ok();
        assert_eq!(waiting.get("Status").as_deref(), Some("Defective"));
        let id = waiting.get("ConferenceId").unwrap();
        // The admin API says why, bridge by bridge.
        let defective = admin(s, "GET", "/admin/api/defective", "");
        let entry = defective
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"].as_i64() == id.parse().ok())
            .expect("listed as Defective");
        let reasons = entry["route"]["reasons"].to_string();
        assert!(
            reasons.contains("pexip-osl: 1 of 4 HD connections left"),
            "{reasons}"
        );
        assert!(
            reasons.contains("pexip-ber: 1 of 4 HD connections left"),
            "{reasons}"
        );
        // Its system is held all the same (a routing problem, not an endpoint conflict).
        c.save(&conference(70, 80, &(tms(3) + &tms(4))), "Strict")
            .fault(code::SYSTEM_ALREADY_BOOKED);

        // Deleting the meeting on Bergen frees room: the Defective one is placed there.
        let b_id = b.get("ConferenceId").unwrap();
        let since = log_length(&c);
        c.call(
            "DeleteConferenceById",
            &format!("<ConferenceId>{b_id}</ConferenceId>"),
        )
        .ok();
        // Healed in the background, outside the delete's own transaction.
        eventually(10, "healed", || {
            c.get(&id).get("Status").as_deref() == Some("Pending")
        });
        let healed = c.get(&id);
        assert_eq!(
            healed.get("JoinUri").as_deref(),
            Some("sip:8200@ber.example.com")
        );
        // Replication sees both changes: the delete and the healed booking.
        assert_eq!(log_length(&c), since + 2);
        let route = admin(s, "GET", &format!("/admin/api/conferences/{id}/route"), "");
        assert_eq!(route["status"], "booked");
        assert_eq!(route["route"]["bridge_name"], "pexip-ber");
        let _ = a;
    });
}

/// The bridges of `BRIDGES`, added at runtime (the database's, so the admin API changes
/// them).
fn add_bridges(s: &Server) {
    let mut osl: serde_json::Value = serde_json::from_str(&bridge_json(
        "pexip-osl",
        "pexip",
        "https://pexip-osl.example.com",
        4,
        8100,
        "osl.example.com",
        1,
    ))
    .unwrap();
    osl["numbering"]["pin"] = serde_json::json!({ "policy": "auto", "length": 6 });
    osl["password"] = "bridge-secret-1".into();
    add_bridge(s, &osl.to_string());
    let mut ber: serde_json::Value = serde_json::from_str(&bridge_json(
        "pexip-ber",
        "pexip",
        "https://pexip-ber.example.com",
        4,
        8200,
        "ber.example.com",
        2,
    ))
    .unwrap();
    ber["password"] = "bridge-secret-2".into();
    add_bridge(s, &ber.to_string());
}

#[test]
fn a_disabled_bridge_moves_its_meetings() {
    each_backend("", |s| {
        add_bridges(s);
        let c = Client::new(s);
        let on_osl = c.save(&three_ports(1), "Strict");
        let id = on_osl.get("ConferenceId").unwrap();
        assert_eq!(
            on_osl.get("JoinUri").as_deref(),
            Some("sip:8100@osl.example.com")
        );
        let bridges = admin(s, "GET", "/admin/api/bridges", "");
        let osl = bridges
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == "pexip-osl")
            .unwrap();
        assert!(
            !bridges.to_string().contains("bridge-secret"),
            "credentials never leave"
        );
        let osl_id = osl["id"].as_i64().unwrap();

        let since = log_length(&c);
        admin(
            s,
            "POST",
            &format!("/admin/api/bridges/{osl_id}/disable"),
            "",
        );
        let moved = c.get(&id);
        assert_eq!(moved.get("Status").as_deref(), Some("Pending"));
        assert_eq!(
            moved.get("JoinUri").as_deref(),
            Some("sip:8200@ber.example.com")
        );
        assert_eq!(log_length(&c), since + 1, "the move is replicated");

        // Bergen is now nearly full: a second meeting cannot move anywhere and removing
        // Bergen makes the first Defective, with the reason.
        let ber_id = bridges
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == "pexip-ber")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        admin(s, "DELETE", &format!("/admin/api/bridges/{ber_id}"), "");
        let stranded = c.get(&id);
        assert_eq!(stranded.get("Status").as_deref(), Some("Defective"));
        assert_eq!(stranded.get("JoinUri"), None);

        // Enabling Oslo again heals it (in the background).
        admin(
            s,
            "POST",
            &format!("/admin/api/bridges/{osl_id}/enable"),
            "",
        );
        eventually(10, "healed", || {
            c.get(&id).get("Status").as_deref() == Some("Pending")
        });
        let back = c.get(&id);
        assert_eq!(back.get("Status").as_deref(), Some("Pending"));
        assert!(back.get("JoinUri").unwrap().ends_with("@osl.example.com"));
        let load = admin(s, "GET", &format!("/admin/api/bridges/{osl_id}/load"), "");
        let peak = load["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|st| st["used"].as_str().unwrap().parse::<f64>().unwrap())
            .fold(0.0, f64::max);
        assert_eq!(peak, 3.0);
    });
}

#[test]
fn the_admin_api_is_for_site_administrators() {
    let s = Server::start_with(
        backends()[0],
        Options {
            extra_config: BRIDGES.to_string(),
            ..Options::default()
        },
    );
    assert_eq!(
        admin_call(&s, "alice", "GET", "/admin/api/bridges", "").status,
        403
    );
    let wrong = ureq::get(&s.url("/admin/api/bridges"))
        .set("Authorization", &basic(USER, "wrong"))
        .call();
    assert!(matches!(wrong, Err(ureq::Error::Status(401, _))));
    // A bridge added at runtime, then an invalid one refused with the reason.
    let added = admin(
        &s,
        "POST",
        "/admin/api/bridges",
        r#"{"name":"cms-1","family":"meeting-server","address":"https://cms1","username":"api","password":"x",
            "capacity":{"total":20},"numbering":{"first":1,"last":99,"sip_uri":"{number}@cms.example.com","web_url":"https://join.example.com/{number}"}}"#,
    );
    assert_eq!(added["family"], "meeting-server");
    assert_eq!(added["capacity"]["hd"], 1.0);
    let bad = admin_call(
        &s,
        USER,
        "POST",
        "/admin/api/bridges",
        r#"{"name":"broken","family":"pexip","address":"x","username":"u","password":"p",
            "capacity":{"total":0},"numbering":{"first":9,"last":1,"sip_uri":"x@y"}}"#,
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("capacity.total must be positive"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("{number}"), "{}", bad.body);
    assert_eq!(
        admin_call(&s, USER, "GET", "/admin/api/bridges/999", "").status,
        404
    );
}

fn with_external(conference: String, external: &str) -> String {
    conference.replace(
        "<Participants>",
        &format!("<ExternalConference>{external}</ExternalConference><Participants>"),
    )
}

const OWNED_WEBEX: &str =
    "<WebEx><SipUrl>8881234@acme.webex.com</SipUrl><OwnedExternally>true</OwnedExternally></WebEx>";

#[test]
fn external_conferences_follow_the_spec() {
    each_backend(BRIDGES, |s| {
        let c = Client::new(s);
        let two = || conference(60, 120, &(tms(1) + &tms(2)));
        // WebEx that bridgebook would have to create: no WebEx site is configured.
        let created = "<WebEx><SipUrl>x@acme.webex.com</SipUrl></WebEx>";
        let refused = c.save(&with_external(two(), created), "Strict");
        refused.fault(code::WEBEX_ERROR);
        assert!(refused.body.contains("OwnedExternally"), "{}", refused.body);
        // WebEx booked by the client: a bridge must dial out to it, and none of these can.
        c.save(&with_external(two(), OWNED_WEBEX), "Strict")
            .fault(code::PARTICIPANT_ERROR);
        admin(
            s,
            "POST",
            "/admin/api/bridges",
            r#"{"name":"cms-hybrid","family":"meeting-server","address":"https://cms","username":"api","password":"p",
                "priority":5,"capabilities":{"webex_dial_out":true},
                "capacity":{"total":10},"numbering":{"first":700,"last":799,"sip_uri":"{number}@cms.example.com"}}"#,
        );
        let hybrid = c.save(&with_external(two(), OWNED_WEBEX), "Strict");
        hybrid.ok();
        assert_eq!(
            hybrid.get("JoinUri").as_deref(),
            Some("sip:700@cms.example.com")
        );

        // Externally hosted: the systems dial out themselves, no bridge, and the spec's
        // restrictions hold.
        let hosted = "<ExternallyHosted><DialString>meet@partner.example.com</DialString></ExternallyHosted>";
        let ok = c.save(
            &with_external(conference(200, 260, &(tms(3) + &tms(4) + &tms(1))), hosted),
            "Strict",
        );
        ok.ok();
        assert_eq!(
            ok.get("JoinUri"),
            None,
            "no bridge for an externally hosted meeting"
        );
        for (participants, why) in [
            (tms(3) + &external("SIP ->", "bob@example.com"), "dial-out"),
            (
                tms(3) + &external("IP Video <-", ""),
                "dial-in participants other than SIP",
            ),
        ] {
            let a = c.save(
                &with_external(conference(300, 360, &participants), hosted),
                "Strict",
            );
            a.fault(code::PARTICIPANT_ERROR);
            assert!(a.body.contains(why), "{}", a.body);
        }
        let encrypted = with_external(conference(300, 360, &tms(3)), hosted)
            .replace("<Participants>", "<Encrypted>Yes</Encrypted><Participants>");
        c.save(&encrypted, "Strict").fault(code::PARTICIPANT_ERROR);
        c.save(
            &with_external(
                conference(300, 360, &tms(3)),
                &format!("{OWNED_WEBEX}{hosted}"),
            ),
            "Strict",
        )
        .fault(code::WEBEX_ERROR);
    });
}

/// The Password invitees are told is the PIN they dial: a given Password becomes the PIN,
/// a PIN the bridge makes is read back as the Password, and a Password no bridge can take
/// as a PIN is refused with the reason. GetDefaultConference proposes one, as TMS does.
#[test]
fn the_password_is_the_pin() {
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            // Only the bridge that makes PINs.
            extra_config: BRIDGES[..BRIDGES.find("\n[[bridge]]\nname = \"pexip-ber\"").unwrap()]
                .to_string(),
            ..Options::default()
        },
    );
    let c = Client::new(&s);
    let proposed = c.call("GetDefaultConference", "").get("Password").unwrap();
    assert!(
        proposed.len() == 4 && proposed.chars().all(|c| c.is_ascii_digit()),
        "{proposed}"
    );

    let given = c.save(
        &conference(60, 90, &(tms(1) + &external("SIP <-", ""))).replace(
            "<Participants>",
            "<Password>246810</Password><Participants>",
        ),
        "Strict",
    );
    given.ok();
    assert_eq!(given.get("Password").as_deref(), Some("246810"));
    let info = given.get("ConferenceInfoText").unwrap();
    assert!(info.contains("PIN: 246810"), "{info}");

    let made = c.save(
        &conference(60, 90, &(tms(2) + &external("SIP <-", ""))),
        "Strict",
    );
    made.ok();
    let pin = made
        .get("Password")
        .expect("the PIN the bridge made, as the Password");
    let info = made.get("ConferenceInfoText").unwrap();
    assert!(info.contains(&format!("PIN: {pin}")), "{pin} / {info}");

    let refused = c.save(
        &conference(60, 90, &(tms(3) + &external("SIP <-", ""))).replace(
            "<Participants>",
            "<Password>open sesame</Password><Participants>",
        ),
        "Strict",
    );
    assert_eq!(refused.status, 500, "{}", refused.body);
    let message = refused.get("faultstring").unwrap_or_default();
    assert!(message.contains("PIN"), "{message}");
}

/// Two instances on one PostgreSQL database, a bridge too small for everyone, and clients
/// on both booking (BestEffortForced, so some meetings are Defective), moving and deleting
/// bridged meetings at once: every request is answered, none with a database fault (a
/// deadlock between the routing lock and the transaction log was one).
#[test]
fn two_nodes_booking_moving_and_deleting_never_deadlock() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    const SMALL: &str = r#"
[[bridge]]
name = "pexip-small"
family = "pexip"
address = "https://pexip-small.example.com"
username = "admin"
password = "bridge-secret"
capacity = { total = 6 }
numbering = { first = 8100, last = 8999, sip_uri = "{number}@small.example.com" }
"#;
    let options = || Options {
        extra_config: SMALL.to_string(),
        ..Options::default()
    };
    let a = Server::start_with(Backend::Postgres, options());
    let b = a.beside(options());
    let faults = std::sync::Mutex::new(Vec::<String>::new());
    std::thread::scope(|scope| {
        for (n, s) in [&a, &b, &a, &b].into_iter().enumerate() {
            let faults = &faults;
            scope.spawn(move || {
                let c = Client::new(s);
                for k in 0..12i64 {
                    // Three callers: a bridge is needed, and only two fit at once.
                    let start = 60 + (k % 3) * 10;
                    let parts =
                        external("SIP <-", "") + &external("SIP <-", "") + &external("SIP <-", "");
                    let saved = c.save(
                        &conference(start, start + 30, &parts)
                            .replace("Test meeting", &format!("Race {n}-{k}")),
                        "BestEffortForced",
                    );
                    if saved.status != 200 {
                        faults.lock().unwrap().push(saved.body.clone());
                        continue;
                    }
                    let id = saved.get("ConferenceId").unwrap();
                    let version = saved.get("Version").unwrap();
                    let moved = conference(start + 5, start + 25, &parts).replace(
                        "<ConferenceId>-1</ConferenceId>",
                        &format!("<ConferenceId>{id}</ConferenceId>"),
                    ) + &format!("<Version>{version}</Version>");
                    let m = c.save(&moved, "BestEffortForced");
                    if m.status != 200 {
                        faults.lock().unwrap().push(m.body.clone());
                    }
                    if k % 2 == 0 {
                        let d = c.call(
                            "DeleteConferenceById",
                            &format!("<ConferenceId>{id}</ConferenceId>"),
                        );
                        if d.status != 200 {
                            faults.lock().unwrap().push(d.body.clone());
                        }
                    }
                }
            });
        }
    });
    // The healer may move a Defective meeting onto the bridge between a client's save and
    // its update: that update is told it is stale, as any concurrent change would be.
    let faults: Vec<String> = faults
        .into_inner()
        .unwrap()
        .into_iter()
        .filter(|f| first(f, "errorcode") != Some(code::CONCURRENT_MODIFICATION.to_string()))
        .collect();
    assert!(
        faults.is_empty(),
        "{} faults, e.g. {}",
        faults.len(),
        faults[0]
    );
}
