//! The mail outbox: mail written in the transaction of the change it tells of, claimed by
//! the mail worker (PostgreSQL: SKIP LOCKED, so several instances share it), sent once.
use super::outbox::{outbox_due, outbox_steps};
use super::schema::mail_outbox;
use super::DbConnection;
use crate::domain::time::{from_epoch, to_epoch};
use crate::domain::Error;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::Serialize;

/// A mail to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub conference_id: Option<i64>,
    /// confirmation, defective, healed, approval.
    pub kind: &'static str,
    pub recipients: Vec<String>,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub ical: Option<String>,
}

/// A mail claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub id: i64,
    pub recipients: Vec<String>,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub ical: Option<String>,
    pub attempts: i32,
}

pub fn add(conn: &mut DbConnection, m: &NewMail, now: DateTime<Utc>) -> Result<(), Error> {
    if m.recipients.is_empty() {
        return Ok(());
    }
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::conference_id.eq(m.conference_id),
            mail_outbox::kind.eq(m.kind),
            mail_outbox::recipients.eq(m.recipients.join("\n")),
            mail_outbox::subject.eq(&m.subject),
            mail_outbox::body_text.eq(&m.body_text),
            mail_outbox::body_html.eq(&m.body_html),
            mail_outbox::ical.eq(&m.ical),
            mail_outbox::created_at.eq(to_epoch(now)),
            mail_outbox::due_at.eq(to_epoch(now)),
            mail_outbox::state.eq("pending"),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether anything is due; a read, so an idle worker takes no write lock.
pub fn any_due(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<bool, Error> {
    let n: i64 = mail_outbox::table
        .filter(outbox_due!(mail_outbox, now))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i32,
);

/// Claims up to `limit` due mails for `lease`.
pub fn claim(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Mail>, Error> {
    let due = mail_outbox::table
        .filter(outbox_due!(mail_outbox, now))
        .order((mail_outbox::due_at, mail_outbox::id))
        .limit(limit)
        .select((
            mail_outbox::id,
            mail_outbox::recipients,
            mail_outbox::subject,
            mail_outbox::body_text,
            mail_outbox::body_html,
            mail_outbox::ical,
            mail_outbox::attempts,
        ));
    let rows: Vec<Row> = match conn {
        DbConnection::Pg(c) => due.for_update().skip_locked().load(c)?,
        DbConnection::Sqlite(c) => due.load(c)?,
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    take_lease(conn, &ids, now, lease)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, recipients, subject, body_text, body_html, ical, attempts)| Mail {
                id,
                recipients: recipients.lines().map(String::from).collect(),
                subject,
                body_text,
                body_html,
                ical,
                attempts: attempts + 1,
            },
        )
        .collect())
}

outbox_steps!(mail_outbox, "sent");

/// A mail as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailView {
    pub id: i64,
    pub conference_id: Option<i64>,
    pub kind: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
}

type ViewRow = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    i64,
    i64,
    String,
    i32,
    Option<String>,
);

/// The mails in `states`, newest first, at most `limit`.
pub fn list(conn: &mut DbConnection, states: &[&str], limit: i64) -> Result<Vec<MailView>, Error> {
    let rows: Vec<ViewRow> = mail_outbox::table
        .filter(mail_outbox::state.eq_any(states))
        .order(mail_outbox::id.desc())
        .limit(limit)
        .select((
            mail_outbox::id,
            mail_outbox::conference_id,
            mail_outbox::kind,
            mail_outbox::recipients,
            mail_outbox::subject,
            mail_outbox::created_at,
            mail_outbox::due_at,
            mail_outbox::state,
            mail_outbox::attempts,
            mail_outbox::last_error,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                conference_id,
                kind,
                recipients,
                subject,
                created,
                due,
                state,
                attempts,
                last_error,
            )| {
                MailView {
                    id,
                    conference_id,
                    kind,
                    recipients: recipients.lines().map(String::from).collect(),
                    subject,
                    created_at: from_epoch(created),
                    due_at: from_epoch(due),
                    state,
                    attempts,
                    last_error,
                }
            },
        )
        .collect())
}
