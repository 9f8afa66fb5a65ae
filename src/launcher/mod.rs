//! The launcher: a worker that claims due bridge jobs, drives the bridge's adapter, and
//! records what happened; and the health poll that tells the planner which bridges answer.
//! Jobs live in the database, so they survive a restart; on PostgreSQL several instances
//! share them (claims skip rows another worker holds).
mod adapters;
pub mod healer;
pub mod meeting;
pub mod pace;
pub mod reconcile;

use crate::app::App;
use crate::bridges::{BridgeError, Call, CallReport, CallState, Price};
use crate::domain::Error;
use crate::planner::CapacityModel;
use crate::store::bridges::{self, StoredBridge};
use crate::store::jobs::{self, Job, Kind};
use crate::store::{bridge_owners, calls, conferences, systems};
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
    /// How often what should be live is compared with what each bridge holds.
    pub reconcile: std::time::Duration,
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

/// What the worker does with a job that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterFailure {
    /// Try it again later (with backoff).
    pub retry: bool,
    /// Plan the meeting again without this bridge.
    pub move_off: bool,
}

/// What follows a failed job. A provisioning the bridge refused, or that kept failing near
/// the start, moves the meeting to another bridge — unless the meeting is live there: a
/// refused change never tears a live meeting down, it stays as it is. Calls are tried again
/// while the meeting runs; a tear-down until it succeeds.
pub fn after_failure(
    kind: Kind,
    error: &BridgeError,
    attempts: i32,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    live_here: bool,
    now: DateTime<Utc>,
) -> AfterFailure {
    let unreachable = matches!(error, BridgeError::Unreachable(_));
    match kind {
        Kind::Provision => {
            let moving = !live_here && start.is_some_and(|s| give_up(error, attempts, s, now));
            AfterFailure {
                retry: !moving && unreachable && end.is_some_and(|e| e > now),
                move_off: moving,
            }
        }
        Kind::DialOut => AfterFailure {
            retry: end.is_some_and(|e| e > now),
            move_off: false,
        },
        Kind::TearDown => AfterFailure {
            retry: true,
            move_off: false,
        },
    }
}

/// Each of `calls` as the bridge reported it; one it did not mention is pending.
fn seen(calls: &[Call], reports: &[CallReport]) -> Vec<calls::Seen> {
    calls
        .iter()
        .map(|c| {
            let state = reports
                .iter()
                .find(|r| r.key == c.key)
                .map(|r| r.state.clone())
                .unwrap_or(CallState::Pending);
            calls::Seen {
                key: c.key.clone(),
                address: c.address.clone(),
                protocol: c.protocol.as_str(),
                state: state.as_str(),
                reason: match state {
                    CallState::Failed(why) => Some(why),
                    _ => None,
                },
            }
        })
        .collect()
}

/// The calls a bridge has not placed, with the reason where it gave one.
fn unplaced(calls: &[Call], reports: &[CallReport]) -> Vec<String> {
    calls
        .iter()
        .filter_map(
            |c| match reports.iter().find(|r| r.key == c.key).map(|r| &r.state) {
                Some(CallState::Calling | CallState::Connected) => None,
                Some(CallState::Failed(why)) => Some(format!("{}: {why}", c.address)),
                _ => Some(c.address.clone()),
            },
        )
        .collect()
}

fn done_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Provision => "provisioned",
        Kind::DialOut => "nobody to call",
        Kind::TearDown => "torn down",
    }
}

/// The booked rooms of `c`, which the bridge may have to call.
fn room_ids(c: &crate::domain::Conference) -> Vec<i64> {
    c.participants
        .iter()
        .filter(|p| p.call_type.direction() == crate::domain::Direction::System)
        .map(|p| p.id)
        .collect()
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
    reconciled: Option<std::time::Instant>,
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
                reconciled: None,
            };
            while !stop.load(Ordering::Relaxed) {
                if let Err(e) = worker.poll_health(&app, timing.health) {
                    tracing::warn!("bridge health poll: {}", e.message);
                }
                if worker
                    .reconciled
                    .is_none_or(|t| t.elapsed() >= timing.reconcile)
                {
                    worker.reconciled = Some(std::time::Instant::now());
                    if let Err(e) = worker.reconcile(&app) {
                        tracing::warn!("reconcile: {}", e.message);
                    }
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
        let metrics = &app.metrics;
        metrics.job(&metrics.jobs_due, job.kind.as_str());
        if crate::metrics::is_late(job.due, Utc::now()) {
            metrics.job(&metrics.jobs_late, job.kind.as_str());
        }
        let (conference, bridge, rooms) = store.read(|conn| {
            let c = conferences::get(conn, job.conference_id)?;
            let rooms = match &c {
                Some(c) => systems::many(conn, &room_ids(c))?,
                None => vec![],
            };
            Ok((c, bridges::get(conn, job.bridge_id)?, rooms))
        })?;
        let reference = meeting::reference(&self.installation, job.conference_id);
        let Some(bridge) = bridge else {
            metrics.job(&metrics.jobs_failed, job.kind.as_str());
            return store.write(|conn| jobs::fail(conn, job.id, "the bridge was removed", None));
        };
        let adapter = match self.adapters.get(&bridge) {
            Ok(a) => a,
            Err(why) => {
                metrics.job(&metrics.jobs_failed, job.kind.as_str());
                tracing::warn!(bridge = %bridge.bridge.name, conference = job.conference_id, "{reference}: {} failed: {why}", job.kind.as_str());
                return store.write(|conn| jobs::fail(conn, job.id, &why, None));
            }
        };
        let wanted = conference
            .as_ref()
            .and_then(|c| meeting::of(c, &rooms, &self.installation));
        let name = &bridge.bridge.name;
        let outcome = match (job.kind, &wanted) {
            (Kind::TearDown, _) => adapter.tear_down(&reference).map(|()| None),
            (Kind::Provision, Some(m)) => adapter.provision(m).map(|()| None),
            (Kind::DialOut, Some(m)) if !m.calls.is_empty() => adapter.call(m).map(Some),
            // No longer on a bridge, or nobody to call: nothing to do.
            _ => Ok(None),
        };
        let now = Utc::now();
        let e = match outcome {
            Ok(reports) => {
                answers(app, &bridge, Ok(()))?;
                // Calls placed: where each stands decides whether the job is done.
                if let (Some(m), Some(reports)) = (&wanted, reports) {
                    return self.calls_placed(app, job, m, &reports, name, first_retry);
                }
                tracing::info!(bridge = %name, conference = job.conference_id, "{reference}: {}", done_text(job.kind));
                return store.write(|conn| {
                    if job.kind == Kind::TearDown {
                        calls::ended(conn, job.conference_id, now)?;
                    }
                    jobs::finish(conn, job.id)
                });
            }
            Err(e) => e,
        };
        let text = e.to_string();
        metrics.job(&metrics.jobs_failed, job.kind.as_str());
        tracing::warn!(bridge = %name, conference = job.conference_id, job = job.id, "{reference}: {} failed: {text}", job.kind.as_str());
        if matches!(e, BridgeError::Unreachable(_)) {
            answers(app, &bridge, Err(&e))?;
        }
        let live_here = conference.as_ref().is_some_and(|c| c.start <= now)
            && store.read(|conn| jobs::provisioned_on(conn, job.conference_id))?
                == Some(bridge.bridge.id);
        let end = conference.as_ref().map(|c| c.end);
        let decision = after_failure(
            job.kind,
            &e,
            job.attempts,
            conference.as_ref().map(|c| c.start),
            end,
            live_here,
            now,
        );
        store.write(|conn| {
            let retry = decision
                .retry
                .then(|| retry_at(now, job.attempts, first_retry));
            jobs::fail(conn, job.id, &text, retry)
        })?;
        if decision.move_off {
            app.booking.move_off(job.conference_id, bridge.bridge.id)?;
        } else if live_here && job.kind == Kind::Provision && !decision.retry {
            tracing::warn!(bridge = %name, conference = job.conference_id, "{reference}: the bridge refused the change; the live meeting stays as it was");
        }
        Ok(())
    }

    /// Records where each call of `m` stands after the bridge was asked to place them; the
    /// job is done when every call is placed, and tried again while the meeting runs when
    /// some are not.
    fn calls_placed(
        &self,
        app: &App,
        job: &Job,
        m: &crate::bridges::Meeting,
        reports: &[CallReport],
        bridge: &str,
        first_retry: Duration,
    ) -> Result<(), Error> {
        let now = Utc::now();
        let store = &app.booking.store;
        let missing = record_calls(app, job.conference_id, m, reports, bridge)?;
        if missing.is_empty() {
            return store.write(|conn| jobs::finish(conn, job.id));
        }
        let retry = retry_at(now, job.attempts, first_retry);
        let text = format!("not placed: {}", missing.join("; "));
        store.write(|conn| jobs::fail(conn, job.id, &text, (retry < m.end).then_some(retry)))
    }

    /// Compares what should be live on each bridge this instance works with what the
    /// bridge holds, and repairs the difference (see [`reconcile::repairs`]).
    fn reconcile(&self, app: &App) -> Result<(), Error> {
        let store = &app.booking.store;
        let now = Utc::now();
        let enabled: Vec<StoredBridge> = store
            .read(bridges::all)?
            .into_iter()
            .filter(|b| b.bridge.enabled)
            .collect();
        let ids: Vec<i64> = enabled.iter().map(|b| b.bridge.id).collect();
        let lease = Duration::seconds(LEASE_SECONDS);
        let owned = store.write(|conn| bridge_owners::take(conn, &ids, &self.node, now, lease))?;
        std::thread::scope(|scope| {
            for b in enabled.iter().filter(|b| owned.contains(&b.bridge.id)) {
                scope.spawn(move || {
                    if let Err(e) = self.reconcile_bridge(app, b) {
                        tracing::warn!(bridge = %b.bridge.name, "reconcile: {}", e.message);
                    }
                });
            }
        });
        Ok(())
    }

    fn reconcile_bridge(&self, app: &App, b: &StoredBridge) -> Result<(), Error> {
        let Ok(adapter) = self.adapters.get(b) else {
            return Ok(());
        };
        let name = &b.bridge.name;
        let present = match adapter.conferences(&meeting::prefix(&self.installation)) {
            Ok(p) => p,
            Err(e) => return answers(app, b, Err(&e)),
        };
        let now = Utc::now();
        let named: Vec<i64> = present
            .iter()
            .filter_map(|r| meeting::conference_of(&self.installation, r))
            .collect();
        let (meetings, known) = app.booking.store.read(|conn| {
            let known = reconcile::Known {
                booked: conferences::existing(conn, &named)?,
                awaited: jobs::to_provision_on(conn, b.bridge.id)?,
            };
            let mut out = vec![];
            for id in jobs::hosted_on(conn, b.bridge.id, now)? {
                if let Some(c) = conferences::get(conn, id)? {
                    let rooms = systems::many(conn, &room_ids(&c))?;
                    if let Some(m) = meeting::of(&c, &rooms, &self.installation) {
                        out.push((id, m));
                    }
                }
            }
            Ok((out, known))
        })?;
        let hosted: Vec<reconcile::Hosted> = meetings
            .iter()
            .map(|(id, m)| reconcile::Hosted {
                conference_id: *id,
                start: m.start,
                calls: !m.calls.is_empty(),
            })
            .collect();
        let meeting_of = |id: i64| meetings.iter().find(|(c, _)| *c == id).map(|(_, m)| m);
        for repair in reconcile::repairs(&hosted, &present, &self.installation, &known, now) {
            match repair {
                reconcile::Repair::Provision(id) => {
                    let Some(m) = meeting_of(id) else { continue };
                    tracing::info!(bridge = %name, conference = id, "{}: not on the bridge; provisioning it again", m.reference);
                    if let Err(e) = adapter.provision(m) {
                        tracing::warn!(bridge = %name, conference = id, "{}: provisioning again failed: {e}", m.reference);
                    }
                }
                reconcile::Repair::Call(id) => {
                    let Some(m) = meeting_of(id) else { continue };
                    match adapter.call(m) {
                        Ok(reports) => {
                            record_calls(app, id, m, &reports, name)?;
                        }
                        Err(e) => {
                            tracing::warn!(bridge = %name, conference = id, "{}: calls: {e}", m.reference)
                        }
                    }
                }
                reconcile::Repair::Remove {
                    conference_id,
                    reference,
                } => {
                    tracing::info!(bridge = %name, conference = conference_id, "{reference}: left on the bridge; removing it");
                    if let Err(e) = adapter.tear_down(&reference) {
                        tracing::warn!(bridge = %name, conference = conference_id, "{reference}: removing: {e}");
                    }
                }
            }
        }
        Ok(())
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

/// Records where each call of meeting `m` (conference `id`) stands and logs what changed;
/// answers the calls not placed, with the bridge's reasons.
fn record_calls(
    app: &App,
    id: i64,
    m: &crate::bridges::Meeting,
    reports: &[CallReport],
    bridge: &str,
) -> Result<Vec<String>, Error> {
    let seen = seen(&m.calls, reports);
    let now = Utc::now();
    let changes = app
        .booking
        .store
        .write(|conn| calls::record(conn, id, &seen, now))?;
    for c in &changes {
        if c.state == "connected" || c.state == "failed" {
            app.metrics.call(c.state);
        }
        match &c.reason {
            Some(why) if c.state == "failed" => {
                tracing::warn!(bridge = %bridge, conference = id, "call to {} failed: {why}", c.address)
            }
            _ => {
                tracing::info!(bridge = %bridge, conference = id, "call to {}: {}", c.address, c.state)
            }
        }
    }
    Ok(unplaced(&m.calls, reports))
}

/// Records whether bridge `b` answers, and says so in the log when that changed.
fn answers(app: &App, b: &StoredBridge, outcome: Result<(), &BridgeError>) -> Result<(), Error> {
    app.metrics.reachable(&b.bridge.name, outcome.is_ok());
    let why = outcome.err().map(ToString::to_string);
    if app
        .booking
        .bridge_reachable(b.bridge.id, why.as_deref().map_or(Ok(()), Err))?
    {
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
    fn what_follows_a_failure() {
        let t = Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap();
        let down = BridgeError::Unreachable("timeout".into());
        let no = BridgeError::Refused {
            code: "102".into(),
            message: "invalid parameter".into(),
        };
        let (soon, later) = (
            Some(t + Duration::seconds(30)),
            Some(t + Duration::hours(1)),
        );
        let (started, ends) = (
            Some(t - Duration::minutes(10)),
            Some(t + Duration::minutes(50)),
        );
        let ended = Some(t - Duration::minutes(1));
        let table = [
            (
                "a create refused: elsewhere",
                Kind::Provision,
                &no,
                1,
                later,
                later,
                false,
                false,
                true,
            ),
            (
                "a create not answered: again",
                Kind::Provision,
                &down,
                1,
                later,
                later,
                false,
                true,
                false,
            ),
            (
                "not answered near the start: elsewhere",
                Kind::Provision,
                &down,
                3,
                soon,
                soon,
                false,
                false,
                true,
            ),
            (
                "a change of a live meeting refused: it stays",
                Kind::Provision,
                &no,
                1,
                started,
                ends,
                true,
                false,
                false,
            ),
            (
                "a live meeting's bridge not answering: again",
                Kind::Provision,
                &down,
                5,
                started,
                ends,
                true,
                true,
                false,
            ),
            (
                "calls refused while it runs: again",
                Kind::DialOut,
                &no,
                4,
                started,
                ends,
                false,
                true,
                false,
            ),
            (
                "calls after the end: given up",
                Kind::DialOut,
                &down,
                4,
                started,
                ended,
                false,
                false,
                false,
            ),
            (
                "a tear-down: again",
                Kind::TearDown,
                &down,
                9,
                started,
                ended,
                false,
                true,
                false,
            ),
        ];
        for (name, kind, e, attempts, start, end, live, retry, move_off) in table {
            assert_eq!(
                after_failure(kind, e, attempts, start, end, live, t),
                AfterFailure { retry, move_off },
                "{name}"
            );
        }
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
