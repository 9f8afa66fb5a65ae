//! Reading what a mail describes: the meeting, occurrence or series with its zone, the names
//! of its rooms, and the id calendars know it by.
use super::series::{booked, occurrence_at, series_of, stored_zone};
use super::{Booked, Booking};
use crate::domain::{Conference, Direction, Error};
use crate::mail::Meeting;
use crate::store::{conferences, installation, systems, DbConnection};
use chrono::{DateTime, Utc};

impl Booking {
    /// The meeting the client's ids name (one occurrence when `at` is given), for an
    /// invitation, with this installation's id for calendar UIDs.
    pub fn mail_meeting_by_external(
        &self,
        source: &str,
        key: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<(Meeting, String), Error> {
        self.store.read(|conn| {
            let c = super::lifecycle::by_external(conn, source, key)?;
            let c = match at {
                Some(at) if c.is_series() => occurrence_at(conn, &c, at)?,
                Some(at) => {
                    crate::domain::state::check_occurrence(&c, Some(at))?;
                    c
                }
                None => c,
            };
            let m = self.mail_meeting_in(conn, c)?;
            Ok((m, installation::get(conn)?.unwrap_or_default()))
        })
    }

    /// `c` as mail describes it, in its stored state when it is stored.
    pub fn mail_meeting(&self, c: Conference) -> Result<(Meeting, String), Error> {
        self.store.read(|conn| {
            let m = self.mail_meeting_in(conn, c)?;
            Ok((m, installation::get(conn)?.unwrap_or_default()))
        })
    }

    pub(super) fn mail_meeting_in(
        &self,
        conn: &mut DbConnection,
        c: Conference,
    ) -> Result<Meeting, Error> {
        let series_row = if c.is_occurrence() {
            Some(series_of(conn, &c)?)
        } else {
            None
        };
        let zone_of = series_row.as_ref().unwrap_or(&c);
        let zone = match (&c.settings.time_zone, &c.settings.zone_name) {
            (Some(r), _) => crate::domain::zone::Zone::Rules(r.clone()),
            (None, Some(name)) => crate::domain::zone::Zone::named(name)
                .unwrap_or_else(|_| stored_zone(zone_of, &self.rules.time_zone)),
            (None, None) => stored_zone(zone_of, &self.rules.time_zone),
        };
        let mut rooms = vec![];
        for p in &c.participants {
            if p.call_type.direction() == Direction::System {
                match systems::get(conn, p.id)? {
                    Some(s) => rooms.push(s.name),
                    None => rooms.extend(p.name_or_number.clone()),
                }
            }
        }
        let calendar_id = c.series.series_id.unwrap_or(c.id);
        let (conference, occurrences) = if c.is_series() && c.id > 0 {
            match booked(conn, c)? {
                Booked::Series(s) => (s.conference, s.occurrences),
                Booked::Meeting(m) => (m, vec![]),
            }
        } else {
            (c, vec![])
        };
        Ok(Meeting {
            conference,
            occurrences,
            zone,
            rooms,
            calendar_id,
        })
    }

    /// A stored conference by id, if there is one.
    pub fn stored(&self, id: i64) -> Result<Option<Conference>, Error> {
        self.store.read(|conn| conferences::get(conn, id))
    }
}
