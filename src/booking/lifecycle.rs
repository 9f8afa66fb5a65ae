//! Ending and deleting conferences.
use super::save::{is_ongoing, log};
use super::Booking;
use crate::domain::state::state_of;
use crate::domain::{
    Conference, ConferenceState, Error, ErrorCode, StoredStatus, TransactionType, User,
};
use crate::store::{conferences, DbConnection};

impl Booking {
    /// DeleteConferenceById: a pending booking is deleted, an ongoing one is ended.
    pub fn delete(&self, id: i64, by: &User) -> Result<(), Error> {
        let now = self.now();
        self.store.write(|conn| {
            let c = conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id))?;
            self.delete_in(conn, c, by, now)
        })
    }

    pub fn delete_by_external(&self, source: &str, key: &str, by: &User) -> Result<(), Error> {
        let now = self.now();
        self.store.write(|conn| {
            let c = by_external(conn, source, key)?;
            self.delete_in(conn, c, by, now)
        })
    }

    fn delete_in(
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
        conferences::release(conn, c.id)?;
        log(conn, &c, TransactionType::Deleted, by.id)?;
        Ok(())
    }

    /// EndConferenceById: an ongoing conference becomes Finished now.
    pub fn end(&self, id: i64, by: &User) -> Result<(), Error> {
        let now = self.now();
        self.store.write(|conn| {
            let c = conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id))?;
            self.end_in(conn, c, by, now)
        })
    }

    pub fn end_by_external(&self, source: &str, key: &str, by: &User) -> Result<(), Error> {
        let now = self.now();
        self.store.write(|conn| {
            let c = by_external(conn, source, key)?;
            self.end_in(conn, c, by, now)
        })
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
        conferences::cut_reservations(conn, c.id, now)?;
        log(conn, &c, TransactionType::Updated, by.id)?;
        Ok(())
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
