//! What the web console and the admin API read: the meetings of a window, narrowed by room,
//! bridge, state and a search text, and everything known about one meeting (its bridge
//! jobs, the state of each call, its replication history).
use super::{Booked, Booking};
use crate::domain::rights::{self, Permission};
use crate::domain::route::RoutePlan;
use crate::domain::state::state_of;
use crate::domain::{CallType, Conference, ConferenceState, Error, Transaction, User};
use crate::store::calls::CallView;
use crate::store::jobs::JobView;
use crate::store::{calls, conferences, installation, jobs, transactions, users};
use chrono::{DateTime, Utc};

/// How a list of meetings is narrowed; empty fields narrow nothing.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    /// Only meetings that book this system.
    pub room: Option<i64>,
    /// Only meetings routed on this bridge.
    pub bridge: Option<i64>,
    /// Only meetings in this state; without it, all but deleted ones.
    pub state: Option<ConferenceState>,
    /// Words found in the title, the owner's names or address, the external ids or the id.
    pub text: Option<String>,
}

/// One entry of a meeting's replication history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub transaction: Transaction,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// Everything the meeting page shows.
#[derive(Debug, Clone)]
pub struct MeetingRecord {
    pub booked: Booked,
    pub calls: Vec<CallView>,
    pub jobs: Vec<JobView>,
    /// The name the meeting has on its bridge.
    pub reference: Option<String>,
    pub history: Vec<HistoryEntry>,
}

impl MeetingRecord {
    pub fn conference(&self) -> &Conference {
        match &self.booked {
            Booked::Meeting(c) => c,
            Booked::Series(s) => &s.conference,
        }
    }
}

/// The state names the console and the admin API use.
pub fn state_name(s: ConferenceState) -> &'static str {
    match s {
        ConferenceState::Pending => "pending",
        ConferenceState::Ongoing => "ongoing",
        ConferenceState::Finished => "finished",
        ConferenceState::Defective => "defective",
        ConferenceState::Deleted => "deleted",
        ConferenceState::MeetingRequest => "meeting_request",
        ConferenceState::Rejected => "rejected",
    }
}

pub fn parse_state(name: &str) -> Option<ConferenceState> {
    [
        ConferenceState::Pending,
        ConferenceState::Ongoing,
        ConferenceState::Finished,
        ConferenceState::Defective,
        ConferenceState::Deleted,
        ConferenceState::MeetingRequest,
        ConferenceState::Rejected,
    ]
    .into_iter()
    .find(|s| state_name(*s) == name.trim())
}

/// Whether meeting `c`, in state `state`, passes `f`.
pub fn passes(c: &Conference, state: ConferenceState, f: &MeetingFilter) -> bool {
    if let Some(room) = f.room {
        let books = c
            .participants
            .iter()
            .any(|p| p.call_type == CallType::Tms && p.id == room);
        if !books {
            return false;
        }
    }
    if let Some(bridge) = f.bridge {
        match &c.route {
            Some(RoutePlan::Bridge(b)) if b.bridge_id == bridge => {}
            _ => return false,
        }
    }
    match f.state {
        Some(wanted) if wanted != state => return false,
        None if state == ConferenceState::Deleted => return false,
        _ => {}
    }
    match f.text.as_deref().map(str::trim) {
        None | Some("") => true,
        Some(text) => {
            let text = text.to_lowercase();
            let o = &c.owner;
            let id = c.id.to_string();
            let found = [
                Some(&c.title),
                o.user_name.as_ref(),
                o.first_name.as_ref(),
                o.last_name.as_ref(),
                o.email.as_ref(),
                c.external_primary_key.as_ref(),
                c.external_source_id.as_ref(),
                Some(&id),
            ]
            .into_iter()
            .flatten()
            .any(|field| field.to_lowercase().contains(&text));
            found
        }
    }
}

impl Booking {
    /// The meetings overlapping [from, to) that `viewer` may read and `f` lets through,
    /// earliest first: every meeting for readers of all, the viewer's own for the others.
    pub fn meetings_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        f: &MeetingFilter,
        viewer: &User,
    ) -> Result<Vec<Conference>, Error> {
        let now = self.now();
        let only = (!viewer.rights.has(Permission::ReadAll)).then_some(viewer.id);
        let list = self
            .store
            .read(|conn| conferences::in_window(conn, from, to, only))?;
        Ok(list
            .into_iter()
            .filter(|c| passes(c, state_of(c, now), f))
            .collect())
    }

    /// A meeting (or series) with its bridge jobs, calls and history, for a viewer who may
    /// read it; one it may not read is as unknown as one that does not exist.
    pub fn meeting_record(&self, id: i64, viewer: &User) -> Result<MeetingRecord, Error> {
        let booked = self.get(id)?;
        let c = match &booked {
            Booked::Meeting(c) => c,
            Booked::Series(s) => &s.conference,
        };
        if !rights::reads_for(&viewer.rights, viewer.id, c.owner.id) {
            return Err(Error::not_found(id));
        }
        self.store.read(|conn| {
            let rows = transactions::of_conference(conn, id)?;
            let mut history = Vec::with_capacity(rows.len());
            let mut names: Vec<(i64, String)> = Vec::new();
            for (transaction, at) in rows {
                let uid = transaction.performed_by_user_id;
                let by = match names.iter().find(|(k, _)| *k == uid) {
                    Some((_, n)) => n.clone(),
                    None => {
                        let n = users::by_id(conn, uid)?
                            .map(|u| u.username)
                            .unwrap_or_else(|| format!("user {uid}"));
                        names.push((uid, n.clone()));
                        n
                    }
                };
                history.push(HistoryEntry {
                    transaction,
                    at,
                    by,
                });
            }
            let reference =
                installation::get(conn)?.map(|i| crate::launcher::meeting::reference(&i, id));
            Ok(MeetingRecord {
                booked: booked.clone(),
                calls: calls::of_conference(conn, id)?,
                jobs: jobs::of_conference(conn, id)?,
                reference,
                history,
            })
        })
    }

    /// The replication log, newest first: `limit` transactions before `before`, of one
    /// conference (and its occurrences) when asked.
    pub fn transaction_log(
        &self,
        conference: Option<i64>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Transaction>, Error> {
        self.store
            .read(|conn| transactions::newest(conn, conference, before, limit as i64))
    }

    /// Every group with what it allows.
    pub fn groups(&self) -> Result<Vec<users::Group>, Error> {
        self.store.read(users::all_groups)
    }

    /// A user by id, as stored now (with what their groups allow today); None for a
    /// disabled one.
    pub fn user_by_id(&self, id: i64) -> Result<Option<User>, Error> {
        self.store.read(|conn| users::enabled_by_id(conn, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::route::{BridgeRoute, Family};
    use crate::domain::{Owner, Participant};

    fn meeting() -> Conference {
        let start = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 5, 1, 9, 0, 0).unwrap();
        let mut c = Conference {
            id: -1,
            title: String::new(),
            start,
            end: start + chrono::Duration::hours(1),
            owner: Owner::default(),
            settings: crate::domain::validate::tests::rules().defaults,
            participants: Vec::new(),
            external_source_id: None,
            external_primary_key: None,
            version: 0,
            status: crate::domain::StoredStatus::Booked,
            defective_reason: None,
            transaction_id: 0,
            series: Default::default(),
            route: None,
        };
        c.id = 42;
        c.title = "Quarterly review".into();
        c.owner = Owner {
            id: 7,
            user_name: Some("alice".into()),
            email: Some("alice@example.com".into()),
            ..Owner::default()
        };
        c.external_primary_key = Some("outlook-123".into());
        c.participants = vec![Participant {
            id: 3,
            name_or_number: None,
            email: None,
            call_type: CallType::Tms,
        }];
        c.route = Some(RoutePlan::Bridge(BridgeRoute {
            bridge_id: 9,
            bridge_name: "b".into(),
            family: Family::Pexip,
            number: 8100,
            sip_uri: "8100@x".into(),
            join_url: None,
            pin: None,
            units: 1000,
            reasons: vec![],
        }));
        c
    }

    #[test]
    fn filters_narrow_meetings() {
        let c = meeting();
        let pending = ConferenceState::Pending;
        let f = |room, bridge, state, text: &str| MeetingFilter {
            room,
            bridge,
            state,
            text: (!text.is_empty()).then(|| text.to_string()),
        };
        let table = [
            (f(None, None, None, ""), pending, true),
            (f(Some(3), None, None, ""), pending, true),
            (f(Some(4), None, None, ""), pending, false),
            (f(None, Some(9), None, ""), pending, true),
            (f(None, Some(8), None, ""), pending, false),
            (f(None, None, Some(pending), ""), pending, true),
            (
                f(None, None, Some(ConferenceState::Defective), ""),
                pending,
                false,
            ),
            (f(None, None, None, ""), ConferenceState::Deleted, false),
            (
                f(None, None, Some(ConferenceState::Deleted), ""),
                ConferenceState::Deleted,
                true,
            ),
            (f(None, None, None, "QUARTERLY"), pending, true),
            (f(None, None, None, "alice@"), pending, true),
            (f(None, None, None, "outlook-1"), pending, true),
            (f(None, None, None, "42"), pending, true),
            (f(None, None, None, "budget"), pending, false),
        ];
        for (i, (filter, state, want)) in table.into_iter().enumerate() {
            assert_eq!(passes(&c, state, &filter), want, "row {i}: {filter:?}");
        }
    }

    #[test]
    fn state_names_round_trip() {
        for s in [
            ConferenceState::Pending,
            ConferenceState::Ongoing,
            ConferenceState::Defective,
            ConferenceState::MeetingRequest,
        ] {
            assert_eq!(parse_state(state_name(s)), Some(s));
        }
        assert_eq!(parse_state("nonsense"), None);
    }
}
