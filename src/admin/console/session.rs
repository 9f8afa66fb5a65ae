//! Console logins: a random session id in an HttpOnly, SameSite=Strict cookie names a
//! session held in memory, with its CSRF token and when it was last used. A session idle
//! for longer than the configured time is gone; the user behind it is read again on every
//! request, so a user changed or removed loses their rights at once.
use rand::RngCore;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const COOKIE: &str = "bridgebook_session";
/// The login form's own token (double submit: cookie and form field must agree), so a login
/// cannot be posted from another site either.
pub const LOGIN_COOKIE: &str = "bridgebook_login";
/// Sessions held at most; past it the least recently used one is dropped.
const MAX_SESSIONS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: i64,
    pub csrf: String,
    last_used: Instant,
}

pub struct Sessions {
    idle: Duration,
    held: Mutex<HashMap<String, Session>>,
}

/// A fresh unguessable token: 32 random bytes, hex.
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a session last used at `last_used` is still alive at `now`.
pub fn alive(last_used: Instant, now: Instant, idle: Duration) -> bool {
    now.saturating_duration_since(last_used) < idle
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Sessions {
    pub fn new(idle: Duration) -> Sessions {
        Sessions {
            idle,
            held: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens a session for `user_id`; answers its id.
    pub fn open(&self, user_id: i64) -> String {
        let id = token();
        let now = Instant::now();
        let mut held = self.lock();
        held.retain(|_, s| alive(s.last_used, now, self.idle));
        if held.len() >= MAX_SESSIONS {
            if let Some(oldest) = held
                .iter()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(k, _)| k.clone())
            {
                held.remove(&oldest);
            }
        }
        held.insert(
            id.clone(),
            Session {
                user_id,
                csrf: token(),
                last_used: now,
            },
        );
        id
    }

    /// The live session `id` names, marked used now; an idle one is forgotten.
    pub fn touch(&self, id: &str) -> Option<Session> {
        let now = Instant::now();
        let mut held = self.lock();
        let s = held.get_mut(id)?;
        if !alive(s.last_used, now, self.idle) {
            held.remove(id);
            return None;
        }
        s.last_used = now;
        Some(s.clone())
    }

    /// Whether `id` names a live session, without marking it used.
    pub fn is_live(&self, id: &str) -> bool {
        let now = Instant::now();
        self.lock()
            .get(id)
            .is_some_and(|s| alive(s.last_used, now, self.idle))
    }

    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Ends every session of a user (disabled, removed).
    pub fn close_all_of(&self, user_id: i64) {
        self.lock().retain(|_, s| s.user_id != user_id);
    }

    pub fn idle(&self) -> Duration {
        self.idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_sessions_expire() {
        let t0 = Instant::now();
        let idle = Duration::from_secs(60);
        let table = [(0, true), (59, true), (60, false), (3600, false)];
        for (after, want) in table {
            assert_eq!(
                alive(t0, t0 + Duration::from_secs(after), idle),
                want,
                "{after} s"
            );
        }
    }

    #[test]
    fn tokens_compare() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
        assert!(!same_token("", "a"));
        assert_ne!(token(), token());
        assert_eq!(token().len(), 64);
    }

    #[test]
    fn sessions_open_close_and_forget_a_user() {
        let s = Sessions::new(Duration::from_secs(60));
        let a = s.open(1);
        let b = s.open(2);
        assert_eq!(s.touch(&a).map(|x| x.user_id), Some(1));
        assert!(s.touch("nonsense").is_none());
        s.close(&a);
        assert!(s.touch(&a).is_none());
        s.close_all_of(2);
        assert!(!s.is_live(&b));
        let gone = Sessions::new(Duration::ZERO);
        let c = gone.open(3);
        assert!(gone.touch(&c).is_none(), "an idle session is gone");
    }
}
