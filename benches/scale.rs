//! bridgebook at scale, through the real server over HTTP, each figure beside a baseline
//! measured in the same run:
//! - GetConferencesForSystems for 500 rooms over a week, with 1,000,000 meetings stored
//!   (baseline: the same week's meetings and nothing else, 10,000 stored);
//! - GetTransactionsSince from 0, paged to the end, over 10,000,000 log rows (baseline:
//!   100,000 rows);
//! - the server's resident memory after it starts and after those calls.
//!
//! The databases are filled once, straight through the store (the booking path would take
//! hours), and kept under $HOME/.cache/bridgebook/scale for the next run.
//! Run: `cargo bench --bench scale` (SQLite).
use bridgebook::domain::{
    CallType, Conference, Owner, Participant, StoredStatus, System, SystemCategory,
};
use bridgebook::store::{conferences, systems, DbConnection, Store};
use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::RunQueryDsl;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

const ROOMS: i64 = 500;
/// Each room's meetings are this far apart: 2,000 of them cover two years.
const EVERY_MINUTES: i64 = 525;
const NS: &str = "http://tandberg.net/2004/02/tms/external/booking/";
const PASSWORD: &str = "scale-admin-pw";

fn first_day() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 7, 0, 0, 0).unwrap()
}

/// Meeting `n`: room `n % ROOMS`, the `n / ROOMS`-th of that room, an hour long.
fn meeting(n: i64) -> Conference {
    let start = first_day() + Duration::minutes(EVERY_MINUTES * (n / ROOMS) + n % 60);
    Conference {
        id: -1,
        title: format!("Meeting {n}"),
        start,
        end: start + Duration::hours(1),
        owner: Owner {
            id: 1,
            user_name: Some("admin".into()),
            ..Owner::default()
        },
        settings: bridgebook::app::default_settings(&Default::default()).unwrap(),
        participants: vec![Participant {
            id: 1 + n % ROOMS,
            name_or_number: None,
            email: None,
            call_type: CallType::Tms,
        }],
        external_source_id: None,
        external_primary_key: Some(format!("ext-{n}")),
        version: 1,
        status: StoredStatus::Booked,
        defective_reason: None,
        transaction_id: 0,
        series: Default::default(),
        route: None,
    }
}

fn sql(conn: &mut DbConnection, q: &str) {
    match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(q).execute(c).unwrap(),
        DbConnection::Pg(c) => diesel::sql_query(q).execute(c).unwrap(),
    };
}

/// A database of `meetings` meetings and `log_rows` transaction-log rows, made once.
fn filled(name: &str, meetings: i64, log_rows: i64) -> PathBuf {
    let dir = std::env::var("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir())
        .join(".cache/bridgebook/scale");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.db"));
    if path.exists() {
        return path;
    }
    let partial = dir.join(format!("{name}.partial.db"));
    let _ = std::fs::remove_file(&partial);
    let t = Instant::now();
    let store = Store::open(&partial.display().to_string(), 2).unwrap();
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
            Ok(())
        })
        .unwrap();
    for batch in (0..meetings).step_by(20_000) {
        store
            .write(|conn| {
                for n in batch..(batch + 20_000).min(meetings) {
                    conferences::insert(conn, &meeting(n), 1)?;
                }
                Ok(())
            })
            .unwrap();
    }
    store
        .write(|conn| {
            sql(
                conn,
                &format!(
                    "INSERT INTO transactions (id, conference_id, kind, performed_by, system_ids, \
                     external_source_id, external_primary_key, created_at) \
                     WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < {log_rows}) \
                     SELECT x, (x % {meetings}) + 1, 'Updated', 1, ',' || ((x % {ROOMS}) + 1) || ',', \
                     NULL, 'ext-' || (x % {meetings}), 1893974400 FROM seq"
                ),
            );
            Ok(())
        })
        .unwrap();
    drop(store);
    std::fs::rename(&partial, &path).unwrap();
    println!(
        "filled {name}: {meetings} meetings, {log_rows} log rows in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    path
}

struct Served {
    child: Child,
    base: String,
    _config: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &Path) -> Served {
    let config = tempfile::tempdir().unwrap();
    let toml = config.path().join("bridgebook.toml");
    std::fs::write(&toml, "[launcher]\nenabled = false\n").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bridgebook"));
    // The service reads BRIDGEBOOK_* as its configuration: only what is set here counts.
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("BRIDGEBOOK_")) {
        cmd.env_remove(k);
    }
    let mut child = cmd
        .args(["--config", &toml.display().to_string(), "serve"])
        .args(["--database-url", &db.display().to_string()])
        .args(["--listen", "127.0.0.1:0"])
        .env("BRIDGEBOOK_ADMIN_PASSWORD", PASSWORD)
        .env("BRIDGEBOOK_METRICS_LISTEN", "off")
        .env("BRIDGEBOOK_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let base = out
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("bridgebook listening on ")
                .map(str::to_string)
        })
        .expect("the service says where it listens");
    Served {
        child,
        base,
        _config: config,
    }
}

/// The server's resident memory, in MiB.
fn rss(s: &Served) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.child.id())).unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb / 1024.0
}

fn call(s: &Served, op: &str, args: &str) -> String {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><ExternalAPIVersionSoapHeader xmlns="{NS}"><ClientVersionIn>23</ClientVersionIn></ExternalAPIVersionSoapHeader></soap:Header><soap:Body><{op} xmlns="{NS}">{args}</{op}></soap:Body></soap:Envelope>"#
    );
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("admin:{PASSWORD}"));
    ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .post(&format!(
            "{}/tms/external/booking/bookingservice.asmx",
            s.base
        ))
        .set("Authorization", &format!("Basic {auth}"))
        .set("Content-Type", "text/xml; charset=utf-8")
        .set("SOAPAction", &format!("\"{NS}{op}\""))
        .send_string(&body)
        .unwrap_or_else(|e| panic!("{op}: {e}"))
        .into_string()
        .unwrap()
}

fn week_of_rooms() -> String {
    let ids: String = (1..=ROOMS)
        .map(|id| format!("<SystemIds>{id}</SystemIds>"))
        .collect();
    // The first week: the baseline's meetings all fall in it, the big database holds as
    // many there and 103 more weeks after it.
    let from = first_day();
    let to = from + Duration::weeks(1);
    let at = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    format!(
        "{ids}<StartTime>{}</StartTime><EndTime>{}</EndTime><ConferenceStatus>All</ConferenceStatus>",
        at(from),
        at(to)
    )
}

fn quantile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// Times GetConferencesForSystems on both servers, alternating; answers (median, p99) in
/// ms for each, and the number of meetings listed.
fn listings(big: &Served, base: &Served, rounds: usize) -> ([(f64, f64); 2], [usize; 2]) {
    let args = week_of_rooms();
    let mut times = [Vec::new(), Vec::new()];
    let mut listed = [0, 0];
    for _ in 0..rounds {
        for (i, s) in [big, base].into_iter().enumerate() {
            let t = Instant::now();
            let answer = call(s, "GetConferencesForSystems", &args);
            times[i].push(t.elapsed().as_secs_f64() * 1000.0);
            listed[i] = answer.matches("<ConferenceId>").count();
        }
    }
    let [a, b] = times;
    (
        [
            (quantile(a.clone(), 0.5), quantile(a, 0.99)),
            (quantile(b.clone(), 0.5), quantile(b, 0.99)),
        ],
        listed,
    )
}

/// Reads the log from 0 to its end; answers (rows, seconds, median ms a page).
fn replicate(s: &Served) -> (usize, f64, f64) {
    let mut since = 0i64;
    let mut rows = 0usize;
    let mut pages = Vec::new();
    let t = Instant::now();
    loop {
        let p = Instant::now();
        let answer = call(
            s,
            "GetTransactionsSince",
            &format!("<CurrentTransactionId>{since}</CurrentTransactionId>"),
        );
        pages.push(p.elapsed().as_secs_f64() * 1000.0);
        let ids: Vec<i64> = answer
            .split("<TransactionId>")
            .skip(1)
            .filter_map(|x| x.split('<').next()?.parse().ok())
            .collect();
        let mut ids: Vec<i64> = ids.into_iter().filter(|id| *id > since).collect();
        ids.sort_unstable();
        ids.dedup();
        let Some(last) = ids.last() else {
            break;
        };
        rows += ids.len();
        since = *last;
    }
    (rows, t.elapsed().as_secs_f64(), quantile(pages, 0.5))
}

fn main() {
    // `cargo bench` passes --bench; nothing else is read.
    let big_db = filled("meetings-1000000-log-10000000", 1_000_000, 10_000_000);
    let base_db = filled("meetings-10000-log-100000", 10_000, 100_000);
    let (big, base) = (serve(&big_db), serve(&base_db));
    let started = (rss(&big), rss(&base));
    let ([(b50, b99), (s50, s99)], [b_n, s_n]) = listings(&big, &base, 21);
    println!(
        "GetConferencesForSystems, 500 rooms, one week: 1,000,000 stored: median {b50:.0} ms, p99 {b99:.0} ms ({b_n} meetings); \
         10,000 stored: median {s50:.0} ms, p99 {s99:.0} ms ({s_n} meetings); ratio of medians {:.2}",
        b50 / s50
    );
    let listed = (rss(&big), rss(&base));
    let (s_rows, s_secs, s_page) = replicate(&base);
    let (b_rows, b_secs, b_page) = replicate(&big);
    println!(
        "GetTransactionsSince from 0: {b_rows} rows in {b_secs:.0} s ({:.0} rows/s, median page {b_page:.1} ms); \
         {s_rows} rows in {s_secs:.1} s ({:.0} rows/s, median page {s_page:.1} ms); ratio of rows/s {:.2}",
        b_rows as f64 / b_secs,
        s_rows as f64 / s_secs,
        (b_rows as f64 / b_secs) / (s_rows as f64 / s_secs)
    );
    println!(
        "memory (VmRSS): 1,000,000 stored: {:.0} MiB started, {:.0} MiB after the listings, {:.0} MiB after the log; \
         10,000 stored: {:.0} / {:.0} / {:.0} MiB",
        started.0,
        listed.0,
        rss(&big),
        started.1,
        listed.1,
        rss(&base)
    );
}
