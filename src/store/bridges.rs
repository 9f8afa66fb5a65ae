//! The bridge inventory. Management credentials live here and nowhere else: no API returns
//! them.
use super::schema::bridges;
use super::DbConnection;
use crate::domain::Error;
use crate::planner::{Bridge, Family};
use diesel::prelude::*;

/// A bridge with how bridgebook reaches its management API.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBridge {
    pub bridge: Bridge,
    pub address: String,
    pub username: String,
    pub password: String,
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
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = bridges)]
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
    })
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<StoredBridge>, Error> {
    bridges::table
        .order(bridges::id)
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(bridge_of)
        .collect()
}

/// Every bridge as the planner sees it, disabled ones included (the planner says why it
/// skips them).
pub fn inventory(conn: &mut DbConnection) -> Result<Vec<Bridge>, Error> {
    Ok(all(conn)?.into_iter().map(|b| b.bridge).collect())
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

/// Records whether the bridge's management API answers.
pub fn set_reachable(conn: &mut DbConnection, id: i64, reachable: bool) -> Result<bool, Error> {
    let changed = diesel::update(
        bridges::table
            .find(id)
            .filter(bridges::reachable.ne(reachable)),
    )
    .set(bridges::reachable.eq(reachable))
    .execute(conn)?;
    Ok(changed > 0)
}
