//! Accounts as an operator manages them from the command line: listed with their state,
//! disabled and enabled, given a new password. Each change raises the stored users
//! generation in its own transaction, so running instances check remembered logins again.
use super::schema::{groups, user_groups, users};
use super::DbConnection;
use crate::domain::Error;
use diesel::prelude::*;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// One account as `bridgebook user list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub email: Option<String>,
    /// local, directory or email (`users::Source`).
    pub source: String,
    pub disabled: bool,
    /// Whether a local password is set (directory accounts have none).
    pub has_password: bool,
    pub hidden: bool,
    pub groups: Vec<String>,
}

/// id, username, email, source, disabled, password_hash, hidden.
type AccountRow = (
    i64,
    String,
    Option<String>,
    String,
    bool,
    Option<String>,
    bool,
);

pub fn list(conn: &mut DbConnection) -> Result<Vec<Account>, Error> {
    let rows: Vec<AccountRow> = users::table
        .order(lower(users::username))
        .select((
            users::id,
            users::username,
            users::email,
            users::source,
            users::disabled,
            users::password_hash,
            users::hidden,
        ))
        .load(conn)?;
    let memberships: Vec<(i64, String)> = user_groups::table
        .inner_join(groups::table.on(groups::id.eq(user_groups::group_id)))
        .order(groups::id)
        .select((user_groups::user_id, groups::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, username, email, source, disabled, hash, hidden)| Account {
                username,
                email,
                source,
                disabled,
                has_password: hash.is_some(),
                hidden,
                groups: memberships
                    .iter()
                    .filter(|(u, _)| *u == id)
                    .map(|(_, g)| g.clone())
                    .collect(),
            },
        )
        .collect())
}

/// The stored spelling of `username` (compared case-insensitively), when there is one.
pub fn find(conn: &mut DbConnection, username: &str) -> Result<Option<String>, Error> {
    Ok(users::table
        .filter(lower(users::username).eq(username.to_lowercase()))
        .select(users::username)
        .first(conn)
        .optional()?)
}

/// Disables or enables `username`; false when there is no such account.
pub fn set_disabled(
    conn: &mut DbConnection,
    username: &str,
    disabled: bool,
) -> Result<bool, Error> {
    let n = diesel::update(users::table.filter(lower(users::username).eq(username.to_lowercase())))
        .set(users::disabled.eq(disabled))
        .execute(conn)?;
    if n > 0 {
        super::users_generation::raise(conn)?;
    }
    Ok(n > 0)
}

/// Gives `username` the password `hash` proves; false when there is no such account.
pub fn set_password(conn: &mut DbConnection, username: &str, hash: &str) -> Result<bool, Error> {
    let n = diesel::update(users::table.filter(lower(users::username).eq(username.to_lowercase())))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    if n > 0 {
        super::users_generation::raise(conn)?;
    }
    Ok(n > 0)
}

/// The names of every group, for a message naming the ones that exist.
pub fn group_names(conn: &mut DbConnection) -> Result<Vec<String>, Error> {
    Ok(groups::table
        .order(groups::id)
        .select(groups::name)
        .load(conn)?)
}
