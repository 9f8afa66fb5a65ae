//! `bridgebook check-config`: reads the configuration as `serve` would, checks what can be
//! checked without starting (values, bridges, groups, the database URL, booking defaults,
//! TLS files, the log filter), and prints every value in effect with its source. Nothing is
//! opened or written; a mistake is named and the exit status is non-zero.
use super::Settings;
use bridgebook::config::Config;
use bridgebook::config_sources::{lines, Source};
use bridgebook::store::database_url::DatabaseUrl;

pub fn run(settings: &Settings) -> Result<(), String> {
    let text = match &settings.config {
        Some(p) => {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?
        }
        None => String::new(),
    };
    let env: Vec<(String, String)> = std::env::vars().collect();
    let mut c = Config::from_parts(&text, env.clone())?;
    if let Some(url) = &settings.database_url {
        c.database_url = url.clone();
    }
    let db = DatabaseUrl::parse(&c.database_url)?;
    bridgebook::app::default_settings(&c.booking)?;
    if let Some(tls) = &c.tls {
        bridgebook::soap::tls::Certificate::load(tls).map_err(|e| format!("tls: {e}"))?;
    }
    if !c.log.trim().is_empty() {
        tracing_subscriber::EnvFilter::try_new(&c.log)
            .map_err(|e| format!("log: '{}' is not a log filter: {e}", c.log))?;
    }
    let shown = lines(&c, &text, &env, settings.database_url.is_some())?;
    let mut out = String::new();
    let mut say = |line: String| {
        out.push_str(&line);
        out.push('\n');
    };
    match &settings.config {
        Some(p) => say(format!("# file: {}", p.display())),
        None => say("# file: none (--config or BRIDGEBOOK_CONFIG names one)".into()),
    }
    let width = shown
        .iter()
        .map(|l| l.key.len() + l.value.len() + 3)
        .max()
        .unwrap_or(0)
        .min(72);
    for l in &shown {
        let setting = format!("{} = {}", l.key, l.value);
        say(format!("{setting:<width$}  # {}", l.source));
    }
    say(format!("# database: {}", db.describe()));
    if let Ok(filter) = std::env::var("BRIDGEBOOK_LOG") {
        say(format!(
            "# BRIDGEBOOK_LOG={filter} takes precedence over log"
        ));
    }
    if std::env::var_os(bridgebook::directory::first_admin::PASSWORD_ENV).is_some() {
        say(format!(
            "# {} is set: the password of 'admin' if a start finds no account that can log in",
            bridgebook::directory::first_admin::PASSWORD_ENV
        ));
    }
    let defaults = shown.iter().filter(|l| l.source == Source::Default).count();
    say(format!(
        "# the configuration is valid ({} values, {defaults} of them defaults)",
        shown.len()
    ));
    super::print(&out);
    Ok(())
}
