//! Recurrent series: saving a whole series, saving or deleting one occurrence, and reading
//! a series with its occurrences. A series is a conference row holding the pattern; each
//! occurrence is a conference row of its own (its own id, reservations and state) that
//! points at it.
use super::routing::{plan_windows, system_ids};
use super::save::{awaiting_approval, decide, log, Author};
use super::{Booked, Booking};
use crate::domain::route::RoutePlan;
use crate::domain::series::{
    apply_exceptions, check_sequence, check_window, expand, find_slot, no_such_occurrence, Change,
    ExceptionChange, Slot, StoredRecurrence,
};
use crate::domain::state::state_of;
use crate::domain::validate::{prepare, prepare_series, Draft};
use crate::domain::zone::Zone;
use crate::domain::{
    BookingMode, Conference, ConferenceRequest, ConferenceState, Error, ErrorCode, SeriesLink,
    StoredStatus, TransactionType, User,
};
use crate::store::{conferences, lock_systems, systems, DbConnection};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A series with its occurrences, in pattern order.
#[derive(Debug, Clone)]
pub struct Series {
    pub conference: Conference,
    pub occurrences: Vec<Conference>,
}

/// The series an occurrence belongs to.
pub(super) fn series_of(
    conn: &mut DbConnection,
    occurrence: &Conference,
) -> Result<Conference, Error> {
    let id = occurrence.series.series_id.unwrap_or(occurrence.id);
    conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id))
}

/// `c` with its occurrences when it is a series; an occurrence with its series' first
/// instance.
pub(super) fn booked(conn: &mut DbConnection, mut c: Conference) -> Result<Booked, Error> {
    if c.is_occurrence() {
        let series = series_of(conn, &c)?;
        c.series.first_instance = series.series.recurrence.map(|r| r.first_instance);
        return Ok(Booked::Meeting(c));
    }
    if !c.is_series() {
        return Ok(Booked::Meeting(c));
    }
    let occurrences = conferences::occurrences(conn, c.id)?;
    Ok(Booked::Series(Series {
        conference: c,
        occurrences,
    }))
}

/// The occurrence of `series` that `at` names (its start by the pattern, or its UTC day);
/// a live occurrence wins over one deleted by an earlier save.
pub(super) fn occurrence_at(
    conn: &mut DbConnection,
    series: &Conference,
    at: DateTime<Utc>,
) -> Result<Conference, Error> {
    let list = conferences::occurrences(conn, series.id)?;
    let named = |exact: bool| {
        list.iter()
            .filter(|o| {
                o.series.instance_at.is_some_and(|i| {
                    if exact {
                        i == at
                    } else {
                        i.date_naive() == at.date_naive()
                    }
                })
            })
            .max_by_key(|o| (o.status != StoredStatus::Deleted, o.id))
            .cloned()
    };
    let mut found = named(true)
        .or_else(|| named(false))
        .ok_or_else(|| no_such_occurrence(at))?;
    found.series.first_instance = series.series.recurrence.as_ref().map(|r| r.first_instance);
    Ok(found)
}

/// The zone a series is expanded in: its own rules, else the zone it was first expanded
/// in, else its owner's (spec: "Use the time zone of the conference owner in Cisco TMS if no
/// time zone rules are supplied with the booking"), else its first system's, else the
/// configured default.
pub(super) fn zone_for(
    conn: &mut DbConnection,
    c_rules: Option<&crate::domain::timezone::ZoneRules>,
    stored: Option<&StoredRecurrence>,
    owner: i64,
    system_ids: &[i64],
    default: &str,
) -> Result<Zone, Error> {
    if let Some(r) = c_rules {
        return Ok(Zone::Rules(r.clone()));
    }
    if let Some(name) = stored.and_then(|s| s.zone.as_deref()) {
        return Zone::named(name);
    }
    if let Some(zone) = crate::store::users::by_id(conn, owner)?
        .and_then(|u| u.time_zone)
        .and_then(|z| Zone::named(&z).ok())
    {
        return Ok(zone);
    }
    if let Some(first) = system_ids.first() {
        if let Some(zone) = systems::get(conn, *first)?
            .and_then(|s| s.time_zone)
            .and_then(|z| Zone::named(&z).ok())
        {
            return Ok(zone);
        }
    }
    Zone::named(default)
}

/// The server's own zone (`[booking] time_zone`), whose calendar clients below API version
/// 8 name their days in.
pub fn server_zone(name: &str) -> Zone {
    Zone::named(name).unwrap_or(Zone::Named(chrono_tz::UTC))
}

/// The zone of a stored series, for reading it back.
pub fn stored_zone(c: &Conference, default: &str) -> Zone {
    let stored = c.series.recurrence.as_ref().and_then(|r| r.zone.as_deref());
    match (&c.settings.time_zone, stored) {
        (Some(r), _) => Ok(Zone::Rules(r.clone())),
        (None, Some(name)) => Zone::named(name),
        (None, None) => Zone::named(default),
    }
    .unwrap_or(Zone::Named(chrono_tz::UTC))
}

/// What happens to each occurrence when a series is saved.
enum Step {
    /// A stored occurrence takes the slot.
    Update(usize, usize),
    Insert(usize),
    /// A stored occurrence no longer in the series.
    Remove(usize),
    /// The ongoing occurrence becomes a single meeting.
    Detach(usize),
}

/// Matches slots to stored occurrences (spec, "Modifying" a series): finished occurrences
/// are left alone; an ongoing one is detached, occurrences overlapping it are not created
/// and every pending one gets a new id; otherwise a pending occurrence keeps its id when a
/// slot has its start by the pattern.
fn reconcile(slots: &[Slot], stored: &[Conference], now: DateTime<Utc>) -> Vec<Step> {
    let finished = |o: &Conference| o.end <= now && o.status != StoredStatus::Deleted;
    let ongoing = stored
        .iter()
        .position(|o| o.status != StoredStatus::Deleted && o.start <= now && now < o.end);
    let mut steps = Vec::new();
    let mut taken = vec![false; stored.len()];
    if let Some(i) = ongoing {
        taken[i] = true;
        steps.push(Step::Detach(i));
    }
    for (n, slot) in slots.iter().enumerate() {
        if slot.end <= now && !slot.deleted {
            continue;
        }
        if let Some(i) = ongoing {
            let o = &stored[i];
            if o.series.instance_at == Some(slot.instance)
                || (slot.start < o.end && o.start < slot.end)
            {
                continue;
            }
            steps.push(Step::Insert(n));
            continue;
        }
        let same = stored.iter().enumerate().position(|(i, o)| {
            !taken[i] && !finished(o) && o.series.instance_at == Some(slot.instance)
        });
        match same {
            Some(i) => {
                taken[i] = true;
                steps.push(Step::Update(i, n));
            }
            None => steps.push(Step::Insert(n)),
        }
    }
    for (i, o) in stored.iter().enumerate() {
        if !taken[i] && !finished(o) && o.status != StoredStatus::Deleted {
            steps.push(Step::Remove(i));
        }
    }
    steps
}

/// A conference built from a draft, for `id` at `version`.
fn conference_of(draft: Draft, id: i64, version: i32, series: SeriesLink) -> Conference {
    Conference {
        id,
        title: draft.title,
        start: draft.start,
        end: draft.end,
        owner: draft.owner,
        settings: draft.settings,
        participants: draft.participants,
        external_source_id: draft.external_source_id,
        external_primary_key: draft.external_primary_key,
        version,
        status: StoredStatus::Booked,
        defective_reason: None,
        transaction_id: 0,
        series,
        route: None,
    }
}

impl Booking {
    pub(super) fn save_series_in(
        &self,
        conn: &mut DbConnection,
        req: &ConferenceRequest,
        head: Option<Conference>,
        mode: BookingMode,
        author: Author,
        now: DateTime<Utc>,
    ) -> Result<Series, Error> {
        let Author { by, kept } = author;
        let mut draft = prepare_series(req, head.as_ref(), &self.rules)?;
        draft.owner = self.owner_for(conn, &draft.owner, head.as_ref(), by)?;
        let previous = head.as_ref().and_then(|h| h.series.recurrence.clone());
        let zone = zone_for(
            conn,
            draft.settings.time_zone.as_ref(),
            previous.as_ref(),
            draft.owner.id,
            &draft.system_ids(),
            &self.rules.time_zone,
        )?;
        if draft.settings.time_zone.is_none() {
            draft.settings.zone_name = zone.name();
        }
        let (pattern, end_utc) = match (&req.recurrence, &previous) {
            (Some(r), _) => (
                r.localised(&zone, &server_zone(&self.rules.time_zone), draft.start),
                r.end_utc,
            ),
            (None, Some(p)) => (p.pattern.clone(), p.end_utc),
            (None, None) => return Err(Error::internal("a series without a pattern")),
        };
        let mut slots = expand(&pattern, &zone, draft.start, draft.end - draft.start)?;
        let stored = match &head {
            Some(h) => conferences::occurrences(conn, h.id)?,
            None => Vec::new(),
        };
        let exceptions = req
            .recurrence
            .as_ref()
            .map(|r| r.exceptions.clone())
            .unwrap_or_default();
        // A save that restates no pattern keeps the stored exceptions still to come.
        let instances: Vec<DateTime<Utc>> = slots.iter().map(|s| s.instance).collect();
        let carried: Vec<&Conference> = stored
            .iter()
            .filter(|o| req.recurrence.is_none() && o.series.exception && o.end > now)
            .filter(|o| {
                o.series
                    .instance_at
                    .is_some_and(|i| find_slot(&instances, i).is_some())
            })
            .collect();
        let mut changes: Vec<(DateTime<Utc>, Change)> = exceptions
            .iter()
            .map(|e| {
                let change = match &e.change {
                    ExceptionChange::Delete => Change::Delete,
                    ExceptionChange::Modify(r) => Change::Modify {
                        start: r.start,
                        end: r.end,
                    },
                };
                (e.instance, change)
            })
            .collect();
        changes.extend(carried.iter().map(|o| {
            let change = if o.status == StoredStatus::Deleted {
                Change::Delete
            } else {
                Change::Modify {
                    start: Some(o.start),
                    end: Some(o.end),
                }
            };
            (o.series.instance_at.unwrap_or(o.start), change)
        }));
        apply_exceptions(&mut slots, &changes)?;
        check_sequence(&slots, &zone)?;
        check_window(&slots, now, self.rules.booking_window_days)?;
        if head.is_none() && slots.iter().any(|s| !s.deleted && s.end <= now) {
            return Err(Error::new(
                ErrorCode::CannotBookInThePast,
                "You cannot book a series with occurrences in the past.",
            ));
        }

        let head_version = head
            .as_ref()
            .map(|h| h.version + 1)
            .or(kept.map(|k| k.version))
            .unwrap_or(1);
        let length = draft.end - draft.start;
        let recurrence = StoredRecurrence {
            pattern,
            end_utc,
            zone: zone.name(),
            first_instance: slots[0].instance,
        };
        let mut series = conference_of(
            draft,
            head.as_ref()
                .map(|h| h.id)
                .or(kept.map(|k| k.id))
                .unwrap_or(0),
            head_version,
            SeriesLink {
                recurrence: Some(recurrence),
                ..Default::default()
            },
        );
        // The series starts at its first occurrence by the pattern: its StartTimeUTC is
        // never a time at which no meeting is booked.
        series.start = slots[0].instance;
        series.end = slots[0].instance + length;

        // Each slot's meeting: the series' template at the slot's times, with the
        // exception's changes merged over it. Carried over: stored exceptions the client
        // did not restate because it sent no pattern.
        let mut meetings: Vec<Conference> = Vec::with_capacity(slots.len());
        for slot in &slots {
            let base = Conference {
                start: slot.start,
                end: slot.end,
                ..series.clone()
            };
            let mut m = match slot.exception {
                Some(i) if i >= exceptions.len() => carried[i - exceptions.len()].clone(),
                Some(i) => match &exceptions[i].change {
                    ExceptionChange::Modify(r) => {
                        let mut r = (**r).clone();
                        r.start = Some(slot.start);
                        r.end = Some(slot.end);
                        r.external_source_id = None;
                        r.external_primary_key = None;
                        let d = prepare_series(&r, Some(&base), &self.rules)?;
                        conference_of(d, 0, 1, SeriesLink::default())
                    }
                    ExceptionChange::Delete => base,
                },
                None => base,
            };
            m.start = slot.start;
            m.end = slot.end;
            m.external_source_id = series.external_source_id.clone();
            m.external_primary_key = series.external_primary_key.clone();
            m.owner = series.owner.clone();
            m.series = SeriesLink {
                instance_at: Some(slot.instance),
                exception: slot.exception.is_some(),
                ..Default::default()
            };
            m.status = if slot.deleted {
                StoredStatus::Deleted
            } else {
                StoredStatus::Booked
            };
            meetings.push(m);
        }

        let steps = reconcile(&slots, &stored, now);
        let live: Vec<usize> = steps
            .iter()
            .filter_map(|s| match s {
                Step::Update(_, n) | Step::Insert(n) if !slots[*n].deleted => Some(*n),
                _ => None,
            })
            .collect();
        let mut all_systems: Vec<i64> = live
            .iter()
            .flat_map(|n| system_ids(&meetings[*n]))
            .collect();
        all_systems.sort_unstable();
        all_systems.dedup();
        self.check_systems(conn, &all_systems, by)?;
        lock_systems(conn, &all_systems)?;
        // Updated occurrences give up their systems for the conflict check; their bridge
        // placement and jobs are settled when they are held again.
        for step in &steps {
            match step {
                Step::Update(i, _) => conferences::release(conn, stored[*i].id)?,
                Step::Remove(i) => self.release(conn, stored[*i].id)?,
                _ => {}
            }
        }
        if let Some(h) = &head {
            self.release(conn, h.id)?;
        }

        // Conflicts, one query per occurrence, grouped by the systems booked.
        let mut groups: BTreeMap<Vec<i64>, Vec<usize>> = BTreeMap::new();
        for n in &live {
            groups
                .entry(system_ids(&meetings[*n]))
                .or_default()
                .push(*n);
        }
        // Routes: one plan per shape of meeting (the series' own, and each differently
        // shaped exception), over all its occurrences at once so they share a bridge.
        let own: Vec<i64> = stored.iter().map(|o| o.id).collect();
        let mut routes: Vec<Option<RoutePlan>> = vec![None; slots.len()];
        let mut shapes: Vec<Vec<usize>> = Vec::new();
        for n in &live {
            let same = |other: &usize| {
                meetings[*other].participants == meetings[*n].participants
                    && meetings[*other].settings == meetings[*n].settings
            };
            match shapes.iter_mut().find(|g| same(&g[0])) {
                Some(g) => g.push(*n),
                None => shapes.push(vec![*n]),
            }
        }
        for members in &shapes {
            let m = &meetings[members[0]];
            let windows: Vec<_> = members
                .iter()
                .map(|n| (slots[*n].start, slots[*n].end))
                .collect();
            let plans = plan_windows(
                conn,
                &m.participants,
                &m.settings,
                head.as_ref().and_then(|h| h.route.as_ref()),
                &windows,
                &own,
                None,
            )?;
            for (n, plan) in members.iter().zip(plans) {
                routes[*n] = Some(plan);
            }
        }

        let mut reserve: Vec<bool> = vec![false; slots.len()];
        let mut defective = 0;
        for (ids, members) in &groups {
            let windows: Vec<_> = members
                .iter()
                .map(|n| (slots[*n].start, slots[*n].end))
                .collect();
            let found = conferences::conflicts(conn, ids, &windows, None)?;
            for (n, conflicts) in members.iter().zip(found) {
                let m = &mut meetings[*n];
                let plan = routes[*n].take().unwrap_or(RoutePlan::Direct);
                let verdict = decide(mode, &conflicts, &plan).map_err(|e| Error {
                    message: format!("The occurrence on {}: {}", slots[*n].start, e.message),
                    ..e
                })?;
                let verdict = awaiting_approval(verdict, by);
                if verdict.status == StoredStatus::Defective {
                    defective += 1;
                }
                m.status = verdict.status;
                m.defective_reason = verdict.reason;
                m.route = Some(plan);
                reserve[*n] = verdict.reserve;
            }
        }

        // The writes: the series row first (occurrences point at it), then each
        // occurrence with its reservations, each change with its log row.
        series.status = if defective > 0 {
            StoredStatus::Defective
        } else if crate::domain::rights::needs_approval(&by.rights) {
            StoredStatus::MeetingRequest
        } else {
            StoredStatus::Booked
        };
        series.defective_reason =
            (defective > 0).then(|| format!("{defective} occurrence(s) could not be booked."));
        // The series shows the route of its first occurrence to come.
        series.route = live.first().and_then(|n| meetings[*n].route.clone());
        let series_kind = match &head {
            Some(h) => {
                conferences::update(conn, &series, h.version)?;
                TransactionType::Updated
            }
            None => {
                series.id = conferences::insert(conn, &series, by.id)?;
                TransactionType::New
            }
        };
        for step in &steps {
            match step {
                Step::Update(i, n) => {
                    let o = &stored[*i];
                    let mut m = meetings[*n].clone();
                    m.id = o.id;
                    m.version = o.version + 1;
                    m.series.series_id = Some(series.id);
                    conferences::update(conn, &m, o.version)?;
                    self.hold(conn, &m, reserve[*n])?;
                    let kind = if m.status == StoredStatus::Deleted {
                        TransactionType::Deleted
                    } else {
                        TransactionType::Updated
                    };
                    log(conn, &m, kind, by.id)?;
                }
                Step::Insert(n) => {
                    let mut m = meetings[*n].clone();
                    // The template's id is the series' own: a new occurrence takes the id
                    // TMS gave it when moved from there, else the next one.
                    let moved = kept.and_then(|k| k.occurrences.get(&slots[*n].instance));
                    m.id = moved.map_or(0, |o| o.0);
                    m.version = moved.map_or(1, |o| o.1);
                    m.series.series_id = Some(series.id);
                    m.id = conferences::insert(conn, &m, by.id)?;
                    self.hold(conn, &m, reserve[*n])?;
                    let kind = if m.status == StoredStatus::Deleted {
                        TransactionType::Deleted
                    } else {
                        TransactionType::New
                    };
                    log(conn, &m, kind, by.id)?;
                }
                Step::Remove(i) => {
                    let mut o = stored[*i].clone();
                    o.status = StoredStatus::Deleted;
                    o.version += 1;
                    conferences::update(conn, &o, o.version - 1)?;
                    log(conn, &o, TransactionType::Deleted, by.id)?;
                }
                Step::Detach(i) => {
                    let mut o = stored[*i].clone();
                    o.series = SeriesLink {
                        detached_source_id: series.external_source_id.clone(),
                        detached_primary_key: series.external_primary_key.clone(),
                        ..Default::default()
                    };
                    o.external_source_id = None;
                    o.external_primary_key = None;
                    o.version += 1;
                    conferences::update(conn, &o, o.version - 1)?;
                    log(conn, &o, TransactionType::Updated, by.id)?;
                }
            }
        }
        series.transaction_id = log(conn, &series, series_kind, by.id)?;
        let occurrences = conferences::occurrences(conn, series.id)?;
        Ok(Series {
            conference: series,
            occurrences,
        })
    }

    /// SaveConferenceRecInstance(WithMode): one occurrence changed apart from its series.
    pub fn save_occurrence(
        &self,
        req: &ConferenceRequest,
        mode: BookingMode,
        by: &User,
    ) -> Result<Conference, Error> {
        self.save_occurrence_notified(req, mode, by, &super::Notify::default())
    }

    /// Saves one occurrence, and leaves the mail `notify` asks for in the outbox in the same
    /// transaction.
    pub fn save_occurrence_notified(
        &self,
        req: &ConferenceRequest,
        mode: BookingMode,
        by: &User,
        notify: &super::Notify,
    ) -> Result<Conference, Error> {
        let now = self.now();
        let done = self.store.write(|conn| {
            let occ = find_occurrence(conn, req)?;
            if let Some(v) = req.version {
                if v != occ.version {
                    return Err(Error::new(
                        ErrorCode::ConcurrentModification,
                        format!(
                            "Conference {} is at version {}, not {v}; read it again before saving.",
                            occ.id, occ.version
                        ),
                    ));
                }
            }
            let mut head = series_of(conn, &occ)?;
            let mut r = req.clone();
            r.recurrence = None;
            let mut draft = prepare(&r, Some(&occ), &self.rules, now)?;
            draft.owner = self.owner_for(conn, &draft.owner, Some(&occ), by)?;
            let zone = stored_zone(&head, &self.rules.time_zone);
            let siblings = conferences::occurrences(conn, head.id)?;
            let slots: Vec<Slot> = siblings
                .iter()
                .map(|o| {
                    let this = o.id == occ.id;
                    Slot {
                        instance: o.series.instance_at.unwrap_or(o.start),
                        start: if this { draft.start } else { o.start },
                        end: if this { draft.end } else { o.end },
                        deleted: o.status == StoredStatus::Deleted,
                        exception: None,
                    }
                })
                .collect();
            check_sequence(&slots, &zone)?;

            let ids = draft.system_ids();
            self.check_systems(conn, &ids, by)?;
            lock_systems(conn, &ids)?;
            let conflicts =
                conferences::conflicts(conn, &ids, &[(draft.start, draft.end)], Some(occ.id))?
                    .pop()
                    .unwrap_or_default();
            let plan = plan_windows(
                conn,
                &draft.participants,
                &draft.settings,
                occ.route.as_ref(),
                &[(draft.start, draft.end)],
                &[occ.id],
                None,
            )?
            .pop()
            .unwrap_or(RoutePlan::Direct);
            let verdict = awaiting_approval(decide(mode, &conflicts, &plan)?, by);
            let mut m = conference_of(
                draft,
                occ.id,
                occ.version + 1,
                SeriesLink {
                    exception: true,
                    ..occ.series.clone()
                },
            );
            // The client's ids stay the series' ones.
            m.external_source_id = occ.external_source_id.clone();
            m.external_primary_key = occ.external_primary_key.clone();
            m.status = verdict.status;
            m.defective_reason = verdict.reason;
            m.route = Some(plan);
            conferences::update(conn, &m, occ.version)?;
            self.hold(conn, &m, verdict.reserve)?;
            m.transaction_id = log(conn, &m, TransactionType::Updated, by.id)?;
            touch(conn, &mut head, by)?;
            self.queue_confirmation(conn, &m, notify, now)?;
            Ok(m)
        });
        self.changed(
            "save",
            Some(req.id),
            by,
            done.as_ref().map(|c| (c.id, c.status.as_str())),
        );
        done
    }

    /// DeleteConferenceRecInstanceById / DeleteConferenceInstanceByExternalId: one
    /// occurrence deleted (ended when it is running); a single meeting is deleted as such.
    /// With `notify.confirm`, the owner and EmailTo are sent the occurrence's cancellation.
    pub fn delete_occurrence(
        &self,
        target: OccurrenceTarget,
        by: &User,
        notify: &super::Notify,
    ) -> Result<(), Error> {
        let now = self.now();
        let done = self.store.write(|conn| {
            let c = match target {
                OccurrenceTarget::Id(id) => {
                    let c = conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id))?;
                    if c.is_series() {
                        return Err(Error::new(
                            ErrorCode::InstanceNotFoundWithinPattern,
                            format!("Conference {id} is a series; name one of its occurrences."),
                        ));
                    }
                    c
                }
                OccurrenceTarget::External { source, key, at } => {
                    let c = super::lifecycle::by_external(conn, source, key)?;
                    if c.is_series() {
                        occurrence_at(conn, &c, at)?
                    } else {
                        crate::domain::state::check_occurrence(&c, Some(at))?;
                        c
                    }
                }
            };
            crate::domain::rights::may_change(&by.rights, by.id, c.owner.id, c.id)?;
            let series = c.series.series_id;
            let mut c = c;
            c.series.exception = series.is_some();
            let (gone, already) = (c.id, c.status == StoredStatus::Deleted);
            self.delete_meeting_in(conn, c, by, now)?;
            if let Some(id) = series {
                let mut head = conferences::get(conn, id)?.ok_or_else(|| Error::not_found(id))?;
                touch(conn, &mut head, by)?;
            }
            self.heal_all_later(conn)?;
            if !already {
                self.queue_cancellation(conn, gone, notify, now)?;
            }
            Ok(gone)
        });
        let done = done.as_ref().map(|id| (*id, "deleted"));
        self.changed("delete", target.id(), by, done);
        done.map(|_| ()).map_err(Clone::clone)
    }

    /// A whole series deleted: pending occurrences deleted, a running one ended, finished
    /// ones left as they were.
    pub(super) fn delete_series_in(
        &self,
        conn: &mut DbConnection,
        mut series: Conference,
        by: &User,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        if series.status == StoredStatus::Deleted {
            return Ok(());
        }
        for o in conferences::occurrences(conn, series.id)? {
            match state_of(&o, now) {
                ConferenceState::Deleted | ConferenceState::Finished => {}
                _ if o.end <= now => {}
                _ => self.delete_meeting_in(conn, o, by, now)?,
            }
        }
        let previous = series.version;
        series.status = StoredStatus::Deleted;
        series.version += 1;
        conferences::update(conn, &series, previous)?;
        log(conn, &series, TransactionType::Deleted, by.id)?;
        Ok(())
    }
}

/// The occurrence a delete names.
#[derive(Debug, Clone, Copy)]
pub enum OccurrenceTarget<'a> {
    Id(i64),
    External {
        source: &'a str,
        key: &'a str,
        at: DateTime<Utc>,
    },
}

/// A series whose occurrence changed: a new version and a log row, so a stale save of the
/// whole series is refused and replication clients read it again.
fn touch(conn: &mut DbConnection, series: &mut Conference, by: &User) -> Result<(), Error> {
    let previous = series.version;
    series.version += 1;
    conferences::update(conn, series, previous)?;
    series.transaction_id = log(conn, series, TransactionType::Updated, by.id)?;
    Ok(())
}

/// The occurrence an occurrence save names: by the client's ids and
/// RecurrenceInstanceIdUTC, else by ConferenceId.
fn find_occurrence(conn: &mut DbConnection, req: &ConferenceRequest) -> Result<Conference, Error> {
    let not_in_series = |id: i64| {
        Error::new(
            ErrorCode::InstanceNotFoundWithinPattern,
            format!("No such occurrence: conference {id} is not part of a series."),
        )
    };
    let missing = || {
        Error::new(
            ErrorCode::InstanceNotFoundWithinPattern,
            "No such occurrence: RecurrenceInstanceIdUTC names none.",
        )
    };
    if let (Some(src), Some(key)) = (&req.external_source_id, &req.external_primary_key) {
        if !key.is_empty() {
            if let Some(c) = conferences::by_external(conn, src, key)? {
                if !c.is_series() {
                    return Err(not_in_series(c.id));
                }
                return occurrence_at(conn, &c, req.instance.ok_or_else(missing)?);
            }
        }
    }
    if req.id <= 0 {
        return Err(missing());
    }
    let c = conferences::get(conn, req.id)?.ok_or_else(|| Error::not_found(req.id))?;
    match (c.is_series(), c.is_occurrence(), req.instance) {
        (true, _, Some(at)) => occurrence_at(conn, &c, at),
        (true, _, None) => Err(missing()),
        (_, true, _) => Ok(c),
        _ => Err(not_in_series(c.id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(h: i64) -> DateTime<Utc> {
        "2026-12-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::hours(h)
    }

    fn slot(h: i64) -> Slot {
        Slot {
            instance: at(h),
            start: at(h),
            end: at(h + 1),
            deleted: false,
            exception: None,
        }
    }

    fn stored(id: i64, h: i64) -> Conference {
        let draft = Draft {
            title: "t".into(),
            start: at(h),
            end: at(h + 1),
            owner: Default::default(),
            settings: crate::domain::validate::tests::rules().defaults,
            participants: vec![],
            external_source_id: None,
            external_primary_key: None,
        };
        conference_of(
            draft,
            id,
            1,
            SeriesLink {
                instance_at: Some(at(h)),
                ..Default::default()
            },
        )
    }

    fn describe(steps: &[Step]) -> Vec<String> {
        steps
            .iter()
            .map(|s| match s {
                Step::Update(i, n) => format!("update {i}<-{n}"),
                Step::Insert(n) => format!("insert {n}"),
                Step::Remove(i) => format!("remove {i}"),
                Step::Detach(i) => format!("detach {i}"),
            })
            .collect()
    }

    #[test]
    fn how_a_saved_series_meets_the_stored_one() {
        let slots = [slot(0), slot(24), slot(48)];
        type Row = (&'static str, Vec<Conference>, i64, Vec<&'static str>);
        let table: Vec<Row> = vec![
            (
                "new series",
                vec![],
                -1,
                vec!["insert 0", "insert 1", "insert 2"],
            ),
            (
                "same pattern, nothing started",
                vec![stored(10, 0), stored(11, 24), stored(12, 48)],
                -1,
                vec!["update 0<-0", "update 1<-1", "update 2<-2"],
            ),
            (
                "pattern moved: old pending ones removed",
                vec![stored(10, 2), stored(11, 26)],
                -1,
                vec!["insert 0", "insert 1", "insert 2", "remove 0", "remove 1"],
            ),
            (
                "first finished: left alone, not re-created",
                vec![stored(10, 0), stored(11, 24), stored(12, 48)],
                12,
                vec!["update 1<-1", "update 2<-2"],
            ),
            (
                "second ongoing: detached, pending ones get new ids",
                vec![stored(10, 0), stored(11, 24), stored(12, 48)],
                24,
                vec!["detach 1", "insert 2", "remove 2"],
            ),
        ];
        for (name, stored, now, want) in table {
            let steps = reconcile(&slots, &stored, at(now));
            assert_eq!(describe(&steps), want, "{name}");
        }
    }
}
