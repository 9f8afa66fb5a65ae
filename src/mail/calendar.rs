//! The iCalendar object (RFC 5545) every invitation carries: one VEVENT for a meeting, or for a
//! series its RRULE with EXDATE for deleted and a RECURRENCE-ID VEVENT for each moved
//! occurrence; times in the meeting's zone, whose VTIMEZONE comes along. A deleted meeting or
//! occurrence is a CANCEL.
use super::facts::{exceptions, join_of, zone_name, Meeting, Place};
use super::vtimezone::vtimezone;
use crate::domain::recurrence::{Frequency, Pattern, PatternEnd};
use crate::domain::windows_zones;
use crate::domain::zone::Zone;
use crate::domain::{Conference, StoredStatus};
use chrono::{DateTime, Datelike, Utc, Weekday};
use icalendar::{CalendarDateTime, Component, Event, EventLike, EventStatus};

/// The years a VTIMEZONE describes around the meeting.
const ZONE_YEARS_AHEAD: i32 = 3;

/// The calendar's UID for conference `id` of installation `installation`: the same for every
/// version of a meeting or series, so calendars update the event they have.
pub fn uid(id: i64, installation: &str) -> String {
    format!("{id}-{installation}@bridgebook")
}

fn weekday_code(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// The RRULE of a pattern whose first occurrence starts at `first` (local), in `zone`.
pub fn rrule(p: &Pattern, zone: &Zone, first_start_local: chrono::NaiveDateTime) -> String {
    let days = |list: &[Weekday]| {
        list.iter()
            .map(|d| weekday_code(*d))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut parts = vec![];
    match p.frequency {
        Frequency::Daily => parts.push("FREQ=DAILY".to_string()),
        Frequency::DailyWeekday => {
            parts.push("FREQ=WEEKLY".to_string());
            parts.push("BYDAY=MO,TU,WE,TH,FR".to_string());
        }
        Frequency::Weekly => {
            parts.push("FREQ=WEEKLY".to_string());
            let list = if p.days_of_week.is_empty() {
                vec![first_start_local.weekday()]
            } else {
                p.days_of_week.clone()
            };
            parts.push(format!("BYDAY={}", days(&list)));
            parts.push(format!("WKST={}", weekday_code(p.first_day_of_week)));
        }
        Frequency::Monthly => {
            parts.push("FREQ=MONTHLY".to_string());
            match p.by_set_position {
                Some(pos) if !p.days_of_week.is_empty() => {
                    parts.push(format!("BYDAY={}", days(&p.days_of_week)));
                    parts.push(format!("BYSETPOS={pos}"));
                }
                _ => parts.push(format!(
                    "BYMONTHDAY={}",
                    p.by_month_day.unwrap_or(first_start_local.day())
                )),
            }
        }
    }
    if p.interval > 1 && p.frequency != Frequency::DailyWeekday {
        parts.push(format!("INTERVAL={}", p.interval));
    }
    match p.end {
        PatternEnd::ByInstances(n) => parts.push(format!("COUNT={n}")),
        PatternEnd::ByDate(d) => {
            // UNTIL is UTC when DTSTART has a zone: the last moment of the local end date.
            let last = d.and_hms_opt(23, 59, 59).unwrap_or(first_start_local);
            parts.push(format!(
                "UNTIL={}",
                zone.to_utc(last).format("%Y%m%dT%H%M%SZ")
            ));
        }
    }
    parts.join(";")
}

struct Writer<'a> {
    m: &'a Meeting,
    tzid: String,
    uid: String,
    now: DateTime<Utc>,
}

impl Writer<'_> {
    fn at(&self, t: DateTime<Utc>) -> CalendarDateTime {
        CalendarDateTime::WithTimezone {
            date_time: self.m.zone.to_local(t),
            tzid: self.tzid.clone(),
        }
    }

    /// A VEVENT with what every event of the meeting says.
    fn event(&self, c: &Conference) -> Event {
        let mut e = Event::new();
        e.uid(&self.uid)
            .timestamp(self.now)
            .sequence(c.version.max(0) as u32)
            .summary(&c.title)
            .starts(self.at(c.start))
            .ends(self.at(c.end));
        let rooms = self.m.rooms.join(", ");
        let location = match (&c.settings.location, rooms.is_empty()) {
            (Some(l), true) if !l.is_empty() => l.clone(),
            _ => rooms,
        };
        if !location.is_empty() {
            e.location(&location);
        }
        let join = join_of(c).or_else(|| {
            self.m
                .occurrences
                .iter()
                .filter(|o| o.status == StoredStatus::Booked)
                .find_map(join_of)
        });
        if let Some(j) = join {
            let mut lines = vec![];
            if let Some(v) = &j.video {
                lines.push(format!("Video: {v}"));
            }
            if let Some(n) = &j.number {
                lines.push(format!("Conference number: {n}"));
            }
            if let Some(p) = &j.pin {
                lines.push(format!("PIN: {p}"));
            }
            if let Some(w) = &j.web {
                lines.push(format!("Web: {w}"));
            }
            e.description(&lines.join("\n"));
            if let Some(address) = j.web.as_ref().or(j.sip_uri.as_ref()) {
                e.url(address);
                // RFC 7986: where calendars that know it show a join button.
                e.add_property("CONFERENCE", address);
            }
        }
        if let Some(email) = &c.owner.email {
            e.add_property("ORGANIZER", format!("mailto:{email}"));
        }
        if c.status == StoredStatus::Deleted {
            e.status(EventStatus::Cancelled);
        } else {
            e.status(EventStatus::Confirmed);
        }
        e
    }
}

/// The calendar object of `m`: REQUEST, or CANCEL when it is deleted.
pub fn invitation(m: &Meeting, installation: &str, now: DateTime<Utc>) -> String {
    let c = &m.conference;
    let tzid = zone_name(&m.zone);
    let w = Writer {
        m,
        tzid: tzid.clone(),
        uid: uid(m.calendar_id, installation),
        now,
    };
    let cancelled = c.status == StoredStatus::Deleted;
    let mut cal = icalendar::Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//bridgebook//booking//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", if cancelled { "CANCEL" } else { "REQUEST" }),
    ] {
        cal.append_property(icalendar::Property::new(key, value));
    }
    let mut first = w.event(c);
    if let Some(at) = c.series.instance_at {
        // One occurrence of a series.
        first.recurrence_id(w.at(at));
    }
    if let Some(r) = &c.series.recurrence {
        let first_local = m.zone.to_local(r.first_instance);
        let length = c.end - c.start;
        first
            .starts(w.at(r.first_instance))
            .ends(w.at(r.first_instance + length));
        first.add_property("RRULE", rrule(&r.pattern, &m.zone, first_local));
        let mut moved = vec![];
        for place in exceptions(&m.occurrences) {
            match place {
                Place::Deleted(at) => {
                    first.exdate(w.at(at));
                }
                Place::Moved(o) => moved.push(o),
            }
        }
        cal.push(first.done());
        for o in moved {
            let mut e = w.event(o);
            if let Some(at) = o.series.instance_at {
                e.recurrence_id(w.at(at));
            }
            cal.push(e.done());
        }
    } else {
        cal.push(first.done());
    }
    let text = cal.done().to_string();
    // The zone's rules go before the first event (the crate has no VTIMEZONE builder).
    let year = m.zone.to_local(c.start).year();
    let rules = match &m.zone {
        Zone::Rules(r) => Some(r.clone()),
        Zone::Named(tz) => {
            windows_zones::of_iana(tz.name(), year - 1..=year + ZONE_YEARS_AHEAD).map(|z| z.rules)
        }
    };
    match (rules, text.find("BEGIN:VEVENT")) {
        (Some(rules), Some(at)) => {
            let mut out = text[..at].to_string();
            out.push_str(&vtimezone(&tzid, &rules));
            out.push_str(&text[at..]);
            out
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::recurrence::Pattern;
    use crate::mail::facts::sample_conference;
    use chrono::NaiveDate;

    fn oslo() -> Zone {
        Zone::named("Europe/Oslo").unwrap()
    }

    fn meeting(c: Conference) -> Meeting {
        Meeting {
            calendar_id: c.id,
            conference: c,
            occurrences: vec![],
            zone: oslo(),
            rooms: vec!["Oslo Fjord".into()],
        }
    }

    #[test]
    fn recurrence_rules() {
        use Weekday::*;
        let first = NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let p = |frequency, interval, days: &[Weekday], end| Pattern {
            frequency,
            interval,
            days_of_week: days.to_vec(),
            first_day_of_week: Mon,
            by_month_day: None,
            by_set_position: None,
            end,
        };
        let until = PatternEnd::ByDate(NaiveDate::from_ymd_opt(2026, 6, 29).unwrap());
        let mut second_tuesday = p(Frequency::Monthly, 1, &[Tue], PatternEnd::ByInstances(6));
        second_tuesday.by_set_position = Some(2);
        let table = [
            (
                p(
                    Frequency::Weekly,
                    1,
                    &[Mon, Thu],
                    PatternEnd::ByInstances(10),
                ),
                "FREQ=WEEKLY;BYDAY=MO,TH;WKST=MO;COUNT=10",
            ),
            (
                p(Frequency::Weekly, 2, &[], until),
                // The last moment of 29 June in Oslo (summer time) in UTC.
                "FREQ=WEEKLY;BYDAY=MO;WKST=MO;INTERVAL=2;UNTIL=20260629T215959Z",
            ),
            (
                p(Frequency::Daily, 3, &[], PatternEnd::ByInstances(4)),
                "FREQ=DAILY;INTERVAL=3;COUNT=4",
            ),
            (
                p(Frequency::DailyWeekday, 1, &[], PatternEnd::ByInstances(5)),
                "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=5",
            ),
            (
                p(Frequency::Monthly, 1, &[], PatternEnd::ByInstances(3)),
                "FREQ=MONTHLY;BYMONTHDAY=2;COUNT=3",
            ),
            (second_tuesday, "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=6"),
        ];
        for (pattern, want) in table {
            assert_eq!(rrule(&pattern, &oslo(), first), want, "{pattern:?}");
        }
    }

    #[test]
    fn a_meeting_is_one_event_in_its_zone() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 2, 1, 12, 0, 0).unwrap();
        let text = invitation(&meeting(sample_conference()), "0a1b2c3d", now);
        for line in [
            "METHOD:REQUEST",
            "UID:7-0a1b2c3d@bridgebook",
            "SEQUENCE:3",
            "DTSTART;TZID=Europe/Oslo:20260302T090000",
            "DTEND;TZID=Europe/Oslo:20260302T100000",
            "DTSTAMP:20260201T120000Z",
            "LOCATION:Oslo Fjord",
            "URL:https://join.example.com/8123",
            "CONFERENCE:https://join.example.com/8123",
            "ORGANIZER:mailto:alice@example.com",
            "STATUS:CONFIRMED",
            "TZID:Europe/Oslo",
        ] {
            assert!(
                text.contains(&format!("{line}\r\n")),
                "{line} missing:\n{text}"
            );
        }
        assert!(text.find("BEGIN:VTIMEZONE") < text.find("BEGIN:VEVENT"));
        let event = &text[text.find("BEGIN:VEVENT").unwrap()..];
        assert!(!event.contains("RRULE"), "a single meeting does not recur");

        let mut deleted = sample_conference();
        deleted.status = StoredStatus::Deleted;
        let text = invitation(&meeting(deleted), "0a1b2c3d", now);
        assert!(text.contains("METHOD:CANCEL\r\n") && text.contains("STATUS:CANCELLED\r\n"));
        // The same UID, so calendars remove the event they have.
        assert!(text.contains("UID:7-0a1b2c3d@bridgebook\r\n"));
    }
}
