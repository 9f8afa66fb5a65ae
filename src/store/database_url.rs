//! Which database a `database_url` names. Only `postgres://`, `postgresql://`, `sqlite://`
//! and plain file paths are accepted: anything else (a `mysql://` URL, a mistyped
//! `postgresql:/…`) is refused, because treating it as a SQLite path would silently start
//! on a new, empty database file named like the URL.
use super::Backend;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A PostgreSQL connection URL, as given.
    Postgres(String),
    /// The path of a SQLite file.
    Sqlite(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<DatabaseUrl, String> {
        const ACCEPTED: &str =
            "accepted forms: postgres://…, postgresql://…, sqlite://PATH or a plain file path";
        let trimmed = url.trim();
        if trimmed.is_empty() {
            return Err(format!("the database URL is empty ({ACCEPTED})"));
        }
        for prefix in ["postgres://", "postgresql://"] {
            if let Some(rest) = strip_prefix_ignore_case(trimmed, prefix) {
                if rest.is_empty() {
                    return Err(format!("the database URL {trimmed:?} names no server"));
                }
                return Ok(DatabaseUrl::Postgres(trimmed.to_string()));
            }
        }
        if let Some(path) = strip_prefix_ignore_case(trimmed, "sqlite://") {
            if path.is_empty() {
                return Err(format!("the database URL {trimmed:?} names no file"));
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        match scheme(trimmed) {
            Some(s) => Err(format!(
                "the database URL {:?} has the unsupported scheme \"{s}:\" ({ACCEPTED})",
                redact(trimmed)
            )),
            None => Ok(DatabaseUrl::Sqlite(trimmed.to_string())),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Postgres(_) => Backend::Postgres,
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// What a start-up log line may show: the SQLite file's absolute path, or the
    /// PostgreSQL URL without its password.
    pub fn describe(&self) -> String {
        match self {
            DatabaseUrl::Postgres(u) => format!("PostgreSQL at {}", redact(u)),
            DatabaseUrl::Sqlite(p) => {
                let shown = std::path::absolute(p)
                    .map(|a| a.display().to_string())
                    .unwrap_or_else(|_| p.clone());
                format!("SQLite file {shown}")
            }
        }
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The URL scheme `s` starts with (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`,
/// then `:`). One letter is a Windows drive (`C:\data\bb.db`), not a scheme.
fn scheme(s: &str) -> Option<&str> {
    let (head, _) = s.split_once(':')?;
    let mut chars = head.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && head.len() > 1).then_some(head)
}

/// The URL with the password of its user part and any `password=` parameter replaced.
pub fn redact(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(start) = out.find("://").map(|i| i + 3) {
        let authority_end = out[start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| start + i);
        if let Some(at) = out[start..authority_end].rfind('@').map(|i| start + i) {
            if let Some(colon) = out[start..at].find(':').map(|i| start + i) {
                out.replace_range(colon + 1..at, "***");
            }
        }
    }
    let lower = out.to_ascii_lowercase();
    if let Some(p) = lower.find("password=").map(|i| i + "password=".len()) {
        let end = out[p..].find('&').map_or(out.len(), |i| p + i);
        out.replace_range(p..end, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_and_refused_forms() {
        use DatabaseUrl::*;
        let table: &[(&str, Result<DatabaseUrl, &str>)] = &[
            (
                "postgres://bb@127.0.0.1/bb",
                Ok(Postgres("postgres://bb@127.0.0.1/bb".into())),
            ),
            (
                "postgresql://bb@h:5432/bb",
                Ok(Postgres("postgresql://bb@h:5432/bb".into())),
            ),
            (
                "POSTGRES://bb@h/bb",
                Ok(Postgres("POSTGRES://bb@h/bb".into())),
            ),
            ("sqlite://data/bb.db", Ok(Sqlite("data/bb.db".into()))),
            (
                "sqlite:///var/lib/bb.db",
                Ok(Sqlite("/var/lib/bb.db".into())),
            ),
            (
                "./data/bridgebook.db",
                Ok(Sqlite("./data/bridgebook.db".into())),
            ),
            (
                "/var/lib/bridgebook/bb.db",
                Ok(Sqlite("/var/lib/bridgebook/bb.db".into())),
            ),
            ("bb.db", Ok(Sqlite("bb.db".into()))),
            ("data/a:b.db", Ok(Sqlite("data/a:b.db".into()))),
            ("C:\\data\\bb.db", Ok(Sqlite("C:\\data\\bb.db".into()))),
            (
                "mysql://bb@127.0.0.1/bb",
                Err("unsupported scheme \"mysql:\""),
            ),
            (
                "postgresql:/bridgebook@127.0.0.1/bb",
                Err("unsupported scheme \"postgresql:\""),
            ),
            ("postgres:bb", Err("unsupported scheme \"postgres:\"")),
            ("sqlite:bb.db", Err("unsupported scheme \"sqlite:\"")),
            ("file:bb.db", Err("unsupported scheme \"file:\"")),
            ("postgres://", Err("names no server")),
            ("sqlite://", Err("names no file")),
            ("", Err("empty")),
            ("  ", Err("empty")),
        ];
        for (url, want) in table {
            match (DatabaseUrl::parse(url), want) {
                (Ok(got), Ok(w)) => assert_eq!(&got, w, "{url}"),
                (Err(got), Err(w)) => assert!(got.contains(w), "{url}: {got}"),
                (got, w) => panic!("{url}: got {got:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn refusals_hide_passwords() {
        let e = DatabaseUrl::parse("mysql://bb:hunter2@db/bb").unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn redaction() {
        let table = [
            ("postgres://bb:secret@h/db", "postgres://bb:***@h/db"),
            ("postgres://bb@h/db", "postgres://bb@h/db"),
            (
                "postgres://h/db?user=bb&password=x&sslmode=require",
                "postgres://h/db?user=bb&password=***&sslmode=require",
            ),
            (
                "postgresql://bb:p%40ss@h:5432/db",
                "postgresql://bb:***@h:5432/db",
            ),
        ];
        for (url, want) in table {
            assert_eq!(redact(url), want, "{url}");
        }
    }

    #[test]
    fn descriptions() {
        let d = DatabaseUrl::parse("postgres://bb:secret@h/db")
            .unwrap()
            .describe();
        assert_eq!(d, "PostgreSQL at postgres://bb:***@h/db");
        let d = DatabaseUrl::parse("/tmp/x.db").unwrap().describe();
        assert_eq!(d, "SQLite file /tmp/x.db");
    }
}
