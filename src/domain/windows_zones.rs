//! Windows time-zone ids ("W. Europe Standard Time"), as Exchange-side clients name zones,
//! turned into the rules ConferenceTimeZoneRules carries. The id maps to an IANA zone through
//! the CLDR Windows-to-IANA table; the rules are read off the IANA database year by year and
//! expressed the Windows way ("last Sunday of March at 02:00"), one rule per run of years
//! that share them.
use super::error::{Error, ErrorCode};
use super::timezone::{ChangeDay, Daylight, TimeChange, ZoneRule, ZoneRules};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::{OffsetComponents, Tz};
use std::ops::RangeInclusive;
use std::str::FromStr;
use windows_timezones::WindowsTimezone;

/// A zone by its Windows id, with the display name Windows gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowsZone {
    pub display_name: String,
    pub rules: ZoneRules,
}

/// The rules of Windows zone `id` for the years `years`.
pub fn zone(id: &str, years: RangeInclusive<i32>) -> Result<WindowsZone, Error> {
    let windows = WindowsTimezone::from_str(id.trim()).map_err(|_| {
        Error::new(
            ErrorCode::InvalidTimezoneInfo,
            format!("'{id}' is not a time zone this server knows."),
        )
    })?;
    Ok(rules_of(windows.into(), windows, years))
}

/// The rules of IANA zone `name` ("Europe/Oslo") for the years `years`, under the Windows
/// id and display name CLDR maps it to (clients compare those), or its own name where CLDR
/// has none.
pub fn of_iana(name: &str, years: RangeInclusive<i32>) -> Option<WindowsZone> {
    let tz = Tz::from_str(name.trim()).ok()?;
    match WindowsTimezone::try_from(tz) {
        Ok(windows) => Some(rules_of(tz, windows, years)),
        Err(_) => {
            let mut z = rules_of(tz, WindowsTimezone::Utc, years);
            z.display_name = tz.name().to_string();
            z.rules.id = tz.name().to_string();
            Some(z)
        }
    }
}

fn rules_of(tz: Tz, windows: WindowsTimezone, years: RangeInclusive<i32>) -> WindowsZone {
    let mut rules: Vec<ZoneRule> = Vec::new();
    for year in years {
        let rule = year_rule(tz, year);
        if rules.last().is_some_and(|last| same_rule(last, &rule)) {
            continue;
        }
        rules.push(rule);
    }
    WindowsZone {
        display_name: windows.description().to_string(),
        rules: ZoneRules {
            id: windows.name().to_string(),
            rules,
        },
    }
}

fn same_rule(a: &ZoneRule, b: &ZoneRule) -> bool {
    a.base_offset_minutes == b.base_offset_minutes && a.daylight == b.daylight
}

fn offsets(tz: Tz, at: NaiveDateTime) -> (i32, i32) {
    let o = tz.offset_from_utc_datetime(&at);
    (
        o.base_utc_offset().num_minutes() as i32,
        o.dst_offset().num_minutes() as i32,
    )
}

/// The rule in force during `year`: the base offset at its end, and the daylight period if
/// the year has exactly one start and one end of daylight time.
fn year_rule(tz: Tz, year: i32) -> ZoneRule {
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap();
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap();
    let (base, _) = offsets(tz, midnight(next) - Duration::seconds(1));
    let changes = transitions(tz, midnight(jan1), midnight(next));
    let starts: Vec<_> = changes.iter().filter(|c| c.dst_after > 0).collect();
    let ends: Vec<_> = changes.iter().filter(|c| c.dst_after == 0).collect();
    let daylight = match (starts.as_slice(), ends.as_slice()) {
        ([start], [end]) => Some(Daylight {
            offset_minutes: start.dst_after,
            start: change_of(start.at + Duration::minutes(start.base as i64)),
            end: change_of(end.at + Duration::minutes((end.base + start.dst_after) as i64)),
        }),
        _ => None,
    };
    ZoneRule {
        valid_from: midnight(jan1),
        base_offset_minutes: base,
        daylight,
    }
}

/// A named zone as TMSSystem and User describe it: its Windows display name, its base UTC
/// offset, and this year's daylight period as UTC instants, when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneSummary {
    pub display_name: String,
    pub base_offset_minutes: i32,
    pub daylight: Option<(NaiveDateTime, NaiveDateTime)>,
}

/// The summary of IANA zone `name` for `year`.
pub fn summary(name: &str, year: i32) -> Option<ZoneSummary> {
    let tz = Tz::from_str(name.trim()).ok()?;
    let display_name = WindowsTimezone::try_from(tz)
        .map(|w| w.description().to_string())
        .unwrap_or_else(|_| tz.name().to_string());
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?;
    let next = NaiveDate::from_ymd_opt(year + 1, 1, 1)?.and_hms_opt(0, 0, 0)?;
    let rule = year_rule(tz, year);
    let changes = transitions(tz, jan1, next);
    let start = changes.iter().find(|c| c.dst_after > 0).map(|c| c.at);
    let end = changes.iter().find(|c| c.dst_after == 0).map(|c| c.at);
    Some(ZoneSummary {
        display_name,
        base_offset_minutes: rule.base_offset_minutes,
        daylight: start.zip(end),
    })
}

struct Transition {
    /// The UTC instant of the change.
    at: NaiveDateTime,
    /// Base offset in force at the change.
    base: i32,
    dst_after: i32,
}

/// Changes of the daylight offset in [from, to), to the minute: a day-by-day scan, then a
/// binary search inside the day that changed.
fn transitions(tz: Tz, from: NaiveDateTime, to: NaiveDateTime) -> Vec<Transition> {
    let mut out = Vec::new();
    let mut day = from;
    while day < to {
        let next = (day + Duration::days(1)).min(to);
        let (_, before) = offsets(tz, day);
        let (_, after) = offsets(tz, next);
        if before != after {
            // Minutes after `day`: the last with the old offset, the first with the new.
            let (mut lo, mut hi) = (0i64, (next - day).num_minutes());
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if offsets(tz, day + Duration::minutes(mid)).1 == before {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let at = day + Duration::minutes(hi);
            let (base, dst_after) = offsets(tz, at);
            out.push(Transition {
                at,
                base,
                dst_after,
            });
        }
        day = next;
    }
    out
}

/// A local wall-clock moment as "the Nth (or last) weekday of the month at this second".
fn change_of(local: NaiveDateTime) -> TimeChange {
    let date = local.date();
    let last = date + Duration::days(7) > month_end(date);
    TimeChange {
        second_of_day: local.num_seconds_from_midnight(),
        day: ChangeDay::Relative {
            month: date.month(),
            weekday: date.weekday().num_days_from_sunday(),
            week: if last { 5 } else { (date.day() - 1) / 7 + 1 },
        },
    }
}

fn month_end(d: NaiveDate) -> NaiveDate {
    let first_next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    first_next.unwrap() - Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::timezone::{relative as rel, to_local, to_utc, validate};
    use chrono::{DateTime, Offset, Utc};
    use std::str::FromStr;

    /// Every Windows id the CLDR table maps.
    fn known_ids() -> impl Iterator<Item = &'static str> {
        use strum::IntoEnumIterator;
        WindowsTimezone::iter().map(WindowsTimezone::name)
    }

    /// The UTC offset, in minutes, at `at` in the IANA zone behind Windows zone `id`.
    fn iana_offset(id: &str, at: DateTime<Utc>) -> Option<i32> {
        let tz: Tz = WindowsTimezone::from_str(id).ok()?.into();
        Some(
            tz.offset_from_utc_datetime(&at.naive_utc())
                .fix()
                .local_minus_utc()
                / 60,
        )
    }

    #[test]
    fn well_known_zones() {
        let europe = zone("W. Europe Standard Time", 2020..=2030).unwrap();
        assert_eq!(europe.rules.rules.len(), 1, "{:?}", europe.rules.rules);
        let r = &europe.rules.rules[0];
        assert_eq!(r.base_offset_minutes, 60);
        let d = r.daylight.as_ref().unwrap();
        assert_eq!(
            (d.offset_minutes, d.start, d.end),
            (60, rel(3, 0, 5, 2), rel(10, 0, 5, 3))
        );
        assert!(
            europe.display_name.contains("Amsterdam"),
            "{}",
            europe.display_name
        );

        // Chicago: the 2007 change of the US rules gives a second rule.
        let chicago = zone("Central Standard Time", 2005..=2010).unwrap();
        let rules = &chicago.rules.rules;
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1].valid_from.year(), 2007);
        let d = rules[1].daylight.as_ref().unwrap();
        assert_eq!((d.start, d.end), (rel(3, 0, 2, 2), rel(11, 0, 1, 2)));

        let sydney = zone("AUS Eastern Standard Time", 2020..=2030).unwrap();
        let d = sydney.rules.rules[0].daylight.as_ref().unwrap();
        assert_eq!((d.start, d.end), (rel(10, 0, 1, 2), rel(4, 0, 1, 3)));

        let india = zone("India Standard Time", 2020..=2030).unwrap();
        assert_eq!(india.rules.rules.len(), 1);
        assert_eq!(india.rules.rules[0].base_offset_minutes, 330);
        assert_eq!(india.rules.rules[0].daylight, None);

        let e = zone("Atlantis Standard Time", 2020..=2030).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidTimezoneInfo);
    }

    /// For every Windows id: the derived rules are valid and, hour by hour through two years,
    /// give the IANA database's offset, except in zones whose years cannot be written as one
    /// Windows rule (several daylight periods in a year), which are counted, not hidden.
    #[test]
    fn every_windows_id_agrees_with_the_iana_database() {
        let mut ids = 0;
        let mut irregular = Vec::new();
        for id in known_ids() {
            ids += 1;
            let z = zone(id, 2025..=2026).unwrap();
            validate(&z.rules).unwrap_or_else(|e| panic!("{id}: {}", e.message));
            let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 30, 0).unwrap();
            let disagrees = |at: &DateTime<Utc>| {
                let local = to_local(&z.rules, *at);
                let offset = (local - at.naive_utc()).num_minutes() as i32;
                // A wall-clock time of the repeated hour names two instants; the first is meant.
                let back = to_utc(&z.rules, local);
                offset != iana_offset(id, *at).unwrap()
                    || (back != *at && to_local(&z.rules, back) != local)
            };
            let mismatches = (0..2 * 365 * 24)
                .map(|h| start + Duration::hours(h))
                .filter(disagrees)
                .count();
            if mismatches > 0 {
                irregular.push((id, mismatches));
            }
        }
        assert!(ids > 130, "{ids} ids");
        // Zones whose daylight rules no single yearly pair describes (Morocco suspends DST
        // for Ramadan) may disagree; every other zone must agree exactly.
        let allowed = ["Morocco Standard Time"];
        let unexpected: Vec<_> = irregular
            .iter()
            .filter(|(id, _)| !allowed.contains(id))
            .collect();
        assert!(unexpected.is_empty(), "{unexpected:?}");
    }

    #[test]
    fn a_zone_summarised_for_a_year() {
        let oslo = summary("Europe/Oslo", 2026).unwrap();
        assert!(
            oslo.display_name.contains("Amsterdam"),
            "{}",
            oslo.display_name
        );
        assert_eq!(oslo.base_offset_minutes, 60);
        let (start, end) = oslo.daylight.unwrap();
        assert_eq!(start.to_string(), "2026-03-29 01:00:00");
        assert_eq!(end.to_string(), "2026-10-25 01:00:00");
        let tokyo = summary("Asia/Tokyo", 2026).unwrap();
        assert_eq!((tokyo.base_offset_minutes, tokyo.daylight), (540, None));
        assert!(summary("Nowhere/Else", 2026).is_none());
    }
}
