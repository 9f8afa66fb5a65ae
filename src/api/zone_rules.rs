//! ConferenceTimeZoneRules on the wire ⇄ the domain's time-zone rules.
use crate::contract::conference as w;
use crate::domain::timezone::{self, ChangeDay, Daylight, TimeChange, ZoneRule, ZoneRules};
use crate::domain::{Error, ErrorCode};
use chrono::NaiveDateTime;

/// The wire form of `zone`, every rule carrying the zone's id and display name.
pub fn wire_rules(zone: &ZoneRules, display_name: &str) -> w::ArrayOfTimeZoneRule {
    let rules = zone.rules.iter().enumerate().map(|(i, r)| w::TimeZoneRule {
        // The first rule reaches back to the beginning of time, as DateTime.MinValue does.
        ValidFrom: Some(if i == 0 {
            "0001-01-01T00:00:00".to_string()
        } else {
            r.valid_from.format("%Y-%m-%dT%H:%M:%S").to_string()
        }),
        Id: Some(zone.id.clone()),
        DisplayName: Some(display_name.to_string()),
        BaseOffsetInMinutes: r.base_offset_minutes,
        Daylight: r.daylight.as_ref().map(|d| wire_change(&d.start)),
        DaylightOffsetInMinutes: r.daylight.as_ref().map_or(0, |d| d.offset_minutes),
        Standard: r.daylight.as_ref().map(|d| wire_change(&d.end)),
    });
    w::ArrayOfTimeZoneRule {
        TimeZoneRule: rules.collect(),
    }
}

fn wire_change(c: &TimeChange) -> w::TimeChange {
    let (relative, absolute) = match c.day {
        ChangeDay::Relative {
            month,
            weekday,
            week,
        } => (
            Some(w::RelativeRule {
                Month: month as i32,
                DayOfTheWeek: weekday as i32,
                WeekOfTheMonthIndex: week as i32,
            }),
            None,
        ),
        ChangeDay::Absolute { month, day } => (
            None,
            Some(w::AbsoluteRule {
                Month: month as i32,
                DayOfMonth: day as i32,
            }),
        ),
    };
    w::TimeChange {
        ChangeSecondAtDay: c.second_of_day as i32,
        RelativeRule: relative,
        AbsoluteRule: absolute,
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidTimezoneInfo, message)
}

/// The domain rules of a client's ConferenceTimeZoneRules, checked against every validity
/// rule of the reference.
pub fn zone_of(wire: &w::ArrayOfTimeZoneRule) -> Result<ZoneRules, Error> {
    // The reference: "If they are not the same, the last Id will be used."
    let id = wire
        .TimeZoneRule
        .iter()
        .rev()
        .find_map(|r| r.Id.clone())
        .unwrap_or_default();
    let mut rules = Vec::new();
    for r in &wire.TimeZoneRule {
        let valid_from = r
            .ValidFrom
            .as_deref()
            .map(parse_local)
            .transpose()?
            .unwrap_or(NaiveDateTime::MIN);
        let daylight = if r.DaylightOffsetInMinutes == 0 {
            None
        } else {
            match (&r.Daylight, &r.Standard) {
                (Some(start), Some(end)) => Some(Daylight {
                    offset_minutes: r.DaylightOffsetInMinutes,
                    start: change_of(start)?,
                    end: change_of(end)?,
                }),
                _ => {
                    return Err(invalid(
                        "A rule with daylight time needs both Daylight and Standard.".into(),
                    ))
                }
            }
        };
        rules.push(ZoneRule {
            valid_from,
            base_offset_minutes: r.BaseOffsetInMinutes,
            daylight,
        });
    }
    let zone = ZoneRules { id, rules };
    timezone::validate(&zone)?;
    Ok(zone)
}

/// ValidFrom is a local standard time "of the unspecified kind": no Z, no offset.
fn parse_local(s: &str) -> Result<NaiveDateTime, Error> {
    let s = s.trim();
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or_else(|| {
        invalid(format!(
            "ValidFrom '{s}' must be a local date-time without Z or an offset."
        ))
    })
}

fn change_of(c: &w::TimeChange) -> Result<TimeChange, Error> {
    let non_negative = |v: i32, what: &str| {
        u32::try_from(v).map_err(|_| invalid(format!("{what} {v} is negative.")))
    };
    let day = match (&c.RelativeRule, &c.AbsoluteRule) {
        (Some(r), None) => ChangeDay::Relative {
            month: non_negative(r.Month, "Month")?,
            weekday: non_negative(r.DayOfTheWeek, "DayOfTheWeek")?,
            week: non_negative(r.WeekOfTheMonthIndex, "WeekOfTheMonthIndex")?,
        },
        (None, Some(a)) => ChangeDay::Absolute {
            month: non_negative(a.Month, "Month")?,
            day: non_negative(a.DayOfMonth, "DayOfMonth")?,
        },
        _ => {
            return Err(invalid(
                "A TimeChange has either a RelativeRule or an AbsoluteRule.".into(),
            ))
        }
    };
    Ok(TimeChange {
        second_of_day: non_negative(c.ChangeSecondAtDay, "ChangeSecondAtDay")?,
        day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::windows_zones;

    #[test]
    fn derived_rules_survive_the_wire() {
        for id in [
            "Central Standard Time",
            "AUS Eastern Standard Time",
            "India Standard Time",
        ] {
            let z = windows_zones::zone(id, 2005..=2030).unwrap();
            let wire = wire_rules(&z.rules, &z.display_name);
            let mut back = zone_of(&wire).unwrap();
            back.rules[0].valid_from = z.rules.rules[0].valid_from;
            assert_eq!(back, z.rules, "{id}");
        }
    }

    #[test]
    fn refused_rules() {
        let good = || {
            let z = windows_zones::zone("W. Europe Standard Time", 2026..=2026).unwrap();
            wire_rules(&z.rules, &z.display_name)
        };
        type Spoil = Box<dyn Fn(&mut w::TimeZoneRule)>;
        let table: Vec<(&str, Spoil)> = vec![
            (
                "UTC ValidFrom",
                Box::new(|r| r.ValidFrom = Some("2026-01-01T00:00:00Z".into())),
            ),
            ("no Standard", Box::new(|r| r.Standard = None)),
            (
                "both kinds of rule",
                Box::new(|r| {
                    r.Daylight.as_mut().unwrap().AbsoluteRule = Some(w::AbsoluteRule {
                        Month: 3,
                        DayOfMonth: 1,
                    })
                }),
            ),
            (
                "negative second",
                Box::new(|r| r.Daylight.as_mut().unwrap().ChangeSecondAtDay = -1),
            ),
            ("offset", Box::new(|r| r.BaseOffsetInMinutes = 900)),
            ("no id", Box::new(|r| r.Id = None)),
        ];
        assert!(zone_of(&good()).is_ok());
        for (what, spoil) in table {
            let mut wire = good();
            spoil(&mut wire.TimeZoneRule[0]);
            let e = zone_of(&wire).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidTimezoneInfo, "{what}");
        }
        // Without daylight offset the Daylight and Standard elements are not read.
        let mut wire = good();
        wire.TimeZoneRule[0].DaylightOffsetInMinutes = 0;
        wire.TimeZoneRule[0].Standard = None;
        assert_eq!(zone_of(&wire).unwrap().rules[0].daylight, None);
    }
}
