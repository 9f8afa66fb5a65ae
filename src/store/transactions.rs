//! The replication log behind GetTransactionsSince: one row per committed change.
use super::schema::{conferences, transactions};
use super::{lock_transaction_log, DbConnection};
use crate::domain::time::from_epoch;
use crate::domain::{Error, Transaction, TransactionType};
use diesel::prelude::*;

#[derive(Queryable)]
struct Row {
    id: i64,
    conference_id: i64,
    kind: String,
    performed_by: i64,
    system_ids: String,
    external_source_id: Option<String>,
    external_primary_key: Option<String>,
    created_at: i64,
}

/// Systems are kept as ",1,2," so one LIKE finds a system without a join.
fn encode_systems(ids: &[i64]) -> String {
    let mut s = String::from(",");
    for id in ids {
        s.push_str(&id.to_string());
        s.push(',');
    }
    s
}

fn decode_systems(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|p| p.parse().ok()).collect()
}

impl From<Row> for Transaction {
    fn from(r: Row) -> Transaction {
        Transaction {
            id: r.id,
            conference_id: r.conference_id,
            kind: TransactionType::parse(&r.kind),
            performed_by_user_id: r.performed_by,
            system_ids: decode_systems(&r.system_ids),
            external_source_id: r.external_source_id,
            external_primary_key: r.external_primary_key,
            recurrence_instance: None,
        }
    }
}

/// What a change to one conference leaves in the log.
pub struct Entry<'a> {
    pub conference_id: i64,
    pub kind: TransactionType,
    pub performed_by: i64,
    pub system_ids: &'a [i64],
    pub external_source_id: Option<&'a str>,
    pub external_primary_key: Option<&'a str>,
}

/// Appends a row in the caller's transaction and returns its id. Must be the last write of
/// that transaction, so the log lock is held as briefly as possible.
pub fn append(conn: &mut DbConnection, e: &Entry) -> Result<i64, Error> {
    lock_transaction_log(conn)?;
    let id = diesel::insert_into(transactions::table)
        .values((
            transactions::conference_id.eq(e.conference_id),
            transactions::kind.eq(e.kind.as_str()),
            transactions::performed_by.eq(e.performed_by),
            transactions::system_ids.eq(encode_systems(e.system_ids)),
            transactions::external_source_id.eq(e.external_source_id),
            transactions::external_primary_key.eq(e.external_primary_key),
            transactions::created_at.eq(chrono::Utc::now().timestamp()),
        ))
        .returning(transactions::id)
        .get_result(conn)?;
    super::ids::carried("transaction", id)
}

/// Up to `limit` rows after `since`, oldest first, optionally only those touching `system`.
pub fn since(
    conn: &mut DbConnection,
    since: i64,
    system: Option<i64>,
    limit: i64,
) -> Result<Vec<Transaction>, Error> {
    let mut q = transactions::table
        .filter(transactions::id.gt(since))
        .order(transactions::id)
        .limit(limit)
        .into_boxed();
    if let Some(s) = system {
        q = q.filter(transactions::system_ids.like(format!("%,{s},%")));
    }
    let mut rows: Vec<Transaction> = q
        .load::<Row>(conn)?
        .into_iter()
        .map(Transaction::from)
        .collect();
    // Rows of occurrences name their occurrence, so a replication client knows which one
    // changed without reading the conference.
    let ids: Vec<i64> = rows.iter().map(|t| t.conference_id).collect();
    let instances: Vec<(i64, Option<i64>)> = conferences::table
        .filter(conferences::id.eq_any(&ids))
        .filter(conferences::instance_at.is_not_null())
        .select((conferences::id, conferences::instance_at))
        .load(conn)?;
    for t in &mut rows {
        t.recurrence_instance = instances
            .iter()
            .find(|(id, _)| *id == t.conference_id)
            .and_then(|(_, at)| at.map(from_epoch));
    }
    Ok(rows)
}

/// The log rows of conference `id` (and of the occurrences of a series `id`), oldest first,
/// each with when it was written: a meeting's history.
pub fn of_conference(
    conn: &mut DbConnection,
    id: i64,
) -> Result<Vec<(Transaction, chrono::DateTime<chrono::Utc>)>, Error> {
    let members = conferences::table
        .filter(conferences::series_id.eq(id))
        .select(conferences::id);
    let rows: Vec<Row> = transactions::table
        .filter(
            transactions::conference_id
                .eq(id)
                .or(transactions::conference_id.eq_any(members)),
        )
        .order(transactions::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let at = from_epoch(r.created_at);
            (Transaction::from(r), at)
        })
        .collect())
}

/// Up to `limit` rows before `before` (or the newest), newest first, optionally only those
/// of conference `conference` and its occurrences: the log as an administrator reads it.
pub fn newest(
    conn: &mut DbConnection,
    conference: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Transaction>, Error> {
    let mut q = transactions::table
        .order(transactions::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(transactions::id.lt(b));
    }
    if let Some(c) = conference {
        let members = conferences::table
            .filter(conferences::series_id.eq(c))
            .select(conferences::id);
        q = q.filter(
            transactions::conference_id
                .eq(c)
                .or(transactions::conference_id.eq_any(members)),
        );
    }
    Ok(q.load::<Row>(conn)?
        .into_iter()
        .map(Transaction::from)
        .collect())
}

pub fn exists(conn: &mut DbConnection, id: i64) -> Result<bool, Error> {
    Ok(transactions::table
        .find(id)
        .select(transactions::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_list_round_trip() {
        for ids in [vec![], vec![1], vec![12, 3, 400]] {
            let s = encode_systems(&ids);
            assert_eq!(decode_systems(&s), ids);
        }
        assert!(encode_systems(&[12, 3]).contains(",3,"));
        assert!(!encode_systems(&[13]).contains(",3,"));
    }
}
