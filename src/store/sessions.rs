//! ClientSession ids of licensed API clients.
use super::schema::client_sessions;
use super::DbConnection;
use crate::domain::time::{from_epoch, to_epoch};
use crate::domain::Error;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Session {
    pub id: String,
    pub client_address: String,
    pub user_name: String,
    first_used: i64,
    last_used: i64,
}

impl Session {
    pub fn first_used(&self) -> DateTime<Utc> {
        from_epoch(self.first_used)
    }

    pub fn last_used(&self) -> DateTime<Utc> {
        from_epoch(self.last_used)
    }
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<Session>, Error> {
    Ok(client_sessions::table.find(id).first(conn).optional()?)
}

/// Sessions first used after `since` (the live ones, for the caller's `since`).
pub fn live(conn: &mut DbConnection, since: DateTime<Utc>) -> Result<Vec<Session>, Error> {
    Ok(client_sessions::table
        .filter(client_sessions::first_used.gt(to_epoch(since)))
        .order(client_sessions::first_used)
        .load(conn)?)
}

pub fn start(
    conn: &mut DbConnection,
    id: &str,
    client_address: &str,
    user_name: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    diesel::delete(client_sessions::table.find(id)).execute(conn)?;
    diesel::insert_into(client_sessions::table)
        .values((
            client_sessions::id.eq(id),
            client_sessions::client_address.eq(client_address),
            client_sessions::user_name.eq(user_name),
            client_sessions::first_used.eq(to_epoch(now)),
            client_sessions::last_used.eq(to_epoch(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn touch(
    conn: &mut DbConnection,
    id: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    diesel::update(client_sessions::table.find(id))
        .set((
            client_sessions::last_used.eq(to_epoch(now)),
            client_sessions::client_address.eq(client_address),
        ))
        .execute(conn)?;
    Ok(())
}
