//! Recurrence patterns expanded into the local dates of their occurrences. Dates are in the
//! conference's own time zone, so a 09:00 meeting stays at 09:00 across daylight changes;
//! turning them into UTC instants is the time-zone rules' job.
use super::error::{Error, ErrorCode};
use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The most occurrences one series may have.
pub const MAX_OCCURRENCES: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frequency {
    Daily,
    DailyWeekday,
    Weekly,
    Monthly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PatternEnd {
    /// The last local date an occurrence may start on.
    ByDate(NaiveDate),
    ByInstances(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pattern {
    pub frequency: Frequency,
    pub interval: u32,
    /// Local weekdays; for Weekly, empty means the weekday of the first occurrence.
    pub days_of_week: Vec<Weekday>,
    pub first_day_of_week: Weekday,
    /// Monthly: the day of the month (a short month gets its last day).
    pub by_month_day: Option<u32>,
    /// Monthly: the 1st..4th or last (-1) of `days_of_week` in the month.
    pub by_set_position: Option<i32>,
    pub end: PatternEnd,
}

fn unsupported(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::UnsupportedRecurrence, message)
}

/// The local dates of every occurrence of `pattern` for a series whose first occurrence is
/// on or after `first`, in order.
pub fn occurrence_dates(pattern: &Pattern, first: NaiveDate) -> Result<Vec<NaiveDate>, Error> {
    check(pattern)?;
    let wanted = match pattern.end {
        PatternEnd::ByInstances(n) => n as usize,
        PatternEnd::ByDate(_) => MAX_OCCURRENCES + 1,
    };
    let last = match pattern.end {
        PatternEnd::ByDate(d) if d < first => {
            return Err(unsupported(format!(
                "The pattern ends on {d}, before its first occurrence on {first}."
            )))
        }
        PatternEnd::ByDate(d) => d,
        PatternEnd::ByInstances(_) => NaiveDate::MAX,
    };
    let mut out = Vec::new();
    // Walk period by period (a day, a week, a month), collecting that period's dates.
    for period in 0u32.. {
        let Some(dates) = period_dates(pattern, first, period) else {
            break;
        };
        if dates.first().is_some_and(|d| *d > last) {
            break;
        }
        for d in dates.into_iter().filter(|d| *d >= first && *d <= last) {
            out.push(d);
            if out.len() == wanted {
                break;
            }
        }
        if out.len() >= wanted {
            break;
        }
    }
    if out.is_empty() {
        return Err(unsupported("The pattern has no occurrences."));
    }
    if out.len() > MAX_OCCURRENCES {
        return Err(unsupported(format!(
            "A series may have at most {MAX_OCCURRENCES} occurrences."
        )));
    }
    Ok(out)
}

fn check(p: &Pattern) -> Result<(), Error> {
    if p.interval == 0 {
        return Err(unsupported("Interval must be at least 1."));
    }
    if let PatternEnd::ByInstances(n) = p.end {
        if n == 0 || n as usize > MAX_OCCURRENCES {
            return Err(unsupported(format!(
                "{n} occurrences: a series has 1 to {MAX_OCCURRENCES}."
            )));
        }
    }
    if p.frequency == Frequency::Monthly {
        let day = p.by_month_day.filter(|d| *d != 0);
        let position = p.by_set_position.filter(|d| *d != 0);
        match (day, position) {
            (Some(_), Some(_)) => {
                return Err(unsupported(
                    "A monthly pattern sets either ByMonthDay or BySetPosition, not both.",
                ))
            }
            (None, None) => {
                return Err(unsupported(
                    "A monthly pattern needs ByMonthDay or BySetPosition.",
                ))
            }
            (Some(d), None) if !(1..=31).contains(&d) => {
                return Err(unsupported(format!("ByMonthDay {d} is not 1..31.")))
            }
            (None, Some(pos)) if !matches!(pos, 1..=4 | -1) => {
                return Err(unsupported(format!(
                    "BySetPosition {pos} is not 1..4 or -1."
                )))
            }
            (None, Some(_)) if p.days_of_week.is_empty() => {
                return Err(unsupported("BySetPosition needs DaysOfWeek."))
            }
            _ => {}
        }
    }
    Ok(())
}

/// The candidate dates of the `period`th period after the one holding `first`, or None
/// when the calendar runs out.
fn period_dates(p: &Pattern, first: NaiveDate, period: u32) -> Option<Vec<NaiveDate>> {
    let step = period.checked_mul(p.interval)?;
    match p.frequency {
        Frequency::Daily => Some(vec![first.checked_add_signed(Duration::days(step as i64))?]),
        Frequency::DailyWeekday => {
            let d = first.checked_add_signed(Duration::days(period as i64))?;
            Some(if is_weekday(d) { vec![d] } else { vec![] })
        }
        Frequency::Weekly => {
            let offset = first.weekday().days_since(p.first_day_of_week);
            let week_start = first - Duration::days(offset as i64) + Duration::weeks(step as i64);
            let days: Vec<Weekday> = if p.days_of_week.is_empty() {
                vec![first.weekday()]
            } else {
                p.days_of_week.clone()
            };
            let mut dates: Vec<NaiveDate> = days
                .iter()
                .map(|d| week_start + Duration::days(d.days_since(p.first_day_of_week) as i64))
                .collect();
            dates.sort();
            dates.dedup();
            Some(dates)
        }
        Frequency::Monthly => {
            let month = first.with_day(1)?.checked_add_months(Months::new(step))?;
            let date = match (p.by_month_day.filter(|d| *d != 0), p.by_set_position) {
                (Some(day), _) => clamp_to_month(month, day),
                (None, Some(pos)) => nth_of_month(month, &p.days_of_week, pos)?,
                (None, None) => return None,
            };
            Some(vec![date])
        }
    }
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn clamp_to_month(month_start: NaiveDate, day: u32) -> NaiveDate {
    (0..4)
        .find_map(|back| month_start.with_day(day.saturating_sub(back)))
        .unwrap_or(month_start)
}

/// The `pos`th (or last, -1) day of the month that falls on one of `days`.
fn nth_of_month(month_start: NaiveDate, days: &[Weekday], pos: i32) -> Option<NaiveDate> {
    let matching: Vec<NaiveDate> = month_start
        .iter_days()
        .take_while(|d| d.month() == month_start.month())
        .filter(|d| days.contains(&d.weekday()))
        .collect();
    if pos == -1 {
        matching.last().copied()
    } else {
        matching.get(pos as usize - 1).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Weekday::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn pattern(frequency: Frequency, interval: u32, end: PatternEnd) -> Pattern {
        Pattern {
            frequency,
            interval,
            days_of_week: vec![],
            first_day_of_week: Sun,
            by_month_day: None,
            by_set_position: None,
            end,
        }
    }

    fn dates(list: &[&str]) -> Vec<NaiveDate> {
        list.iter().map(|s| date(s)).collect()
    }

    #[test]
    fn calendars_computed_by_hand() {
        use PatternEnd::*;
        let weekly_two = Pattern {
            days_of_week: vec![Mon, Thu],
            first_day_of_week: Mon,
            ..pattern(Frequency::Weekly, 2, ByInstances(5))
        };
        let last_tuesday = Pattern {
            days_of_week: vec![Tue],
            by_set_position: Some(-1),
            ..pattern(Frequency::Monthly, 1, ByInstances(4))
        };
        let second_monday = Pattern {
            days_of_week: vec![Mon],
            by_set_position: Some(2),
            ..pattern(Frequency::Monthly, 2, ByInstances(3))
        };
        let thirty_first = Pattern {
            by_month_day: Some(31),
            ..pattern(Frequency::Monthly, 1, ByInstances(5))
        };
        let table: Vec<(&str, Pattern, &str, Vec<NaiveDate>)> = vec![
            (
                "daily, every 3 days, by date",
                pattern(Frequency::Daily, 3, ByDate(date("2026-12-10"))),
                "2026-12-01",
                dates(&["2026-12-01", "2026-12-04", "2026-12-07", "2026-12-10"]),
            ),
            (
                "every weekday, starting on a Saturday",
                pattern(Frequency::DailyWeekday, 1, ByInstances(4)),
                "2026-11-28",
                dates(&["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"]),
            ),
            (
                "weekly on Monday and Thursday, every 2 weeks, weeks from Monday",
                weekly_two,
                "2026-11-26",
                dates(&[
                    "2026-11-26",
                    "2026-12-07",
                    "2026-12-10",
                    "2026-12-21",
                    "2026-12-24",
                ]),
            ),
            (
                "weekly without days: the first occurrence's weekday",
                pattern(Frequency::Weekly, 1, ByInstances(3)),
                "2026-12-29",
                dates(&["2026-12-29", "2027-01-05", "2027-01-12"]),
            ),
            (
                "last Tuesday of every month",
                last_tuesday,
                "2026-12-01",
                dates(&["2026-12-29", "2027-01-26", "2027-02-23", "2027-03-30"]),
            ),
            (
                "second Monday, every other month",
                second_monday,
                "2026-11-01",
                dates(&["2026-11-09", "2027-01-11", "2027-03-08"]),
            ),
            (
                "the 31st of every month, clamped",
                thirty_first,
                "2027-01-31",
                dates(&[
                    "2027-01-31",
                    "2027-02-28",
                    "2027-03-31",
                    "2027-04-30",
                    "2027-05-31",
                ]),
            ),
        ];
        for (what, p, first, expected) in table {
            assert_eq!(
                occurrence_dates(&p, date(first)).unwrap(),
                expected,
                "{what}"
            );
        }
    }

    #[test]
    fn refusals() {
        use PatternEnd::*;
        let both = Pattern {
            by_month_day: Some(3),
            by_set_position: Some(1),
            days_of_week: vec![Mon],
            ..pattern(Frequency::Monthly, 1, ByInstances(3))
        };
        let neither = pattern(Frequency::Monthly, 1, ByInstances(3));
        let bad_position = Pattern {
            by_set_position: Some(5),
            days_of_week: vec![Mon],
            ..pattern(Frequency::Monthly, 1, ByInstances(3))
        };
        let table = vec![
            ("no interval", pattern(Frequency::Daily, 0, ByInstances(3))),
            (
                "101 instances",
                pattern(Frequency::Daily, 1, ByInstances(101)),
            ),
            (
                "zero instances",
                pattern(Frequency::Daily, 1, ByInstances(0)),
            ),
            (
                "more than 100 by date",
                pattern(Frequency::Daily, 1, ByDate(date("2027-06-01"))),
            ),
            (
                "ends before it starts",
                pattern(Frequency::Daily, 1, ByDate(date("2026-01-01"))),
            ),
            ("both monthly rules", both),
            ("no monthly rule", neither),
            ("position 5", bad_position),
        ];
        for (what, p) in table {
            let e = occurrence_dates(&p, date("2026-12-01")).unwrap_err();
            assert_eq!(e.code, ErrorCode::UnsupportedRecurrence, "{what}");
        }
        // Exactly 100 is allowed.
        let hundred = pattern(Frequency::Daily, 1, ByDate(date("2027-03-10")));
        assert_eq!(
            occurrence_dates(&hundred, date("2026-12-01"))
                .unwrap()
                .len(),
            100
        );
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn weekday(i: u8) -> Weekday {
            Weekday::try_from(i % 7).unwrap()
        }

        fn any_pattern() -> impl Strategy<Value = Pattern> {
            (
                0usize..4,
                1u32..5,
                proptest::collection::vec(0u8..7, 0..4),
                0u8..7,
                prop_oneof![Just(None), (1u32..32).prop_map(Some)],
                prop_oneof![Just(-1i32), 1i32..5],
                prop_oneof![
                    (1u32..=100).prop_map(PatternEnd::ByInstances),
                    (0i64..400).prop_map(|d| PatternEnd::ByDate(
                        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(d)
                    )),
                ],
            )
                .prop_map(|(f, interval, days, fdow, month_day, position, end)| {
                    let frequency = [
                        Frequency::Daily,
                        Frequency::DailyWeekday,
                        Frequency::Weekly,
                        Frequency::Monthly,
                    ][f];
                    let mut days: Vec<Weekday> = days.into_iter().map(weekday).collect();
                    if frequency == Frequency::Monthly && month_day.is_none() && days.is_empty() {
                        days.push(Weekday::Tue);
                    }
                    Pattern {
                        frequency,
                        interval,
                        days_of_week: days,
                        first_day_of_week: weekday(fdow),
                        by_month_day: month_day,
                        by_set_position: month_day.is_none().then_some(position),
                        end,
                    }
                })
        }

        proptest! {
            #[test]
            fn expansion_is_ordered_bounded_and_follows_the_pattern(
                p in any_pattern(),
                offset in 0i64..365,
            ) {
                let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(offset);
                match occurrence_dates(&p, first) {
                    Ok(dates) => {
                        prop_assert!(!dates.is_empty() && dates.len() <= MAX_OCCURRENCES);
                        // Strictly increasing: ordered, and never two on one day.
                        prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
                        prop_assert!(dates[0] >= first);
                        match p.end {
                            PatternEnd::ByInstances(n) => prop_assert_eq!(dates.len(), n as usize),
                            PatternEnd::ByDate(last) => {
                                prop_assert!(*dates.last().unwrap() <= last)
                            }
                        }
                        for d in &dates {
                            match p.frequency {
                                Frequency::DailyWeekday => prop_assert!(is_weekday(*d)),
                                Frequency::Weekly if !p.days_of_week.is_empty() => {
                                    prop_assert!(p.days_of_week.contains(&d.weekday()))
                                }
                                Frequency::Weekly => prop_assert_eq!(d.weekday(), first.weekday()),
                                Frequency::Monthly if p.by_month_day.is_none() => {
                                    prop_assert!(p.days_of_week.contains(&d.weekday()))
                                }
                                Frequency::Daily => prop_assert_eq!(
                                    (*d - first).num_days() % p.interval as i64, 0
                                ),
                                _ => {}
                            }
                        }
                    }
                    Err(e) => {
                        // Only an end date before the start or more than 100 by date is refused.
                        prop_assert_eq!(e.code, ErrorCode::UnsupportedRecurrence);
                        prop_assert!(matches!(p.end, PatternEnd::ByDate(_)));
                    }
                }
            }
        }
    }
}
