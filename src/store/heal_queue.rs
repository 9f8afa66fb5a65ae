//! Windows in which capacity was freed (a meeting moved, shortened, ended or deleted; a
//! bridge changed): written in the writer's own transaction, and worked in the background
//! (design decision 13), so a save costs the work of its own meeting and never takes the
//! routing lock after the transaction log.
use super::schema::heal_requests;
use super::DbConnection;
use crate::domain::time::{from_epoch, to_epoch};
use crate::domain::Error;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Asks for the Defective meetings overlapping [start, end) to be planned again.
pub fn request(
    conn: &mut DbConnection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(), Error> {
    diesel::insert_into(heal_requests::table)
        .values((
            heal_requests::start_at.eq(to_epoch(start)),
            heal_requests::end_at.eq(to_epoch(end)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A waiting request: its id and the window [start, end) it freed.
pub type Request = (i64, DateTime<Utc>, DateTime<Utc>);

/// The oldest waiting requests.
pub fn waiting(conn: &mut DbConnection, limit: i64) -> Result<Vec<Request>, Error> {
    let rows: Vec<(i64, i64, i64)> = heal_requests::table
        .order(heal_requests::id)
        .limit(limit)
        .select((
            heal_requests::id,
            heal_requests::start_at,
            heal_requests::end_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, s, e)| (id, from_epoch(s), from_epoch(e)))
        .collect())
}

pub fn done(conn: &mut DbConnection, ids: &[i64]) -> Result<(), Error> {
    diesel::delete(heal_requests::table.filter(heal_requests::id.eq_any(ids))).execute(conn)?;
    Ok(())
}
