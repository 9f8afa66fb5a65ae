//! TMS licensing: which calls are licensed, and the life of a ClientSession id (spec:
//! "API Licensing", "ClientSession").
use super::error::{Error, ErrorCode};
use chrono::{DateTime, Duration, Utc};

/// The functions that need a licence (spec: "API Licensing").
pub const LICENSED: &[&str] = &[
    "SaveConferenceRecInstanceWithMode",
    "SaveConferenceWithMode",
    "SaveConference",
    "SaveConferenceRecInstance",
    "SaveConferences",
    "EndConferenceById",
    "DeleteConferenceById",
    "DeleteConferenceRecInstanceById",
    "DeleteConferenceByExternalId",
    "DeleteConferenceInstanceByExternalId",
    "EndConferenceByExternalId",
];

pub fn is_licensed(operation: &str) -> bool {
    LICENSED.contains(&operation)
}

/// How long ids live: `lifetime` after their first use, plus `grace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRules {
    pub lifetime: Duration,
    pub grace: Duration,
    /// Application Integration licences: ids that may be active at once.
    pub licences: u32,
}

/// What to do with the ClientSession id a licensed call came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionVerdict {
    /// A known, live id: the call goes ahead.
    Continue,
    /// A new id, and a licence is free for it: the call goes ahead and the id is recorded.
    Start,
    /// The call fails with this fault (which names an id to use instead).
    Refuse(Error),
}

impl SessionRules {
    pub fn expired(&self, first_used: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now >= first_used + self.lifetime + self.grace
    }

    /// `given`: the id sent (None or blank: none); `first_used`: when the id was first
    /// seen, if it was; `active`: how many other ids are live now; `fresh`: an id to
    /// suggest.
    pub fn decide(
        &self,
        given: Option<&str>,
        first_used: Option<DateTime<Utc>>,
        active: u32,
        now: DateTime<Utc>,
        fresh: &str,
    ) -> SessionVerdict {
        let suggest = |code: ErrorCode, message: String| {
            SessionVerdict::Refuse(Error {
                suggested_session: Some(fresh.to_string()),
                ..Error::new(code, message)
            })
        };
        if given.is_none_or(|g| g.trim().is_empty()) {
            return suggest(
                ErrorCode::ClientSessionBlank,
                format!("This call needs a ClientSession id; use {fresh}."),
            );
        }
        match first_used {
            Some(t) if self.expired(t, now) => suggest(
                ErrorCode::ClientSessionExpired,
                format!("The ClientSession id has expired; use {fresh}."),
            ),
            Some(_) => SessionVerdict::Continue,
            None if active >= self.licences => SessionVerdict::Refuse(Error::new(
                ErrorCode::License,
                format!(
                    "All {} Application Integration licences are in use by active client sessions.",
                    self.licences
                ),
            )),
            None => SessionVerdict::Start,
        }
    }
}

/// Per-system licensing: whether `unlicensed` more systems fit in `packs` of 25 when `used`
/// are licensed already.
pub fn systems_fit(packs: u32, used: i64, unlicensed: usize) -> bool {
    used + unlicensed as i64 <= i64::from(packs) * 25
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sessions() {
        let rules = SessionRules {
            lifetime: Duration::minutes(47),
            grace: Duration::minutes(17),
            licences: 2,
        };
        let t0 = Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap();
        let min = |m: i64| t0 + Duration::minutes(m);
        let code = |v: SessionVerdict| match v {
            SessionVerdict::Refuse(e) => {
                assert_eq!(e.suggested_session.is_some(), e.code != ErrorCode::License);
                format!("{:?}", e.code)
            }
            other => format!("{other:?}"),
        };
        type Row<'a> = (
            &'a str,
            Option<&'a str>,
            Option<DateTime<Utc>>,
            u32,
            DateTime<Utc>,
            &'a str,
        );
        let table: Vec<Row> = vec![
            ("no id", None, None, 0, t0, "ClientSessionBlank"),
            ("blank id", Some("  "), None, 0, t0, "ClientSessionBlank"),
            ("new id, licence free", Some("a"), None, 1, t0, "Start"),
            ("new id, licences taken", Some("a"), None, 2, t0, "License"),
            ("known id", Some("a"), Some(t0), 2, min(10), "Continue"),
            (
                "in its grace period",
                Some("a"),
                Some(t0),
                0,
                min(60),
                "Continue",
            ),
            (
                "just expired",
                Some("a"),
                Some(t0),
                0,
                min(64),
                "ClientSessionExpired",
            ),
        ];
        for (name, given, first, active, now, want) in table {
            assert_eq!(
                code(rules.decide(given, first, active, now, "fresh")),
                want,
                "{name}"
            );
        }
        assert!(systems_fit(1, 24, 1));
        assert!(!systems_fit(1, 25, 1));
        assert!(systems_fit(2, 25, 25));
    }
}
