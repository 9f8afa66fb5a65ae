//! The date-time forms of the TMSBA wire: "1975-06-01 23:32:11Z" strings and xsd:dateTime.
use super::error::{Error, ErrorCode, Result};
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// Parses a "UTC date-time group ending with Z" (the spec's only accepted form).
/// Both the space and the ISO `T` separator are accepted, with optional fractions.
pub fn parse_utc(s: &str) -> Result<DateTime<Utc>> {
    let t = s.trim();
    let invalid = || {
        Error::new(
            ErrorCode::InvalidDatetimeFormat,
            format!("'{t}' is not a UTC date-time ending with Z, such as 1975-06-01 23:32:11Z."),
        )
    };
    let body = t.strip_suffix('Z').ok_or_else(invalid)?;
    let body = body.replacen('T', " ", 1);
    NaiveDateTime::parse_from_str(&body, "%Y-%m-%d %H:%M:%S%.f")
        .map(|n| n.and_utc())
        .map_err(|_| invalid())
}

/// Formats as the wire does: "2026-05-01 09:00:00Z".
pub fn format_utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%SZ").to_string()
}

/// Parses an xsd:dateTime; one without an offset is taken as UTC.
pub fn parse_xsd(s: &str) -> Result<DateTime<Utc>> {
    let t = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|n| n.and_utc())
        .map_err(|_| {
            Error::new(
                ErrorCode::InvalidDatetimeFormat,
                format!("'{t}' is not an xsd:dateTime."),
            )
        })
}

pub fn format_xsd(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Seconds since the epoch, as the store keeps instants.
pub fn to_epoch(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub fn from_epoch(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_forms() {
        let cases: &[(&str, Option<&str>)] = &[
            ("1975-06-01 23:32:11Z", Some("1975-06-01 23:32:11Z")),
            ("1975-06-01T23:32:11Z", Some("1975-06-01 23:32:11Z")),
            ("1975-06-01 23:32:11.500Z", Some("1975-06-01 23:32:11Z")),
            (" 2026-01-02 03:04:05Z ", Some("2026-01-02 03:04:05Z")),
            ("1975-06-01 23:32:11", None),
            ("1975-06-01 23:32:11+01:00", None),
            ("01/06/1975 23:32:11Z", None),
            ("", None),
        ];
        for (input, want) in cases {
            let got = parse_utc(input).map(format_utc);
            match want {
                Some(w) => assert_eq!(got.as_deref(), Ok(*w), "{input}"),
                None => assert_eq!(
                    got.unwrap_err().code,
                    ErrorCode::InvalidDatetimeFormat,
                    "{input}"
                ),
            }
        }
    }

    #[test]
    fn xsd_forms() {
        for (input, want) in [
            ("2026-05-01T09:00:00Z", "2026-05-01T09:00:00Z"),
            ("2026-05-01T11:00:00+02:00", "2026-05-01T09:00:00Z"),
            ("2026-05-01T09:00:00", "2026-05-01T09:00:00Z"),
            ("2026-05-01T09:00:00.25", "2026-05-01T09:00:00Z"),
        ] {
            assert_eq!(parse_xsd(input).map(format_xsd).as_deref(), Ok(want));
        }
        assert!(parse_xsd("tomorrow").is_err());
    }
}
