//! The users generation kept in the database: raised in the same transaction as a change to
//! accounts made outside a running service (`bridgebook user …`), and read by every running
//! instance every second, so a disabled account's remembered logins stop working at once
//! rather than when they expire.
use super::{DbConnection, Store};
use crate::domain::Error;
use diesel::prelude::*;
use std::sync::Weak;
use std::time::Duration;

diesel::table! {
    users_generation (singleton) {
        singleton -> Integer,
        generation -> BigInt,
    }
}

/// How often a running service reads the stored generation.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// Raises the stored generation; call it inside the transaction that changes accounts.
pub fn raise(conn: &mut DbConnection) -> Result<(), Error> {
    diesel::update(users_generation::table)
        .set(users_generation::generation.eq(users_generation::generation + 1))
        .execute(conn)?;
    Ok(())
}

pub fn read(conn: &mut DbConnection) -> Result<i64, Error> {
    Ok(users_generation::table
        .select(users_generation::generation)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}

/// Reads the stored generation into `store` now and then every second, on a thread of its
/// own that ends with the store. A failed read keeps the last value (the database may be
/// restarting); logins are then checked against it as before.
pub fn watch(store: Weak<Store>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("users-generation".into())
        .spawn(move || {
            while let Some(store) = store.upgrade() {
                if let Ok(g) = store.read(read) {
                    store.set_stored_users_generation(g.max(0) as u64);
                }
                drop(store);
                std::thread::sleep(WATCH_EVERY);
            }
        })
        .map(|_| ())
}
