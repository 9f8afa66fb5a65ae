//! The one line a starting service logs about itself, so an operator reading the log sees
//! what runs: version, configuration, database (no password), listeners, how much it holds,
//! and whether meetings are launched and licences counted.
use crate::app::App;
use crate::booking::Licensing;
use crate::config::Config;
use crate::store::{bridges, systems, users};
use std::net::SocketAddr;
use std::path::Path;

/// What the licensing configuration amounts to, in words.
pub fn licensing_state(l: &Licensing) -> String {
    match l {
        Licensing::Off => "off".into(),
        Licensing::Sessions(rules) => {
            format!("application integration, {} licence(s)", rules.licences)
        }
        Licensing::PerSystem { packs } => format!("per system, {packs} pack(s) of 25 systems"),
    }
}

fn addresses(scheme: &str, addrs: &[SocketAddr]) -> String {
    addrs
        .iter()
        .map(|a| format!("{scheme}://{a}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Logs the start-up summary at info.
pub fn log_summary(
    app: &App,
    config: &Config,
    config_file: Option<&Path>,
    soap: (&str, &[SocketAddr]),
    metrics: &[SocketAddr],
) {
    let counts = app.booking.store.read(|conn| {
        Ok((
            systems::all(conn)?.len(),
            users::all(conn)?.len(),
            bridges::all(conn)?.len(),
        ))
    });
    let (systems, users, bridges) = match counts {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("start-up summary: {}", e.message);
            return;
        }
    };
    let database = crate::store::database_url::DatabaseUrl::parse(&config.database_url)
        .map(|d| d.describe())
        .unwrap_or_default();
    let metrics = if metrics.is_empty() {
        "off".to_string()
    } else {
        format!("{}/metrics", addresses("http", metrics))
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        config = %config_file.map_or("(none: defaults and environment)".into(), |p| p.display().to_string()),
        database,
        soap = addresses(soap.0, soap.1),
        metrics,
        systems,
        users,
        bridges,
        launcher = if config.launcher.enabled { "on" } else { "off" },
        licensing = licensing_state(&app.booking.licensing),
        "bridgebook started"
    );
}

#[cfg(test)]
mod tests {
    use super::licensing_state;
    use crate::booking::Licensing;
    use crate::domain::licensing::SessionRules;

    #[test]
    fn licensing_in_words() {
        let sessions = Licensing::Sessions(SessionRules {
            lifetime: chrono::Duration::minutes(30),
            grace: chrono::Duration::minutes(5),
            licences: 3,
        });
        let table = [
            (Licensing::Off, "off"),
            (sessions, "application integration, 3 licence(s)"),
            (
                Licensing::PerSystem { packs: 2 },
                "per system, 2 pack(s) of 25 systems",
            ),
        ];
        for (l, want) in table {
            assert_eq!(licensing_state(&l), want);
        }
    }
}
