//! Every call a bridge must place for a meeting, and where it stands as the bridge last
//! told: what an administrator reads to know whether the rooms were connected.
use super::schema::meeting_calls;
use super::DbConnection;
use crate::domain::time::{from_epoch, to_epoch};
use crate::domain::Error;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// A call as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = meeting_calls)]
pub struct CallView {
    pub conference_id: i64,
    pub call_key: String,
    pub address: String,
    pub protocol: String,
    /// pending, calling, connected, failed, ended.
    pub state: String,
    /// The bridge's reason for the last failure.
    pub reason: Option<String>,
    /// How many times the bridge was asked to place it and it failed.
    pub attempts: i32,
    pub updated_at: i64,
}

impl CallView {
    pub fn updated(&self) -> DateTime<Utc> {
        from_epoch(self.updated_at)
    }
}

/// One call as the bridge last reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub key: String,
    pub address: String,
    pub protocol: &'static str,
    /// pending, calling, connected or failed.
    pub state: &'static str,
    /// Why it failed, in the bridge's words.
    pub reason: Option<String>,
}

/// Records where each of conference `id`'s calls stands; calls no longer wanted are
/// forgotten. Answers the calls whose state changed.
pub fn record(
    conn: &mut DbConnection,
    id: i64,
    calls: &[Seen],
    now: DateTime<Utc>,
) -> Result<Vec<Seen>, Error> {
    let before = of_conference(conn, id)?;
    let keys: Vec<&str> = calls.iter().map(|c| c.key.as_str()).collect();
    diesel::delete(
        meeting_calls::table
            .filter(meeting_calls::conference_id.eq(id))
            .filter(meeting_calls::call_key.ne_all(&keys)),
    )
    .execute(conn)?;
    let mut changes = vec![];
    for call in calls {
        let (state, reason) = (call.state, &call.reason);
        let old = before.iter().find(|b| b.call_key == call.key);
        let failed = (state == "failed") as i32;
        if old.map(|o| o.state.as_str()) != Some(state)
            || (failed == 1 && old.and_then(|o| o.reason.as_ref()) != reason.as_ref())
        {
            changes.push(call.clone());
        }
        match old {
            Some(o) => {
                diesel::update(
                    meeting_calls::table
                        .filter(meeting_calls::conference_id.eq(id))
                        .filter(meeting_calls::call_key.eq(&call.key)),
                )
                .set((
                    meeting_calls::address.eq(&call.address),
                    meeting_calls::protocol.eq(call.protocol),
                    meeting_calls::state.eq(state),
                    meeting_calls::reason.eq(reason.as_deref().or(o.reason.as_deref())),
                    meeting_calls::attempts.eq(o.attempts + failed),
                    meeting_calls::updated_at.eq(to_epoch(now)),
                ))
                .execute(conn)?;
            }
            None => {
                diesel::insert_into(meeting_calls::table)
                    .values((
                        meeting_calls::conference_id.eq(id),
                        meeting_calls::call_key.eq(&call.key),
                        meeting_calls::address.eq(&call.address),
                        meeting_calls::protocol.eq(call.protocol),
                        meeting_calls::state.eq(state),
                        meeting_calls::reason.eq(reason.as_deref()),
                        meeting_calls::attempts.eq(failed),
                        meeting_calls::updated_at.eq(to_epoch(now)),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(changes)
}

/// The meeting left its bridge: its calls were disconnected with it.
pub fn ended(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<(), Error> {
    diesel::update(
        meeting_calls::table
            .filter(meeting_calls::conference_id.eq(id))
            .filter(meeting_calls::state.ne("failed")),
    )
    .set((
        meeting_calls::state.eq("ended"),
        meeting_calls::updated_at.eq(to_epoch(now)),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn of_conference(conn: &mut DbConnection, id: i64) -> Result<Vec<CallView>, Error> {
    Ok(meeting_calls::table
        .filter(meeting_calls::conference_id.eq(id))
        .order(meeting_calls::call_key)
        .select(CallView::as_select())
        .load(conn)?)
}

/// The booked rooms a bridge reports connected in meetings running at `now`.
pub fn rooms_connected(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Vec<i64>, Error> {
    use super::schema::conferences;
    let running = conferences::table
        .filter(conferences::start_at.le(to_epoch(now)))
        .filter(conferences::end_at.gt(to_epoch(now)))
        .select(conferences::id);
    let keys: Vec<String> = meeting_calls::table
        .filter(meeting_calls::conference_id.eq_any(running))
        .filter(meeting_calls::state.eq("connected"))
        .select(meeting_calls::call_key)
        .load(conn)?;
    Ok(keys
        .iter()
        .filter_map(|k| crate::domain::room_of_call_key(k))
        .collect())
}
