//! Reading conferences, systems and the replication log.
use super::save::owner_of;
use super::series::{booked, occurrence_at, series_of};
use super::{Booked, Booking};
use crate::domain::rights;
use crate::domain::state::{check_occurrence, matches, state_of};
use crate::domain::{
    Conference, Error, ErrorCode, Settings, StatusFilter, StoredStatus, System, Transaction, User,
};
use crate::store::{conferences, systems, transactions, users};
use chrono::{DateTime, Duration, Utc};

/// One answer of GetTransactionsSince: `incomplete` tells the client to ask again from the
/// last id it got.
pub struct TransactionPage {
    pub transactions: Vec<Transaction>,
    pub incomplete: bool,
}

impl Booking {
    /// GetDefaultConference: the configured defaults, starting now, owned by the caller.
    pub fn default_conference(&self, by: &User) -> Conference {
        let start = self.now();
        let start = start - Duration::nanoseconds(start.timestamp_subsec_nanos() as i64);
        let mut settings: Settings = self.rules.defaults.clone();
        // A PIN proposed, as TMS does (its captured answer: <Password>9817</Password>).
        if settings.password.is_none() {
            settings.password = Some(format!(
                "{:04}",
                rand::Rng::gen_range(&mut rand::thread_rng(), 0..10_000)
            ));
        }
        Conference {
            id: -1,
            title: crate::domain::validate::default_title(start),
            start,
            end: start + Duration::minutes(self.rules.default_duration_minutes),
            owner: owner_of(by),
            settings,
            participants: Vec::new(),
            external_source_id: None,
            external_primary_key: None,
            version: 0,
            status: StoredStatus::Booked,
            defective_reason: None,
            transaction_id: 0,
            series: Default::default(),
            route: None,
        }
    }

    /// GetConferenceById: a meeting, an occurrence, or a series with its occurrences.
    pub fn get(&self, id: i64) -> Result<Booked, Error> {
        self.store.read(|conn| {
            let c = conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id))?;
            booked(conn, c)
        })
    }

    /// GetRecurrentConferenceById: an occurrence's id names its series.
    pub fn get_series(&self, id: i64) -> Result<Booked, Error> {
        self.store.read(|conn| {
            let c = conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id))?;
            let c = if c.is_occurrence() {
                series_of(conn, &c)?
            } else {
                c
            };
            booked(conn, c)
        })
    }

    pub fn get_by_external(&self, source: &str, key: &str) -> Result<Booked, Error> {
        self.store.read(|conn| {
            let c = super::lifecycle::by_external(conn, source, key)?;
            booked(conn, c)
        })
    }

    /// The meeting the client's ids and RecurrenceIdUTC name: an occurrence of a series, or
    /// a single meeting on that day. Without `at`, a series is named by its own id.
    pub fn meeting_by_external(
        &self,
        source: &str,
        key: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<Conference, Error> {
        self.store.read(|conn| {
            let c = super::lifecycle::by_external(conn, source, key)?;
            match at {
                Some(at) if c.is_series() => occurrence_at(conn, &c, at),
                _ if c.is_series() => Ok(c),
                at => {
                    check_occurrence(&c, at)?;
                    Ok(c)
                }
            }
        })
    }

    pub fn for_user(
        &self,
        user_name: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        filter: StatusFilter,
        caller: &User,
    ) -> Result<Vec<Conference>, Error> {
        let now = self.now();
        self.store.read(|conn| {
            let uid = if user_name.is_empty() {
                caller.id
            } else {
                users::by_username(conn, crate::domain::rights::plain_user_name(user_name))?
                    .map(|c| c.user.id)
                    .ok_or_else(|| {
                        Error::new(
                            ErrorCode::UserNotFound,
                            format!("User '{user_name}' was not found."),
                        )
                    })?
            };
            // Someone else's list is theirs to read, or a reader's of all conferences.
            if !rights::reads_for(&caller.rights, caller.id, uid) {
                return Err(Error::new(
                    ErrorCode::NoAccessToConference,
                    format!("You have no access to the conferences of '{user_name}'."),
                ));
            }
            let list = conferences::in_window(conn, from, to, Some(uid))?;
            Ok(keep(list, filter, now))
        })
    }

    /// The meetings in `status` overlapping [from, to), earliest first (the admin lists of
    /// Defective meetings and of meeting requests).
    pub fn in_status(
        &self,
        status: StoredStatus,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Conference>, Error> {
        let list = self
            .store
            .read(|conn| conferences::in_window(conn, from, to, None))?;
        Ok(list.into_iter().filter(|c| c.status == status).collect())
    }

    pub fn for_systems(
        &self,
        system_ids: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        filter: StatusFilter,
    ) -> Result<Vec<Conference>, Error> {
        let now = self.now();
        self.store.read(|conn| {
            let known = systems::many(conn, system_ids)?;
            if let Some(missing) = system_ids
                .iter()
                .find(|id| !known.iter().any(|s| s.id == **id))
            {
                return Err(Error::new(
                    ErrorCode::SystemNotFound,
                    format!("System {missing} does not exist."),
                ));
            }
            let list = conferences::for_systems(conn, system_ids, from, to)?;
            Ok(keep(list, filter, now))
        })
    }

    pub fn transactions_since(
        &self,
        since: i64,
        system: Option<i64>,
    ) -> Result<TransactionPage, Error> {
        let page = self.transactions_page;
        self.store.read(|conn| {
            if since > 0 && !transactions::exists(conn, since)? {
                return Err(Error::new(
                    ErrorCode::MeetingNotFound,
                    format!("Transaction {since} does not exist."),
                ));
            }
            let mut list = transactions::since(conn, since, system, page + 1)?;
            let incomplete = list.len() as i64 > page;
            list.truncate(page as usize);
            Ok(TransactionPage {
                transactions: list,
                incomplete,
            })
        })
    }

    pub fn systems(&self) -> Result<Vec<System>, Error> {
        self.store.read(systems::all)
    }

    /// The booked rooms a bridge reports connected in a meeting running now.
    pub fn rooms_in_call(&self) -> Result<Vec<i64>, Error> {
        let now = self.now();
        self.store
            .read(|conn| crate::store::calls::rooms_connected(conn, now))
    }

    pub fn system(&self, id: i64) -> Result<System, Error> {
        self.store
            .read(|conn| systems::get(conn, id))?
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::SystemNotFound,
                    format!("System {id} does not exist."),
                )
            })
    }
}

fn keep(list: Vec<Conference>, filter: StatusFilter, now: DateTime<Utc>) -> Vec<Conference> {
    list.into_iter()
        .filter(|c| matches(filter, state_of(c, now)))
        .collect()
}
