//! Ending and deleting conferences.
use super::notify::Notify;
use super::save::{is_ongoing, log};
use super::series::{occurrence_at, series_of};
use super::Booking;
use crate::domain::rights::may_change;
use crate::domain::state::{check_occurrence, state_of};
use crate::domain::{
    Conference, ConferenceState, Error, ErrorCode, StoredStatus, TransactionType, User,
};
use crate::store::{conferences, DbConnection};
use chrono::{DateTime, Utc};

/// The conference a delete or end names: by TMS id, or by the client's own ids.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Id(i64),
    /// `occurrence`: the RecurrenceIdUTC the client named, if any.
    External {
        source: &'a str,
        key: &'a str,
        occurrence: Option<DateTime<Utc>>,
    },
}

impl Booking {
    /// DeleteConferenceById/ByExternalId: a pending booking is deleted, an ongoing one is
    /// ended; a series (named by itself or by one of its occurrences) is deleted whole.
    /// With `notify.confirm`, the owner and EmailTo are sent the cancellation.
    pub fn delete(&self, target: Target, by: &User, notify: &Notify) -> Result<(), Error> {
        let now = self.now();
        let done = self.store.write(|conn| {
            let c = find(conn, target)?;
            may_change(&by.rights, by.id, c.owner.id, c.id)?;
            // What the meeting held on a bridge may be what a Defective one waits for.
            let (gone, already) = if c.is_series() || c.is_occurrence() {
                let series = series_of(conn, &c)?;
                let seen = (series.id, series.status == StoredStatus::Deleted);
                self.delete_series_in(conn, series, by, now)?;
                self.heal_all_later(conn)?;
                seen
            } else {
                let seen = (c.id, c.status == StoredStatus::Deleted);
                let freed = (c.start.max(now), c.end);
                self.delete_meeting_in(conn, c, by, now)?;
                self.heal_later(conn, freed.0, freed.1)?;
                seen
            };
            // A retried delete cancels nothing more.
            if !already {
                self.queue_cancellation(conn, gone, notify, now)?;
            }
            Ok(gone)
        });
        let done = done.as_ref().map(|id| (*id, "deleted"));
        self.changed("delete", target.id(), by, done);
        done.map(|_| ()).map_err(Clone::clone)
    }

    pub(super) fn delete_meeting_in(
        &self,
        conn: &mut DbConnection,
        mut c: Conference,
        by: &User,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), Error> {
        match state_of(&c, now) {
            // Deleting twice is what a retrying client does; the first one counted.
            ConferenceState::Deleted => return Ok(()),
            ConferenceState::Finished => {
                return Err(Error::new(
                    ErrorCode::CannotBookInThePast,
                    format!("Conference {} has ended and cannot be deleted.", c.id),
                ))
            }
            _ if is_ongoing(&c, now) => return self.end_in(conn, c, by, now),
            _ => {}
        }
        let previous = c.version;
        c.status = StoredStatus::Deleted;
        c.version += 1;
        conferences::update(conn, &c, previous)?;
        self.release(conn, c.id)?;
        log(conn, &c, TransactionType::Deleted, by.id)?;
        Ok(())
    }

    /// EndConferenceById/ByExternalId: an ongoing conference becomes Finished now; for a
    /// series, its running occurrence.
    pub fn end(&self, target: Target, by: &User) -> Result<(), Error> {
        let now = self.now();
        let done = self.store.write(|conn| {
            let mut c = find(conn, target)?;
            may_change(&by.rights, by.id, c.owner.id, c.id)?;
            if c.is_series() {
                let series = c;
                c = conferences::occurrences(conn, series.id)?
                    .into_iter()
                    .find(|o| is_ongoing(o, now))
                    .ok_or_else(|| {
                        Error::new(
                            ErrorCode::MeetingNotActive,
                            format!("No occurrence of series {} is running.", series.id),
                        )
                    })?;
            }
            let (ended, freed) = (c.id, (now, c.end));
            self.end_in(conn, c, by, now)?;
            self.heal_later(conn, freed.0, freed.1)?;
            Ok(ended)
        });
        let done = done.as_ref().map(|id| (*id, "ended"));
        self.changed("end", target.id(), by, done);
        done.map(|_| ()).map_err(Clone::clone)
    }

    fn end_in(
        &self,
        conn: &mut DbConnection,
        mut c: Conference,
        by: &User,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), Error> {
        match state_of(&c, now) {
            ConferenceState::Ongoing => {}
            ConferenceState::Deleted => {
                return Err(Error::new(
                    ErrorCode::MeetingIsDeleted,
                    format!("Conference {} has been deleted.", c.id),
                ))
            }
            other => {
                return Err(Error::new(
                    ErrorCode::MeetingNotActive,
                    format!("Conference {} is not active ({other:?}).", c.id),
                ))
            }
        }
        let previous = c.version;
        c.end = now;
        c.version += 1;
        conferences::update(conn, &c, previous)?;
        self.cut(conn, c.id, now)?;
        log(conn, &c, TransactionType::Updated, by.id)?;
        Ok(())
    }
}

fn find(conn: &mut DbConnection, target: Target) -> Result<Conference, Error> {
    match target {
        Target::Id(id) => conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id)),
        Target::External {
            source,
            key,
            occurrence,
        } => {
            let c = by_external(conn, source, key)?;
            match occurrence {
                Some(at) if c.is_series() => occurrence_at(conn, &c, at),
                _ => {
                    if !c.is_series() {
                        check_occurrence(&c, occurrence)?;
                    }
                    Ok(c)
                }
            }
        }
    }
}

pub(super) fn by_external(
    conn: &mut DbConnection,
    source: &str,
    key: &str,
) -> Result<Conference, Error> {
    conferences::by_external(conn, source, key)?.ok_or_else(|| {
        Error::new(
            ErrorCode::MeetingNotFound,
            format!(
                "No conference has ExternalSourceId '{source}' and ExternalPrimaryKey '{key}'."
            ),
        )
    })
}
