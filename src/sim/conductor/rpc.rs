//! The simulated Conductor's Remote Management XML-RPC API (l.147-1000 of
//! /work/shared/spec/telepresence-conductor-api-xc4.3.1.txt; "l." are its line numbers).
//!
//! Where the document defers to the TelePresence MCU API (conference and participant
//! structs "as defined by the TelePresence MCU API", l.263, l.834), the simulator adds the
//! few MCU members a client needs and marks them MCU: `startTime` of a conference,
//! `participantProtocol`, `callState` and `disconnectReason` of a participant, and
//! `enumerateID` paging of enumerations (the document's fault 16, l.973).
use super::params::{
    fault, invalid, malformed, missing, opt_bool, opt_enum, opt_int, opt_minutes, opt_pin, opt_str,
    req_str, unknown, Fault,
};
use super::{
    capacity::dimension, knobs, over_rate, Conference, InFlight, Leg, Participant, Resources, Sim,
    State,
};
use crate::sim::xmlrpc::{authenticated, failed, members, Value};
use actix_web::{web, HttpResponse};
use std::time::{Duration, Instant};

type Reply = Result<Value, Fault>;

/// How the simulator answers one method.
type Method = fn(&mut State, &Value) -> Reply;

/// l.2403: "Conference create events per second <= 2".
const CREATES_PER_SECOND: usize = 2;
/// l.2404: "Conference join events per second <= 8".
const JOINS_PER_SECOND: usize = 8;
/// l.2418: "Maximum poll requests per second <= 8".
const POLLS_PER_SECOND: usize = 8;
/// l.2417: "Minimum conference poll period >= 5 seconds".
const CONFERENCE_POLL_PERIOD: Duration = Duration::from_secs(5);
/// l.476: factory.health.query no more often than once every 5 minutes.
const HEALTH_QUERY_PERIOD: Duration = Duration::from_secs(300);
/// l.2392: "Concurrent conferences <= 1,000".
const MAX_CONFERENCES: usize = 1000;
/// l.2394: "Total number of calls <= 2,400".
const MAX_CALLS: usize = 2400;
/// l.378, l.381: signalling and ports accept 0 to 2400.
const MAX_CALLS_LIMIT: i64 = 2400;

pub async fn rpc(body: String, sim: web::Data<Sim>) -> HttpResponse {
    let _in_flight = InFlight::enter(&sim);
    if let Some(r) = knobs(&sim).await {
        return r;
    }
    // l.181-185: the interface is stateless, every call carries the credentials.
    let (method, p) = match authenticated(&body, &sim.user, &sim.password) {
        Ok(call) => call,
        Err((code, text)) => return failed(code, text),
    };
    let mut st = sim.lock();
    if let Some(code) = st.fault {
        let f = fault(code);
        return failed(f.code, &f.text);
    }
    st.expire();
    match dispatch(&mut st, &method, &p) {
        Ok(v) => crate::sim::xmlrpc::ok(v),
        Err(f) => failed(f.code, &f.text),
    }
}

fn dispatch(st: &mut State, method: &str, p: &Value) -> Reply {
    let (known, answer): (&[&str], Method) = match method {
        "factory.conferencecreate" => (CREATE, create),
        "factory.conferencemodify" => (MODIFY, modify),
        // l.240-242: conference.end is conference.destroy.
        "conference.destroy" | "conference.end" => (&["conferenceName"], destroy),
        "conference.enumerate" => (&["enumerateID"], enumerate_conferences),
        "participant.add" => (ADD, add),
        // l.919-923: participant.remove replaced participant.disconnect; both remain.
        "participant.remove" | "participant.disconnect" => (IDENTIFY, remove),
        "participant.enumerate" => (
            &["factoryConferenceIds", "enumerateID"],
            enumerate_participants,
        ),
        "factory.webex.add" => (WEBEX_ADD, webex_add),
        "device.query" => (&[], device_query),
        "factory.health.query" => (&[], health_query),
        // l.952: fault 1, "This method is not supported on this device".
        _ => return Err(fault(1)),
    };
    for name in unknown(p, known) {
        st.unknown_parameters.push(format!("{method}: {name}"));
    }
    answer(st, p)
}

/// The parameters of factory.conferencecreate, l.361-385.
const CREATE: &[&str] = &[
    "conferenceAlias",
    "factoryMinDurationMinutes",
    "factoryMaxDurationMinutes",
    "factoryOverridePIN",
    "factoryOverrideGuestPIN",
    "webEx",
    "factoryResourceLimits",
    "encryption",
    "factoryLayout",
    "factoryOverrideConferenceDisplayName",
];

/// The parameters of factory.conferencemodify, l.429-459.
const MODIFY: &[&str] = &[
    "conferenceName",
    "h239Important",
    "factoryMinDurationMinutes",
    "factoryMaxDurationMinutes",
    "factoryOverridePIN",
    "factoryOverrideGuestPIN",
    "factoryResourceLimits",
    "factoryLayout",
    "locked",
];

/// The parameters of participant.add, l.720-735.
const ADD: &[&str] = &[
    "conferenceName",
    "participantName",
    "address",
    "factoryNumScreens",
    "addAsGuest",
    "participantProtocol",
    "participantType",
];

/// The parameters that identify a participant (participant.remove, l.925-933).
const IDENTIFY: &[&str] = &[
    "conferenceName",
    "participantName",
    "participantProtocol",
    "participantType",
];

/// The parameters of factory.webex.add, l.501-515.
const WEBEX_ADD: &[&str] = &[
    "conferenceName",
    "sipUri",
    "bandwidth",
    "dtmf",
    "audioDn",
    "bestEffort",
];

/// l.419-422 (and l.216, l.238, l.304, l.742, l.869): success.
fn successful() -> Value {
    members(vec![("status", Value::Str("operation successful".into()))])
}

/// l.416-418, l.463-470: a failure answered in-band, status "error" with its info (and,
/// from factory.conferencemodify, sometimes a faultCode String).
fn error(info: &str, extra: Vec<(&str, Value)>) -> Reply {
    let mut v = vec![
        ("status", Value::Str("error".into())),
        ("info", Value::Str(info.into())),
    ];
    v.extend(extra);
    Ok(members(v))
}

/// A dateTime.iso8601 value, "YYYYMMDDTHH:MM:SS" (the simulator's local time is UTC).
fn date_time(t: chrono::DateTime<chrono::Utc>) -> Value {
    Value::DateTime(t.format("%Y%m%dT%H:%M:%S").to_string())
}

/// `factoryResourceLimits` (l.374-381, l.450-457): a struct of Integers, `signalling`,
/// `media` and `licences` for a `tsmcu` pool, `ports` for an `mcu` one; signalling and
/// ports 0 to 2400.
fn resource_limits(p: &Value, bridge_type: &str) -> Result<Option<Resources>, Fault> {
    const NAME: &str = "factoryResourceLimits";
    let Some(v) = p.member(NAME) else {
        return Ok(None);
    };
    let Value::Struct(list) = v else {
        return Err(malformed(NAME));
    };
    let allowed: &[&str] = if bridge_type == "mcu" {
        &["ports"]
    } else {
        &["signalling", "media", "licences"]
    };
    let mut out = Resources::new();
    for (k, v) in list {
        let d = dimension(k);
        let Value::Int(n) = v else {
            return Err(malformed(NAME));
        };
        if !allowed.contains(&d.as_str()) {
            // A dimension of the other bridge type: related values that do not go
            // together (l.999).
            return Err(fault(104));
        }
        let ceiling = if d == "signalling" || d == "ports" {
            MAX_CALLS_LIMIT
        } else {
            i64::MAX
        };
        if *n < 0 || *n > ceiling {
            return Err(invalid(NAME));
        }
        out.insert(d, *n);
    }
    Ok(Some(out))
}

/// What a conference's live participants take, per dimension (a WebEx call takes what
/// `webEx` reserved, l.373).
fn usage(st: &State, c: &Conference, extra: usize) -> Resources {
    let (now, answer) = (st.now(), st.answer_delay);
    let calls = c
        .participants
        .iter()
        .filter(|p| !p.webex && p.live(now, answer))
        .count();
    st.prices.usage(calls + extra)
}

/// Whether `usage` fits `limits` (a limit of 0 on calls is "unlimited", l.378, l.381).
fn within(limits: &Resources, usage: &Resources) -> bool {
    limits
        .iter()
        .filter(|(_, limit)| **limit > 0)
        .all(|(d, limit)| usage.get(d).copied().unwrap_or(0) <= *limit)
}

fn find<'a>(st: &'a mut State, name: &str) -> Option<&'a mut Conference> {
    st.conferences.iter_mut().find(|c| c.name == name)
}

/// `factory.conferencecreate`, l.353-421.
fn create(st: &mut State, p: &Value) -> Reply {
    // l.364, l.978: the Required alias; fault 21 when absent.
    let alias = req_str(p, "conferenceAlias", 21)?;
    let min = opt_minutes(p, "factoryMinDurationMinutes")?;
    let max = opt_minutes(p, "factoryMaxDurationMinutes")?;
    let pin = opt_pin(p, "factoryOverridePIN")?;
    let guest_pin = opt_pin(p, "factoryOverrideGuestPIN")?;
    let webex = opt_enum(p, "webEx", &["None", "SIP", "SIP-TSP"])?.unwrap_or("None");
    let limits = resource_limits(p, st.prices.bridge_type)?;
    opt_enum(p, "encryption", &["optional", "required", "forbidden"])?;
    let layout = opt_enum(p, "factoryLayout", &LAYOUTS)?;
    let display = opt_str(p, "factoryOverrideConferenceDisplayName")?;
    if over_rate(&mut st.recent_creates, CREATES_PER_SECOND) {
        st.violation("more than 2 conference creates in a second");
    }
    // l.419-420: creating a conference that exists already fails, with the existing
    // conference's name and identifier. The Conductor matches aliases in lower case
    // (l.1584).
    let lower = alias.to_ascii_lowercase();
    if let Some(c) = st.conferences.iter().find(|c| c.alias == lower) {
        return error(
            "conference already exists",
            vec![
                ("conferenceName", Value::Str(c.name.clone())),
                ("factoryConferenceId", Value::Str(c.id.clone())),
            ],
        );
    }
    if let Some(info) = st.refuse_creates.clone() {
        return error(&info, vec![]);
    }
    if !st.resolves(alias) {
        return error("no conference alias matches the dial string", vec![]);
    }
    // l.369: default 5; 0 creates nothing unless the template has auto-dialed
    // participants, and the simulator's template has none.
    let min = min.unwrap_or(5);
    if min == 0 {
        return error(
            "factoryMinDurationMinutes is 0 and the template has no auto-dialed participants",
            vec![],
        );
    }
    // l.370: at most the template's conference duration limit, "otherwise there will be an
    // error"; 0 (the default) is that limit.
    let max = max.unwrap_or(0);
    if st.template_max_minutes > 0 && max > st.template_max_minutes {
        return error(
            "factoryMaxDurationMinutes exceeds the template's conference duration limit",
            vec![],
        );
    }
    if st.conferences.len() >= MAX_CONFERENCES {
        return Err(fault(6));
    }
    let limits = limits.unwrap_or_default();
    let free = st.free();
    if super::reserve(&st.prices, &limits, webex)
        .iter()
        .any(|(d, n)| *n > free.get(d).copied().unwrap_or(0))
    {
        return error("No capacity available", vec![]);
    }
    st.creates += 1;
    let now = Instant::now();
    st.created_between = Some((st.created_between.map_or(now, |(first, _)| first), now));
    // l.385: the display name the client gives, else one of the Conductor's own.
    let display = display.map(str::to_string).unwrap_or_else(|| lower.clone());
    let c = st.make(&lower, &display);
    c.pin = pin;
    c.guest_pin = guest_pin;
    c.min_minutes = min;
    c.max_minutes = max;
    c.limits = limits;
    c.webex = webex.to_string();
    c.layout = layout.map(str::to_string);
    let (name, id) = (c.name.clone(), c.id.clone());
    // l.416-421.
    Ok(members(vec![
        ("status", Value::Str("operation successful".into())),
        ("conferenceName", Value::Str(name)),
        ("factoryConferenceId", Value::Str(id.clone())),
        ("factory_conference_id", Value::Str(id)),
    ]))
}

/// l.384: the layouts factoryLayout takes.
const LAYOUTS: [&str; 4] = ["equal", "active", "prominent", "single"];

/// `factory.conferencemodify`, l.423-470. Every check comes before any change: a refused
/// change leaves the conference as it was (l.446).
fn modify(st: &mut State, p: &Value) -> Reply {
    let name = req_str(p, "conferenceName", 8)?;
    opt_bool(p, "h239Important")?;
    let min = opt_minutes(p, "factoryMinDurationMinutes")?;
    let max = opt_minutes(p, "factoryMaxDurationMinutes")?;
    let pin = opt_pin(p, "factoryOverridePIN")?;
    let guest_pin = opt_pin(p, "factoryOverrideGuestPIN")?;
    let limits = resource_limits(p, st.prices.bridge_type)?;
    let layout = opt_enum(p, "factoryLayout", &LAYOUTS)?;
    let locked = opt_bool(p, "locked")?;
    let now = st.now();
    let Some(c) = st.conferences.iter().find(|c| c.name == name).cloned() else {
        return error(
            "no such conference or auto attendant",
            vec![("faultCode", Value::Str("4".into()))],
        );
    };
    let running = now.saturating_duration_since(c.created);
    let new_max = max.unwrap_or(c.max_minutes);
    if let Some(min) = min {
        // l.446: not larger than factoryMaxDurationMinutes.
        if new_max > 0 && min > new_max {
            return error(
                "factoryMinDurationMinutes is larger than factoryMaxDurationMinutes",
                vec![("faultCode", Value::Str("104".into()))],
            );
        }
        // l.446: smaller than the running time is an error, the conference unaffected.
        if Duration::from_secs(min as u64 * 60) < running {
            return error(
                "factoryMinDurationMinutes is smaller than the conference's running time",
                vec![],
            );
        }
    }
    // l.447: at most the template's limit.
    if st.template_max_minutes > 0 && new_max > st.template_max_minutes {
        return error(
            "factoryMaxDurationMinutes exceeds the template's conference duration limit",
            vec![],
        );
    }
    if let Some(limits) = &limits {
        // l.450: "must not be smaller than the actual resource usage" (fault 25, l.980).
        if !within(limits, &usage(st, &c, 0)) {
            return error(
                "new port limit lower than currently active",
                vec![("faultCode", Value::Str("25".into()))],
            );
        }
        // Growing limits take more of the pool, which must have it.
        let mut free = st.free();
        for (d, n) in st.reserved(&c) {
            *free.entry(d).or_default() += n;
        }
        if super::reserve(&st.prices, limits, &c.webex)
            .iter()
            .any(|(d, n)| *n > free.get(d).copied().unwrap_or(0))
        {
            return error("No capacity available", vec![]);
        }
    }
    let c = find(st, name).expect("found above");
    if let Some(min) = min {
        c.min_minutes = min;
    }
    c.max_minutes = new_max;
    if let Some(pin) = pin {
        c.pin = Some(pin);
    }
    if let Some(pin) = guest_pin {
        c.guest_pin = Some(pin);
    }
    if let Some(limits) = limits {
        c.limits = limits;
    }
    if let Some(layout) = layout {
        c.layout = Some(layout.to_string());
    }
    if let Some(locked) = locked {
        c.locked = locked;
    }
    // l.464-469.
    Ok(members(vec![
        ("status", Value::Str("operation successful".into())),
        ("info", Value::Str("conference modified".into())),
    ]))
}

/// `conference.destroy` (l.218-238): disconnects everyone and ends the conference.
fn destroy(st: &mut State, p: &Value) -> Reply {
    let name = req_str(p, "conferenceName", 8)?;
    let Some(i) = st.conferences.iter().position(|c| c.name == name) else {
        return Err(fault(4));
    };
    st.conferences.remove(i);
    Ok(successful())
}

/// Counts a poll request (l.2418).
fn poll(st: &mut State) {
    if over_rate(&mut st.recent_polls, POLLS_PER_SECOND) {
        st.violation("more than 8 poll requests in a second");
    }
}

/// One page of `total` items: where it starts and ends, and the enumerateID of the next
/// (MCU paging; fault 16 for an enumerateID the device did not hand out, l.973).
fn page(st: &mut State, p: &Value, total: usize) -> Result<(usize, usize, Option<String>), Fault> {
    let start = match opt_str(p, "enumerateID")? {
        None => 0,
        Some(id) => *st.cursors.get(id).ok_or_else(|| fault(16))?,
    };
    let end = (start + st.page_size.max(1)).min(total);
    let next = (end < total).then(|| {
        if st.cursors.len() > 10_000 {
            st.cursors.clear();
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        st.cursors.insert(id.clone(), end);
        id
    });
    Ok((start.min(end), end, next))
}

/// A page of `list`, with the enumerateID of the next page when there is one.
fn paged(name: &str, list: Vec<Value>, next: Option<String>) -> Value {
    let mut v = vec![(name, Value::Array(list))];
    if let Some(id) = next {
        v.push(("enumerateID", Value::Str(id)));
    }
    members(v)
}

/// `conference.enumerate` (l.244-276): every active conference, with the members the
/// Conductor adds (l.264-275) and the MCU's `startTime`.
fn enumerate_conferences(st: &mut State, p: &Value) -> Reply {
    poll(st);
    let (start, end, next) = page(st, p, st.conferences.len())?;
    let list = st.conferences[start..end]
        .iter()
        .map(|c| {
            members(vec![
                ("conferenceName", Value::Str(c.name.clone())),
                ("factoryTemplateType", Value::Str("meet".into())),
                ("isCascaded", Value::Bool(false)),
                ("factoryConferenceId", Value::Str(c.id.clone())),
                ("factoryWebEx", Value::Str(c.webex.clone())),
                ("encryption", Value::Str("optional".into())),
                ("locked", Value::Bool(c.locked)),
                // MCU: when the conference started.
                ("startTime", date_time(c.created_at)),
            ])
        })
        .collect();
    Ok(paged("conferences", list, next))
}

/// `participant.add` (l.716-742): the Conductor forwards it to the bridge, which calls the
/// address; the call connects once the endpoint answers, or ends when it does not.
fn add(st: &mut State, p: &Value) -> Reply {
    // l.724-727: three Required parameters, each with its own fault (l.959-961).
    let conference = req_str(p, "conferenceName", 8)?;
    let name = req_str(p, "participantName", 9)?;
    let address = req_str(p, "address", 10)?;
    // l.732: a screen count, 1 by default; ServiceParams' max_screens is 1 to 4 (l.1197).
    if let Some(n) = opt_int(p, "factoryNumScreens")? {
        if !(1..=4).contains(&n) {
            return Err(invalid("factoryNumScreens"));
        }
    }
    // l.733: a Meeting-type conference (the simulator's template, factoryTemplateType
    // "meet") refuses a guest.
    if opt_bool(p, "addAsGuest")? == Some(true) {
        return Err(invalid("addAsGuest"));
    }
    // l.734: sip or h323; sip only behind the Conductor's B2BUA. An invalid protocol
    // String is fault 102 (l.997).
    let protocol = opt_enum(p, "participantProtocol", &["sip", "h323"])?.unwrap_or("sip");
    if st.b2bua && protocol != "sip" {
        return Err(invalid("participantProtocol"));
    }
    // l.735: participantType is ignored (always ad_hoc), but it is a String.
    opt_str(p, "participantType")?;
    if over_rate(&mut st.recent_joins, JOINS_PER_SECOND) {
        st.violation("more than 8 conference joins in a second");
    }
    let (now, answer) = (st.now(), st.answer_delay);
    let calls: usize = st
        .conferences
        .iter()
        .flat_map(|c| &c.participants)
        .filter(|p| p.live(now, answer))
        .count();
    let refused = st.refused.contains(&address.to_ascii_lowercase());
    let Some(i) = st.conferences.iter().position(|c| c.name == conference) else {
        return Err(fault(4));
    };
    let c = &st.conferences[i];
    // l.726, l.953: the name is unique among the conference's participants (an ad hoc
    // participant whose call ended holds it no more).
    if c.participants
        .iter()
        .any(|q| q.name == name && q.live(now, answer))
    {
        return Err(fault(3));
    }
    // l.378: the conference's limits; l.2394: the Conductor's calls (fault 7, l.958).
    if !within(&c.limits, &usage(st, c, 1)) || calls >= MAX_CALLS {
        return Err(fault(7));
    }
    st.joins += 1;
    let c = &mut st.conferences[i];
    c.participants.retain(|q| q.name != name);
    c.participants.push(Participant {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_string(),
        address: address.to_string(),
        protocol: protocol.to_string(),
        webex: false,
        added: now,
        refused,
    });
    Ok(successful())
}

/// `participant.remove` / `participant.disconnect` (l.768-790, l.919-943): every
/// participant of that name (l.705-707) is disconnected and goes.
fn remove(st: &mut State, p: &Value) -> Reply {
    let conference = req_str(p, "conferenceName", 8)?;
    let name = req_str(p, "participantName", 9)?;
    // l.932-933: both Required; an invalid protocol identifying a participant is fault 19,
    // an unknown type fault 20 (l.976-977).
    let protocol = req_str(p, "participantProtocol", 101)?;
    let kind = req_str(p, "participantType", 101)?;
    if !["h323", "sip", "vnc"].contains(&protocol) {
        return Err(fault(19));
    }
    if !["by_address", "by_name", "ad_hoc"].contains(&kind) {
        return Err(fault(20));
    }
    let Some(c) = find(st, conference) else {
        return Err(fault(4));
    };
    // l.817: a TelePresence Server's participant is named by its participantID.
    let before = c.participants.len();
    c.participants.retain(|q| q.name != name && q.id != name);
    if c.participants.len() == before {
        return Err(fault(5));
    }
    Ok(successful())
}

/// `participant.enumerate` (l.794-836): the participants of the conferences asked for
/// (all without `factoryConferenceIds`), with the members the Conductor adds (l.815-833)
/// and the MCU's participantProtocol, callState and disconnectReason.
fn enumerate_participants(st: &mut State, p: &Value) -> Reply {
    const IDS: &str = "factoryConferenceIds";
    let wanted: Option<Vec<String>> = match p.member(IDS) {
        None => None,
        Some(Value::Array(list)) => Some(
            list.iter()
                .map(|v| match v {
                    Value::Str(s) => Ok(s.clone()),
                    _ => Err(malformed(IDS)),
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err(malformed(IDS)),
    };
    poll(st);
    let chosen: Vec<usize> = (0..st.conferences.len())
        .filter(|i| {
            wanted
                .as_ref()
                .is_none_or(|w| w.contains(&st.conferences[*i].id))
        })
        .collect();
    // l.2417: each conference polled no more often than every 5 seconds (the pages of
    // one enumeration are one poll).
    if p.member("enumerateID").is_none() {
        let real = Instant::now();
        for i in &chosen {
            let id = st.conferences[*i].id.clone();
            if let Some(last) = st.polled.insert(id, real) {
                if real.duration_since(last) < CONFERENCE_POLL_PERIOD {
                    st.violation("a conference polled again within 5 seconds");
                }
            }
        }
    }
    let (now, answer) = (st.now(), st.answer_delay);
    let all: Vec<Value> = chosen
        .iter()
        .flat_map(|i| {
            let c = &st.conferences[*i];
            c.participants
                .iter()
                .map(move |q| participant(c, q, now, answer))
        })
        .collect();
    let (start, end, next) = page(st, p, all.len())?;
    Ok(paged("participants", all[start..end].to_vec(), next))
}

fn participant(c: &Conference, q: &Participant, now: Instant, answer: Duration) -> Value {
    let (state, reason) = match q.leg(now, answer) {
        Leg::Connecting => ("connecting", None),
        Leg::Connected => ("connected", None),
        Leg::Disconnected(why) => ("disconnected", Some(why)),
    };
    let mut v = vec![
        ("mcuIPAddress", Value::Str("127.0.0.1".into())),
        ("factoryConferenceId", Value::Str(c.id.clone())),
        // l.817: on a TelePresence Server, its participantID.
        ("participantName", Value::Str(q.id.clone())),
        ("participantType", Value::Str("ad_hoc".into())),
        ("conferenceName", Value::Str(c.name.clone())),
        ("address", Value::Str(q.address.clone())),
        ("displayName", Value::Str(q.name.clone())),
        ("factoryBridgeType", Value::Str("tsmcu".into())),
        ("audioRxMuted", Value::Bool(false)),
        ("audioTxMuted", Value::Bool(false)),
        ("videoTxMuted", Value::Bool(false)),
        ("dtmfSequence", Value::Str(String::new())),
        // l.831: blank on a TelePresence Server.
        ("previewURL", Value::Str(String::new())),
        ("factoryWebEx", Value::Str(c.webex.clone())),
        ("participantProtocol", Value::Str(q.protocol.clone())),
        ("callState", Value::Str(state.into())),
    ];
    if q.webex {
        // l.833.
        v.push(("factoryWebExCallType", Value::Str("VideoAudio".into())));
    }
    if let Some(why) = reason {
        v.push(("disconnectReason", Value::Str(why.into())));
    }
    members(v)
}

/// `factory.webex.add` (l.497-515): the WebEx conference joins as a SIP call.
fn webex_add(st: &mut State, p: &Value) -> Reply {
    let conference = req_str(p, "conferenceName", 8)?;
    let uri = req_str(p, "sipUri", 101)?;
    if let Some(kbps) = opt_int(p, "bandwidth")? {
        if kbps <= 0 {
            return Err(invalid("bandwidth"));
        }
    }
    // l.513: 0-9, *, # and the comma.
    if let Some(dtmf) = opt_str(p, "dtmf")? {
        if !dtmf
            .chars()
            .all(|c| c.is_ascii_digit() || "*#,".contains(c))
        {
            return Err(invalid("dtmf"));
        }
    }
    let audio = opt_str(p, "audioDn")?;
    let best_effort = opt_bool(p, "bestEffort")?.unwrap_or(false);
    if over_rate(&mut st.recent_joins, JOINS_PER_SECOND) {
        st.violation("more than 8 conference joins in a second");
    }
    let (now, refused) = (st.now(), st.refused.contains(&uri.to_ascii_lowercase()));
    let Some(c) = find(st, conference) else {
        return Err(fault(4));
    };
    // l.507: SIP-TSP needs the audio dial number too.
    if c.webex == "SIP-TSP" && audio.is_none() {
        return Err(missing("audioDn"));
    }
    // l.515: without bestEffort, settings that do not match the create's webEx fail.
    if c.webex == "None" && !best_effort {
        return Err(fault(201));
    }
    c.participants.push(Participant {
        id: uuid::Uuid::new_v4().to_string(),
        name: format!("WebEx {uri}"),
        address: uri.to_string(),
        protocol: "sip".into(),
        webex: true,
        added: now,
        refused,
    });
    st.joins += 1;
    Ok(successful())
}

/// `device.query` (l.328-351).
fn device_query(st: &mut State, _: &Value) -> Reply {
    poll(st);
    Ok(members(vec![
        ("currentTime", date_time(st.now_utc())),
        ("serial", Value::Str("SIM0001".into())),
        ("softwareVersion", Value::Str("XC4.3.1".into())),
        ("buildVersion", Value::Str("XC4.3.1-sim".into())),
        ("model", Value::Str("Cisco TelePresence Conductor".into())),
        ("apiVersion", Value::Str("4.3".into())),
        // l.351: TelePresence Server ports are not counted.
        ("totalVideoPorts", Value::Int(0)),
    ]))
}

/// `factory.health.query` (l.472-495), which l.476 asks to call no more often than once
/// every 5 minutes.
fn health_query(st: &mut State, _: &Value) -> Reply {
    poll(st);
    let now = Instant::now();
    if st
        .last_health_query
        .is_some_and(|t| now.duration_since(t) < HEALTH_QUERY_PERIOD)
    {
        st.violation("factory.health.query within 5 minutes of the last");
    }
    st.last_health_query = Some(now);
    Ok(members(vec![
        ("fan_1", Value::Str("N/A".into())),
        ("fan_2", Value::Str("N/A".into())),
        ("fan_3", Value::Str("N/A".into())),
        ("committed_as", Value::Str("1048576".into())),
        ("cpu_load_1", Value::Int(0)),
        ("cpu_load_5", Value::Int(0)),
        ("cpu_load_15", Value::Int(0)),
    ]))
}
