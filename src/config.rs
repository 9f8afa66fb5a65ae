//! bridgebook.toml as one typed struct; every key can be overridden by a BRIDGEBOOK_*
//! environment variable (nested keys joined by a double underscore, e.g.
//! BRIDGEBOOK_BOOKING__BOOKING_WINDOW_DAYS=90).
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the SOAP services listen on.
    pub listen: String,
    /// Address of the Prometheus metrics listener (`/metrics`), apart from the SOAP one so
    /// it is not exposed where the SOAP services are; "off" (or empty) serves none.
    pub metrics_listen: String,
    /// A SQLite file path (or sqlite:// URL), or a postgres:// URL.
    pub database_url: String,
    pub pool_size: u32,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    pub booking: BookingConfig,
    #[serde(rename = "system")]
    pub systems: Vec<SystemConfig>,
    #[serde(rename = "user")]
    pub users: Vec<UserConfig>,
    #[serde(rename = "bridge")]
    pub bridges: Vec<BridgeConfig>,
    #[serde(rename = "group")]
    pub groups: Vec<GroupConfig>,
    pub directory: DirectoryConfig,
    pub licensing: LicensingConfig,
    pub launcher: LauncherConfig,
    /// Password checks and the throttling of failed logins.
    pub logins: crate::soap::throttle::LoginConfig,
    /// Native HTTPS (`[tls] cert_file`, `key_file`); without it, plain HTTP.
    pub tls: Option<crate::soap::tls::TlsConfig>,
    /// Request body deadline and connection cap (`[http]`).
    pub http: crate::http_limits::HttpLimits,
    /// The SMTP server mail goes out through, and the mail templates (`[mail]`).
    pub mail: crate::mail::smtp::MailConfig,
    /// The web console under /admin/ (`[console]`).
    pub console: ConsoleConfig,
    /// Log filter, e.g. `info` or `bridgebook=debug,warn`; BRIDGEBOOK_LOG takes precedence.
    /// Read again on SIGHUP.
    pub log: String,
    /// `text` (coloured only on a terminal) or `json` (one object a line, for collectors).
    pub log_format: crate::logging::LogFormat,
    /// Which keys the file and the environment set (the rest are defaults).
    #[serde(skip)]
    pub origins: Origins,
}

/// Where configuration values came from: the dotted keys the file sets and those the
/// environment sets (which win).
#[derive(Debug, Clone, Default)]
pub struct Origins {
    pub file: std::collections::BTreeSet<String>,
    pub environment: std::collections::BTreeSet<String>,
}

/// A key whose value is a secret: never shown.
pub fn is_secret(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key);
    last.contains("password") || last.contains("secret")
}

/// The dotted keys a TOML table sets; an array of tables (`[[system]]`) is one key.
fn keys_of(table: &toml::Table, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => keys_of(t, &key, out),
            _ => {
                out.insert(key);
            }
        }
    }
}

impl Config {
    /// The metrics listener's address, unless it is turned off.
    pub fn metrics_address(&self) -> Option<&str> {
        match self.metrics_listen.trim() {
            "" | "off" => None,
            a => Some(a),
        }
    }

    /// The effective configuration as (key, value, origin) rows: origin is "environment",
    /// "file" or "default"; secrets are hidden; an array of tables is one row with its
    /// length.
    pub fn effective(&self) -> Vec<(String, String, &'static str)> {
        let mut rows = Vec::new();
        if let Ok(toml::Value::Table(t)) = toml::Value::try_from(self) {
            self.rows_of(&t, "", &mut rows);
        }
        rows
    }

    fn rows_of(
        &self,
        table: &toml::Table,
        prefix: &str,
        rows: &mut Vec<(String, String, &'static str)>,
    ) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            let origin = if self.origins.environment.contains(&key) {
                "environment"
            } else if self.origins.file.contains(&key) {
                "file"
            } else {
                "default"
            };
            let value = match v {
                toml::Value::Table(t) => {
                    self.rows_of(t, &key, rows);
                    continue;
                }
                _ if is_secret(&key) => "(hidden)".to_string(),
                toml::Value::Array(a) if a.iter().all(|x| x.is_table()) => {
                    format!("{} defined", a.len())
                }
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            rows.push((key, value, origin));
        }
    }
}

/// The worker that makes booked meetings live on their bridges.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LauncherConfig {
    pub enabled: bool,
    /// Meetings are provisioned on their bridge this long before they start (Pexip takes up
    /// to a minute to spread configuration to its nodes; a 09:00 rush needs headroom).
    pub lead_seconds: i64,
    /// How often due jobs are looked for.
    pub poll_millis: u64,
    /// How often each bridge's health is asked for.
    pub health_seconds: u64,
    /// A bridge job that failed for a reason worth retrying is tried again after this,
    /// doubling up to five minutes.
    pub retry_seconds: i64,
    /// How often what should be live is compared with what each bridge holds: a meeting a
    /// bridge lost (it restarted, someone removed it) is provisioned and called again, and
    /// bridgebook's own leftovers are removed.
    pub reconcile_seconds: u64,
}

impl Default for LauncherConfig {
    fn default() -> Self {
        LauncherConfig {
            enabled: true,
            lead_seconds: 300,
            poll_millis: 1000,
            health_seconds: 30,
            retry_seconds: 5,
            reconcile_seconds: 60,
        }
    }
}

/// The web console's logins.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleConfig {
    /// A console login unused for this long is ended.
    pub idle_seconds: u64,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig {
            idle_seconds: 30 * 60,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            metrics_listen: "127.0.0.1:9464".into(),
            database_url: "./data/bridgebook.db".into(),
            pool_size: 8,
            max_body_bytes: 1024 * 1024,
            workers: 0,
            booking: BookingConfig::default(),
            systems: Vec::new(),
            users: Vec::new(),
            bridges: Vec::new(),
            groups: Vec::new(),
            directory: DirectoryConfig::default(),
            licensing: LicensingConfig::default(),
            launcher: LauncherConfig::default(),
            logins: Default::default(),
            tls: None,
            http: Default::default(),
            mail: Default::default(),
            console: ConsoleConfig::default(),
            log: String::new(),
            log_format: crate::logging::LogFormat::Text,
            origins: Origins::default(),
        }
    }
}

/// Conference defaults (TMS: Administrative Tools > Configuration > Conference Settings).
/// Enumerated values are written as on the wire ("Automatic Call Launch", "30b/1920kbps").
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BookingConfig {
    pub default_duration_minutes: i64,
    pub booking_window_days: i64,
    pub conference_type: String,
    pub bandwidth: String,
    pub isdn_bandwidth: String,
    pub ip_bandwidth: String,
    pub picture_mode: String,
    pub encryption: String,
    pub data_conference: String,
    pub extend_option: String,
    pub language: String,
    /// Most transactions one GetTransactionsSince answer holds.
    pub transactions_page_size: i64,
    /// The zone (IANA name or Windows id) of series booked without time-zone rules when
    /// their first system has no zone either.
    pub time_zone: String,
}

impl Default for BookingConfig {
    fn default() -> Self {
        BookingConfig {
            default_duration_minutes: 60,
            booking_window_days: 365,
            conference_type: "Automatic Call Launch".into(),
            bandwidth: "6b/384kbps".into(),
            isdn_bandwidth: "6b/384kbps".into(),
            ip_bandwidth: "30b/1920kbps".into(),
            picture_mode: "Enhanced CP".into(),
            encryption: "If Possible".into(),
            data_conference: "No".into(),
            extend_option: "Yes".into(),
            language: "en-US".into(),
            transactions_page_size: 1000,
            time_zone: "UTC".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SystemConfig {
    pub id: i64,
    pub name: String,
    #[serde(default = "endpoint")]
    pub category: String,
    pub sip_uri: Option<String>,
    pub h323_id: Option<String>,
    pub e164_alias: Option<String>,
    pub time_zone: Option<String>,
    #[serde(default = "yes")]
    pub allow_booking: bool,
    /// What TMSSystem tells about it.
    pub contact: Option<String>,
    pub manufacturer: Option<String>,
    pub description: Option<String>,
    pub system_type: Option<String>,
    pub location: Option<String>,
    pub isdn_number: Option<String>,
    pub web_interface_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    pub username: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// An argon2 PHC string, as `bridgebook hash-password` prints.
    pub password_hash: String,
    /// A member of the Site Administrators group.
    #[serde(default)]
    pub site_admin: bool,
    /// Groups besides the default one (and Site Administrators when `site_admin`).
    #[serde(default)]
    pub groups: Vec<String>,
    pub display_name: Option<String>,
    /// A service account, left out of GetUsers.
    #[serde(default)]
    pub hidden: bool,
    pub time_zone: Option<String>,
}

/// A group of users and what its members may do. The built-in "Site Administrators" and
/// "Users" (the default group) can be changed here too.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfig {
    pub name: String,
    /// booking, book_on_behalf, update, approve, read_all, site_admin.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// The systems members may book; every system when left out.
    pub systems: Option<Vec<i64>>,
    /// Users created on the fly (booking owners, directory logins) join the default group.
    #[serde(default)]
    pub default: bool,
    /// The DN of an LDAP group whose members belong to this group.
    pub ldap_group: Option<String>,
}

/// Where logins and booking owners are looked up: the local users always, and an LDAP or
/// Active Directory server when `ldap` is set.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DirectoryConfig {
    pub ldap: Option<LdapConfig>,
    /// The domain GenerateConferenceAPIUser answers names in (DOMAIN\\name).
    pub domain: String,
}

impl Default for DirectoryConfig {
    fn default() -> Self {
        DirectoryConfig {
            ldap: None,
            domain: "BRIDGEBOOK".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LdapConfig {
    /// ldap://host:389 or ldaps://host:636.
    pub url: String,
    /// Upgrade ldap:// with StartTLS.
    #[serde(default)]
    pub starttls: bool,
    /// Bind straight as the user: "uid={user},ou=people,dc=example,dc=com" (Active
    /// Directory: "{user}@example.com"). Without it, users are searched for, then bound as.
    pub bind_dn_template: Option<String>,
    /// The account searches run as (search-then-bind, owner lookups).
    pub service_dn: Option<String>,
    pub service_password: Option<String>,
    pub search_base: String,
    #[serde(default = "user_filter")]
    pub user_filter: String,
    #[serde(default = "mail_filter")]
    pub mail_filter: String,
    /// Attributes read from a user's entry.
    #[serde(default = "uid")]
    pub username_attribute: String,
    /// Look booking owners up by email address when they are not known yet.
    #[serde(default = "yes")]
    pub owner_lookup: bool,
}

fn user_filter() -> String {
    "(&(objectClass=person)(uid={user}))".into()
}

fn mail_filter() -> String {
    "(&(objectClass=person)(mail={mail}))".into()
}

fn uid() -> String {
    "uid".into()
}

/// TMS licensing. With neither key set, nothing is counted.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LicensingConfig {
    /// Application Integration licences: concurrent ClientSession ids that may use the
    /// licensed functions.
    pub application_integration: Option<u32>,
    /// Per-system licence packs of 25 systems ("Allow Remote Bookings"); ignored when
    /// `application_integration` is set, as in TMS.
    pub system_packs: Option<u32>,
    /// A ClientSession id lives this long after its first use, plus the grace period.
    pub session_minutes: i64,
    pub grace_minutes: i64,
}

impl Default for LicensingConfig {
    fn default() -> Self {
        LicensingConfig {
            application_integration: None,
            system_packs: None,
            session_minutes: 47,
            grace_minutes: 17,
        }
    }
}

/// A conference bridge, upserted by name at every start.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BridgeConfig {
    pub name: String,
    /// telepresence-server, conductor, meeting-server or pexip.
    pub family: String,
    /// Management API base address, e.g. "https://ts1.example.com".
    pub address: String,
    pub username: String,
    pub password: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Lower is preferred.
    #[serde(default = "default_priority")]
    pub priority: i32,
    #[serde(default)]
    pub capabilities: crate::planner::Capabilities,
    pub capacity: CapacityConfig,
    pub numbering: crate::planner::Numbering,
    /// How the management certificate is checked: `{ verify = true, ca_file = "…" }`.
    #[serde(default)]
    pub tls: crate::store::bridges::Tls,
    /// Pexip Infinity: the system location whose nodes place the meeting's calls (a
    /// direct dial names one).
    #[serde(default)]
    pub system_location: Option<String>,
}

/// A bridge's capacity in its family's unit; costs left out take the family's customary
/// values.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityConfig {
    pub total: f64,
    pub audio: Option<f64>,
    pub sd: Option<f64>,
    pub hd: Option<f64>,
    pub full_hd: Option<f64>,
    pub per_conference: Option<f64>,
}

impl BridgeConfig {
    pub fn bridge(&self) -> Result<crate::store::bridges::StoredBridge, String> {
        use crate::planner::{Bridge, CapacityModel, Family};
        let family = Family::parse(&self.family).ok_or_else(|| {
            format!(
                "bridge '{}': family '{}' is not one of telepresence-server, conductor, meeting-server, pexip",
                self.name, self.family
            )
        })?;
        let typical = CapacityModel::typical(family, self.capacity.total);
        let c = &self.capacity;
        let b = crate::store::bridges::StoredBridge {
            bridge: Bridge {
                id: 0,
                name: self.name.clone(),
                family,
                enabled: self.enabled,
                priority: self.priority,
                capabilities: self.capabilities.clone(),
                capacity: CapacityModel {
                    total: c.total,
                    audio: c.audio.unwrap_or(typical.audio),
                    sd: c.sd.unwrap_or(typical.sd),
                    hd: c.hd.unwrap_or(typical.hd),
                    full_hd: c.full_hd.unwrap_or(typical.full_hd),
                    per_conference: c.per_conference.unwrap_or(typical.per_conference),
                },
                numbering: self.numbering.clone(),
                reachable: true,
            },
            address: self.address.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
            tls: self.tls.clone(),
            system_location: self.system_location.clone(),
        };
        let problems = b.bridge.problems();
        if !problems.is_empty() {
            return Err(format!("bridge '{}': {}", self.name, problems.join("; ")));
        }
        // A CA file that cannot be read is told now, not at the first meeting.
        crate::bridges::tls::client(b.tls.verify, b.tls.ca_file.as_deref())
            .map_err(|e| format!("bridge '{}': tls: {e}", self.name))?;
        Ok(b)
    }
}

impl GroupConfig {
    pub fn rights(&self) -> Result<crate::domain::rights::Rights, String> {
        crate::domain::rights::Rights::parse(&self.permissions.join(","), self.systems.clone())
            .map_err(|e| format!("group '{}': {e}", self.name))
    }
}

fn default_priority() -> i32 {
    10
}

fn endpoint() -> String {
    "Endpoint".into()
}

fn yes() -> bool {
    true
}

pub(crate) const ENV_PREFIX: &str = "BRIDGEBOOK_";
/// Variables of the command line itself, not configuration keys (ADMIN_PASSWORD: the
/// first administrator's, directory/first_admin.rs).
pub(crate) const NOT_KEYS: [&str; 3] = ["LOG", "CONFIG", "ADMIN_PASSWORD"];

impl Config {
    /// Reads `path` (when given) and applies the environment's overrides.
    pub fn load(path: Option<&Path>) -> Result<Config, String> {
        let text = match path {
            Some(p) => std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?,
            None => String::new(),
        };
        Config::from_parts(&text, std::env::vars())
    }

    pub fn from_parts(
        toml_text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, String> {
        let mut value: toml::Table =
            toml::from_str(toml_text).map_err(|e| format!("bridgebook.toml: {e}"))?;
        let mut origins = Origins::default();
        keys_of(&value, "", &mut origins.file);
        for (key, raw) in env {
            let Some(rest) = key.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if NOT_KEYS.contains(&rest) {
                continue;
            }
            let path: Vec<String> = rest.split("__").map(|p| p.to_ascii_lowercase()).collect();
            set_path(&mut value, &path, scalar(&raw)).map_err(|e| format!("{key}: {e}"))?;
            origins.environment.insert(path.join("."));
        }
        let mut config: Config = toml::Value::Table(value)
            .try_into()
            .map_err(|e| format!("configuration: {e}"))?;
        config.origins = origins;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        if self.booking.default_duration_minutes <= 0 {
            return Err("booking.default_duration_minutes must be positive".into());
        }
        if self.booking.booking_window_days <= 0 {
            return Err("booking.booking_window_days must be positive".into());
        }
        if let Err(e) = crate::domain::zone::Zone::named(&self.booking.time_zone) {
            return Err(format!("booking.time_zone: {}", e.message));
        }
        for b in &self.bridges {
            b.bridge()?;
        }
        for g in &self.groups {
            g.rights()?;
        }
        if let Some(l) = &self.directory.ldap {
            if l.bind_dn_template.is_none() && l.service_dn.is_none() {
                return Err(
                    "directory.ldap: set bind_dn_template, or service_dn to search for users"
                        .into(),
                );
            }
        }
        if self.booking.transactions_page_size <= 0 {
            return Err("booking.transactions_page_size must be positive".into());
        }
        for s in &self.systems {
            if s.id <= 0 {
                return Err(format!("system '{}': id must be a positive number", s.name));
            }
            if crate::domain::SystemCategory::parse(&s.category).is_none() {
                return Err(format!(
                    "system {}: category '{}' is not Endpoint, Equipment, Room or Recording",
                    s.id, s.category
                ));
            }
        }
        Ok(())
    }
}

fn scalar(raw: &str) -> toml::Value {
    if let Ok(i) = raw.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(b) = raw.parse::<bool>() {
        toml::Value::Boolean(b)
    } else {
        toml::Value::String(raw.to_string())
    }
}

fn set_path(table: &mut toml::Table, path: &[String], v: toml::Value) -> Result<(), String> {
    match path {
        [] => Err("empty key".into()),
        [last] => {
            table.insert(last.clone(), v);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table
                .entry(first.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(t) => set_path(t, rest, v),
                _ => Err(format!("'{first}' is not a table")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_values_say_where_they_came_from_and_hide_secrets() {
        let c = Config::from_parts(
            "[booking]\nbooking_window_days = 90\n[[user]]\nusername = \"svc\"\npassword_hash = \"$argon2id$x\"\n[directory.ldap]\nurl = \"ldap://x\"\nservice_dn = \"cn=x\"\nservice_password = \"hunter2\"\nsearch_base = \"dc=x\"\n",
            env(&[("BRIDGEBOOK_BOOKING__DEFAULT_DURATION_MINUTES", "45")]),
        )
        .unwrap();
        let rows = c.effective();
        let row = |k: &str| {
            rows.iter()
                .find(|(key, _, _)| key == k)
                .map(|(_, v, o)| (v.as_str(), *o))
                .unwrap_or_else(|| panic!("{k} in {rows:?}"))
        };
        assert_eq!(row("booking.booking_window_days"), ("90", "file"));
        assert_eq!(
            row("booking.default_duration_minutes"),
            ("45", "environment")
        );
        assert_eq!(row("console.idle_seconds"), ("1800", "default"));
        assert_eq!(row("user"), ("1 defined", "file"));
        assert_eq!(row("directory.ldap.service_password"), ("(hidden)", "file"));
        let all = format!("{rows:?}");
        assert!(!all.contains("hunter2") && !all.contains("argon2"), "{all}");
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_file_and_environment() {
        let text = r#"
listen = "0.0.0.0:9000"
[booking]
booking_window_days = 30
[[system]]
id = 1
name = "Oslo room"
category = "Room"
"#;
        let c = Config::from_parts(
            text,
            env(&[
                ("BRIDGEBOOK_DATABASE_URL", "postgres://db/bb"),
                ("BRIDGEBOOK_BOOKING__BOOKING_WINDOW_DAYS", "90"),
                ("OTHER", "x"),
                ("BRIDGEBOOK_LOG", "debug"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.database_url, "postgres://db/bb");
        assert_eq!(c.booking.booking_window_days, 90);
        assert_eq!(c.booking.default_duration_minutes, 60);
        assert_eq!(c.systems[0].name, "Oslo room");
        assert!(c.systems[0].allow_booking);
    }

    #[test]
    fn mistakes_name_the_key() {
        let e = Config::from_parts("lisen = 1", env(&[])).unwrap_err();
        assert!(e.contains("lisen"), "{e}");
        let e = Config::from_parts("[booking]\nbooking_window_days = -1", env(&[])).unwrap_err();
        assert!(e.contains("booking_window_days"), "{e}");
        let e = Config::from_parts(
            "[[system]]\nid = 2\nname = \"x\"\ncategory = \"MCU\"",
            env(&[]),
        )
        .unwrap_err();
        assert!(e.contains("MCU"), "{e}");
    }
}
