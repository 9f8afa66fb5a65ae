//! What site administrators change in the console beside bookings: rooms added and retired,
//! users disabled and enabled. What the configuration file defines is the file's: these
//! refuse to change it.
use super::Booking;
use crate::domain::{Error, ErrorCode, System, SystemCategory, User};
use crate::store::{systems, users};

pub(super) fn site_admin(by: &User) -> Result<(), Error> {
    if by.rights.is_site_admin() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::Security,
            "Only site administrators may change this.",
        ))
    }
}

pub(super) fn in_file(what: &str) -> Error {
    Error::new(
        ErrorCode::Security,
        format!("{what} is defined in the configuration file: change it there."),
    )
}

/// A room as an administrator describes it: a name, and how it is called.
pub struct NewRoom {
    pub name: String,
    pub category: String,
    pub sip_uri: Option<String>,
    pub h323_id: Option<String>,
    pub e164_alias: Option<String>,
    pub time_zone: Option<String>,
}

/// Checks a new room; answers what is wrong with it, for a person.
pub fn check_room(r: &NewRoom) -> Result<SystemCategory, String> {
    if r.name.trim().is_empty() {
        return Err("A room needs a name.".into());
    }
    if r.name.chars().count() > 100 {
        return Err("A room's name has at most 100 characters.".into());
    }
    let category = SystemCategory::parse(r.category.trim()).ok_or_else(|| {
        format!(
            "'{}' is not a category (endpoint, room, equipment, recording).",
            r.category
        )
    })?;
    if let Some(sip) = &r.sip_uri {
        if sip.contains(char::is_whitespace) || !sip.contains('@') {
            return Err(format!("'{sip}' is not a SIP address (name@domain)."));
        }
    }
    if let Some(z) = &r.time_zone {
        crate::domain::zone::Zone::named(z).map_err(|e| e.message)?;
    }
    Ok(category)
}

impl Booking {
    /// Adds a room (the database's) with the next free id.
    pub fn add_room(&self, r: &NewRoom, by: &User) -> Result<System, Error> {
        site_admin(by)?;
        let category = check_room(r).map_err(Error::invalid)?;
        self.store.write(|conn| {
            let system = System {
                id: systems::next_id(conn)?,
                name: r.name.trim().to_string(),
                category,
                sip_uri: r.sip_uri.clone(),
                h323_id: r.h323_id.clone(),
                e164_alias: r.e164_alias.clone(),
                time_zone: r.time_zone.clone(),
                allow_booking: true,
                details: Default::default(),
            };
            systems::upsert(conn, &system)?;
            Ok(system)
        })
    }

    /// Changes a room the database owns: its name, category, addresses and zone. Its
    /// meetings keep it; the launcher calls it at its new address from the next call on.
    pub fn change_room(&self, id: i64, r: &NewRoom, by: &User) -> Result<System, Error> {
        site_admin(by)?;
        let category = check_room(r).map_err(Error::invalid)?;
        self.store.write(|conn| {
            let old = systems::get(conn, id)?.ok_or_else(|| {
                Error::new(
                    ErrorCode::SystemNotFound,
                    format!("System {id} does not exist."),
                )
            })?;
            if systems::from_file_ids(conn)?.contains(&id) {
                return Err(in_file(&format!("System {id}")));
            }
            let system = System {
                name: r.name.trim().to_string(),
                category,
                sip_uri: r.sip_uri.clone(),
                h323_id: r.h323_id.clone(),
                e164_alias: r.e164_alias.clone(),
                time_zone: r.time_zone.clone(),
                ..old
            };
            systems::upsert(conn, &system)?;
            Ok(system)
        })
    }

    /// Retires a room: no longer listed nor bookable; its meetings stay.
    pub fn retire_room(&self, id: i64, by: &User) -> Result<(), Error> {
        site_admin(by)?;
        self.store.write(|conn| {
            if !systems::exists(conn, id)? {
                return Err(Error::new(
                    ErrorCode::SystemNotFound,
                    format!("System {id} does not exist."),
                ));
            }
            if systems::from_file_ids(conn)?.contains(&id) {
                return Err(in_file(&format!("System {id}")));
            }
            systems::retire(conn, id)
        })
    }

    /// The ids of the rooms the configuration file defines.
    pub fn rooms_in_file(&self) -> Result<Vec<i64>, Error> {
        self.store.read(systems::from_file_ids)
    }

    /// Each user's (defined by the file, disabled), by id.
    pub fn user_flags(&self) -> Result<std::collections::HashMap<i64, (bool, bool)>, Error> {
        self.store.read(users::flags)
    }

    /// Disables or enables a user (not one the file defines); a disabled one cannot log in,
    /// from the next request on.
    pub fn set_user_disabled(&self, id: i64, disabled: bool, by: &User) -> Result<(), Error> {
        site_admin(by)?;
        if disabled && id == by.id {
            return Err(Error::invalid("You cannot disable yourself."));
        }
        self.store.write(|conn| {
            let user = users::by_id(conn, id)?.ok_or_else(|| {
                Error::new(ErrorCode::UserNotFound, format!("User {id} was not found."))
            })?;
            if users::flags(conn)?.get(&id).is_some_and(|(f, _)| *f) {
                return Err(in_file(&format!("User '{}'", user.username)));
            }
            users::set_disabled(conn, id, disabled)
        })?;
        self.store.users_changed();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(name: &str, category: &str, sip: Option<&str>, zone: Option<&str>) -> NewRoom {
        NewRoom {
            name: name.into(),
            category: category.into(),
            sip_uri: sip.map(String::from),
            h323_id: None,
            e164_alias: None,
            time_zone: zone.map(String::from),
        }
    }

    #[test]
    fn rooms_are_checked() {
        let table = [
            (room("Oslo", "room", Some("oslo@example.com"), None), true),
            (room("Oslo", "Endpoint", None, Some("Europe/Oslo")), true),
            (room(" ", "room", None, None), false),
            (room("Oslo", "kitchen", None, None), false),
            (room("Oslo", "room", Some("oslo example"), None), false),
            (room("Oslo", "room", None, Some("Mars/Olympus")), false),
            (room(&"x".repeat(101), "room", None, None), false),
        ];
        for (i, (r, ok)) in table.into_iter().enumerate() {
            assert_eq!(check_room(&r).is_ok(), ok, "row {i}: {:?}", check_room(&r));
        }
    }
}
