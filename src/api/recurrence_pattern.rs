//! RecurrencePattern on the wire ⇄ the domain's series, both ways.
use super::convert::request_of;
use crate::contract::conference as w;
use crate::contract::enums::{
    DayOfWeek, ExceptionIdRange, ExceptionType, RecurrenceEndType, RecurringFrequency,
};
use crate::domain::recurrence::{Frequency, Pattern, PatternEnd};
use crate::domain::series::{
    given_days, DaysOf, ExceptionChange, ExceptionRequest, RecurrenceRequest, StoredRecurrence,
};
use crate::domain::time::{format_utc, parse_utc};
use crate::domain::zone::Zone;
use crate::domain::{Error, ErrorCode};
use chrono::Weekday;

/// The series a RecurrencePattern describes, or None for a single meeting (no pattern, or
/// FrequencyType Default: one meeting of a series kept on the client's side).
pub fn recurrence_of(
    wire: &w::RecurrencePattern,
    client_version: u32,
) -> Result<Option<RecurrenceRequest>, Error> {
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
    let (end, end_utc) = match wire.PatternEndType {
        Some(RecurrenceEndType::EndNever) => {
            return Err(Error::new(
                ErrorCode::NeverEndingRecurrenceNotSupported,
                "A series must end, by a date or after a number of occurrences.",
            ))
        }
        Some(RecurrenceEndType::EndByInstances) => (
            PatternEnd::ByInstances(
                u32::try_from(wire.PatternInstances)
                    .map_err(|_| unsupported(format!("{} occurrences.", wire.PatternInstances)))?,
            ),
            None,
        ),
        // EndByDate is the default end type.
        _ => {
            let end = wire.PatternEndDateUTC.as_deref().ok_or_else(|| {
                unsupported("A pattern that ends by date needs PatternEndDateUTC.".into())
            })?;
            let end = parse_utc(end)?;
            (PatternEnd::ByDate(end.date_naive()), Some(end))
        }
    };
    // An Interval left out (0) means every day, week or month, as in the reference's
    // examples.
    let interval = match wire.Interval {
        0 => 1,
        n => u32::try_from(n).map_err(|_| unsupported(format!("Interval {n}.")))?,
    };
    let exceptions = wire
        .Exceptions
        .iter()
        .flat_map(|a| a.RecurrenceException.iter())
        .map(|e| exception_of(e, client_version))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(RecurrenceRequest {
        pattern: Pattern {
            frequency,
            interval,
            days_of_week: wire
                .DaysOfWeek
                .iter()
                .flat_map(|a| a.DayOfWeek.iter())
                .map(|d| weekday(*d))
                .collect(),
            first_day_of_week: wire.FirstDayOfWeek.map_or(Weekday::Sun, weekday),
            by_month_day: wire.ByMonthDay.and_then(|d| u32::try_from(d).ok()),
            by_set_position: Some(wire.BySetPosition).filter(|p| *p != 0),
            end,
        },
        end_utc,
        days_of: DaysOf::of_client(client_version),
        exceptions,
    }))
}

fn exception_of(
    e: &w::RecurrenceException,
    client_version: u32,
) -> Result<ExceptionRequest, Error> {
    let instance = parse_utc(e.RecurrenceIdUTC.as_deref().unwrap_or("").trim()).map_err(|_| {
        Error::new(
            ErrorCode::InstanceNotFoundWithinPattern,
            "An exception needs RecurrenceIdUTC, a UTC date-time ending with Z.",
        )
    })?;
    let change = match e.ExceptionType {
        Some(ExceptionType::Delete) => ExceptionChange::Delete,
        Some(ExceptionType::Modify) | None => {
            ExceptionChange::Modify(Box::new(match &e.ModifiedData {
                Some(c) => request_of(c, client_version)?,
                None => Default::default(),
            }))
        }
        Some(ExceptionType::Add) => {
            return Err(Error::new(
                ErrorCode::UnsupportedRecurrence,
                "Occurrences cannot be added to a pattern; book a single meeting instead.",
            ))
        }
    };
    Ok(ExceptionRequest { instance, change })
}

/// A stored series' pattern as the client of `client_version` reads it. `exceptions` are
/// added by the caller.
pub fn wire_pattern(
    r: &StoredRecurrence,
    zone: &Zone,
    server: &Zone,
    client_version: u32,
) -> w::RecurrencePattern {
    let p = &r.pattern;
    let days = given_days(
        &p.days_of_week,
        zone,
        server,
        DaysOf::of_client(client_version),
        r.first_instance,
    );
    let (end_type, instances, end_date) = match p.end {
        PatternEnd::ByInstances(n) => (RecurrenceEndType::EndByInstances, n as i32, None),
        PatternEnd::ByDate(d) => (
            RecurrenceEndType::EndByDate,
            0,
            Some(
                r.end_utc
                    .map(format_utc)
                    .unwrap_or_else(|| format!("{d} 00:00:00Z")),
            ),
        ),
    };
    w::RecurrencePattern {
        FrequencyType: Some(match p.frequency {
            Frequency::Daily => RecurringFrequency::Daily,
            Frequency::DailyWeekday => RecurringFrequency::DailyWeekday,
            Frequency::Weekly => RecurringFrequency::Weekly,
            Frequency::Monthly => RecurringFrequency::Monthly,
        }),
        Interval: p.interval as i32,
        DaysOfWeek: (!days.is_empty()).then(|| w::ArrayOfDayOfWeek {
            DayOfWeek: days.into_iter().map(day_of_week).collect(),
        }),
        FirstDayOfWeek: Some(day_of_week(p.first_day_of_week)),
        BySetPosition: p.by_set_position.unwrap_or(0),
        ByMonthDay: p.by_month_day.map(|d| d as i32),
        PatternEndType: Some(end_type),
        PatternEndDateUTC: end_date,
        FirstOccurrenceRecInstanceIdUTC: Some(format_utc(r.first_instance)),
        PatternInstances: instances,
        Exceptions: None,
    }
}

/// An exception as GetRecurrentConferenceById lists it.
pub fn wire_exception(
    instance: chrono::DateTime<chrono::Utc>,
    modified: Option<w::Conference>,
) -> w::RecurrenceException {
    w::RecurrenceException {
        ExceptionType: Some(if modified.is_some() {
            ExceptionType::Modify
        } else {
            ExceptionType::Delete
        }),
        RecurrenceIdUTC: Some(format_utc(instance)),
        RecurrenceIdRange: Some(ExceptionIdRange::None),
        ModifiedMask: 0,
        ModifiedData: modified.map(Box::new),
    }
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

fn day_of_week(d: Weekday) -> DayOfWeek {
    match d {
        Weekday::Sun => DayOfWeek::Sunday,
        Weekday::Mon => DayOfWeek::Monday,
        Weekday::Tue => DayOfWeek::Tuesday,
        Weekday::Wed => DayOfWeek::Wednesday,
        Weekday::Thu => DayOfWeek::Thursday,
        Weekday::Fri => DayOfWeek::Friday,
        Weekday::Sat => DayOfWeek::Saturday,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::windows_zones;
    use chrono::{DateTime, TimeZone, Utc};

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

    fn local(
        wire: &w::RecurrencePattern,
        version: u32,
        zone: &Zone,
        start: DateTime<Utc>,
    ) -> Result<Option<Pattern>, Error> {
        Ok(recurrence_of(wire, version)?.map(|r| r.localised(zone, zone, start)))
    }

    #[test]
    fn days_of_week_follow_the_client_version() {
        // Monday 09:00 in Sydney is Sunday 22:00 or 23:00 UTC.
        let sydney = Zone::Rules(
            windows_zones::zone("AUS Eastern Standard Time", 2026..=2027)
                .unwrap()
                .rules,
        );
        let start = Utc.with_ymd_and_hms(2026, 11, 29, 22, 0, 0).unwrap();
        // From version 8 on DaysOfWeek are UTC days; below, days of the server's zone
        // (Sydney here).
        let table = [
            (23, DayOfWeek::Sunday, Weekday::Mon),
            (11, DayOfWeek::Sunday, Weekday::Mon),
            (10, DayOfWeek::Sunday, Weekday::Mon),
            (8, DayOfWeek::Sunday, Weekday::Mon),
            (7, DayOfWeek::Monday, Weekday::Mon),
        ];
        for (version, sent, want) in table {
            let p = local(&weekly(&[sent]), version, &sydney, start)
                .unwrap()
                .unwrap();
            assert_eq!(p.days_of_week, vec![want], "v{version}");
            assert_eq!(p.end, PatternEnd::ByInstances(4));
            let stored = StoredRecurrence {
                pattern: p,
                end_utc: None,
                zone: None,
                first_instance: start,
            };
            let back = wire_pattern(&stored, &sydney, &sydney, version);
            assert_eq!(
                back.DaysOfWeek.unwrap().DayOfWeek,
                vec![sent],
                "v{version} read back"
            );
        }
    }

    #[test]
    fn frequencies_and_ends() {
        let utc = Zone::named("UTC").unwrap();
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let with = |f: Option<RecurringFrequency>, e: Option<RecurrenceEndType>| {
            let wire = w::RecurrencePattern {
                FrequencyType: f,
                PatternEndType: e,
                PatternEndDateUTC: Some("2027-01-31 23:00:00Z".into()),
                ..Default::default()
            };
            local(&wire, 23, &utc, start)
        };
        use RecurrenceEndType::{EndByDate, EndNever};
        use RecurringFrequency::{Daily, Hourly, Minutely, Secondly, Weekly, Yearly};
        assert_eq!(with(None, None).unwrap(), None);
        assert_eq!(with(Some(RecurringFrequency::Default), None).unwrap(), None);
        let daily = with(Some(Daily), Some(EndByDate)).unwrap().unwrap();
        assert_eq!(daily.interval, 1, "an Interval left out is 1");
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

    #[test]
    fn exceptions() {
        let mut wire = weekly(&[DayOfWeek::Monday]);
        wire.Exceptions = Some(w::ArrayOfRecurrenceException {
            RecurrenceException: vec![
                w::RecurrenceException {
                    ExceptionType: Some(ExceptionType::Delete),
                    RecurrenceIdUTC: Some("2026-12-07 09:00:00Z".into()),
                    ..Default::default()
                },
                w::RecurrenceException {
                    ExceptionType: Some(ExceptionType::Modify),
                    RecurrenceIdUTC: Some("2026-12-14 09:00:00Z".into()),
                    ModifiedData: Some(Box::new(w::Conference {
                        Title: Some("moved".into()),
                        StartTimeUTC: Some("2026-12-14 13:00:00Z".into()),
                        ..Default::default()
                    })),
                    ..Default::default()
                },
            ],
        });
        let r = recurrence_of(&wire, 23).unwrap().unwrap();
        assert_eq!(r.exceptions.len(), 2);
        assert_eq!(r.exceptions[0].change, ExceptionChange::Delete);
        match &r.exceptions[1].change {
            ExceptionChange::Modify(m) => assert_eq!(m.title.as_deref(), Some("moved")),
            other => panic!("{other:?}"),
        }
        wire.Exceptions.as_mut().unwrap().RecurrenceException[0].ExceptionType =
            Some(ExceptionType::Add);
        assert_eq!(
            recurrence_of(&wire, 23).unwrap_err().code,
            ErrorCode::UnsupportedRecurrence
        );
    }
}
