//! An LDAP or Active Directory server: binding users to check their passwords, and reading
//! who they are and which groups they are in. Every value put into a filter or a DN is
//! escaped, so a login like `*)(uid=*` matches nobody.
use crate::config::LdapConfig;
use crate::domain::rights::plain_user_name;
use crate::domain::{Error, ErrorCode};
use ldap3::{dn_escape, ldap_escape, LdapConn, LdapConnSettings, Scope, SearchEntry};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

/// A person found in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub dn: String,
    pub username: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    /// DNs of the groups the person is a member of.
    pub groups: Vec<String>,
}

pub struct Ldap {
    config: LdapConfig,
}

fn unavailable(e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::DatabaseDown,
        format!("The directory cannot be reached: {e}"),
    )
}

impl Ldap {
    pub fn new(config: LdapConfig) -> Ldap {
        Ldap { config }
    }

    fn connect(&self) -> Result<LdapConn, Error> {
        let settings = LdapConnSettings::new()
            .set_conn_timeout(TIMEOUT)
            .set_starttls(self.config.starttls);
        LdapConn::with_settings(settings, &self.config.url).map_err(unavailable)
    }

    /// Binds; false when the directory refuses the credentials.
    fn bind(conn: &mut LdapConn, dn: &str, password: &str) -> Result<bool, Error> {
        // An empty password is an unauthenticated bind, which many servers accept.
        if password.is_empty() {
            return Ok(false);
        }
        let r = conn.simple_bind(dn, password).map_err(unavailable)?;
        Ok(r.rc == 0)
    }

    fn service_bind(&self, conn: &mut LdapConn) -> Result<(), Error> {
        if let (Some(dn), Some(pw)) = (&self.config.service_dn, &self.config.service_password) {
            if !Self::bind(conn, dn, pw)? {
                return Err(unavailable("the service account was refused"));
            }
        }
        Ok(())
    }

    fn search(
        &self,
        conn: &mut LdapConn,
        base: &str,
        scope: Scope,
        filter: &str,
    ) -> Result<Vec<SearchEntry>, Error> {
        let attrs = vec![
            self.config.username_attribute.as_str(),
            "mail",
            "givenName",
            "sn",
            "displayName",
            "cn",
        ];
        let (entries, _) = conn
            .with_timeout(TIMEOUT)
            .search(base, scope, filter, attrs)
            .map_err(unavailable)?
            .success()
            .map_err(unavailable)?;
        Ok(entries.into_iter().map(SearchEntry::construct).collect())
    }

    fn entry(&self, conn: &mut LdapConn, e: SearchEntry) -> Result<Entry, Error> {
        let first = |name: &str| {
            e.attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.first().cloned())
        };
        let filter = format!("(member={})", ldap_escape(&e.dn));
        let (groups, _) = conn
            .with_timeout(TIMEOUT)
            .search(
                &self.config.search_base,
                Scope::Subtree,
                &filter,
                vec!["1.1"],
            )
            .map_err(unavailable)?
            .success()
            .map_err(unavailable)?;
        Ok(Entry {
            username: first(&self.config.username_attribute).unwrap_or_default(),
            email: first("mail"),
            first_name: first("givenName"),
            last_name: first("sn"),
            display_name: first("displayName").or_else(|| first("cn")),
            groups: groups
                .into_iter()
                .map(|g| SearchEntry::construct(g).dn)
                .collect(),
            dn: e.dn,
        })
    }

    /// The one entry `filter` finds, searching as the service account.
    fn find_one(&self, conn: &mut LdapConn, filter: &str) -> Result<Option<SearchEntry>, Error> {
        let mut found = self.search(conn, &self.config.search_base, Scope::Subtree, filter)?;
        Ok(if found.len() == 1 { found.pop() } else { None })
    }

    /// Checks `login`'s password with the directory; the person when it is right.
    pub fn authenticate(&self, login: &str, password: &str) -> Result<Option<Entry>, Error> {
        let name = plain_user_name(login);
        if name.is_empty() {
            return Ok(None);
        }
        let mut conn = self.connect()?;
        let found = match &self.config.bind_dn_template {
            Some(template) => {
                let dn = template.replace("{user}", &dn_escape(name));
                if !Self::bind(&mut conn, &dn, password)? {
                    return Ok(None);
                }
                let filter = self
                    .config
                    .user_filter
                    .replace("{user}", &ldap_escape(name));
                self.find_one(&mut conn, &filter)?
            }
            None => {
                self.service_bind(&mut conn)?;
                let filter = self
                    .config
                    .user_filter
                    .replace("{user}", &ldap_escape(name));
                let Some(e) = self.find_one(&mut conn, &filter)? else {
                    return Ok(None);
                };
                if !Self::bind(&mut conn, &e.dn, password)? {
                    return Ok(None);
                }
                Some(e)
            }
        };
        let entry = found.map(|e| self.entry(&mut conn, e)).transpose()?;
        let _ = conn.unbind();
        Ok(entry)
    }

    /// The person with this email address, if the directory knows exactly one.
    pub fn find_by_mail(&self, mail: &str) -> Result<Option<Entry>, Error> {
        self.lookup(
            &self
                .config
                .mail_filter
                .replace("{mail}", &ldap_escape(mail)),
        )
    }

    /// The person with this login name, if the directory knows exactly one.
    pub fn find_by_username(&self, login: &str) -> Result<Option<Entry>, Error> {
        let name = plain_user_name(login);
        self.lookup(
            &self
                .config
                .user_filter
                .replace("{user}", &ldap_escape(name)),
        )
    }

    fn lookup(&self, filter: &str) -> Result<Option<Entry>, Error> {
        if !self.config.owner_lookup || self.config.service_dn.is_none() {
            return Ok(None);
        }
        let mut conn = self.connect()?;
        self.service_bind(&mut conn)?;
        let entry = self
            .find_one(&mut conn, filter)?
            .map(|e| self.entry(&mut conn, e))
            .transpose()?;
        let _ = conn.unbind();
        Ok(entry)
    }
}
