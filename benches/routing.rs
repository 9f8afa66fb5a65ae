//! Planning a 10-participant, 100-occurrence weekly series onto one of 200 bridges, against
//! stores holding 10,000 to 1,000,000 meetings already planned on those bridges (SQLite,
//! the embedded default): reading the inventory and the load of every occurrence's window,
//! then the planner itself. The empty store is the baseline of each run.
use bridgebook::domain::{CallType, ConferenceType, Participant, Preference};
use bridgebook::planner::{
    self, Bridge, Capabilities, CapacityModel, Family, Numbering, PinPolicy, Quality, RoutePlan,
    RouteRequest,
};
use bridgebook::store::bridges::{self, StoredBridge};
use bridgebook::store::{bridge_loads, Store};
use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

const BRIDGES: i64 = 200;
/// Planned meetings are spread over three years from the epoch below.
const HORIZON_HOURS: i64 = 3 * 365 * 24;

fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 7, 0, 0, 0).unwrap()
}

fn inventory() -> Vec<StoredBridge> {
    let families = [
        Family::TelePresenceServer,
        Family::Conductor,
        Family::MeetingServer,
        Family::Pexip,
    ];
    (0..BRIDGES)
        .map(|n| {
            let family = families[n as usize % 4];
            StoredBridge {
                bridge: Bridge {
                    id: 0,
                    name: format!("bridge-{n:03}"),
                    family,
                    enabled: true,
                    priority: (n % 5) as i32,
                    // Every other bridge has an ISDN/telephone gateway.
                    capabilities: Capabilities {
                        isdn: n % 2 == 0,
                        ..Capabilities::default()
                    },
                    capacity: CapacityModel::typical(family, 200.0),
                    numbering: Numbering {
                        first: 10_000 + n as u64 * 1000,
                        last: 10_999 + n as u64 * 1000,
                        sip_uri: format!("{{number}}@b{n}.example.com"),
                        pin: PinPolicy::Auto { length: 6 },
                        web_url: None,
                    },
                    reachable: true,
                },
                address: format!("https://bridge-{n}.example.com"),
                username: "admin".into(),
                password: "secret".into(),
                tls: Default::default(),
                system_location: None,
            }
        })
        .collect()
}

/// A store with the inventory and `count` one-hour meetings planned on it, spread evenly
/// over the bridges and the horizon, written in one transaction.
fn store_with(dir: &tempfile::TempDir, count: i64) -> Store {
    let path = dir.path().join(format!("routing-{count}.db"));
    let url = path.to_str().unwrap().to_string();
    let store = Store::open(&url, 1).unwrap();
    store.migrate().unwrap();
    store
        .write(|conn| {
            for b in inventory() {
                bridges::insert(conn, &b)?;
            }
            Ok(())
        })
        .unwrap();
    let mut seed = SqliteConnection::establish(&url).unwrap();
    let per_bridge = (count / BRIDGES).max(1);
    let spacing_hours = (HORIZON_HOURS / per_bridge).max(1);
    let base = epoch().timestamp();
    // Loads only: planning reads nothing else, so the conference rows they belong to are
    // left out (and with them the foreign key, for this seed alone).
    seed.batch_execute(&format!(
        "PRAGMA foreign_keys = OFF; PRAGMA synchronous = OFF;
         BEGIN;
         WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k + 1 < {count})
         INSERT INTO bridge_loads (conference_id, bridge_id, start_at, end_at, units, number)
         SELECT k + 1, k % {BRIDGES} + 1,
                {base} + ((k / {BRIDGES}) * {spacing_hours} + (k * 7) % 11) * 3600,
                {base} + ((k / {BRIDGES}) * {spacing_hours} + (k * 7) % 11) * 3600 + 3600,
                (k % 40 + 1) * 1000, 10000 + (k % {BRIDGES}) * 1000 + (k / {BRIDGES}) % 1000
         FROM n;
         UPDATE bridge_load_reach SET longest = 3600;
         COMMIT;"
    ))
    .unwrap();
    store
}

fn participants() -> Vec<Participant> {
    let mut list: Vec<Participant> = (1..=6)
        .map(|id| Participant {
            id,
            name_or_number: None,
            email: None,
            call_type: CallType::Tms,
        })
        .collect();
    for call_type in [
        CallType::SipDialIn,
        CallType::SipDialIn,
        CallType::SipDialOut,
        CallType::TelephoneDialIn,
    ] {
        list.push(Participant {
            id: -(list.len() as i64),
            name_or_number: Some("x".into()),
            email: None,
            call_type,
        });
    }
    list
}

/// A weekly series: 100 Tuesdays at 09:00 UTC for an hour.
fn windows() -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let first = epoch() + Duration::days(8) + Duration::hours(9);
    (0..100)
        .map(|w| {
            let start = first + Duration::weeks(w);
            (start, start + Duration::hours(1))
        })
        .collect()
}

/// What a series save does to route it: the inventory, the load in each window, the plan.
fn plan_series(store: &Store, people: &[Participant]) -> usize {
    let windows = windows();
    let req = RouteRequest {
        conference_type: ConferenceType::AutomaticCallLaunch,
        participants: people,
        externally_hosted: false,
        webex_dial_out: false,
        encryption: Preference::IfPossible,
        content: true,
        quality: Quality::Hd,
        password: None,
        previous: None,
        fresh_pin: "482913",
    };
    let plans = store
        .read(|conn| {
            let inventory = bridges::inventory(conn)?;
            let load = bridge_loads::overlapping(conn, &windows, &[])?;
            Ok(planner::plan(&req, &windows, &inventory, &load))
        })
        .unwrap();
    plans
        .iter()
        .filter(|p| matches!(p, RoutePlan::Bridge(_)))
        .count()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let people = participants();
    let mut group = c.benchmark_group("plan a 10-participant 100-occurrence series, 200 bridges");
    for count in [0, 10_000, 100_000, 1_000_000] {
        let store = store_with(&dir, count);
        let routed = plan_series(&store, &people);
        eprintln!("{count} planned meetings: {routed} of 100 occurrences routed");
        group.bench_with_input(BenchmarkId::new("planned", count), &store, |b, store| {
            b.iter(|| plan_series(store, black_box(&people)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
