//! Wire ⇄ domain conversion, done once, here (design decision 2).
use super::recurrence_pattern::{recurrence_of, wire_exception, wire_pattern};
use crate::booking::{stored_zone, Booked};
use crate::contract::conference as w;
use crate::contract::enums as we;
use crate::domain::state::{series_state, state_of};
use crate::domain::time::{format_utc, parse_utc};
use crate::domain::{self as d, Conference, ConferenceRequest, ConferenceState, Error, ErrorCode};
use chrono::{DateTime, Utc};

pub fn conference_type(t: we::ConferenceType) -> Option<d::ConferenceType> {
    use d::ConferenceType as D;
    use we::ConferenceType as W;
    match t {
        W::ReservationOnly => Some(D::ReservationOnly),
        W::AutomaticCallLaunch => Some(D::AutomaticCallLaunch),
        W::ManualCallLaunch => Some(D::ManualCallLaunch),
        W::AdHoc => Some(D::AdHoc),
        W::OneButtonToPush => Some(D::OneButtonToPush),
        W::NoConnect => Some(D::NoConnect),
        W::Default => None,
    }
}

pub fn wire_conference_type(t: d::ConferenceType) -> we::ConferenceType {
    use d::ConferenceType as D;
    use we::ConferenceType as W;
    match t {
        D::ReservationOnly => W::ReservationOnly,
        D::AutomaticCallLaunch => W::AutomaticCallLaunch,
        D::ManualCallLaunch => W::ManualCallLaunch,
        D::AdHoc => W::AdHoc,
        D::OneButtonToPush => W::OneButtonToPush,
        D::NoConnect => W::NoConnect,
    }
}

/// Pairs of wire and domain bandwidths; `Default` has no domain value.
const BANDWIDTHS: [(we::Bandwidth, d::Bandwidth); 19] = {
    use d::Bandwidth as D;
    use we::Bandwidth as W;
    [
        (W::B1x64, D::B1x64),
        (W::B2x128, D::B2x128),
        (W::B3x192, D::B3x192),
        (W::B4x256, D::B4x256),
        (W::B5x320, D::B5x320),
        (W::B6x384, D::B6x384),
        (W::B8x512, D::B8x512),
        (W::B12x768, D::B12x768),
        (W::B18x1152, D::B18x1152),
        (W::B23x1472, D::B23x1472),
        (W::B30x1920, D::B30x1920),
        (W::B32x2048, D::B32x2048),
        (W::B48x3072, D::B48x3072),
        (W::B64x4096, D::B64x4096),
        (W::B7x448, D::B7x448),
        (W::B40x2560, D::B40x2560),
        (W::B96x6144, D::B96x6144),
        (W::Max, D::Max),
        (W::K6000, D::K6000),
    ]
};

pub fn bandwidth(b: we::Bandwidth) -> Option<d::Bandwidth> {
    BANDWIDTHS.iter().find(|(w, _)| *w == b).map(|(_, d)| *d)
}

pub fn wire_bandwidth(b: d::Bandwidth) -> we::Bandwidth {
    BANDWIDTHS
        .iter()
        .find(|(_, d)| *d == b)
        .map(|(w, _)| *w)
        .unwrap_or(we::Bandwidth::Default)
}

pub fn picture_mode(p: we::PictureMode) -> Option<d::PictureMode> {
    use we::PictureMode as W;
    match p {
        W::ContinuousPresence => Some(d::PictureMode::ContinuousPresence),
        W::EnhancedCp => Some(d::PictureMode::EnhancedCp),
        W::VoiceSwitched => Some(d::PictureMode::VoiceSwitched),
        W::Default => None,
    }
}

pub fn wire_picture_mode(p: d::PictureMode) -> we::PictureMode {
    match p {
        d::PictureMode::ContinuousPresence => we::PictureMode::ContinuousPresence,
        d::PictureMode::EnhancedCp => we::PictureMode::EnhancedCp,
        d::PictureMode::VoiceSwitched => we::PictureMode::VoiceSwitched,
    }
}

pub fn encryption(e: we::EncryptionRequested) -> Option<d::Preference> {
    use we::EncryptionRequested as W;
    match e {
        W::Yes => Some(d::Preference::Yes),
        W::No => Some(d::Preference::No),
        W::IfPossible => Some(d::Preference::IfPossible),
        W::Default => None,
    }
}

pub fn wire_encryption(p: d::Preference) -> we::EncryptionRequested {
    match p {
        d::Preference::Yes => we::EncryptionRequested::Yes,
        d::Preference::No => we::EncryptionRequested::No,
        d::Preference::IfPossible => we::EncryptionRequested::IfPossible,
    }
}

pub fn data_conference(e: we::DataConferenceMode) -> Option<d::Preference> {
    use we::DataConferenceMode as W;
    match e {
        W::Yes => Some(d::Preference::Yes),
        W::No => Some(d::Preference::No),
        W::IfPossible => Some(d::Preference::IfPossible),
        W::Default => None,
    }
}

pub fn wire_data_conference(p: d::Preference) -> we::DataConferenceMode {
    match p {
        d::Preference::Yes => we::DataConferenceMode::Yes,
        d::Preference::No => we::DataConferenceMode::No,
        d::Preference::IfPossible => we::DataConferenceMode::IfPossible,
    }
}

pub fn extend_option(e: we::ExtendOptionRequested) -> Option<d::ExtendOption> {
    use we::ExtendOptionRequested as W;
    match e {
        W::Yes => Some(d::ExtendOption::Yes),
        W::No => Some(d::ExtendOption::No),
        W::AutomaticBestEffort => Some(d::ExtendOption::AutomaticBestEffort),
        W::Default => None,
    }
}

pub fn wire_extend_option(e: d::ExtendOption) -> we::ExtendOptionRequested {
    match e {
        d::ExtendOption::Yes => we::ExtendOptionRequested::Yes,
        d::ExtendOption::No => we::ExtendOptionRequested::No,
        d::ExtendOption::AutomaticBestEffort => we::ExtendOptionRequested::AutomaticBestEffort,
    }
}

const CALL_TYPES: [(we::ParticipantType, d::CallType); 18] = {
    use d::CallType as D;
    use we::ParticipantType as W;
    [
        (W::Tms, D::Tms),
        (W::IpVideoIn, D::IpVideoDialIn),
        (W::IpTelIn, D::IpTelDialIn),
        (W::IsdnVideoIn, D::IsdnVideoDialIn),
        (W::TelephoneIn, D::TelephoneDialIn),
        (W::IpVideoOut, D::IpVideoDialOut),
        (W::IpTelOut, D::IpTelDialOut),
        (W::IsdnVideoOut, D::IsdnVideoDialOut),
        (W::TelephoneOut, D::TelephoneDialOut),
        (W::Directory, D::Directory),
        (W::User, D::User),
        (W::SipIn, D::SipDialIn),
        (W::SipOut, D::SipDialOut),
        (W::ThreeGIn, D::ThreeGDialIn),
        (W::ThreeGOut, D::ThreeGDialOut),
        (W::Master, D::MasterParticipant),
        (W::SipTelIn, D::SipTelDialIn),
        (W::SipTelOut, D::SipTelDialOut),
    ]
};

pub fn call_type(t: we::ParticipantType) -> d::CallType {
    CALL_TYPES
        .iter()
        .find(|(w, _)| *w == t)
        .map(|(_, d)| *d)
        .unwrap_or(d::CallType::Tms)
}

pub fn wire_call_type(t: d::CallType) -> we::ParticipantType {
    CALL_TYPES
        .iter()
        .find(|(_, d)| *d == t)
        .map(|(w, _)| *w)
        .unwrap_or(we::ParticipantType::Tms)
}

pub fn status_filter(s: we::ConferenceStatus) -> d::StatusFilter {
    use d::StatusFilter as D;
    use we::ConferenceStatus as W;
    match s {
        W::All => D::All,
        W::AllExceptDeleted => D::AllExceptDeleted,
        W::Pending => D::Pending,
        W::Ongoing => D::Ongoing,
        W::Finished => D::Finished,
        W::PendingAndOngoing => D::PendingAndOngoing,
        W::MeetingRequest => D::MeetingRequest,
        W::Rejected => D::Rejected,
        W::NotSaved => D::NotSaved,
        W::Defective => D::Defective,
        W::Deleted => D::Deleted,
    }
}

pub fn wire_state(s: ConferenceState) -> we::ConferenceStatus {
    match s {
        ConferenceState::Pending => we::ConferenceStatus::Pending,
        ConferenceState::Ongoing => we::ConferenceStatus::Ongoing,
        ConferenceState::Finished => we::ConferenceStatus::Finished,
        ConferenceState::Defective => we::ConferenceStatus::Defective,
        ConferenceState::Deleted => we::ConferenceStatus::Deleted,
        ConferenceState::MeetingRequest => we::ConferenceStatus::MeetingRequest,
        ConferenceState::Rejected => we::ConferenceStatus::Rejected,
    }
}

pub fn booking_mode(m: Option<we::BookingMode>) -> d::BookingMode {
    match m {
        Some(we::BookingMode::BestEffortForced) => d::BookingMode::BestEffortForced,
        _ => d::BookingMode::Strict,
    }
}

fn to_xml<T: serde::Serialize>(root: &str, v: &T) -> Result<String, Error> {
    quick_xml::se::to_string_with_root(root, v).map_err(|e| Error::internal(e.to_string()))
}

fn from_xml<T: serde::de::DeserializeOwned>(xml: &str) -> Option<T> {
    quick_xml::de::from_str(xml).ok()
}

fn opt_time(s: &Option<String>) -> Result<Option<DateTime<Utc>>, Error> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => parse_utc(t).map(Some),
    }
}

/// A Conference element as a client sent it → what it asks bridgebook to save.
pub fn request_of(c: &w::Conference, client_version: u32) -> Result<ConferenceRequest, Error> {
    let recurrence = c
        .RecurrencePattern
        .as_ref()
        .map(|p| recurrence_of(p, client_version))
        .transpose()?
        .flatten();
    let rules = c
        .ConferenceTimeZoneRules
        .as_ref()
        .filter(|r| !r.TimeZoneRule.is_empty());
    let time_zone = rules.map(super::zone_rules::zone_of).transpose()?;
    let participants = match &c.Participants {
        None => None,
        Some(list) => Some(
            list.Participant
                .iter()
                .map(|p| {
                    let t = p.ParticipantCallType.ok_or_else(|| {
                        Error::new(
                            ErrorCode::ParticipantError,
                            "A participant has no ParticipantCallType.",
                        )
                    })?;
                    Ok(d::Participant {
                        id: p.ParticipantId as i64,
                        name_or_number: p.NameOrNumber.clone().filter(|s| !s.is_empty()),
                        email: p.EmailAddress.clone().filter(|s| !s.is_empty()),
                        call_type: call_type(t),
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?,
        ),
    };
    let dial_string = c
        .ExternalConference
        .as_ref()
        .and_then(|e| e.ExternallyHosted.as_ref())
        .and_then(|h| h.DialString.clone())
        .filter(|s| !s.trim().is_empty());
    Ok(ConferenceRequest {
        id: c.ConferenceId as i64,
        title: c.Title.clone(),
        start: opt_time(&c.StartTimeUTC)?,
        end: opt_time(&c.EndTimeUTC)?,
        owner: d::Owner {
            id: c.OwnerId,
            user_name: c.OwnerUserName.clone().filter(|s| !s.is_empty()),
            first_name: c.OwnerFirstName.clone().filter(|s| !s.is_empty()),
            last_name: c.OwnerLastName.clone().filter(|s| !s.is_empty()),
            email: c.OwnerEmailAddress.clone().filter(|s| !s.is_empty()),
        },
        conference_type: c.ConferenceType.and_then(conference_type),
        bandwidth: c.Bandwidth.and_then(bandwidth),
        isdn_bandwidth: c
            .ISDNBandwidth
            .as_ref()
            .and_then(|b| b.Bandwidth)
            .and_then(bandwidth),
        ip_bandwidth: c
            .IPBandwidth
            .as_ref()
            .and_then(|b| b.Bandwidth)
            .and_then(bandwidth),
        picture_mode: c.PictureMode.and_then(picture_mode),
        encrypted: c.Encrypted.and_then(encryption),
        data_conference: c.DataConference.and_then(data_conference),
        extend_option: c.ShowExtendOption.and_then(extend_option),
        password: c.Password.clone(),
        billing_code: c.BillingCode.clone(),
        secret_code: c.SecretCode.clone(),
        conf_bundle_id: c.ConfBundleId.clone(),
        conf_owner_id: c.ConfOwnerId.clone(),
        isdn_restrict: c.ISDNRestrict,
        email_to: c.EmailTo.clone(),
        user_message: c.UserMessageText.clone(),
        language: c.ConferenceLanguage.clone(),
        location: c.Location.clone(),
        invitees: c.Invitees.clone(),
        meeting_source: c.MeetingSource.clone(),
        privacy_flag: c.PrivacyFlag.clone(),
        recording_enabled: c.IsRecordingEnabled,
        // Kept as the client sent them, once they pass every validity rule.
        time_zone_rules_xml: rules
            .map(|r| to_xml("ConferenceTimeZoneRules", r))
            .transpose()?,
        time_zone,
        external_conference_xml: c
            .ExternalConference
            .as_ref()
            .map(|e| to_xml("ExternalConference", e))
            .transpose()?,
        externally_hosted_dial_string: dial_string,
        webex: c
            .ExternalConference
            .as_ref()
            .and_then(|e| e.WebEx.as_ref())
            .map(|w| d::WebexRequest {
                owned_externally: w.OwnedExternally == Some(true),
                sip_url: w.SipUrl.0.clone().filter(|s| !s.trim().is_empty()),
            }),
        external_source_id: c.ExternalSourceId.clone(),
        external_primary_key: c.ExternalPrimaryKey.clone(),
        participants,
        version: c.Version,
        recurrence,
        instance: opt_time(&c.RecurrenceInstanceIdUTC)?,
    })
}

/// Which parts of a conference a listing leaves out (spec: GetConferencesForUser).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Full,
    Listing,
}

/// A stored conference → the Conference element, as of `now`.
pub fn wire_of(c: &Conference, now: DateTime<Utc>, detail: Detail) -> w::Conference {
    let s = &c.settings;
    let full = detail == Detail::Full;
    // Dial-in details only while the meeting is booked on its bridge.
    let bridge = match (&c.route, c.status) {
        (Some(d::route::RoutePlan::Bridge(r)), d::StoredStatus::Booked) => Some(r),
        _ => None,
    };
    let note = match (&c.route, c.status) {
        (Some(route), d::StoredStatus::Booked) => {
            let rooms = c
                .participants
                .iter()
                .filter(|p| p.call_type == d::CallType::Tms)
                .count();
            d::route::launch_note(s.conference_type, route, rooms)
        }
        _ => None,
    };
    // Listings carry no ConferenceInfoText or ConferenceInfoHtml (spec, GetConferencesFor…).
    let (info_bridge, note) = if full { (bridge, note) } else { (None, None) };
    w::Conference {
        ConferenceId: c.id as i32,
        Title: Some(c.title.clone()),
        StartTimeUTC: Some(format_utc(c.start)),
        EndTimeUTC: Some(format_utc(c.end)),
        OwnerId: c.owner.id,
        OwnerUserName: c.owner.user_name.clone(),
        OwnerFirstName: c.owner.first_name.clone(),
        OwnerLastName: c.owner.last_name.clone(),
        OwnerEmailAddress: c.owner.email.clone(),
        ConferenceType: Some(wire_conference_type(s.conference_type)),
        Bandwidth: Some(wire_bandwidth(s.bandwidth)),
        PictureMode: Some(wire_picture_mode(s.picture_mode)),
        Encrypted: Some(wire_encryption(s.encrypted)),
        DataConference: Some(wire_data_conference(s.data_conference)),
        ShowExtendOption: Some(wire_extend_option(s.extend_option)),
        // The PIN a bridge made is the Password invitees are told.
        Password: s
            .password
            .clone()
            .or_else(|| bridge.and_then(|r| r.pin.clone())),
        BillingCode: s.billing_code.clone(),
        SecretCode: s.secret_code.clone(),
        ConfBundleId: s.conf_bundle_id.clone(),
        ConfOwnerId: s.conf_owner_id.clone(),
        ISDNRestrict: Some(s.isdn_restrict),
        ExternalConference: s
            .external_conference_xml
            .as_deref()
            .filter(|_| full)
            .and_then(from_xml),
        EmailTo: s.email_to.clone(),
        UserMessageText: s.user_message.clone(),
        ExternalSourceId: c.external_source_id.clone(),
        ExternalPrimaryKey: c.external_primary_key.clone(),
        Participants: full.then(|| w::ArrayOfParticipant {
            Participant: c
                .participants
                .iter()
                .map(|p| w::Participant {
                    ParticipantId: p.id as i32,
                    NameOrNumber: p.name_or_number.clone(),
                    EmailAddress: p.email.clone(),
                    ParticipantCallType: Some(wire_call_type(p.call_type)),
                })
                .collect(),
        }),
        ISDNBandwidth: Some(w::BandwidthOverride {
            Bandwidth: Some(wire_bandwidth(s.isdn_bandwidth)),
        }),
        IPBandwidth: Some(w::BandwidthOverride {
            Bandwidth: Some(wire_bandwidth(s.ip_bandwidth)),
        }),
        ConferenceLanguage: s.language.clone(),
        ConferenceTimeZoneRules: s
            .time_zone_rules_xml
            .as_deref()
            .and_then(from_xml)
            .or_else(|| named_zone_rules(s.zone_name.as_deref()?, c.start)),
        ConferenceState: Some(w::ConferenceStateOverride {
            Status: Some(if c.id < 0 {
                we::ConferenceStatus::Pending
            } else {
                wire_state(state_of(c, now))
            }),
        }),
        Version: Some(c.version),
        Location: s.location.clone(),
        Invitees: s.invitees.clone(),
        MeetingSource: s.meeting_source.clone(),
        PrivacyFlag: s.privacy_flag.clone(),
        TransactionId: (c.transaction_id > 0).then_some(c.transaction_id),
        IsRecordingEnabled: Some(s.recording_enabled),
        ConferenceInfoText: info(info_bridge.map(|r| r.info_text()), note, |n| n.to_string()),
        ConferenceInfoHtml: info(info_bridge.map(|r| r.info_html()), note, |n| {
            format!("<p>{n}</p>")
        }),
        JoinUri: bridge.map(|r| format!("sip:{}", r.sip_uri)),
        JoinUrl: bridge.and_then(|r| r.join_url.clone()),
        RecurrenceInstanceIdUTC: c.series.instance_at.map(format_utc),
        FirstOccurrenceRecInstanceIdUTC: c.series.first_instance.map(format_utc),
        RecurrenceInstanceType: c.series.instance_at.and_then(|_| {
            if c.status == d::StoredStatus::Deleted {
                Some("deleted".to_string())
            } else {
                c.series.exception.then(|| "modify".to_string())
            }
        }),
        DetachedFromExternalSourceId: c.series.detached_source_id.clone(),
        DetachedFromExternalPrimaryKey: c.series.detached_primary_key.clone(),
        ..Default::default()
    }
}

/// How much of a series an answer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesDetail {
    /// The series with its pattern.
    Pattern,
    /// With its exceptions too (GetConferenceByExternalId).
    Exceptions,
    /// GetRecurrentConferenceById: exceptions, and a negative id once deleted; with
    /// `first_pending`, the times of its first ongoing or pending occurrence.
    Recurrent { first_pending: bool },
}

/// A meeting or a series → the Conference element, as of `now`, for a client of
/// `client_version`.
pub fn wire_of_booked(
    b: &Booked,
    now: DateTime<Utc>,
    client_version: u32,
    default_zone: &str,
    detail: SeriesDetail,
) -> w::Conference {
    let s = match b {
        Booked::Meeting(c) => return wire_of(c, now, Detail::Full),
        Booked::Series(s) => s,
    };
    let head = &s.conference;
    let mut out = wire_of(head, now, Detail::Full);
    out.ConferenceState = Some(w::ConferenceStateOverride {
        Status: Some(wire_state(series_state(head, &s.occurrences, now))),
    });
    let Some(r) = &head.series.recurrence else {
        return out;
    };
    let zone = stored_zone(head, default_zone);
    let mut pattern = wire_pattern(
        r,
        &zone,
        &crate::booking::server_zone(default_zone),
        client_version,
    );
    out.FirstOccurrenceRecInstanceIdUTC = Some(format_utc(r.first_instance));
    if detail != SeriesDetail::Pattern {
        let list: Vec<w::RecurrenceException> = s
            .occurrences
            .iter()
            .filter(|o| o.series.exception)
            .filter_map(|o| {
                let modified =
                    (o.status != d::StoredStatus::Deleted).then(|| wire_of(o, now, Detail::Full));
                o.series.instance_at.map(|i| wire_exception(i, modified))
            })
            .collect();
        pattern.Exceptions = Some(w::ArrayOfRecurrenceException {
            RecurrenceException: list,
        });
    }
    if let SeriesDetail::Recurrent { first_pending } = detail {
        if head.status == d::StoredStatus::Deleted {
            out.ConferenceId = -out.ConferenceId;
        }
        if first_pending {
            if let Some(o) = s
                .occurrences
                .iter()
                .find(|o| o.status != d::StoredStatus::Deleted && o.end > now)
            {
                out.StartTimeUTC = Some(format_utc(o.start));
                out.EndTimeUTC = Some(format_utc(o.end));
            }
        }
    }
    out.RecurrencePattern = Some(pattern);
    out
}

/// The rules of the named zone a conference was booked in, for the years around it: what
/// a client of version 11 and later reads when it sent no rules (TMS always answers them).
fn named_zone_rules(name: &str, start: DateTime<Utc>) -> Option<w::ArrayOfTimeZoneRule> {
    use chrono::Datelike;
    let z = crate::domain::windows_zones::of_iana(name, start.year() - 1..=start.year() + 10)?;
    Some(super::zone_rules::wire_rules(&z.rules, &z.display_name))
}

/// How to join, then who calls whom, each when there is something to say.
fn info(join: Option<String>, note: Option<&str>, form: impl Fn(&str) -> String) -> Option<String> {
    match (join, note) {
        (Some(j), Some(n)) => Some(format!("{j}\n{}", form(n))),
        (j, n) => j.or(n.map(form)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_bandwidth_but_default_maps_both_ways() {
        for b in we::Bandwidth::ALL {
            match bandwidth(*b) {
                Some(d) => assert_eq!(wire_bandwidth(d), *b),
                None => assert_eq!(*b, we::Bandwidth::Default),
            }
        }
    }

    #[test]
    fn every_call_type_maps_both_ways() {
        for t in we::ParticipantType::ALL {
            assert_eq!(wire_call_type(call_type(*t)), *t);
        }
    }
}
