//! The flex API methods the simulator serves, each beside the table of the reference
//! document it follows. Every call is checked whole before anything changes, so a refused
//! call leaves the device as it was.
//!
//! Line numbers ("l.N") are those of `/work/shared/spec/telepresence-server-api-4.3.txt`.
use super::check::{
    self, invalid, limit, missing, opt, req, valid_uri, Checked, Fault, Kind, Limit, Param, ID,
    NON_NEGATIVE,
};
use super::model::{
    page, rounded_credits, Call, CallState, Conference, Cookie, Media, Participant, State, Uri,
    CREDIT_LEVELS, MAX_CALL_BANDWIDTH, MIN_CALL_BANDWIDTH,
};
use crate::sim::xmlrpc::{members, Value};
use std::time::{Duration, Instant};

const BANDWIDTH: Kind = Kind::Int(MIN_CALL_BANDWIDTH, MAX_CALL_BANDWIDTH);
const CONTROL_LEVELS: &[&str] = &["controlNone", "controlLocal", "controlConference"];
/// Table 19 (l.954-960); control levels Table 27 (l.1024-1030).
const PROFILES: &[&str] = &[
    "maximizeEfficiency",
    "favorEfficiency",
    "favorExperience",
    "maximizeExperience",
    "capabilitySetOnly",
];

/// The conference settings `flex.conference.create` (Table 72, l.1828-1927) and
/// `flex.conference.modify` (Table 82, l.2051-2126) both take.
const CONFERENCE_SETTINGS: &[Param] = &[
    opt("conferenceReference", ID),
    opt("conferenceName", Kind::Str(80)),
    opt("conferenceDescription", Kind::Str(500)),
    opt("URIs", Kind::Array),
    opt("conferenceMediaTokens", NON_NEGATIVE),
    opt("conferenceMediaTokensUnlimited", Kind::Bool),
    opt("conferenceMediaCredits", NON_NEGATIVE),
    opt("conferenceMediaCreditsUnlimited", Kind::Bool),
    opt("waitForChair", Kind::Bool),
    opt("disconnectOnChairExit", Kind::Bool),
    opt("terminateWithLastCall", Kind::Bool),
    opt("locked", Kind::Bool),
    opt("duration", NON_NEGATIVE),
    opt("durationUnlimited", Kind::Bool),
    opt("billingCode", Kind::Str(80)),
    opt("callAttributes", Kind::Struct),
    opt("maxParticipants", NON_NEGATIVE),
    opt("maxParticipantsUnlimited", Kind::Bool),
    opt("voiceSwitchingSensitivity", Kind::Int(0, 100)),
    opt("welcomeScreen", Kind::Bool),
    opt("welcomeScreenMessage", Kind::Str(500)),
    opt("useCustomPINEntryMessage", Kind::Bool),
    opt("customPINEntryMessage", Kind::Str(200)),
    opt("useCustomOptionalPINEntryMessage", Kind::Bool),
    opt("customOptionalPINEntryMessage", Kind::Str(200)),
    opt("useCustomPINIncorrectMessage", Kind::Bool),
    opt("customPINIncorrectMessage", Kind::Str(100)),
    opt("useCustomWaitingForChairMessage", Kind::Bool),
    opt("customWaitingForChairMessage", Kind::Str(500)),
    opt("customPINEntryFailedMessage", Kind::Str(200)),
    opt("useCustomPINEntryFailedMessage", Kind::Bool),
    opt("customDisconnectPlatitudeMessage", Kind::Str(200)),
    opt("useCustomDisconnectPlatitudeMessage", Kind::Bool),
    opt("useCustomOnlyVideoParticipantMessage", Kind::Bool),
    opt("customOnlyVideoParticipantMessage", Kind::Str(500)),
    opt("useCustomConferenceEndingMessage", Kind::Bool),
    opt("customConferenceEndingMessage", Kind::Str(100)),
    opt("metadata", Kind::Base64(512)),
    opt("unlockWithLastCall", Kind::Bool),
    opt("guestControlLevel", Kind::Enum(CONTROL_LEVELS)),
    opt("chairControlLevel", Kind::Enum(CONTROL_LEVELS)),
    opt("optimizationProfile", Kind::Enum(PROFILES)),
    opt("useCustomMutedCanUnmuteMessage", Kind::Bool),
    opt("customMutedCanUnmuteMessage", Kind::Str(500)),
    opt("useCustomMutedCannotUnmuteMessage", Kind::Bool),
    opt("customMutedCannotUnmuteMessage", Kind::Str(500)),
    opt("exitScreen", Kind::Bool),
    opt("useCustomConferenceEndedExitMessage", Kind::Bool),
    opt("customConferenceEndedExitMessage", Kind::Str(200)),
    opt("useCustomParticipantDisconnectedExitMessage", Kind::Bool),
    opt("customParticipantDisconnectedExitMessage", Kind::Str(200)),
];

/// What only `flex.conference.create` takes (Table 72): the required default media, the
/// start (there is no `startTime` in Table 82: a conference's start cannot be moved), the
/// voice prompts and lobby background.
const CREATE_ONLY: &[Param] = &[
    req("participantMediaResources", Kind::Struct),
    opt("startTime", NON_NEGATIVE),
    opt("customWelcomeScreenAudio", Kind::Str(80)),
    opt("useCustomWelcomeScreenAudio", Kind::Bool),
    opt("customPINEntryAudio", Kind::Str(80)),
    opt("useCustomPINEntryAudio", Kind::Bool),
    opt("customOptionalPINEntryAudio", Kind::Str(80)),
    opt("useCustomOptionalPINEntryAudio", Kind::Bool),
    opt("customPINIncorrectAudio", Kind::Str(80)),
    opt("useCustomPINIncorrectAudio", Kind::Bool),
    opt("customConferenceEndedExitAudio", Kind::Str(80)),
    opt("useCustomConferenceEndedExitAudio", Kind::Bool),
    opt("customParticipantDisconnectedExitAudio", Kind::Str(80)),
    opt("useCustomParticipantDisconnectedExitAudio", Kind::Bool),
    opt("customPINFailedExitAudio", Kind::Str(80)),
    opt("useCustomPINFailedExitAudio", Kind::Bool),
    opt("customWaitingForChairAudio", Kind::Str(80)),
    opt("useCustomWaitingForChairAudio", Kind::Bool),
    opt("customOnlyParticipantAudio", Kind::Str(80)),
    opt("useCustomOnlyParticipantAudio", Kind::Bool),
    opt(
        "resourceOptimizationMode",
        Kind::Enum(&["byParticipant", "byConference"]),
    ),
    opt("customBackgroundImageURL", Kind::Str(80)),
];

/// What only `flex.conference.modify` takes (Table 82, l.2054, l.2079).
const MODIFY_ONLY: &[Param] = &[
    req("conferenceID", ID),
    opt("participantMediaResources", Kind::Struct),
];

/// Table 33, Conference Connection Definitions (l.1239-1254).
const URI_DEFINITION: &[Param] = &[
    req("URI", Kind::Str(80)),
    req("callBandwidth", BANDWIDTH),
    opt("PIN", Kind::Str(40)),
    opt("callAttributes", Kind::Struct),
    opt("participantMediaResources", Kind::Struct),
];

/// Table 31 (l.1091-1112): all four members mandatory (l.1099-1105).
const MEDIA_RESOURCES: &[Param] = &[
    req("mediaTokensMainVideo", Kind::Struct),
    req("mediaTokensExtendedVideo", Kind::Struct),
    req("mediaTokensAudio", Kind::Struct),
    req("numMediaCredits", NON_NEGATIVE),
];

/// Table 30 (l.1064-1082): negative values are invalid (l.1075).
const MEDIA_TOKENS: &[Param] = &[
    req("total", NON_NEGATIVE),
    opt("maxPerChannel", NON_NEGATIVE),
    opt("maxPerChannelUnlimited", Kind::Bool),
];

/// Table 102, `flex.participant.create` (l.2458-2479).
const PARTICIPANT_CREATE: &[Param] = &[
    req("conferenceID", ID),
    req("calls", Kind::Array),
    opt("participantReference", ID),
    opt("PIN", Kind::Str(40)),
    opt("PINs", Kind::Array),
    opt("callAttributes", Kind::Struct),
    opt("participantMediaResources", Kind::Struct),
    opt("camerasCrossed", Kind::Bool),
    opt("audioIndex", NON_NEGATIVE),
    opt("contentIndex", NON_NEGATIVE),
    opt("displayName", Kind::Str(80)),
    opt("dtmf", Kind::Str(127)),
    opt("callerName", Kind::Str(80)),
    opt("callerAddress", Kind::Str(80)),
    opt(
        "cascadeRole",
        Kind::Enum(&["cascadeNone", "cascadeMaster", "cascadeSlave"]),
    ),
];

/// Table 35, outgoing call definition (l.1265-1276); `protocol` is Table 12 (l.893-897).
const OUTGOING_CALL: &[Param] = &[
    req("remoteAddress", Kind::Str(80)),
    req("protocol", Kind::Enum(&["h323", "sip"])),
    req("callBandwidth", BANDWIDTH),
    opt("toOverride", Kind::Str(80)),
];

/// Table 34, incoming call definition (l.1258-1263).
const INCOMING_CALL: &[Param] = &[
    req("URI", Kind::Str(80)),
    req("callBandwidth", BANDWIDTH),
    opt("disconnectOnIncoming", Kind::Bool),
];

/// Tables 74 and 77 (l.1939-1943, l.1975-1979).
const CONFERENCE_ENUMERATE: &[Param] = &[
    opt("cookie", Kind::Str(150)),
    opt("max", Kind::Int(1, i32::MAX as i64)),
];

/// Table 108 (l.2532-2537).
const PARTICIPANT_ENUMERATE: &[Param] = &[
    opt("cookie", Kind::Str(150)),
    opt("max", Kind::Int(1, i32::MAX as i64)),
    opt("conferenceID", ID),
];

/// Tables 76, 83 and 87: a conference by its identifier (l.1959, l.2139, l.2283).
const CONFERENCE_ID: &[Param] = &[req("conferenceID", ID), opt("allowExitScreen", Kind::Bool)];
/// Tables 107 and 138: a participant by its identifier (l.2523, l.2993).
const PARTICIPANT_ID: &[Param] = &[req("participantID", ID), opt("allowExitScreen", Kind::Bool)];

/// The two authentication members every call carries (Table 3, l.410-415). Their lengths
/// are not checked: user ids may be 64 characters (Table 165, l.3398).
pub const AUTHENTICATION: &[Param] = &[
    req("authenticationUser", Kind::Str(usize::MAX)),
    req("authenticationPassword", Kind::Str(usize::MAX)),
];

/// Answers one call (credentials already checked) at `now`.
pub fn handle(st: &mut State, method: &str, p: &Value, now: Instant) -> Checked<Value> {
    st.tick(now);
    let table: Vec<Param> = match method {
        "flex.conference.create" => [CONFERENCE_SETTINGS, CREATE_ONLY].concat(),
        "flex.conference.modify" => [CONFERENCE_SETTINGS, MODIFY_ONLY].concat(),
        "flex.conference.destroy" | "flex.conference.status" | "flex.conference.query" => {
            CONFERENCE_ID.to_vec()
        }
        "flex.conference.enumerate" | "flex.conference.deletions.enumerate" => {
            CONFERENCE_ENUMERATE.to_vec()
        }
        "flex.participant.create" => PARTICIPANT_CREATE.to_vec(),
        "flex.participant.destroy" | "flex.participant.status" => PARTICIPANT_ID.to_vec(),
        "flex.participant.enumerate" => PARTICIPANT_ENUMERATE.to_vec(),
        "system.info" | "flex.resource.query" | "flex.resource.status" => vec![],
        // 1: "method not supported" (l.3652): the rest of the API is not simulated.
        _ => return Err(Fault::new(1, "method not supported")),
    };
    let table = [AUTHENTICATION, &table].concat();
    let unknown = check::members(p, "", &table)?;
    st.unknown_parameters
        .extend(unknown.into_iter().map(|name| format!("{method} {name}")));
    match method {
        "flex.conference.create" => conference_create(st, p, now),
        "flex.conference.modify" => conference_modify(st, p, now),
        "flex.conference.destroy" => conference_destroy(st, p),
        "flex.conference.status" => conference_status(st, p, now),
        "flex.conference.query" => conference_query(st, p),
        "flex.conference.enumerate" => conference_enumerate(st, p),
        "flex.conference.deletions.enumerate" => conference_deletions(st, p),
        "flex.participant.create" => participant_create(st, p),
        "flex.participant.destroy" => participant_destroy(st, p),
        "flex.participant.status" => participant_status(st, p, now),
        "flex.participant.enumerate" => participant_enumerate(st, p),
        "system.info" => Ok(system_info(st, now)),
        "flex.resource.query" => Ok(resource_query(st)),
        _ => Ok(resource_status(st)),
    }
}

/// "No parameters are returned": the single `status` member (l.301-320).
fn done() -> Value {
    members(vec![("status", Value::Str("operation successful".into()))])
}

/// 4: "no such conference" (l.3653), in the document's own wording (l.349).
fn no_conference() -> Fault {
    Fault::new(4, "conferenceID: no such conference")
}

/// 5: "no such participant" (l.3654, l.554).
fn no_participant() -> Fault {
    Fault::new(5, "participantID: no such participant")
}

fn conference_at(st: &State, p: &Value) -> Checked<usize> {
    st.conference(p.str("conferenceID").unwrap_or_default())
        .ok_or_else(no_conference)
}

/// A `participantMediaResources` struct (Table 31) at `path`: all four members present,
/// each tokens struct valid (Table 30), credits rounded down to a level (l.628) and enough
/// for the tokens, else 53 (l.630, l.1112, l.3673).
fn media(v: &Value, path: &str) -> Checked<Media> {
    check::members(v, &format!("{path}."), MEDIA_RESOURCES)?;
    let mut totals = [0; 3];
    let names = [
        "mediaTokensMainVideo",
        "mediaTokensExtendedVideo",
        "mediaTokensAudio",
    ];
    for (total, name) in totals.iter_mut().zip(names) {
        let tokens = v.member(name).unwrap_or(&Value::Bool(false));
        let at = format!("{path}.{name}");
        check::members(tokens, &format!("{at}."), MEDIA_TOKENS)?;
        *total = tokens.int("total").unwrap_or(0);
        // `maxPerChannel` is at most `total` (Table 30, l.1068), and only one half of the
        // unlimited pair may be given (l.581).
        if let Some(Limit::Value(per)) = limit(tokens, "maxPerChannel")? {
            if per > *total {
                return Err(invalid(&format!("{at}.maxPerChannel")));
            }
        }
    }
    let credits = rounded_credits(v.int("numMediaCredits").unwrap_or(0));
    let m = Media {
        main_video: totals[0],
        extended_video: totals[1],
        audio: totals[2],
        credits,
    };
    if m.credits < m.tokens() {
        return Err(Fault::new(53, "insufficient media credits or tokens"));
    }
    Ok(m)
}

/// The `URIs` array of a create or modify (Table 72 l.1839, Table 82 l.2062): at most two
/// definitions (Table 33 each), valid URI characters (l.458-463), a URI used twice only on
/// this conference with different PINs of which one at most is blank (l.503-510), and no
/// URI another conference holds (18, duplicate URI, l.3663).
fn uris(st: &State, p: &Value, except: Option<&str>) -> Checked<Option<Vec<Uri>>> {
    let Some(Value::Array(list)) = p.member("URIs") else {
        return Ok(None);
    };
    if list.len() > 2 {
        return Err(invalid("URIs"));
    }
    let mut out: Vec<Uri> = vec![];
    for (n, def) in list.iter().enumerate() {
        let path = format!("URIs[{n}].");
        check::members(def, &path, URI_DEFINITION)?;
        let uri = def.str("URI").unwrap_or_default().to_string();
        if !valid_uri(&uri) {
            return Err(invalid(&format!("{path}URI")));
        }
        if let Some(m) = def.member("participantMediaResources") {
            media(m, &format!("{path}participantMediaResources"))?;
        }
        let pin = def.str("PIN").filter(|p| !p.is_empty()).map(str::to_string);
        if let Some(twin) = out.iter().find(|u| u.uri == uri) {
            if twin.pin == pin {
                return Err(Fault::new(18, "duplicate URI"));
            }
        }
        out.push(Uri {
            uri,
            call_bandwidth: def.int("callBandwidth").unwrap_or_default(),
            pin,
        });
    }
    let taken = st
        .conferences
        .iter()
        .filter(|c| Some(c.id.as_str()) != except)
        .any(|c| c.uris.iter().any(|u| out.iter().any(|o| o.uri == u.uri)));
    if taken {
        return Err(Fault::new(18, "duplicate URI"));
    }
    Ok(Some(out))
}

/// The unlimited pairs a conference takes (l.2044-2049): both halves of one is a fault.
fn pairs(p: &Value) -> Checked<(Option<Limit>, Option<Limit>)> {
    limit(p, "conferenceMediaTokens")?;
    limit(p, "conferenceMediaCredits")?;
    Ok((limit(p, "duration")?, limit(p, "maxParticipants")?))
}

fn seconds(limit: Option<Limit>) -> Option<i64> {
    match limit {
        Some(Limit::Value(v)) => Some(v),
        _ => None,
    }
}

/// `flex.conference.create` (l.1811-1933).
fn conference_create(st: &mut State, p: &Value, now: Instant) -> Checked<Value> {
    let default_media = media(
        p.member("participantMediaResources")
            .ok_or_else(|| missing("participantMediaResources"))?,
        "participantMediaResources",
    )?;
    let (duration, max_participants) = pairs(p)?;
    let uris = uris(st, p, None)?.unwrap_or_default();
    // 6: the device's conference limit (l.3658).
    if st.conferences.len() >= st.max_conferences {
        return Err(Fault::new(6, "too many conferences"));
    }
    let start_time = p.int("startTime").unwrap_or(0);
    let id = st.new_id();
    let revision = st.bump();
    let reference = p.str("conferenceReference").unwrap_or("").to_string();
    st.conferences.push(Conference {
        id: id.clone(),
        reference: reference.clone(),
        name: p.str("conferenceName").unwrap_or("").to_string(),
        uris,
        start_time,
        starts: now + Duration::from_secs(start_time as u64),
        // Unlimited unless a duration is given (l.1853-1854).
        duration: seconds(duration),
        max_participants: seconds(max_participants),
        // Defaults: wait for a chair, unlocked (l.1844, l.1851).
        wait_for_chair: p.bool("waitForChair").unwrap_or(true),
        locked: p.bool("locked").unwrap_or(false),
        media: default_media,
        active: false,
        revision,
    });
    st.creates += 1;
    st.tick(now);
    let mut answer = vec![("conferenceID", Value::Str(id))];
    // "Returned if string length > 0" (Table 73, l.1933).
    if !reference.is_empty() {
        answer.push(("conferenceReference", Value::Str(reference)));
    }
    Ok(members(answer))
}

/// `flex.conference.modify` (l.2038-2126): only what is given changes (l.2042); the URIs
/// are replaced whole (l.2062); the duration counts from the start and may not put the end
/// in the past (l.2075); a participant limit below the participants there is 25 (l.3665).
fn conference_modify(st: &mut State, p: &Value, now: Instant) -> Checked<Value> {
    let i = conference_at(st, p)?;
    let id = st.conferences[i].id.clone();
    let (duration, max_participants) = pairs(p)?;
    let new_media = match p.member("participantMediaResources") {
        Some(m) => Some(media(m, "participantMediaResources")?),
        None => None,
    };
    let new_uris = uris(st, p, Some(&id))?;
    let c = &st.conferences[i];
    if let Some(Limit::Value(d)) = duration {
        let end = c.starts + Duration::from_secs(d as u64);
        if end < now {
            return Err(invalid("duration"));
        }
    }
    if let Some(Limit::Value(max)) = max_participants {
        let present = st
            .participants
            .iter()
            .filter(|q| q.conference_id == id)
            .count() as i64;
        if max < present {
            return Err(Fault::new(25, "participant limit lower than active"));
        }
    }
    let revision = st.bump();
    let c = &mut st.conferences[i];
    if let Some(r) = p.str("conferenceReference") {
        c.reference = r.to_string();
    }
    if let Some(n) = p.str("conferenceName") {
        c.name = n.to_string();
    }
    if let Some(u) = new_uris {
        c.uris = u;
    }
    match duration {
        Some(Limit::Value(d)) => c.duration = Some(d),
        Some(Limit::Unlimited) => c.duration = None,
        None => {}
    }
    match max_participants {
        Some(Limit::Value(m)) => c.max_participants = Some(m),
        Some(Limit::Unlimited) => c.max_participants = None,
        None => {}
    }
    if let Some(b) = p.bool("waitForChair") {
        c.wait_for_chair = b;
    }
    if let Some(b) = p.bool("locked") {
        c.locked = b;
    }
    if let Some(m) = new_media {
        c.media = m;
    }
    c.revision = revision;
    Ok(done())
}

/// `flex.conference.destroy` (l.1952-1960).
fn conference_destroy(st: &mut State, p: &Value) -> Checked<Value> {
    let i = conference_at(st, p)?;
    st.destroy_conference(i);
    Ok(done())
}

/// Seconds from `now` to `at`, negative when `at` has passed.
fn seconds_until(at: Instant, now: Instant) -> i64 {
    if at >= now {
        (at - now).as_secs() as i64
    } else {
        -((now - at).as_secs() as i64)
    }
}

/// `flex.conference.status` (Table 88, l.2285-2301): `startTime` is the time from now to
/// the start, negative once active; `endTime` the time to the end, when limited.
fn conference_status(st: &State, p: &Value, now: Instant) -> Checked<Value> {
    let c = &st.conferences[conference_at(st, p)?];
    let parts: Vec<&Participant> = st
        .participants
        .iter()
        .filter(|q| q.conference_id == c.id)
        .collect();
    let mut answer = vec![
        ("conferenceID", Value::Str(c.id.clone())),
        ("locked", Value::Bool(c.locked)),
        ("numParticipants", Value::Int(parts.len() as i64)),
        ("numScreens", Value::Int(connected(&parts) as i64)),
        (
            "configuredMediaTokens",
            Value::Int(parts.iter().map(|q| st.media_of(q).tokens()).sum()),
        ),
        (
            "configuredMediaCredits",
            Value::Int(parts.iter().map(|q| st.media_of(q).credits).sum()),
        ),
        ("startTime", Value::Int(seconds_until(c.starts, now))),
        ("active", Value::Bool(c.active)),
    ];
    if !c.reference.is_empty() {
        answer.push(("conferenceReference", Value::Str(c.reference.clone())));
    }
    if let Some(end) = c.ends() {
        answer.push(("endTime", Value::Int(seconds_until(end, now))));
    }
    Ok(members(answer))
}

fn connected(parts: &[&Participant]) -> usize {
    parts
        .iter()
        .flat_map(|q| q.calls.iter())
        .filter(|c| matches!(c.state, CallState::Connected(_)))
        .count()
}

fn media_value(m: &Media) -> Value {
    let tokens = |total| members(vec![("total", Value::Int(total))]);
    members(vec![
        ("mediaTokensMainVideo", tokens(m.main_video)),
        ("mediaTokensExtendedVideo", tokens(m.extended_video)),
        ("mediaTokensAudio", tokens(m.audio)),
        ("numMediaCredits", Value::Int(m.credits)),
    ])
}

/// `flex.conference.query` (Table 84, l.2141-2238), the members bridgebook's settings
/// touch; "not returned if it has not been set" for the unlimited pairs.
fn conference_query(st: &State, p: &Value) -> Checked<Value> {
    let c = &st.conferences[conference_at(st, p)?];
    let uris = c
        .uris
        .iter()
        .map(|u| {
            let mut m = vec![
                ("URI", Value::Str(u.uri.clone())),
                ("callBandwidth", Value::Int(u.call_bandwidth)),
            ];
            if let Some(pin) = &u.pin {
                m.push(("PIN", Value::Str(pin.clone())));
            }
            members(m)
        })
        .collect();
    let mut answer = vec![
        ("conferenceID", Value::Str(c.id.clone())),
        ("URIs", Value::Array(uris)),
        ("waitForChair", Value::Bool(c.wait_for_chair)),
        ("locked", Value::Bool(c.locked)),
        ("startTime", Value::Int(c.start_time)),
        ("participantMediaResources", media_value(&c.media)),
    ];
    if !c.reference.is_empty() {
        answer.push(("conferenceReference", Value::Str(c.reference.clone())));
    }
    if !c.name.is_empty() {
        answer.push(("conferenceName", Value::Str(c.name.clone())));
    }
    match c.duration {
        Some(d) => answer.push(("duration", Value::Int(d))),
        None => answer.push(("durationUnlimited", Value::Bool(true))),
    }
    match c.max_participants {
        Some(m) => answer.push(("maxParticipants", Value::Int(m))),
        None => answer.push(("maxParticipantsUnlimited", Value::Bool(true))),
    }
    Ok(members(answer))
}

/// A cookie given to an enumeration: unreadable is 55 (l.3674); of an earlier boot, or
/// from the future, it cannot be completed: 102 "cookie is invalid or expired" (l.662).
fn cookie(st: &State, p: &Value) -> Checked<Option<Cookie>> {
    let Some(text) = p.str("cookie") else {
        return Ok(None);
    };
    let c = Cookie::parse(text).ok_or_else(|| Fault::new(55, "malformed cookie"))?;
    if c.boot != st.boot || c.revision > st.revision() {
        return Err(Fault::new(102, "cookie is invalid or expired"));
    }
    Ok(Some(c))
}

/// How many records one answer holds: `max` when given (l.1979), never more than fit.
fn page_size(st: &State, p: &Value) -> usize {
    let max = p.int("max").map(|m| m as usize).unwrap_or(usize::MAX);
    max.min(st.page_size).max(1)
}

/// `flex.conference.enumerate` (Tables 77-79, l.1962-2022): without a cookie every live
/// conference, with one those changed since (l.657-660), `moreAvailable` and a cookie to
/// go on with (l.649).
fn conference_enumerate(st: &State, p: &Value) -> Checked<Value> {
    let after = cookie(st, p)?.map(|c| c.revision).unwrap_or(0);
    let revisions: Vec<u64> = st.conferences.iter().map(|c| c.revision).collect();
    let (picked, more, next) = page(&revisions, after, page_size(st, p), st.revision());
    let list = picked
        .into_iter()
        .map(|i| conference_info(st, &st.conferences[i]))
        .collect();
    Ok(members(vec![
        ("moreAvailable", Value::Bool(more)),
        (
            "cookie",
            Value::Str(
                Cookie {
                    boot: st.boot,
                    revision: next,
                    conference: String::new(),
                }
                .text(),
            ),
        ),
        ("conferences", Value::Array(list)),
    ]))
}

/// Table 79 (l.1996-2022); the reference and name only when not empty (l.2000-2001).
fn conference_info(st: &State, c: &Conference) -> Value {
    let parts: Vec<&Participant> = st
        .participants
        .iter()
        .filter(|q| q.conference_id == c.id)
        .collect();
    let sum = |f: fn(&Media) -> i64| -> i64 { parts.iter().map(|q| f(&st.media_of(q))).sum() };
    let mut info = vec![("conferenceID", Value::Str(c.id.clone()))];
    if !c.reference.is_empty() {
        info.push(("conferenceReference", Value::Str(c.reference.clone())));
    }
    if !c.name.is_empty() {
        info.push(("conferenceName", Value::Str(c.name.clone())));
    }
    info.extend([
        ("locked", Value::Bool(c.locked)),
        ("active", Value::Bool(c.active)),
        ("terminating", Value::Bool(false)),
        ("numParticipants", Value::Int(parts.len() as i64)),
        (
            "callTokensConfiguredMainVideo",
            Value::Int(sum(|m| m.main_video)),
        ),
        (
            "callTokensConfiguredExtendedVideo",
            Value::Int(sum(|m| m.extended_video)),
        ),
        ("callTokensConfiguredAudio", Value::Int(sum(|m| m.audio))),
        ("creditsConfigured", Value::Int(sum(|m| m.credits))),
    ]);
    members(info)
}

/// `flex.conference.deletions.enumerate` (Tables 74-75, l.1935-1950): the first call
/// returns no identifiers, only the cookie to go on with (l.670).
fn conference_deletions(st: &State, p: &Value) -> Checked<Value> {
    let (ids, more, next) = match cookie(st, p)? {
        None => (vec![], false, st.revision()),
        Some(c) => {
            let revisions: Vec<u64> = st.deleted_conferences.iter().map(|d| d.0).collect();
            let (picked, more, next) =
                page(&revisions, c.revision, page_size(st, p), st.revision());
            let ids = picked
                .into_iter()
                .map(|i| Value::Str(st.deleted_conferences[i].1.clone()))
                .collect();
            (ids, more, next)
        }
    };
    Ok(members(vec![
        ("moreAvailable", Value::Bool(more)),
        (
            "cookie",
            Value::Str(
                Cookie {
                    boot: st.boot,
                    revision: next,
                    conference: String::new(),
                }
                .text(),
            ),
        ),
        ("conferenceIDs", Value::Array(ids)),
    ]))
}

/// One call definition of `flex.participant.create`: outgoing (Table 35) or incoming
/// (Table 34), never both (l.1256).
fn call_definition(
    st: &mut State,
    def: &Value,
    n: usize,
    placed: Option<Instant>,
) -> Checked<Call> {
    let path = format!("calls[{n}].");
    let outgoing = def.member("remoteAddress").is_some();
    let incoming = def.member("URI").is_some();
    if outgoing && incoming {
        return Err(invalid(&format!("{path}URI")));
    }
    if !incoming {
        check::members(def, &path, OUTGOING_CALL)?;
        // Placed at once when the conference runs (l.536), at its start otherwise (l.1222).
        let state = placed.map_or(CallState::Idle, CallState::Alerting);
        return Ok(Call {
            id: st.new_id(),
            incoming: false,
            address: def.str("remoteAddress").unwrap_or_default().to_string(),
            protocol: def.str("protocol").unwrap_or_default().to_string(),
            call_bandwidth: def.int("callBandwidth").unwrap_or_default(),
            state,
            gone: false,
        });
    }
    check::members(def, &path, INCOMING_CALL)?;
    let uri = def.str("URI").unwrap_or_default().to_string();
    if !valid_uri(&uri) {
        return Err(invalid(&format!("{path}URI")));
    }
    Ok(Call {
        id: st.new_id(),
        incoming: true,
        address: uri,
        protocol: String::new(),
        call_bandwidth: def.int("callBandwidth").unwrap_or_default(),
        state: CallState::Idle,
        gone: false,
    })
}

/// `flex.participant.create` (l.2444-2485): 1 to 4 calls (l.2462), indexes that exist
/// (l.2454, l.2473-2474), no PIN when every call is outgoing (102, l.538), one call for a
/// cascade (l.2456), media credits enough for the tokens (53), the device's participant
/// limit (7, l.3659).
fn participant_create(st: &mut State, p: &Value) -> Checked<Value> {
    let i = conference_at(st, p)?;
    let defs = p.array("calls");
    if defs.is_empty() || defs.len() > 4 {
        return Err(invalid("calls"));
    }
    let placed = st.conferences[i].active.then(Instant::now);
    let conference_id = st.conferences[i].id.clone();
    let mut calls = vec![];
    for (n, def) in defs.iter().enumerate() {
        calls.push(call_definition(st, def, n, placed)?);
    }
    let index = |name: &str| -> Checked<usize> {
        let at = p.int(name).unwrap_or(0) as usize;
        if calls.len() > 1 && at >= calls.len() {
            return Err(invalid(name));
        }
        Ok(if calls.len() == 1 { 0 } else { at })
    };
    let audio_index = index("audioIndex")?;
    index("contentIndex")?;
    let pins = p.member("PIN").is_some() || !p.array("PINs").is_empty();
    if pins && calls.iter().all(|c| !c.incoming) {
        return Err(invalid("PIN"));
    }
    if p.str("cascadeRole").is_some_and(|r| r != "cascadeNone") && calls.len() > 1 {
        return Err(invalid("cascadeRole"));
    }
    let own_media = match p.member("participantMediaResources") {
        Some(m) => Some(media(m, "participantMediaResources")?),
        None => None,
    };
    if st.participants.len() >= st.max_participants {
        return Err(Fault::new(7, "too many participants"));
    }
    let id = st.new_id();
    let reference = p.str("participantReference").unwrap_or("").to_string();
    let revision = st.bump();
    st.participants.push(Participant {
        id: id.clone(),
        conference_id,
        reference: reference.clone(),
        display_name: p.str("displayName").unwrap_or("").to_string(),
        calls,
        audio_index,
        media: own_media,
        revision,
    });
    st.participant_creates += 1;
    let mut answer = vec![("participantID", Value::Str(id))];
    // "Returned if not empty" (Table 103, l.2485).
    if !reference.is_empty() {
        answer.push(("participantReference", Value::Str(reference)));
    }
    Ok(members(answer))
}

/// `flex.participant.destroy` (l.2516-2524): any existing calls are destroyed.
fn participant_destroy(st: &mut State, p: &Value) -> Checked<Value> {
    let i = st
        .participant(p.str("participantID").unwrap_or_default())
        .ok_or_else(no_participant)?;
    st.participants.remove(i);
    st.bump();
    Ok(done())
}

/// Table 16 (l.919-929): a call fully in the conference is `complete`.
fn conference_state(call: &Call) -> &'static str {
    match call.state {
        CallState::Connected(_) => "complete",
        _ => "idle",
    }
}

/// `flex.participant.status` (Tables 138-142, l.2986-3074): each configured call at its
/// position, an empty struct for a call that does not exist (l.3010).
fn participant_status(st: &State, p: &Value, now: Instant) -> Checked<Value> {
    let q = &st.participants[st
        .participant(p.str("participantID").unwrap_or_default())
        .ok_or_else(no_participant)?];
    let calls = q
        .calls
        .iter()
        .map(|c| {
            if c.gone {
                return Value::Struct(vec![]);
            }
            let mut m = vec![
                ("callID", Value::Str(c.id.clone())),
                ("conferenceID", Value::Str(q.conference_id.clone())),
                ("conferenceState", Value::Str(conference_state(c).into())),
                ("callState", Value::Str(c.state.as_str().into())),
                ("incoming", Value::Bool(c.incoming)),
                ("protocol", Value::Str(c.protocol.clone())),
                ("address", Value::Str(c.address.clone())),
            ];
            // "Only returned if a call has been established" (l.3071-3073).
            if let CallState::Connected(since) = c.state {
                m.extend([
                    (
                        "duration",
                        Value::Int(now.duration_since(since).as_secs() as i64),
                    ),
                    ("rxBandwidth", Value::Int(c.call_bandwidth)),
                    ("txBandwidth", Value::Int(c.call_bandwidth)),
                ]);
            }
            members(m)
        })
        .collect();
    let mut answer = vec![("participantID", Value::Str(q.id.clone()))];
    if !q.reference.is_empty() {
        answer.push(("participantReference", Value::Str(q.reference.clone())));
    }
    if !q.display_name.is_empty() {
        answer.push(("displayName", Value::Str(q.display_name.clone())));
    }
    let m = st.media_of(q);
    answer.extend([
        ("conferenceID", Value::Str(q.conference_id.clone())),
        // The default access level (Table 32, l.1170).
        ("accessLevel", Value::Str("chair".into())),
        ("participantType", Value::Str("Standard".into())),
        (
            "participantMediaInfo",
            members(vec![("creditsConfigured", Value::Int(m.credits))]),
        ),
        ("important", Value::Bool(false)),
        ("calls", Value::Array(calls)),
        ("audioRxMute", Value::Bool(false)),
        ("videoRxMute", Value::Bool(false)),
        ("audioTxMute", Value::Bool(false)),
        ("videoTxMute", Value::Bool(false)),
    ]);
    Ok(members(answer))
}

/// `flex.participant.enumerate` (Tables 108-112, l.2526-2579): `conferenceID` only when
/// starting (l.2537; the cookie carries it on), a conference that does not exist fails.
fn participant_enumerate(st: &State, p: &Value) -> Checked<Value> {
    let given = cookie(st, p)?;
    let conference = match (&given, p.str("conferenceID")) {
        (Some(_), Some(_)) => return Err(invalid("conferenceID")),
        (Some(c), None) => c.conference.clone(),
        (None, Some(id)) => {
            st.conference(id).ok_or_else(no_conference)?;
            id.to_string()
        }
        (None, None) => String::new(),
    };
    let chosen: Vec<&Participant> = st
        .participants
        .iter()
        .filter(|q| conference.is_empty() || q.conference_id == conference)
        .collect();
    let revisions: Vec<u64> = chosen.iter().map(|q| q.revision).collect();
    let after = given.map(|c| c.revision).unwrap_or(0);
    let (picked, more, next) = page(&revisions, after, page_size(st, p), st.revision());
    let list = picked
        .into_iter()
        .map(|i| participant_info(chosen[i]))
        .collect();
    Ok(members(vec![
        ("moreAvailable", Value::Bool(more)),
        (
            "cookie",
            Value::Str(
                Cookie {
                    boot: st.boot,
                    revision: next,
                    conference,
                }
                .text(),
            ),
        ),
        ("participants", Value::Array(list)),
    ]))
}

/// Table 110 (l.2550-2560) with Tables 111 and 112: a call that does not exist is an
/// empty struct at its position.
fn participant_info(q: &Participant) -> Value {
    let calls = q
        .calls
        .iter()
        .map(|c| {
            if c.gone {
                Value::Struct(vec![])
            } else {
                members(vec![
                    ("callID", Value::Str(c.id.clone())),
                    ("incoming", Value::Bool(c.incoming)),
                    ("address", Value::Str(c.address.clone())),
                ])
            }
        })
        .collect();
    let addresses = q
        .calls
        .iter()
        .map(|c| {
            let key = if c.incoming { "URI" } else { "remoteAddress" };
            members(vec![(key, Value::Str(c.address.clone()))])
        })
        .collect();
    let mut info = vec![("participantID", Value::Str(q.id.clone()))];
    if !q.reference.is_empty() {
        info.push(("participantReference", Value::Str(q.reference.clone())));
    }
    if !q.display_name.is_empty() {
        info.push(("displayName", Value::Str(q.display_name.clone())));
    }
    info.extend([
        ("conferenceID", Value::Str(q.conference_id.clone())),
        ("accessLevel", Value::Str("chair".into())),
        ("connectionState", Value::Str(q.connection_state().into())),
        ("calls", Value::Array(calls)),
        ("addresses", Value::Array(addresses)),
    ]);
    members(info)
}

/// `system.info` (Table 164, l.3340-3375).
fn system_info(st: &State, now: Instant) -> Value {
    members(vec![
        ("operationMode", Value::Str(st.operation_mode.clone())),
        ("licenseMode", Value::Str("flexible".into())),
        ("clusterType", Value::Str("unclustered".into())),
        ("numControlledServers", Value::Int(1)),
        ("tpdUptime", Value::Int((now - st.booted).as_secs() as i64)),
        ("makeCallsOK", Value::Bool(false)),
        ("softwareVersion", Value::Str("4.3".into())),
    ])
}

/// `flex.resource.query` (Table 154, l.3176-3193).
fn resource_query(st: &State) -> Value {
    let level = |tokens: i64, area: i64| {
        members(vec![
            ("numMediaTokens", Value::Int(tokens)),
            ("maxVideoArea", Value::Int(area)),
            ("maxMBps", Value::Int(area / 256 * 30)),
        ])
    };
    members(vec![
        ("maxCalls", Value::Int(st.max_participants as i64 * 4)),
        ("maxCallsPerParticipant", Value::Int(4)),
        ("maxParticipants", Value::Int(st.max_participants as i64)),
        (
            "maxParticipantsPerConference",
            Value::Int(st.max_participants as i64),
        ),
        ("maxConferences", Value::Int(st.max_conferences as i64)),
        ("maxMediaTokensPerChannel", Value::Int(1920)),
        ("mediaTokensLimit", Value::Int(st.max_media_credits)),
        ("mediaTokensAvailable", Value::Int(st.max_media_credits)),
        ("maxMediaCredits", Value::Int(st.max_media_credits)),
        (
            "mediaTokenLevelsMainVideo",
            Value::Array(vec![level(480, 414_720), level(1920, 921_600)]),
        ),
        (
            "mediaTokenLevelsExtendedVideo",
            Value::Array(vec![level(1920, 2_073_600)]),
        ),
        (
            "mediaTokenLevelsAudio",
            Value::Array(vec![members(vec![
                ("numMediaTokens", Value::Int(96)),
                ("stereo", Value::Bool(true)),
            ])]),
        ),
        (
            "mediaCreditTokenRanges",
            Value::Array(CREDIT_LEVELS.iter().map(|l| Value::Int(*l)).collect()),
        ),
        ("minCallBandwidth", Value::Int(MIN_CALL_BANDWIDTH)),
        ("maxCallBandwidth", Value::Int(MAX_CALL_BANDWIDTH)),
    ])
}

/// `flex.resource.status` (Table 157, l.3212-3228): calls and conferences active now;
/// configured resources summed over every participant, allocated over those in a call.
fn resource_status(st: &State) -> Value {
    let live = |q: &&Participant| {
        q.calls
            .iter()
            .any(|c| matches!(c.state, CallState::Connected(_)))
    };
    let calls = st
        .participants
        .iter()
        .flat_map(|q| q.calls.iter())
        .filter(|c| matches!(c.state, CallState::Alerting(_) | CallState::Connected(_)))
        .count();
    let sum = |only_live: bool, f: fn(&Media) -> i64| -> i64 {
        st.participants
            .iter()
            .filter(|q| !only_live || live(q))
            .map(|q| f(&st.media_of(q)))
            .sum()
    };
    members(vec![
        ("numCalls", Value::Int(calls as i64)),
        ("numParticipants", Value::Int(st.participants.len() as i64)),
        (
            "numConferences",
            Value::Int(st.conferences.iter().filter(|c| c.active).count() as i64),
        ),
        (
            "configuredMediaTokens",
            Value::Int(sum(false, Media::tokens)),
        ),
        ("allocatedMediaTokens", Value::Int(sum(true, Media::tokens))),
        (
            "configuredMediaCredits",
            Value::Int(sum(false, |m| m.credits)),
        ),
        (
            "allocatedMediaCredits",
            Value::Int(sum(true, |m| m.credits)),
        ),
    ])
}
