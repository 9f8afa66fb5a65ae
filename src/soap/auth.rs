//! HTTP Basic authentication against the users table (argon2 PHC hashes). Verified
//! credentials are remembered for a few minutes by their SHA-256, so a busy client does not
//! pay for argon2 on every call. Checks run on a pool of their own and failures are
//! throttled (see `login_pool` and `throttle`).
use super::login_pool::LoginPool;
use super::throttle::{LoginConfig, Throttle};
use crate::directory::ldap::Ldap;
use crate::directory::{password, remember};
use crate::domain::rights::plain_user_name;
use crate::domain::{Error, User};
use crate::store::{users, Store};
use base64::Engine;
use lru::LruCache;
use sha2::{Digest, Sha256};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REMEMBER: Duration = Duration::from_secs(300);
const MAX_REMEMBERED: NonZeroUsize = NonZeroUsize::new(10_000).unwrap();

pub struct Authenticator {
    store: Arc<Store>,
    ldap: Option<Arc<Ldap>>,
    /// Verified headers: the user, when, and the store's users generation then. Bounded:
    /// the least recently used go first.
    verified: Mutex<LruCache<[u8; 32], (User, Instant, u64)>>,
    /// Checked when there is no hash to check, so a login that fails takes as long whether
    /// or not the user exists.
    decoy: String,
    pub pool: LoginPool,
    pub throttle: Throttle,
}

/// Why a request was turned away before reaching SOAP.
#[derive(Debug)]
pub enum Denied {
    /// No or wrong credentials: HTTP 401.
    Unauthorized,
    /// The user store could not be asked.
    Unavailable(Error),
    /// Too many failures for the user name or the client address: HTTP 429.
    Throttled { retry_after: Duration, locked: bool },
    /// Every password-checking thread is taken and the queue is full: HTTP 503.
    Busy,
}

impl Authenticator {
    pub fn new(store: Arc<Store>, ldap: Option<Arc<Ldap>>, logins: &LoginConfig) -> Authenticator {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Authenticator {
            store,
            ldap,
            verified: Mutex::new(LruCache::new(MAX_REMEMBERED)),
            decoy: password::hash("no user has this password").unwrap_or_default(),
            pool: LoginPool::new(
                super::login_pool::threads_for(logins.check_threads, cores),
                logins.check_queue,
            ),
            throttle: Throttle::new(logins),
        }
    }

    fn key(header: &str) -> [u8; 32] {
        Sha256::digest(header.as_bytes()).into()
    }

    /// The user already verified for this Authorization header, without blocking.
    pub fn remembered(&self, header: &str) -> Option<User> {
        let generation = self.store.users_generation();
        let mut map = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&Self::key(header))
            .filter(|(_, at, g)| at.elapsed() < REMEMBER && *g == generation)
            .map(|(u, _, _)| u.clone())
    }

    /// Checks an Authorization header: a local account's argon2 hash, else the directory.
    /// Slow by design; call it off the async threads.
    pub fn verify(&self, header: &str) -> Result<User, Denied> {
        let (login, password) = parse_basic(header).ok_or(Denied::Unauthorized)?;
        let generation = self.store.users_generation();
        let name = plain_user_name(&login).to_string();
        let local = self
            .store
            .read(|conn| users::by_username(conn, &name))
            .map_err(Denied::Unavailable)?;
        let (hash, local, disabled) = match local {
            Some(creds) if creds.password_hash.is_some() => (
                creds.password_hash.unwrap_or_default(),
                Some(creds.user),
                creds.disabled,
            ),
            _ => (String::new(), None, false),
        };
        let user = match local {
            // One and the same check either way: a wrong password of a local account and
            // an unknown name cost the same (benches/login_timing.rs); a disabled account's
            // right password is checked too, and refused.
            Some(user) => (password::verify(&hash, &password) && !disabled).then_some(user),
            None => match &self.ldap {
                Some(ldap) => match ldap
                    .authenticate(&login, &password)
                    .map_err(Denied::Unavailable)?
                {
                    Some(entry) => Some(
                        self.store
                            .write(|conn| remember(conn, &entry))
                            .map_err(Denied::Unavailable)?,
                    ),
                    None => None,
                },
                None => {
                    password::verify(&self.decoy, &password);
                    None
                }
            },
        };
        let user = user.ok_or(Denied::Unauthorized)?;
        self.verified.lock().unwrap_or_else(|p| p.into_inner()).put(
            Self::key(header),
            (user.clone(), Instant::now(), generation),
        );
        Ok(user)
    }
}

/// "Basic base64(user:password)" → (user, password). A DOMAIN\user login keeps its domain.
pub fn parse_basic(header: &str) -> Option<(String, String)> {
    let (scheme, value) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_headers() {
        let table = [
            ("Basic c3ZjOnNlY3JldA==", Some(("svc", "secret"))),
            ("basic  c3ZjOnNlY3JldA== ", Some(("svc", "secret"))),
            ("Basic Y29ycFxzdmM6YTpi", Some(("corp\\svc", "a:b"))),
            ("Bearer abc", None),
            ("Basic !!!", None),
            ("Basic c3Zj", None),
        ];
        for (h, want) in table {
            let got = parse_basic(h);
            assert_eq!(
                got.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
                want,
                "{h}"
            );
        }
    }
}
