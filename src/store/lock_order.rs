//! The one order in which a writer takes the store's locks: the systems it books, then the
//! routing lock, then the transaction log. Two writers taking two of them in opposite
//! orders deadlock on PostgreSQL (an update that logged and then planned, against a booking
//! that planned and then logged). Each lock function asks [`enter`] first, which refuses a
//! lock taken out of order, on every backend, so a test on SQLite finds what would deadlock
//! on PostgreSQL.
use crate::domain::Error;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

/// The locks, in the order they are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lock {
    Systems = 1,
    Routing = 2,
    TransactionLog = 3,
}

thread_local! {
    /// The highest lock the running transaction of this thread holds.
    static HELD: Cell<u8> = const { Cell::new(0) };
    /// The systems whose locks it holds: asking for them again takes nothing new, so a
    /// transaction that locked every system it saves up front (SaveConferences) may save
    /// one meeting after another.
    static SYSTEMS: RefCell<BTreeSet<i64>> = const { RefCell::new(BTreeSet::new()) };
    /// The single locks (routing, transaction log) it holds, one bit each: taking one of
    /// them again takes nothing new, so a transaction that plans and logs one meeting
    /// after another (a disabled bridge's meetings moved) may plan again after logging.
    static SINGLES: Cell<u8> = const { Cell::new(0) };
}

/// A transaction starts holding nothing.
pub fn begin() {
    HELD.with(|h| h.set(0));
    SYSTEMS.with(|s| s.borrow_mut().clear());
    SINGLES.with(|s| s.set(0));
}

/// Of `ids`, those whose locks the transaction does not hold yet.
pub fn systems_not_held(ids: &[i64]) -> Vec<i64> {
    SYSTEMS.with(|s| {
        let held = s.borrow();
        ids.iter()
            .copied()
            .filter(|id| !held.contains(id))
            .collect()
    })
}

/// Records that the transaction holds the locks of `ids`.
pub fn hold_systems(ids: &[i64]) {
    SYSTEMS.with(|s| s.borrow_mut().extend(ids.iter().copied()));
}

/// Records that `lock` is taken next; refuses it when a later lock is held already
/// (taking the same one again is fine: PostgreSQL's transaction locks are re-entrant).
pub fn enter(lock: Lock) -> Result<(), Error> {
    let bit = 1u8 << (lock as u8);
    if lock != Lock::Systems && SINGLES.with(|s| s.get() & bit != 0) {
        return Ok(());
    }
    HELD.with(|h| {
        let held = h.get();
        if held > lock as u8 {
            return Err(Error::internal(format!(
                "{lock:?} lock taken after a later one; the order is systems, routing, transaction log"
            )));
        }
        h.set(held.max(lock as u8));
        SINGLES.with(|s| s.set(s.get() | bit));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_are_taken_in_one_order() {
        begin();
        assert!(enter(Lock::Systems).is_ok());
        assert!(enter(Lock::Routing).is_ok());
        assert!(enter(Lock::Routing).is_ok(), "again is fine");
        assert!(enter(Lock::TransactionLog).is_ok());
        begin();
        assert!(enter(Lock::Systems).is_ok());
        assert!(enter(Lock::TransactionLog).is_ok());
        assert!(
            enter(Lock::Routing).is_err(),
            "routing first taken after the log would deadlock"
        );
        begin();
        assert!(enter(Lock::TransactionLog).is_ok());
        assert!(enter(Lock::Systems).is_err());
        begin();
        assert!(enter(Lock::Routing).is_ok());
        assert!(enter(Lock::TransactionLog).is_ok());
        assert!(
            enter(Lock::Routing).is_ok(),
            "routing held already: nothing new is taken"
        );
        assert!(enter(Lock::Systems).is_err(), "a new system lock still is");
        begin();
        hold_systems(&[1, 2]);
        assert_eq!(systems_not_held(&[2, 3]), vec![3]);
        begin();
        assert_eq!(systems_not_held(&[2]), vec![2]);
    }
}
