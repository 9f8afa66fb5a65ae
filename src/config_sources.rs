//! Where each value of the configuration in effect comes from: the file, a BRIDGEBOOK_*
//! variable, the command line, or the built-in default. `bridgebook check-config` shows it,
//! so an operator sees which of several places set a value, with secrets hidden.
use crate::config::{Config, ENV_PREFIX, NOT_KEYS};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    /// The variable's name.
    Environment(String),
    /// The flag's name.
    CommandLine(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File => f.write_str("file"),
            Source::Environment(v) => write!(f, "environment {v}"),
            Source::CommandLine(flag) => write!(f, "command line {flag}"),
        }
    }
}

/// One value in effect: its key (`booking.time_zone`, `bridge[0].name`), the value as TOML
/// writes it (secrets as "***"), and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub key: String,
    pub value: String,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// The values of `config` (read from `file_text` and `env`, then `database_url_flag`
/// applied) with their sources. Keys left unset without a default (an absent `[tls]`) are
/// not listed.
pub fn lines(
    config: &Config,
    file_text: &str,
    env: &[(String, String)],
    database_url_flag: bool,
) -> Result<Vec<Line>, String> {
    let effective = toml::Value::try_from(config).map_err(|e| e.to_string())?;
    let file: toml::Value =
        toml::from_str(file_text).map_err(|e| format!("bridgebook.toml: {e}"))?;
    let mut from_env: HashMap<Vec<String>, String> = HashMap::new();
    for (key, _) in env {
        if let Some(rest) = key.strip_prefix(ENV_PREFIX) {
            if !NOT_KEYS.contains(&rest) {
                let path = rest.split("__").map(|p| p.to_ascii_lowercase()).collect();
                from_env.insert(path, key.clone());
            }
        }
    }
    let mut out = Vec::new();
    walk(&effective, &mut Vec::new(), &mut |path, value| {
        let keys: Vec<String> = path
            .iter()
            .filter_map(|s| match s {
                Step::Key(k) => Some(k.clone()),
                Step::Index(_) => None,
            })
            .collect();
        let source = if database_url_flag && keys == ["database_url"] {
            Source::CommandLine("--database-url")
        } else if let Some(var) = from_env.get(&keys) {
            Source::Environment(var.clone())
        } else if lookup(&file, path).is_some() {
            Source::File
        } else {
            Source::Default
        };
        out.push(Line {
            key: key_text(path),
            value: shown(keys.last().map_or("", String::as_str), value),
            source,
        });
    });
    Ok(out)
}

fn walk(v: &toml::Value, path: &mut Vec<Step>, f: &mut impl FnMut(&[Step], &toml::Value)) {
    match v {
        toml::Value::Table(t) => {
            // A table's own values first, then its sub-tables, as a TOML file is written.
            let nested = |v: &toml::Value| {
                v.is_table()
                    || v.as_array()
                        .is_some_and(|a| a.iter().any(toml::Value::is_table))
            };
            let (inner, own): (Vec<_>, Vec<_>) = t.iter().partition(|(_, v)| nested(v));
            for (k, v) in own.into_iter().chain(inner) {
                path.push(Step::Key(k.clone()));
                walk(v, path, f);
                path.pop();
            }
        }
        toml::Value::Array(items) if items.iter().any(toml::Value::is_table) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(v, path, f);
                path.pop();
            }
        }
        leaf => f(path, leaf),
    }
}

fn lookup<'a>(v: &'a toml::Value, path: &[Step]) -> Option<&'a toml::Value> {
    path.iter().try_fold(v, |v, step| match step {
        Step::Key(k) => v.get(k.as_str()),
        Step::Index(i) => v.get(*i),
    })
}

fn key_text(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Whether a key holds a secret: passwords, their hashes, tokens.
fn secret(key: &str) -> bool {
    key.contains("password") || key.contains("secret") || key.contains("token")
}

fn shown(key: &str, v: &toml::Value) -> String {
    match v {
        _ if secret(key) => "\"***\"".into(),
        toml::Value::String(s) if key.ends_with("database_url") || key.ends_with("url") => {
            toml::Value::String(crate::store::database_url::redact(s)).to_string()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn each_value_has_its_source_and_secrets_are_hidden() {
        let text = r#"
listen = "0.0.0.0:9000"
[booking]
booking_window_days = 30
[[bridge]]
name = "ts1"
family = "telepresence-server"
address = "https://ts1.example.com"
username = "api"
password = "bridge-secret"
capacity = { total = 24 }
numbering = { first = 1000, last = 1999, sip_uri = "{number}@example.com" }
"#;
        let vars = env(&[
            ("BRIDGEBOOK_DATABASE_URL", "postgres://bb:dbpass@db/bb"),
            ("BRIDGEBOOK_BOOKING__BOOKING_WINDOW_DAYS", "90"),
            ("BRIDGEBOOK_LOG", "debug"),
        ]);
        let c = Config::from_parts(text, vars.clone()).unwrap();
        let all = lines(&c, text, &vars, false).unwrap();
        let get = |k: &str| all.iter().find(|l| l.key == k).unwrap().clone();
        assert_eq!(get("listen").source, Source::File);
        assert_eq!(get("pool_size").source, Source::Default);
        assert_eq!(get("pool_size").value, "8");
        assert_eq!(
            get("booking.booking_window_days").source,
            Source::Environment("BRIDGEBOOK_BOOKING__BOOKING_WINDOW_DAYS".into())
        );
        assert_eq!(get("booking.booking_window_days").value, "90");
        assert_eq!(get("booking.time_zone").source, Source::Default);
        assert_eq!(get("bridge[0].name").source, Source::File);
        assert_eq!(get("bridge[0].priority").source, Source::Default);
        assert_eq!(get("bridge[0].password").value, "\"***\"");
        let db = get("database_url");
        assert!(!db.value.contains("dbpass"), "{db:?}");
        assert!(all.iter().all(|l| !l.value.contains("secret")), "{all:?}");
        let flagged = lines(&c, text, &vars, true).unwrap();
        let db = flagged.iter().find(|l| l.key == "database_url").unwrap();
        assert_eq!(db.source, Source::CommandLine("--database-url"));
    }
}
