//! Routing inside a booking transaction: planning a meeting's windows against the bridge
//! inventory and the load already planned, holding what the plan takes, and planning
//! meetings again when capacity frees or a bridge changes.
use super::notify::Event;
use super::save::{decide, log};
use super::series::series_of;
use super::Booking;
use crate::domain::route::RoutePlan;
use crate::domain::{
    BookingMode, CallType, Conference, Error, Participant, Preference, Settings, StoredStatus,
    TransactionType, User,
};
use crate::planner::{self, Quality, RouteRequest};
use crate::store::{
    bridge_loads, bridges, conferences, heal_queue, jobs, lock_routing, DbConnection,
};
use chrono::{DateTime, Utc};
use rand::Rng;

type Window = (DateTime<Utc>, DateTime<Utc>);

/// The route of each of `windows` for a meeting with `participants` and `settings` that
/// was routed `previous`ly, leaving the load of `except` (its own stored meetings) out and
/// never choosing bridge `avoid` (one that just failed the meeting).
pub(super) fn plan_windows(
    conn: &mut DbConnection,
    participants: &[Participant],
    settings: &Settings,
    previous: Option<&RoutePlan>,
    windows: &[Window],
    except: &[i64],
    avoid: Option<i64>,
) -> Result<Vec<RoutePlan>, Error> {
    let fresh_pin: String = {
        let mut rng = rand::thread_rng();
        (0..12)
            .map(|_| char::from(b'0' + rng.gen_range(0..10)))
            .collect()
    };
    let req = RouteRequest {
        conference_type: settings.conference_type,
        participants,
        externally_hosted: settings.externally_hosted_dial_string.is_some(),
        webex_dial_out: settings.webex_sip_url.is_some(),
        encryption: settings.encrypted,
        content: settings.data_conference == Preference::Yes,
        quality: Quality::of_kbps(settings.bandwidth.kbps()),
        password: settings.password.as_deref(),
        previous: match previous {
            Some(RoutePlan::Bridge(r)) => Some(r),
            _ => None,
        },
        fresh_pin: &fresh_pin,
    };
    if !planner::needs_bridge(&req) {
        return Ok(planner::plan(&req, windows, &[], &[]));
    }
    // Two writers placing meetings at once must not both take a bridge's last room.
    lock_routing(conn)?;
    let mut inventory = bridges::inventory(conn)?;
    inventory.retain(|b| Some(b.id) != avoid);
    let load = bridge_loads::overlapping(conn, windows, except)?;
    Ok(planner::plan(&req, windows, &inventory, &load))
}

/// A stored meeting checked again as if it were saved now: what stands in its systems' way,
/// and its route.
pub(super) fn check_again(
    conn: &mut DbConnection,
    c: &Conference,
    avoid: Option<i64>,
) -> Result<(Vec<conferences::Conflict>, RoutePlan), Error> {
    let ids = system_ids(c);
    let conflicts = conferences::conflicts(conn, &ids, &[(c.start, c.end)], Some(c.id))?
        .pop()
        .unwrap_or_default();
    let plan = plan_windows(
        conn,
        &c.participants,
        &c.settings,
        c.route.as_ref(),
        &[(c.start, c.end)],
        &[c.id],
        avoid,
    )?
    .pop()
    .unwrap_or(RoutePlan::Direct);
    Ok((conflicts, plan))
}

pub(super) fn system_ids(c: &Conference) -> Vec<i64> {
    let mut ids: Vec<i64> = c
        .participants
        .iter()
        .filter(|p| p.call_type == CallType::Tms)
        .map(|p| p.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl Booking {
    /// Writes what `m` holds: its systems when `reserve`, its place on a bridge while it is
    /// booked on one, and the bridge jobs that make it live there.
    pub(super) fn hold(
        &self,
        conn: &mut DbConnection,
        m: &Conference,
        reserve: bool,
    ) -> Result<(), Error> {
        let ids = if reserve && m.status != StoredStatus::Deleted {
            system_ids(m)
        } else {
            Vec::new()
        };
        conferences::reserve(conn, m.id, &ids, m.start, m.end)?;
        let placement = match (&m.status, &m.route) {
            (StoredStatus::Booked, Some(RoutePlan::Bridge(r))) => {
                bridge_loads::hold(conn, m.id, r, m.start, m.end)?;
                Some(jobs::Placement {
                    bridge_id: r.bridge_id,
                    start: m.start,
                    end: m.end,
                    dials_out: m.bridge_calls(),
                })
            }
            _ => {
                bridge_loads::release(conn, m.id)?;
                None
            }
        };
        jobs::schedule(conn, m.id, placement, self.lead, self.now())
    }

    /// Frees what meeting `id` holds: its systems, its place on a bridge, and the bridge
    /// itself (torn down now when it was provisioned).
    pub(super) fn release(&self, conn: &mut DbConnection, id: i64) -> Result<(), Error> {
        conferences::release(conn, id)?;
        bridge_loads::release(conn, id)?;
        jobs::schedule(conn, id, None, chrono::Duration::zero(), self.now())
    }

    /// Ends meeting `id` at `end` (ended early): its systems and bridge are free from then,
    /// and the bridge meeting is torn down now.
    pub(super) fn cut(
        &self,
        conn: &mut DbConnection,
        id: i64,
        end: DateTime<Utc>,
    ) -> Result<(), Error> {
        conferences::cut_reservations(conn, id, end)?;
        bridge_loads::cut(conn, id, end)?;
        jobs::schedule(conn, id, None, chrono::Duration::zero(), self.now())
    }

    /// Capacity was freed in [start, end): the Defective meetings there are planned again
    /// in the background ([`Booking::heal_queued`]), not in this writer's transaction.
    pub(super) fn heal_later(
        &self,
        conn: &mut DbConnection,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<(), Error> {
        heal_queue::request(conn, start, end)
    }

    /// Capacity may have been freed anywhere from now on (a bridge changed).
    pub(super) fn heal_all_later(&self, conn: &mut DbConnection) -> Result<(), Error> {
        let now = self.now();
        self.heal_later(conn, now, now + chrono::Duration::days(36_600))
    }

    /// Plans again the future Defective meetings that no bridge could host and that overlap
    /// a window where capacity was freed, earliest first; those that now fit become bookings
    /// on a bridge, each with a transaction row. One transaction, which takes the routing
    /// lock before any meeting is logged. Answers how many requests it worked.
    pub fn heal_queued(&self) -> Result<usize, Error> {
        const BATCH: i64 = 500;
        let now = self.now();
        let by = User::system();
        // A read first, so an idle healer takes no write lock.
        if self
            .store
            .read(|conn| heal_queue::waiting(conn, 1))?
            .is_empty()
        {
            return Ok(0);
        }
        self.store.write(|conn| {
            lock_routing(conn)?;
            let requests = heal_queue::waiting(conn, BATCH)?;
            if requests.is_empty() {
                return Ok(0);
            }
            let freed =
                |c: &Conference| requests.iter().any(|(_, s, e)| c.start < *e && *s < c.end);
            let from = requests.iter().map(|r| r.1).min().unwrap_or(now).max(now);
            let to = requests.iter().map(|r| r.2).max().unwrap_or(now);
            let waiting: Vec<Conference> = conferences::defective_between(conn, from, to)?
                .into_iter()
                .filter(|c| matches!(c.route, Some(RoutePlan::Unroutable { .. })))
                .filter(|c| c.start > now && freed(c))
                .collect();
            for c in waiting {
                self.replan(conn, c, &by, None)?;
            }
            let ids: Vec<i64> = requests.iter().map(|(id, _, _)| *id).collect();
            heal_queue::done(conn, &ids)?;
            Ok(ids.len())
        })
    }

    /// Plans a future meeting again (its bridge changed, or capacity freed). Returns
    /// whether it is now booked on a bridge. `leaving` is a bridge it must move off.
    pub(super) fn replan(
        &self,
        conn: &mut DbConnection,
        mut c: Conference,
        by: &User,
        leaving: Option<i64>,
    ) -> Result<bool, Error> {
        if leaving.is_some() {
            // Its old dial-in details are not kept on another bridge.
            if let Some(RoutePlan::Bridge(r)) = &c.route {
                if Some(r.bridge_id) == leaving {
                    c.route = None;
                }
            }
        }
        let (conflicts, plan) = check_again(conn, &c, leaving)?;
        let routed = matches!(plan, RoutePlan::Bridge(_));
        let unchanged = c.route.as_ref() == Some(&plan) && c.status == StoredStatus::Booked;
        if unchanged || (!routed && c.status == StoredStatus::Defective && leaving.is_none()) {
            return Ok(false);
        }
        let verdict = decide(BookingMode::BestEffortForced, &conflicts, &plan)?;
        let was = c.status;
        let previous = c.version;
        c.version += 1;
        c.status = verdict.status;
        c.defective_reason = verdict.reason;
        c.route = Some(plan);
        conferences::update(conn, &c, previous)?;
        self.hold(conn, &c, verdict.reserve)?;
        c.transaction_id = log(conn, &c, TransactionType::Updated, by.id)?;
        if c.is_occurrence() {
            let mut series = series_of(conn, &c)?;
            refresh_series_status(conn, &mut series, by)?;
        }
        match (was, c.status) {
            (StoredStatus::Booked, StoredStatus::Defective) => {
                self.queue_event(conn, &c, Event::Defective, self.now())?
            }
            (StoredStatus::Defective, StoredStatus::Booked) => {
                self.queue_event(conn, &c, Event::Healed, self.now())?
            }
            _ => {}
        }
        Ok(c.status == StoredStatus::Booked)
    }

    /// The launcher could not make meeting `id` live on bridge `failed`: it moves to another
    /// bridge with room (new dial-in details, a transaction row) or becomes Defective with
    /// the reason (also a transaction row).
    pub fn move_off(&self, id: i64, failed: i64) -> Result<(), Error> {
        let now = self.now();
        self.store.write(|conn| {
            let Some(c) = conferences::get(conn, id)? else {
                return Ok(());
            };
            let on_it = matches!(&c.route, Some(RoutePlan::Bridge(r)) if r.bridge_id == failed);
            if c.status != StoredStatus::Booked || c.end <= now || !on_it {
                return Ok(());
            }
            self.replan(conn, c, &User::system(), Some(failed))?;
            Ok(())
        })
    }

    /// Plans again the future meetings of a bridge that changed: they stay where they still
    /// fit, unless `leaving` (the bridge is disabled or removed), else move to other bridges
    /// or become Defective with the reason. Then Defective meetings get whatever room the
    /// change made.
    pub(super) fn replan_bridge(
        &self,
        conn: &mut DbConnection,
        bridge_id: i64,
        leaving: bool,
        now: DateTime<Utc>,
        by: &User,
    ) -> Result<(), Error> {
        for id in bridge_loads::starting_on(conn, bridge_id, now)? {
            if let Some(c) = conferences::get(conn, id)? {
                self.replan(conn, c, by, leaving.then_some(bridge_id))?;
            }
        }
        self.heal_all_later(conn)?;
        Ok(())
    }
}

/// A series is Defective while any of its occurrences is.
pub(super) fn refresh_series_status(
    conn: &mut DbConnection,
    series: &mut Conference,
    by: &User,
) -> Result<(), Error> {
    let defective = conferences::occurrences(conn, series.id)?
        .iter()
        .filter(|o| o.status == StoredStatus::Defective)
        .count();
    let status = if defective > 0 {
        StoredStatus::Defective
    } else {
        StoredStatus::Booked
    };
    if series.status == status || series.status == StoredStatus::Deleted {
        return Ok(());
    }
    series.status = status;
    series.defective_reason =
        (defective > 0).then(|| format!("{defective} occurrence(s) could not be booked."));
    let previous = series.version;
    series.version += 1;
    conferences::update(conn, series, previous)?;
    series.transaction_id = log(conn, series, TransactionType::Updated, by.id)?;
    Ok(())
}
