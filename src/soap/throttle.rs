//! Throttling of failed logins, per user name and per client address: a few failures are
//! free, then each further one makes that name or address wait longer (doubling), and enough
//! of them lock it out for a while. A flood of wrong passwords thus costs the service a few
//! password checks per name and address, not one per request. The records live in two
//! bounded LRU maps, so a flood of made-up names or addresses cannot grow memory.
use lru::LruCache;
use serde::{Deserialize, Serialize};
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `[logins]` in bridgebook.toml: how passwords are checked and failures throttled.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginConfig {
    /// Threads that check passwords (argon2: about 19 MiB and 15 ms each), apart from the
    /// threads that serve bookings. 0: half the cores, at least one.
    pub check_threads: usize,
    /// Logins that may wait for a checking thread; beyond that a login is answered 503 at once.
    pub check_queue: usize,
    /// Failures of a user name or address that cost nothing more.
    pub free_failures: u32,
    /// The wait after the first failure beyond the free ones; it doubles with each further one.
    pub delay_millis: u64,
    pub max_delay_millis: u64,
    /// Failures of one user name that lock it out; 0 never locks names.
    pub user_lockout_failures: u32,
    /// Failures from one client address that lock it out; 0 never locks addresses.
    pub address_lockout_failures: u32,
    pub lockout_seconds: u64,
    /// Failures are forgotten when none came for this long.
    pub forget_seconds: u64,
    /// Most user names and most addresses remembered (each); the least recent go first.
    pub tracked: usize,
}

impl Default for LoginConfig {
    fn default() -> Self {
        LoginConfig {
            check_threads: 0,
            check_queue: 64,
            free_failures: 3,
            delay_millis: 500,
            max_delay_millis: 30_000,
            user_lockout_failures: 10,
            address_lockout_failures: 30,
            lockout_seconds: 900,
            forget_seconds: 900,
            tracked: 50_000,
        }
    }
}

impl LoginConfig {
    fn limits(&self, lockout_failures: u32) -> Limits {
        Limits {
            free: self.free_failures,
            delay: Duration::from_millis(self.delay_millis),
            max_delay: Duration::from_millis(self.max_delay_millis),
            lockout_failures,
            lockout: Duration::from_secs(self.lockout_seconds),
            forget: Duration::from_secs(self.forget_seconds),
        }
    }
}

/// The rules for one kind of key.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub free: u32,
    pub delay: Duration,
    pub max_delay: Duration,
    pub lockout_failures: u32,
    pub lockout: Duration,
    pub forget: Duration,
}

/// What is known of one user name or address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub failures: u32,
    pub last_failure: Instant,
    /// No password is checked for this key before then.
    pub until: Option<Instant>,
    pub locked: bool,
}

/// Whether a login may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Check,
    /// Too soon after the last failure.
    Wait(Duration),
    Locked(Duration),
}

impl Verdict {
    /// The stricter of two verdicts: a lock-out over a wait, the longer wait.
    fn max(self, other: Verdict) -> Verdict {
        use Verdict::*;
        match (self, other) {
            (Locked(a), Locked(b)) => Locked(a.max(b)),
            (Locked(a), _) | (_, Locked(a)) => Locked(a),
            (Wait(a), Wait(b)) => Wait(a.max(b)),
            (Wait(a), Check) | (Check, Wait(a)) => Wait(a),
            (Check, Check) => Check,
        }
    }
}

/// The record as it stands at `now`: none once it is forgotten or its lock-out is over.
pub fn current(rec: Option<Record>, now: Instant, l: &Limits) -> Option<Record> {
    let r = rec?;
    let over = match r.until {
        Some(until) if r.locked => now >= until,
        _ => now.saturating_duration_since(r.last_failure) >= l.forget,
    };
    (!over).then_some(r)
}

pub fn verdict(rec: Option<Record>, now: Instant, l: &Limits) -> Verdict {
    match current(rec, now, l).and_then(|r| r.until.map(|u| (r.locked, u))) {
        Some((locked, until)) if until > now => {
            let left = until - now;
            if locked {
                Verdict::Locked(left)
            } else {
                Verdict::Wait(left)
            }
        }
        _ => Verdict::Check,
    }
}

/// The record after one more failure at `now`.
pub fn after_failure(rec: Option<Record>, now: Instant, l: &Limits) -> Record {
    let failures = current(rec, now, l).map_or(0, |r| r.failures) + 1;
    if l.lockout_failures > 0 && failures >= l.lockout_failures {
        return Record {
            failures,
            last_failure: now,
            until: Some(now + l.lockout),
            locked: true,
        };
    }
    let until = (failures > l.free).then(|| {
        let doublings = (failures - l.free - 1).min(30);
        now + l.delay.saturating_mul(1 << doublings).min(l.max_delay)
    });
    Record {
        failures,
        last_failure: now,
        until,
        locked: false,
    }
}

/// Which map a key lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    User,
    Address,
}

/// A throttled key as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub kind: Kind,
    pub key: String,
    pub failures: u32,
    pub locked: bool,
    /// Seconds before a login is checked again for this key (0: now).
    pub retry_after_seconds: u64,
}

pub struct Throttle {
    users: Mutex<LruCache<String, Record>>,
    addresses: Mutex<LruCache<String, Record>>,
    user_limits: Limits,
    address_limits: Limits,
}

/// User names are compared as the users table compares them.
fn user_key(name: &str) -> String {
    name.to_lowercase()
}

impl Throttle {
    pub fn new(c: &LoginConfig) -> Throttle {
        let cap = NonZeroUsize::new(c.tracked.max(1)).unwrap_or(NonZeroUsize::MIN);
        Throttle {
            users: Mutex::new(LruCache::new(cap)),
            addresses: Mutex::new(LruCache::new(cap)),
            user_limits: c.limits(c.user_lockout_failures),
            address_limits: c.limits(c.address_lockout_failures),
        }
    }

    fn map(&self, kind: Kind) -> (&Mutex<LruCache<String, Record>>, &Limits) {
        match kind {
            Kind::User => (&self.users, &self.user_limits),
            Kind::Address => (&self.addresses, &self.address_limits),
        }
    }

    fn verdict_of(&self, kind: Kind, key: &str, now: Instant) -> Verdict {
        let (map, limits) = self.map(kind);
        let rec = map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .peek(key)
            .copied();
        verdict(rec, now, limits)
    }

    /// Whether a login of `user` from `address` may be checked now.
    pub fn check(&self, user: &str, address: &str) -> Verdict {
        let now = Instant::now();
        self.verdict_of(Kind::User, &user_key(user), now)
            .max(self.verdict_of(Kind::Address, address, now))
    }

    fn fail(&self, kind: Kind, key: String, now: Instant) {
        let (map, limits) = self.map(kind);
        let rec = {
            let mut m = map.lock().unwrap_or_else(|p| p.into_inner());
            let rec = after_failure(m.peek(&key).copied(), now, limits);
            m.put(key.clone(), rec);
            rec
        };
        if rec.locked && rec.failures == limits.lockout_failures {
            tracing::warn!(
                kind = ?kind,
                key = %key,
                failures = rec.failures,
                seconds = limits.lockout.as_secs(),
                "logins locked out after repeated failures"
            );
        } else {
            tracing::info!(kind = ?kind, key = %key, failures = rec.failures, "login failed");
        }
    }

    /// A wrong password (or an unknown user) for `user` from `address`.
    pub fn failed(&self, user: &str, address: &str) {
        let now = Instant::now();
        self.fail(Kind::User, user_key(user), now);
        self.fail(Kind::Address, address.to_string(), now);
    }

    /// The right password: the user name's failures are forgotten. The address keeps its
    /// own, so one known account cannot reset a guessing run at others.
    pub fn succeeded(&self, user: &str) {
        let key = user_key(user);
        let mut m = self.users.lock().unwrap_or_else(|p| p.into_inner());
        m.pop(&key);
    }

    /// Every name and address with failures not yet forgotten.
    pub fn entries(&self) -> Vec<Entry> {
        let now = Instant::now();
        let mut out = Vec::new();
        for kind in [Kind::User, Kind::Address] {
            let (map, limits) = self.map(kind);
            let m = map.lock().unwrap_or_else(|p| p.into_inner());
            for (key, rec) in m.iter() {
                let Some(r) = current(Some(*rec), now, limits) else {
                    continue;
                };
                out.push(Entry {
                    kind,
                    key: key.clone(),
                    failures: r.failures,
                    locked: r.locked,
                    retry_after_seconds: r.until.map_or(0, |u| {
                        u.saturating_duration_since(now).as_secs_f64().ceil() as u64
                    }),
                });
            }
        }
        out.sort_by(|a, b| (b.locked, &a.key).cmp(&(a.locked, &b.key)));
        out
    }

    /// Forgets a name's or an address's failures; whether there were any.
    pub fn clear(&self, kind: Kind, key: &str) -> bool {
        let key = match kind {
            Kind::User => user_key(key),
            Kind::Address => key.to_string(),
        };
        let (map, _) = self.map(kind);
        let found = map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop(&key)
            .is_some();
        if found {
            tracing::warn!(kind = ?kind, key = %key, "login failures cleared by an administrator");
        }
        found
    }

    /// Forgets every failure.
    pub fn clear_all(&self) {
        self.users.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.addresses
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        tracing::warn!("all login failures cleared by an administrator");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            free: 2,
            delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(5),
            lockout_failures: 6,
            lockout: Duration::from_secs(60),
            forget: Duration::from_secs(100),
        }
    }

    /// After n failures one second apart: the verdict right after the last one.
    #[test]
    fn growing_delay_then_lockout() {
        let l = limits();
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let table = [
            (1, Verdict::Check),
            (2, Verdict::Check),
            (3, Verdict::Wait(s(1))),
            (4, Verdict::Wait(s(2))),
            (5, Verdict::Wait(s(4))),
            (6, Verdict::Locked(s(60))),
        ];
        let mut rec = None;
        for (n, want) in table {
            let at = t0 + s(n);
            rec = Some(after_failure(rec, at, &l));
            assert_eq!(verdict(rec, at, &l), want, "after {n} failures");
        }
    }

    #[test]
    fn delay_is_capped_and_zero_never_locks() {
        let l = Limits {
            lockout_failures: 0,
            ..limits()
        };
        let t0 = Instant::now();
        let mut rec = None;
        for _ in 0..50 {
            rec = Some(after_failure(rec, t0, &l));
        }
        assert_eq!(verdict(rec, t0, &l), Verdict::Wait(Duration::from_secs(5)));
    }

    #[test]
    fn records_expire() {
        let l = limits();
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut locked = None;
        for _ in 0..6 {
            locked = Some(after_failure(locked, t0, &l));
        }
        let one = Some(after_failure(None, t0, &l));
        let table = [
            // (record, seconds later, still current, verdict)
            (locked, 59, true, Verdict::Locked(s(1))),
            (locked, 60, false, Verdict::Check),
            (one, 99, true, Verdict::Check),
            (one, 100, false, Verdict::Check),
        ];
        for (rec, later, kept, want) in table {
            let at = t0 + s(later);
            assert_eq!(current(rec, at, &l).is_some(), kept, "{later}s");
            assert_eq!(verdict(rec, at, &l), want, "{later}s");
        }
        // A failure after a lock-out ended starts counting again.
        assert_eq!(after_failure(locked, t0 + s(61), &l).failures, 1);
    }

    #[test]
    fn stricter_verdict_wins() {
        use Verdict::*;
        let s = Duration::from_secs;
        let table = [
            (Check, Check, Check),
            (Wait(s(1)), Check, Wait(s(1))),
            (Wait(s(1)), Wait(s(3)), Wait(s(3))),
            (Wait(s(9)), Locked(s(3)), Locked(s(3))),
            (Locked(s(2)), Locked(s(5)), Locked(s(5))),
        ];
        for (a, b, want) in table {
            assert_eq!(a.max(b), want);
            assert_eq!(b.max(a), want);
        }
    }

    #[test]
    fn maps_stay_bounded() {
        let t = Throttle::new(&LoginConfig {
            tracked: 100,
            ..LoginConfig::default()
        });
        for i in 0..10_000 {
            t.failed(
                &format!("user{i}"),
                &format!("10.0.{}.{}", i / 256, i % 256),
            );
        }
        assert_eq!(t.users.lock().unwrap().len(), 100);
        assert_eq!(t.addresses.lock().unwrap().len(), 100);
        assert!(t.clear(Kind::User, "USER9999"));
        assert!(!t.clear(Kind::User, "user0"));
    }
}
