//! Conferences, their participants and the endpoint reservations that keep systems from
//! being double booked.
use super::schema::{conference_reach, conferences, participants, reservation_reach, reservations};
use super::DbConnection;
use crate::domain::time::{from_epoch, to_epoch};
use crate::domain::{
    CallType, Conference, Error, ErrorCode, Owner, Participant, SeriesLink, Settings, StoredStatus,
};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Queryable, Selectable)]
#[diesel(table_name = conferences)]
struct Row {
    id: i64,
    title: String,
    start_at: i64,
    end_at: i64,
    owner_id: i64,
    owner_user_name: Option<String>,
    owner_first_name: Option<String>,
    owner_last_name: Option<String>,
    owner_email: Option<String>,
    settings: String,
    external_source_id: Option<String>,
    external_primary_key: Option<String>,
    version: i32,
    status: String,
    defective_reason: Option<String>,
    transaction_id: i64,
    series_id: Option<i64>,
    recurrence: Option<String>,
    instance_at: Option<i64>,
    is_exception: bool,
    detached_source_id: Option<String>,
    detached_primary_key: Option<String>,
    route: Option<String>,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = conferences, treat_none_as_null = true)]
struct Write<'a> {
    title: &'a str,
    start_at: i64,
    end_at: i64,
    owner_id: i64,
    owner_user_name: Option<&'a str>,
    owner_first_name: Option<&'a str>,
    owner_last_name: Option<&'a str>,
    owner_email: Option<&'a str>,
    settings: String,
    external_source_id: Option<&'a str>,
    external_primary_key: Option<&'a str>,
    version: i32,
    status: &'a str,
    defective_reason: Option<&'a str>,
    series_id: Option<i64>,
    recurrence: Option<String>,
    instance_at: Option<i64>,
    is_exception: bool,
    detached_source_id: Option<&'a str>,
    detached_primary_key: Option<&'a str>,
    route: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = participants)]
struct ParticipantRow {
    conference_id: i64,
    position: i32,
    participant_id: i64,
    name_or_number: Option<String>,
    email: Option<String>,
    call_type: String,
}

fn call_type_code(t: CallType) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn call_type_of(code: &str) -> Result<CallType, Error> {
    serde_json::from_value(serde_json::Value::String(code.to_string()))
        .map_err(|e| Error::internal(format!("stored call type '{code}': {e}")))
}

fn write_of(c: &Conference) -> Result<Write<'_>, Error> {
    Ok(Write {
        title: &c.title,
        start_at: to_epoch(c.start),
        end_at: to_epoch(c.end),
        owner_id: c.owner.id,
        owner_user_name: c.owner.user_name.as_deref(),
        owner_first_name: c.owner.first_name.as_deref(),
        owner_last_name: c.owner.last_name.as_deref(),
        owner_email: c.owner.email.as_deref(),
        settings: serde_json::to_string(&c.settings).map_err(|e| Error::internal(e.to_string()))?,
        external_source_id: c.external_source_id.as_deref(),
        external_primary_key: c.external_primary_key.as_deref(),
        version: c.version,
        status: c.status.as_str(),
        defective_reason: c.defective_reason.as_deref(),
        series_id: c.series.series_id,
        recurrence: c
            .series
            .recurrence
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| Error::internal(e.to_string()))?,
        instance_at: c.series.instance_at.map(to_epoch),
        is_exception: c.series.exception,
        detached_source_id: c.series.detached_source_id.as_deref(),
        detached_primary_key: c.series.detached_primary_key.as_deref(),
        route: c
            .route
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| Error::internal(e.to_string()))?,
    })
}

fn conference_of(r: Row, participants: Vec<Participant>) -> Result<Conference, Error> {
    let settings: Settings = serde_json::from_str(&r.settings)
        .map_err(|e| Error::internal(format!("stored settings of {}: {e}", r.id)))?;
    let recurrence = r
        .recurrence
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| Error::internal(format!("stored recurrence of {}: {e}", r.id)))?;
    Ok(Conference {
        id: r.id,
        title: r.title,
        start: from_epoch(r.start_at),
        end: from_epoch(r.end_at),
        owner: Owner {
            id: r.owner_id,
            user_name: r.owner_user_name,
            first_name: r.owner_first_name,
            last_name: r.owner_last_name,
            email: r.owner_email,
        },
        settings,
        participants,
        external_source_id: r.external_source_id,
        external_primary_key: r.external_primary_key,
        version: r.version,
        status: StoredStatus::parse(&r.status),
        defective_reason: r.defective_reason,
        transaction_id: r.transaction_id,
        series: SeriesLink {
            series_id: r.series_id,
            instance_at: r.instance_at.map(from_epoch),
            exception: r.is_exception,
            detached_source_id: r.detached_source_id,
            detached_primary_key: r.detached_primary_key,
            recurrence,
            first_instance: None,
        },
        route: r
            .route
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| Error::internal(format!("stored route of {}: {e}", r.id)))?,
    })
}

/// Inserts a new conference and returns its id: `c.id` when positive (a meeting moved from
/// TMS keeps the id its clients hold), otherwise the next of the sequence.
pub fn insert(conn: &mut DbConnection, c: &Conference, created_by: i64) -> Result<i64, Error> {
    let values = (write_of(c)?, conferences::created_by.eq(created_by));
    let id = if c.id > 0 {
        diesel::insert_into(conferences::table)
            .values((conferences::id.eq(c.id), values))
            .returning(conferences::id)
            .get_result::<i64>(conn)?
    } else {
        diesel::insert_into(conferences::table)
            .values(values)
            .returning(conferences::id)
            .get_result::<i64>(conn)?
    };
    let id = super::ids::carried("conference", id)?;
    replace_participants(conn, id, &c.participants)?;
    reach_at_least(conn, c)?;
    Ok(id)
}

/// Raises the longest meeting stored to `c`'s length, when `c` is longer.
fn reach_at_least(conn: &mut DbConnection, c: &Conference) -> Result<(), Error> {
    let length = to_epoch(c.end) - to_epoch(c.start);
    diesel::update(conference_reach::table.filter(conference_reach::longest.lt(length)))
        .set(conference_reach::longest.eq(length))
        .execute(conn)?;
    Ok(())
}

/// Which of `ids` name a stored conference (of any status).
pub fn existing(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<i64>, Error> {
    Ok(conferences::table
        .filter(conferences::id.eq_any(ids))
        .select(conferences::id)
        .load(conn)?)
}

/// Overwrites a stored conference if it still has `expected_version`.
pub fn update(conn: &mut DbConnection, c: &Conference, expected_version: i32) -> Result<(), Error> {
    let n = diesel::update(
        conferences::table
            .filter(conferences::id.eq(c.id))
            .filter(conferences::version.eq(expected_version)),
    )
    .set(write_of(c)?)
    .execute(conn)?;
    if n == 0 {
        return Err(Error::new(
            ErrorCode::ConcurrentModification,
            format!(
                "Conference {} was changed by someone else; read it again.",
                c.id
            ),
        ));
    }
    replace_participants(conn, c.id, &c.participants)?;
    reach_at_least(conn, c)
}

pub fn set_transaction_id(
    conn: &mut DbConnection,
    id: i64,
    transaction_id: i64,
) -> Result<(), Error> {
    diesel::update(conferences::table.find(id))
        .set(conferences::transaction_id.eq(transaction_id))
        .execute(conn)?;
    Ok(())
}

fn replace_participants(
    conn: &mut DbConnection,
    id: i64,
    list: &[Participant],
) -> Result<(), Error> {
    diesel::delete(participants::table.filter(participants::conference_id.eq(id))).execute(conn)?;
    let rows: Vec<ParticipantRow> = list
        .iter()
        .enumerate()
        .map(|(i, p)| ParticipantRow {
            conference_id: id,
            position: i as i32,
            participant_id: p.id,
            name_or_number: p.name_or_number.clone(),
            email: p.email.clone(),
            call_type: call_type_code(p.call_type),
        })
        .collect();
    // One statement per row: the multi-backend connection has no batch insert.
    for row in &rows {
        diesel::insert_into(participants::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

fn load_participants(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Participant>>, Error> {
    let order = (participants::conference_id, participants::position);
    // One id (every single read) keeps a statement the connection can cache; SQLite
    // prepares an IN list afresh every time.
    let rows: Vec<ParticipantRow> = match ids {
        [one] => participants::table
            .filter(participants::conference_id.eq(*one))
            .order(order)
            .load(conn)?,
        _ => participants::table
            .filter(participants::conference_id.eq_any(ids))
            .order(order)
            .load(conn)?,
    };
    let mut map: HashMap<i64, Vec<Participant>> = HashMap::new();
    for r in rows {
        map.entry(r.conference_id).or_default().push(Participant {
            id: r.participant_id,
            name_or_number: r.name_or_number,
            email: r.email,
            call_type: call_type_of(&r.call_type)?,
        });
    }
    Ok(map)
}

fn with_participants(conn: &mut DbConnection, rows: Vec<Row>) -> Result<Vec<Conference>, Error> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut parts = load_participants(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            let p = parts.remove(&r.id).unwrap_or_default();
            conference_of(r, p)
        })
        .collect()
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<Conference>, Error> {
    let row = conferences::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(with_participants(conn, row.into_iter().collect())?.pop())
}

/// The conference a client knows by its own ids; a live booking wins over deleted ones.
pub fn by_external(
    conn: &mut DbConnection,
    source: &str,
    key: &str,
) -> Result<Option<Conference>, Error> {
    let rows: Vec<Row> = conferences::table
        .filter(conferences::external_source_id.eq(source))
        .filter(conferences::external_primary_key.eq(key))
        .filter(conferences::series_id.is_null())
        .order(conferences::id.desc())
        .select(Row::as_select())
        .load(conn)?;
    let best = rows
        .iter()
        .position(|r| r.status != StoredStatus::Deleted.as_str())
        .unwrap_or(0);
    let row = rows.into_iter().nth(best);
    Ok(with_participants(conn, row.into_iter().collect())?.pop())
}

/// The occurrences of series `id`, in pattern order.
pub fn occurrences(conn: &mut DbConnection, id: i64) -> Result<Vec<Conference>, Error> {
    let rows = conferences::table
        .filter(conferences::series_id.eq(id))
        .order((conferences::instance_at, conferences::id))
        .select(Row::as_select())
        .load(conn)?;
    with_participants(conn, rows)
}

/// Meetings (single ones and occurrences, never series themselves) overlapping [from, to),
/// optionally only those owned or booked by `user`.
pub fn in_window(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    user: Option<i64>,
) -> Result<Vec<Conference>, Error> {
    let mut q = conferences::table
        .filter(conferences::recurrence.is_null())
        .filter(conferences::start_at.lt(to_epoch(to)))
        .filter(conferences::end_at.gt(to_epoch(from)))
        .select(Row::as_select())
        .order(conferences::start_at)
        .into_boxed();
    if let Some(uid) = user {
        q = q.filter(
            conferences::owner_id
                .eq(uid)
                .or(conferences::created_by.eq(uid)),
        );
    }
    let rows = q.load(conn)?;
    with_participants(conn, rows)
}

/// Defective meetings (not series) overlapping [from, to), earliest first.
pub fn defective_between(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Conference>, Error> {
    let rows = conferences::table
        .filter(conferences::status.eq(StoredStatus::Defective.as_str()))
        .filter(conferences::end_at.gt(to_epoch(from)))
        .filter(conferences::start_at.lt(to_epoch(to)))
        .filter(conferences::recurrence.is_null())
        .select(Row::as_select())
        .order((conferences::start_at, conferences::id))
        .load(conn)?;
    with_participants(conn, rows)
}

/// Conferences overlapping [from, to) in which any of `system_ids` takes part.
pub fn for_systems(
    conn: &mut DbConnection,
    system_ids: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Conference>, Error> {
    let tms = call_type_code(CallType::Tms);
    // Meetings overlapping [from, to) start before `to` and no earlier than `from` minus the
    // longest meeting ever stored: one range of the window index, not the rooms' history.
    let reach: i64 = conference_reach::table
        .select(conference_reach::longest)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0);
    let booked_in = diesel::dsl::exists(
        participants::table
            .filter(participants::conference_id.eq(conferences::id))
            .filter(participants::participant_id.eq_any(system_ids))
            .filter(participants::call_type.eq(tms)),
    );
    let rows = conferences::table
        .filter(conferences::start_at.lt(to_epoch(to)))
        .filter(conferences::start_at.ge(to_epoch(from) - reach))
        .filter(conferences::end_at.gt(to_epoch(from)))
        .filter(conferences::recurrence.is_null())
        .filter(booked_in)
        .select(Row::as_select())
        .order(conferences::start_at)
        .load(conn)?;
    with_participants(conn, rows)
}

/// A system already reserved by another conference in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub system_id: i64,
    pub conference_id: i64,
}

/// For each window, the reservations of `system_ids` overlapping it (other than those of
/// conference `except`). A reservation overlapping [start, end) starts before `end` and no
/// earlier than `start` minus the longest reservation those systems ever held, so each
/// window reads one index range however long the systems' history is.
pub fn conflicts(
    conn: &mut DbConnection,
    system_ids: &[i64],
    windows: &[(DateTime<Utc>, DateTime<Utc>)],
    except: Option<i64>,
) -> Result<Vec<Vec<Conflict>>, Error> {
    if system_ids.is_empty() {
        return Ok(vec![Vec::new(); windows.len()]);
    }
    let reach: i64 = reservation_reach::table
        .filter(reservation_reach::system_id.eq_any(system_ids))
        .select(diesel::dsl::max(reservation_reach::longest))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0);
    windows
        .iter()
        .map(|(start, end)| {
            let (start, end) = (to_epoch(*start), to_epoch(*end));
            let rows: Vec<(i64, i64)> = reservations::table
                .filter(reservations::system_id.eq_any(system_ids))
                .filter(reservations::start_at.lt(end))
                .filter(reservations::start_at.ge(start - reach))
                .filter(reservations::end_at.gt(start))
                .filter(reservations::conference_id.ne(except.unwrap_or(0)))
                .select((reservations::system_id, reservations::conference_id))
                .order((reservations::system_id, reservations::conference_id))
                .load(conn)?;
            Ok(rows
                .into_iter()
                .map(|(system_id, conference_id)| Conflict {
                    system_id,
                    conference_id,
                })
                .collect())
        })
        .collect()
}

/// Makes `system_ids` the systems held busy by conference `id` over [start, end).
pub fn reserve(
    conn: &mut DbConnection,
    id: i64,
    system_ids: &[i64],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(), Error> {
    release(conn, id)?;
    let rows: Vec<_> = system_ids
        .iter()
        .map(|s| {
            (
                reservations::conference_id.eq(id),
                reservations::system_id.eq(*s),
                reservations::start_at.eq(to_epoch(start)),
                reservations::end_at.eq(to_epoch(end)),
            )
        })
        .collect();
    for row in rows {
        diesel::insert_into(reservations::table)
            .values(row)
            .execute(conn)?;
    }
    extend_reach(conn, system_ids, to_epoch(end) - to_epoch(start))
}

/// Records that `system_ids` now hold a reservation `length` seconds long.
fn extend_reach(conn: &mut DbConnection, system_ids: &[i64], length: i64) -> Result<(), Error> {
    if system_ids.is_empty() {
        return Ok(());
    }
    let known: Vec<(i64, i64)> = reservation_reach::table
        .filter(reservation_reach::system_id.eq_any(system_ids))
        .select((reservation_reach::system_id, reservation_reach::longest))
        .load(conn)?;
    for id in system_ids {
        match known.iter().find(|(s, _)| s == id) {
            Some((_, longest)) if *longest >= length => {}
            Some(_) => {
                diesel::update(reservation_reach::table.find(*id))
                    .set(reservation_reach::longest.eq(length))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(reservation_reach::table)
                    .values((
                        reservation_reach::system_id.eq(*id),
                        reservation_reach::longest.eq(length),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Frees the systems conference `id` holds.
pub fn release(conn: &mut DbConnection, id: i64) -> Result<(), Error> {
    diesel::delete(reservations::table.filter(reservations::conference_id.eq(id))).execute(conn)?;
    Ok(())
}

/// Ends the reservations of conference `id` at `end` (the meeting was ended early).
pub fn cut_reservations(conn: &mut DbConnection, id: i64, end: DateTime<Utc>) -> Result<(), Error> {
    diesel::update(reservations::table.filter(reservations::conference_id.eq(id)))
        .set(reservations::end_at.eq(to_epoch(end)))
        .execute(conn)?;
    Ok(())
}
