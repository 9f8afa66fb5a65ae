//! RecurrencePattern on the wire → the domain's pattern, in the conference's own time zone.
use crate::contract::conference as w;
use crate::contract::enums::{DayOfWeek, RecurrenceEndType, RecurringFrequency};
use crate::domain::recurrence::{Frequency, Pattern, PatternEnd};
use crate::domain::time::parse_utc;
use crate::domain::timezone::{to_local, ZoneRules};
use crate::domain::{Error, ErrorCode};
use chrono::{DateTime, Utc, Weekday};

/// Clients below this version give DaysOfWeek as UTC days (the reference's time-zone
/// versioning); from it on they are days of the conference's own zone.
const LOCAL_DAYS_SINCE: u32 = 11;

/// The pattern of a series whose first occurrence starts at `first_start`, or None for a
/// single meeting (no pattern, or FrequencyType Default: one meeting of a series kept on the
/// client's side).
pub fn pattern_of(
    wire: &w::RecurrencePattern,
    first_start: DateTime<Utc>,
    zone: &ZoneRules,
    client_version: u32,
) -> Result<Option<Pattern>, Error> {
    let unsupported = |m: String| Error::new(ErrorCode::UnsupportedRecurrence, m);
    let frequency = match wire.FrequencyType {
        None | Some(RecurringFrequency::Default) => return Ok(None),
        Some(RecurringFrequency::Daily) => Frequency::Daily,
        Some(RecurringFrequency::DailyWeekday) => Frequency::DailyWeekday,
        Some(RecurringFrequency::Weekly) => Frequency::Weekly,
        Some(RecurringFrequency::Monthly) => Frequency::Monthly,
        Some(other) => {
            return Err(unsupported(format!(
                "FrequencyType {} is not supported.",
                other.as_str()
            )))
        }
    };
    let end = match wire.PatternEndType {
        Some(RecurrenceEndType::EndNever) => {
            return Err(Error::new(
                ErrorCode::NeverEndingRecurrenceNotSupported,
                "A series must end, by a date or after a number of occurrences.",
            ))
        }
        Some(RecurrenceEndType::EndByInstances) => PatternEnd::ByInstances(
            u32::try_from(wire.PatternInstances)
                .map_err(|_| unsupported(format!("{} occurrences.", wire.PatternInstances)))?,
        ),
        // EndByDate is the default end type.
        _ => {
            let end = wire.PatternEndDateUTC.as_deref().ok_or_else(|| {
                unsupported("A pattern that ends by date needs PatternEndDateUTC.".into())
            })?;
            PatternEnd::ByDate(to_local(zone, parse_utc(end)?).date())
        }
    };
    // Local day = UTC day shifted by how far the first occurrence's local date is from its
    // UTC date (-1, 0 or +1).
    let shift = if client_version < LOCAL_DAYS_SINCE {
        (to_local(zone, first_start).date() - first_start.date_naive()).num_days()
    } else {
        0
    };
    let days_of_week = wire
        .DaysOfWeek
        .iter()
        .flat_map(|a| a.DayOfWeek.iter())
        .map(|d| shifted(weekday(*d), shift))
        .collect();
    Ok(Some(Pattern {
        frequency,
        interval: u32::try_from(wire.Interval).unwrap_or(0),
        days_of_week,
        first_day_of_week: wire.FirstDayOfWeek.map_or(Weekday::Sun, weekday),
        by_month_day: wire.ByMonthDay.and_then(|d| u32::try_from(d).ok()),
        by_set_position: Some(wire.BySetPosition).filter(|p| *p != 0),
        end,
    }))
}

fn weekday(d: DayOfWeek) -> Weekday {
    match d {
        DayOfWeek::Sunday => Weekday::Sun,
        DayOfWeek::Monday => Weekday::Mon,
        DayOfWeek::Tuesday => Weekday::Tue,
        DayOfWeek::Wednesday => Weekday::Wed,
        DayOfWeek::Thursday => Weekday::Thu,
        DayOfWeek::Friday => Weekday::Fri,
        DayOfWeek::Saturday => Weekday::Sat,
    }
}

fn shifted(d: Weekday, days: i64) -> Weekday {
    match days {
        1 => d.succ(),
        -1 => d.pred(),
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::windows_zones;
    use chrono::TimeZone;

    fn weekly(days: &[DayOfWeek]) -> w::RecurrencePattern {
        w::RecurrencePattern {
            FrequencyType: Some(RecurringFrequency::Weekly),
            Interval: 1,
            DaysOfWeek: Some(w::ArrayOfDayOfWeek {
                DayOfWeek: days.to_vec(),
            }),
            PatternEndType: Some(RecurrenceEndType::EndByInstances),
            PatternInstances: 4,
            ..Default::default()
        }
    }

    #[test]
    fn days_of_week_follow_the_client_version() {
        // Monday 09:00 in Sydney is Sunday 22:00 or 23:00 UTC: old clients say Sunday.
        let sydney = windows_zones::zone("AUS Eastern Standard Time", 2026..=2027)
            .unwrap()
            .rules;
        let start = Utc.with_ymd_and_hms(2026, 11, 29, 22, 0, 0).unwrap();
        let table = [
            (23, DayOfWeek::Monday, Weekday::Mon),
            (11, DayOfWeek::Monday, Weekday::Mon),
            (10, DayOfWeek::Sunday, Weekday::Mon),
            (9, DayOfWeek::Sunday, Weekday::Mon),
        ];
        for (version, sent, local) in table {
            let p = pattern_of(&weekly(&[sent]), start, &sydney, version)
                .unwrap()
                .unwrap();
            assert_eq!(p.days_of_week, vec![local], "v{version}");
            assert_eq!(p.end, PatternEnd::ByInstances(4));
        }
    }

    #[test]
    fn frequencies_and_ends() {
        let utc = windows_zones::zone("UTC", 2026..=2027).unwrap().rules;
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let with = |f: Option<RecurringFrequency>, e: Option<RecurrenceEndType>| {
            let wire = w::RecurrencePattern {
                FrequencyType: f,
                PatternEndType: e,
                PatternEndDateUTC: Some("2027-01-31 23:00:00Z".into()),
                Interval: 1,
                ..Default::default()
            };
            pattern_of(&wire, start, &utc, 23)
        };
        use RecurrenceEndType::{EndByDate, EndNever};
        use RecurringFrequency::{Daily, Hourly, Minutely, Secondly, Weekly, Yearly};
        assert_eq!(with(None, None).unwrap(), None);
        assert_eq!(with(Some(RecurringFrequency::Default), None).unwrap(), None);
        let daily = with(Some(Daily), Some(EndByDate)).unwrap().unwrap();
        assert_eq!(
            daily.end,
            PatternEnd::ByDate(chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap())
        );
        assert_eq!(
            with(Some(Weekly), None).unwrap().unwrap().end,
            daily.end,
            "EndByDate is the default"
        );
        for f in [Secondly, Minutely, Hourly, Yearly] {
            let e = with(Some(f), Some(EndByDate)).unwrap_err();
            assert_eq!(e.code, ErrorCode::UnsupportedRecurrence, "{f:?}");
        }
        let e = with(Some(Daily), Some(EndNever)).unwrap_err();
        assert_eq!(e.code, ErrorCode::NeverEndingRecurrenceNotSupported);
    }
}
