//! Console sessions as stored: by the digest of their cookie, with their user, CSRF token
//! and when they were last used (milliseconds since the epoch).
use super::schema::console_sessions;
use super::DbConnection;
use crate::domain::Error;
use diesel::prelude::*;

/// A stored session: its user, its CSRF token, when it was last used.
pub type Stored = (i64, String, i64);

/// Stores a new session and forgets those last used before `idle_before`.
pub fn open(
    conn: &mut DbConnection,
    key: &str,
    user_id: i64,
    csrf: &str,
    now: i64,
    idle_before: i64,
) -> Result<(), Error> {
    diesel::delete(console_sessions::table.filter(console_sessions::last_used.lt(idle_before)))
        .execute(conn)?;
    diesel::insert_into(console_sessions::table)
        .values((
            console_sessions::id.eq(key),
            console_sessions::user_id.eq(user_id),
            console_sessions::csrf.eq(csrf),
            console_sessions::last_used.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, key: &str) -> Result<Option<Stored>, Error> {
    Ok(console_sessions::table
        .find(key)
        .select((
            console_sessions::user_id,
            console_sessions::csrf,
            console_sessions::last_used,
        ))
        .first(conn)
        .optional()?)
}

pub fn used(conn: &mut DbConnection, key: &str, now: i64) -> Result<(), Error> {
    diesel::update(console_sessions::table.find(key))
        .set(console_sessions::last_used.eq(now))
        .execute(conn)?;
    Ok(())
}

pub fn close(conn: &mut DbConnection, key: &str) -> Result<(), Error> {
    diesel::delete(console_sessions::table.find(key)).execute(conn)?;
    Ok(())
}
