//! The bridge inventory. Management credentials live here and nowhere else: no API returns
//! them.
use super::schema::bridges;
use super::DbConnection;
use crate::domain::time::{from_epoch, to_epoch};
use crate::domain::Error;
use crate::planner::{Bridge, CapacityModel, Family};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How a bridge's management certificate is checked. By default against the public roots;
/// many bridges carry a certificate of the organisation's own CA (`ca_file`), and some a
/// self-signed one, which only `verify = false` accepts (the Conductor document asks for
/// verification to be the administrator's choice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Tls {
    /// Check the certificate (its chain and its name).
    pub verify: bool,
    /// PEM file of the CA certificates to trust for this bridge, instead of the public roots.
    pub ca_file: Option<String>,
}

impl Default for Tls {
    fn default() -> Self {
        Tls {
            verify: true,
            ca_file: None,
        }
    }
}

/// A bridge with how bridgebook reaches its management API.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBridge {
    pub bridge: Bridge,
    pub address: String,
    pub username: String,
    pub password: String,
    pub tls: Tls,
    /// Pexip Infinity: the system location whose nodes place the meeting's calls.
    pub system_location: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = bridges)]
struct Row {
    id: i64,
    name: String,
    family: String,
    address: String,
    username: String,
    password: String,
    enabled: bool,
    priority: i32,
    capabilities: String,
    capacity: String,
    numbering: String,
    reachable: bool,
    priced_capacity: Option<String>,
    tls: Option<String>,
    system_location: Option<String>,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = bridges, treat_none_as_null = true)]
struct Write<'a> {
    name: &'a str,
    family: &'a str,
    address: &'a str,
    username: &'a str,
    password: &'a str,
    enabled: bool,
    priority: i32,
    capabilities: String,
    capacity: String,
    numbering: String,
    tls: Option<String>,
    system_location: Option<&'a str>,
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, Error> {
    serde_json::to_string(v).map_err(|e| Error::internal(e.to_string()))
}

fn parsed<T: serde::de::DeserializeOwned>(what: &str, id: i64, s: &str) -> Result<T, Error> {
    serde_json::from_str(s)
        .map_err(|e| Error::internal(format!("stored {what} of bridge {id}: {e}")))
}

fn write_of(b: &StoredBridge) -> Result<Write<'_>, Error> {
    Ok(Write {
        name: &b.bridge.name,
        family: b.bridge.family.as_str(),
        address: &b.address,
        username: &b.username,
        password: &b.password,
        enabled: b.bridge.enabled,
        priority: b.bridge.priority,
        capabilities: json(&b.bridge.capabilities)?,
        capacity: json(&b.bridge.capacity)?,
        numbering: json(&b.bridge.numbering)?,
        tls: (b.tls != Tls::default())
            .then(|| json(&b.tls))
            .transpose()?,
        system_location: b.system_location.as_deref(),
    })
}

fn bridge_of(r: Row) -> Result<StoredBridge, Error> {
    Ok(StoredBridge {
        bridge: Bridge {
            id: r.id,
            family: Family::parse(&r.family)
                .ok_or_else(|| Error::internal(format!("stored family '{}'", r.family)))?,
            enabled: r.enabled,
            priority: r.priority,
            capabilities: parsed("capabilities", r.id, &r.capabilities)?,
            capacity: parsed("capacity", r.id, &r.capacity)?,
            numbering: parsed("numbering", r.id, &r.numbering)?,
            reachable: r.reachable,
            name: r.name,
        },
        address: r.address,
        username: r.username,
        password: r.password,
        tls: r
            .tls
            .map(|t| parsed("tls", r.id, &t))
            .transpose()?
            .unwrap_or_default(),
        system_location: r.system_location,
    })
}

fn rows(conn: &mut DbConnection) -> Result<Vec<Row>, Error> {
    Ok(bridges::table
        .order(bridges::id)
        .select(Row::as_select())
        .load(conn)?)
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<StoredBridge>, Error> {
    rows(conn)?.into_iter().map(bridge_of).collect()
}

/// A bridge's last health answer, as administrators see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthSeen {
    pub at: DateTime<Utc>,
    pub load: Option<f64>,
    pub active_conferences: Option<u32>,
}

/// What bridgebook learnt from a bridge itself, beside its configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Observed {
    /// The bridge's own price list (a Conductor's ServiceCost); the planner counts with
    /// it instead of the configured capacity.
    pub priced_capacity: Option<CapacityModel>,
    pub health: Option<HealthSeen>,
    /// Since when it has not answered; None while it answers.
    pub down_since: Option<DateTime<Utc>>,
    /// The last time it did not answer, and why; kept after it answers again.
    pub last_failure: Option<Failure>,
}

/// A time a bridge did not answer, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// What was learnt from each bridge, by id.
pub fn observed(conn: &mut DbConnection) -> Result<HashMap<i64, Observed>, Error> {
    type ObservedRow = (
        i64,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<ObservedRow> = bridges::table
        .select((
            bridges::id,
            bridges::priced_capacity,
            bridges::health,
            bridges::down_since,
            bridges::last_failure,
            bridges::last_failure_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, priced, health, down_since, failure, failure_at)| {
            Ok((
                id,
                Observed {
                    priced_capacity: priced
                        .map(|p| parsed("priced capacity", id, &p))
                        .transpose()?,
                    health: health.map(|h| parsed("health", id, &h)).transpose()?,
                    down_since: down_since.map(from_epoch),
                    last_failure: failure.zip(failure_at).map(|(reason, at)| Failure {
                        at: from_epoch(at),
                        reason,
                    }),
                },
            ))
        })
        .collect()
}

/// Every bridge as the planner sees it, disabled ones included (the planner says why it
/// skips them); a bridge that publishes its prices is counted with them.
pub fn inventory(conn: &mut DbConnection) -> Result<Vec<Bridge>, Error> {
    rows(conn)?
        .into_iter()
        .map(|r| {
            let priced = r.priced_capacity.clone();
            let mut bridge = bridge_of(r)?.bridge;
            if let Some(p) = priced {
                bridge.capacity = parsed("priced capacity", bridge.id, &p)?;
            }
            Ok(bridge)
        })
        .collect()
}

/// Records the bridge's own price list; true when it differs from what was recorded.
pub fn set_priced(
    conn: &mut DbConnection,
    id: i64,
    priced: Option<&CapacityModel>,
) -> Result<bool, Error> {
    let new = priced.map(json).transpose()?;
    let old: Option<Option<String>> = bridges::table
        .find(id)
        .select(bridges::priced_capacity)
        .first(conn)
        .optional()?;
    if old.is_none() || old == Some(new.clone()) {
        return Ok(false);
    }
    diesel::update(bridges::table.find(id))
        .set(bridges::priced_capacity.eq(new))
        .execute(conn)?;
    Ok(true)
}

pub fn set_health(conn: &mut DbConnection, id: i64, seen: &HealthSeen) -> Result<(), Error> {
    diesel::update(bridges::table.find(id))
        .set(bridges::health.eq(Some(json(seen)?)))
        .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<StoredBridge>, Error> {
    bridges::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(bridge_of)
        .transpose()
}

pub fn by_name(conn: &mut DbConnection, name: &str) -> Result<Option<StoredBridge>, Error> {
    bridges::table
        .filter(bridges::name.eq(name))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(bridge_of)
        .transpose()
}

/// Adds a bridge (its id is ignored) and returns the id it was given.
pub fn insert(conn: &mut DbConnection, b: &StoredBridge) -> Result<i64, Error> {
    Ok(diesel::insert_into(bridges::table)
        .values(write_of(b)?)
        .returning(bridges::id)
        .get_result(conn)?)
}

pub fn update(conn: &mut DbConnection, b: &StoredBridge) -> Result<(), Error> {
    diesel::update(bridges::table.find(b.bridge.id))
        .set(write_of(b)?)
        .execute(conn)?;
    Ok(())
}

pub fn remove(conn: &mut DbConnection, id: i64) -> Result<(), Error> {
    diesel::delete(bridges::table.find(id)).execute(conn)?;
    Ok(())
}

/// Records whether the bridge's management API answered at `now` (`Err` with why not): a
/// bridge that stops answering is down from then on, and every failure is kept as the last
/// one. True when whether it answers changed.
pub fn set_reachable(
    conn: &mut DbConnection,
    id: i64,
    answered: Result<(), &str>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let changed = match answered {
        Ok(()) => diesel::update(bridges::table.find(id).filter(bridges::reachable.eq(false)))
            .set((
                bridges::reachable.eq(true),
                bridges::down_since.eq(None::<i64>),
            ))
            .execute(conn)?,
        Err(reason) => {
            diesel::update(bridges::table.find(id))
                .set((
                    bridges::last_failure.eq(reason),
                    bridges::last_failure_at.eq(to_epoch(now)),
                ))
                .execute(conn)?;
            diesel::update(bridges::table.find(id).filter(bridges::reachable.eq(true)))
                .set((
                    bridges::reachable.eq(false),
                    bridges::down_since.eq(to_epoch(now)),
                ))
                .execute(conn)?
        }
    };
    Ok(changed > 0)
}

/// Marks bridge `id` as defined by the configuration file (or not).
pub fn set_from_file(conn: &mut DbConnection, id: i64, from_file: bool) -> Result<(), Error> {
    diesel::update(bridges::table.find(id))
        .set(bridges::from_file.eq(from_file))
        .execute(conn)?;
    Ok(())
}

/// Whether the configuration file defines bridge `id` (and so only the file changes it).
pub fn is_from_file(conn: &mut DbConnection, id: i64) -> Result<bool, Error> {
    Ok(bridges::table
        .find(id)
        .select(bridges::from_file)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// The ids of the bridges the configuration file defines.
pub fn from_file(conn: &mut DbConnection) -> Result<Vec<i64>, Error> {
    Ok(bridges::table
        .filter(bridges::from_file.eq(true))
        .select(bridges::id)
        .load(conn)?)
}
