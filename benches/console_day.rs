//! The console's day view with 10,000 meetings in the week (100 rooms, SQLite, the embedded
//! default): reading the day's meetings, laying them out per room and rendering the page, as
//! a request for it does after the login. Besides criterion's estimate, the p50 and p99 of
//! 200 renders are printed for docs/performance.md.
use bridgebook::admin::console::{render_day, ViewQuery, Viewer};
use bridgebook::booking::Booking;
use bridgebook::domain::rights::Rights;
use bridgebook::domain::validate::BookingRules;
use bridgebook::domain::zone::Zone;
use bridgebook::domain::{
    CallType, Conference, Owner, Participant, StoredStatus, System, SystemCategory, User,
};
use bridgebook::store::{conferences, systems, Store};
use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use std::sync::Arc;

const ROOMS: i64 = 100;
const MEETINGS: i64 = 10_000;

/// Monday of the week the meetings are in.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 7, 0, 0, 0).unwrap()
}

fn meeting(n: i64) -> Conference {
    // Spread over the week's working hours, 07:00 to 19:00, in 30-minute steps.
    let day = n % 7;
    let slot = (n / 7) % 24;
    let start = monday() + Duration::days(day) + Duration::hours(7) + Duration::minutes(30 * slot);
    let mut participants: Vec<Participant> = if n % 20 == 0 {
        Vec::new()
    } else {
        vec![Participant {
            id: 1 + n % ROOMS,
            name_or_number: None,
            email: None,
            call_type: CallType::Tms,
        }]
    };
    participants.push(Participant {
        id: -1,
        name_or_number: Some(format!("guest{n}@example.com")),
        email: None,
        call_type: CallType::SipDialIn,
    });
    Conference {
        id: -1,
        title: format!("Meeting {n}"),
        start,
        end: start + Duration::minutes(30 + 30 * (n % 3)),
        owner: Owner {
            id: 1,
            user_name: Some("svc".into()),
            ..Owner::default()
        },
        settings: bridgebook::app::default_settings(&Default::default()).unwrap(),
        participants,
        external_source_id: None,
        external_primary_key: Some(format!("ext-{n}")),
        version: 1,
        status: if n % 50 == 0 {
            StoredStatus::Defective
        } else {
            StoredStatus::Booked
        },
        defective_reason: (n % 50 == 0).then(|| "no bridge has room".to_string()),
        transaction_id: 0,
        series: Default::default(),
        route: None,
    }
}

fn booking(dir: &std::path::Path) -> Booking {
    let store = Arc::new(Store::open(&dir.join("bench.db").display().to_string(), 4).unwrap());
    store.migrate().unwrap();
    store
        .write(|conn| {
            for id in 1..=ROOMS {
                systems::upsert(
                    conn,
                    &System {
                        id,
                        name: format!("Room {id:03}"),
                        category: SystemCategory::Room,
                        sip_uri: Some(format!("room{id}@example.com")),
                        h323_id: None,
                        e164_alias: None,
                        time_zone: None,
                        allow_booking: true,
                        details: Default::default(),
                    },
                )?;
            }
            for n in 0..MEETINGS {
                conferences::insert(conn, &meeting(n), 1)?;
            }
            Ok(())
        })
        .unwrap();
    let rules = BookingRules {
        booking_window_days: 365,
        time_zone: "UTC".into(),
        default_duration_minutes: 60,
        defaults: bridgebook::app::default_settings(&Default::default()).unwrap(),
    };
    let mut b = Booking::new(store, rules, 1000);
    let now = monday() - Duration::days(1);
    b.clock = Arc::new(move || now);
    b
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let b = booking(dir.path());
    let viewer = Viewer {
        user: User {
            id: 1,
            username: "svc".into(),
            rights: Rights::all(),
            ..User::default()
        },
        csrf: "x".repeat(64),
        zone: Zone::named("UTC").unwrap(),
        zone_name: "UTC".into(),
    };
    // Wednesday: a seventh of the week's meetings.
    let q = ViewQuery {
        date: Some("2030-01-09".into()),
        ..ViewQuery::default()
    };
    let page = render_day(&b, &viewer, &q).unwrap();
    assert!(
        page.contains("Meeting 2"),
        "the day's meetings are on the page"
    );
    let mut times: Vec<std::time::Duration> = (0..200)
        .map(|_| {
            let t = std::time::Instant::now();
            render_day(&b, &viewer, &q).unwrap();
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "day view, {MEETINGS} meetings in the week ({} on the day), {} KiB: p50 {:?}, p99 {:?}",
        page.matches("class=\"meeting-link\"").count(),
        page.len() / 1024,
        times[times.len() / 2],
        times[times.len() * 99 / 100]
    );
    c.bench_function("console day view, 10,000 meetings in the week", |bench| {
        bench.iter(|| render_day(&b, &viewer, &q).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
