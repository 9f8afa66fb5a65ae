//! The documented rules a single-meeting save must pass, and how a request is merged with
//! what is stored. Pure: the clock, the defaults and the stored conference are arguments.
use super::conference::*;
use super::error::{Error, ErrorCode, Result};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;

/// Installation-wide booking rules.
#[derive(Debug, Clone)]
pub struct BookingRules {
    /// How far ahead a meeting may start (the TMS booking window).
    pub booking_window_days: i64,
    pub default_duration_minutes: i64,
    pub defaults: Settings,
    /// The zone of series that name none and whose first system has none.
    pub time_zone: String,
}

/// A conference ready to be checked against the store and planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub owner: Owner,
    pub settings: Settings,
    pub participants: Vec<Participant>,
    pub external_source_id: Option<String>,
    pub external_primary_key: Option<String>,
}

impl Draft {
    /// Distinct ids of the systems booked, in the order first named.
    pub fn system_ids(&self) -> Vec<i64> {
        let mut seen = HashSet::new();
        self.participants
            .iter()
            .filter(|p| p.call_type == CallType::Tms)
            .map(|p| p.id)
            .filter(|id| seen.insert(*id))
            .collect()
    }
}

const RESERVED_SOURCES: [&str; 2] = ["TMS", "TMS-ADHOC"];
const RESERVED_MEETING_SOURCE: &str = "EX:PROXY";
const TITLE_LIMIT: usize = 255;

/// The title as it will be stored: quotes discarded, the default when empty.
pub fn clean_title(title: Option<&str>, start: DateTime<Utc>) -> Result<String> {
    let stripped: String = title
        .unwrap_or("")
        .chars()
        .filter(|c| *c != '\'' && *c != '"')
        .collect();
    let trimmed = stripped.trim();
    if trimmed.chars().count() > TITLE_LIMIT {
        return Err(Error::invalid(format!(
            "The title is longer than {TITLE_LIMIT} characters."
        )));
    }
    Ok(if trimmed.is_empty() {
        default_title(start)
    } else {
        trimmed.to_string()
    })
}

pub fn default_title(start: DateTime<Utc>) -> String {
    format!("Meeting {}", start.format("%Y-%m-%d %H:%M"))
}

/// Merges `req` over `existing` (or the defaults for a new booking) and applies every rule
/// that needs nothing but the request, the stored conference and the clock.
pub fn prepare(
    req: &ConferenceRequest,
    existing: Option<&Conference>,
    rules: &BookingRules,
    now: DateTime<Utc>,
) -> Result<Draft> {
    check_reserved(req)?;
    if let Some(c) = existing {
        check_not_deleted(c)?;
        if c.end <= now {
            return Err(Error::new(
                ErrorCode::CannotBookInThePast,
                format!("Conference {} has ended and cannot be changed.", c.id),
            ));
        }
    }
    merge(req, existing, rules, |start, end| {
        check_times(start, end, existing, rules, now)
    })
}

/// The template of a series (its first meeting, settings and participants) merged over the
/// stored series. Times are checked per occurrence once the series is expanded.
pub fn prepare_series(
    req: &ConferenceRequest,
    series: Option<&Conference>,
    rules: &BookingRules,
) -> Result<Draft> {
    check_reserved(req)?;
    if let Some(c) = series {
        check_not_deleted(c)?;
    }
    merge(req, series, rules, |start, end| {
        if start >= end {
            return Err(Error::new(
                ErrorCode::StartTimeAfterEndTime,
                "The start time must be before the end time.",
            ));
        }
        Ok(())
    })
}

fn check_not_deleted(c: &Conference) -> Result<()> {
    if c.status == StoredStatus::Deleted {
        return Err(Error::new(
            ErrorCode::MeetingIsDeleted,
            format!("Conference {} has been deleted.", c.id),
        ));
    }
    Ok(())
}

fn merge(
    req: &ConferenceRequest,
    existing: Option<&Conference>,
    rules: &BookingRules,
    check_times: impl FnOnce(DateTime<Utc>, DateTime<Utc>) -> Result<()>,
) -> Result<Draft> {
    let start = req
        .start
        .or(existing.map(|c| c.start))
        .ok_or_else(|| missing_time("StartTimeUTC"))?;
    let end = req
        .end
        .or(existing.map(|c| c.end))
        .ok_or_else(|| missing_time("EndTimeUTC"))?;
    check_times(start, end)?;

    let base = existing
        .map(|c| c.settings.clone())
        .unwrap_or_else(|| rules.defaults.clone());
    let settings = merge_settings(req, base);

    let participants = match (&req.participants, existing) {
        (Some(list), _) => number_participants(list)?,
        (None, Some(c)) => c.participants.clone(),
        (None, None) => Vec::new(),
    };
    check_participants(&participants, settings.conference_type)?;
    check_external(req.webex.as_ref(), &settings, &participants)?;

    let title = match (&req.title, existing) {
        (None, Some(c)) => c.title.clone(),
        (t, _) => clean_title(t.as_deref(), start)?,
    };
    let owner = if existing.is_some() && req.owner == Owner::default() {
        existing.map(|c| c.owner.clone()).unwrap_or_default()
    } else {
        req.owner.clone()
    };

    Ok(Draft {
        title,
        start,
        end,
        owner,
        settings,
        participants,
        external_source_id: non_empty(&req.external_source_id)
            .or_else(|| existing.and_then(|c| c.external_source_id.clone())),
        external_primary_key: non_empty(&req.external_primary_key)
            .or_else(|| existing.and_then(|c| c.external_primary_key.clone())),
    })
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|v| !v.is_empty()).cloned()
}

fn missing_time(element: &str) -> Error {
    Error::new(
        ErrorCode::InvalidDatetimeFormat,
        format!("{element} is required, as a UTC date-time ending with Z."),
    )
}

fn check_reserved(req: &ConferenceRequest) -> Result<()> {
    if let Some(src) = &req.external_source_id {
        if RESERVED_SOURCES
            .iter()
            .any(|r| r.eq_ignore_ascii_case(src.trim()))
        {
            return Err(Error::invalid(format!(
                "ExternalSourceId '{src}' is reserved for internal use."
            )));
        }
    }
    if let Some(ms) = &req.meeting_source {
        if ms.trim().eq_ignore_ascii_case(RESERVED_MEETING_SOURCE) {
            return Err(Error::invalid(format!(
                "MeetingSource '{RESERVED_MEETING_SOURCE}' is reserved for internal use."
            )));
        }
    }
    Ok(())
}

fn check_times(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    existing: Option<&Conference>,
    rules: &BookingRules,
    now: DateTime<Utc>,
) -> Result<()> {
    if start >= end {
        return Err(Error::new(
            ErrorCode::StartTimeAfterEndTime,
            "The start time must be before the end time.",
        ));
    }
    if end <= now {
        return Err(Error::new(
            ErrorCode::CannotBookInThePast,
            "You cannot book a conference in the past.",
        ));
    }
    if start > now + Duration::days(rules.booking_window_days) {
        return Err(Error::new(
            ErrorCode::StartTimeAfterMaxNumberOfDaysInFuture,
            format!(
                "The conference starts more than {} days ahead, outside the booking window.",
                rules.booking_window_days
            ),
        ));
    }
    if let Some(c) = existing {
        let ongoing = c.start <= now && now < c.end;
        if ongoing && start != c.start {
            return Err(Error::new(
                ErrorCode::MeetingActive,
                format!(
                    "Conference {} has started; its start time cannot change.",
                    c.id
                ),
            ));
        }
    }
    Ok(())
}

fn merge_settings(req: &ConferenceRequest, mut s: Settings) -> Settings {
    fn set<T: Clone>(slot: &mut T, v: &Option<T>) {
        if let Some(v) = v {
            *slot = v.clone();
        }
    }
    fn set_opt(slot: &mut Option<String>, v: &Option<String>) {
        if let Some(v) = v {
            *slot = (!v.is_empty()).then(|| v.clone());
        }
    }
    set(&mut s.conference_type, &req.conference_type);
    set(&mut s.bandwidth, &req.bandwidth);
    set(&mut s.isdn_bandwidth, &req.isdn_bandwidth);
    set(&mut s.ip_bandwidth, &req.ip_bandwidth);
    set(&mut s.picture_mode, &req.picture_mode);
    set(&mut s.encrypted, &req.encrypted);
    set(&mut s.data_conference, &req.data_conference);
    set(&mut s.extend_option, &req.extend_option);
    set(&mut s.isdn_restrict, &req.isdn_restrict);
    set(&mut s.recording_enabled, &req.recording_enabled);
    set_opt(&mut s.password, &req.password);
    set_opt(&mut s.billing_code, &req.billing_code);
    set_opt(&mut s.secret_code, &req.secret_code);
    set_opt(&mut s.conf_bundle_id, &req.conf_bundle_id);
    set_opt(&mut s.conf_owner_id, &req.conf_owner_id);
    set_opt(&mut s.email_to, &req.email_to);
    set_opt(&mut s.user_message, &req.user_message);
    set_opt(&mut s.language, &req.language);
    set_opt(&mut s.location, &req.location);
    set_opt(&mut s.invitees, &req.invitees);
    set_opt(&mut s.meeting_source, &req.meeting_source);
    set_opt(&mut s.privacy_flag, &req.privacy_flag);
    // Time-zone rules, once set, are never cleared by an update (spec: "Updating").
    if req.time_zone_rules_xml.is_some() {
        s.time_zone_rules_xml = req.time_zone_rules_xml.clone();
        s.time_zone = req.time_zone.clone();
    }
    if req.external_conference_xml.is_some() {
        s.external_conference_xml = req.external_conference_xml.clone();
        s.externally_hosted_dial_string = req.externally_hosted_dial_string.clone();
        s.webex_sip_url = req
            .webex
            .as_ref()
            .filter(|w| w.owned_externally)
            .and_then(|w| w.sip_url.clone());
    }
    s
}

/// Gives dial-ins negative ids and other external participants positive ids where the
/// client gave none (spec: Participant / ParticipantCallType).
pub fn number_participants(list: &[Participant]) -> Result<Vec<Participant>> {
    let mut used: HashSet<i64> = list.iter().map(|p| p.id).filter(|id| *id != 0).collect();
    let mut next_in = -1;
    let mut next_out = 1;
    let mut out = Vec::with_capacity(list.len());
    for p in list {
        let mut p = p.clone();
        match p.call_type.direction() {
            Direction::System => {
                if p.id <= 0 {
                    return Err(Error::new(
                        ErrorCode::SystemNotFound,
                        format!("Participant of type TMS needs the system id, got {}.", p.id),
                    ));
                }
            }
            Direction::DialIn => {
                if p.id >= 0 {
                    while used.contains(&next_in) {
                        next_in -= 1;
                    }
                    p.id = next_in;
                    used.insert(next_in);
                }
            }
            _ => {
                if p.id == 0 {
                    while used.contains(&next_out) {
                        next_out += 1;
                    }
                    p.id = next_out;
                    used.insert(next_out);
                }
            }
        }
        out.push(p);
    }
    Ok(out)
}

/// The spec's ExternalConference rules: WebEx only as booked by the client itself
/// (OwnedExternally, with the SipUrl the bridge dials), and an externally hosted conference
/// without WebEx, guaranteed encryption, dial-outs or non-SIP dial-ins.
pub fn check_external(
    webex: Option<&WebexRequest>,
    settings: &Settings,
    participants: &[Participant],
) -> Result<()> {
    if let Some(w) = webex {
        if !w.owned_externally {
            return Err(Error::new(
                ErrorCode::WebexError,
                "No WebEx site is configured, so WebEx meetings cannot be created here; book the \
                 WebEx meeting with WebEx and send it with OwnedExternally set to true and its SipUrl.",
            ));
        }
        if w.sip_url.as_deref().is_none_or(|u| u.trim().is_empty()) {
            return Err(Error::new(
                ErrorCode::WebexError,
                "A WebEx meeting owned externally needs the SipUrl the bridge dials out to.",
            ));
        }
    }
    if settings.externally_hosted_dial_string.is_none() {
        return Ok(());
    }
    if webex.is_some() || settings.webex_sip_url.is_some() {
        return Err(Error::new(
            ErrorCode::WebexError,
            "An externally hosted conference cannot include WebEx.",
        ));
    }
    let refuse = |what: String| {
        Err(Error::new(
            ErrorCode::ParticipantError,
            format!("An externally hosted conference cannot have {what}."),
        ))
    };
    if settings.encrypted == Preference::Yes {
        return refuse("guaranteed encryption (Encrypted Yes)".into());
    }
    for p in participants {
        match p.call_type.direction() {
            Direction::DialOut => return refuse("dial-out participants".into()),
            Direction::DialIn if p.call_type != CallType::SipDialIn => {
                return refuse("dial-in participants other than SIP".into())
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_participants(list: &[Participant], kind: ConferenceType) -> Result<()> {
    let mut systems = HashSet::new();
    let mut masters = Vec::new();
    for p in list {
        match p.call_type.direction() {
            Direction::System if p.call_type == CallType::MasterParticipant => masters.push(p.id),
            Direction::System => {
                if !systems.insert(p.id) {
                    return Err(Error::new(
                        ErrorCode::ParticipantError,
                        format!("System {} is listed twice.", p.id),
                    ));
                }
            }
            Direction::DialOut => {
                let number = p.name_or_number.as_deref().unwrap_or("").trim();
                if number.is_empty() {
                    return Err(Error::new(
                        ErrorCode::DialOutNumberNotSet,
                        "A dial-out participant has no number to dial in NameOrNumber.",
                    ));
                }
            }
            Direction::DialIn => {}
            Direction::Directory => {
                return Err(Error::new(
                    ErrorCode::ParticipantError,
                    "Phone book (Directory) participants are not supported: no phone book is configured.",
                ))
            }
            Direction::User => {
                return Err(Error::new(
                    ErrorCode::ParticipantError,
                    "The User participant type is not supported by the API.",
                ))
            }
        }
        let external = matches!(
            p.call_type.direction(),
            Direction::DialIn | Direction::DialOut
        );
        if external && kind == ConferenceType::ReservationOnly {
            return Err(Error::new(
                ErrorCode::CannotAddParticipant,
                "A Reservation Only conference cannot have dial-in or dial-out participants.",
            ));
        }
    }
    match masters.as_slice() {
        [] => Ok(()),
        [m] if systems.contains(m) => Ok(()),
        [m] => Err(Error::new(
            ErrorCode::ParticipantError,
            format!(
                "The TMS Master Participant {m} must also be a TMS participant of the conference."
            ),
        )),
        _ => Err(Error::new(
            ErrorCode::ParticipantError,
            "Only one TMS Master Participant is allowed.",
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap()
    }

    pub fn rules() -> BookingRules {
        BookingRules {
            booking_window_days: 365,
            time_zone: "UTC".into(),
            default_duration_minutes: 60,
            defaults: Settings {
                conference_type: ConferenceType::AutomaticCallLaunch,
                bandwidth: Bandwidth::B6x384,
                isdn_bandwidth: Bandwidth::B6x384,
                ip_bandwidth: Bandwidth::B30x1920,
                picture_mode: PictureMode::EnhancedCp,
                encrypted: Preference::IfPossible,
                data_conference: Preference::No,
                extend_option: ExtendOption::Yes,
                password: None,
                billing_code: None,
                secret_code: None,
                conf_bundle_id: None,
                conf_owner_id: None,
                isdn_restrict: false,
                email_to: None,
                user_message: None,
                language: Some("en-US".into()),
                location: None,
                invitees: None,
                meeting_source: None,
                privacy_flag: None,
                recording_enabled: false,
                time_zone_rules_xml: None,
                time_zone: None,
                zone_name: None,
                external_conference_xml: None,
                externally_hosted_dial_string: None,
                webex_sip_url: None,
            },
        }
    }

    fn p(id: i64, call_type: CallType, name: Option<&str>) -> Participant {
        Participant {
            id,
            name_or_number: name.map(String::from),
            email: None,
            call_type,
        }
    }

    fn req(start_h: i64, end_h: i64, participants: Vec<Participant>) -> ConferenceRequest {
        ConferenceRequest {
            id: -1,
            title: Some("Weekly \"sync\"".into()),
            start: Some(now() + Duration::hours(start_h)),
            end: Some(now() + Duration::hours(end_h)),
            participants: Some(participants),
            ..Default::default()
        }
    }

    fn stored(start_h: i64, end_h: i64) -> Conference {
        let d = prepare(
            &req(start_h, end_h, vec![]),
            None,
            &rules(),
            now() - Duration::days(2),
        )
        .unwrap();
        Conference {
            id: 7,
            title: d.title,
            start: d.start,
            end: d.end,
            owner: d.owner,
            settings: d.settings,
            participants: vec![p(1, CallType::Tms, None)],
            external_source_id: None,
            external_primary_key: None,
            version: 3,
            status: StoredStatus::Booked,
            defective_reason: None,
            transaction_id: 1,
            series: Default::default(),
            route: None,
        }
    }

    fn code(r: Result<Draft>) -> Option<ErrorCode> {
        r.err().map(|e| e.code)
    }

    #[test]
    fn rules_table() {
        use CallType::*;
        use ErrorCode::*;
        let tms = |id| p(id, Tms, None);
        let mut reserved = req(1, 2, vec![]);
        reserved.external_source_id = Some("tms-adhoc".into());
        let mut proxy = req(1, 2, vec![]);
        proxy.meeting_source = Some("EX:PROXY".into());
        let mut reservation_only = req(1, 2, vec![tms(1), p(0, SipDialIn, Some("guest"))]);
        reservation_only.conference_type = Some(ConferenceType::ReservationOnly);
        let mut long_title = req(1, 2, vec![]);
        long_title.title = Some("x".repeat(256));
        let mut no_start = req(1, 2, vec![]);
        no_start.start = None;

        let table: Vec<(&str, ConferenceRequest, Option<ErrorCode>)> = vec![
            ("valid", req(1, 2, vec![tms(1), tms(2)]), None),
            (
                "start after end",
                req(2, 1, vec![]),
                Some(StartTimeAfterEndTime),
            ),
            (
                "zero length",
                req(1, 1, vec![]),
                Some(StartTimeAfterEndTime),
            ),
            (
                "ended in the past",
                req(-3, -1, vec![]),
                Some(CannotBookInThePast),
            ),
            ("started, not ended", req(-1, 1, vec![]), None),
            (
                "outside window",
                req(24 * 366, 24 * 366 + 1, vec![]),
                Some(StartTimeAfterMaxNumberOfDaysInFuture),
            ),
            ("edge of window", req(24 * 365, 24 * 365 + 1, vec![]), None),
            ("missing start", no_start, Some(InvalidDatetimeFormat)),
            ("reserved source", reserved, Some(Unknown)),
            ("reserved meeting source", proxy, Some(Unknown)),
            ("long title", long_title, Some(Unknown)),
            (
                "dial-out without number",
                req(1, 2, vec![tms(1), p(0, SipDialOut, Some(" "))]),
                Some(DialOutNumberNotSet),
            ),
            (
                "dial-out with number",
                req(1, 2, vec![tms(1), p(0, IpVideoDialOut, Some("10.0.0.10"))]),
                None,
            ),
            (
                "reservation only + dial-in",
                reservation_only,
                Some(CannotAddParticipant),
            ),
            (
                "master listed",
                req(1, 2, vec![tms(1), p(1, MasterParticipant, None)]),
                None,
            ),
            (
                "master not listed",
                req(1, 2, vec![tms(1), p(2, MasterParticipant, None)]),
                Some(ParticipantError),
            ),
            (
                "two masters",
                req(
                    1,
                    2,
                    vec![
                        tms(1),
                        tms(2),
                        p(1, MasterParticipant, None),
                        p(2, MasterParticipant, None),
                    ],
                ),
                Some(ParticipantError),
            ),
            (
                "system twice",
                req(1, 2, vec![tms(1), tms(1)]),
                Some(ParticipantError),
            ),
            (
                "system without id",
                req(1, 2, vec![tms(0)]),
                Some(SystemNotFound),
            ),
            (
                "user type",
                req(1, 2, vec![p(0, User, Some("bob"))]),
                Some(ParticipantError),
            ),
        ];
        for (name, r, want) in table {
            assert_eq!(code(prepare(&r, None, &rules(), now())), want, "{name}");
        }
    }

    #[test]
    fn updates_table() {
        use ErrorCode::*;
        let mut deleted = stored(1, 2);
        deleted.status = StoredStatus::Deleted;
        let ongoing = stored(-1, 1);
        let mut same_start = req(-1, 3, vec![]);
        same_start.start = Some(ongoing.start);
        let table: Vec<(&str, Conference, ConferenceRequest, Option<ErrorCode>)> = vec![
            ("pending, moved", stored(1, 2), req(2, 3, vec![]), None),
            (
                "deleted",
                deleted,
                req(2, 3, vec![]),
                Some(MeetingIsDeleted),
            ),
            (
                "finished",
                stored(-3, -1),
                req(2, 3, vec![]),
                Some(CannotBookInThePast),
            ),
            (
                "ongoing, start moved",
                ongoing.clone(),
                req(0, 3, vec![]),
                Some(MeetingActive),
            ),
            ("ongoing, extended", ongoing, same_start, None),
        ];
        for (name, existing, r, want) in table {
            assert_eq!(
                code(prepare(&r, Some(&existing), &rules(), now())),
                want,
                "{name}"
            );
        }
    }

    #[test]
    fn merge_keeps_what_is_not_sent() {
        let existing = stored(1, 2);
        let r = ConferenceRequest {
            id: 7,
            ..Default::default()
        };
        let d = prepare(&r, Some(&existing), &rules(), now()).unwrap();
        assert_eq!(d.title, existing.title);
        assert_eq!((d.start, d.end), (existing.start, existing.end));
        assert_eq!(d.participants, existing.participants);
        assert_eq!(d.settings, existing.settings);
    }

    #[test]
    fn titles() {
        let start = now();
        for (input, want) in [
            (Some("It's \"fine\""), "Its fine"),
            (Some("  "), "Meeting 2026-05-01 08:00"),
            (None, "Meeting 2026-05-01 08:00"),
            (Some("Board"), "Board"),
        ] {
            assert_eq!(clean_title(input, start).unwrap(), want);
        }
        assert!(clean_title(Some(&"é".repeat(255)), start).is_ok());
    }

    #[test]
    fn participant_numbering() {
        use CallType::*;
        let list = vec![
            p(4, Tms, None),
            p(0, SipDialIn, Some("a")),
            p(0, IpVideoDialIn, Some("b")),
            p(0, SipDialOut, Some("c@x")),
            p(1, IpTelDialOut, Some("123")),
            p(0, TelephoneDialOut, Some("456")),
        ];
        let ids: Vec<i64> = number_participants(&list)
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, vec![4, -1, -2, 2, 1, 3]);
    }

    #[test]
    fn external_conference_rules() {
        use CallType::*;
        let owned = WebexRequest {
            owned_externally: true,
            sip_url: Some("1@acme.webex.com".into()),
        };
        let created = WebexRequest {
            owned_externally: false,
            sip_url: Some("1@acme.webex.com".into()),
        };
        let no_url = WebexRequest {
            owned_externally: true,
            sip_url: None,
        };
        let plain = rules().defaults;
        let hosted = Settings {
            externally_hosted_dial_string: Some("meet@partner.example.com".into()),
            ..plain.clone()
        };
        let hosted_secure = Settings {
            encrypted: Preference::Yes,
            ..hosted.clone()
        };
        type Row<'a> = (
            &'a str,
            Option<&'a WebexRequest>,
            &'a Settings,
            Vec<CallType>,
            Option<ErrorCode>,
        );
        let table: Vec<Row> = vec![
            ("plain meeting", None, &plain, vec![Tms, SipDialOut], None),
            (
                "WebEx owned by the client",
                Some(&owned),
                &plain,
                vec![Tms],
                None,
            ),
            (
                "WebEx to be created",
                Some(&created),
                &plain,
                vec![Tms],
                Some(ErrorCode::WebexError),
            ),
            (
                "WebEx without SipUrl",
                Some(&no_url),
                &plain,
                vec![Tms],
                Some(ErrorCode::WebexError),
            ),
            (
                "hosted with SIP dial-in",
                None,
                &hosted,
                vec![Tms, SipDialIn],
                None,
            ),
            (
                "hosted with WebEx",
                Some(&owned),
                &hosted,
                vec![Tms],
                Some(ErrorCode::WebexError),
            ),
            (
                "hosted with a dial-out",
                None,
                &hosted,
                vec![Tms, SipDialOut],
                Some(ErrorCode::ParticipantError),
            ),
            (
                "hosted with an H.323 dial-in",
                None,
                &hosted,
                vec![Tms, IpVideoDialIn],
                Some(ErrorCode::ParticipantError),
            ),
            (
                "hosted with a phone dial-in",
                None,
                &hosted,
                vec![Tms, TelephoneDialIn],
                Some(ErrorCode::ParticipantError),
            ),
            (
                "hosted and encrypted",
                None,
                &hosted_secure,
                vec![Tms],
                Some(ErrorCode::ParticipantError),
            ),
        ];
        for (name, webex, settings, types, want) in table {
            let ps: Vec<Participant> = types.into_iter().map(|t| p(1, t, Some("x"))).collect();
            let got = check_external(webex, settings, &ps).err().map(|e| e.code);
            assert_eq!(got, want, "{name}");
        }
    }
}
