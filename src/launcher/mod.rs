//! The launcher: a worker that claims due bridge jobs, drives the bridge's adapter, and
//! records what happened; and the health poll that tells the planner which bridges answer.
//! Jobs live in the database, so they survive a restart; on PostgreSQL several instances
//! share them (claims skip rows another worker holds).
mod adapters;
mod meeting;
pub mod pace;

use crate::app::App;
use crate::bridges::{BridgeError, Price};
use crate::domain::Error;
use crate::planner::CapacityModel;
use crate::store::bridges::{self, StoredBridge};
use crate::store::jobs::{self, Job, Kind};
use crate::store::{conferences, systems};
use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How often the worker looks for due jobs, and polls the bridges' health.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub poll: std::time::Duration,
    pub health: std::time::Duration,
    /// A job that failed for a reason worth retrying is tried again after this, doubling.
    pub first_retry: Duration,
}

const MAX_RETRY_SECONDS: i64 = 300;
/// A provisioning that still fails this close to the start moves the meeting elsewhere.
const GIVE_UP_BEFORE_START: i64 = 60;
const ATTEMPTS_BEFORE_MOVING: i32 = 3;
const LEASE_SECONDS: i64 = 120;
const BATCH: i64 = 16;

/// When to try a job again after its `attempts`-th failure.
pub fn retry_at(now: DateTime<Utc>, attempts: i32, first: Duration) -> DateTime<Utc> {
    let shift = attempts.clamp(1, 16) as u32 - 1;
    let wait = (first.num_seconds().max(1) << shift).min(MAX_RETRY_SECONDS);
    now + Duration::seconds(wait)
}

/// Whether a provisioning that failed is given up on its bridge: the bridge refused it, or
/// it kept failing and the start is near.
pub fn give_up(
    error: &BridgeError,
    attempts: i32,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    match error {
        BridgeError::Refused { .. } => true,
        BridgeError::Unreachable(_) => {
            attempts >= ATTEMPTS_BEFORE_MOVING
                && start - now <= Duration::seconds(GIVE_UP_BEFORE_START)
        }
    }
}

/// A bridge's own price list as the planner counts: the bridge's template sets the quality,
/// so every participant costs the same.
fn capacity_of(p: Price) -> CapacityModel {
    CapacityModel {
        total: p.total,
        audio: p.per_participant,
        sd: p.per_participant,
        hd: p.per_participant,
        full_hd: p.per_participant,
        per_conference: p.per_conference,
    }
}

/// The worker's state: who it is among the instances, one adapter per bridge, when each
/// bridge was polled.
struct Worker {
    node: String,
    /// This installation's id, which every bridge-side reference carries.
    installation: String,
    adapters: adapters::Adapters,
    polled: std::collections::HashMap<i64, std::time::Instant>,
}

/// Starts the worker thread; it stops when `stop` is set.
pub fn start(app: Arc<App>, timing: Timing, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("launcher".into())
        .spawn(move || {
            let installation = loop {
                match app.booking.store.write(crate::store::installation::id) {
                    Ok(id) => break id,
                    Err(e) => {
                        tracing::warn!("launcher: the installation id: {}", e.message);
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(timing.poll);
                    }
                }
            };
            let mut worker = Worker {
                node: uuid::Uuid::new_v4().to_string(),
                installation,
                adapters: Default::default(),
                polled: Default::default(),
            };
            while !stop.load(Ordering::Relaxed) {
                if let Err(e) = worker.poll_health(&app, timing.health) {
                    tracing::warn!("bridge health poll: {}", e.message);
                }
                match worker.run_due(&app, timing.first_retry) {
                    Ok(0) => std::thread::sleep(timing.poll),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!("launcher: {}", e.message);
                        std::thread::sleep(timing.poll);
                    }
                }
            }
        })
        .expect("the launcher thread starts")
}

impl Worker {
    /// Runs the jobs due now; returns how many it ran.
    fn run_due(&self, app: &App, first_retry: Duration) -> Result<usize, Error> {
        let now = Utc::now();
        let store = &app.booking.store;
        let waiting = store.read(|conn| jobs::waiting(conn, now))?;
        if waiting.is_empty() {
            return Ok(0);
        }
        let claimed = store.write(|conn| {
            jobs::claim(
                conn,
                &self.node,
                &waiting,
                now,
                Duration::seconds(LEASE_SECONDS),
                BATCH,
            )
        })?;
        // One thread per bridge: each bridge's jobs run in order (the bridges ask for one
        // client at a time), and a slow or paced bridge holds up no other.
        let mut by_bridge: std::collections::BTreeMap<i64, Vec<&Job>> = Default::default();
        for job in &claimed {
            by_bridge.entry(job.bridge_id).or_default().push(job);
        }
        std::thread::scope(|scope| {
            let workers: Vec<_> = by_bridge
                .values()
                .map(|list| {
                    scope.spawn(move || -> Result<(), Error> {
                        for job in list {
                            self.run(app, job, first_retry)?;
                        }
                        Ok(())
                    })
                })
                .collect();
            for w in workers {
                w.join()
                    .map_err(|_| Error::internal("a bridge job panicked"))??;
            }
            Ok::<(), Error>(())
        })?;
        Ok(claimed.len())
    }

    fn run(&self, app: &App, job: &Job, first_retry: Duration) -> Result<(), Error> {
        let store = &app.booking.store;
        let (conference, bridge, rooms) = store.read(|conn| {
            let c = conferences::get(conn, job.conference_id)?;
            let ids: Vec<i64> = c
                .iter()
                .flat_map(|c| &c.participants)
                .filter(|p| p.call_type.direction() == crate::domain::Direction::System)
                .map(|p| p.id)
                .collect();
            Ok((
                c,
                bridges::get(conn, job.bridge_id)?,
                systems::many(conn, &ids)?,
            ))
        })?;
        let reference = meeting::reference(&self.installation, job.conference_id);
        let Some(bridge) = bridge else {
            return store.write(|conn| jobs::fail(conn, job.id, "the bridge was removed", None));
        };
        let adapter = match self.adapters.get(&bridge) {
            Ok(a) => a,
            Err(why) => return store.write(|conn| jobs::fail(conn, job.id, &why, None)),
        };
        let outcome = match (job.kind, &conference) {
            (Kind::TearDown, _) => adapter.tear_down(&reference),
            (kind, Some(c)) => match meeting::of(c, &rooms, &self.installation) {
                Some(m) if kind == Kind::Provision => adapter.provision(&m),
                Some(m) => adapter.call(&m).map(|_| ()),
                None => Ok(()),
            },
            (_, None) => Ok(()),
        };
        let now = Utc::now();
        match outcome {
            Ok(()) => {
                answers(app, &bridge, Ok(()))?;
                store.write(|conn| jobs::finish(conn, job.id))
            }
            Err(e) => {
                let text = e.to_string();
                tracing::warn!(bridge = %bridge.bridge.name, job = job.id, "bridge job failed: {text}");
                if matches!(e, BridgeError::Unreachable(_)) {
                    answers(app, &bridge, Err(&e))?;
                }
                let moving = job.kind == Kind::Provision
                    && conference
                        .as_ref()
                        .is_some_and(|c| give_up(&e, job.attempts, c.start, now));
                store.write(|conn| {
                    let retry = (!moving && !matches!(e, BridgeError::Refused { .. }))
                        .then(|| retry_at(now, job.attempts, first_retry));
                    jobs::fail(conn, job.id, &text, retry)
                })?;
                if moving {
                    app.booking.move_off(job.conference_id, bridge.bridge.id)?;
                }
                Ok(())
            }
        }
    }

    /// Asks every enabled bridge that is due how it is (no more often than its family
    /// allows) and, where it publishes prices, what a meeting costs there. A bridge that
    /// answers again makes room for Defective meetings; changed prices re-plan its meetings.
    fn poll_health(&mut self, app: &App, every: std::time::Duration) -> Result<(), Error> {
        let store = &app.booking.store;
        for b in store.read(bridges::all)? {
            let now = std::time::Instant::now();
            let last = self.polled.get(&b.bridge.id).copied();
            if !b.bridge.enabled || !pace::poll_due(last, every, b.bridge.family, now) {
                continue;
            }
            self.polled.insert(b.bridge.id, now);
            let adapter = match self.adapters.get(&b) {
                Ok(a) => a,
                Err(why) => {
                    let e = BridgeError::Refused {
                        code: "settings".into(),
                        message: why,
                    };
                    answers(app, &b, Err(&e))?;
                    continue;
                }
            };
            let health = adapter.health();
            if let Ok(h) = &health {
                let seen = bridges::HealthSeen {
                    at: Utc::now(),
                    load: h.load,
                    active_conferences: h.active_conferences,
                };
                store.write(|conn| bridges::set_health(conn, b.bridge.id, &seen))?;
            }
            answers(app, &b, health.as_ref().map(|_| ()))?;
            if health.is_ok() {
                let n = &b.bridge.numbering;
                let sample = n.sip_uri.replace("{number}", &n.first.to_string());
                match adapter.price(&sample) {
                    Ok(Some(price)) => app
                        .booking
                        .bridge_priced(b.bridge.id, Some(&capacity_of(price)))?,
                    Ok(None) => {}
                    Err(e) => tracing::warn!(bridge = %b.bridge.name, "bridge prices: {e}"),
                }
            }
        }
        Ok(())
    }
}

/// Records whether bridge `b` answers, and says so in the log when that changed.
fn answers(app: &App, b: &StoredBridge, outcome: Result<(), &BridgeError>) -> Result<(), Error> {
    if app.booking.bridge_reachable(b.bridge.id, outcome.is_ok())? {
        match outcome {
            Err(e) => tracing::warn!(bridge = %b.bridge.name, "bridge takes no meetings: {e}"),
            Ok(()) => tracing::info!(bridge = %b.bridge.name, "bridge answers again"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retries_back_off() {
        let t = Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap();
        let waits: Vec<i64> = (1..=8)
            .map(|n| (retry_at(t, n, Duration::seconds(5)) - t).num_seconds())
            .collect();
        assert_eq!(waits, vec![5, 10, 20, 40, 80, 160, 300, 300]);
    }

    #[test]
    fn when_provisioning_moves_elsewhere() {
        let t = Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap();
        let down = BridgeError::Unreachable("timeout".into());
        let no = BridgeError::Refused {
            code: "400".into(),
            message: "no".into(),
        };
        let table = [
            ("refused at once", &no, 1, 600, true),
            ("down, first try, start far", &down, 1, 600, false),
            ("down, third try, start far", &down, 3, 600, false),
            ("down, second try, start near", &down, 2, 30, false),
            ("down, third try, start near", &down, 3, 30, true),
        ];
        for (name, e, attempts, seconds_left, want) in table {
            assert_eq!(
                give_up(e, attempts, t + Duration::seconds(seconds_left), t),
                want,
                "{name}"
            );
        }
    }
}
