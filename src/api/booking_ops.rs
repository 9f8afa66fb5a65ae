//! The booking service's operations.
use super::convert::{
    booking_mode, request_of, status_filter, wire_of, wire_of_booked, Detail, SeriesDetail,
};
use super::{request, result, scalar, unknown_operation, zone_rules, Call, Reply};
use crate::booking::{Booked, Booking, OccurrenceTarget, Target, TransactionPage};
use crate::contract::conference::{ArrayOfConference, Conference as WireConference};
use crate::contract::enums::{ConferenceStatus, TransactionType as WireKind};
use crate::contract::operations::*;
use crate::contract::versions::restore_unseen;
use crate::domain::time::{format_utc, parse_utc, parse_xsd};
use crate::domain::windows_zones;
use crate::domain::ConferenceRequest;
use crate::domain::{BookingMode, Conference, Error, ErrorCode, TransactionType};
use chrono::Datelike;

pub const OPERATIONS: &[&str] = &[
    "DeleteConferenceByExternalId",
    "DeleteConferenceById",
    "DeleteConferenceInstanceByExternalId",
    "DeleteConferenceRecInstanceById",
    "EndConferenceByExternalId",
    "EndConferenceById",
    "GetConferenceById",
    "GetConferencesForUser",
    "GetConferenceBookingEventMail",
    "GetConferenceByExternalId",
    "GetConferenceIdByExternalId",
    "GetConferenceInstanceByExternalId",
    "GetConferenceInviteMail",
    "GetConferencesForSystems",
    "GetDefaultConference",
    "GetRecordingAliases",
    "GetRecurrentConferenceById",
    "GetRecurrentConferenceByIdWithFirstOngoingOrPendingStartTime",
    "GetTimeZoneRulesById",
    "GetTransactionsSince",
    "GetTransactionsSinceWithExternalId",
    "SaveConferenceWithMode",
    "SaveConference",
    "SaveConferenceRecInstanceWithMode",
    "SaveConferenceRecInstance",
    "SaveConferences",
];

/// The years GetTimeZoneRulesById describes: enough behind for meetings still being read,
/// enough ahead for any booking window.
const ZONE_YEARS_BACK: i32 = 1;
const ZONE_YEARS_AHEAD: i32 = 10;

pub fn dispatch(b: &Booking, call: &Call) -> Result<Reply, Error> {
    let now = b.now();
    let full = |c: &Conference| wire_of(c, now, Detail::Full);
    let view = |booked: &Booked, detail: SeriesDetail| {
        wire_of_booked(booked, now, call.client_version, &b.rules.time_zone, detail)
    };
    match call.operation {
        "GetConferenceInviteMail" => super::mail_ops::invite_mail(b, call),
        "GetConferenceBookingEventMail" => super::mail_ops::booking_event_mail(b, call),
        "GetDefaultConference" => {
            let mut reply = result(call, full(&b.default_conference(call.user)))?;
            reply.extra_header = Some(format!(
                r#"<VersionSoapHeader xmlns="{}"><ConfAPIVersion>{}</ConfAPIVersion></VersionSoapHeader>"#,
                crate::contract::BOOKING_NS,
                crate::contract::API_VERSION
            ));
            Ok(reply)
        }
        "SaveConferenceWithMode" => {
            let r: SaveConference = request(call)?;
            let saved = b.save_notified(
                &incoming(b, call, conference_of(&r)?)?,
                booking_mode(r.BookingMode),
                call.user,
                &call.notify(),
            )?;
            result(
                call,
                ConferenceSaveResult {
                    Conference: view(&saved, SeriesDetail::Exceptions),
                },
            )
        }
        "SaveConference" => {
            let r: SaveConference = request(call)?;
            let saved = b.save_notified(
                &incoming(b, call, conference_of(&r)?)?,
                BookingMode::Strict,
                call.user,
                &call.notify(),
            )?;
            result(call, view(&saved, SeriesDetail::Exceptions))
        }
        "SaveConferenceRecInstanceWithMode" => {
            let r: SaveConference = request(call)?;
            let saved = b.save_occurrence_notified(
                &incoming(b, call, conference_of(&r)?)?,
                booking_mode(r.BookingMode),
                call.user,
                &call.notify(),
            )?;
            result(
                call,
                ConferenceSaveResult {
                    Conference: full(&saved),
                },
            )
        }
        "SaveConferenceRecInstance" => {
            let r: SaveConference = request(call)?;
            let saved = b.save_occurrence_notified(
                &incoming(b, call, conference_of(&r)?)?,
                BookingMode::Strict,
                call.user,
                &call.notify(),
            )?;
            result(call, full(&saved))
        }
        "SaveConferences" => {
            let r: SaveConferences = request(call)?;
            let reqs = r
                .Conferences
                .iter()
                .map(|c| incoming(b, call, c.clone()))
                .collect::<Result<Vec<_>, _>>()?;
            let saved = b.save_all(&reqs, call.user, &call.notify())?;
            result(
                call,
                ArrayOfConference {
                    Conference: saved
                        .iter()
                        .map(|s| view(s, SeriesDetail::Exceptions))
                        .collect(),
                },
            )
        }
        "GetRecordingAliases" => {
            let r: crate::contract::remote::GetRecordingAliases = request(call)?;
            let devices = b.recording_aliases(call.user, r.UserName.as_deref().unwrap_or(""))?;
            scalar(call, &recording_devices(devices))
        }
        "GetConferenceById" => {
            let r: ById = request(call)?;
            let found = readable(call, b.get(r.ConferenceId as i64)?)?;
            result(call, view(&found, SeriesDetail::Pattern))
        }
        "GetRecurrentConferenceById"
        | "GetRecurrentConferenceByIdWithFirstOngoingOrPendingStartTime" => {
            let r: ById = request(call)?;
            let detail = SeriesDetail::Recurrent {
                first_pending: call.operation != "GetRecurrentConferenceById",
            };
            let found = readable(call, b.get_series(r.ConferenceId as i64)?)?;
            result(call, view(&found, detail))
        }
        "GetConferenceByExternalId" => {
            let (src, key) = external_ids(&request(call)?)?;
            let found = readable(call, b.get_by_external(&src, &key)?)?;
            result(call, view(&found, SeriesDetail::Exceptions))
        }
        "GetConferenceIdByExternalId" => {
            let r: ByExternalId = request(call)?;
            let (src, key) = external_ids(&r)?;
            let c = b.meeting_by_external(&src, &key, occurrence_of(&r)?)?;
            scalar(call, &(c.id as i32))
        }
        "GetConferenceInstanceByExternalId" => {
            let r: ByExternalId = request(call)?;
            let (src, key) = external_ids(&r)?;
            let at = required_occurrence(&r)?;
            let found = readable(
                call,
                Booked::Meeting(b.meeting_by_external(&src, &key, Some(at))?),
            )?;
            let Booked::Meeting(c) = found else {
                return Err(Error::internal("an occurrence read as a series"));
            };
            result(call, full(&c))
        }
        "DeleteConferenceRecInstanceById" => {
            let r: ById = request(call)?;
            b.delete_occurrence(
                OccurrenceTarget::Id(r.ConferenceId as i64),
                call.user,
                &call.notify(),
            )?;
            Ok(Reply::default())
        }
        "DeleteConferenceInstanceByExternalId" => {
            let r: ByExternalId = request(call)?;
            let (src, key) = external_ids(&r)?;
            b.delete_occurrence(
                OccurrenceTarget::External {
                    source: &src,
                    key: &key,
                    at: required_occurrence(&r)?,
                },
                call.user,
                &call.notify(),
            )?;
            Ok(Reply::default())
        }
        "GetConferencesForUser" => {
            let r: GetConferencesForUser = request(call)?;
            let (from, to) = window(&r.StartTime, &r.EndTime)?;
            let list = b.for_user(
                r.UserName.as_deref().unwrap_or(""),
                from,
                to,
                status_filter(r.ConferenceStatus.unwrap_or(ConferenceStatus::All)),
                call.user,
            )?;
            listing(call, &list, now)
        }
        "GetConferencesForSystems" => {
            let r: GetConferencesForSystems = request(call)?;
            let (from, to) = window(&r.StartTime, &r.EndTime)?;
            let ids: Vec<i64> = r.SystemIds.iter().map(|i| *i as i64).collect();
            let list = b.for_systems(
                &ids,
                from,
                to,
                status_filter(r.ConferenceStatus.unwrap_or(ConferenceStatus::All)),
            )?;
            listing(call, &list, now)
        }
        "DeleteConferenceById" => {
            let r: ById = request(call)?;
            b.delete(Target::Id(r.ConferenceId as i64), call.user, &call.notify())?;
            Ok(Reply::default())
        }
        "DeleteConferenceByExternalId" => {
            let (src, key) = external_ids(&request(call)?)?;
            b.delete(
                Target::External {
                    source: &src,
                    key: &key,
                    occurrence: None,
                },
                call.user,
                &call.notify(),
            )?;
            Ok(Reply::default())
        }
        "EndConferenceById" => {
            let r: ById = request(call)?;
            b.end(Target::Id(r.ConferenceId as i64), call.user)?;
            Ok(Reply::default())
        }
        "EndConferenceByExternalId" => {
            let r: ByExternalId = request(call)?;
            let (src, key) = external_ids(&r)?;
            b.end(
                Target::External {
                    source: &src,
                    key: &key,
                    occurrence: occurrence_of(&r)?,
                },
                call.user,
            )?;
            Ok(Reply::default())
        }
        "GetTimeZoneRulesById" => {
            let r: GetTimeZoneRulesById = request(call)?;
            let year = now.year();
            let zone = windows_zones::zone(
                r.idString.as_deref().unwrap_or(""),
                year - ZONE_YEARS_BACK..=year + ZONE_YEARS_AHEAD,
            )?;
            scalar(
                call,
                &zone_rules::wire_rules(&zone.rules, &zone.display_name),
            )
        }
        "GetTransactionsSince" => {
            let r: GetTransactionsSince = request(call)?;
            let page = b.transactions_since(r.CurrentTransactionId, system_filter(&r.SystemId)?)?;
            let rows = log_rows(&page, transaction, |id| Transaction {
                TransactionId: id,
                TransType: Some(WireKind::ListIncomplete),
                ..Default::default()
            });
            scalar(call, &ArrayOfTransaction { Transaction: rows })
        }
        "GetTransactionsSinceWithExternalId" => {
            let r: GetTransactionsSince = request(call)?;
            let page = b.transactions_since(r.CurrentTransactionId, system_filter(&r.SystemId)?)?;
            let rows = log_rows(&page, transaction_with_external_id, |id| {
                TransactionWithExternalId {
                    TransactionId: id,
                    TransType: Some(WireKind::ListIncomplete),
                    ..Default::default()
                }
            });
            scalar(
                call,
                &ArrayOfTransactionWithExternalId {
                    TransactionWithExternalId: rows,
                },
            )
        }
        _ => Err(unknown_operation(call)),
    }
}

/// What a client saves, with what its version could not see of the stored conference put
/// back, so an older client never destroys what it was not shown.
fn incoming(b: &Booking, call: &Call, mut c: WireConference) -> Result<ConferenceRequest, Error> {
    if call.client_version < crate::contract::API_VERSION && c.ConferenceId > 0 {
        if let Ok(stored) = b.get(c.ConferenceId as i64) {
            let stored = wire_of_booked(
                &stored,
                b.now(),
                crate::contract::API_VERSION,
                &b.rules.time_zone,
                SeriesDetail::Exceptions,
            );
            restore_unseen(&mut c, &stored, call.client_version);
        }
    }
    request_of(&c, call.client_version)
}

fn conference_of(r: &SaveConference) -> Result<WireConference, Error> {
    r.Conference
        .clone()
        .ok_or_else(|| Error::malformed("The request holds no Conference element."))
}

fn listing(
    call: &Call,
    list: &[Conference],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Reply, Error> {
    result(
        call,
        ArrayOfConference {
            Conference: list
                .iter()
                .map(|c| wire_of(c, now, Detail::Listing))
                .collect(),
        },
    )
}

fn external_ids(r: &ByExternalId) -> Result<(String, String), Error> {
    match (&r.ExternalSourceId, &r.ExternalConferenceId) {
        (Some(s), Some(k)) if !k.is_empty() => Ok((s.clone(), k.clone())),
        _ => Err(Error::new(
            ErrorCode::MeetingNotFound,
            "ExternalSourceId and ExternalConferenceId are both required.",
        )),
    }
}

/// The occurrence a RecurrenceIdUTC names, if the client named one.
fn occurrence_of(r: &ByExternalId) -> Result<Option<chrono::DateTime<chrono::Utc>>, Error> {
    r.RecurrenceIdUTC
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_utc)
        .transpose()
}

fn required_occurrence(r: &ByExternalId) -> Result<chrono::DateTime<chrono::Utc>, Error> {
    occurrence_of(r)?.ok_or_else(|| {
        Error::new(
            ErrorCode::InstanceNotFoundWithinPattern,
            "RecurrenceIdUTC is required to name an occurrence.",
        )
    })
}

fn window(
    start: &Option<String>,
    end: &Option<String>,
) -> Result<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>), Error> {
    let parse = |s: &Option<String>, what: &str| {
        s.as_deref()
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidDatetimeFormat,
                    format!("{what} is required."),
                )
            })
            .and_then(parse_xsd)
    };
    Ok((parse(start, "StartTime")?, parse(end, "EndTime")?))
}

fn system_filter(s: &Option<String>) -> Result<Option<i64>, Error> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            Error::new(
                ErrorCode::SystemNotFound,
                format!("SystemId '{v}' is not a system id."),
            )
        }),
    }
}

/// One page of the log as wire rows, closed by the ListIncomplete marker (carrying the last
/// id, where the client asks again from) when more remain.
fn log_rows<T>(
    page: &TransactionPage,
    row: impl Fn(&crate::domain::Transaction) -> T,
    marker: impl FnOnce(i32) -> T,
) -> Vec<T> {
    let mut rows: Vec<T> = page.transactions.iter().map(row).collect();
    if page.incomplete {
        let last = page.transactions.last().map_or(0, |t| t.id as i32);
        rows.push(marker(last));
    }
    rows
}

fn transaction_with_external_id(t: &crate::domain::Transaction) -> TransactionWithExternalId {
    let w = transaction(t);
    TransactionWithExternalId {
        TransactionId: w.TransactionId,
        ConferenceId: w.ConferenceId,
        TransType: w.TransType,
        PerformedByUserId: w.PerformedByUserId,
        ParticipantIds: w.ParticipantIds,
        ExternalSourceId: t.external_source_id.clone(),
        ExternalPrimaryKey: t.external_primary_key.clone(),
        RecurrenceIdUTC: t.recurrence_instance.map(format_utc),
    }
}

fn transaction(t: &crate::domain::Transaction) -> Transaction {
    Transaction {
        TransactionId: t.id as i32,
        ConferenceId: t.conference_id as i32,
        TransType: Some(match t.kind {
            TransactionType::New => WireKind::New,
            TransactionType::Updated => WireKind::Updated,
            TransactionType::Deleted => WireKind::Deleted,
        }),
        PerformedByUserId: t.performed_by_user_id as i32,
        ParticipantIds: Some(
            t.system_ids
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ),
    }
}

/// The conference, if the caller may read it (spec: NO_ACCESS_TO_CONFERENCE).
fn readable(call: &Call, found: Booked) -> Result<Booked, Error> {
    let c = match &found {
        Booked::Meeting(c) => c,
        Booked::Series(s) => &s.conference,
    };
    crate::domain::rights::may_read(&call.user.rights, call.user.id, c.owner.id, c.id)?;
    Ok(found)
}

fn recording_devices(
    devices: Vec<(crate::domain::System, Vec<String>)>,
) -> crate::contract::remote::ArrayOfRecordingDevice {
    use crate::contract::remote::{AliasInfo, ArrayOfAliasInfo, RecordingDevice};
    crate::contract::remote::ArrayOfRecordingDevice {
        RecordingDevice: devices
            .into_iter()
            .map(|(s, aliases)| RecordingDevice {
                Name: Some(s.name.clone()),
                Aliases: Some(ArrayOfAliasInfo {
                    AliasInfo: aliases
                        .into_iter()
                        .map(|a| AliasInfo {
                            SystemId: s.id as i32,
                            AliasId: Some(a),
                        })
                        .collect(),
                }),
            })
            .collect(),
    }
}
