//! The log subscriber, with a filter that can be replaced while running (SIGHUP reads the
//! configured level again).
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, EnvFilter, Registry};

/// Replaces the filter of the installed subscriber.
#[derive(Clone)]
pub struct LogLevel(reload::Handle<EnvFilter, Registry>);

/// The filter in force: BRIDGEBOOK_LOG when set, else the configuration's `log`, else info.
pub fn filter_text<'a>(env: Option<&'a str>, configured: &'a str) -> &'a str {
    match (env.map(str::trim), configured.trim()) {
        (Some(e), _) if !e.is_empty() => e,
        (_, c) if !c.is_empty() => c,
        _ => "info",
    }
}

/// Installs the subscriber (to standard error) with BRIDGEBOOK_LOG or info.
pub fn init() -> LogLevel {
    let text = filter_text(std::env::var("BRIDGEBOOK_LOG").ok().as_deref(), "").to_string();
    let (layer, handle) =
        reload::Layer::new(EnvFilter::try_new(&text).unwrap_or_else(|_| EnvFilter::new("info")));
    tracing_subscriber::registry()
        .with(layer)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .init();
    LogLevel(handle)
}

impl LogLevel {
    /// Applies the filter BRIDGEBOOK_LOG or `configured` names.
    pub fn apply(&self, configured: &str) -> Result<String, String> {
        let env = std::env::var("BRIDGEBOOK_LOG").ok();
        let text = filter_text(env.as_deref(), configured).to_string();
        let filter = EnvFilter::try_new(&text).map_err(|e| format!("log filter {text:?}: {e}"))?;
        self.0.reload(filter).map_err(|e| e.to_string())?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::filter_text;

    #[test]
    fn filter_precedence() {
        let table = [
            (Some("debug"), "warn", "debug"),
            (Some(""), "warn", "warn"),
            (Some("  "), "", "info"),
            (None, "bridgebook=debug,warn", "bridgebook=debug,warn"),
            (None, "", "info"),
        ];
        for (env, configured, want) in table {
            assert_eq!(filter_text(env, configured), want, "{env:?} {configured}");
        }
    }
}
