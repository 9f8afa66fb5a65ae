//! The bookable systems (endpoints and rooms).
use super::schema::systems;
use super::DbConnection;
use crate::domain::{Error, System, SystemCategory};
use diesel::prelude::*;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = systems)]
struct Row {
    id: i64,
    name: String,
    category: String,
    sip_uri: Option<String>,
    h323_id: Option<String>,
    e164_alias: Option<String>,
    time_zone: Option<String>,
    allow_booking: bool,
    details: Option<String>,
}

impl From<Row> for System {
    fn from(r: Row) -> System {
        System {
            id: r.id,
            name: r.name,
            category: SystemCategory::parse(&r.category).unwrap_or(SystemCategory::Endpoint),
            sip_uri: r.sip_uri,
            h323_id: r.h323_id,
            e164_alias: r.e164_alias,
            time_zone: r.time_zone,
            allow_booking: r.allow_booking,
            // Details are descriptive only: unreadable ones are left out, not an error.
            details: r
                .details
                .and_then(|d| serde_json::from_str(&d).ok())
                .unwrap_or_default(),
        }
    }
}

impl From<&System> for Row {
    fn from(s: &System) -> Row {
        Row {
            id: s.id,
            name: s.name.clone(),
            category: s.category.as_str().to_string(),
            sip_uri: s.sip_uri.clone(),
            h323_id: s.h323_id.clone(),
            e164_alias: s.e164_alias.clone(),
            time_zone: s.time_zone.clone(),
            allow_booking: s.allow_booking,
            details: (s.details != Default::default())
                .then(|| serde_json::to_string(&s.details).ok())
                .flatten(),
        }
    }
}

pub fn upsert(conn: &mut DbConnection, system: &System) -> Result<(), Error> {
    let row = Row::from(system);
    let updated = diesel::update(systems::table.find(system.id))
        .set(&row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(systems::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<System>, Error> {
    Ok(systems::table
        .find(id)
        .select(Row::as_select())
        .first::<Row>(conn)
        .optional()?
        .map(System::from))
}

pub fn many(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<System>, Error> {
    Ok(systems::table
        .filter(systems::id.eq_any(ids))
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(System::from)
        .collect())
}

/// Every system in service (retired ones are left out; `get` and `many` still find them,
/// for the meetings that booked them).
pub fn all(conn: &mut DbConnection) -> Result<Vec<System>, Error> {
    Ok(systems::table
        .filter(systems::retired.eq(false))
        .order(systems::id)
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(System::from)
        .collect())
}

/// Per-system licensing ("Allow Remote Bookings"): the systems of `ids` that hold a licence.
pub fn licensed(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<i64>, Error> {
    Ok(systems::table
        .filter(systems::id.eq_any(ids))
        .filter(systems::remote_bookings.eq(true))
        .select(systems::id)
        .load(conn)?)
}

/// How many systems hold a per-system licence.
pub fn licences_used(conn: &mut DbConnection) -> Result<i64, Error> {
    Ok(systems::table
        .filter(systems::remote_bookings.eq(true))
        .count()
        .get_result(conn)?)
}

pub fn set_remote_bookings(conn: &mut DbConnection, id: i64, on: bool) -> Result<(), Error> {
    diesel::update(systems::table.find(id))
        .set(systems::remote_bookings.eq(on))
        .execute(conn)?;
    Ok(())
}

/// Marks `ids` as defined by the configuration file (and in service again, if they had been
/// retired).
pub fn mark_from_file(conn: &mut DbConnection, ids: &[i64]) -> Result<(), Error> {
    diesel::update(systems::table.filter(systems::id.eq_any(ids)))
        .set((systems::from_file.eq(true), systems::retired.eq(false)))
        .execute(conn)?;
    Ok(())
}

/// Retires the systems the file defined before but no longer does: no longer listed nor
/// bookable, their meetings kept, the database's from now on. Answers their ids and names.
pub fn retire_missing_from_file(
    conn: &mut DbConnection,
    in_file: &[i64],
) -> Result<Vec<(i64, String)>, Error> {
    let gone: Vec<(i64, String)> = systems::table
        .filter(systems::from_file.eq(true))
        .filter(systems::retired.eq(false))
        .filter(systems::id.ne_all(in_file))
        .select((systems::id, systems::name))
        .load(conn)?;
    let ids: Vec<i64> = gone.iter().map(|(id, _)| *id).collect();
    diesel::update(systems::table.filter(systems::id.eq_any(&ids)))
        .set((
            systems::retired.eq(true),
            systems::allow_booking.eq(false),
            systems::from_file.eq(false),
        ))
        .execute(conn)?;
    Ok(gone)
}

/// The ids of the systems the configuration file defines.
pub fn from_file_ids(conn: &mut DbConnection) -> Result<Vec<i64>, Error> {
    Ok(systems::table
        .filter(systems::from_file.eq(true))
        .select(systems::id)
        .load(conn)?)
}

/// Whether system `id` exists, retired or not.
pub fn exists(conn: &mut DbConnection, id: i64) -> Result<bool, Error> {
    Ok(systems::table.find(id).count().get_result::<i64>(conn)? > 0)
}

/// The next free system id.
pub fn next_id(conn: &mut DbConnection) -> Result<i64, Error> {
    let max: Option<i64> = systems::table
        .select(diesel::dsl::max(systems::id))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// Retires system `id`: no longer listed nor bookable, its meetings kept.
pub fn retire(conn: &mut DbConnection, id: i64) -> Result<(), Error> {
    diesel::update(systems::table.find(id))
        .set((systems::retired.eq(true), systems::allow_booking.eq(false)))
        .execute(conn)?;
    Ok(())
}
