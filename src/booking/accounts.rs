//! Accounts and groups as site administrators manage them in the console: local users added,
//! put in groups and given a new password; groups added and given permissions. What the
//! configuration file defines is the file's, and directory users are the directory's (their
//! groups follow their LDAP groups): these refuse to change either. Every change raises the
//! users generation in its transaction, so every instance checks remembered logins again.
use super::inventory::{in_file, site_admin};
use super::Booking;
use crate::directory::password;
use crate::domain::rights::{Permission, Rights};
use crate::domain::{Error, ErrorCode, User};
use crate::store::users::{self, Group, Source, DEFAULT_GROUP, SITE_ADMINS};
use crate::store::{accounts, users_generation, DbConnection};
use std::collections::HashMap;

/// A local account as an administrator describes it.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub password: String,
    /// Groups beside the default one, which every user is in.
    pub groups: Vec<String>,
    /// An integration's account, left out of user lists.
    pub api_account: bool,
}

/// A user as the console shows it.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub user: User,
    pub groups: Vec<String>,
    pub source: Option<Source>,
    pub from_file: bool,
    pub disabled: bool,
}

/// A group as the console lists it.
#[derive(Debug, Clone)]
pub struct GroupRecord {
    pub group: Group,
    pub members: i64,
    pub from_file: bool,
}

/// Why `name` cannot be a user name, if it cannot: it is sent in HTTP Basic, where a colon
/// ends it, and shown everywhere.
pub fn username_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("A user needs a user name.".into());
    }
    if name.chars().count() > 100 {
        return Some("A user name has at most 100 characters.".into());
    }
    if name.contains(':') || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "'{name}' cannot be a user name: no spaces, colons or control characters."
        ));
    }
    None
}

/// Why `email` cannot be an email address, if it cannot.
pub fn email_problem(email: &str) -> Option<String> {
    let ok = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace);
    (!ok).then(|| format!("'{email}' is not an email address."))
}

/// Why a group cannot be named `name`, if it cannot.
pub fn group_name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("A group needs a name.".into());
    }
    (name.chars().count() > 100).then(|| "A group's name has at most 100 characters.".into())
}

/// The groups a user ends up in when `wanted` is asked for: the default group always,
/// each group once.
pub fn membership(wanted: &[String]) -> Vec<String> {
    let mut all = vec![DEFAULT_GROUP.to_string()];
    for g in wanted {
        if !all.contains(g) {
            all.push(g.clone());
        }
    }
    all
}

fn refused(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::Security, message)
}

fn unknown_groups(conn: &mut DbConnection, wanted: &[String]) -> Result<(), Error> {
    let known = accounts::group_names(conn)?;
    match wanted.iter().find(|g| !known.contains(g)) {
        Some(missing) => Err(Error::invalid(format!(
            "There is no group named '{missing}'."
        ))),
        None => Ok(()),
    }
}

/// User `id`, when the console may change its account: it exists, and neither the file nor
/// the directory owns it.
fn changeable(conn: &mut DbConnection, id: i64) -> Result<User, Error> {
    let user = users::by_id(conn, id)?
        .ok_or_else(|| Error::new(ErrorCode::UserNotFound, format!("User {id} was not found.")))?;
    if users::flags(conn)?.get(&id).is_some_and(|(f, _)| *f) {
        return Err(in_file(&format!("User '{}'", user.username)));
    }
    if users::source_of(conn, id)? == Some(Source::Directory) {
        return Err(refused(format!(
            "User '{}' comes from the directory: its groups and password are the directory's.",
            user.username
        )));
    }
    Ok(user)
}

impl Booking {
    /// Adds a local account; answers its id.
    pub fn add_user(&self, u: &NewUser, by: &User) -> Result<i64, Error> {
        site_admin(by)?;
        let name = u.username.trim();
        if let Some(why) = username_problem(name) {
            return Err(Error::invalid(why));
        }
        if let Some(why) = u.email.as_deref().and_then(email_problem) {
            return Err(Error::invalid(why));
        }
        if u.password.is_empty() {
            return Err(Error::invalid("A new user needs a password."));
        }
        let hash = password::hash(&u.password).map_err(Error::internal)?;
        let groups = membership(&u.groups);
        let user = User {
            username: name.to_string(),
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            hidden: u.api_account,
            ..User::default()
        };
        let id = self.store.write(|conn| {
            if let Some(existing) = accounts::find(conn, name)? {
                return Err(Error::invalid(format!(
                    "A user named '{existing}' exists already."
                )));
            }
            unknown_groups(conn, &groups)?;
            let id = users::upsert(conn, &user, Some(&hash), Source::Local)?;
            users::set_groups(conn, id, &groups)?;
            users_generation::raise(conn)?;
            Ok(id)
        })?;
        self.store.users_changed();
        Ok(id)
    }

    /// Puts user `id` in exactly the groups `wanted` (and the default one).
    pub fn set_user_groups(&self, id: i64, wanted: &[String], by: &User) -> Result<(), Error> {
        site_admin(by)?;
        let groups = membership(wanted);
        if id == by.id && !groups.iter().any(|g| g == SITE_ADMINS) {
            return Err(Error::invalid(
                "You cannot take yourself out of the site administrators.",
            ));
        }
        self.store.write(|conn| {
            changeable(conn, id)?;
            unknown_groups(conn, &groups)?;
            users::set_groups(conn, id, &groups)?;
            users_generation::raise(conn)
        })?;
        self.store.users_changed();
        Ok(())
    }

    /// Gives user `id` a new password.
    pub fn set_user_password(&self, id: i64, new: &str, by: &User) -> Result<(), Error> {
        site_admin(by)?;
        if new.is_empty() {
            return Err(Error::invalid("The new password is empty."));
        }
        let hash = password::hash(new).map_err(Error::internal)?;
        self.store.write(|conn| {
            let user = changeable(conn, id)?;
            accounts::set_password(conn, &user.username, &hash)?;
            Ok(())
        })?;
        self.store.users_changed();
        Ok(())
    }

    /// Every group with its number of members and whether the file defines it.
    pub fn group_records(&self) -> Result<Vec<GroupRecord>, Error> {
        self.store.read(|conn| {
            let in_file = users::groups_from_file(conn)?;
            let members: HashMap<i64, i64> = users::members_per_group(conn)?;
            Ok(users::all_groups(conn)?
                .into_iter()
                .map(|g| GroupRecord {
                    members: members.get(&g.id).copied().unwrap_or(0),
                    from_file: in_file.contains(&g.id),
                    group: g,
                })
                .collect())
        })
    }

    /// User `id` with its groups, where its account comes from and who manages it.
    pub fn user_account(&self, id: i64) -> Result<AccountRecord, Error> {
        self.store.read(|conn| {
            let user = users::by_id(conn, id)?.ok_or_else(|| {
                Error::new(ErrorCode::UserNotFound, format!("User {id} was not found."))
            })?;
            let groups = accounts::list(conn)?
                .into_iter()
                .find(|a| a.username == user.username)
                .map(|a| a.groups)
                .unwrap_or_default();
            let (from_file, disabled) = users::flags(conn)?.get(&id).copied().unwrap_or_default();
            Ok(AccountRecord {
                source: users::source_of(conn, id)?,
                user,
                groups,
                from_file,
                disabled,
            })
        })
    }

    /// Adds group `name` with `permissions` (`new`), or changes the permissions of the group
    /// of that name; the file's groups and the site administrators' are not changed here.
    pub fn save_group(
        &self,
        new: bool,
        name: &str,
        permissions: &[Permission],
        ldap_group: Option<String>,
        by: &User,
    ) -> Result<(), Error> {
        site_admin(by)?;
        let name = name.trim();
        if let Some(why) = group_name_problem(name) {
            return Err(Error::invalid(why));
        }
        if name == SITE_ADMINS {
            return Err(refused(
                "The site administrators' group always has every permission.",
            ));
        }
        self.store.write(|conn| {
            let existing = users::all_groups(conn)?
                .into_iter()
                .find(|g| g.name == name);
            match (&existing, new) {
                (Some(_), true) => {
                    return Err(Error::invalid(format!(
                        "A group named '{name}' exists already."
                    )))
                }
                (None, false) => {
                    return Err(Error::new(
                        ErrorCode::Unknown,
                        format!("There is no group named '{name}'."),
                    ))
                }
                _ => {}
            }
            if let Some(g) = &existing {
                if users::groups_from_file(conn)?.contains(&g.id) {
                    return Err(in_file(&format!("Group '{name}'")));
                }
            }
            let systems = existing.as_ref().and_then(|g| g.rights.systems.clone());
            users::upsert_group(
                conn,
                &Group {
                    id: 0,
                    name: name.to_string(),
                    rights: Rights::of(permissions, systems),
                    is_default: existing.as_ref().is_some_and(|g| g.is_default),
                    ldap_group: ldap_group.clone(),
                },
            )?;
            users_generation::raise(conn)
        })?;
        self.store.users_changed();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_that_basic_authentication_can_carry() {
        let table = [
            ("alice", true),
            ("DOMAIN\\bob", true),
            ("carol@example.com", true),
            ("", false),
            ("two words", false),
            ("colon:ends", false),
            ("tab\tin", false),
        ];
        for (name, ok) in table {
            assert_eq!(username_problem(name).is_none(), ok, "{name:?}");
        }
        assert!(username_problem(&"x".repeat(101)).is_some());
    }

    #[test]
    fn email_addresses() {
        let table = [
            ("a@example.com", true),
            ("a@localhost", false),
            ("@example.com", false),
            ("a b@example.com", false),
            ("example.com", false),
        ];
        for (email, ok) in table {
            assert_eq!(email_problem(email).is_none(), ok, "{email:?}");
        }
    }

    #[test]
    fn everyone_is_in_the_default_group_once() {
        let g = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(membership(&[]), g(&[DEFAULT_GROUP]));
        assert_eq!(
            membership(&g(&[SITE_ADMINS, DEFAULT_GROUP, SITE_ADMINS])),
            g(&[DEFAULT_GROUP, SITE_ADMINS])
        );
    }
}
