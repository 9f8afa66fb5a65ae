//! Users as the rest of the service sees them: logins checked against local accounts or the
//! LDAP directory, and booking owners found or created the way the spec says.
pub mod first_admin;
pub mod ldap;
pub mod password;

use crate::domain::{Error, User};
use crate::store::users::{self, Source};
use crate::store::DbConnection;

/// Stores a person found in the directory as a user: their names and address as the
/// directory has them, the default group, and the groups mapped from their LDAP groups.
pub fn remember(conn: &mut DbConnection, e: &ldap::Entry) -> Result<User, Error> {
    let id = users::upsert(
        conn,
        &User {
            username: e.username.clone(),
            email: e.email.clone(),
            first_name: e.first_name.clone(),
            last_name: e.last_name.clone(),
            display_name: e.display_name.clone(),
            ..User::default()
        },
        None,
        Source::Directory,
    )?;
    let mut names: Vec<String> = users::all_groups(conn)?
        .into_iter()
        .filter(|g| {
            g.is_default
                || g.ldap_group
                    .as_ref()
                    .is_some_and(|dn| e.groups.iter().any(|m| m.eq_ignore_ascii_case(dn)))
        })
        .map(|g| g.name)
        .collect();
    names.sort();
    users::set_groups(conn, id, &names)?;
    users::by_id(conn, id)?.ok_or_else(|| Error::internal("a remembered user vanished"))
}
