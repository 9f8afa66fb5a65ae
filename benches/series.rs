//! Expanding a 100-occurrence weekly series of 10 endpoints in its own time zone and
//! checking every occurrence for double bookings, against stores holding 10,000 to
//! 1,000,000 booked reservations (SQLite, the embedded default). The empty store is the
//! baseline each run is compared with.
use bridgebook::domain::recurrence::{Frequency, Pattern, PatternEnd};
use bridgebook::domain::series::{check_sequence, expand};
use bridgebook::domain::zone::Zone;
use bridgebook::store::{conferences, Store};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc, Weekday};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

/// Endpoints in the inventory; the series books 10 of them.
const SYSTEMS: i64 = 2_000;
/// Booked meetings are spread over three years from the epoch below.
const HORIZON_HOURS: i64 = 3 * 365 * 24;

fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 7, 0, 0, 0).unwrap()
}

/// A store with `count` one-hour reservations spread evenly over the systems and the
/// horizon, each at a whole hour, written in one transaction.
fn store_with(dir: &tempfile::TempDir, count: i64) -> Store {
    let path = dir.path().join(format!("bench-{count}.db"));
    let url = path.to_str().unwrap().to_string();
    let store = Store::open(&url, 1).unwrap();
    store.migrate().unwrap();
    let mut seed = SqliteConnection::establish(&url).unwrap();
    let per_system = (count / SYSTEMS).max(1);
    let spacing_hours = (HORIZON_HOURS / per_system).max(1);
    let base = epoch().timestamp();
    // Reservations only: the conflict check reads nothing else, so the conference rows they
    // belong to are left out (and with them the foreign key, for this seed alone).
    seed.batch_execute(&format!(
        "PRAGMA foreign_keys = OFF; PRAGMA synchronous = OFF;
         BEGIN;
         WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k + 1 < {count})
         INSERT INTO reservations (conference_id, system_id, start_at, end_at)
         SELECT k + 1, k % {SYSTEMS} + 1,
                {base} + ((k / {SYSTEMS}) * {spacing_hours} + (k * 7) % 11) * 3600,
                {base} + ((k / {SYSTEMS}) * {spacing_hours} + (k * 7) % 11) * 3600 + 3600
         FROM n;
         INSERT INTO reservation_reach (system_id, longest)
         SELECT system_id, MAX(end_at - start_at) FROM reservations GROUP BY system_id;
         COMMIT;"
    ))
    .unwrap();
    store
}

fn weekly_series() -> (Pattern, Zone, DateTime<Utc>) {
    let pattern = Pattern {
        frequency: Frequency::Weekly,
        interval: 1,
        days_of_week: vec![Weekday::Tue],
        first_day_of_week: Weekday::Mon,
        by_month_day: None,
        by_set_position: None,
        end: PatternEnd::ByInstances(100),
    };
    let zone = Zone::named("Europe/Oslo").unwrap();
    let first = zone.to_utc(
        NaiveDate::from_ymd_opt(2030, 3, 5)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
    );
    (pattern, zone, first)
}

/// What a series save decides before it writes: the occurrences, their sequence rules, and
/// the meetings each one would double book.
fn expand_and_check(store: &Store, systems: &[i64]) -> usize {
    let (pattern, zone, first) = weekly_series();
    let slots = expand(&pattern, &zone, first, Duration::hours(1)).unwrap();
    check_sequence(&slots, &zone).unwrap();
    let windows: Vec<_> = slots.iter().map(|s| (s.start, s.end)).collect();
    let found = store
        .read(|conn| conferences::conflicts(conn, systems, &windows, None))
        .unwrap();
    assert_eq!(found.len(), 100);
    found.iter().map(Vec::len).sum()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let systems: Vec<i64> = (1..=10).map(|n| n * 97).collect();
    let (pattern, zone, first) = weekly_series();
    c.bench_function("expand a 100-occurrence weekly series (Europe/Oslo)", |b| {
        b.iter(|| expand(black_box(&pattern), &zone, first, Duration::hours(1)).unwrap())
    });
    let mut group = c.benchmark_group("expand and conflict-check, 10 endpoints x 100 occurrences");
    for count in [0, 10_000, 100_000, 1_000_000] {
        let store = store_with(&dir, count);
        let conflicts = expand_and_check(&store, &systems);
        eprintln!("{count} stored reservations: {conflicts} conflicts found");
        group.bench_with_input(BenchmarkId::new("stored", count), &store, |b, store| {
            b.iter(|| expand_and_check(store, black_box(&systems)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
