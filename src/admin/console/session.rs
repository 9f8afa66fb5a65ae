//! Console logins: a random session id in an HttpOnly, SameSite=Strict cookie names a
//! session kept in the database (by the id's SHA-256, never the id itself), with its CSRF
//! token and when it was last used; so a session outlives a restart and every instance
//! sharing the database knows it. A session idle for longer than the configured time is
//! gone; the user behind it is read again on every request, so a user changed or removed
//! loses their rights at once.
use crate::domain::Error;
use crate::store::{console_sessions, Store};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::Duration;

pub const COOKIE: &str = "bridgebook_session";
/// The login form's own token (double submit: cookie and form field must agree), so a login
/// cannot be posted from another site either.
pub const LOGIN_COOKIE: &str = "bridgebook_login";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: i64,
    pub csrf: String,
}

pub struct Sessions {
    idle: Duration,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh unguessable token: 32 random bytes, hex.
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What a session is stored under: the digest of its id.
fn key(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes()))
}

/// Whether a session last used at `last_used` is still alive at `now` (milliseconds).
pub fn alive(last_used: i64, now: i64, idle: Duration) -> bool {
    now.saturating_sub(last_used) < idle.as_millis() as i64
}

/// Whether a session last used at `last_used` should be marked used at `now`: not on every
/// request, only once a tenth of the idle time (a minute at most) has passed, so reading
/// pages does not write to the database each time.
pub fn worth_marking(last_used: i64, now: i64, idle: Duration) -> bool {
    let step = (idle.as_millis() as i64 / 10).min(60_000);
    now.saturating_sub(last_used) >= step
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Sessions {
    pub fn new(idle: Duration) -> Sessions {
        Sessions { idle }
    }

    /// Opens a session for `user_id`; answers its id (and forgets idle ones).
    pub fn open(&self, store: &Store, user_id: i64) -> Result<String, Error> {
        let id = token();
        let (k, csrf, t) = (key(&id), token(), now());
        let idle_before = t - self.idle.as_millis() as i64;
        store.write(|conn| console_sessions::open(conn, &k, user_id, &csrf, t, idle_before))?;
        Ok(id)
    }

    /// The live session `id` names, marked used now; an idle one is forgotten.
    pub fn touch(&self, store: &Store, id: &str) -> Result<Option<Session>, Error> {
        let k = key(id);
        let Some((user_id, csrf, last_used)) =
            store.read(|conn| console_sessions::find(conn, &k))?
        else {
            return Ok(None);
        };
        let t = now();
        if !alive(last_used, t, self.idle) {
            store.write(|conn| console_sessions::close(conn, &k))?;
            return Ok(None);
        }
        if worth_marking(last_used, t, self.idle) {
            store.write(|conn| console_sessions::used(conn, &k, t))?;
        }
        Ok(Some(Session { user_id, csrf }))
    }

    /// Whether `id` names a live session, without marking it used.
    pub fn is_live(&self, store: &Store, id: &str) -> Result<bool, Error> {
        let k = key(id);
        let found = store.read(|conn| console_sessions::find(conn, &k))?;
        Ok(found.is_some_and(|(_, _, last_used)| alive(last_used, now(), self.idle)))
    }

    pub fn close(&self, store: &Store, id: &str) -> Result<(), Error> {
        let k = key(id);
        store.write(|conn| console_sessions::close(conn, &k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_sessions_expire() {
        let idle = Duration::from_secs(60);
        let table = [
            (0, true),
            (59_999, true),
            (60_000, false),
            (3_600_000, false),
        ];
        for (after, want) in table {
            assert_eq!(alive(1_000, 1_000 + after, idle), want, "{after} ms");
        }
    }

    #[test]
    fn use_is_written_a_tenth_of_the_idle_time_apart_at_most_a_minute() {
        let table = [
            (Duration::from_secs(1800), 59_999, false),
            (Duration::from_secs(1800), 60_000, true),
            (Duration::from_secs(1), 99, false),
            (Duration::from_secs(1), 100, true),
            (Duration::ZERO, 0, true),
        ];
        for (idle, after, want) in table {
            assert_eq!(worth_marking(0, after, idle), want, "{idle:?} {after}");
        }
    }

    #[test]
    fn tokens_compare_and_are_stored_by_digest() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
        assert!(!same_token("", "a"));
        assert_ne!(token(), token());
        assert_eq!(token().len(), 64);
        let t = token();
        assert_eq!(key(&t), key(&t));
        assert_ne!(key(&t), t);
    }
}
