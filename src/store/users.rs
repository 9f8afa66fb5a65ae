//! Users, the groups they belong to and what those groups allow.
use super::schema::{groups, user_groups, users};
use super::DbConnection;
use crate::domain::rights::Rights;
use crate::domain::{Error, User};
use diesel::prelude::*;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
diesel::define_sql_function! {
    #[sql_name = "lower"]
    fn lower_opt(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// The built-in groups the directory migration made: the default group, and the one that
/// has every permission.
pub const DEFAULT_GROUP: &str = "Users";
pub const SITE_ADMINS: &str = "Site Administrators";

/// Where a user came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Configured, or generated over the API.
    Local,
    /// Found in the LDAP directory.
    Directory,
    /// Made up from a booking owner's email address.
    Email,
}

impl Source {
    fn parse(s: &str) -> Option<Source> {
        [Source::Local, Source::Directory, Source::Email]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Local => "local",
            Source::Directory => "directory",
            Source::Email => "email",
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct Row {
    id: i64,
    username: String,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    password_hash: Option<String>,
    display_name: Option<String>,
    hidden: bool,
    time_zone: Option<String>,
    primary_system_id: Option<i64>,
    disabled: bool,
}

/// A user and the argon2 PHC string that proves their password.
pub struct Credentials {
    pub user: User,
    pub password_hash: Option<String>,
    /// A disabled account cannot log in, whatever its password or the directory says.
    pub disabled: bool,
}

/// A group and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub rights: Rights,
    pub is_default: bool,
    /// Members of this LDAP group are members of this group.
    pub ldap_group: Option<String>,
}

fn systems_text(s: &Option<Vec<i64>>) -> Option<String> {
    s.as_ref()
        .map(|ids| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
}

fn group_of(
    (id, name, permissions, systems, is_default, ldap_group): (
        i64,
        String,
        String,
        Option<String>,
        bool,
        Option<String>,
    ),
) -> Result<Group, Error> {
    let systems = systems.map(|s| {
        s.split(',')
            .filter_map(|x| x.trim().parse().ok())
            .collect::<Vec<i64>>()
    });
    let rights = Rights::parse(&permissions, systems)
        .map_err(|e| Error::internal(format!("stored group '{name}': {e}")))?;
    Ok(Group {
        id,
        name,
        rights,
        is_default,
        ldap_group,
    })
}

const GROUP_COLUMNS: (
    groups::id,
    groups::name,
    groups::permissions,
    groups::systems,
    groups::is_default,
    groups::ldap_group,
) = (
    groups::id,
    groups::name,
    groups::permissions,
    groups::systems,
    groups::is_default,
    groups::ldap_group,
);

pub fn all_groups(conn: &mut DbConnection) -> Result<Vec<Group>, Error> {
    groups::table
        .order(groups::id)
        .select(GROUP_COLUMNS)
        .load(conn)?
        .into_iter()
        .map(group_of)
        .collect()
}

/// Creates or changes group `g` (by name); one group at most is the default.
pub fn upsert_group(conn: &mut DbConnection, g: &Group) -> Result<i64, Error> {
    if g.is_default {
        diesel::update(groups::table.filter(groups::name.ne(&g.name)))
            .set(groups::is_default.eq(false))
            .execute(conn)?;
    }
    let fields = (
        groups::permissions.eq(g.rights.names().join(",")),
        groups::systems.eq(systems_text(&g.rights.systems)),
        groups::is_default.eq(g.is_default),
        groups::ldap_group.eq(&g.ldap_group),
    );
    let found: Option<i64> = groups::table
        .filter(groups::name.eq(&g.name))
        .select(groups::id)
        .first(conn)
        .optional()?;
    match found {
        Some(id) => {
            diesel::update(groups::table.find(id))
                .set(fields)
                .execute(conn)?;
            Ok(id)
        }
        None => Ok(diesel::insert_into(groups::table)
            .values((groups::name.eq(&g.name), fields))
            .returning(groups::id)
            .get_result(conn)?),
    }
}

fn group_id(conn: &mut DbConnection, name: &str) -> Result<Option<i64>, Error> {
    Ok(groups::table
        .filter(groups::name.eq(name))
        .select(groups::id)
        .first(conn)
        .optional()?)
}

fn default_group(conn: &mut DbConnection) -> Result<Option<i64>, Error> {
    Ok(groups::table
        .filter(groups::is_default.eq(true))
        .select(groups::id)
        .first(conn)
        .optional()?)
}

/// What user `id`'s groups allow together.
pub fn rights_of(conn: &mut DbConnection, id: i64) -> Result<Rights, Error> {
    let rows = user_groups::table
        .inner_join(groups::table.on(groups::id.eq(user_groups::group_id)))
        .filter(user_groups::user_id.eq(id))
        .select(GROUP_COLUMNS)
        .load(conn)?;
    let mut rights: Option<Rights> = None;
    for g in rows.into_iter().map(group_of) {
        let g = g?;
        rights = Some(match rights {
            None => g.rights,
            Some(r) => r.union(&g.rights),
        });
    }
    Ok(rights.unwrap_or_default())
}

/// Where user `id`'s account comes from; None when there is no such user.
pub fn source_of(conn: &mut DbConnection, id: i64) -> Result<Option<Source>, Error> {
    let s: Option<String> = users::table
        .find(id)
        .select(users::source)
        .first(conn)
        .optional()?;
    Ok(s.and_then(|s| Source::parse(&s)))
}

/// Marks the groups named as the configuration file's, and no other.
pub fn mark_groups_from_file(conn: &mut DbConnection, names: &[String]) -> Result<(), Error> {
    diesel::update(groups::table)
        .set(groups::from_file.eq(groups::name.eq_any(names)))
        .execute(conn)?;
    Ok(())
}

/// The ids of the groups the configuration file defines.
pub fn groups_from_file(conn: &mut DbConnection) -> Result<Vec<i64>, Error> {
    Ok(groups::table
        .filter(groups::from_file.eq(true))
        .select(groups::id)
        .load(conn)?)
}

/// How many users each group has, by group id.
pub fn members_per_group(
    conn: &mut DbConnection,
) -> Result<std::collections::HashMap<i64, i64>, Error> {
    let rows: Vec<(i64, i64)> = user_groups::table
        .group_by(user_groups::group_id)
        .select((user_groups::group_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Makes user `id` a member of exactly the groups named.
pub fn set_groups(conn: &mut DbConnection, id: i64, names: &[String]) -> Result<(), Error> {
    diesel::delete(user_groups::table.filter(user_groups::user_id.eq(id))).execute(conn)?;
    for name in names {
        let gid = group_id(conn, name)?
            .ok_or_else(|| Error::internal(format!("no group named '{name}'")))?;
        diesel::insert_into(user_groups::table)
            .values((user_groups::user_id.eq(id), user_groups::group_id.eq(gid)))
            .execute(conn)?;
    }
    Ok(())
}

fn with_rights(conn: &mut DbConnection, r: Row) -> Result<Credentials, Error> {
    let rights = rights_of(conn, r.id)?;
    Ok(Credentials {
        user: User {
            id: r.id,
            username: r.username,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            display_name: r.display_name,
            hidden: r.hidden,
            time_zone: r.time_zone,
            primary_system: r.primary_system_id,
            rights,
        },
        password_hash: r.password_hash,
        disabled: r.disabled,
    })
}

/// Creates or updates a user by username; `password_hash` None keeps the stored one.
pub fn upsert(
    conn: &mut DbConnection,
    user: &User,
    password_hash: Option<&str>,
    source: Source,
) -> Result<i64, Error> {
    let fields = (
        users::email.eq(&user.email),
        users::first_name.eq(&user.first_name),
        users::last_name.eq(&user.last_name),
        users::display_name.eq(&user.display_name),
        users::hidden.eq(user.hidden),
        users::time_zone.eq(&user.time_zone),
        users::source.eq(source.as_str()),
    );
    let found: Option<i64> = users::table
        .filter(lower(users::username).eq(user.username.to_lowercase()))
        .select(users::id)
        .first(conn)
        .optional()?;
    let id = match found {
        Some(id) => {
            diesel::update(users::table.find(id))
                .set(fields)
                .execute(conn)?;
            id
        }
        None => diesel::insert_into(users::table)
            .values((users::username.eq(&user.username), fields))
            .returning(users::id)
            .get_result(conn)?,
    };
    if let Some(hash) = password_hash {
        diesel::update(users::table.find(id))
            .set(users::password_hash.eq(hash))
            .execute(conn)?;
    }
    Ok(id)
}

/// Adds user `id` to the default group, if there is one.
pub fn join_default_group(conn: &mut DbConnection, id: i64) -> Result<(), Error> {
    let Some(gid) = default_group(conn)? else {
        return Ok(());
    };
    let member = user_groups::table
        .filter(user_groups::user_id.eq(id))
        .filter(user_groups::group_id.eq(gid))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !member {
        diesel::insert_into(user_groups::table)
            .values((user_groups::user_id.eq(id), user_groups::group_id.eq(gid)))
            .execute(conn)?;
    }
    Ok(())
}

/// Usernames compare case-insensitively, as Windows logins do.
pub fn by_username(conn: &mut DbConnection, username: &str) -> Result<Option<Credentials>, Error> {
    let row = users::table
        .filter(lower(users::username).eq(username.to_lowercase()))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| with_rights(conn, r)).transpose()
}

pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<Option<User>, Error> {
    let row = users::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(row
        .map(|r| with_rights(conn, r))
        .transpose()?
        .map(|c| c.user))
}

pub fn by_email(conn: &mut DbConnection, email: &str) -> Result<Option<User>, Error> {
    let row = users::table
        .filter(lower_opt(users::email).eq(email.to_lowercase()))
        .order(users::id)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(row
        .map(|r| with_rights(conn, r))
        .transpose()?
        .map(|c| c.user))
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<User>, Error> {
    let rows = users::table
        .order(users::id)
        .select(Row::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| with_rights(conn, r))
        .collect::<Result<Vec<_>, Error>>()?
        .into_iter()
        .map(|c| c.user)
        .collect())
}

pub fn set_primary_system(
    conn: &mut DbConnection,
    id: i64,
    system: Option<i64>,
) -> Result<(), Error> {
    diesel::update(users::table.find(id))
        .set(users::primary_system_id.eq(system))
        .execute(conn)?;
    Ok(())
}

pub fn set_notifications(conn: &mut DbConnection, id: i64, on: bool) -> Result<(), Error> {
    diesel::update(users::table.find(id))
        .set(users::notifications.eq(on))
        .execute(conn)?;
    Ok(())
}

/// The usernames that start with `prefix` (case-insensitively).
pub fn names_starting_with(conn: &mut DbConnection, prefix: &str) -> Result<Vec<String>, Error> {
    let pattern = format!(
        "{}%",
        prefix
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    Ok(users::table
        .filter(lower(users::username).like(pattern).escape('\\'))
        .select(users::username)
        .load(conn)?)
}

/// User `id` unless disabled.
pub fn enabled_by_id(conn: &mut DbConnection, id: i64) -> Result<Option<User>, Error> {
    let row = users::table
        .find(id)
        .filter(users::disabled.eq(false))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(row
        .map(|r| with_rights(conn, r))
        .transpose()?
        .map(|c| c.user))
}

pub fn set_disabled(conn: &mut DbConnection, id: i64, disabled: bool) -> Result<(), Error> {
    diesel::update(users::table.find(id))
        .set(users::disabled.eq(disabled))
        .execute(conn)?;
    Ok(())
}

/// Marks the users named (case-insensitively) as defined by the configuration file, and
/// able to log in again if they had been disabled for leaving it.
pub fn mark_from_file(conn: &mut DbConnection, names: &[String]) -> Result<(), Error> {
    let lower_names: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    diesel::update(users::table.filter(lower(users::username).eq_any(&lower_names)))
        .set((users::from_file.eq(true), users::disabled.eq(false)))
        .execute(conn)?;
    Ok(())
}

/// Disables the users the file defined before but no longer does (they are the database's
/// from now on); answers their names.
pub fn disable_missing_from_file(
    conn: &mut DbConnection,
    in_file: &[String],
) -> Result<Vec<String>, Error> {
    let lower_names: Vec<String> = in_file.iter().map(|n| n.to_lowercase()).collect();
    let gone: Vec<(i64, String)> = users::table
        .filter(users::from_file.eq(true))
        .filter(users::disabled.eq(false))
        .filter(lower(users::username).ne_all(&lower_names))
        .select((users::id, users::username))
        .load(conn)?;
    let ids: Vec<i64> = gone.iter().map(|(id, _)| *id).collect();
    diesel::update(users::table.filter(users::id.eq_any(&ids)))
        .set((users::disabled.eq(true), users::from_file.eq(false)))
        .execute(conn)?;
    Ok(gone.into_iter().map(|(_, n)| n).collect())
}

/// Each user's ownership and state: (defined by the file, disabled), by id.
pub fn flags(
    conn: &mut DbConnection,
) -> Result<std::collections::HashMap<i64, (bool, bool)>, Error> {
    let rows: Vec<(i64, bool, bool)> = users::table
        .select((users::id, users::from_file, users::disabled))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, f, d)| (id, (f, d))).collect())
}
