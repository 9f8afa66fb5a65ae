//! The log subscriber, with a filter that can be replaced while running (SIGHUP reads the
//! configured level again) and an output format (text or JSON) the configuration chooses
//! once it is read.
use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use tracing_subscriber::layer::{Layered, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, EnvFilter, Layer, Registry};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for people; coloured only when standard error is a terminal, so files and
    /// journals get no escape codes.
    #[default]
    Text,
    /// One JSON object a line, with the request's span (its id, the SOAP operation).
    Json,
}

type Filtered = Layered<reload::Layer<EnvFilter, Registry>, Registry>;
type Output = Box<dyn Layer<Filtered> + Send + Sync>;

/// Replaces the filter and the format of the installed subscriber.
#[derive(Clone)]
pub struct LogLevel {
    filter: reload::Handle<EnvFilter, Registry>,
    output: reload::Handle<Output, Filtered>,
}

/// The filter in force: BRIDGEBOOK_LOG when set, else the configuration's `log`, else info.
pub fn filter_text<'a>(env: Option<&'a str>, configured: &'a str) -> &'a str {
    match (env.map(str::trim), configured.trim()) {
        (Some(e), _) if !e.is_empty() => e,
        (_, c) if !c.is_empty() => c,
        _ => "info",
    }
}

/// The HTTP, TLS and runtime libraries beneath the service: at debug they log every frame
/// and poll, burying the service's own lines.
const QUIET: [&str; 12] = [
    "hyper",
    "hyper_util",
    "h2",
    "reqwest",
    "rustls",
    "ureq",
    "mio",
    "tokio_util",
    "actix_http",
    "actix_server",
    "lettre",
    "ldap3",
];

/// `text` with the libraries of QUIET held at warn, except those `text` names itself.
pub fn with_quiet_defaults(text: &str) -> String {
    let named: Vec<&str> = text
        .split(',')
        .filter_map(|d| {
            let target = d.trim().split(['=', '[']).next()?.trim();
            d.contains('=').then_some(target)
        })
        .collect();
    let mut out: Vec<String> = QUIET
        .iter()
        .filter(|q| {
            !named
                .iter()
                .any(|t| t == *q || t.strip_prefix(**q).is_some_and(|r| r.starts_with("::")))
        })
        .map(|q| format!("{q}=warn"))
        .collect();
    out.push(text.to_string());
    out.join(",")
}

fn filter(text: &str) -> Result<EnvFilter, String> {
    EnvFilter::try_new(with_quiet_defaults(text)).map_err(|e| format!("log filter {text:?}: {e}"))
}

fn output(format: LogFormat) -> Output {
    match format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(std::io::stderr)
            .boxed(),
    }
}

/// Installs the subscriber (to standard error) with BRIDGEBOOK_LOG or info, in the format
/// BRIDGEBOOK_LOG_FORMAT names (the configuration's `log_format` is applied once read).
pub fn init() -> LogLevel {
    let text = filter_text(std::env::var("BRIDGEBOOK_LOG").ok().as_deref(), "").to_string();
    let (filter_layer, filter_handle) =
        reload::Layer::new(filter(&text).unwrap_or_else(|_| EnvFilter::new("info")));
    let format = std::env::var("BRIDGEBOOK_LOG_FORMAT")
        .ok()
        .and_then(|f| parse_format(&f))
        .unwrap_or_default();
    let (output_layer, output_handle) = reload::Layer::new(output(format));
    tracing_subscriber::registry()
        .with(filter_layer)
        .with(output_layer)
        .init();
    LogLevel {
        filter: filter_handle,
        output: output_handle,
    }
}

fn parse_format(text: &str) -> Option<LogFormat> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_ascii_lowercase())).ok()
}

impl LogLevel {
    /// Applies the filter BRIDGEBOOK_LOG or `configured` names.
    pub fn apply(&self, configured: &str) -> Result<String, String> {
        let env = std::env::var("BRIDGEBOOK_LOG").ok();
        let text = filter_text(env.as_deref(), configured).to_string();
        self.filter
            .reload(filter(&text)?)
            .map_err(|e| e.to_string())?;
        Ok(text)
    }

    /// Writes from now on in `format`.
    pub fn apply_format(&self, format: LogFormat) -> Result<(), String> {
        self.output
            .reload(output(format))
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{filter_text, parse_format, with_quiet_defaults, LogFormat};

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

    #[test]
    fn libraries_stay_quiet_unless_named() {
        // (filter, a directive expected in the result, one expected absent)
        let table = [
            ("debug", "hyper=warn", "hyper=debug"),
            ("debug", "rustls=warn", ""),
            ("rustls=trace,debug", "rustls=trace", "rustls=warn"),
            (
                "rustls::client=trace",
                "rustls::client=trace",
                "rustls=warn",
            ),
            ("rustlsx=debug", "rustls=warn", ""),
            ("info", "h2=warn", ""),
            ("ureq[call]=debug", "ureq[call]=debug", "ureq=warn"),
        ];
        for (text, present, absent) in table {
            let got = with_quiet_defaults(text);
            let parts: Vec<&str> = got.split(',').collect();
            assert!(parts.contains(&present), "{text}: {got}");
            if !absent.is_empty() {
                assert!(!parts.contains(&absent), "{text}: {got}");
            }
            assert!(got.ends_with(text), "{text}: {got}");
            tracing_subscriber::EnvFilter::try_new(&got).expect("a valid filter");
        }
    }

    #[test]
    fn formats() {
        let table = [
            ("json", Some(LogFormat::Json)),
            ("JSON", Some(LogFormat::Json)),
            ("text", Some(LogFormat::Text)),
            ("xml", None),
        ];
        for (text, want) in table {
            assert_eq!(parse_format(text), want, "{text}");
        }
    }
}
