//! Request pacing from the limits a bridge documents (TelePresence Conductor: at most 2
//! conference creates, 8 participant joins and 8 poll requests a second). A request waits
//! for its turn instead of going over the limit. The adapter that owns a throttle lives as
//! long as its bridge's settings, so the pace holds across jobs.
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests are spaced this much more than the rate asks: what the bridge counts is when
/// they arrive, and the network and both ends add jitter.
const MARGIN: f64 = 1.1;

/// The earliest instant a request may start, given when the last one of its kind did:
/// requests of one kind are spaced `MARGIN / rate` apart.
pub fn next_slot(last: Option<Instant>, rate: f64, now: Instant) -> Instant {
    let gap = Duration::from_secs_f64(MARGIN / rate.max(0.001));
    match last {
        Some(t) if t + gap > now => t + gap,
        _ => now,
    }
}

/// One kind of request to one bridge, at most `rate` a second.
pub struct Throttle {
    rate: f64,
    last: Mutex<Option<Instant>>,
}

impl Throttle {
    pub fn per_second(rate: f64) -> Throttle {
        Throttle {
            rate,
            last: Mutex::new(None),
        }
    }

    /// Waits for the next slot; callers queue behind each other.
    pub fn wait(&self) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let slot = next_slot(*last, self.rate, Instant::now());
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
        // The request starts now, however late the wait ended: the next one is spaced
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
            ("first request goes at once", None, 2.0, t, t),
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
}
