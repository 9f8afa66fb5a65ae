//! Calendar feeds beyond TMS: a secret URL per room or user that any calendar can subscribe
//! to, made and revoked by administrators.
use super::Booking;
use crate::domain::{Error, ErrorCode, StoredStatus};
use crate::store::calendar_feeds::{self, Feed, Subject};
use crate::store::{conferences, installation, systems, users};
use chrono::Duration;
use rand::RngCore;

/// How far back and ahead a feed reaches.
const FEED_DAYS_BACK: i64 = 30;
const FEED_DAYS_AHEAD: i64 = 400;

impl Booking {
    /// A new feed of `subject`: its id and its secret, shown this once.
    pub fn create_feed(&self, subject: Subject) -> Result<(i64, String), Error> {
        let now = self.now();
        let mut bytes = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let id = self.store.write(|conn| {
            match subject {
                Subject::Room(id) => {
                    systems::get(conn, id)?.ok_or_else(|| {
                        Error::new(
                            ErrorCode::SystemNotFound,
                            format!("System {id} does not exist."),
                        )
                    })?;
                }
                Subject::User(id) => {
                    users::by_id(conn, id)?.ok_or_else(|| {
                        Error::new(
                            ErrorCode::UserNotFound,
                            format!("User {id} does not exist."),
                        )
                    })?;
                }
            }
            calendar_feeds::add(conn, subject, &token, now)
        })?;
        Ok((id, token))
    }

    pub fn feeds(&self) -> Result<Vec<Feed>, Error> {
        self.store.read(calendar_feeds::all)
    }

    /// Revokes feed `id`: its URL answers nothing from now on.
    pub fn revoke_feed(&self, id: i64) -> Result<(), Error> {
        let now = self.now();
        if self
            .store
            .write(|conn| calendar_feeds::revoke(conn, id, now))?
        {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::Unknown,
                format!("There is no live feed {id}."),
            ))
        }
    }

    /// The calendar a feed's secret shows, or None for a secret that names no live feed.
    pub fn feed_calendar(&self, token: &str) -> Result<Option<String>, Error> {
        let now = self.now();
        let (from, to) = (
            now - Duration::days(FEED_DAYS_BACK),
            now + Duration::days(FEED_DAYS_AHEAD),
        );
        self.store.read(|conn| {
            let Some(subject) = calendar_feeds::by_token(conn, token)? else {
                return Ok(None);
            };
            let (name, list) = match subject {
                Subject::Room(id) => (
                    systems::get(conn, id)?.map_or(format!("System {id}"), |s| s.name),
                    conferences::for_systems(conn, &[id], from, to)?,
                ),
                Subject::User(id) => (
                    users::by_id(conn, id)?.map_or(format!("User {id}"), |u| {
                        u.display_name.unwrap_or(u.username)
                    }),
                    conferences::in_window(conn, from, to, Some(id))?,
                ),
            };
            let list: Vec<_> = list
                .into_iter()
                .filter(|c| !matches!(c.status, StoredStatus::Deleted | StoredStatus::Rejected))
                .collect();
            let installation = installation::get(conn)?.unwrap_or_default();
            Ok(Some(crate::mail::feed::feed(
                &name,
                &list,
                &installation,
                now,
            )))
        })
    }
}
