//! The bridge-job outbox over SOAP: a meeting placed on a bridge gets its provision,
//! dial-out and tear-down jobs in the booking's own transaction, and every change to the
//! booking replaces them.
mod common;
use common::*;

const BRIDGE: &str = r#"
[[bridge]]
name = "pexip-osl"
family = "pexip"
address = "http://127.0.0.1:9"
username = "admin"
password = "bridge-secret"
capacity = { total = 40 }
numbering = { first = 8100, last = 8199, sip_uri = "{number}@osl.example.com" }
"#;

fn jobs(s: &Server, id: &str) -> Vec<(String, String)> {
    let a = admin_call(
        s,
        USER,
        "GET",
        &format!("/admin/api/conferences/{id}/jobs"),
        "",
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|j| {
            (
                j["kind"].as_str().unwrap().to_string(),
                j["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The name conference `id` has on its bridge, as the admin API tells.
fn reference(s: &Server, id: &str) -> Option<String> {
    let a = admin_call(
        s,
        USER,
        "GET",
        &format!("/admin/api/conferences/{id}/jobs"),
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    v.as_array()?.first()?["reference"]
        .as_str()
        .map(str::to_string)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, s)| (k.to_string(), s.to_string()))
        .collect()
}

#[test]
fn bookings_write_their_bridge_jobs() {
    for backend in backends() {
        let s = Server::start_with(
            backend,
            Options {
                extra_config: BRIDGE.into(),
                ..Options::default()
            },
        );
        let c = Client::new(&s);
        // Three systems and a dial-out: hosted on the bridge, so provisioned before the start,
        // dialled out at the start and torn down at the end.
        let parts = tms(1) + &tms(2) + &tms(3) + &external("SIP ->", "bob@partner.example");
        let saved = c.save(&conference(60, 90, &parts), "Strict");
        saved.ok();
        let id = saved.get("ConferenceId").unwrap();
        assert_eq!(
            jobs(&s, &id),
            pairs(&[
                ("provision", "pending"),
                ("dial_out", "pending"),
                ("tear_down", "pending")
            ])
        );
        // Moved: the pending jobs are replaced by those of the new times.
        let moved = conference(120, 150, &parts).replace(
            "<ConferenceId>-1</ConferenceId>",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        );
        c.save(&moved, "Strict").ok();
        assert_eq!(
            jobs(&s, &id),
            pairs(&[
                ("provision", "cancelled"),
                ("dial_out", "cancelled"),
                ("tear_down", "cancelled"),
                ("provision", "pending"),
                ("dial_out", "pending"),
                ("tear_down", "pending"),
            ])
        );
        // Two systems that dial each other themselves: no bridge, no jobs.
        let direct = c.save(
            &(conference(200, 230, &(tms(1) + &tms(2)))
                + "<ConferenceType>One Button To Push</ConferenceType>"),
            "Strict",
        );
        assert_eq!(jobs(&s, &direct.get("ConferenceId").unwrap()), pairs(&[]));
        // Deleted before it was ever provisioned: nothing is left to do on the bridge.
        c.call(
            "DeleteConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .ok();
        assert!(
            jobs(&s, &id).iter().all(|(_, state)| state == "cancelled"),
            "{:?}",
            jobs(&s, &id)
        );
    }
}

#[test]
fn a_meeting_goes_live_on_its_bridge_and_is_torn_down() {
    use bridgebook::sim::cms::CmsSim;
    let sim = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let bridge = bridge_table(
        "cms-osl",
        "meeting-server",
        &sim.base,
        40,
        "cms.example.com",
        "",
    );
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: bridge,
            launcher: true,
            ..Options::default()
        },
    );
    let c = Client::new(&s);
    let parts = tms(1) + &tms(2) + &tms(3) + &external("SIP ->", "bob@partner.example");
    let booking = |start: i64, end: i64| {
        format!(
            "<ConferenceId>-1</ConferenceId><Title>Live</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{parts}</Participants>",
            seconds_from_now(start),
            seconds_from_now(end)
        )
    };
    let saved = c.save(&booking(4, 9), "Strict");
    saved.ok();
    let id = saved.get("ConferenceId").unwrap();
    // Provisioned ahead of the start (lead time 2 s in tests), with its dial-in details.
    eventually(6, "coSpace created", || {
        sim.with(|st| st.co_spaces.len() == 1)
    });
    let space = sim.with(|st| st.co_spaces[0].clone());
    assert_eq!(Some(&space.name), reference(&s, &id).as_ref());
    assert_eq!(space.uri, "8100");
    // At the start the room with a SIP URI and the dial-out are called; at the end the
    // calls and the coSpace go.
    eventually(8, "room and dial-out called", || {
        let mut called: Vec<String> = bridgebook::sim::Observed::calls(&sim, &space.name)
            .into_iter()
            .map(|c| c.address)
            .collect();
        called.sort();
        called == ["bob@partner.example", "oslo@example.com"]
    });
    eventually(10, "torn down after the end", || {
        sim.with(|st| st.co_spaces.is_empty() && st.calls.is_empty())
    });
    assert_eq!(
        jobs(&s, &id),
        pairs(&[
            ("provision", "done"),
            ("dial_out", "done"),
            ("tear_down", "done")
        ])
    );

    // EndConferenceById ends a live meeting on the bridge at once.
    let second = c.save(&booking(3, 600), "Strict");
    let id2 = second.get("ConferenceId").unwrap();
    eventually(8, "second meeting live", || {
        sim.with(|st| !st.calls.is_empty())
    });
    c.call(
        "EndConferenceById",
        &format!("<ConferenceId>{id2}</ConferenceId>"),
    )
    .ok();
    eventually(5, "ended on the bridge", || {
        sim.with(|st| st.co_spaces.is_empty() && st.calls.is_empty())
    });
    // A deleted booking that was made live is removed from the bridge.
    let third = c.save(&booking(3, 600), "Strict");
    let id3 = third.get("ConferenceId").unwrap();
    eventually(8, "third meeting provisioned", || {
        sim.with(|st| st.co_spaces.len() == 1)
    });
    c.call(
        "DeleteConferenceById",
        &format!("<ConferenceId>{id3}</ConferenceId>"),
    )
    .ok();
    eventually(5, "removed from the bridge", || {
        sim.with(|st| st.co_spaces.is_empty())
    });
    assert_eq!(sim.with(|st| st.counters.unknown_parameters), 0);
}

#[test]
fn a_bridge_that_goes_down_loses_its_next_meeting_to_another() {
    use bridgebook::sim::cms::CmsSim;
    let a = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let b = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let bridge = |name: &str, base: &str, priority: i32, domain: &str| {
        bridge_table(
            name,
            "meeting-server",
            base,
            40,
            domain,
            &format!("priority = {priority}"),
        )
    };
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: bridge("cms-a", &a.base, 1, "a.example.com")
                + &bridge("cms-b", &b.base, 2, "b.example.com"),
            launcher: true,
            ..Options::default()
        },
    );
    let c = Client::new(&s);
    let saved = c.save(
        &format!(
            "<ConferenceId>-1</ConferenceId><Title>Failover</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{}</Participants>",
            seconds_from_now(6),
            seconds_from_now(120),
            tms(1) + &tms(2) + &tms(3)
        ),
        "Strict",
    );
    assert_eq!(
        saved.get("JoinUri").as_deref(),
        Some("sip:8100@a.example.com")
    );
    let id = saved.get("ConferenceId").unwrap();
    a.with(|st| st.down = true);
    // Provisioning on a fails until the start is near: the meeting moves to b, with new
    // dial-in details and a transaction row replication clients see.
    eventually(25, "live on the other bridge", || {
        b.with(|st| st.co_spaces.len() == 1)
    });
    let moved = c.get(&id);
    let status = moved.get("Status").unwrap_or_default();
    assert!(status == "Pending" || status == "Ongoing", "{status}");
    assert_eq!(
        moved.get("JoinUri").as_deref(),
        Some("sip:8100@b.example.com")
    );
    let log = c.call(
        "GetTransactionsSince",
        "<CurrentTransactionId>0</CurrentTransactionId>",
    );
    let mine: Vec<String> = all(&log.body, "Transaction")
        .into_iter()
        .filter(|t| first(t, "ConferenceId").as_deref() == Some(id.as_str()))
        .filter_map(|t| first(&t, "TransType"))
        .collect();
    assert_eq!(mine, vec!["New", "Updated"], "{}", log.body);
    assert!(a.with(|st| st.co_spaces.is_empty()));
}

#[test]
fn a_conductors_own_prices_decide_what_fits_on_it() {
    use bridgebook::sim::conductor::{ConductorSim, Prices};
    let sim = ConductorSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    // One TelePresence Server behind it, priced as the document's example: 8 callers.
    sim.with(|st| st.prices = Prices::telepresence_servers(1));
    // Configured far larger than that: the Conductor's answer is what counts.
    let bridge = bridge_table(
        "conductor-osl",
        "conductor",
        &sim.base,
        1000,
        "conductor.example.com",
        "",
    );
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: bridge,
            launcher: true,
            ..Options::default()
        },
    );
    let bridges = || -> serde_json::Value {
        let a = admin_call(&s, USER, "GET", "/admin/api/bridges", "");
        assert_eq!(a.status, 200, "{}", a.body);
        serde_json::from_str(&a.body).unwrap()
    };
    eventually(20, "priced by ServiceCost", || {
        !bridges()[0]["priced_capacity"].is_null()
    });
    let seen = bridges();
    assert_eq!(
        seen[0]["capacity"]["total"], 1000.0,
        "the configuration stays"
    );
    assert_eq!(seen[0]["priced_capacity"]["total"], 30720.0);
    assert_eq!(seen[0]["priced_capacity"]["hd"], 3840.0);
    assert!(seen[0]["health"]["at"].is_string(), "{seen}");
    let c = Client::new(&s);
    let callers = |n: usize| (0..n).map(|_| external("SIP <-", "")).collect::<String>();
    // Four and four callers fill the eight; a ninth at the same time does not fit.
    c.save(&conference(60, 90, &callers(4)), "Strict").ok();
    c.save(&conference(60, 90, &callers(4)), "Strict").ok();
    c.save(&conference(70, 80, &callers(1)), "Strict")
        .fault(code::NOT_ENOUGH_MCU_RESOURCES);
    // Later the same day there is room again.
    c.save(&conference(120, 150, &callers(1)), "Strict").ok();
}

#[test]
fn jobs_survive_a_restart_and_a_create_is_never_made_twice() {
    use bridgebook::bridges::cms::Cms;
    use bridgebook::bridges::{Adapter, Meeting};
    use bridgebook::sim::cms::CmsSim;
    for backend in backends() {
        let sim = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
        let options = |launcher: bool| Options {
            extra_config: bridge_table(
                "cms-osl",
                "meeting-server",
                &sim.base,
                40,
                "cms.example.com",
                "",
            ),
            launcher,
            ..Options::default()
        };
        // Booked while no worker runs (a service that stops right after the commit).
        let mut s = Server::start_with(backend, options(false));
        let parts = tms(1) + &tms(2) + &tms(3);
        let saved = Client::new(&s).save(
            &format!(
                "<ConferenceId>-1</ConferenceId><Title>Restart</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{parts}</Participants>",
                seconds_from_now(3),
                seconds_from_now(600)
            ),
            "Strict",
        );
        saved.ok();
        let id = saved.get("ConferenceId").unwrap();
        // An earlier worker made the coSpace and died before recording it.
        let start = chrono::Utc::now() + chrono::Duration::seconds(3);
        Cms::new(&sim.base, "api", "api-secret")
            .provision(&Meeting {
                reference: reference(&s, &id).expect("a reference before any job ran"),
                title: "Restart".into(),
                number: 8100,
                sip_uri: "8100@cms.example.com".into(),
                pin: None,
                start,
                end: start + chrono::Duration::minutes(10),
                calls: vec![],
                bandwidth_kbps: 768,
                max_participants: 0,
                participants: 3,
            })
            .unwrap();
        s.restart(options(true));
        eventually(10, "provisioning done after the restart", || {
            jobs(&s, &id).contains(&("provision".to_string(), "done".to_string()))
        });
        assert_eq!(
            sim.with(|st| (st.co_spaces.len(), st.counters.co_space_creates)),
            (1, 1),
            "the coSpace made before the restart is the one used"
        );
    }
}

/// Two instances on one PostgreSQL database, both running the launcher, with one bridge of
/// `family` at `address`, and `meetings` meetings of three callers booked to start in a few
/// seconds. Keep the answer alive.
fn two_nodes_with_meetings(family: &str, address: &str, meetings: usize) -> (Server, Server) {
    let options = || Options {
        extra_config: bridge_table(
            "shared",
            family,
            address,
            1000,
            "shared.example.com",
            "capabilities = { max_conferences = 100 }",
        ),
        launcher: true,
        ..Options::default()
    };
    let a = Server::start_with(Backend::Postgres, options());
    let b = a.beside(options());
    let c = Client::new(&a);
    let callers = external("SIP <-", "") + &external("SIP <-", "") + &external("SIP <-", "");
    for n in 0..meetings {
        c.save(
            &format!(
                "<ConferenceId>-1</ConferenceId><Title>Shared {n}</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{callers}</Participants>",
                seconds_from_now(4),
                seconds_from_now(600)
            ),
            "Strict",
        )
        .ok();
    }
    (a, b)
}

#[test]
fn two_nodes_on_postgresql_share_the_jobs_and_do_each_once() {
    use bridgebook::sim::cms::CmsSim;
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let sim = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let meetings = 24;
    let _nodes = two_nodes_with_meetings("meeting-server", &sim.base, meetings);
    eventually(30, "every meeting provisioned", || {
        sim.with(|st| st.co_spaces.len() == meetings)
    });
    // Whichever node claimed a job, each meeting was created once.
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert_eq!(sim.with(|st| st.counters.co_space_creates), meetings as u64);
}

#[test]
fn two_nodes_keep_together_to_a_conductors_rates() {
    use bridgebook::sim::conductor::{ConductorSim, Prices};
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let sim = ConductorSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    sim.with(|st| st.prices = Prices::telepresence_servers(50));
    // More than one claim's worth, so both instances find some due.
    let meetings = 40;
    let _nodes = two_nodes_with_meetings("conductor", &sim.base, meetings);
    eventually(60, "every meeting created", || {
        sim.with(|st| st.conferences.len() == meetings)
    });
    // Each instance paces its own requests; the bridge's jobs went to one of them at a
    // time, so together they stayed within 2 creates a second.
    assert_eq!(
        sim.with(|st| (st.creates, st.violations)),
        (meetings as u64, 0)
    );
}

#[test]
fn bridge_credentials_never_reach_the_log() {
    use base64::Engine;
    use bridgebook::sim::conductor::ConductorSim;
    use bridgebook::sim::pexip::{PexipSim, SimConfig};
    let secret = "Wr0ng-Bridge-Pa55";
    let conductor = ConductorSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let pexip = PexipSim::start(SimConfig {
        username: "api".into(),
        password: "api-secret".into(),
        ..SimConfig::default()
    })
    .unwrap();
    // Both bridges are given a wrong password: every request is refused and logged.
    let config = [
        ("conductor-osl", "conductor", conductor.base.clone()),
        ("pexip-osl", "pexip", pexip.base_url()),
    ]
    .iter()
    .map(|(name, family, address)| {
        bridge_table(name, family, address, 1000, "example.com", "").replace(
            "password = \"api-secret\"",
            &format!("password = \"{secret}\""),
        )
    })
    .collect::<String>();
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: config,
            launcher: true,
            capture_log: true,
            ..Options::default()
        },
    );
    // Their health polls are refused, logged down to every HTTP exchange.
    eventually(20, "the refusals logged", || {
        let log = s.log();
        log.matches("bridge takes no meetings").count() == 2
    });
    let log = s.log();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("api:{secret}"));
    // The exchanges themselves are in it (so the next checks mean something).
    assert!(
        log.contains("/RPC2") && log.contains("/api/admin/status/v1/system_location/"),
        "the HTTP exchanges are not in the log"
    );
    assert!(!log.contains(secret), "the password is in the log");
    assert!(
        !log.contains(&basic),
        "the Basic credentials are in the log"
    );
}
