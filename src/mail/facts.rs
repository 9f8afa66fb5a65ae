//! What a mail says about a meeting, gathered once for every template and content type:
//! times in the meeting's zone and in UTC, the series in words with its exceptions, owner,
//! rooms, how to join, what went wrong, and the client's own messages.
use super::words;
use crate::domain::route::RoutePlan;
use crate::domain::time::format_utc;
use crate::domain::zone::Zone;
use crate::domain::{Conference, Direction, StoredStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A meeting as mail describes it: a single meeting, one occurrence, or a whole series with
/// its occurrences.
pub struct Meeting {
    pub conference: Conference,
    /// A series' occurrences (live and deleted), in pattern order; empty otherwise.
    pub occurrences: Vec<Conference>,
    pub zone: Zone,
    /// The names of the booked rooms and systems.
    pub rooms: Vec<String>,
    /// The id calendars know the meeting by: the series' for an occurrence.
    pub calendar_id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageType {
    Information,
    Warning,
    Error,
}

/// A message the client (or bridgebook) puts at the top of a mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub kind: MessageType,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Join {
    /// The address a video system calls.
    pub video: Option<String>,
    pub sip_uri: Option<String>,
    pub number: Option<String>,
    pub pin: Option<String>,
    pub web: Option<String>,
    pub bridge: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesException {
    /// "deleted" or "moved".
    pub kind: &'static str,
    /// The occurrence's day by the pattern.
    pub date: String,
    /// A moved occurrence's new start and end.
    pub start: Option<String>,
    pub end: Option<String>,
}

/// Everything the templates are given.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub language: String,
    pub title: String,
    pub cancelled: bool,
    pub defective: bool,
    pub start: String,
    pub end: String,
    /// The meeting ends on the day it starts.
    pub same_day: bool,
    pub start_time: String,
    pub end_time: String,
    pub zone: String,
    pub start_utc: String,
    pub end_utc: String,
    pub series: Option<String>,
    pub exceptions: Vec<SeriesException>,
    pub owner: Option<Person>,
    pub rooms: Vec<String>,
    /// Dial-in and dial-out participants, by name or number.
    pub others: Vec<String>,
    pub join: Option<Join>,
    pub reasons: Vec<String>,
    pub messages: Vec<Message>,
    pub user_message: Option<String>,
    pub location: Option<String>,
    /// Routing and participants are told (ExcludeConferenceInformation false).
    pub details: bool,
    /// The mail confirms a booking its owner made.
    pub confirmation: bool,
}

/// The zone's name as mail shows it.
pub fn zone_name(zone: &Zone) -> String {
    match zone {
        Zone::Named(tz) => tz.name().to_string(),
        Zone::Rules(r) => r.id.clone(),
    }
}

/// How to join `c`, while it is booked on a bridge or dials an outside address.
pub fn join_of(c: &Conference) -> Option<Join> {
    if c.status != StoredStatus::Booked {
        return None;
    }
    match &c.route {
        Some(RoutePlan::Bridge(r)) => Some(Join {
            video: Some(r.sip_uri.clone()),
            sip_uri: Some(format!("sip:{}", r.sip_uri)),
            number: Some(r.number.to_string()),
            pin: c.settings.password.clone().or_else(|| r.pin.clone()),
            web: r.join_url.clone(),
            bridge: Some(r.bridge_name.clone()),
        }),
        Some(RoutePlan::ExternallyHosted) => {
            let address = c
                .settings
                .externally_hosted_dial_string
                .clone()
                .or_else(|| c.settings.webex_sip_url.clone())?;
            Some(Join {
                video: Some(address.clone()),
                sip_uri: Some(if address.starts_with("sip:") {
                    address
                } else {
                    format!("sip:{address}")
                }),
                pin: c.settings.password.clone(),
                ..Join::default()
            })
        }
        _ => None,
    }
}

/// Why `c` cannot take place, when it cannot.
pub fn reasons_of(c: &Conference) -> Vec<String> {
    let mut out: Vec<String> = match &c.route {
        Some(RoutePlan::Unroutable { reasons, .. }) => reasons.clone(),
        _ => Vec::new(),
    };
    if out.is_empty() {
        if let Some(r) = &c.defective_reason {
            out.extend(
                r.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from),
            );
        }
    }
    out
}

/// An occurrence's place in its series: deleted (no live row for its instance), moved (a
/// live row changed apart from the series), or neither.
pub enum Place<'a> {
    Deleted(DateTime<Utc>),
    Moved(&'a Conference),
}

/// The exceptions of a series, in pattern order.
pub fn exceptions(occurrences: &[Conference]) -> Vec<Place<'_>> {
    let mut instances: Vec<DateTime<Utc>> = occurrences
        .iter()
        .filter_map(|o| o.series.instance_at)
        .collect();
    instances.sort();
    instances.dedup();
    instances
        .into_iter()
        .filter_map(|at| {
            let rows = occurrences
                .iter()
                .filter(|o| o.series.instance_at == Some(at));
            let live = rows
                .clone()
                .filter(|o| o.status != StoredStatus::Deleted)
                .max_by_key(|o| o.id);
            match live {
                None => Some(Place::Deleted(at)),
                Some(o) if o.series.exception => Some(Place::Moved(o)),
                Some(_) => None,
            }
        })
        .collect()
}

/// The facts of `m` in `language`.
pub fn facts(m: &Meeting, language: &str, messages: Vec<Message>, details: bool) -> Facts {
    let c = &m.conference;
    let local = |t: DateTime<Utc>| m.zone.to_local(t);
    let (start, end) = (local(c.start), local(c.end));
    let series = c.series.recurrence.as_ref().map(|r| {
        let first = local(r.first_instance).date();
        words::series(language, &r.pattern, first)
    });
    let exceptions = if c.is_series() {
        exceptions(&m.occurrences)
            .into_iter()
            .map(|p| match p {
                Place::Deleted(at) => SeriesException {
                    kind: "deleted",
                    date: words::date(language, local(at).date()),
                    start: None,
                    end: None,
                },
                Place::Moved(o) => SeriesException {
                    kind: "moved",
                    date: words::date(
                        language,
                        local(o.series.instance_at.unwrap_or(o.start)).date(),
                    ),
                    start: Some(words::date_time(language, local(o.start))),
                    end: Some(words::time(local(o.end))),
                },
            })
            .collect()
    } else {
        Vec::new()
    };
    // A series row holds no route of its own: its first live occurrence tells how to join.
    let join = join_of(c).or_else(|| {
        m.occurrences
            .iter()
            .filter(|o| o.status == StoredStatus::Booked)
            .find_map(join_of)
    });
    let owner = &c.owner;
    let name = [owner.first_name.as_deref(), owner.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = if name.trim().is_empty() {
        owner.user_name.clone().unwrap_or_default()
    } else {
        name
    };
    let owner = (!name.is_empty() || owner.email.is_some()).then(|| Person {
        name,
        email: owner.email.clone(),
    });
    let others = c
        .participants
        .iter()
        .filter(|p| {
            matches!(
                p.call_type.direction(),
                Direction::DialIn | Direction::DialOut
            )
        })
        .filter_map(|p| p.name_or_number.clone())
        .collect();
    Facts {
        language: language.to_string(),
        title: c.title.clone(),
        cancelled: c.status == StoredStatus::Deleted,
        defective: c.status == StoredStatus::Defective,
        start: words::date_time(language, start),
        end: words::date_time(language, end),
        same_day: start.date() == end.date(),
        start_time: words::time(start),
        end_time: words::time(end),
        zone: zone_name(&m.zone),
        start_utc: format_utc(c.start),
        end_utc: format_utc(c.end),
        series,
        exceptions,
        owner,
        rooms: if details { m.rooms.clone() } else { Vec::new() },
        others: if details { others } else { Vec::new() },
        join: if details { join } else { None },
        reasons: reasons_of(c),
        messages,
        user_message: c.settings.user_message.clone().filter(|s| !s.is_empty()),
        location: c.settings.location.clone().filter(|s| !s.is_empty()),
        details,
        confirmation: false,
    }
}

/// A booked meeting for the tests of mail and what writes it.
#[cfg(test)]
pub(crate) fn sample_conference() -> Conference {
    use crate::domain::route::{BridgeRoute, Family};
    use chrono::TimeZone;
    Conference {
        id: 7,
        title: "Quarterly <review> & plans".into(),
        start: Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        owner: crate::domain::Owner {
            id: 3,
            user_name: Some("alice".into()),
            first_name: Some("Alice".into()),
            last_name: Some("Aune".into()),
            email: Some("alice@example.com".into()),
        },
        settings: crate::domain::validate::tests::rules().defaults,
        participants: vec![
            crate::domain::Participant {
                id: 1,
                name_or_number: None,
                email: None,
                call_type: crate::domain::CallType::Tms,
            },
            crate::domain::Participant {
                id: -1,
                name_or_number: Some("+4722000000".into()),
                email: None,
                call_type: crate::domain::CallType::TelephoneDialOut,
            },
        ],
        external_source_id: None,
        external_primary_key: None,
        version: 3,
        status: StoredStatus::Booked,
        defective_reason: None,
        transaction_id: 1,
        series: Default::default(),
        route: Some(RoutePlan::Bridge(BridgeRoute {
            bridge_id: 1,
            bridge_name: "cms-oslo".into(),
            family: Family::MeetingServer,
            number: 8123,
            sip_uri: "8123@vc.example.com".into(),
            join_url: Some("https://join.example.com/8123".into()),
            pin: Some("4711".into()),
            units: 1000,
            reasons: vec![],
        })),
    }
}
