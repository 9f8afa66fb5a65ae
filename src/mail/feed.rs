//! A calendar feed (RFC 5545, METHOD:PUBLISH): the meetings of a room or of a user, each
//! meeting and each occurrence an event of its own, in UTC, as any calendar subscribing to
//! a URL reads them.
use super::calendar::uid;
use crate::domain::{Conference, StoredStatus};
use chrono::{DateTime, Utc};
use icalendar::{Component, Event, EventLike, EventStatus};

/// The feed named `name` holding `meetings`.
pub fn feed(name: &str, meetings: &[Conference], installation: &str, now: DateTime<Utc>) -> String {
    let mut cal = icalendar::Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//bridgebook//feed//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ] {
        cal.append_property(icalendar::Property::new(key, value));
    }
    cal.name(name);
    for c in meetings {
        let mut e = Event::new();
        e.uid(&uid(c.id, installation))
            .timestamp(now)
            .sequence(c.version.max(0) as u32)
            .summary(&c.title)
            .starts(c.start)
            .ends(c.end)
            .status(match c.status {
                StoredStatus::Booked => EventStatus::Confirmed,
                StoredStatus::Deleted | StoredStatus::Rejected => EventStatus::Cancelled,
                _ => EventStatus::Tentative,
            });
        if let Some(j) = super::facts::join_of(c) {
            if let Some(address) = j.web.or(j.sip_uri) {
                e.url(&address);
            }
        }
        cal.push(e.done());
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::facts::sample_conference;

    #[test]
    fn a_feed_lists_each_meeting_in_utc() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 2, 1, 12, 0, 0).unwrap();
        let mut second = sample_conference();
        second.id = 8;
        second.status = StoredStatus::Defective;
        let text = feed(
            "Oslo Fjord",
            &[sample_conference(), second],
            "0a1b2c3d",
            now,
        );
        for line in [
            "METHOD:PUBLISH",
            "X-WR-CALNAME:Oslo Fjord",
            "UID:7-0a1b2c3d@bridgebook",
            "UID:8-0a1b2c3d@bridgebook",
            "DTSTART:20260302T080000Z",
            "STATUS:CONFIRMED",
            "STATUS:TENTATIVE",
            "URL:https://join.example.com/8123",
        ] {
            assert!(
                text.contains(&format!("{line}\r\n")),
                "{line} missing:\n{text}"
            );
        }
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
    }
}
