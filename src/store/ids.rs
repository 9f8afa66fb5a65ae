//! Ids the TMSBA contract can carry. The store counts conferences and transactions in 64
//! bits, but ConferenceId and TransactionId are `xs:int` on the wire: an id past 2³¹−1
//! would reach clients as a negative number (a save answered -2147483648, a replication
//! client asked from there and got the whole log again). Such an id is never handed out:
//! the save is refused, and administrators are warned long before.
use super::schema::{conferences, transactions};
use super::DbConnection;
use crate::domain::{Error, ErrorCode};
use diesel::dsl::max;
use diesel::prelude::*;

/// The largest id the contract carries.
pub const WIRE_LIMIT: i64 = i32::MAX as i64;
/// From here on every thousandth id is logged as a warning (about 95 % of the range used).
pub const WARN_FROM: i64 = WIRE_LIMIT - 100_000_000;

/// `id`, just handed out for a `what`, when the contract can carry it; otherwise the error
/// that rolls the whole save back.
pub fn carried(what: &str, id: i64) -> Result<i64, Error> {
    if id > WIRE_LIMIT {
        return Err(Error::new(
            ErrorCode::DatabaseDown,
            format!(
                "Every {what} id the booking API can carry ({WIRE_LIMIT}) is used; nothing was saved. See /admin/api/ids."
            ),
        ));
    }
    if id >= WARN_FROM && id % 1000 == 0 {
        tracing::warn!(
            "{what} id {id}: {} left before the booking API's limit of {WIRE_LIMIT}",
            WIRE_LIMIT - id
        );
    }
    Ok(id)
}

/// How far the ids have come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headroom {
    pub last_conference: i64,
    pub last_transaction: i64,
}

impl Headroom {
    /// Ids left before the first of the two runs out.
    pub fn remaining(&self) -> i64 {
        WIRE_LIMIT - self.last_conference.max(self.last_transaction)
    }

    /// Whether administrators should be told now.
    pub fn warning(&self) -> bool {
        self.last_conference.max(self.last_transaction) >= WARN_FROM
    }
}

pub fn headroom(conn: &mut DbConnection) -> Result<Headroom, Error> {
    let c: Option<i64> = conferences::table
        .select(max(conferences::id))
        .first(conn)?;
    let t: Option<i64> = transactions::table
        .select(max(transactions::id))
        .first(conn)?;
    Ok(Headroom {
        last_conference: c.unwrap_or(0),
        last_transaction: t.unwrap_or(0),
    })
}

/// Moves the conference and transaction sequences so the next ids handed out are above
/// `conference` and `transaction` (never lowers them). Meetings moved from TMS keep TMS's
/// ids; a booking made afterwards must not be given one of them, and the log must go on
/// above the id a replication client last read from TMS.
pub fn move_past(conn: &mut DbConnection, conference: i64, transaction: i64) -> Result<(), Error> {
    use diesel::sql_types::{BigInt, Text};
    for (table, floor) in [("conferences", conference), ("transactions", transaction)] {
        match conn {
            DbConnection::Sqlite(c) => {
                // AUTOINCREMENT hands out max(sqlite_sequence.seq, max(id)) + 1; the row is
                // missing until the table's first insert.
                diesel::sql_query(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT ?1, 0 \
                     WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)",
                )
                .bind::<Text, _>(table)
                .execute(c)?;
                diesel::sql_query("UPDATE sqlite_sequence SET seq = MAX(seq, ?2) WHERE name = ?1")
                    .bind::<Text, _>(table)
                    .bind::<BigInt, _>(floor)
                    .execute(c)?;
            }
            DbConnection::Pg(c) => {
                diesel::sql_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     GREATEST($1, (SELECT COALESCE(MAX(id), 0) FROM {table}), \
                     (SELECT last_value FROM {table}_id_seq)), true)"
                ))
                .bind::<BigInt, _>(floor)
                .execute(c)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_the_wire_carries_are_handed_out() {
        assert_eq!(carried("conference", 7).unwrap(), 7);
        assert_eq!(carried("conference", WIRE_LIMIT).unwrap(), WIRE_LIMIT);
        let e = carried("conference", WIRE_LIMIT + 1).unwrap_err();
        assert_eq!(e.code, ErrorCode::DatabaseDown);
        let near = Headroom {
            last_conference: WIRE_LIMIT - 10,
            last_transaction: 5,
        };
        assert_eq!(near.remaining(), 10);
        assert!(near.warning());
        assert!(!Headroom {
            last_conference: 1,
            last_transaction: 1
        }
        .warning());
    }
}
