//! Windows-style time-zone rules, as ConferenceTimeZoneRules carries them: a base offset, and
//! optionally a daylight period between two yearly transitions, each given as "the Nth
//! weekday of a month" or "a fixed day of a month" at a second of the local day. Rules change
//! over the years, so a zone is a list of rules, each valid from a local date.
use super::error::{Error, ErrorCode};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneRules {
    /// The Windows time-zone id ("W. Europe Standard Time").
    pub id: String,
    /// Ordered by `valid_from`.
    pub rules: Vec<ZoneRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneRule {
    /// Local standard time from which this rule applies.
    pub valid_from: NaiveDateTime,
    pub base_offset_minutes: i32,
    pub daylight: Option<Daylight>,
}

/// The daylight period: from `start` (in local standard time) to `end` (in local daylight
/// time), `offset_minutes` ahead of the base offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Daylight {
    pub offset_minutes: i32,
    pub start: TimeChange,
    pub end: TimeChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeChange {
    pub second_of_day: u32,
    pub day: ChangeDay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeDay {
    /// The `week`th (1..4, 5 = last) `weekday` (0 = Sunday) of `month`.
    Relative { month: u32, weekday: u32, week: u32 },
    /// A fixed `day` of `month`.
    Absolute { month: u32, day: u32 },
}

const MAX_OFFSET_MINUTES: i32 = 14 * 60;

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidTimezoneInfo, message)
}

/// Every validity rule of ConferenceTimeZoneRules; the first broken one is reported.
pub fn validate(zone: &ZoneRules) -> Result<(), Error> {
    if zone.id.trim().is_empty() {
        return Err(invalid("The time-zone rules have no Id.".into()));
    }
    if zone.rules.is_empty() {
        return Err(invalid(format!("Time zone '{}' has no rules.", zone.id)));
    }
    for pair in zone.rules.windows(2) {
        if pair[0].valid_from >= pair[1].valid_from {
            return Err(invalid(format!(
                "Time zone '{}' has rules that overlap or are out of order at {}.",
                zone.id, pair[1].valid_from
            )));
        }
    }
    for r in &zone.rules {
        let total = r.base_offset_minutes + r.daylight.as_ref().map_or(0, |d| d.offset_minutes);
        for offset in [r.base_offset_minutes, total] {
            if offset.abs() > MAX_OFFSET_MINUTES {
                return Err(invalid(format!(
                    "Offset {offset} minutes of time zone '{}' is beyond ±14 hours.",
                    zone.id
                )));
            }
        }
        if let Some(d) = &r.daylight {
            for change in [&d.start, &d.end] {
                validate_change(change).map_err(|m| invalid(format!("{}: {m}", zone.id)))?;
            }
        }
    }
    Ok(())
}

fn validate_change(c: &TimeChange) -> Result<(), String> {
    if c.second_of_day > 86_399 {
        return Err(format!(
            "ChangeSecondAtDay {} is not within a day.",
            c.second_of_day
        ));
    }
    let month = match c.day {
        ChangeDay::Relative {
            month,
            weekday,
            week,
        } => {
            if weekday > 6 {
                return Err(format!("DayOfTheWeek {weekday} is not 0..6."));
            }
            if !(1..=5).contains(&week) {
                return Err(format!("WeekOfTheMonthIndex {week} is not 1..5."));
            }
            month
        }
        ChangeDay::Absolute { month, day } => {
            if !(1..=31).contains(&day) {
                return Err(format!("DayOfMonth {day} is not 1..31."));
            }
            month
        }
    };
    if !(1..=12).contains(&month) {
        return Err(format!("Month {month} is not 1..12."));
    }
    Ok(())
}

/// The local wall-clock moment of `change` in `year`.
pub fn transition(change: &TimeChange, year: i32) -> NaiveDateTime {
    let date = match change.day {
        ChangeDay::Absolute { month, day } => {
            // A 31st in a 30-day month falls on the month's last day.
            (0..4)
                .find_map(|back| NaiveDate::from_ymd_opt(year, month, day.saturating_sub(back)))
                .expect("validated day")
        }
        ChangeDay::Relative {
            month,
            weekday,
            week,
        } => {
            let weekday = Weekday::try_from(((weekday + 6) % 7) as u8).expect("validated weekday");
            NaiveDate::from_weekday_of_month_opt(year, month, weekday, week as u8)
                .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, weekday, 4))
                .expect("every month has four of each weekday")
        }
    };
    date.and_hms_opt(0, 0, 0).unwrap() + Duration::seconds(change.second_of_day as i64)
}

fn rule_at(zone: &ZoneRules, local: NaiveDateTime) -> &ZoneRule {
    zone.rules
        .iter()
        .rev()
        .find(|r| r.valid_from <= local)
        .unwrap_or(&zone.rules[0])
}

/// Offset from UTC, in minutes, of a local wall-clock time. In the hour skipped when
/// daylight time starts, the standard offset applies; in the hour repeated when it ends,
/// the daylight one (the first of the two moments).
pub fn offset_of_local(zone: &ZoneRules, local: NaiveDateTime) -> i32 {
    let r = rule_at(zone, local);
    let Some(d) = &r.daylight else {
        return r.base_offset_minutes;
    };
    // Daylight wall-clock time begins where the skipped hour ends.
    let start = transition(&d.start, local.year()) + Duration::minutes(d.offset_minutes as i64);
    let end = transition(&d.end, local.year());
    let in_daylight = if start < end {
        local >= start && local < end
    } else {
        // Southern hemisphere: daylight spans the turn of the year.
        local >= start || local < end
    };
    r.base_offset_minutes + if in_daylight { d.offset_minutes } else { 0 }
}

/// The UTC instant of a local wall-clock time.
pub fn to_utc(zone: &ZoneRules, local: NaiveDateTime) -> DateTime<Utc> {
    let offset = offset_of_local(zone, local);
    Utc.from_utc_datetime(&(local - Duration::minutes(offset as i64)))
}

/// The local wall-clock time of a UTC instant.
pub fn to_local(zone: &ZoneRules, at: DateTime<Utc>) -> NaiveDateTime {
    let utc = at.naive_utc();
    let standard = utc + Duration::minutes(rule_at(zone, utc).base_offset_minutes as i64);
    let r = rule_at(zone, standard);
    let Some(d) = &r.daylight else {
        return utc + Duration::minutes(r.base_offset_minutes as i64);
    };
    let base = Duration::minutes(r.base_offset_minutes as i64);
    let summer = base + Duration::minutes(d.offset_minutes as i64);
    // Transitions as UTC instants: the start is given in standard time, the end in daylight.
    let start = transition(&d.start, standard.year()) - base;
    let end = transition(&d.end, standard.year()) - summer;
    let in_daylight = if start < end {
        utc >= start && utc < end
    } else {
        utc >= start || utc < end
    };
    utc + if in_daylight { summer } else { base }
}

/// "The `week`th `weekday` of `month` at `hour`:00", for tables of rules in tests.
#[cfg(test)]
pub(crate) fn relative(month: u32, weekday: u32, week: u32, hour: u32) -> TimeChange {
    TimeChange {
        second_of_day: hour * 3600,
        day: ChangeDay::Relative {
            month,
            weekday,
            week,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(id: &str, base: i32, daylight: Option<(TimeChange, TimeChange)>) -> ZoneRules {
        ZoneRules {
            id: id.into(),
            rules: vec![ZoneRule {
                valid_from: NaiveDate::from_ymd_opt(1, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
                base_offset_minutes: base,
                daylight: daylight.map(|(start, end)| Daylight {
                    offset_minutes: 60,
                    start,
                    end,
                }),
            }],
        }
    }

    fn europe() -> ZoneRules {
        zone(
            "W. Europe Standard Time",
            60,
            Some((relative(3, 0, 5, 2), relative(10, 0, 5, 3))),
        )
    }

    fn chicago() -> ZoneRules {
        zone(
            "Central Standard Time",
            -360,
            Some((relative(3, 0, 2, 2), relative(11, 0, 1, 2))),
        )
    }

    fn sydney() -> ZoneRules {
        zone(
            "AUS Eastern Standard Time",
            600,
            Some((relative(10, 0, 1, 2), relative(4, 0, 1, 3))),
        )
    }

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        Utc.from_utc_datetime(&local(s))
    }

    #[test]
    fn transitions_computed_by_hand() {
        let table = [
            // Europe 2026: last Sunday of March and of October.
            (relative(3, 0, 5, 2), 2026, "2026-03-29 02:00"),
            (relative(10, 0, 5, 3), 2026, "2026-10-25 03:00"),
            // Chicago 2026: second Sunday of March, first Sunday of November.
            (relative(3, 0, 2, 2), 2026, "2026-03-08 02:00"),
            (relative(11, 0, 1, 2), 2026, "2026-11-01 02:00"),
            // Last Tuesday of a month with five Tuesdays, and of one with four.
            (relative(9, 2, 5, 0), 2026, "2026-09-29 00:00"),
            (relative(2, 2, 5, 0), 2026, "2026-02-24 00:00"),
            // A 31st in a 30-day month.
            (
                TimeChange {
                    second_of_day: 3600,
                    day: ChangeDay::Absolute { month: 4, day: 31 },
                },
                2026,
                "2026-04-30 01:00",
            ),
        ];
        for (change, year, expected) in table {
            assert_eq!(transition(&change, year), local(expected), "{change:?}");
        }
    }

    #[test]
    fn local_times_across_daylight_changes() {
        let india = zone("India Standard Time", 330, None);
        let table = [
            (europe(), "2026-03-27 09:00", "2026-03-27 08:00"),
            (europe(), "2026-03-30 09:00", "2026-03-30 07:00"),
            (europe(), "2026-10-24 09:00", "2026-10-24 07:00"),
            (europe(), "2026-10-26 09:00", "2026-10-26 08:00"),
            (chicago(), "2026-03-06 09:00", "2026-03-06 15:00"),
            (chicago(), "2026-03-09 09:00", "2026-03-09 14:00"),
            (chicago(), "2026-11-02 09:00", "2026-11-02 15:00"),
            (sydney(), "2026-01-15 09:00", "2026-01-14 22:00"),
            (sydney(), "2026-06-15 09:00", "2026-06-14 23:00"),
            (sydney(), "2026-10-05 09:00", "2026-10-04 22:00"),
            (india, "2026-07-01 09:00", "2026-07-01 03:30"),
        ];
        for (z, wall, instant) in table {
            assert_eq!(to_utc(&z, local(wall)), utc(instant), "{} {wall}", z.id);
            assert_eq!(
                to_local(&z, utc(instant)),
                local(wall),
                "{} {instant}",
                z.id
            );
        }
    }

    #[test]
    fn the_edges_of_daylight_time() {
        let z = europe();
        // 02:30 on the spring-forward day does not exist; standard time is assumed.
        assert_eq!(
            to_utc(&z, local("2026-03-29 02:30")),
            utc("2026-03-29 01:30")
        );
        assert_eq!(
            to_local(&z, utc("2026-03-29 00:59")),
            local("2026-03-29 01:59")
        );
        assert_eq!(
            to_local(&z, utc("2026-03-29 01:00")),
            local("2026-03-29 03:00")
        );
        // 02:30 on the fall-back day happens twice; the first (daylight) one is meant.
        assert_eq!(
            to_utc(&z, local("2026-10-25 02:30")),
            utc("2026-10-25 00:30")
        );
        assert_eq!(
            to_local(&z, utc("2026-10-25 00:59")),
            local("2026-10-25 02:59")
        );
        assert_eq!(
            to_local(&z, utc("2026-10-25 01:00")),
            local("2026-10-25 02:00")
        );
    }

    #[test]
    fn rules_change_over_the_years() {
        let mut z = chicago();
        // Before 2007 the United States changed on the first Sunday of April and the last
        // Sunday of October.
        z.rules.insert(
            0,
            ZoneRule {
                daylight: Some(Daylight {
                    offset_minutes: 60,
                    start: relative(4, 0, 1, 2),
                    end: relative(10, 0, 5, 2),
                }),
                ..z.rules[0].clone()
            },
        );
        z.rules[1].valid_from = local("2007-01-01 00:00");
        assert_eq!(
            to_utc(&z, local("2006-03-20 09:00")),
            utc("2006-03-20 15:00")
        );
        assert_eq!(
            to_utc(&z, local("2007-03-20 09:00")),
            utc("2007-03-20 14:00")
        );
        assert_eq!(
            to_local(&z, utc("2006-03-20 15:00")),
            local("2006-03-20 09:00")
        );
    }

    #[test]
    fn validity_rules() {
        let broken = |f: &dyn Fn(&mut ZoneRules)| {
            let mut z = europe();
            f(&mut z);
            validate(&z).err().map(|e| e.code)
        };
        let table: Vec<(&str, Option<ErrorCode>)> = vec![
            ("valid", broken(&|_| {})),
            ("no id", broken(&|z| z.id.clear())),
            ("no rules", broken(&|z| z.rules.clear())),
            (
                "offset",
                broken(&|z| z.rules[0].base_offset_minutes = 15 * 60),
            ),
            (
                "offset with daylight",
                broken(&|z| z.rules[0].base_offset_minutes = 14 * 60),
            ),
            (
                "second of day",
                broken(&|z| z.rules[0].daylight.as_mut().unwrap().start.second_of_day = 86_400),
            ),
            (
                "month",
                broken(&|z| z.rules[0].daylight.as_mut().unwrap().end = relative(13, 0, 1, 2)),
            ),
            (
                "weekday",
                broken(&|z| z.rules[0].daylight.as_mut().unwrap().end = relative(10, 7, 1, 2)),
            ),
            (
                "week",
                broken(&|z| z.rules[0].daylight.as_mut().unwrap().end = relative(10, 0, 6, 2)),
            ),
            (
                "day of month",
                broken(&|z| {
                    z.rules[0].daylight.as_mut().unwrap().end = TimeChange {
                        second_of_day: 0,
                        day: ChangeDay::Absolute { month: 10, day: 32 },
                    }
                }),
            ),
            (
                "overlapping rules",
                broken(&|z| z.rules.push(z.rules[0].clone())),
            ),
        ];
        for (what, got) in table {
            let expected = (what != "valid").then_some(ErrorCode::InvalidTimezoneInfo);
            assert_eq!(got, expected, "{what}");
        }
    }
}
