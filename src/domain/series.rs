//! Recurrent series: the pattern a client asks for, expanded into occurrences in the
//! conference's own zone, the exceptions it names applied, and the rules a series must pass.
//! Pure: zone, clock and window are arguments.
use super::conference::ConferenceRequest;
use super::error::{Error, ErrorCode};
use super::recurrence::{occurrence_dates, Pattern, PatternEnd};
use super::zone::Zone;
use chrono::{DateTime, Duration, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// A RecurrencePattern as a client sent it, before the zone is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurrenceRequest {
    /// `end` is a placeholder for EndByDate until [`RecurrenceRequest::localised`].
    pub pattern: Pattern,
    /// EndByDate: PatternEndDateUTC, read as a date of the conference's zone.
    pub end_utc: Option<DateTime<Utc>>,
    /// Whose calendar DaysOfWeek name.
    pub days_of: DaysOf,
    pub exceptions: Vec<ExceptionRequest>,
}

/// One entry of RecurrencePattern.Exceptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionRequest {
    /// RecurrenceIdUTC: the occurrence's start by the pattern, or any time on its UTC day.
    pub instance: DateTime<Utc>,
    pub change: ExceptionChange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExceptionChange {
    Delete,
    Modify(Box<ConferenceRequest>),
}

/// How a series recurs, as stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecurrence {
    /// In the conference's zone: local weekdays, the end as a local date.
    pub pattern: Pattern,
    /// PatternEndDateUTC as the client sent it.
    pub end_utc: Option<DateTime<Utc>>,
    /// The named zone the series was expanded in when it has no rules of its own.
    pub zone: Option<String>,
    /// The first occurrence's start by the pattern (FirstOccurrenceRecInstanceIdUTC).
    pub first_instance: DateTime<Utc>,
}

impl RecurrenceRequest {
    /// The pattern in the zone's own days and dates, for a series whose template starts at
    /// `first_start`.
    pub fn localised(&self, zone: &Zone, server: &Zone, first_start: DateTime<Utc>) -> Pattern {
        let mut p = self.pattern.clone();
        // Local day = the given day shifted by how far the first start's local date is from
        // its date in the calendar the client used (-1, 0 or +1).
        let given = self.days_of.date_of(server, first_start);
        let shift = (zone.to_local(first_start).date() - given).num_days();
        p.days_of_week = p.days_of_week.iter().map(|d| shifted(*d, shift)).collect();
        if let Some(end) = self.end_utc {
            p.end = PatternEnd::ByDate(zone.to_local(end).date());
        }
        p
    }
}

/// Whose calendar a client's DaysOfWeek name (spec, RecurrencePattern: "days of week in UTC
/// equivalent"; Time Zone Versioning: "DayOfWeek values in recurrence patterns must be
/// given in UTC if the API version used is 8 or later"). Below 8 they are days of the
/// server's zone, whose rules TMS then used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaysOf {
    Utc,
    Server,
}

impl DaysOf {
    pub fn of_client(version: u32) -> DaysOf {
        if version >= 8 {
            DaysOf::Utc
        } else {
            DaysOf::Server
        }
    }

    /// The date of `at` in this calendar.
    fn date_of(self, server: &Zone, at: DateTime<Utc>) -> chrono::NaiveDate {
        match self {
            DaysOf::Utc => at.date_naive(),
            DaysOf::Server => server.to_local(at).date(),
        }
    }
}

/// Local weekdays as the days a client names them in its calendar, for a series whose first
/// start is `at` (the inverse of [`RecurrenceRequest::localised`]).
pub fn given_days(
    days: &[Weekday],
    zone: &Zone,
    server: &Zone,
    days_of: DaysOf,
    at: DateTime<Utc>,
) -> Vec<Weekday> {
    let shift = (days_of.date_of(server, at) - zone.to_local(at).date()).num_days();
    days.iter().map(|d| shifted(*d, shift)).collect()
}

fn shifted(d: Weekday, days: i64) -> Weekday {
    match days {
        1 => d.succ(),
        -1 => d.pred(),
        _ => d,
    }
}

/// One occurrence of a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Its start by the pattern (RecurrenceInstanceIdUTC).
    pub instance: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub deleted: bool,
    /// The index of the exception that changed it.
    pub exception: Option<usize>,
}

/// Every occurrence of `pattern` for a series whose first meeting is `first_start` ..
/// `first_start + duration`, each at the same local wall-clock time.
pub fn expand(
    pattern: &Pattern,
    zone: &Zone,
    first_start: DateTime<Utc>,
    duration: Duration,
) -> Result<Vec<Slot>, Error> {
    let first = zone.to_local(first_start);
    let dates = occurrence_dates(pattern, first.date())?;
    Ok(dates
        .into_iter()
        .map(|d| {
            let start = zone.to_utc(d.and_time(first.time()));
            Slot {
                instance: start,
                start,
                end: start + duration,
                deleted: false,
                exception: None,
            }
        })
        .collect())
}

/// The slot an occurrence id names: its exact start by the pattern, else the one on the
/// same UTC day (spec: RecInstanceIdUTC "points to the UTC day of the instance").
pub fn find_slot(instances: &[DateTime<Utc>], at: DateTime<Utc>) -> Option<usize> {
    instances.iter().position(|i| *i == at).or_else(|| {
        instances
            .iter()
            .position(|i| i.date_naive() == at.date_naive())
    })
}

pub fn no_such_occurrence(at: DateTime<Utc>) -> Error {
    Error::new(
        ErrorCode::InstanceNotFoundWithinPattern,
        format!(
            "No such occurrence: the series has none on {}.",
            at.date_naive()
        ),
    )
}

/// What an exception does to its slot's times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Delete,
    /// New start and end where given; the pattern's otherwise.
    Modify {
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    },
}

/// Applies exceptions, in order, to the slots they name.
pub fn apply_exceptions(
    slots: &mut [Slot],
    changes: &[(DateTime<Utc>, Change)],
) -> Result<(), Error> {
    let instances: Vec<DateTime<Utc>> = slots.iter().map(|s| s.instance).collect();
    for (n, (at, change)) in changes.iter().enumerate() {
        let i = find_slot(&instances, *at).ok_or_else(|| no_such_occurrence(*at))?;
        let slot = &mut slots[i];
        slot.exception = Some(n);
        match change {
            Change::Delete => slot.deleted = true,
            Change::Modify { start, end } => {
                let length = slot.end - slot.start;
                slot.start = start.unwrap_or(slot.start);
                slot.end = end.unwrap_or(slot.start + length);
                slot.deleted = false;
            }
        }
    }
    Ok(())
}

fn unsupported(message: String) -> Error {
    Error::new(ErrorCode::UnsupportedRecurrence, message)
}

/// The rules the live occurrences of a series must pass together: each ends after it
/// starts, none is moved to or past the next one, none overlaps the next, and no two share a
/// local day. `slots` are in pattern order.
pub fn check_sequence(slots: &[Slot], zone: &Zone) -> Result<(), Error> {
    let live: Vec<&Slot> = slots.iter().filter(|s| !s.deleted).collect();
    for s in &live {
        if s.start >= s.end {
            return Err(Error::new(
                ErrorCode::StartTimeAfterEndTime,
                format!("The occurrence of {} ends before it starts.", s.instance),
            ));
        }
    }
    for pair in live.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.start >= b.start {
            return Err(unsupported(format!(
                "The occurrence of {} is moved to or past the next one ({}).",
                a.instance, b.start
            )));
        }
        if zone.to_local(a.start).date() == zone.to_local(b.start).date() {
            return Err(unsupported(format!(
                "Two occurrences ({} and {}) fall on one day.",
                a.start, b.start
            )));
        }
        if a.end > b.start {
            return Err(unsupported(format!(
                "The occurrence of {} runs into the next one.",
                a.instance
            )));
        }
    }
    Ok(())
}

/// Every live occurrence must start within the booking window.
pub fn check_window(slots: &[Slot], now: DateTime<Utc>, window_days: i64) -> Result<(), Error> {
    let limit = now + Duration::days(window_days);
    match slots.iter().find(|s| !s.deleted && s.start > limit) {
        Some(s) => Err(Error::new(
            ErrorCode::StartTimeAfterMaxNumberOfDaysInFuture,
            format!(
                "The occurrence on {} starts more than {window_days} days ahead, outside the \
                 booking window.",
                s.start.date_naive()
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::recurrence::Frequency;
    use crate::domain::windows_zones;
    use chrono::{NaiveDate, Timelike};
    use Weekday::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn weekly(days: Vec<Weekday>, n: u32) -> Pattern {
        Pattern {
            frequency: Frequency::Weekly,
            interval: 1,
            days_of_week: days,
            first_day_of_week: Sun,
            by_month_day: None,
            by_set_position: None,
            end: PatternEnd::ByInstances(n),
        }
    }

    /// The zone both as the IANA database says and as Windows-style rules derived from it.
    fn zones(iana: &str, windows: &str) -> [Zone; 2] {
        [
            Zone::named(iana).unwrap(),
            Zone::Rules(windows_zones::zone(windows, 2025..=2028).unwrap().rules),
        ]
    }

    #[test]
    fn weekly_meetings_keep_their_local_time_across_daylight_changes() {
        // (zone, first start in UTC, expected UTC starts), computed by hand from each
        // zone's published changes.
        let table: Vec<([Zone; 2], &str, Vec<&str>)> = vec![
            (
                // 09:00 in Oslo, 2026-03-29 is the spring change (UTC+1 → UTC+2).
                zones("Europe/Oslo", "W. Europe Standard Time"),
                "2026-03-23T08:00:00Z",
                vec![
                    "2026-03-23T08:00:00Z",
                    "2026-03-30T07:00:00Z",
                    "2026-04-06T07:00:00Z",
                ],
            ),
            (
                // 09:00 in Chicago, 2026-11-01 is the autumn change (UTC-5 → UTC-6).
                zones("America/Chicago", "Central Standard Time"),
                "2026-10-26T14:00:00Z",
                vec![
                    "2026-10-26T14:00:00Z",
                    "2026-11-02T15:00:00Z",
                    "2026-11-09T15:00:00Z",
                ],
            ),
            (
                // 09:00 in Sydney, 2026-04-05 daylight time ends (UTC+11 → UTC+10).
                zones("Australia/Sydney", "AUS Eastern Standard Time"),
                "2026-03-29T22:00:00Z",
                vec![
                    "2026-03-29T22:00:00Z",
                    "2026-04-05T23:00:00Z",
                    "2026-04-12T23:00:00Z",
                ],
            ),
            (
                // 09:00 in Kolkata: no daylight time, UTC+5:30 throughout.
                zones("Asia/Kolkata", "India Standard Time"),
                "2026-03-23T03:30:00Z",
                vec![
                    "2026-03-23T03:30:00Z",
                    "2026-03-30T03:30:00Z",
                    "2026-04-06T03:30:00Z",
                ],
            ),
            (
                // 09:00 on Chatham, 2026-04-05 daylight time ends (UTC+13:45 → UTC+12:45).
                zones("Pacific/Chatham", "Chatham Islands Standard Time"),
                "2026-03-29T19:15:00Z",
                vec![
                    "2026-03-29T19:15:00Z",
                    "2026-04-05T20:15:00Z",
                    "2026-04-12T20:15:00Z",
                ],
            ),
        ];
        for (pair, first, want) in table {
            for zone in pair {
                let slots =
                    expand(&weekly(vec![], 3), &zone, utc(first), Duration::hours(1)).unwrap();
                let got: Vec<DateTime<Utc>> = slots.iter().map(|s| s.start).collect();
                let want: Vec<DateTime<Utc>> = want.iter().map(|s| utc(s)).collect();
                assert_eq!(got, want, "{zone:?}");
                assert!(slots.iter().all(|s| s.end - s.start == Duration::hours(1)));
            }
        }
    }

    #[test]
    fn old_clients_name_utc_days() {
        let sydney = Zone::named("Australia/Sydney").unwrap();
        // Monday 09:00 in Sydney is Sunday 22:00 UTC.
        let first = utc("2026-06-14T23:00:00Z");
        let req = RecurrenceRequest {
            pattern: weekly(vec![Sun], 2),
            end_utc: None,
            days_of: DaysOf::Utc,
            exceptions: vec![],
        };
        let p = req.localised(&sydney, &sydney, first);
        assert_eq!(p.days_of_week, vec![Mon]);
        assert_eq!(
            given_days(&p.days_of_week, &sydney, &sydney, DaysOf::Utc, first),
            vec![Sun]
        );
        // Below version 8: days of the server's zone (here Sydney's, Monday).
        let server = RecurrenceRequest {
            pattern: weekly(vec![Mon], 2),
            days_of: DaysOf::Server,
            ..req.clone()
        };
        assert_eq!(
            server.localised(&sydney, &sydney, first).days_of_week,
            vec![Mon]
        );
        let oslo = Zone::named("Europe/Oslo").unwrap();
        // The server in Sydney, the series in Oslo: Monday 06:00 in Sydney is Sunday 22:00
        // in Oslo.
        let early = utc("2026-06-14T20:00:00Z");
        assert_eq!(
            server.localised(&oslo, &sydney, early).days_of_week,
            vec![Sun]
        );
        assert_eq!(
            given_days(&[Sun], &oslo, &sydney, DaysOf::Server, early),
            vec![Mon]
        );
        let slots = expand(&p, &sydney, first, Duration::hours(1)).unwrap();
        assert_eq!(slots[0].start, first);
        // The end date is read in the zone: 2026-06-21T20:00Z is already the 22nd there.
        let by_date = RecurrenceRequest {
            end_utc: Some(utc("2026-06-21T20:00:00Z")),
            days_of: DaysOf::Utc,
            pattern: weekly(vec![Sun], 1),
            exceptions: vec![],
        };
        assert_eq!(
            by_date.localised(&sydney, &sydney, first).end,
            PatternEnd::ByDate(NaiveDate::from_ymd_opt(2026, 6, 22).unwrap())
        );
    }

    fn slots(n: usize) -> Vec<Slot> {
        let zone = Zone::named("UTC").unwrap();
        let p = Pattern {
            frequency: Frequency::Daily,
            ..weekly(vec![], n as u32)
        };
        expand(&p, &zone, utc("2026-12-01T09:00:00Z"), Duration::hours(1)).unwrap()
    }

    #[test]
    fn exceptions_and_the_rules_of_a_sequence() {
        let zone = Zone::named("UTC").unwrap();
        type Row = (
            &'static str,
            Vec<(&'static str, Change)>,
            Result<(), ErrorCode>,
        );
        let moved = |s: &str| Change::Modify {
            start: Some(utc(s)),
            end: None,
        };
        let table: Vec<Row> = vec![
            ("nothing changed", vec![], Ok(())),
            (
                "moved within its day",
                vec![("2026-12-02T09:00:00Z", moved("2026-12-02T15:00:00Z"))],
                Ok(()),
            ),
            (
                "named by its UTC day only",
                vec![("2026-12-02T00:00:00Z", Change::Delete)],
                Ok(()),
            ),
            (
                "moved onto the next one's day",
                vec![("2026-12-02T09:00:00Z", moved("2026-12-03T07:00:00Z"))],
                Err(ErrorCode::UnsupportedRecurrence),
            ),
            (
                "moved past the next one",
                vec![("2026-12-02T09:00:00Z", moved("2026-12-03T10:00:00Z"))],
                Err(ErrorCode::UnsupportedRecurrence),
            ),
            (
                "moved past the next one, which is deleted",
                vec![
                    ("2026-12-03T09:00:00Z", Change::Delete),
                    ("2026-12-02T09:00:00Z", moved("2026-12-03T10:00:00Z")),
                ],
                Ok(()),
            ),
            (
                "runs into the next one",
                vec![(
                    "2026-12-02T09:00:00Z",
                    Change::Modify {
                        start: None,
                        end: Some(utc("2026-12-03T09:30:00Z")),
                    },
                )],
                Err(ErrorCode::UnsupportedRecurrence),
            ),
            (
                "ends before it starts",
                vec![(
                    "2026-12-02T09:00:00Z",
                    Change::Modify {
                        start: None,
                        end: Some(utc("2026-12-02T08:00:00Z")),
                    },
                )],
                Err(ErrorCode::StartTimeAfterEndTime),
            ),
            (
                "not an occurrence",
                vec![("2026-12-09T09:00:00Z", Change::Delete)],
                Err(ErrorCode::InstanceNotFoundWithinPattern),
            ),
        ];
        for (name, changes, want) in table {
            let mut s = slots(3);
            let changes: Vec<(DateTime<Utc>, Change)> =
                changes.into_iter().map(|(at, c)| (utc(at), c)).collect();
            let got = apply_exceptions(&mut s, &changes)
                .and_then(|_| check_sequence(&s, &zone))
                .map_err(|e| e.code);
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn moved_occurrences_keep_their_length_and_instance() {
        let mut s = slots(3);
        apply_exceptions(
            &mut s,
            &[(
                utc("2026-12-02T09:00:00Z"),
                Change::Modify {
                    start: Some(utc("2026-12-02T13:00:00Z")),
                    end: None,
                },
            )],
        )
        .unwrap();
        assert_eq!(s[1].instance, utc("2026-12-02T09:00:00Z"));
        assert_eq!(s[1].end, utc("2026-12-02T14:00:00Z"));
        assert_eq!(s[1].exception, Some(0));
        assert_eq!(s[0].exception, None);
    }

    #[test]
    fn the_booking_window_holds_for_every_occurrence() {
        let s = slots(10);
        let now = utc("2026-11-25T00:00:00Z");
        assert!(check_window(&s, now, 30).is_ok());
        assert_eq!(
            check_window(&s, now, 10).unwrap_err().code,
            ErrorCode::StartTimeAfterMaxNumberOfDaysInFuture
        );
    }

    mod properties {
        use super::*;
        use chrono::Datelike;
        use proptest::prelude::*;

        const ZONES: [&str; 5] = [
            "Europe/Oslo",
            "America/Chicago",
            "Australia/Sydney",
            "Asia/Kolkata",
            "Pacific/Chatham",
        ];

        proptest! {
            #[test]
            fn every_occurrence_is_at_the_first_ones_local_time(
                zone in 0usize..5,
                day in 0i64..365,
                minute in 0u32..(24 * 60),
                n in 1u32..60,
                weekday in 0u8..7,
            ) {
                let zone = Zone::named(ZONES[zone]).unwrap();
                let local = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                    .and_hms_opt(minute / 60, minute % 60, 0).unwrap()
                    + Duration::days(day);
                let first = zone.to_utc(local);
                let days = vec![Weekday::try_from(weekday).unwrap(), zone.to_local(first).weekday()];
                let slots = expand(&weekly(days, n), &zone, first, Duration::minutes(30)).unwrap();
                prop_assert_eq!(slots.len(), n as usize);
                let wall = zone.to_local(first).time();
                for s in &slots {
                    let t = zone.to_local(s.start).time();
                    // A wall time skipped by a daylight change moves by the change, no more.
                    let drift = (t.num_seconds_from_midnight() as i64
                        - wall.num_seconds_from_midnight() as i64).abs();
                    prop_assert!(t == wall || drift <= 3600, "{} vs {}", t, wall);
                }
                prop_assert!(check_sequence(&slots, &zone).is_ok());
            }
        }
    }
}
