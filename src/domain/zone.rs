//! The time zone a conference lives in: the rules its client sent (ConferenceTimeZoneRules),
//! or, when it sent none, a named zone (its system's, or the configured default).
use super::error::{Error, ErrorCode};
use super::timezone::{self, ZoneRules};
use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub enum Zone {
    Rules(ZoneRules),
    Named(Tz),
}

impl Zone {
    /// An IANA name ("Europe/Oslo") or a Windows id ("W. Europe Standard Time").
    pub fn named(name: &str) -> Result<Zone, Error> {
        let name = name.trim();
        if let Ok(tz) = Tz::from_str(name) {
            return Ok(Zone::Named(tz));
        }
        windows_timezones::WindowsTimezone::from_str(name)
            .map(|w| Zone::Named(w.into()))
            .map_err(|_| {
                Error::new(
                    ErrorCode::InvalidTimezoneInfo,
                    format!("'{name}' is not a time zone this server knows."),
                )
            })
    }

    /// How the zone is named when stored: None for client rules, which are kept with the
    /// conference itself.
    pub fn name(&self) -> Option<String> {
        match self {
            Zone::Rules(_) => None,
            Zone::Named(tz) => Some(tz.name().to_string()),
        }
    }

    /// The UTC instant of a local wall-clock time. A time skipped when daylight time starts
    /// is read with the standard offset; a repeated one is the first of the two moments.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Rules(r) => timezone::to_utc(r, local),
            Zone::Named(tz) => match tz.from_local_datetime(&local) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                LocalResult::None => {
                    let before = tz
                        .offset_from_utc_datetime(&(local - Duration::hours(12)))
                        .fix();
                    Utc.from_utc_datetime(
                        &(local - Duration::seconds(before.local_minus_utc() as i64)),
                    )
                }
            },
        }
    }

    pub fn to_local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Rules(r) => timezone::to_local(r, at),
            Zone::Named(tz) => at.with_timezone(tz).naive_local(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn named_zones_convert_both_ways_across_daylight_changes() {
        let oslo = Zone::named("Europe/Oslo").unwrap();
        let windows = Zone::named("W. Europe Standard Time").unwrap();
        let table = [
            ("2026-03-28 09:00", "2026-03-28T08:00:00Z"),
            ("2026-03-30 09:00", "2026-03-30T07:00:00Z"),
            // Skipped by the spring change: read with the standard offset.
            ("2026-03-29 02:30", "2026-03-29T01:30:00Z"),
            // Repeated by the autumn change: the first (daylight) moment.
            ("2026-10-25 02:30", "2026-10-25T00:30:00Z"),
        ];
        for (l, utc) in table {
            let want: DateTime<Utc> = utc.parse().unwrap();
            assert_eq!(oslo.to_utc(local(l)), want, "{l}");
            assert_eq!(windows.to_utc(local(l)), want, "{l}");
        }
        let noon = NaiveDate::from_ymd_opt(2026, 7, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        assert_eq!(oslo.to_local(oslo.to_utc(noon)), noon);
        assert!(Zone::named("Mars/Olympus").is_err());
    }
}
