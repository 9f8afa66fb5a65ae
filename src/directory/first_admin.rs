//! The first site administrator. There is no default password anywhere: a start with no
//! account that can log in creates `admin` with a random password printed once (or the one
//! in BRIDGEBOOK_ADMIN_PASSWORD), so a fresh installation is reachable without shipping a
//! known secret. Later starts find the account and print nothing.
use crate::domain::{Error, User};
use crate::store::schema::users as t;
use crate::store::users::{self, Source};
use crate::store::Store;
use diesel::prelude::*;
use rand::distributions::{Alphanumeric, DistString};

pub const USERNAME: &str = "admin";
pub const PASSWORD_ENV: &str = "BRIDGEBOOK_ADMIN_PASSWORD";

/// What the start does about the first administrator.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Someone can already log in, or LDAP supplies the administrators.
    Nothing,
    /// Create `admin` with the password from the environment (not printed).
    FromEnvironment(String),
    /// Create `admin` with a new random password, printed once.
    Random,
}

/// The decision, from whether an account with a password exists, whether LDAP is
/// configured and the environment's password (blank counts as absent).
pub fn plan(has_account: bool, ldap: bool, env_password: Option<String>) -> Plan {
    if has_account || ldap {
        return Plan::Nothing;
    }
    match env_password.filter(|p| !p.trim().is_empty()) {
        Some(p) => Plan::FromEnvironment(p),
        None => Plan::Random,
    }
}

fn has_account(conn: &mut crate::store::DbConnection) -> Result<bool, Error> {
    let n: i64 = t::table
        .filter(t::password_hash.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Creates the first administrator if the store has no account; answers the password to
/// print when it was made up here.
pub fn ensure(store: &Store, ldap: bool) -> Result<Option<String>, String> {
    let exists = store.read(has_account).map_err(|e| e.message)?;
    let (password, print) = match plan(exists, ldap, std::env::var(PASSWORD_ENV).ok()) {
        Plan::Nothing => return Ok(None),
        Plan::FromEnvironment(p) => (p, false),
        Plan::Random => (Alphanumeric.sample_string(&mut rand::rngs::OsRng, 24), true),
    };
    let hash = super::password::hash(&password)?;
    let created = store
        .write(|conn| {
            // Another node may have made one meanwhile: keep it.
            if has_account(conn)? {
                return Ok(false);
            }
            let id = users::upsert(
                conn,
                &User {
                    username: USERNAME.into(),
                    first_name: Some("Site".into()),
                    last_name: Some("Administrator".into()),
                    ..User::default()
                },
                Some(&hash),
                Source::Local,
            )?;
            users::set_groups(
                conn,
                id,
                &[users::DEFAULT_GROUP.into(), users::SITE_ADMINS.into()],
            )?;
            Ok(true)
        })
        .map_err(|e| e.message)?;
    if !created {
        return Ok(None);
    }
    tracing::warn!(
        "no account could log in: created the site administrator '{USERNAME}' with {}",
        if print {
            "the password printed on standard output (shown this once)"
        } else {
            "the password of BRIDGEBOOK_ADMIN_PASSWORD"
        }
    );
    Ok(print.then_some(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions() {
        let p = |s: &str| Some(s.to_string());
        for (has, ldap, env, want) in [
            (true, false, None, Plan::Nothing),
            (true, false, p("x"), Plan::Nothing),
            (false, true, None, Plan::Nothing),
            (false, false, None, Plan::Random),
            (false, false, p(""), Plan::Random),
            (false, false, p("  "), Plan::Random),
            (
                false,
                false,
                p("s3cret"),
                Plan::FromEnvironment("s3cret".into()),
            ),
        ] {
            assert_eq!(plan(has, ldap, env.clone()), want, "{has} {ldap} {env:?}");
        }
    }
}
