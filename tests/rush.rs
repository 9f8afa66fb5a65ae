//! A 09:00 rush: 300 meetings starting in the same minute over two Conductors, a Meeting
//! Server and a Pexip, all simulated. Every meeting must be live on its bridge by its start
//! and its dial-out called after it, with no documented limit exceeded. The figures it
//! prints are in docs/performance.md.
mod common;
use bridgebook::sim::cms::CmsSim;
use bridgebook::sim::conductor::{ConductorSim, Prices};
use bridgebook::sim::pexip::{PexipSim, SimConfig, SimLocation};
use bridgebook::sim::Observed;
use common::*;
use std::time::{Duration, Instant};

const MEETINGS: usize = 300;
/// Provisioning starts this long before the start.
const LEAD: i64 = 75;

#[test]
fn three_hundred_meetings_are_live_by_their_start() {
    let c1 = ConductorSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let c2 = ConductorSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    for c in [&c1, &c2] {
        c.with(|st| {
            // 25 TelePresence Servers behind each, priced as the document's example: room
            // for 200 callers, 66 three-caller meetings.
            st.prices = Prices::telepresence_servers(25);
            // Long enough for two requests at once to overlap, and be counted.
            st.delay = Duration::from_millis(2);
        });
    }
    let cms = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let pexip = PexipSim::start(SimConfig {
        username: "api".into(),
        password: "api-secret".into(),
        locations: vec![SimLocation {
            name: "London".into(),
            max_hd_calls: 1000,
        }],
        ..SimConfig::default()
    })
    .unwrap();
    // The Meeting Server and the Pexip hold about 100 such meetings each, so the planner
    // fills all four about evenly and each Conductor gets some 60 creates to pace.
    let bridge = |name: &str, family: &str, address: &str, total: u32| {
        let location = if family == "pexip" {
            "system_location = \"London\"\n"
        } else {
            ""
        };
        bridge_table(
            name,
            family,
            address,
            total,
            &format!("{name}.example.com"),
            &format!(
                "{location}capabilities = {{ max_conferences = 200, max_participants = 100 }}"
            ),
        )
    };
    let config = bridge("conductor-a", "conductor", &c1.base, 1000)
        + &bridge("conductor-b", "conductor", &c2.base, 1000)
        + &bridge("cms", "meeting-server", &cms.base, 150)
        + &bridge("pexip", "pexip", &pexip.base_url(), 150);
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: config,
            launcher: true,
            lead_seconds: LEAD,
            ..Options::default()
        },
    );
    let c = Client::new(&s);
    // The Conductors' own prices reach the planner before anything is booked.
    let priced = || {
        let a = admin_call(&s, USER, "GET", "/admin/api/bridges", "");
        let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .filter(|b| !b["priced_capacity"].is_null())
            .count()
    };
    let until = Instant::now() + Duration::from_secs(30);
    while priced() < 2 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(priced(), 2, "both Conductors priced");
    // Whole seconds, as the booking carries it: provisioning is due exactly `LEAD` before.
    let start = {
        use chrono::DurationRound;
        (chrono::Utc::now() + chrono::Duration::seconds(LEAD + 10))
            .duration_trunc(chrono::Duration::seconds(1))
            .unwrap()
    };
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%SZ").to_string();
    // Two callers dialling in to each meeting and one the bridge calls at the start: every
    // one needs a bridge, and no room is booked twice.
    let booking = Instant::now();
    let mut ids = Vec::new();
    for n in 0..MEETINGS {
        let callers = external("SIP <-", "")
            + &external("SIP <-", "")
            + &external("SIP ->", &format!("guest{n}@rush.example.com"));
        let saved = c.save(
            &format!(
                "<ConferenceId>-1</ConferenceId><Title>Rush {n}</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{callers}</Participants>",
                fmt(start),
                fmt(start + chrono::Duration::minutes(30))
            ),
            "Strict",
        );
        saved.ok();
        ids.push(saved.get("ConferenceId").unwrap());
    }
    let booked_in = booking.elapsed();
    let live = || {
        c1.with(|st| st.conferences.len())
            + c2.with(|st| st.conferences.len())
            + cms.with(|st| st.co_spaces.len())
            + pexip.conferences().len()
    };
    let deadline = start - chrono::Utc::now();
    let until = Instant::now() + deadline.to_std().unwrap_or_default();
    while live() < MEETINGS && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(250));
    }
    // Provisioning was due `LEAD` before the start; this long it took from then.
    let provisioned_in = (chrono::Utc::now() - (start - chrono::Duration::seconds(LEAD)))
        .to_std()
        .unwrap_or_default();
    let spare = start - chrono::Utc::now();
    assert_eq!(live(), MEETINGS, "live by the start");
    let per_bridge = [
        c1.with(|st| st.conferences.len()),
        c2.with(|st| st.conferences.len()),
        cms.with(|st| st.co_spaces.len()),
        pexip.conferences().len(),
    ];
    let per_sim = [
        c1.with(|st| st.violations),
        c2.with(|st| st.violations),
        pexip.counters().limit_violations,
    ];
    let violations: u64 = per_sim.iter().sum();
    // What each Conductor achieved: creates a second between its first and its last.
    let paced = [&c1, &c2].map(|c| {
        c.with(|st| match st.created_between {
            Some((first, last)) if st.creates > 1 => {
                (st.creates - 1) as f64 / (last - first).as_secs_f64()
            }
            _ => 0.0,
        })
    });
    eprintln!(
        "rush: {MEETINGS} meetings live in {:.1} s ({:.1} creates/s), {} s to spare before the start; \
         per bridge (conductor-a, conductor-b, cms, pexip): {per_bridge:?}; limit violations \
         (conductor-a, conductor-b, pexip): {per_sim:?}; Conductor creates/s: {:.2}, {:.2}; \
         booking took {:.1} s",
        provisioned_in.as_secs_f64(),
        MEETINGS as f64 / provisioned_in.as_secs_f64(),
        spare.num_seconds(),
        paced[0],
        paced[1],
        booked_in.as_secs_f64()
    );
    assert_eq!(violations, 0, "no documented limit exceeded");
    assert!(per_bridge.iter().all(|n| *n > 0), "{per_bridge:?}");

    // From the start, every meeting's dial-out is called, within the join rates: how long
    // until the last one, per bridge.
    let sims: [&dyn Observed; 4] = [&c1, &c2, &cms, &pexip];
    let called =
        |sim: &dyn Observed| -> usize { sim.meetings().iter().map(|m| sim.calls(m).len()).sum() };
    while chrono::Utc::now() < start {
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut called_in: [Option<Duration>; 4] = [None; 4];
    let until = Instant::now() + Duration::from_secs(120);
    while called_in.iter().any(Option::is_none) && Instant::now() < until {
        for (k, sim) in sims.iter().enumerate() {
            if called_in[k].is_none() && called(*sim) >= per_bridge[k] {
                called_in[k] = (chrono::Utc::now() - start).to_std().ok();
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let counts: Vec<usize> = sims.iter().map(|s| called(*s)).collect();
    eprintln!(
        "rush: every dial-out called, seconds after the start (conductor-a, conductor-b, cms, \
         pexip): {:?}; calls {counts:?}",
        called_in.map(|d| d.map(|d| (d.as_secs_f64() * 10.0).round() / 10.0))
    );
    assert_eq!(
        counts,
        per_bridge.to_vec(),
        "every meeting's dial-out called"
    );
    let violations: u64 = c1.with(|st| st.violations)
        + c2.with(|st| st.violations)
        + pexip.counters().limit_violations;
    assert_eq!(violations, 0, "no documented limit exceeded while calling");

    // All cancelled at once: every meeting is removed from its bridge, still within the
    // limits (each Conductor tear-down starts with an enumeration, 8 a second at most).
    let cancelling = Instant::now();
    for id in &ids {
        c.call(
            "DeleteConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .ok();
    }
    let until = Instant::now() + Duration::from_secs(60);
    while live() > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(live(), 0, "removed from the bridges");
    let violations: u64 = c1.with(|st| st.violations)
        + c2.with(|st| st.violations)
        + pexip.counters().limit_violations;
    eprintln!(
        "rush: {MEETINGS} meetings cancelled and removed in {:.1} s",
        cancelling.elapsed().as_secs_f64()
    );
    assert_eq!(
        violations, 0,
        "no documented limit exceeded while tearing down"
    );
}
