//! Calendar feeds: which room's or user's meetings a secret URL shows. The secret itself is
//! never stored, only its SHA-256.
use super::schema::calendar_feeds;
use super::DbConnection;
use crate::domain::time::{from_epoch, to_epoch};
use crate::domain::Error;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a feed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Subject {
    /// The meetings a system is booked in.
    Room(i64),
    /// The meetings a user owns.
    User(i64),
}

impl Subject {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Subject::Room(id) => ("room", id),
            Subject::User(id) => ("user", id),
        }
    }

    fn of(kind: &str, id: i64) -> Subject {
        match kind {
            "user" => Subject::User(id),
            _ => Subject::Room(id),
        }
    }
}

/// A feed as the admin API shows it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feed {
    pub id: i64,
    pub subject: Subject,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Records a feed of `subject` whose secret is `token`; its id.
pub fn add(
    conn: &mut DbConnection,
    subject: Subject,
    token: &str,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    let (kind, id) = subject.parts();
    Ok(diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::token_hash.eq(hash(token)),
            calendar_feeds::kind.eq(kind),
            calendar_feeds::subject_id.eq(id),
            calendar_feeds::created_at.eq(to_epoch(now)),
        ))
        .returning(calendar_feeds::id)
        .get_result::<i64>(conn)?)
}

/// The subject of the live feed whose secret is `token`.
pub fn by_token(conn: &mut DbConnection, token: &str) -> Result<Option<Subject>, Error> {
    let row: Option<(String, i64)> = calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(hash(token)))
        .filter(calendar_feeds::revoked_at.is_null())
        .select((calendar_feeds::kind, calendar_feeds::subject_id))
        .first(conn)
        .optional()?;
    Ok(row.map(|(k, id)| Subject::of(&k, id)))
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<Feed>, Error> {
    let rows: Vec<(i64, String, i64, i64, Option<i64>)> = calendar_feeds::table
        .order(calendar_feeds::id)
        .select((
            calendar_feeds::id,
            calendar_feeds::kind,
            calendar_feeds::subject_id,
            calendar_feeds::created_at,
            calendar_feeds::revoked_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, subject, created, revoked)| Feed {
            id,
            subject: Subject::of(&kind, subject),
            created_at: from_epoch(created),
            revoked_at: revoked.map(from_epoch),
        })
        .collect())
}

/// Revokes feed `id`; whether there was a live one.
pub fn revoke(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<bool, Error> {
    let n = diesel::update(
        calendar_feeds::table
            .find(id)
            .filter(calendar_feeds::revoked_at.is_null()),
    )
    .set(calendar_feeds::revoked_at.eq(to_epoch(now)))
    .execute(conn)?;
    Ok(n > 0)
}
