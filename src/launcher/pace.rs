//! Request pacing per bridge, from the limits the bridges document (TelePresence Conductor:
//! at most 2 conference creates and 8 participant joins a second, status polls at least 5 s
//! apart). A job waits for its turn instead of being refused by the bridge.
use crate::planner::Family;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many operations of a kind a bridge takes per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub creates_per_second: f64,
    pub joins_per_second: f64,
}

impl Rates {
    pub fn of(family: Family) -> Option<Rates> {
        match family {
            Family::Conductor => Some(Rates {
                creates_per_second: 2.0,
                joins_per_second: 8.0,
            }),
            Family::TelePresenceServer | Family::MeetingServer | Family::Pexip => None,
        }
    }
}

/// The shortest time between two health polls of a bridge of `family`, whatever the
/// configured interval.
pub fn min_poll(family: Family) -> Duration {
    match family {
        Family::Conductor => Duration::from_secs(5),
        Family::TelePresenceServer | Family::MeetingServer | Family::Pexip => Duration::ZERO,
    }
}

/// Whether a bridge last polled at `last` is due for a poll at `now`.
pub fn poll_due(last: Option<Instant>, configured: Duration, family: Family, now: Instant) -> bool {
    last.is_none_or(|t| now.duration_since(t) >= configured.max(min_poll(family)))
}

/// Requests are spaced this much more than the rate asks: what the bridge counts is when
/// they arrive, and the network and both ends add jitter.
const MARGIN: f64 = 1.1;

/// The earliest instant an operation may start, given when the last one of its kind did:
/// operations of one kind are spaced `MARGIN / rate` apart.
pub fn next_slot(last: Option<Instant>, rate: f64, now: Instant) -> Instant {
    let gap = Duration::from_secs_f64(MARGIN / rate.max(0.001));
    match last {
        Some(t) if t + gap > now => t + gap,
        _ => now,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Create,
    Join,
}

/// When an operation of one kind on one bridge last started.
type Last = Arc<Mutex<Option<Instant>>>;

/// The last start of each operation kind on each bridge, each behind its own lock so one
/// bridge's wait holds up no other.
#[derive(Default)]
pub struct Pacer {
    last: Mutex<HashMap<(i64, Operation), Last>>,
}

impl Pacer {
    /// Waits until bridge `id` may take another `op`, and books the slot.
    pub fn wait(&self, id: i64, family: Family, op: Operation) {
        let Some(rates) = Rates::of(family) else {
            return;
        };
        let rate = match op {
            Operation::Create => rates.creates_per_second,
            Operation::Join => rates.joins_per_second,
        };
        let kind = self
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((id, op))
            .or_default()
            .clone();
        let mut last = kind.lock().unwrap_or_else(|p| p.into_inner());
        let slot = next_slot(*last, rate, Instant::now());
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
        // The operation starts now, however late the wait ended: the next one is spaced
        // from here.
        *last = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_rate() {
        let t = Instant::now();
        let ms = |d: u64| Duration::from_millis(d);
        let table = [
            ("first operation goes at once", None, 2.0, t, t),
            (
                "too soon after the last",
                Some(t),
                2.0,
                t + ms(100),
                t + ms(550),
            ),
            (
                "long after the last",
                Some(t),
                2.0,
                t + ms(900),
                t + ms(900),
            ),
            (
                "joins are denser",
                Some(t),
                8.0,
                t + ms(10),
                t + Duration::from_micros(137_500),
            ),
        ];
        for (name, last, rate, now, want) in table {
            assert_eq!(next_slot(last, rate, now), want, "{name}");
        }
        // Ten creates in a burst on a Conductor take 4.95 s: under 2 a second.
        let mut last = None;
        let mut slot = t;
        for _ in 0..10 {
            slot = next_slot(last, 2.0, t);
            last = Some(slot);
        }
        assert_eq!(slot - t, ms(4950));
    }

    #[test]
    fn polls_keep_the_family_minimum() {
        let t = Instant::now();
        let s = Duration::from_secs;
        let table = [
            ("never polled", None, s(1), Family::Conductor, t, true),
            (
                "Conductor within 5 s",
                Some(t),
                s(1),
                Family::Conductor,
                t + s(3),
                false,
            ),
            (
                "Conductor after 5 s",
                Some(t),
                s(1),
                Family::Conductor,
                t + s(5),
                true,
            ),
            (
                "Meeting Server at the setting",
                Some(t),
                s(1),
                Family::MeetingServer,
                t + s(1),
                true,
            ),
            (
                "a longer setting wins",
                Some(t),
                s(30),
                Family::Conductor,
                t + s(10),
                false,
            ),
        ];
        for (name, last, configured, family, now, want) in table {
            assert_eq!(poll_due(last, configured, family, now), want, "{name}");
        }
    }
}
