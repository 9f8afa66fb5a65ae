//! Cisco TelePresence Conductor XC4.3.1: XML-RPC at /RPC2 with the credentials in every
//! call, and the Capacity Management REST API (ServiceCost) with Basic auth. "l." below
//! are lines of /work/shared/spec/telepresence-conductor-api-xc4.3.1.txt.
//!
//! A meeting is a conference made by `factory.conferencecreate` on the meeting's alias,
//! displayed under its reference. The Conductor names it: the display name with a 6-digit
//! number appended (l.1488), so ours are exactly "<reference><6 digits>" and nothing else
//! is taken for ours. A conference lives from its creation: at most
//! `factoryMaxDurationMinutes` (l.370) and, empty, only `factoryMinDurationMinutes` (l.369,
//! 5 by default), so both are sent as the time from the create to the meeting's end: the
//! conference waits for its calls and ends at the end. The create goes first, so
//! provisioning needs no enumeration (which fans out to every bridge behind the
//! Conductor, l.246-248): the alias already running answers with the running conference's
//! name (l.419), which is ours to bring up to date or someone else's to leave alone.
//!
//! The document asks for one connection per client, one request at a time, keep-alive
//! (l.2350-2375), at most 2 creates, 8 joins and 8 polls a second, each conference polled
//! no more often than every 5 s (l.2403-2418), and `factory.health.query` no more often
//! than every 5 minutes (l.476): this adapter keeps one kept-alive connection, serialises
//! its requests, paces them, and answers health from `device.query`.
use super::pace::{next_slot, Throttle};
use super::service_cost::ServiceCost;
use super::tls::{self, ClientTls};
use super::xmlrpc::{members, method_call, parse_response, Value};
use super::{Adapter, BridgeError, Call, CallReport, CallState, Health, Meeting, Price};
use chrono::{NaiveDateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);
/// ServiceCost is computed from configuration (l.1065), so it is asked again only this often.
const PRICE_LIFETIME: Duration = Duration::from_secs(600);
/// l.2417: "Minimum conference poll period >= 5 seconds".
const CONFERENCE_POLL_PERIOD_S: f64 = 5.0;
/// l.1488: on a TelePresence MCU a display name longer than 32 characters is cut, which
/// would make the conference's name no longer carry the whole reference.
const DISPLAY_NAME_MAX: usize = 32;
/// Participant names stay within the TelePresence MCU API's 31 characters, since the
/// Conductor forwards `participant.add` to whichever bridge hosts the conference (l.718).
const PARTICIPANT_NAME_MAX: usize = 31;
/// l.371: a PIN is "less than 32 characters".
const PIN_MAX: usize = 31;
/// No enumeration goes on for ever, whatever the device answers.
const MAX_PAGES: usize = 10_000;

pub struct Conductor {
    base: String,
    username: String,
    password: String,
    agent: ureq::Agent,
    /// Held for the length of a request: one at a time.
    turn: Mutex<()>,
    creates: Throttle,
    joins: Throttle,
    polls: Throttle,
    /// When each conference (by factoryConferenceId) was last polled.
    polled: Mutex<HashMap<String, Instant>>,
    price: Mutex<Option<(Instant, ServiceCost)>>,
}

/// Whether `conference_name` is the conference displayed as `reference`: the reference
/// with exactly six digits appended (l.1488), so neither a longer reference nor a prefix
/// of ours matches.
pub fn named_for(conference_name: &str, reference: &str) -> bool {
    reference_of(conference_name) == Some(reference)
}

/// The display name a Conductor conference name was made from (l.1488).
pub fn reference_of(conference_name: &str) -> Option<&str> {
    let cut = conference_name.len().checked_sub(6)?;
    let (display, digits) = conference_name.split_at_checked(cut)?;
    (!display.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(display)
}

/// Whether `reference` is one of an installation's, given its prefix: the prefix and a
/// conference id ("bb-<installation>-<id>", see `Meeting::reference`).
pub fn is_reference(prefix: &str, reference: &str) -> bool {
    reference.strip_prefix(prefix).is_some_and(|id| {
        !id.is_empty() && !id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The minutes a conference must live, counted from its creation (l.370), to last
/// `elapsed` seconds it has run plus `remaining` until the meeting's end: rounded up, at
/// least one (l.369: 0 would create nothing).
pub fn lifetime_minutes(elapsed: i64, remaining: i64) -> i64 {
    let seconds = elapsed.max(0) + remaining.max(0);
    ((seconds + 59) / 60).max(1)
}

/// l.371, l.964: "the String of numeric digits", less than 32 characters.
pub fn pin_ok(pin: &str) -> bool {
    !pin.is_empty() && pin.len() <= PIN_MAX && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The bridge-side name of a meeting's call: the reference and the call's key when they
/// fit the participant name limit, else the key alone (unique in its conference).
pub fn participant_name(reference: &str, key: &str) -> String {
    let both = format!("{reference}/{key}");
    if both.len() <= PARTICIPANT_NAME_MAX {
        both
    } else {
        key.to_string()
    }
}

/// Whether two addresses name one endpoint (a "sip:" scheme and case aside).
pub fn same_address(a: &str, b: &str) -> bool {
    let bare = |s: &str| {
        let s = s.trim();
        s.strip_prefix("sip:")
            .or_else(|| s.strip_prefix("h323:"))
            .unwrap_or(s)
            .to_ascii_lowercase()
    };
    bare(a) == bare(b)
}

/// Where a participant of `participant.enumerate` stands. The document lists no call state
/// member (l.813-834) and defers to the MCU API, whose `callState` and `disconnectReason`
/// are read when present; a participant listed without them is being called.
pub fn leg_state(p: &Value) -> CallState {
    match p.str("callState").map(str::trim) {
        Some("connected") => CallState::Connected,
        Some("disconnected") => CallState::Failed(
            p.str("disconnectReason")
                .filter(|r| !r.is_empty())
                .unwrap_or("disconnected")
                .to_string(),
        ),
        _ => CallState::Calling,
    }
}

/// An XML-RPC dateTime.iso8601 ("20260501T09:00:00", with or without dashes, a zone
/// ignored): the device's own local time, so only differences between two of them count.
pub fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let s = s
        .strip_suffix('Z')
        .or_else(|| s.get(..19).filter(|_| s.len() > 19 && s.contains('-')))
        .unwrap_or(s);
    ["%Y%m%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y%m%dT%H%M%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// The best state among participants that are one call: any live one wins over a failed one.
fn best(states: impl Iterator<Item = CallState>) -> Option<CallState> {
    let rank = |s: &CallState| match s {
        CallState::Connected => 3,
        CallState::Calling => 2,
        CallState::Pending => 1,
        CallState::Failed(_) => 0,
    };
    states.max_by_key(rank)
}

fn transport(what: &str, e: ureq::Error) -> BridgeError {
    match e {
        ureq::Error::Status(code, _) => BridgeError::Unreachable(format!("{what}: HTTP {code}")),
        ureq::Error::Transport(t) => super::unreachable(what, &t),
    }
}

/// `factoryResourceLimits` as the create takes it (l.374-381).
fn resource_limits(cost: &ServiceCost, participants: u32) -> Value {
    Value::Struct(
        cost.limits(participants)
            .into_iter()
            .map(|(d, n)| (d, Value::Int(n)))
            .collect(),
    )
}

/// How many participants a meeting's conference is limited to: those the booking brings,
/// and at least the calls it makes (the WebEx call has its own reservation, `webEx`).
fn participants(m: &Meeting) -> u32 {
    let calls = m.calls.iter().filter(|c| !is_webex(c)).count() as u32;
    m.participants.max(calls)
}

/// The WebEx conference of a meeting is joined by `factory.webex.add` (l.497-515).
fn is_webex(c: &Call) -> bool {
    c.key == "webex"
}

/// One kept-alive connection.
fn agent(tls: &ClientTls) -> ureq::Agent {
    tls::agent(tls)
        .timeout(TIMEOUT)
        .max_idle_connections(1)
        .max_idle_connections_per_host(1)
        .build()
}

fn refused(code: &str, message: String) -> BridgeError {
    BridgeError::Refused {
        code: code.to_string(),
        message,
    }
}

impl Conductor {
    pub fn new(base: &str, username: &str, password: &str) -> Conductor {
        Conductor {
            base: base.trim_end_matches('/').to_string(),
            username: username.to_string(),
            password: password.to_string(),
            agent: agent(&None),
            turn: Mutex::new(()),
            creates: Throttle::per_second(2.0),
            joins: Throttle::per_second(8.0),
            polls: Throttle::per_second(8.0),
            polled: Mutex::new(HashMap::new()),
            price: Mutex::new(None),
        }
    }

    /// The same adapter checking the server's certificate as `tls` says.
    pub fn with_tls(mut self, tls: &ClientTls) -> Conductor {
        self.agent = agent(tls);
        self
    }

    /// A call; a fault is a refusal with its code. An in-band "error" reply is returned as
    /// it is, for the caller to read.
    fn send(&self, method: &str, params: Vec<(&str, Value)>) -> Result<Value, BridgeError> {
        match method {
            "factory.conferencecreate" => self.creates.wait(),
            "participant.add" | "factory.webex.add" => self.joins.wait(),
            "conference.enumerate"
            | "participant.enumerate"
            | "device.query"
            | "factory.health.query" => self.polls.wait(),
            _ => {}
        }
        let mut all = vec![
            ("authenticationUser", Value::Str(self.username.clone())),
            ("authenticationPassword", Value::Str(self.password.clone())),
        ];
        all.extend(params);
        let answer = {
            let _turn = self.turn.lock().unwrap_or_else(|p| p.into_inner());
            self.agent
                .post(&format!("{}/RPC2", self.base))
                .set("Content-Type", "text/xml")
                .send_string(&method_call(method, &members(all)))
                .map_err(|e| transport(method, e))?
                .into_string()
                .unwrap_or_default()
        };
        parse_response(&answer)
            .map_err(|(code, s)| refused(&code.to_string(), format!("{method}: {s}")))
    }

    /// A call, with in-band "error" replies (l.416-418, l.463-470) turned into refusals
    /// carrying their faultCode, when there is one, or "error".
    fn rpc(&self, method: &str, params: Vec<(&str, Value)>) -> Result<Value, BridgeError> {
        let v = self.send(method, params)?;
        if v.str("status").map(str::trim) == Some("error") {
            return Err(refused(
                v.str("faultCode").unwrap_or("error"),
                format!("{method}: {}", v.str("info").unwrap_or("")),
            ));
        }
        Ok(v)
    }

    /// Every item of an enumeration, page after page (the MCU API's `enumerateID`).
    fn pages(
        &self,
        method: &str,
        params: Vec<(&str, Value)>,
        list: &str,
    ) -> Result<Vec<Value>, BridgeError> {
        let mut out = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut p = params.clone();
            if let Some(id) = next.take() {
                p.push(("enumerateID", Value::Str(id)));
            }
            let v = self.rpc(method, p)?;
            out.extend(v.array(list).iter().cloned());
            match v.str("enumerateID").filter(|id| !id.is_empty()) {
                Some(id) => next = Some(id.to_string()),
                None => return Ok(out),
            }
        }
        Err(refused(
            "enumerateID",
            format!("{method}: more than {MAX_PAGES} pages"),
        ))
    }

    /// ServiceCost of `alias`, remembered for a while.
    fn service_cost(&self, alias: &str) -> Result<ServiceCost, BridgeError> {
        let mut price = self.price.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, cost)) = price.as_ref() {
            if at.elapsed() < PRICE_LIFETIME {
                return Ok(cost.clone());
            }
        }
        let what = "GET servicecost";
        let url = format!("{}/api/4.0/servicecost/{}", self.base, urlencoding(alias));
        let answer = {
            let _turn = self.turn.lock().unwrap_or_else(|p| p.into_inner());
            self.agent
                .get(&url)
                .set(
                    "Authorization",
                    &super::basic_auth(&self.username, &self.password),
                )
                .call()
        };
        let body = match answer {
            Ok(r) => r.into_string().unwrap_or_default(),
            Err(ureq::Error::Status(code, r)) if code < 500 => {
                let body: serde_json::Value =
                    serde_json::from_str(&r.into_string().unwrap_or_default()).unwrap_or_default();
                return Err(refused(
                    body["error_code"].as_str().unwrap_or(""),
                    format!(
                        "{what}: HTTP {code} {}",
                        body["message"].as_str().unwrap_or("")
                    ),
                ));
            }
            Err(e) => return Err(transport(what, e)),
        };
        let cost = ServiceCost::parse(&body).map_err(|e| refused("ServiceParams", e))?;
        *price = Some((Instant::now(), cost.clone()));
        Ok(cost)
    }

    /// Our conferences for `reference` (the conference structs), through every page.
    fn ours(&self, reference: &str) -> Result<Vec<Value>, BridgeError> {
        Ok(self
            .pages("conference.enumerate", vec![], "conferences")?
            .into_iter()
            .filter(|c| {
                c.str("conferenceName")
                    .is_some_and(|n| named_for(n, reference))
            })
            .collect())
    }

    /// The conference a meeting's calls go to: ours, the latest started when a change of
    /// alias left an older one behind.
    fn current(&self, reference: &str) -> Result<Option<Value>, BridgeError> {
        let mut ours = self.ours(reference)?;
        ours.sort_by_key(|c| c.str("startTime").and_then(parse_time));
        Ok(ours.pop())
    }

    /// How long conference `c` has run, by the device's own clock (`device.query`'s
    /// currentTime, l.345, less the MCU API's `startTime`), when it says.
    fn running_seconds(&self, c: &Value) -> Result<Option<i64>, BridgeError> {
        let Some(started) = c.str("startTime").and_then(parse_time) else {
            return Ok(None);
        };
        let now = self.rpc("device.query", vec![])?;
        Ok(now
            .str("currentTime")
            .and_then(parse_time)
            .map(|t| (t - started).num_seconds().max(0)))
    }

    /// The participants of conference `id`, no sooner than 5 s after its last poll.
    fn participants(&self, id: &str) -> Result<Vec<Value>, BridgeError> {
        {
            let mut polled = self.polled.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = next_slot(polled.get(id).copied(), 1.0 / CONFERENCE_POLL_PERIOD_S, now);
            if slot > now {
                std::thread::sleep(slot - now);
            }
            polled.retain(|_, t| t.elapsed() < Duration::from_secs(60));
            polled.insert(id.to_string(), Instant::now());
        }
        self.pages(
            "participant.enumerate",
            vec![(
                "factoryConferenceIds",
                Value::Array(vec![Value::Str(id.to_string())]),
            )],
            "participants",
        )
    }

    /// Our conference for `m` runs already (as `name`): it is brought up to date, lasting
    /// from its creation to the meeting's end. A refusal leaves it as it was (l.446).
    fn update(&self, m: &Meeting, name: &str, limits: Value) -> Result<(), BridgeError> {
        let remaining = (m.end - Utc::now()).num_seconds();
        let running = match self
            .ours(&m.reference)?
            .iter()
            .find(|c| c.str("conferenceName") == Some(name))
        {
            Some(c) => self.running_seconds(c)?,
            None => None,
        };
        let mut params = vec![
            ("conferenceName", Value::Str(name.to_string())),
            ("factoryResourceLimits", limits),
        ];
        match running {
            // l.446-447: both count from the conference's creation; the minimum is never
            // below the running time, nor above the maximum.
            Some(elapsed) => {
                let minutes = lifetime_minutes(elapsed, remaining);
                params.push(("factoryMinDurationMinutes", Value::Int(minutes)));
                params.push(("factoryMaxDurationMinutes", Value::Int(minutes)));
            }
            // Without its start the lifetime cannot be counted: the template's limit
            // (l.447, 0) keeps it past the new end, and the tear-down ends it.
            None => params.push(("factoryMaxDurationMinutes", Value::Int(0))),
        }
        if let Some(pin) = m.pin.as_deref().filter(|p| !p.is_empty()) {
            params.push(("factoryOverridePIN", Value::Str(pin.to_string())));
        }
        self.rpc("factory.conferencemodify", params).map(|_| ())
    }

    /// Places call `c` in conference `name`: Calling once the bridge took it, Failed with
    /// its reason when it refused; an error when the conference is gone or the bridge does
    /// not answer.
    fn place(&self, m: &Meeting, name: &str, c: &Call) -> Result<CallState, BridgeError> {
        let placed = if is_webex(c) {
            // l.505-515: the SIP URI, the meeting's bandwidth; bestEffort so a WebEx added
            // after the create (which reserved none) is still tried.
            self.rpc(
                "factory.webex.add",
                vec![
                    ("conferenceName", Value::Str(name.to_string())),
                    ("sipUri", Value::Str(c.address.clone())),
                    ("bandwidth", Value::Int(i64::from(m.bandwidth_kbps))),
                    ("bestEffort", Value::Bool(true)),
                ],
            )
        } else {
            // l.724-734: the three Required parameters, the protocol to dial with, and as
            // a host (a Lecture-type template would otherwise add a guest, l.733).
            self.rpc(
                "participant.add",
                vec![
                    ("conferenceName", Value::Str(name.to_string())),
                    (
                        "participantName",
                        Value::Str(participant_name(&m.reference, &c.key)),
                    ),
                    ("address", Value::Str(c.address.clone())),
                    (
                        "participantProtocol",
                        Value::Str(c.protocol.as_str().to_string()),
                    ),
                    ("addAsGuest", Value::Bool(false)),
                ],
            )
        };
        match placed {
            Ok(_) => Ok(CallState::Calling),
            Err(BridgeError::Refused { code, .. }) if code == "4" => Err(refused(
                "4",
                format!("{} is not running on the Conductor", m.reference),
            )),
            Err(BridgeError::Refused { message, .. }) => Ok(CallState::Failed(message)),
            Err(e) => Err(e),
        }
    }

    /// Removes a participant whose call ended, as `participant.enumerate` named it
    /// (l.925-933: all four identify it); one already gone (fault 5) is fine.
    fn remove(&self, name: &str, p: &Value, c: &Call) -> Result<(), BridgeError> {
        let Some(participant) = p.str("participantName") else {
            return Ok(());
        };
        let removed = self.rpc(
            "participant.remove",
            vec![
                ("conferenceName", Value::Str(name.to_string())),
                ("participantName", Value::Str(participant.to_string())),
                (
                    "participantProtocol",
                    Value::Str(
                        p.str("participantProtocol")
                            .unwrap_or(c.protocol.as_str())
                            .to_string(),
                    ),
                ),
                (
                    "participantType",
                    Value::Str(p.str("participantType").unwrap_or("ad_hoc").to_string()),
                ),
            ],
        );
        match removed {
            Err(BridgeError::Refused { code, .. }) if code == "5" => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

/// The alias as one path segment.
fn urlencoding(alias: &str) -> String {
    alias
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether participant `p` of the conference is call `c`: by its address, or by the name
/// we gave it (a TelePresence MCU lists that name; a TelePresence Server its own
/// participantID, l.817).
fn is_call(p: &Value, c: &Call, our_name: &str) -> bool {
    p.str("address")
        .is_some_and(|a| same_address(a, &c.address))
        || p.str("participantName") == Some(our_name)
}

impl Adapter for Conductor {
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError> {
        if m.reference.chars().count() > DISPLAY_NAME_MAX {
            return Err(refused(
                "reference",
                format!("{} is longer than a Conductor display name", m.reference),
            ));
        }
        let pin = m.pin.as_deref().filter(|p| !p.is_empty());
        if pin.is_some_and(|p| !pin_ok(p)) {
            // l.371, l.964: fault 13, without asking.
            return Err(refused("13", "the PIN is not 1 to 31 digits".into()));
        }
        let remaining = (m.end - Utc::now()).num_seconds();
        if remaining <= 0 {
            // Over already: nothing to make; the tear-down removes what is left.
            return Ok(());
        }
        let limits = resource_limits(&self.service_cost(&m.sip_uri)?, participants(m));
        let minutes = lifetime_minutes(0, remaining);
        let mut params = vec![
            // l.364: Required.
            ("conferenceAlias", Value::Str(m.sip_uri.clone())),
            // l.369-370: alive, even empty, from now to the end, and no longer.
            ("factoryMinDurationMinutes", Value::Int(minutes)),
            ("factoryMaxDurationMinutes", Value::Int(minutes)),
            ("factoryResourceLimits", limits.clone()),
            (
                "factoryOverrideConferenceDisplayName",
                Value::Str(m.reference.clone()),
            ),
        ];
        // l.371: only digits override the template's PIN; none leaves the template's.
        if let Some(pin) = pin {
            params.push(("factoryOverridePIN", Value::Str(pin.to_string())));
        }
        // l.373: a WebEx call takes resources reserved on the primary bridge.
        if m.calls.iter().any(is_webex) {
            params.push(("webEx", Value::Str("SIP".into())));
        }
        let answer = self.send("factory.conferencecreate", params)?;
        if answer.str("status").map(str::trim) != Some("error") {
            return Ok(());
        }
        // l.419: the alias runs already, under the name answered: ours (an earlier try,
        // or a change) is brought up to date; anyone else's is a refusal, so the meeting
        // moves to another bridge and theirs is left alone.
        let info = answer.str("info").unwrap_or("");
        match answer.str("conferenceName") {
            Some(name) if named_for(name, &m.reference) => self.update(m, name, limits),
            Some(name) => Err(refused(
                "alias",
                format!("{} is in use by conference {name}", m.sip_uri),
            )),
            None => Err(refused(
                answer.str("faultCode").unwrap_or("error"),
                format!("factory.conferencecreate: {info}"),
            )),
        }
    }

    fn call(&self, m: &Meeting) -> Result<Vec<CallReport>, BridgeError> {
        if m.calls.is_empty() {
            return Ok(vec![]);
        }
        let conference = self.current(&m.reference)?.ok_or_else(|| {
            refused(
                "4",
                format!("{} is not running on the Conductor", m.reference),
            )
        })?;
        let name = conference.str("conferenceName").unwrap_or("").to_string();
        let id = conference.str("factoryConferenceId").unwrap_or("");
        let present = self.participants(id)?;
        let mut reports = Vec::with_capacity(m.calls.len());
        for c in &m.calls {
            let ours = participant_name(&m.reference, &c.key);
            let mine: Vec<&Value> = present.iter().filter(|p| is_call(p, c, &ours)).collect();
            let state = match best(mine.iter().map(|p| leg_state(p))) {
                // Being called or connected: never called twice.
                Some(s @ (CallState::Calling | CallState::Connected | CallState::Pending)) => s,
                // The call ended: said with the bridge's reason, and placed again.
                Some(CallState::Failed(why)) => {
                    for p in &mine {
                        self.remove(&name, p, c)?;
                    }
                    match self.place(m, &name, c)? {
                        CallState::Failed(now) => CallState::Failed(now),
                        _ => CallState::Failed(why),
                    }
                }
                None => self.place(m, &name, c)?,
            };
            reports.push(CallReport {
                key: c.key.clone(),
                state,
            });
        }
        Ok(reports)
    }

    /// Every conference under the reference goes (one left behind by an alias change too);
    /// one gone already (fault 4) is fine.
    fn tear_down(&self, reference: &str) -> Result<(), BridgeError> {
        for c in self.ours(reference)? {
            let Some(name) = c.str("conferenceName") else {
                continue;
            };
            match self.rpc(
                "conference.destroy",
                vec![("conferenceName", Value::Str(name.to_string()))],
            ) {
                Err(BridgeError::Refused { code, .. }) if code == "4" => {}
                other => {
                    other?;
                }
            }
        }
        Ok(())
    }

    fn conferences(&self, prefix: &str) -> Result<Vec<String>, BridgeError> {
        let mut out: Vec<String> = self
            .pages("conference.enumerate", vec![], "conferences")?
            .iter()
            .filter_map(|c| reference_of(c.str("conferenceName")?))
            .filter(|r| is_reference(prefix, r))
            .map(str::to_string)
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    fn health(&self) -> Result<Health, BridgeError> {
        self.rpc("device.query", vec![])?;
        Ok(Health {
            load: None,
            active_conferences: None,
        })
    }

    fn price(&self, sample_alias: &str) -> Result<Option<Price>, BridgeError> {
        Ok(self.service_cost(sample_alias)?.price())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_conferences_are_the_reference_and_six_digits() {
        let table = [
            ("bb-0a1b-12123456", true),
            ("bb-0a1b-12000000", true),
            ("bb-0a1b-12 123456", false),
            ("bb-0a1b-123123456", false),
            ("bb-0a1b-1123456", false),
            ("bb-0a1b-12x123456", false),
            ("bb-0a1b-1212345", false),
            ("bb-0a1b-1212345a", false),
            ("xbb-0a1b-12123456", false),
        ];
        for (name, want) in table {
            assert_eq!(named_for(name, "bb-0a1b-12"), want, "{name}");
        }
        assert_eq!(reference_of("123456"), None);
        assert_eq!(reference_of("bé123456"), Some("bé"));
    }

    #[test]
    fn an_installations_references() {
        let table = [
            ("bb-0a1b-12", true),
            ("bb-0a1b-", false),
            ("bb-0a1b-012", false),
            ("bb-0a1b-12-old", false),
            ("bb-0a1b-12x", false),
            ("bb-ffff-12", false),
        ];
        for (r, want) in table {
            assert_eq!(is_reference("bb-0a1b-", r), want, "{r}");
        }
    }

    #[test]
    fn lifetimes_count_from_the_creation_and_round_up() {
        let table = [
            ("an hour from now", 0, 3600, 60),
            ("a second over the minute", 0, 3601, 61),
            ("over already", 0, -5, 1),
            ("running 30 min, 30.5 to go", 1800, 1830, 61),
            ("running 10 s, 50 to go", 10, 50, 1),
        ];
        for (name, elapsed, remaining, want) in table {
            assert_eq!(lifetime_minutes(elapsed, remaining), want, "{name}");
        }
    }

    #[test]
    fn pins_names_and_addresses() {
        assert!(pin_ok("2468"));
        assert!(!pin_ok(""));
        assert!(!pin_ok("12a4"));
        assert!(!pin_ok(&"1".repeat(32)));
        assert!(pin_ok(&"1".repeat(31)));
        assert_eq!(
            participant_name("bb-0a1b-12", "room-3"),
            "bb-0a1b-12/room-3"
        );
        assert_eq!(
            participant_name("bb-0a1b2c3d-123456", "out-3f2a9c1b07"),
            "out-3f2a9c1b07"
        );
        assert!(same_address("sip:Alice@Example.com", "alice@example.com"));
        assert!(!same_address("alice@example.com", "alice@example.org"));
    }

    #[test]
    fn call_states_as_the_bridge_lists_them() {
        let p = |state: Option<&str>, reason: Option<&str>| {
            let mut v = vec![("address", Value::Str("a@b".into()))];
            if let Some(s) = state {
                v.push(("callState", Value::Str(s.into())));
            }
            if let Some(r) = reason {
                v.push(("disconnectReason", Value::Str(r.into())));
            }
            members(v)
        };
        let table = [
            (p(Some("connected"), None), CallState::Connected),
            (p(Some("connecting"), None), CallState::Calling),
            (p(None, None), CallState::Calling),
            (
                p(Some("disconnected"), Some("no answer")),
                CallState::Failed("no answer".into()),
            ),
            (
                p(Some("disconnected"), None),
                CallState::Failed("disconnected".into()),
            ),
        ];
        for (v, want) in table {
            assert_eq!(leg_state(&v), want, "{v:?}");
        }
        assert_eq!(
            best([CallState::Failed("x".into()), CallState::Calling].into_iter()),
            Some(CallState::Calling)
        );
    }

    #[test]
    fn device_times() {
        let t = |s: &str| parse_time(s).map(|t| t.to_string());
        assert_eq!(
            t("20260501T09:00:05").as_deref(),
            Some("2026-05-01 09:00:05")
        );
        assert_eq!(
            t("2026-05-01T09:00:05Z").as_deref(),
            Some("2026-05-01 09:00:05")
        );
        assert_eq!(
            t("2026-05-01T09:00:05+02:00").as_deref(),
            Some("2026-05-01 09:00:05")
        );
        assert_eq!(t("soon"), None);
    }
}
