//! This installation's identity: made once, at the first start, and kept with the data.
//! Bridge-side references carry it, so installations sharing a bridge never take each
//! other's conferences.
use super::schema::installation;
use super::DbConnection;
use crate::domain::Error;
use diesel::prelude::*;
use rand::Rng;

/// The installation id, when one was made.
pub fn get(conn: &mut DbConnection) -> Result<Option<String>, Error> {
    Ok(installation::table
        .select(installation::id)
        .first(conn)
        .optional()?)
}

/// The installation id (eight lower-case hex digits), made now when there is none yet.
/// Instances starting together on one database agree: the first insert wins.
pub fn id(conn: &mut DbConnection) -> Result<String, Error> {
    let fresh = format!("{:08x}", rand::thread_rng().gen::<u32>());
    let insert = diesel::insert_into(installation::table)
        .values((installation::singleton.eq(1), installation::id.eq(&fresh)))
        .on_conflict_do_nothing();
    match conn {
        DbConnection::Pg(c) => insert.execute(c)?,
        DbConnection::Sqlite(c) => insert.execute(c)?,
    };
    Ok(installation::table.select(installation::id).first(conn)?)
}
