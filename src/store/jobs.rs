//! The bridge-job outbox: what the launcher must do on which bridge, and when.
use super::outbox::{outbox_due, outbox_steps};
use super::schema::bridge_jobs;
use super::DbConnection;
use crate::domain::time::{from_epoch, to_epoch};
use crate::domain::Error;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Create or update the meeting on the bridge.
    Provision,
    /// Call the meeting's participants (booked rooms and dial-outs, as its type asks).
    DialOut,
    /// End the meeting and remove it from the bridge.
    TearDown,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Provision => "provision",
            Kind::DialOut => "dial_out",
            Kind::TearDown => "tear_down",
        }
    }

    fn parse(s: &str) -> Kind {
        match s {
            "provision" => Kind::Provision,
            "dial_out" => Kind::DialOut,
            _ => Kind::TearDown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub conference_id: i64,
    pub bridge_id: i64,
    pub kind: Kind,
    pub due: DateTime<Utc>,
    pub attempts: i32,
}

type JobRow = (i64, i64, i64, String, i64, i32);

fn job_of((id, conference_id, bridge_id, kind, due_at, attempts): JobRow) -> Job {
    Job {
        id,
        conference_id,
        bridge_id,
        kind: Kind::parse(&kind),
        due: from_epoch(due_at),
        attempts,
    }
}

const COLUMNS: (
    bridge_jobs::id,
    bridge_jobs::conference_id,
    bridge_jobs::bridge_id,
    bridge_jobs::kind,
    bridge_jobs::due_at,
    bridge_jobs::attempts,
) = (
    bridge_jobs::id,
    bridge_jobs::conference_id,
    bridge_jobs::bridge_id,
    bridge_jobs::kind,
    bridge_jobs::due_at,
    bridge_jobs::attempts,
);

fn add(
    conn: &mut DbConnection,
    conference_id: i64,
    bridge_id: i64,
    kind: Kind,
    due: DateTime<Utc>,
) -> Result<(), Error> {
    diesel::insert_into(bridge_jobs::table)
        .values((
            bridge_jobs::conference_id.eq(conference_id),
            bridge_jobs::bridge_id.eq(bridge_id),
            bridge_jobs::kind.eq(kind.as_str()),
            bridge_jobs::due_at.eq(to_epoch(due)),
            bridge_jobs::state.eq("pending"),
        ))
        .execute(conn)?;
    Ok(())
}

/// The bridge conference `id` was last provisioned on and not torn down from, if any.
pub fn provisioned_on(conn: &mut DbConnection, id: i64) -> Result<Option<i64>, Error> {
    let done: Vec<(i64, String)> = bridge_jobs::table
        .filter(bridge_jobs::conference_id.eq(id))
        .filter(bridge_jobs::state.eq("done"))
        .filter(bridge_jobs::kind.ne(Kind::DialOut.as_str()))
        .order(bridge_jobs::id)
        .select((bridge_jobs::bridge_id, bridge_jobs::kind))
        .load(conn)?;
    Ok(done
        .last()
        .filter(|(_, k)| k == Kind::Provision.as_str())
        .map(|(b, _)| *b))
}

/// The meetings provisioned on bridge `bridge` and not torn down from it, that end after
/// `now`: what the bridge should hold.
pub fn hosted_on(
    conn: &mut DbConnection,
    bridge: i64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, Error> {
    use super::schema::conferences;
    let not_ended = conferences::table
        .filter(conferences::end_at.gt(to_epoch(now)))
        .select(conferences::id);
    let done: Vec<(i64, i64, String)> = bridge_jobs::table
        .filter(bridge_jobs::conference_id.eq_any(not_ended))
        .filter(bridge_jobs::state.eq("done"))
        .filter(bridge_jobs::kind.ne(Kind::DialOut.as_str()))
        .order(bridge_jobs::id)
        .select((
            bridge_jobs::conference_id,
            bridge_jobs::bridge_id,
            bridge_jobs::kind,
        ))
        .load(conn)?;
    // A meeting moved off or deleted is still there until its tear-down has run.
    let leaving: Vec<i64> = bridge_jobs::table
        .filter(bridge_jobs::bridge_id.eq(bridge))
        .filter(bridge_jobs::kind.eq(Kind::TearDown.as_str()))
        .filter(bridge_jobs::state.eq_any(["pending", "running"]))
        .filter(bridge_jobs::due_at.le(to_epoch(now)))
        .select(bridge_jobs::conference_id)
        .load(conn)?;
    let mut last: std::collections::BTreeMap<i64, (i64, String)> = Default::default();
    for (conference, b, kind) in done {
        last.insert(conference, (b, kind));
    }
    Ok(last
        .into_iter()
        .filter(|(c, (b, kind))| {
            *b == bridge && kind == Kind::Provision.as_str() && !leaving.contains(c)
        })
        .map(|(c, _)| c)
        .collect())
}

/// The meetings with a provisioning still to run on bridge `bridge`: what may already be
/// there from an earlier try, and is not a leftover.
pub fn to_provision_on(conn: &mut DbConnection, bridge: i64) -> Result<Vec<i64>, Error> {
    Ok(bridge_jobs::table
        .filter(bridge_jobs::bridge_id.eq(bridge))
        .filter(bridge_jobs::kind.eq(Kind::Provision.as_str()))
        .filter(bridge_jobs::state.eq_any(["pending", "running"]))
        .select(bridge_jobs::conference_id)
        .load(conn)?)
}

/// Where a booked meeting is to be hosted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub bridge_id: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub dials_out: bool,
}

/// Replaces conference `id`'s pending jobs by those `placement` needs: provisioned `lead`
/// before its start (at once when that has passed), dial-outs at the start, torn down at
/// the end. A meeting already provisioned on a bridge it no longer uses is torn down there
/// now; one provisioned on the same bridge is updated now.
pub fn schedule(
    conn: &mut DbConnection,
    id: i64,
    placement: Option<Placement>,
    lead: Duration,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    diesel::update(
        bridge_jobs::table
            .filter(bridge_jobs::conference_id.eq(id))
            .filter(bridge_jobs::state.eq("pending")),
    )
    .set(bridge_jobs::state.eq("cancelled"))
    .execute(conn)?;
    let live_on = provisioned_on(conn, id)?;
    if let Some(old) = live_on.filter(|b| placement.is_none_or(|p| p.bridge_id != *b)) {
        add(conn, id, old, Kind::TearDown, now)?;
    }
    let Some(p) = placement else {
        return Ok(());
    };
    if p.end <= now {
        return Ok(());
    }
    let provision_at = if live_on == Some(p.bridge_id) {
        now
    } else {
        (p.start - lead).max(now)
    };
    add(conn, id, p.bridge_id, Kind::Provision, provision_at)?;
    // A running meeting that changed calls whoever it must call now (a participant added).
    if p.dials_out {
        add(conn, id, p.bridge_id, Kind::DialOut, p.start.max(now))?;
    }
    add(conn, id, p.bridge_id, Kind::TearDown, p.end)
}

/// The bridges with jobs to run at `now`; a read, so a worker with nothing to do takes no
/// write lock.
pub fn waiting(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Vec<i64>, Error> {
    Ok(bridge_jobs::table
        .filter(outbox_due!(bridge_jobs, now))
        .select(bridge_jobs::bridge_id)
        .distinct()
        .load(conn)?)
}

/// Claims for `node` up to `limit` due jobs of the `waiting` bridges it owns or can take
/// (`bridge_owners`), each for `lease` (PostgreSQL: rows other workers hold are skipped, so
/// several instances share the work, each bridge's with one instance at a time).
pub fn claim(
    conn: &mut DbConnection,
    node: &str,
    waiting: &[i64],
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Job>, Error> {
    let owned = super::bridge_owners::take(conn, waiting, node, now, lease)?;
    let due = bridge_jobs::table
        .filter(outbox_due!(bridge_jobs, now))
        .filter(bridge_jobs::bridge_id.eq_any(owned))
        .order((bridge_jobs::due_at, bridge_jobs::id))
        .limit(limit)
        .select(COLUMNS);
    let rows: Vec<JobRow> = match conn {
        DbConnection::Pg(c) => due.for_update().skip_locked().load(c)?,
        DbConnection::Sqlite(c) => due.load(c)?,
    };
    let jobs: Vec<Job> = rows.into_iter().map(job_of).collect();
    let ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
    take_lease(conn, &ids, now, lease)?;
    Ok(jobs)
}

outbox_steps!(bridge_jobs, "done");

/// A job as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct JobView {
    pub id: i64,
    pub conference_id: i64,
    pub bridge_id: i64,
    pub kind: String,
    pub due_at: i64,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
}

pub fn of_conference(conn: &mut DbConnection, id: i64) -> Result<Vec<JobView>, Error> {
    Ok(bridge_jobs::table
        .filter(bridge_jobs::conference_id.eq(id))
        .order(bridge_jobs::id)
        .select((
            bridge_jobs::id,
            bridge_jobs::conference_id,
            bridge_jobs::bridge_id,
            bridge_jobs::kind,
            bridge_jobs::due_at,
            bridge_jobs::state,
            bridge_jobs::attempts,
            bridge_jobs::last_error,
        ))
        .load(conn)?)
}
