//! The load planned on each bridge over time: one row per meeting placed on a bridge.
use super::schema::{bridge_load_reach, bridge_loads};
use super::DbConnection;
use crate::domain::route::BridgeRoute;
use crate::domain::time::{from_epoch, to_epoch};
use crate::domain::Error;
use crate::planner::Planned;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

type LoadRow = (i64, i64, i64, i64, i64, i64);

fn planned((conference_id, bridge_id, start_at, end_at, units, number): LoadRow) -> Planned {
    Planned {
        bridge_id,
        conference_id,
        start: from_epoch(start_at),
        end: from_epoch(end_at),
        units: units.max(0) as u64,
        number: number.max(0) as u64,
    }
}

const COLUMNS: (
    bridge_loads::conference_id,
    bridge_loads::bridge_id,
    bridge_loads::start_at,
    bridge_loads::end_at,
    bridge_loads::units,
    bridge_loads::number,
) = (
    bridge_loads::conference_id,
    bridge_loads::bridge_id,
    bridge_loads::start_at,
    bridge_loads::end_at,
    bridge_loads::units,
    bridge_loads::number,
);

fn reach(conn: &mut DbConnection) -> Result<i64, Error> {
    Ok(bridge_load_reach::table
        .select(bridge_load_reach::longest)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}

/// For each window, the meetings planned on any bridge that overlap it, leaving out
/// `except` (the meeting being planned). Each lookup is an index range: loads start no
/// earlier than the window's start minus the longest load ever planned.
pub fn overlapping(
    conn: &mut DbConnection,
    windows: &[(DateTime<Utc>, DateTime<Utc>)],
    except: &[i64],
) -> Result<Vec<Vec<Planned>>, Error> {
    let reach = reach(conn)?;
    windows
        .iter()
        .map(|(start, end)| {
            let (start, end) = (to_epoch(*start), to_epoch(*end));
            let rows: Vec<LoadRow> = bridge_loads::table
                .filter(bridge_loads::start_at.ge(start - reach))
                .filter(bridge_loads::start_at.lt(end))
                .filter(bridge_loads::end_at.gt(start))
                .select(COLUMNS)
                .load(conn)?;
            Ok(rows
                .into_iter()
                .map(planned)
                .filter(|p| !except.contains(&p.conference_id))
                .collect())
        })
        .collect()
}

/// Makes `route` the load conference `id` puts on its bridge over [start, end).
pub fn hold(
    conn: &mut DbConnection,
    id: i64,
    route: &BridgeRoute,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(), Error> {
    release(conn, id)?;
    diesel::insert_into(bridge_loads::table)
        .values((
            bridge_loads::conference_id.eq(id),
            bridge_loads::bridge_id.eq(route.bridge_id),
            bridge_loads::start_at.eq(to_epoch(start)),
            bridge_loads::end_at.eq(to_epoch(end)),
            bridge_loads::units.eq(route.units as i64),
            bridge_loads::number.eq(route.number as i64),
        ))
        .execute(conn)?;
    let length = to_epoch(end) - to_epoch(start);
    diesel::update(bridge_load_reach::table.filter(bridge_load_reach::longest.lt(length)))
        .set(bridge_load_reach::longest.eq(length))
        .execute(conn)?;
    Ok(())
}

pub fn release(conn: &mut DbConnection, id: i64) -> Result<(), Error> {
    diesel::delete(bridge_loads::table.filter(bridge_loads::conference_id.eq(id))).execute(conn)?;
    Ok(())
}

/// Ends conference `id`'s load at `end` (the meeting was ended early).
pub fn cut(conn: &mut DbConnection, id: i64, end: DateTime<Utc>) -> Result<(), Error> {
    diesel::update(bridge_loads::table.filter(bridge_loads::conference_id.eq(id)))
        .set(bridge_loads::end_at.eq(to_epoch(end)))
        .execute(conn)?;
    Ok(())
}

/// The meetings planned on `bridge_id` that start after `from`, earliest first.
pub fn starting_on(
    conn: &mut DbConnection,
    bridge_id: i64,
    from: DateTime<Utc>,
) -> Result<Vec<i64>, Error> {
    Ok(bridge_loads::table
        .filter(bridge_loads::bridge_id.eq(bridge_id))
        .filter(bridge_loads::start_at.gt(to_epoch(from)))
        .order((bridge_loads::start_at, bridge_loads::conference_id))
        .select(bridge_loads::conference_id)
        .load(conn)?)
}

/// The meetings planned on `bridge_id` that overlap [from, to).
pub fn of_bridge(
    conn: &mut DbConnection,
    bridge_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let reach = reach(conn)?;
    let rows: Vec<LoadRow> = bridge_loads::table
        .filter(bridge_loads::bridge_id.eq(bridge_id))
        .filter(bridge_loads::start_at.ge(to_epoch(from) - reach))
        .filter(bridge_loads::start_at.lt(to_epoch(to)))
        .filter(bridge_loads::end_at.gt(to_epoch(from)))
        .order(bridge_loads::start_at)
        .select(COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(planned).collect())
}
