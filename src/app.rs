//! Assembles a running service from its configuration: store, migrations, inventory,
//! users, booking rules.
use crate::api::convert;
use crate::booking::{Booking, Licensing};
use crate::config::{BookingConfig, Config};
use crate::contract::enums as we;
use crate::directory::ldap::Ldap;
use crate::domain::licensing::SessionRules;
use crate::domain::validate::BookingRules;
use crate::domain::{Settings, System, SystemCategory, User};
use crate::soap::auth::Authenticator;
use crate::store::{systems, users, Store};
use std::sync::Arc;

pub struct App {
    pub booking: Booking,
    pub auth: Authenticator,
    pub max_body_bytes: usize,
    /// A request body must be complete this long after it is first read.
    pub body_timeout: std::time::Duration,
    /// Who is logged in to the web console.
    pub console: crate::admin::console::Sessions,
    /// The effective configuration as started, secrets hidden: (key, value, origin).
    pub settings: Vec<(String, String, &'static str)>,
    /// This service's counts, served at `metrics_listen`.
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// Opens the store, migrates it and loads the configured systems and users.
pub fn build(config: &Config) -> Result<App, String> {
    let store =
        Arc::new(Store::open(&config.database_url, config.pool_size).map_err(|e| e.message)?);
    store.migrate().map_err(|e| e.message)?;
    crate::store::users_generation::watch(Arc::downgrade(&store))
        .map_err(|e| format!("cannot start the users generation watch: {e}"))?;
    load_inventory(&store, config).map_err(|e| e.message)?;
    let ldap_admins = config.directory.ldap.is_some();
    if let Some(pw) = crate::directory::first_admin::ensure(&store, ldap_admins)? {
        // Standard output, not the log: shown whatever the log level, this once.
        println!(
            "bridgebook created the site administrator '{}' with the password: {pw}",
            crate::directory::first_admin::USERNAME
        );
    }
    // Made at the first start, so bridge-side references are known before any job runs.
    store
        .write(crate::store::installation::id)
        .map_err(|e| e.message)?;
    let ids = store
        .read(crate::store::ids::headroom)
        .map_err(|e| e.message)?;
    if ids.warning() {
        tracing::warn!(
            "only {} conference or transaction ids are left before the booking API's limit of {}",
            ids.remaining(),
            crate::store::ids::WIRE_LIMIT
        );
    }
    let rules = BookingRules {
        booking_window_days: config.booking.booking_window_days,
        time_zone: config.booking.time_zone.clone(),
        default_duration_minutes: config.booking.default_duration_minutes,
        defaults: default_settings(&config.booking)?,
    };
    let ldap = config
        .directory
        .ldap
        .clone()
        .map(|l| Arc::new(Ldap::new(l)));
    let mut booking = Booking::new(store.clone(), rules, config.booking.transactions_page_size);
    booking.directory = ldap.clone();
    booking.domain = config.directory.domain.clone();
    booking.licensing = licensing(&config.licensing);
    booking.lead = chrono::Duration::seconds(config.launcher.lead_seconds.max(0));
    booking.templates = Arc::new(crate::mail::Templates::new(config.mail.templates.clone())?);
    booking.mail_enabled = config.mail.server.is_some();
    booking.metrics = Arc::new(
        crate::metrics::Metrics::new(store.pool_wait())
            .recording(config.metrics_address().is_some()),
    );
    let configured = config
        .bridges
        .iter()
        .map(|b| b.bridge())
        .collect::<Result<Vec<_>, String>>()?;
    booking
        .load_bridges(&configured, &User::system())
        .map_err(|e| e.message)?;
    Ok(App {
        metrics: booking.metrics.clone(),
        booking,
        auth: Authenticator::new(store, ldap, &config.logins),
        max_body_bytes: config.max_body_bytes,
        body_timeout: config.http.body_timeout(),
        console: crate::admin::console::Sessions::new(std::time::Duration::from_secs(
            config.console.idle_seconds,
        )),
        settings: config.effective(),
    })
}

/// The booking service alone on the configured database (migrated), for commands that
/// book beside a running service: the rooms, bridges and accounts stored by the service are
/// used as they are, none loaded from this configuration.
pub fn booking_only(config: &Config) -> Result<Booking, String> {
    let store = Arc::new(Store::open(&config.database_url, 2).map_err(|e| e.message)?);
    store.migrate().map_err(|e| e.message)?;
    let rules = BookingRules {
        booking_window_days: config.booking.booking_window_days,
        time_zone: config.booking.time_zone.clone(),
        default_duration_minutes: config.booking.default_duration_minutes,
        defaults: default_settings(&config.booking)?,
    };
    let mut booking = Booking::new(store, rules, config.booking.transactions_page_size);
    booking.directory = config
        .directory
        .ldap
        .clone()
        .map(|l| Arc::new(Ldap::new(l)));
    booking.domain = config.directory.domain.clone();
    booking.lead = chrono::Duration::seconds(config.launcher.lead_seconds.max(0));
    Ok(booking)
}

fn load_inventory(store: &Store, config: &Config) -> Result<(), crate::domain::Error> {
    store.write(|conn| {
        for s in &config.systems {
            systems::upsert(
                conn,
                &System {
                    id: s.id,
                    name: s.name.clone(),
                    category: SystemCategory::parse(&s.category)
                        .unwrap_or(SystemCategory::Endpoint),
                    sip_uri: s.sip_uri.clone(),
                    h323_id: s.h323_id.clone(),
                    e164_alias: s.e164_alias.clone(),
                    time_zone: s.time_zone.clone(),
                    allow_booking: s.allow_booking,
                    details: crate::domain::SystemDetails {
                        contact: s.contact.clone(),
                        manufacturer: s.manufacturer.clone(),
                        description: s.description.clone(),
                        system_type: s.system_type.clone(),
                        location: s.location.clone(),
                        isdn_number: s.isdn_number.clone(),
                        web_interface_url: s.web_interface_url.clone(),
                    },
                },
            )?;
        }
        for g in &config.groups {
            users::upsert_group(
                conn,
                &users::Group {
                    id: 0,
                    name: g.name.clone(),
                    rights: g.rights().map_err(crate::domain::Error::internal)?,
                    is_default: g.default,
                    ldap_group: g.ldap_group.clone(),
                },
            )?;
        }
        let names: Vec<String> = config.groups.iter().map(|g| g.name.clone()).collect();
        users::mark_groups_from_file(conn, &names)?;
        let ids: Vec<i64> = config.systems.iter().map(|s| s.id).collect();
        systems::mark_from_file(conn, &ids)?;
        for (id, name) in systems::retire_missing_from_file(conn, &ids)? {
            tracing::warn!("system {id} '{name}' is no longer in the configuration file: retired (its meetings stay)");
        }
        for u in &config.users {
            let id = users::upsert(
                conn,
                &User {
                    username: u.username.clone(),
                    email: u.email.clone(),
                    first_name: u.first_name.clone(),
                    last_name: u.last_name.clone(),
                    display_name: u.display_name.clone(),
                    hidden: u.hidden,
                    time_zone: u.time_zone.clone(),
                    ..User::default()
                },
                Some(&u.password_hash),
                users::Source::Local,
            )?;
            let mut groups = vec![users::DEFAULT_GROUP.to_string()];
            if u.site_admin {
                groups.push(users::SITE_ADMINS.into());
            }
            groups.extend(u.groups.iter().cloned());
            groups.dedup();
            users::set_groups(conn, id, &groups)?;
        }
        let names: Vec<String> = config.users.iter().map(|u| u.username.clone()).collect();
        users::mark_from_file(conn, &names)?;
        for name in users::disable_missing_from_file(conn, &names)? {
            tracing::warn!(
                "user '{name}' is no longer in the configuration file: disabled, cannot log in"
            );
        }
        Ok(())
    })
}

fn wire<T: serde::de::DeserializeOwned>(key: &str, value: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(value.to_string()))
        .map_err(|_| format!("booking.{key}: '{value}' is not a valid value"))
}

fn not_default<T>(key: &str, v: Option<T>) -> Result<T, String> {
    v.ok_or_else(|| format!("booking.{key}: 'Default' cannot be a default"))
}

pub fn default_settings(b: &BookingConfig) -> Result<Settings, String> {
    let bw =
        |key: &str, v: &str| not_default(key, convert::bandwidth(wire::<we::Bandwidth>(key, v)?));
    Ok(Settings {
        conference_type: not_default(
            "conference_type",
            convert::conference_type(wire("conference_type", &b.conference_type)?),
        )?,
        bandwidth: bw("bandwidth", &b.bandwidth)?,
        isdn_bandwidth: bw("isdn_bandwidth", &b.isdn_bandwidth)?,
        ip_bandwidth: bw("ip_bandwidth", &b.ip_bandwidth)?,
        picture_mode: not_default(
            "picture_mode",
            convert::picture_mode(wire("picture_mode", &b.picture_mode)?),
        )?,
        encrypted: not_default(
            "encryption",
            convert::encryption(wire("encryption", &b.encryption)?),
        )?,
        data_conference: not_default(
            "data_conference",
            convert::data_conference(wire("data_conference", &b.data_conference)?),
        )?,
        extend_option: not_default(
            "extend_option",
            convert::extend_option(wire("extend_option", &b.extend_option)?),
        )?,
        password: None,
        billing_code: None,
        secret_code: None,
        conf_bundle_id: None,
        conf_owner_id: None,
        isdn_restrict: false,
        email_to: None,
        user_message: None,
        language: Some(b.language.clone()),
        location: None,
        invitees: None,
        meeting_source: None,
        privacy_flag: None,
        recording_enabled: false,
        time_zone_rules_xml: None,
        time_zone: None,
        zone_name: None,
        external_conference_xml: None,
        externally_hosted_dial_string: None,
        webex_sip_url: None,
    })
}

fn licensing(c: &crate::config::LicensingConfig) -> Licensing {
    match (c.application_integration, c.system_packs) {
        (Some(licences), _) => Licensing::Sessions(SessionRules {
            lifetime: chrono::Duration::minutes(c.session_minutes),
            grace: chrono::Duration::minutes(c.grace_minutes),
            licences,
        }),
        (None, Some(packs)) => Licensing::PerSystem { packs },
        (None, None) => Licensing::Off,
    }
}
