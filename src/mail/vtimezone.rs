//! The VTIMEZONE of a conference's zone (RFC 5545 3.6.5), written from the same yearly rules
//! ConferenceTimeZoneRules carries, so a calendar reads the meeting's wall-clock times exactly
//! as bridgebook expanded them.
use crate::domain::timezone::{transition, ChangeDay, TimeChange, ZoneRule, ZoneRules};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

/// Calendars older than this year are not worth describing.
const EARLIEST_YEAR: i32 = 1601;

fn offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// The yearly RRULE of a change: "the Nth weekday of a month" or "a day of a month".
fn yearly(change: &TimeChange, until: Option<NaiveDateTime>) -> String {
    const DAYS: [&str; 7] = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
    let mut rule = match change.day {
        ChangeDay::Relative {
            month,
            weekday,
            week,
        } => {
            let n = if week >= 5 { -1 } else { week as i32 };
            format!(
                "FREQ=YEARLY;BYMONTH={month};BYDAY={n}{}",
                DAYS[(weekday % 7) as usize]
            )
        }
        ChangeDay::Absolute { month, day } => {
            format!("FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}")
        }
    };
    if let Some(u) = until {
        rule.push_str(&format!(";UNTIL={}Z", local(u)));
    }
    rule
}

fn component(
    kind: &str,
    start: NaiveDateTime,
    from: i32,
    to: i32,
    rrule: Option<String>,
) -> String {
    let mut out = format!(
        "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n",
        local(start),
        offset(from),
        offset(to)
    );
    if let Some(r) = rrule {
        out.push_str(&format!("RRULE:{r}\r\n"));
    }
    out.push_str(&format!("END:{kind}\r\n"));
    out
}

/// The changes one rule describes, each recurring until the next rule takes over.
fn rule_components(rule: &ZoneRule, next: Option<&ZoneRule>, previous_offset: i32) -> String {
    let year = rule.valid_from.year().max(EARLIEST_YEAR);
    let base = rule.base_offset_minutes;
    let Some(d) = &rule.daylight else {
        let from = NaiveDate::from_ymd_opt(year, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or(rule.valid_from);
        return component(
            "STANDARD",
            from.max(rule.valid_from),
            previous_offset,
            base,
            None,
        );
    };
    let summer = base + d.offset_minutes;
    // UNTIL is UTC: the moment the next rule begins, read in this rule's standard time.
    let until = next.map(|n| n.valid_from - Duration::minutes(base as i64));
    component(
        "DAYLIGHT",
        transition(&d.start, year),
        base,
        summer,
        Some(yearly(&d.start, until)),
    ) + &component(
        "STANDARD",
        transition(&d.end, year),
        summer,
        base,
        Some(yearly(&d.end, until)),
    )
}

/// The VTIMEZONE named `tzid` for `zone`'s rules.
pub fn vtimezone(tzid: &str, zone: &ZoneRules) -> String {
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\n");
    let mut previous = zone.rules.first().map_or(0, |r| r.base_offset_minutes);
    for (i, rule) in zone.rules.iter().enumerate() {
        out.push_str(&rule_components(rule, zone.rules.get(i + 1), previous));
        previous = rule.base_offset_minutes;
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::windows_zones;

    #[test]
    fn oslo_changes_on_the_last_sundays_of_march_and_october() {
        let oslo = windows_zones::of_iana("Europe/Oslo", 2026..=2027).unwrap();
        let text = vtimezone("Europe/Oslo", &oslo.rules);
        assert_eq!(
            text,
            "BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo\r\n\
             BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n\
             RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n\
             BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n\
             RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n\
             END:VTIMEZONE\r\n"
        );
    }

    #[test]
    fn zones_without_daylight_time_have_one_standard_period() {
        let tokyo = windows_zones::of_iana("Asia/Tokyo", 2026..=2027).unwrap();
        let text = vtimezone("Asia/Tokyo", &tokyo.rules);
        assert!(text.contains("BEGIN:STANDARD\r\nDTSTART:20260101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD"), "{text}");
        assert!(!text.contains("DAYLIGHT"));
        assert_eq!(offset(-210), "-0330");
    }
}
