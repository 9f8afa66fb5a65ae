//! Administering the bridge inventory, and a bridge's planned load over time. Every change
//! to a bridge re-plans the meetings it affects in the same transaction.
use super::Booking;
use crate::domain::{Error, ErrorCode, User};
use crate::planner::capacity::timeline;
use crate::planner::CapacityModel;
use crate::planner::Units;
use crate::store::bridge_loads;
use crate::store::bridges::{self, Observed, StoredBridge};
use crate::store::DbConnection;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

fn invalid(b: &StoredBridge) -> Result<(), Error> {
    let problems = b.bridge.problems();
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::Unknown,
        format!("Bridge '{}': {}.", b.bridge.name, problems.join("; ")),
    ))
}

fn no_bridge(id: i64) -> Error {
    Error::new(
        ErrorCode::SystemNotFound,
        format!("Bridge {id} does not exist."),
    )
}

/// One step of a bridge's planned load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadStep {
    pub from: DateTime<Utc>,
    pub units: Units,
    pub conferences: u32,
}

impl Booking {
    pub fn bridges(&self) -> Result<Vec<StoredBridge>, Error> {
        self.store.read(bridges::all)
    }

    /// What was learnt from each bridge itself (prices, last health answer), by id.
    /// The ids of the bridges the configuration file defines (read-only here).
    pub fn bridges_in_file(&self) -> Result<Vec<i64>, Error> {
        self.store.read(bridges::from_file)
    }

    pub fn bridge_observations(&self) -> Result<HashMap<i64, Observed>, Error> {
        self.store.read(bridges::observed)
    }

    /// Records whether bridge `id`'s management API answered (`Err` says why not; an
    /// unreachable bridge takes no new meetings); one that answers again makes room for
    /// Defective meetings. True when whether it answers changed.
    pub fn bridge_reachable(&self, id: i64, answered: Result<(), &str>) -> Result<bool, Error> {
        let now = self.now();
        self.store.write(|conn| {
            let changed = bridges::set_reachable(conn, id, answered, now)?;
            if changed && answered.is_ok() {
                self.heal_all_later(conn)?;
            }
            Ok(changed)
        })
    }

    /// A bridge published prices (`None`: it stopped): when they changed, its future meetings
    /// are planned again with them, as after a change of its settings.
    pub fn bridge_priced(&self, id: i64, priced: Option<&CapacityModel>) -> Result<(), Error> {
        let now = self.now();
        self.store.write(|conn| {
            if bridges::set_priced(conn, id, priced)? {
                self.replan_bridge(conn, id, false, now, &User::system())?;
            }
            Ok(())
        })
    }

    pub fn bridge(&self, id: i64) -> Result<StoredBridge, Error> {
        self.store
            .read(|conn| bridges::get(conn, id))?
            .ok_or_else(|| no_bridge(id))
    }

    /// Adds a bridge; Defective meetings waiting for room may now be placed on it.
    pub fn add_bridge(&self, b: &StoredBridge, _by: &User) -> Result<StoredBridge, Error> {
        invalid(b)?;
        self.store.write(|conn| {
            if bridges::by_name(conn, &b.bridge.name)?.is_some() {
                return Err(Error::new(
                    ErrorCode::Unknown,
                    format!("A bridge named '{}' exists already.", b.bridge.name),
                ));
            }
            let mut added = b.clone();
            added.bridge.id = bridges::insert(conn, b)?;
            self.heal_all_later(conn)?;
            Ok(added)
        })
    }

    /// Changes a bridge (settings, enabled flag); its future meetings are planned again.
    pub fn change_bridge(&self, b: &StoredBridge, by: &User) -> Result<StoredBridge, Error> {
        invalid(b)?;
        let now = self.now();
        self.store.write(|conn| {
            let old = bridges::get(conn, b.bridge.id)?.ok_or_else(|| no_bridge(b.bridge.id))?;
            file_managed(conn, &old)?;
            if let Some(other) = bridges::by_name(conn, &b.bridge.name)? {
                if other.bridge.id != b.bridge.id {
                    return Err(Error::new(
                        ErrorCode::Unknown,
                        format!("A bridge named '{}' exists already.", b.bridge.name),
                    ));
                }
            }
            bridges::update(conn, b)?;
            if old != *b {
                self.replan_bridge(conn, b.bridge.id, !b.bridge.enabled, now, by)?;
            }
            Ok(b.clone())
        })
    }

    /// Removes a bridge after moving its future meetings elsewhere (or making them
    /// Defective).
    pub fn remove_bridge(&self, id: i64, by: &User) -> Result<(), Error> {
        let now = self.now();
        self.store.write(|conn| {
            let mut b = bridges::get(conn, id)?.ok_or_else(|| no_bridge(id))?;
            file_managed(conn, &b)?;
            b.bridge.enabled = false;
            bridges::update(conn, &b)?;
            self.replan_bridge(conn, id, true, now, by)?;
            bridges::remove(conn, id)
        })
    }

    /// Makes the inventory hold `configured` (matched by name): new bridges are added,
    /// changed ones updated and their meetings planned again. Bridges added at runtime stay.
    pub fn load_bridges(&self, configured: &[StoredBridge], by: &User) -> Result<(), Error> {
        for b in configured {
            invalid(b)?;
        }
        let now = self.now();
        self.store.write(|conn| {
            let mut in_file = Vec::with_capacity(configured.len());
            for b in configured {
                let id = match bridges::by_name(conn, &b.bridge.name)? {
                    None => bridges::insert(conn, b)?,
                    Some(old) => {
                        let mut new = b.clone();
                        new.bridge.id = old.bridge.id;
                        if new != old {
                            bridges::update(conn, &new)?;
                            self.replan_bridge(conn, new.bridge.id, !new.bridge.enabled, now, by)?;
                        }
                        old.bridge.id
                    }
                };
                bridges::set_from_file(conn, id, true)?;
                in_file.push(id);
            }
            // Removed from the file: disabled (its meetings move) and the database's from
            // now on, to enable again or remove through the admin API.
            for id in bridges::from_file(conn)? {
                if in_file.contains(&id) {
                    continue;
                }
                bridges::set_from_file(conn, id, false)?;
                if let Some(mut b) = bridges::get(conn, id)? {
                    tracing::warn!(
                        "bridge '{}' is no longer in the configuration file: disabled",
                        b.bridge.name
                    );
                    if b.bridge.enabled {
                        b.bridge.enabled = false;
                        bridges::update(conn, &b)?;
                        self.replan_bridge(conn, id, true, now, by)?;
                    }
                }
            }
            self.heal_all_later(conn)?;
            Ok(())
        })
    }

    /// The load planned on bridge `id` over [from, to), as steps.
    pub fn bridge_load(
        &self,
        id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<(StoredBridge, Vec<LoadStep>), Error> {
        self.store.read(|conn| {
            let mut b = bridges::get(conn, id)?.ok_or_else(|| no_bridge(id))?;
            // The capacity the planner counts with (a bridge's own prices, when it has some).
            if let Some(planned) = bridges::inventory(conn)?.into_iter().find(|p| p.id == id) {
                b.bridge = planned;
            }
            let loads = bridge_loads::of_bridge(conn, id, from, to)?;
            let steps = timeline(&loads, from, to)
                .into_iter()
                .map(|(from, units, conferences)| LoadStep {
                    from,
                    units,
                    conferences,
                })
                .collect();
            Ok((b, steps))
        })
    }
}

/// Refuses a change to a bridge the configuration file defines: the file manages it.
fn file_managed(conn: &mut DbConnection, b: &StoredBridge) -> Result<(), Error> {
    if bridges::is_from_file(conn, b.bridge.id)? {
        return Err(Error::new(
            ErrorCode::Security,
            format!(
                "Bridge '{}' is defined in the configuration file: change it there (it is read again at the next start).",
                b.bridge.name
            ),
        ));
    }
    Ok(())
}
