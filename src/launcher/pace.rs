//! How often the launcher may ask a bridge for its health: the configured interval, but
//! never more often than the family documents (TelePresence Conductor: polls at least 5 s
//! apart). Request rates within jobs are the adapters' business (`bridges::pace`).
use crate::planner::Family;
use std::time::{Duration, Instant};

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

#[cfg(test)]
mod tests {
    use super::*;

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
