//! SaveConferenceWithMode and friends: validate → check endpoints → plan → persist → log.
use super::import::Kept;
use super::notify::{saved_conference, Event, Notify};
use super::routing::plan_windows;
use super::series::series_of;
use super::{Booked, Booking};
use crate::directory::remember;
use crate::domain::rights::{self, plain_user_name};
use crate::domain::route::RoutePlan;
use crate::domain::state::state_of;
use crate::domain::validate::prepare;
use crate::domain::{
    BookingMode, Conference, ConferenceRequest, ConferenceState, Error, ErrorCode, Owner,
    StoredStatus, TransactionType, User,
};
use crate::store::conferences::{self, Conflict};
use crate::store::{lock_systems, systems, transactions, users, DbConnection};
use chrono::{DateTime, Utc};

/// The conference a save changed and its stored status.
fn saved_outcome(b: &Booked) -> (i64, &'static str) {
    let c = saved_conference(b);
    (c.id, c.status.as_str())
}

impl Booking {
    /// Creates or updates a single meeting or a whole series.
    pub fn save(
        &self,
        req: &ConferenceRequest,
        mode: BookingMode,
        by: &User,
    ) -> Result<Booked, Error> {
        self.save_notified(req, mode, by, &Notify::default())
    }

    /// Saves, and leaves the mail `notify` asks for in the outbox in the same transaction.
    pub fn save_notified(
        &self,
        req: &ConferenceRequest,
        mode: BookingMode,
        by: &User,
        notify: &Notify,
    ) -> Result<Booked, Error> {
        let now = self.now();
        let done = self.store.write(|conn| {
            let saved = self.save_in(conn, req, mode, by, now, None)?;
            self.queue_confirmation(conn, saved_conference(&saved), notify, now)?;
            Ok(saved)
        });
        self.changed("save", Some(req.id), by, done.as_ref().map(saved_outcome));
        done
    }

    /// Saves every conference or none (SaveConferences with oneTransaction).
    pub fn save_all(
        &self,
        reqs: &[ConferenceRequest],
        by: &User,
        notify: &Notify,
    ) -> Result<Vec<Booked>, Error> {
        let now = self.now();
        let done = self.store.write(|conn| {
            // Every system's lock first: the locks keep one order (systems, routing, log)
            // while one meeting after another is saved in this transaction.
            let all: Vec<i64> = systems::all(conn)?.iter().map(|s| s.id).collect();
            lock_systems(conn, &all)?;
            let mut out = vec![];
            for r in reqs {
                let saved = self.save_in(conn, r, BookingMode::Strict, by, now, None)?;
                self.queue_confirmation(conn, saved_conference(&saved), notify, now)?;
                out.push(saved);
            }
            Ok(out)
        });
        match &done {
            Ok(all) => all
                .iter()
                .for_each(|b| self.changed("save", None, by, Ok(saved_outcome(b)))),
            Err(e) => self.changed("save", None, by, Err(e)),
        }
        done
    }

    /// Saves `req`; a new meeting moved from TMS (`kept`) keeps TMS's ids and versions.
    pub(super) fn save_in(
        &self,
        conn: &mut DbConnection,
        req: &ConferenceRequest,
        mode: BookingMode,
        by: &User,
        now: DateTime<Utc>,
        kept: Option<&Kept>,
    ) -> Result<Booked, Error> {
        // An occurrence names its series: saving it saves the series (spec: "If this
        // function is performed on a recurrent series, the entire series is affected").
        let existing = match find_target(conn, req)? {
            Some(c) if c.is_occurrence() => Some(series_of(conn, &c)?),
            other => other,
        };
        if let (Some(c), Some(v)) = (&existing, req.version) {
            if c.version != v {
                return Err(Error::new(
                    ErrorCode::ConcurrentModification,
                    format!(
                        "Conference {} is at version {}, not {v}; read it again before saving.",
                        c.id, c.version
                    ),
                ));
            }
        }
        // A moved or smaller meeting may leave room a Defective one waits for.
        let freed = existing.as_ref().map(|c| (c.start, c.end, c.is_series()));
        let was = existing.as_ref().map(|c| c.status);
        let saved =
            if req.recurrence.is_some() || existing.as_ref().is_some_and(Conference::is_series) {
                Booked::Series(self.save_series_in(
                    conn,
                    req,
                    existing,
                    mode,
                    Author { by, kept },
                    now,
                )?)
            } else {
                Booked::Meeting(self.save_meeting_in(
                    conn,
                    req,
                    existing,
                    mode,
                    Author { by, kept },
                    now,
                )?)
            };
        match freed {
            Some((_, _, true)) => self.heal_all_later(conn)?,
            Some((start, end, false)) => self.heal_later(conn, start.max(now), end)?,
            None => {}
        }
        let c = saved_conference(&saved);
        let event = match c.status {
            StoredStatus::MeetingRequest => Some(Event::AwaitingApproval),
            StoredStatus::Defective => Some(Event::Defective),
            _ => None,
        };
        if let Some(event) = event.filter(|_| was != Some(c.status)) {
            self.queue_event(conn, c, event, now)?;
        }
        Ok(saved)
    }

    fn save_meeting_in(
        &self,
        conn: &mut DbConnection,
        req: &ConferenceRequest,
        existing: Option<Conference>,
        mode: BookingMode,
        author: Author,
        now: DateTime<Utc>,
    ) -> Result<Conference, Error> {
        let Author { by, kept } = author;
        let mut draft = prepare(req, existing.as_ref(), &self.rules, now)?;
        draft.owner = self.owner_for(conn, &draft.owner, existing.as_ref(), by)?;
        self.check_systems(conn, &draft.system_ids(), by)?;
        if draft.settings.time_zone.is_none() {
            let zone = super::series::zone_for(
                conn,
                None,
                None,
                draft.owner.id,
                &draft.system_ids(),
                &self.rules.time_zone,
            )?;
            draft.settings.zone_name = zone.name();
        }

        let system_ids = draft.system_ids();
        lock_systems(conn, &system_ids)?;
        let conflicts = conferences::conflicts(
            conn,
            &system_ids,
            &[(draft.start, draft.end)],
            existing.as_ref().map(|c| c.id),
        )?
        .pop()
        .unwrap_or_default();
        let except: Vec<i64> = existing.iter().map(|c| c.id).collect();
        let plan = plan_windows(
            conn,
            &draft.participants,
            &draft.settings,
            existing.as_ref().and_then(|c| c.route.as_ref()),
            &[(draft.start, draft.end)],
            &except,
            None,
        )?
        .pop()
        .unwrap_or(RoutePlan::Direct);
        let verdict = awaiting_approval(decide(mode, &conflicts, &plan)?, by);

        let mut conf = Conference {
            id: existing
                .as_ref()
                .map(|c| c.id)
                .or(kept.map(|k| k.id))
                .unwrap_or(0),
            title: draft.title,
            start: draft.start,
            end: draft.end,
            owner: draft.owner,
            settings: draft.settings,
            participants: draft.participants,
            external_source_id: draft.external_source_id,
            external_primary_key: draft.external_primary_key,
            version: existing
                .as_ref()
                .map(|c| c.version + 1)
                .or(kept.map(|k| k.version))
                .unwrap_or(1),
            status: verdict.status,
            defective_reason: verdict.reason,
            transaction_id: 0,
            series: existing
                .as_ref()
                .map(|c| c.series.clone())
                .unwrap_or_default(),
            route: Some(plan),
        };
        let kind = match &existing {
            Some(c) => {
                conferences::update(conn, &conf, c.version)?;
                TransactionType::Updated
            }
            None => {
                conf.id = conferences::insert(conn, &conf, by.id)?;
                TransactionType::New
            }
        };
        self.hold(conn, &conf, verdict.reserve)?;
        conf.transaction_id = log(conn, &conf, kind, by.id)?;
        Ok(conf)
    }
}

/// Who saves, and for a meeting moved from TMS the ids and version it keeps.
#[derive(Clone, Copy)]
pub(super) struct Author<'a> {
    pub by: &'a User,
    pub kept: Option<&'a Kept>,
}

/// Appends the replication row for a change to `conf` and stamps it on the conference.
pub(super) fn log(
    conn: &mut DbConnection,
    conf: &Conference,
    kind: TransactionType,
    by: i64,
) -> Result<i64, Error> {
    let systems: Vec<i64> = conf
        .participants
        .iter()
        .filter(|p| p.call_type == crate::domain::CallType::Tms)
        .map(|p| p.id)
        .collect();
    let id = transactions::append(
        conn,
        &transactions::Entry {
            conference_id: conf.id,
            kind,
            performed_by: by,
            system_ids: &systems,
            external_source_id: conf.external_source_id.as_deref(),
            external_primary_key: conf.external_primary_key.as_deref(),
        },
    )?;
    conferences::set_transaction_id(conn, conf.id, id)?;
    Ok(id)
}

/// The spec's lookup order: external ids first, then ConferenceId (< 1 creates).
pub(super) fn find_target(
    conn: &mut DbConnection,
    req: &ConferenceRequest,
) -> Result<Option<Conference>, Error> {
    if let (Some(src), Some(key)) = (&req.external_source_id, &req.external_primary_key) {
        if !key.is_empty() {
            if let Some(c) = conferences::by_external(conn, src, key)? {
                return Ok(Some(c));
            }
        }
    }
    if req.id > 0 {
        return conferences::get(conn, req.id)?
            .map(Some)
            .ok_or_else(|| Error::not_found(req.id));
    }
    Ok(None)
}

impl Booking {
    /// The booking's owner as the spec resolves it, checked against what the caller may do:
    /// Booking, Book on behalf of for someone else's booking, and, on update, ownership or
    /// Update.
    pub(super) fn owner_for(
        &self,
        conn: &mut DbConnection,
        given: &Owner,
        existing: Option<&Conference>,
        by: &User,
    ) -> Result<Owner, Error> {
        let owner = self.resolve_owner(conn, given, existing, by)?;
        rights::may_book(&by.rights, by.id, owner.id, &by.username)?;
        if let Some(c) = existing {
            rights::may_change(&by.rights, by.id, c.owner.id, c.id)?;
        }
        Ok(owner)
    }

    /// OwnerId when it is a user; with OwnerId -1, OwnerUserName; otherwise
    /// OwnerEmailAddress, then the directory, else a user made from the address. With none
    /// given: the stored owner on update, else the caller.
    fn resolve_owner(
        &self,
        conn: &mut DbConnection,
        given: &Owner,
        existing: Option<&Conference>,
        by: &User,
    ) -> Result<Owner, Error> {
        let not_found = |what: String| Error::new(ErrorCode::UserNotFound, what);
        let text = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        if given.id > 0 {
            return users::by_id(conn, given.id)?
                .map(|u| owner_of(&u))
                .ok_or_else(|| not_found(format!("No user has OwnerId {}.", given.id)));
        }
        if given.id == -1 {
            let name = text(&given.user_name)
                .ok_or_else(|| not_found("OwnerId -1 needs an OwnerUserName.".into()))?;
            if let Some(c) = users::by_username(conn, plain_user_name(&name))? {
                return Ok(owner_of(&c.user));
            }
            let found = match &self.directory {
                Some(ldap) => ldap.find_by_username(&name)?,
                None => None,
            };
            return match found {
                Some(e) => Ok(owner_of(&remember(conn, &e)?)),
                None => Err(not_found(format!("User '{name}' was not found."))),
            };
        }
        if let Some(mail) = text(&given.email) {
            if let Some(u) = users::by_email(conn, &mail)? {
                return Ok(owner_of(&u));
            }
            if let Some(ldap) = &self.directory {
                if let Some(e) = ldap.find_by_mail(&mail)? {
                    return Ok(owner_of(&remember(conn, &e)?));
                }
            }
            if !mail.contains('@') {
                return Err(not_found(format!("'{mail}' is not an email address.")));
            }
            let user = User {
                username: mail.clone(),
                email: Some(mail),
                first_name: text(&given.first_name),
                last_name: text(&given.last_name),
                ..User::default()
            };
            let id = users::upsert(conn, &user, None, users::Source::Email)?;
            users::join_default_group(conn, id)?;
            return Ok(owner_of(&User { id, ..user }));
        }
        Ok(match existing {
            Some(c) => c.owner.clone(),
            None => owner_of(by),
        })
    }
}

/// A booking by a user without Approve Meeting waits as a meeting request, holding nothing.
pub(super) fn awaiting_approval(verdict: Verdict, by: &User) -> Verdict {
    if rights::needs_approval(&by.rights) && verdict.status != StoredStatus::Deleted {
        return Verdict {
            status: StoredStatus::MeetingRequest,
            reason: None,
            reserve: false,
        };
    }
    verdict
}

pub(crate) fn owner_of(u: &User) -> Owner {
    Owner {
        id: u.id,
        user_name: Some(u.username.clone()),
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        email: u.email.clone(),
    }
}

impl Booking {
    /// The systems exist, allow bookings, the caller's groups may book them, and each holds
    /// a licence (per-system licensing).
    pub(super) fn check_systems(
        &self,
        conn: &mut DbConnection,
        ids: &[i64],
        by: &User,
    ) -> Result<(), Error> {
        systems_bookable(conn, ids, by)?;
        self.license_systems(conn, ids)
    }
}

fn systems_bookable(conn: &mut DbConnection, ids: &[i64], by: &User) -> Result<(), Error> {
    let found = systems::many(conn, ids)?;
    for id in ids {
        match found.iter().find(|s| s.id == *id) {
            None => {
                return Err(Error::new(
                    ErrorCode::SystemNotFound,
                    format!("System {id} does not exist."),
                ))
            }
            Some(s) if !s.allow_booking => {
                return Err(Error::new(
                    ErrorCode::SystemNotAllowedInBooking,
                    format!("System {} ({}) does not allow bookings.", s.id, s.name),
                ))
            }
            Some(_) => {}
        }
    }
    rights::check_systems(&by.rights, ids, &by.username)
}

/// What a save stores, given the booking mode and what stands in its way.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub status: StoredStatus,
    pub reason: Option<String>,
    /// Whether the systems are held busy. A Defective booking caused by a routing problem
    /// still holds its systems; one caused by an endpoint conflict does not (spec:
    /// "Defective Conferences").
    pub reserve: bool,
}

pub(crate) fn decide(
    mode: BookingMode,
    conflicts: &[Conflict],
    plan: &RoutePlan,
) -> Result<Verdict, Error> {
    let conflict_text = conflicts
        .iter()
        .map(|c| {
            format!(
                "system {} is already booked in conference {}",
                c.system_id, c.conference_id
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let route_reasons = match plan {
        RoutePlan::Unroutable { reasons, .. } => Some(reasons.join("; ")),
        _ => None,
    };
    match mode {
        BookingMode::Strict if !conflicts.is_empty() => Err(Error::new(
            ErrorCode::SystemAlreadyBooked,
            format!("Cannot book: {conflict_text}."),
        )),
        BookingMode::Strict
            if matches!(
                plan,
                RoutePlan::Unroutable {
                    incapable: true,
                    ..
                }
            ) =>
        {
            Err(Error::new(
                ErrorCode::ParticipantError,
                format!(
                    "No bridge can host these participants: {}.",
                    route_reasons.unwrap_or_default()
                ),
            ))
        }
        BookingMode::Strict if route_reasons.is_some() => Err(Error::new(
            ErrorCode::NotEnoughMcuResources,
            format!(
                "Cannot route the conference: {}.",
                route_reasons.unwrap_or_default()
            ),
        )),
        _ => {
            let reasons: Vec<String> = [
                (!conflicts.is_empty()).then_some(conflict_text),
                route_reasons,
            ]
            .into_iter()
            .flatten()
            .collect();
            Ok(Verdict {
                status: if reasons.is_empty() {
                    StoredStatus::Booked
                } else {
                    StoredStatus::Defective
                },
                reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
                reserve: conflicts.is_empty(),
            })
        }
    }
}

/// Whether `c` is currently running.
pub(crate) fn is_ongoing(c: &Conference, now: DateTime<Utc>) -> bool {
    state_of(c, now) == ConferenceState::Ongoing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let conflict = vec![Conflict {
            system_id: 1,
            conference_id: 9,
        }];
        let unroutable = RoutePlan::Unroutable {
            reasons: vec!["no bridge".into()],
            incapable: false,
        };
        let incapable = RoutePlan::Unroutable {
            reasons: vec!["mcu: no SIP calls".into()],
            incapable: true,
        };
        let direct = RoutePlan::Direct;
        use BookingMode::*;
        type Row<'a> = (
            BookingMode,
            &'a [Conflict],
            &'a RoutePlan,
            Result<(StoredStatus, bool), ErrorCode>,
        );
        let table: Vec<Row> = vec![
            (Strict, &[], &direct, Ok((StoredStatus::Booked, true))),
            (
                Strict,
                &conflict,
                &direct,
                Err(ErrorCode::SystemAlreadyBooked),
            ),
            (
                Strict,
                &[],
                &unroutable,
                Err(ErrorCode::NotEnoughMcuResources),
            ),
            (
                Strict,
                &conflict,
                &unroutable,
                Err(ErrorCode::SystemAlreadyBooked),
            ),
            (Strict, &[], &incapable, Err(ErrorCode::ParticipantError)),
            (
                BestEffortForced,
                &[],
                &incapable,
                Ok((StoredStatus::Defective, true)),
            ),
            (
                BestEffortForced,
                &[],
                &direct,
                Ok((StoredStatus::Booked, true)),
            ),
            (
                BestEffortForced,
                &conflict,
                &direct,
                Ok((StoredStatus::Defective, false)),
            ),
            (
                BestEffortForced,
                &[],
                &unroutable,
                Ok((StoredStatus::Defective, true)),
            ),
        ];
        for (mode, conflicts, plan, want) in table {
            let got = decide(mode, conflicts, plan)
                .map(|v| (v.status, v.reserve))
                .map_err(|e| e.code);
            assert_eq!(got, want, "{mode:?} {conflicts:?} {plan:?}");
        }
        let v = decide(BestEffortForced, &conflict, &unroutable).unwrap();
        assert_eq!(
            v.reason.as_deref(),
            Some("system 1 is already booked in conference 9; no bridge")
        );
    }
}
