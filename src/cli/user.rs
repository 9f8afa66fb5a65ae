//! `bridgebook user add|disable|enable|list|passwd`: local accounts managed without a
//! restart or SQL. Every change is one transaction that also raises the stored users
//! generation, so a running service refuses a disabled account's remembered logins within
//! a second.
use super::password_input;
use bridgebook::config::Config;
use bridgebook::directory::password;
use bridgebook::domain::User;
use bridgebook::store::users::{self, Source};
use bridgebook::store::{accounts, users_generation, Store};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Action {
    /// Adds a local account. Its password is asked for (twice, without echo), or read as one
    /// line of standard input when that is not a terminal.
    Add {
        /// The login name (compared case-insensitively).
        name: String,
        /// The address bookings owned by this account are found by (OwnerEmailAddress).
        #[arg(long)]
        email: Option<String>,
        /// Names shown to clients (GetUsers, booking owners).
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
        /// Makes the account a member of Site Administrators (every permission).
        #[arg(long)]
        site_admin: bool,
        /// A group to join besides Users (repeatable); the group must exist.
        #[arg(long = "group", value_name = "GROUP")]
        groups: Vec<String>,
        /// A service account: left out of GetUsers.
        #[arg(long)]
        hidden: bool,
    },
    /// Disables an account: its logins are refused, its bookings and groups are kept.
    Disable { name: String },
    /// Enables a disabled account again.
    Enable { name: String },
    /// Lists the accounts with their state, source and groups.
    List,
    /// Sets an account's password, asked for like `add` does.
    Passwd { name: String },
}

pub fn run(c: &Config, action: Action) -> Result<(), String> {
    let store = Store::open(&c.database_url, 1).map_err(|e| e.message)?;
    // The service migrates at its start; an account can be made before the first one.
    store.migrate().map_err(|e| e.message)?;
    match action {
        Action::List => list(&store),
        Action::Disable { name } => set_disabled(&store, &name, true),
        Action::Enable { name } => set_disabled(&store, &name, false),
        Action::Passwd { name } => {
            // Told before the password is asked for; checked again when it is set.
            if store
                .read(|conn| accounts::find(conn, &name))
                .map_err(|e| e.message)?
                .is_none()
            {
                return Err(no_account(&name));
            }
            let hash = password::hash(&password_input::read("New password", true)?)?;
            let found = store
                .write(|conn| accounts::set_password(conn, &name, &hash))
                .map_err(|e| e.message)?;
            if !found {
                return Err(no_account(&name));
            }
            warn_if_configured(c, &name);
            println!("changed the password of '{name}'");
            Ok(())
        }
        Action::Add {
            name,
            email,
            first_name,
            last_name,
            site_admin,
            groups,
            hidden,
        } => {
            let name = name.trim().to_string();
            if name.is_empty() || name.contains(char::is_whitespace) || name.contains('\\') {
                return Err(format!(
                    "'{name}' cannot be a login name: no spaces, no backslash, not empty"
                ));
            }
            let mut wanted = vec![users::DEFAULT_GROUP.to_string()];
            if site_admin {
                wanted.push(users::SITE_ADMINS.to_string());
            }
            for g in groups {
                if !wanted.contains(&g) {
                    wanted.push(g);
                }
            }
            // Told before the password is asked for, and checked again in the
            // transaction that adds the account.
            store
                .read(|conn| refusal(conn, &name, &wanted))
                .map_err(|e| e.message)?;
            let hash = password::hash(&password_input::read("Password", true)?)?;
            let user = User {
                username: name.clone(),
                email,
                first_name,
                last_name,
                hidden,
                ..User::default()
            };
            store
                .write(|conn| {
                    refusal(conn, &name, &wanted)?;
                    let id = users::upsert(conn, &user, Some(&hash), Source::Local)?;
                    users::set_groups(conn, id, &wanted)?;
                    users_generation::raise(conn)
                })
                .map_err(|e| e.message)?;
            println!("added '{name}' (groups: {})", wanted.join(", "));
            Ok(())
        }
    }
}

/// Why account `name` in groups `wanted` cannot be added, if it cannot.
fn refusal(
    conn: &mut bridgebook::store::DbConnection,
    name: &str,
    wanted: &[String],
) -> Result<(), bridgebook::domain::Error> {
    if let Some(existing) = accounts::find(conn, name)? {
        return Err(bridgebook::domain::Error::invalid(format!(
            "an account named '{existing}' exists already (`bridgebook user passwd \
             {existing}` sets its password)"
        )));
    }
    let known = accounts::group_names(conn)?;
    if let Some(missing) = wanted.iter().find(|g| !known.contains(g)) {
        return Err(bridgebook::domain::Error::invalid(format!(
            "there is no group named '{missing}' (there are: {}; the [[group]] tables of \
             the configuration are stored when the service starts)",
            known.join(", ")
        )));
    }
    Ok(())
}

fn no_account(name: &str) -> String {
    format!("there is no account named '{name}' (`bridgebook user list` shows them)")
}

fn set_disabled(store: &Store, name: &str, disabled: bool) -> Result<(), String> {
    let found = store
        .write(|conn| accounts::set_disabled(conn, name, disabled))
        .map_err(|e| e.message)?;
    if !found {
        return Err(no_account(name));
    }
    if disabled {
        println!("disabled '{name}': its logins are refused from now on");
    } else {
        println!("enabled '{name}'");
    }
    Ok(())
}

/// A [[user]] table is stored again at every start, password included.
fn warn_if_configured(c: &Config, name: &str) {
    if c.users
        .iter()
        .any(|u| u.username.eq_ignore_ascii_case(name))
    {
        eprintln!(
            "bridgebook: note: '{name}' is a [[user]] of the configuration, whose \
             password_hash replaces this password at the next start; change it there too"
        );
    }
}

fn list(store: &Store) -> Result<(), String> {
    let all = store.read(accounts::list).map_err(|e| e.message)?;
    let rows: Vec<[String; 6]> = all
        .into_iter()
        .map(|a| {
            [
                a.username,
                if a.disabled { "disabled" } else { "enabled" }.to_string(),
                if a.has_password { "password" } else { "none" }.to_string(),
                format!("{}{}", a.source, if a.hidden { ", hidden" } else { "" }),
                a.groups.join(", "),
                a.email.unwrap_or_default(),
            ]
        })
        .collect();
    let head = ["NAME", "STATE", "LOGIN", "SOURCE", "GROUPS", "EMAIL"].map(String::from);
    let mut widths = head.clone().map(|h| h.len());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(&head).chain(&rows) {
        let line: Vec<String> = r
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    super::print(&out);
    Ok(())
}
