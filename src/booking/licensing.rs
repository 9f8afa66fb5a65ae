//! Licences: ClientSession ids counted against Application Integration licences, or
//! systems switched to "Allow Remote Bookings" against per-system packs.
use super::Booking;
use crate::domain::licensing::{is_licensed, systems_fit, SessionRules, SessionVerdict};
use crate::domain::{Error, ErrorCode, User};
use crate::store::sessions::{self, Session};
use crate::store::{systems, DbConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Licensing {
    /// Nothing is counted.
    #[default]
    Off,
    /// Application Integration licences: licensed calls need a live ClientSession id.
    Sessions(SessionRules),
    /// Packs of 25 systems: a system takes a licence at its first booking.
    PerSystem { packs: u32 },
}

/// What the licences are and how many are used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceUse {
    pub mode: &'static str,
    pub total: u32,
    pub used: u32,
}

impl Booking {
    /// Lets a licensed call through when its ClientSession id is live (or a licence is free
    /// for a new one); otherwise the session fault, suggesting an id to use.
    pub fn admit(
        &self,
        operation: &str,
        session: Option<&str>,
        client: &str,
        by: &User,
    ) -> Result<(), Error> {
        let Licensing::Sessions(rules) = self.licensing else {
            return Ok(());
        };
        if !is_licensed(operation) {
            return Ok(());
        }
        let now = self.now();
        let fresh = uuid::Uuid::new_v4().to_string();
        let given = session.map(str::trim).filter(|s| !s.is_empty());
        self.store.write(|conn| {
            let first_used = match given {
                Some(id) => sessions::get(conn, id)?.map(|s| s.first_used()),
                None => None,
            };
            let active = sessions::live(conn, now - rules.lifetime - rules.grace)?
                .iter()
                .filter(|s| Some(s.id.as_str()) != given)
                .count() as u32;
            match rules.decide(given, first_used, active, now, &fresh) {
                SessionVerdict::Continue => {
                    sessions::touch(conn, given.unwrap_or_default(), client, now)
                }
                SessionVerdict::Start => {
                    sessions::start(conn, given.unwrap_or_default(), client, &by.username, now)
                }
                SessionVerdict::Refuse(e) => Err(e),
            }
        })
    }

    /// The live ClientSession ids, with the address each was last used from.
    pub fn sessions(&self) -> Result<Vec<Session>, Error> {
        let Licensing::Sessions(rules) = self.licensing else {
            return Ok(Vec::new());
        };
        let since = self.now() - rules.lifetime - rules.grace;
        self.store.read(|conn| sessions::live(conn, since))
    }

    pub fn licence_use(&self) -> Result<LicenceUse, Error> {
        Ok(match self.licensing {
            Licensing::Off => LicenceUse {
                mode: "off",
                total: 0,
                used: 0,
            },
            Licensing::Sessions(rules) => LicenceUse {
                mode: "application_integration",
                total: rules.licences,
                used: self.sessions()?.len() as u32,
            },
            Licensing::PerSystem { packs } => LicenceUse {
                mode: "per_system",
                total: packs * 25,
                used: self.store.read(systems::licences_used)? as u32,
            },
        })
    }

    /// Per-system licensing: systems booked for the first time take a licence, while
    /// licences remain; otherwise the booking is refused.
    pub(super) fn license_systems(
        &self,
        conn: &mut DbConnection,
        ids: &[i64],
    ) -> Result<(), Error> {
        let Licensing::PerSystem { packs } = self.licensing else {
            return Ok(());
        };
        let licensed = systems::licensed(conn, ids)?;
        let new: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !licensed.contains(id))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        if !systems_fit(packs, systems::licences_used(conn)?, new.len()) {
            return Err(Error::new(
                ErrorCode::License,
                format!(
                    "No system licence is left for system {}: all {} are in use.",
                    new[0],
                    packs * 25
                ),
            ));
        }
        for id in new {
            systems::set_remote_bookings(conn, id, true)?;
        }
        Ok(())
    }
}
