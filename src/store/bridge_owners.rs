//! Which instance works each bridge's jobs. Bridges document request rates for all their
//! clients together (a Conductor: 2 creates a second), and each instance paces only its own
//! requests, so a bridge's jobs go to one instance at a time: the owner renews its lease
//! whenever it claims that bridge's jobs, and another instance takes over only once the
//! lease has run out (the owner died, or the bridge had nothing to do for that long).
use super::schema::bridge_owners;
use super::DbConnection;
use crate::domain::time::to_epoch;
use crate::domain::Error;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

/// Takes or renews ownership of `bridges` for `node` until `now + lease`; answers the ones
/// `node` owns now.
pub fn take(
    conn: &mut DbConnection,
    bridges: &[i64],
    node: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Vec<i64>, Error> {
    let until = to_epoch(now + lease);
    let mut owned = Vec::new();
    for &bridge in bridges {
        // Ours already, or free: a concurrent taker re-reads the row after this commits
        // and finds it no longer free.
        let renewed = diesel::update(
            bridge_owners::table
                .filter(bridge_owners::bridge_id.eq(bridge))
                .filter(
                    bridge_owners::node
                        .eq(node)
                        .or(bridge_owners::lease_until.lt(to_epoch(now))),
                ),
        )
        .set((
            bridge_owners::node.eq(node),
            bridge_owners::lease_until.eq(until),
        ))
        .execute(conn)?;
        let taken = renewed > 0 || {
            // Nobody's yet; of two instances inserting at once, one gets it.
            let insert = diesel::insert_into(bridge_owners::table)
                .values((
                    bridge_owners::bridge_id.eq(bridge),
                    bridge_owners::node.eq(node),
                    bridge_owners::lease_until.eq(until),
                ))
                .on_conflict_do_nothing();
            let inserted = match conn {
                DbConnection::Pg(c) => insert.execute(c)?,
                DbConnection::Sqlite(c) => insert.execute(c)?,
            };
            inserted > 0
        };
        if taken {
            owned.push(bridge);
        }
    }
    Ok(owned)
}
