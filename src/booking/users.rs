//! The users side of the remote setup API: listing users, checking permissions, service
//! accounts for integrations, primary systems, and what a user may book.
use super::routing::{check_again, system_ids};
use super::save::{decide, log};
use super::Booking;
use crate::directory::password;
use crate::domain::rights::{self, plain_user_name, Permission};
use crate::domain::{BookingMode, Conference, StoredStatus, TransactionType};
use crate::domain::{Error, ErrorCode, System, SystemCategory, User};
use crate::store::users::{self, Source};
use crate::store::{conferences, lock_systems, systems, DbConnection};
use base64::Engine;
use chrono::{DateTime, Utc};

/// The group a disabled API user keeps: references to it stay valid.
const KEPT_GROUP: &str = users::DEFAULT_GROUP;
use users::SITE_ADMINS;

fn not_found(name: &str) -> Error {
    Error::new(
        ErrorCode::UserNotFound,
        format!("User '{name}' was not found."),
    )
}

fn site_admin_only(by: &User, what: &str) -> Result<(), Error> {
    if by.rights.is_site_admin() {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::Security,
        format!("Only site administrators may {what}."),
    ))
}

/// The base of a generated account name, and the first free name from it: base, base1, ….
pub fn free_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (1..)
        .map(|n| format!("{base}{n}"))
        .find(|name| !taken(name))
        .unwrap_or_default()
}

impl Booking {
    /// GetUsers: every user, service accounts flagged hidden.
    pub fn users(&self) -> Result<Vec<User>, Error> {
        self.store.read(users::all)
    }

    /// IsBookOnBehalfOfUser: whether user `id` may book for others.
    pub fn may_book_on_behalf(&self, id: &str) -> Result<bool, Error> {
        let uid: i64 = id.trim().parse().map_err(|_| {
            Error::new(ErrorCode::UserNotFound, format!("'{id}' is not a user id."))
        })?;
        let user = self
            .store
            .read(|conn| users::by_id(conn, uid))?
            .ok_or_else(|| not_found(id))?;
        Ok(user.rights.has(Permission::BookOnBehalfOf))
    }

    /// SetPrimarySystem: false when no such system exists.
    pub fn set_primary_system(&self, by: &User, system: &str) -> Result<bool, Error> {
        let Ok(id) = system.trim().parse::<i64>() else {
            return Ok(false);
        };
        self.store.write(|conn| {
            if systems::get(conn, id)?.is_none() {
                return Ok(false);
            }
            users::set_primary_system(conn, by.id, Some(id))?;
            Ok(true)
        })
    }

    /// GenerateConferenceAPIUser: a hidden site administrator account for an integration,
    /// named from `base` with a numeric postfix when the name is taken. Answers
    /// DOMAIN\name.
    pub fn generate_api_user(
        &self,
        by: &User,
        base: &str,
        encoded_password: &str,
        email: Option<&str>,
        notifications: bool,
    ) -> Result<String, Error> {
        site_admin_only(by, "generate API users")?;
        let base = plain_user_name(base.trim());
        if base.is_empty() || base.contains(char::is_whitespace) {
            return Err(Error::invalid(
                "userNameBase must be a name without spaces.",
            ));
        }
        let secret = base64::engine::general_purpose::STANDARD
            .decode(encoded_password.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                Error::invalid("encPassword must be a base64-encoded, non-empty password.")
            })?;
        let hash = password::hash(&secret).map_err(Error::internal)?;
        let name = self.store.write(|conn| {
            let taken = users::names_starting_with(conn, base)?;
            let name = free_name(base, |n| taken.iter().any(|t| t.eq_ignore_ascii_case(n)));
            let user = User {
                username: name.clone(),
                email: email
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(String::from),
                display_name: Some(name.clone()),
                hidden: true,
                ..User::default()
            };
            let id = users::upsert(conn, &user, Some(&hash), Source::Local)?;
            users::set_groups(conn, id, &[KEPT_GROUP.to_string(), SITE_ADMINS.to_string()])?;
            users::set_notifications(conn, id, notifications)?;
            Ok(name)
        })?;
        self.store.users_changed();
        Ok(format!("{}\\{name}", self.domain))
    }

    /// DisableConferenceAPIUser: notifications off, out of every group but Users (so
    /// references stay valid), and, as the name says, the account can no longer log in.
    pub fn disable_api_user(&self, by: &User, login: &str) -> Result<(), Error> {
        site_admin_only(by, "disable API users")?;
        let name = plain_user_name(login.trim()).to_string();
        self.store.write(|conn| {
            let user = users::by_username(conn, &name)?.ok_or_else(|| not_found(login))?;
            users::set_notifications(conn, user.user.id, false)?;
            users::set_groups(conn, user.user.id, &[KEPT_GROUP.to_string()])?;
            users::set_disabled(conn, user.user.id, true)
        })?;
        self.store.users_changed();
        Ok(())
    }

    /// GetSystemsForUser: the bookable systems the user's groups may book.
    pub fn systems_for(&self, by: &User) -> Result<Vec<System>, Error> {
        Ok(self
            .systems()?
            .into_iter()
            .filter(|s| s.allow_booking && rights::may_book_system(&by.rights, s.id))
            .collect())
    }

    /// GetRecordingAliases: the recording systems the user may book, each with its
    /// aliases.
    pub fn recording_aliases(
        &self,
        by: &User,
        user_name: &str,
    ) -> Result<Vec<(System, Vec<String>)>, Error> {
        let user = match user_name.trim() {
            "" => by.clone(),
            name => {
                let u = self
                    .store
                    .read(|conn| users::by_username(conn, plain_user_name(name)))?
                    .ok_or_else(|| not_found(name))?
                    .user;
                if u.id != by.id {
                    rights::may_book(&by.rights, by.id, u.id, &by.username)?;
                }
                u
            }
        };
        Ok(self
            .systems_for(&user)?
            .into_iter()
            .filter(|s| s.category == SystemCategory::Recording)
            .map(|s| {
                let aliases = [&s.sip_uri, &s.e164_alias, &s.h323_id]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect();
                (s, aliases)
            })
            .collect())
    }

    /// Approves or rejects a meeting request (and every waiting occurrence of a series).
    pub fn decide_request(&self, id: i64, approve: bool, by: &User) -> Result<(), Error> {
        if !by.rights.has(Permission::ApproveMeeting) {
            return Err(Error::new(
                ErrorCode::Security,
                format!("User '{}' may not approve meetings.", by.username),
            ));
        }
        let now = self.now();
        self.store.write(|conn| {
            let c = conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id))?;
            self.settle_request(conn, c, approve, now, by)
        })
    }
}

impl Booking {
    /// An approver's decision on a meeting request: rejected, or booked as any booking
    /// would be now (Defective, with the reason, when its systems or a bridge are taken).
    fn settle_request(
        &self,
        conn: &mut DbConnection,
        c: Conference,
        approve: bool,
        now: DateTime<Utc>,
        by: &User,
    ) -> Result<(), Error> {
        if c.is_series() {
            let waiting: Vec<Conference> = conferences::occurrences(conn, c.id)?
                .into_iter()
                .filter(|o| o.status == StoredStatus::MeetingRequest)
                .collect();
            if waiting.is_empty() && c.status != StoredStatus::MeetingRequest {
                return Err(not_waiting(c.id));
            }
            for o in waiting {
                self.settle_one(conn, o, approve, by)?;
            }
            let mut series = c;
            series.status = StoredStatus::Booked;
            return refresh_series_status(conn, &mut series, by, approve);
        }
        if c.status != StoredStatus::MeetingRequest {
            return Err(not_waiting(c.id));
        }
        if approve && c.end <= now {
            return Err(Error::new(
                ErrorCode::CannotBookInThePast,
                format!("Conference {} has already ended.", c.id),
            ));
        }
        let series = c.series.series_id;
        self.settle_one(conn, c, approve, by)?;
        if let Some(id) = series {
            let mut head = conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id))?;
            refresh_series_status(conn, &mut head, by, approve)?;
        }
        Ok(())
    }

    fn settle_one(
        &self,
        conn: &mut DbConnection,
        mut c: Conference,
        approve: bool,
        by: &User,
    ) -> Result<(), Error> {
        let previous = c.version;
        c.version += 1;
        let mut reserve = false;
        if approve {
            lock_systems(conn, &system_ids(&c))?;
            let (conflicts, plan) = check_again(conn, &c, None)?;
            let verdict = decide(BookingMode::BestEffortForced, &conflicts, &plan)?;
            c.status = verdict.status;
            c.defective_reason = verdict.reason;
            c.route = Some(plan);
            reserve = verdict.reserve;
        } else {
            c.status = StoredStatus::Rejected;
        }
        conferences::update(conn, &c, previous)?;
        self.hold(conn, &c, reserve)?;
        log(conn, &c, TransactionType::Updated, by.id)?;
        Ok(())
    }
}

fn not_waiting(id: i64) -> Error {
    Error::invalid(format!(
        "Conference {id} is not a meeting request waiting for approval."
    ))
}

/// A series' own status once its requests are settled: Rejected when they were turned
/// down, else Defective while any occurrence is.
fn refresh_series_status(
    conn: &mut DbConnection,
    series: &mut Conference,
    by: &User,
    approved: bool,
) -> Result<(), Error> {
    let occurrences = conferences::occurrences(conn, series.id)?;
    let defective = occurrences
        .iter()
        .filter(|o| o.status == StoredStatus::Defective)
        .count();
    let status = if !approved {
        StoredStatus::Rejected
    } else if defective > 0 {
        StoredStatus::Defective
    } else {
        StoredStatus::Booked
    };
    let previous = series.version;
    series.status = status;
    series.defective_reason =
        (defective > 0).then(|| format!("{defective} occurrence(s) could not be booked."));
    series.version += 1;
    conferences::update(conn, series, previous)?;
    log(conn, series, TransactionType::Updated, by.id)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_names() {
        let table: Vec<(&str, Vec<&str>, &str)> = vec![
            ("tms-admin", vec![], "tms-admin"),
            ("tms-admin", vec!["tms-admin"], "tms-admin1"),
            (
                "tms-admin",
                vec!["tms-admin", "TMS-ADMIN1", "tms-admin3"],
                "tms-admin2",
            ),
        ];
        for (base, taken, want) in table {
            let got = super::free_name(base, |n| taken.iter().any(|t| t.eq_ignore_ascii_case(n)));
            assert_eq!(got, want);
        }
    }
}
