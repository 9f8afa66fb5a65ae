//! Meetings and rooms moved from a live TMS (`bridgebook import-tms`): stored under the ids,
//! external ids and versions TMS gave them, so the clients that hold those carry on. Each
//! meeting is saved through the ordinary save path (validation, conflicts, routing, bridge
//! jobs, its transaction-log row) in a transaction of its own; one already here is left.
use super::{Booked, Booking};
use crate::domain::{
    BookingMode, Conference, ConferenceRequest, Error, StoredStatus, System, User,
};
use crate::store::{conferences, ids, systems, DbConnection};
use chrono::{DateTime, Utc};
use diesel::Connection;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The ids and versions a meeting had in TMS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    pub id: i64,
    pub version: i32,
    /// A series' occurrences whose ids TMS told, by their start by the pattern: (id,
    /// version).
    pub occurrences: BTreeMap<DateTime<Utc>, (i64, i32)>,
}

/// A meeting read from TMS, ready to be saved here.
#[derive(Debug, Clone)]
pub struct MovedMeeting {
    pub request: ConferenceRequest,
    pub kept: Kept,
    /// TMS had it Defective: it stays so here, whatever bridgebook would decide.
    pub defective: bool,
}

/// What became of one room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomOutcome {
    Added,
    /// The same room (same id and name) is here already.
    Present,
    /// The id names another room here; it is left as it is.
    IdTaken {
        name: String,
    },
}

/// What became of one meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingOutcome {
    Imported {
        defective: bool,
    },
    /// An earlier run stored it: the import goes on where it stopped.
    Present,
    /// Its id (or one of its occurrences') names a different meeting here.
    IdTaken {
        id: i64,
    },
    /// Another meeting here holds its ExternalSourceId/ExternalPrimaryKey.
    ExternalIdTaken {
        id: i64,
    },
    /// Refused by the save (a double booking, a room missing…), with the reason.
    Refused {
        reason: String,
    },
}

/// Whether a stored room is the one TMS describes, another one, or absent.
pub fn room_outcome(stored: Option<&System>, moved: &System) -> RoomOutcome {
    match stored {
        None => RoomOutcome::Added,
        Some(s) if s.name == moved.name => RoomOutcome::Present,
        Some(s) => RoomOutcome::IdTaken {
            name: s.name.clone(),
        },
    }
}

/// Whether the conference stored under a moved meeting's id is that meeting (imported by an
/// earlier run: same external ids, or, when it has none, the same title and start) or
/// another. `stored`: its title, start, ExternalSourceId and ExternalPrimaryKey.
pub fn same_meeting(
    stored: (&str, DateTime<Utc>, Option<&str>, Option<&str>),
    moved: &ConferenceRequest,
) -> bool {
    let key = |s: Option<&str>| s.filter(|k| !k.is_empty()).map(str::to_string);
    let stored_key = (key(stored.2), key(stored.3));
    let moved_key = (
        key(moved.external_source_id.as_deref()),
        key(moved.external_primary_key.as_deref()),
    );
    if stored_key != moved_key {
        return false;
    }
    stored_key.1.is_some()
        || (moved.title.as_deref() == Some(stored.0) && moved.start == Some(stored.1))
}

impl Booking {
    /// Stores `room` under its TMS id unless that id is in use.
    pub fn import_room(&self, room: &System) -> Result<RoomOutcome, Error> {
        self.store.write(|conn| import_room_in(conn, room))
    }

    /// Moves the id sequences above TMS's largest conference id and its last transaction
    /// id, so nothing booked later takes an id a client holds from TMS.
    pub fn import_ids_from(&self, conference: i64, transaction: i64) -> Result<(), Error> {
        self.store
            .write(|conn| ids::move_past(conn, conference, transaction))
    }

    /// Stores one meeting in a transaction of its own.
    pub fn import_meeting(&self, m: &MovedMeeting, by: &User) -> Result<MeetingOutcome, Error> {
        let now = self.now();
        self.store
            .write(|conn| match self.import_meeting_in(conn, m, by, now)? {
                // A refusal rolls back what the save began, and is an answer, not a failure.
                MeetingOutcome::Refused { reason } => Err(refusal(reason)),
                other => Ok(other),
            })
            .or_else(refused)
    }

    /// What `import_room` and `import_meeting` would do for all of them, in order, each
    /// seeing the ones before: done in one transaction that is rolled back.
    pub fn import_dry_run(
        &self,
        rooms: &[System],
        meetings: &[MovedMeeting],
        (conference, transaction): (i64, i64),
        by: &User,
    ) -> Result<(Vec<RoomOutcome>, Vec<MeetingOutcome>), Error> {
        let now = self.now();
        let found: RefCell<Option<DryResult>> = RefCell::new(None);
        let run = self.store.write(|conn| {
            let r = rooms
                .iter()
                .map(|room| import_room_in(conn, room))
                .collect::<Result<Vec<_>, _>>()?;
            ids::move_past(conn, conference, transaction)?;
            let mut out = Vec::with_capacity(meetings.len());
            for m in meetings {
                // Each meeting in a savepoint, as its own transaction would be.
                let one = conn.transaction(|c| match self.import_meeting_in(c, m, by, now)? {
                    MeetingOutcome::Refused { reason } => Err(refusal(reason)),
                    other => Ok(other),
                });
                out.push(match one {
                    Ok(o) => o,
                    Err(e) => refused(e)?,
                });
            }
            *found.borrow_mut() = Some((r, out));
            // Only an error rolls a write back.
            Err::<(), _>(Error::internal(DRY_RUN))
        });
        match (run, found.into_inner()) {
            (Err(e), Some(outcome)) if e.message == DRY_RUN => Ok(outcome),
            (Err(e), _) => Err(e),
            (Ok(()), _) => Err(Error::internal("the dry run wrote")),
        }
    }

    fn import_meeting_in(
        &self,
        conn: &mut DbConnection,
        m: &MovedMeeting,
        by: &User,
        now: DateTime<Utc>,
    ) -> Result<MeetingOutcome, Error> {
        if let Some(stored) = conferences::get(conn, m.kept.id)? {
            let ids = (
                stored.title.as_str(),
                stored.start,
                stored.external_source_id.as_deref(),
                stored.external_primary_key.as_deref(),
            );
            return Ok(if same_meeting(ids, &m.request) {
                MeetingOutcome::Present
            } else {
                MeetingOutcome::IdTaken { id: m.kept.id }
            });
        }
        let occurrence_ids: Vec<i64> = m.kept.occurrences.values().map(|o| o.0).collect();
        if let Some(id) = conferences::existing(conn, &occurrence_ids)?.first() {
            return Ok(MeetingOutcome::IdTaken { id: *id });
        }
        if let (Some(src), Some(key)) = (
            &m.request.external_source_id,
            &m.request.external_primary_key,
        ) {
            if !key.is_empty() {
                if let Some(c) = conferences::by_external(conn, src, key)? {
                    return Ok(MeetingOutcome::ExternalIdTaken { id: c.id });
                }
            }
        }
        let mode = if m.defective {
            BookingMode::BestEffortForced
        } else {
            BookingMode::Strict
        };
        let saved = match self.save_in(conn, &m.request, mode, by, now, Some(&m.kept)) {
            Ok(saved) => saved,
            Err(e) if !e.retryable && e.code != crate::domain::ErrorCode::DatabaseDown => {
                return Ok(MeetingOutcome::Refused { reason: e.message })
            }
            Err(e) => return Err(e),
        };
        if m.defective {
            self.keep_defective(conn, &saved)?;
        }
        Ok(MeetingOutcome::Imported {
            defective: m.defective,
        })
    }

    /// A meeting Defective in TMS that bridgebook would have placed stays Defective (its
    /// organiser was told it is; the heal pass may place it later, as any Defective one).
    fn keep_defective(&self, conn: &mut DbConnection, saved: &Booked) -> Result<(), Error> {
        let list: Vec<Conference> = match saved {
            Booked::Meeting(c) => vec![c.clone()],
            Booked::Series(s) => std::iter::once(s.conference.clone())
                .chain(s.occurrences.iter().cloned())
                .collect(),
        };
        for mut c in list {
            if matches!(c.status, StoredStatus::Defective | StoredStatus::Deleted) {
                continue;
            }
            c.status = StoredStatus::Defective;
            c.defective_reason = Some(DEFECTIVE_IN_TMS.to_string());
            c.route = None;
            conferences::update(conn, &c, c.version)?;
            self.release(conn, c.id)?;
        }
        Ok(())
    }
}

fn import_room_in(conn: &mut DbConnection, room: &System) -> Result<RoomOutcome, Error> {
    let stored = systems::get(conn, room.id)?;
    let outcome = room_outcome(stored.as_ref(), room);
    if outcome == RoomOutcome::Added {
        systems::upsert(conn, room)?;
    }
    Ok(outcome)
}

pub const DEFECTIVE_IN_TMS: &str = "Defective in TMS when it was moved to bridgebook.";

const REFUSED: &str = "refused: ";
const DRY_RUN: &str = "dry run: rolled back";

type DryResult = (Vec<RoomOutcome>, Vec<MeetingOutcome>);

/// A meeting the save refused, as the error that rolls its transaction back.
fn refusal(reason: String) -> Error {
    Error::internal(format!("{REFUSED}{reason}"))
}

/// The refusal carried out by `refusal`, as its outcome; any other error stays one.
fn refused(e: Error) -> Result<MeetingOutcome, Error> {
    match e.message.strip_prefix(REFUSED) {
        Some(reason) if !e.retryable => Ok(MeetingOutcome::Refused {
            reason: reason.to_string(),
        }),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{SystemCategory, SystemDetails};

    fn room(id: i64, name: &str) -> System {
        System {
            id,
            name: name.into(),
            category: SystemCategory::Room,
            sip_uri: None,
            h323_id: None,
            e164_alias: None,
            time_zone: None,
            allow_booking: true,
            details: SystemDetails::default(),
        }
    }

    #[test]
    fn a_room_id_is_free_the_same_room_or_another() {
        let moved = room(5, "Oslo");
        let cases = [
            ("absent", None, RoomOutcome::Added),
            ("same", Some(room(5, "Oslo")), RoomOutcome::Present),
            (
                "other",
                Some(room(5, "Bergen")),
                RoomOutcome::IdTaken {
                    name: "Bergen".into(),
                },
            ),
        ];
        for (name, stored, want) in cases {
            assert_eq!(room_outcome(stored.as_ref(), &moved), want, "{name}");
        }
    }

    #[test]
    fn a_stored_meeting_is_the_moved_one_by_its_external_ids_or_title() {
        let nine = "2031-03-04T09:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let ten = nine + chrono::Duration::hours(1);
        let some = |s: &'static str| (s != "-").then_some(s);
        let stored = |src: &'static str, key: &'static str, title: &'static str, at| {
            (title, at, some(src), some(key))
        };
        let moved = |src: &'static str, key: &'static str, title: &str| ConferenceRequest {
            title: Some(title.into()),
            start: Some(nine),
            external_source_id: some(src).map(String::from),
            external_primary_key: some(key).map(String::from),
            ..ConferenceRequest::default()
        };
        let cases = [
            (
                "same external ids, changed since",
                stored("xe", "k1", "Renamed", ten),
                moved("xe", "k1", "Board"),
                true,
            ),
            (
                "other key",
                stored("xe", "k2", "Board", nine),
                moved("xe", "k1", "Board"),
                false,
            ),
            (
                "no external ids, same title and start",
                stored("-", "-", "Board", nine),
                moved("-", "-", "Board"),
                true,
            ),
            (
                "no external ids, other title",
                stored("-", "-", "Weekly", nine),
                moved("-", "-", "Board"),
                false,
            ),
            (
                "no external ids, other start",
                stored("-", "-", "Board", ten),
                moved("-", "-", "Board"),
                false,
            ),
            (
                "empty key counts as none",
                stored("-", "", "Board", nine),
                moved("-", "-", "Board"),
                true,
            ),
        ];
        for (name, s, m, want) in cases {
            assert_eq!(same_meeting(s, &m), want, "{name}");
        }
    }
}
