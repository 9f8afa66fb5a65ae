//! Cisco TelePresence Server 4.3 (remotely managed): XML-RPC at /RPC2 with the credentials
//! in every call (`/work/shared/spec/telepresence-server-api-4.3.txt`; "l.N" are its line
//! numbers).
//!
//! A meeting is a conference whose `conferenceReference` is exactly the meeting's
//! reference, found by enumerating every page. Times are relative: `startTime` is the
//! seconds to wait and `duration` the seconds from the start (l.1852-1853, l.2075), and a
//! conference's start cannot be modified (Table 82 has no `startTime`), so a conference not
//! started yet whose start moved is made again, and one running keeps its start and gets
//! the duration that ends it at the meeting's end. Calls are participants, one outgoing
//! call each, whose `participantReference` is the meeting's reference and the call's key.
use super::tls::{self, ClientTls};
use super::xmlrpc::{members, method_call, parse_response, Value};
use super::{Adapter, BridgeError, Call, CallReport, CallState, Health, Meeting, Protocol};
use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

/// Identifiers and client references are at most 50 characters (l.420).
pub const REFERENCE_MAX: usize = 50;
/// `conferenceName` is a string (80) (Table 72, l.1833).
const NAME_MAX: usize = 80;
/// A remote address is a string (80) (Table 35, l.1268).
const ADDRESS_MAX: usize = 80;
/// A start the bridge reports within this many seconds of the meeting's has not moved:
/// both sides count whole seconds.
const START_SLACK_SECONDS: i64 = 3;
/// Enumeration pages followed at most, against a bridge that never says it is done.
const MAX_PAGES: usize = 10_000;

/// The document's media credit levels (Table 5, l.610-626), used until the bridge's own
/// `mediaCreditTokenRanges` (Table 154, l.3191) are known.
pub const CREDIT_LEVELS: [i64; 10] = [48, 315, 630, 840, 1260, 2520, 3780, 5040, 7560, 10080];

/// Tokens per participant for an HD call with content and audio: main video, extended
/// video (content), audio.
pub const TOKENS: (i64, i64, i64) = (1920, 1920, 96);

/// Tokens for an audio-only participant: audio alone.
pub const AUDIO_TOKENS: i64 = 96;

/// The smallest credit level that covers `tokens` (the largest level when none does):
/// a value between levels is rounded down by the bridge (l.628), so only a level itself
/// keeps what it promises.
pub fn credits_for(tokens: i64, levels: &[i64]) -> i64 {
    levels
        .iter()
        .copied()
        .find(|l| *l >= tokens)
        .or_else(|| levels.last().copied())
        .unwrap_or(0)
}

/// What `flex.resource.query` tells of the bridge (Table 154, l.3176-3193): the call
/// bandwidths it accepts and its credit levels.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub min_call_bandwidth: i64,
    pub max_call_bandwidth: i64,
    pub credit_levels: Vec<i64>,
}

impl Limits {
    fn of(answer: &Value) -> Limits {
        let levels: Vec<i64> = answer
            .array("mediaCreditTokenRanges")
            .iter()
            .filter_map(|v| match v {
                Value::Int(i) => Some(*i),
                _ => None,
            })
            .collect();
        Limits {
            min_call_bandwidth: answer.int("minCallBandwidth").unwrap_or(64_000),
            max_call_bandwidth: answer.int("maxCallBandwidth").unwrap_or(i32::MAX as i64),
            credit_levels: if levels.is_empty() {
                CREDIT_LEVELS.to_vec()
            } else {
                levels
            },
        }
    }

    /// The booking's rate in bits per second (Table 33 l.1247, Table 35 l.1276), within
    /// what the bridge accepts.
    pub fn call_bandwidth(&self, kbps: u32) -> i64 {
        (i64::from(kbps) * 1000).clamp(self.min_call_bandwidth, self.max_call_bandwidth)
    }
}

/// The bridge-side reference of one of a meeting's calls: the meeting's reference and the
/// call's key, so a retried call finds the participant made before. Within the 50
/// characters of a client reference (l.420): a longer one keeps its head and ends with a
/// digest of the whole, so it stays the same for the same call and differs between calls.
pub fn participant_reference(reference: &str, key: &str) -> String {
    let whole = format!("{reference}/{key}");
    if whole.chars().count() <= REFERENCE_MAX {
        return whole;
    }
    let digest = fnv1a(&whole);
    let head: String = whole.chars().take(REFERENCE_MAX - 17).collect();
    format!("{head}~{digest:016x}")
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether a conference starting at `bridge_start` must be made again for a meeting
/// starting at `wanted` (never before now, since a late create starts at once).
pub fn start_moved(bridge_start: DateTime<Utc>, wanted: DateTime<Utc>) -> bool {
    (bridge_start - wanted).num_seconds().abs() > START_SLACK_SECONDS
}

/// Whole seconds from `from` to `to`, rounded up so a conference never starts or ends
/// before the meeting does; never negative.
pub fn seconds_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let ms = (to - from).num_milliseconds().max(0);
    (ms + 999) / 1000
}

/// A remote address as the bridge dials it: "an endpoint address or E164 number"
/// (Table 35, l.1268), without a URI scheme.
pub fn remote_address(address: &str) -> &str {
    let a = address.trim();
    for scheme in ["sip:", "h323:"] {
        if a.len() > scheme.len() && a[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return &a[scheme.len()..];
        }
    }
    a
}

/// Where a call stands by its participant's `connectionState` (Table 22, l.979-991): all
/// calls in the conference (or on hold) is connected; an outgoing call that failed all its
/// retries is failed, with the state as the bridge's reason; anything else is on its way.
pub fn call_state(connection_state: &str) -> CallState {
    match connection_state {
        "connected" | "onHold" => CallState::Connected,
        "audioReceiverFailed" | "partiallyFailed" => CallState::Failed(format!(
            "{connection_state}: the call failed all its retries"
        )),
        _ => CallState::Calling,
    }
}

/// A conference URI may hold `0-9 a-z A-Z . _ - @` (l.458-463) and 80 characters.
fn usable_uri(uri: &str) -> bool {
    !uri.is_empty()
        && uri.chars().count() <= 80
        && uri
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        && uri.matches('@').count() <= 1
}

/// The meeting's dial-in URIs (Table 33, l.1239-1254): the numeric id, and the user part
/// of its SIP URI when that differs, each with the PIN and a call bandwidth (Required).
pub fn conference_uris(m: &Meeting, call_bandwidth: i64) -> Value {
    let uri = |text: String| {
        let mut def = vec![
            ("URI", Value::Str(text)),
            ("callBandwidth", Value::Int(call_bandwidth)),
        ];
        if let Some(pin) = m.pin.as_ref().filter(|p| !p.is_empty()) {
            def.push(("PIN", Value::Str(pin.clone())));
        }
        members(def)
    };
    let number = m.number.to_string();
    let mut list = vec![uri(number.clone())];
    let sip = m.sip_uri.split('@').next().unwrap_or_default();
    if sip != number && usable_uri(sip) {
        list.push(uri(sip.to_string()));
    }
    Value::Array(list)
}

/// A `participantMediaResources` struct (Table 31): every member present (l.1099-1105),
/// credits at the level covering the tokens.
fn media(tokens: (i64, i64, i64), levels: &[i64]) -> Value {
    let (main, extended, audio) = tokens;
    let total = |t: i64| members(vec![("total", Value::Int(t))]);
    members(vec![
        ("mediaTokensMainVideo", total(main)),
        ("mediaTokensExtendedVideo", total(extended)),
        ("mediaTokensAudio", total(audio)),
        (
            "numMediaCredits",
            Value::Int(credits_for(main + extended + audio, levels)),
        ),
    ])
}

/// One participant of a conference, as `flex.participant.enumerate` lists it (Table 110).
#[derive(Debug, Clone)]
struct Present {
    id: String,
    reference: String,
    connection_state: String,
}

pub struct TelePresenceServer {
    url: String,
    username: String,
    password: String,
    agent: ureq::Agent,
    /// Held for the length of a request: one at a time per device.
    turn: Mutex<()>,
    /// What `flex.resource.query` last said.
    limits: Mutex<Option<Limits>>,
}

fn refused(code: i64, text: String) -> BridgeError {
    BridgeError::Refused {
        code: code.to_string(),
        message: text,
    }
}

fn is_fault(e: &BridgeError, fault: i64) -> bool {
    matches!(e, BridgeError::Refused { code, .. } if *code == fault.to_string())
}

/// The document asks for one low-concurrency client per device.
fn agent(tls: &ClientTls) -> ureq::Agent {
    tls::agent(tls)
        .timeout(TIMEOUT)
        .max_idle_connections_per_host(1)
        .build()
}

impl TelePresenceServer {
    pub fn new(base: &str, username: &str, password: &str) -> TelePresenceServer {
        TelePresenceServer {
            url: format!("{}/RPC2", base.trim_end_matches('/')),
            username: username.to_string(),
            password: password.to_string(),
            agent: agent(&None),
            turn: Mutex::new(()),
            limits: Mutex::new(None),
        }
    }

    /// The same adapter checking the server's certificate as `tls` says.
    pub fn with_tls(mut self, tls: &ClientTls) -> TelePresenceServer {
        self.agent = agent(tls);
        self
    }

    fn call(&self, method: &str, params: Vec<(&str, Value)>) -> Result<Value, BridgeError> {
        let mut all = vec![
            ("authenticationUser", Value::Str(self.username.clone())),
            ("authenticationPassword", Value::Str(self.password.clone())),
        ];
        all.extend(params);
        let body = method_call(method, &members(all));
        let _turn = self.turn.lock().unwrap_or_else(|p| p.into_inner());
        let answer = self
            .agent
            .post(&self.url)
            .set("Content-Type", "text/xml")
            .send_string(&body);
        let text = match answer {
            Ok(r) => r.into_string().unwrap_or_default(),
            Err(ureq::Error::Status(code, _)) => {
                return Err(BridgeError::Unreachable(format!("{method}: HTTP {code}")))
            }
            Err(ureq::Error::Transport(t)) => return Err(super::unreachable(method, &t)),
        };
        parse_response(&text).map_err(|(code, s)| match code {
            // Internal, generic and too-many-requests failures are worth another try later
            // (l.3667, l.3692, l.3694).
            34 | 201 | 203 => BridgeError::Unreachable(format!("{method}: fault {code}: {s}")),
            _ => refused(code, format!("{method}: {s}")),
        })
    }

    /// Every record of an enumeration (`field` of each answer), following `cookie` while
    /// `moreAvailable` (l.645-662). `first` goes with the first call only (a participant
    /// enumeration's `conferenceID`, l.2537). A cookie the bridge no longer knows (102, a
    /// restart in between) starts the enumeration again, as l.662 says.
    fn enumerate(
        &self,
        method: &str,
        first: Vec<(&str, Value)>,
        field: &str,
    ) -> Result<Vec<Value>, BridgeError> {
        let mut restarts = 0;
        'again: loop {
            let mut found = vec![];
            let mut cookie: Option<String> = None;
            for _ in 0..MAX_PAGES {
                let params = match &cookie {
                    None => first.clone(),
                    Some(c) => vec![("cookie", Value::Str(c.clone()))],
                };
                let page = match self.call(method, params) {
                    Err(e) if cookie.is_some() && is_fault(&e, 102) && restarts < 3 => {
                        restarts += 1;
                        continue 'again;
                    }
                    other => other?,
                };
                found.extend(page.array(field).iter().cloned());
                if page.bool("moreAvailable") != Some(true) {
                    return Ok(found);
                }
                match page.str("cookie") {
                    Some(next) => cookie = Some(next.to_string()),
                    None => {
                        return Err(BridgeError::Unreachable(format!(
                            "{method}: more available but no cookie to go on with"
                        )))
                    }
                }
            }
            return Err(BridgeError::Unreachable(format!(
                "{method}: more than {MAX_PAGES} pages"
            )));
        }
    }

    /// The identifiers of the conferences whose reference is exactly `reference`.
    fn find(&self, reference: &str) -> Result<Vec<String>, BridgeError> {
        Ok(self
            .enumerate("flex.conference.enumerate", vec![], "conferences")?
            .iter()
            .filter(|c| c.str("conferenceReference") == Some(reference))
            .filter_map(|c| c.str("conferenceID").map(str::to_string))
            .collect())
    }

    /// The bridge's limits, asked once and again at every health check.
    fn limits(&self) -> Result<Limits, BridgeError> {
        if let Some(l) = self
            .limits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Ok(l);
        }
        let answer = self.call("flex.resource.query", vec![])?;
        Ok(self.keep_limits(&answer))
    }

    fn keep_limits(&self, answer: &Value) -> Limits {
        let l = Limits::of(answer);
        *self.limits.lock().unwrap_or_else(|p| p.into_inner()) = Some(l.clone());
        l
    }

    /// What every create and modify sets: the name, the URIs (replaced whole, l.2062), the
    /// participant limit (one half of the unlimited pair, l.579-596).
    fn settings(&self, m: &Meeting, limits: &Limits) -> Vec<(&'static str, Value)> {
        let mut settings = vec![(
            "URIs",
            conference_uris(m, limits.call_bandwidth(m.bandwidth_kbps)),
        )];
        let name: String = m.title.chars().take(NAME_MAX).collect();
        if !name.is_empty() {
            settings.push(("conferenceName", Value::Str(name)));
        }
        settings.push(if m.max_participants > 0 {
            (
                "maxParticipants",
                // A four-byte integer (Table 2, l.369).
                Value::Int(i64::from(m.max_participants).min(i64::from(i32::MAX))),
            )
        } else {
            ("maxParticipantsUnlimited", Value::Bool(true))
        });
        settings
    }

    /// `flex.conference.create` (Table 72) with every Required member: it starts at the
    /// meeting's start (at once when that has passed) and lasts to its end.
    fn create(&self, m: &Meeting, limits: &Limits, now: DateTime<Utc>) -> Result<(), BridgeError> {
        let wait = seconds_between(now, m.start);
        let start = now + chrono::Duration::seconds(wait);
        let mut params = vec![
            ("conferenceReference", Value::Str(m.reference.clone())),
            (
                "participantMediaResources",
                media(TOKENS, &limits.credit_levels),
            ),
            ("startTime", Value::Int(wait)),
            ("duration", Value::Int(seconds_between(start, m.end))),
            // Booked meetings have no chair to wait for (the default is to wait, l.1844).
            ("waitForChair", Value::Bool(false)),
        ];
        params.extend(self.settings(m, limits));
        self.call("flex.conference.create", params)?;
        Ok(())
    }

    /// `flex.conference.modify` (Table 82) of a conference that started (or will start)
    /// at `start`: the duration counts from there (l.2075).
    fn modify(
        &self,
        id: &str,
        m: &Meeting,
        limits: &Limits,
        start: DateTime<Utc>,
    ) -> Result<(), BridgeError> {
        let mut params = vec![
            ("conferenceID", Value::Str(id.to_string())),
            ("duration", Value::Int(seconds_between(start, m.end))),
        ];
        params.extend(self.settings(m, limits));
        self.call("flex.conference.modify", params)?;
        Ok(())
    }

    /// Destroys a conference; one already gone is what was wanted.
    fn destroy(&self, id: &str) -> Result<(), BridgeError> {
        match self.call(
            "flex.conference.destroy",
            vec![("conferenceID", Value::Str(id.to_string()))],
        ) {
            Err(e) if is_fault(&e, 4) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// The participants of conference `id` (every page).
    fn participants(&self, id: &str) -> Result<Vec<Present>, BridgeError> {
        Ok(self
            .enumerate(
                "flex.participant.enumerate",
                vec![("conferenceID", Value::Str(id.to_string()))],
                "participants",
            )?
            .iter()
            .filter_map(|p| {
                Some(Present {
                    id: p.str("participantID")?.to_string(),
                    reference: p.str("participantReference").unwrap_or("").to_string(),
                    connection_state: p.str("connectionState").unwrap_or("").to_string(),
                })
            })
            .collect())
    }

    /// Places call `c` as a participant with one outgoing call (Table 102 with a Table 35
    /// call definition). A call the bridge refuses is failed with its fault; a conference
    /// the bridge does not have is an error.
    fn place(
        &self,
        conference: &str,
        c: &Call,
        reference: String,
        m: &Meeting,
        limits: &Limits,
    ) -> Result<CallState, BridgeError> {
        let address = remote_address(&c.address);
        if address.is_empty() || address.chars().count() > ADDRESS_MAX {
            return Ok(CallState::Failed(format!(
                "the address must be 1 to {ADDRESS_MAX} characters (Table 35)"
            )));
        }
        let protocol = match c.protocol {
            Protocol::Sip => "sip",
            Protocol::H323 => "h323",
        };
        let call = members(vec![
            ("remoteAddress", Value::Str(address.to_string())),
            ("protocol", Value::Str(protocol.into())),
            (
                "callBandwidth",
                Value::Int(limits.call_bandwidth(m.bandwidth_kbps)),
            ),
        ]);
        let mut params = vec![
            ("conferenceID", Value::Str(conference.to_string())),
            ("participantReference", Value::Str(reference)),
            ("calls", Value::Array(vec![call])),
        ];
        if c.audio_only {
            // An audio participant needs no video tokens (precedence, l.1114-1118).
            params.push((
                "participantMediaResources",
                media((0, 0, AUDIO_TOKENS), &limits.credit_levels),
            ));
        }
        match self.call("flex.participant.create", params) {
            Ok(_) => Ok(CallState::Calling),
            Err(e) if is_fault(&e, 4) => Err(e),
            Err(BridgeError::Refused { code, message }) => {
                Ok(CallState::Failed(format!("fault {code}: {message}")))
            }
            Err(e) => Err(e),
        }
    }

    /// Where one of the meeting's calls stands, placing it when the bridge has no
    /// participant for it. A failed participant is destroyed (its calls are gone already,
    /// l.943-945), so the next call places it again.
    fn stand(
        &self,
        conference: &str,
        present: &[Present],
        c: &Call,
        m: &Meeting,
        limits: &Limits,
    ) -> Result<CallState, BridgeError> {
        let reference = participant_reference(&m.reference, &c.key);
        let Some(p) = present.iter().find(|p| p.reference == reference) else {
            return self.place(conference, c, reference, m, limits);
        };
        let state = call_state(&p.connection_state);
        if let CallState::Failed(_) = state {
            match self.call(
                "flex.participant.destroy",
                vec![("participantID", Value::Str(p.id.clone()))],
            ) {
                Err(e) if !is_fault(&e, 5) => return Err(e),
                _ => {}
            }
        }
        Ok(state)
    }
}

impl Adapter for TelePresenceServer {
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError> {
        if m.reference.chars().count() > REFERENCE_MAX {
            return Err(refused(
                35,
                format!("conferenceReference {} is over 50 characters", m.reference),
            ));
        }
        let now = Utc::now();
        if m.end <= now {
            // Over already: a duration that ends in the past is refused (Table 82, l.2075),
            // and a conference made now would end at once. The tear-down removes what is
            // left.
            return Ok(());
        }
        let limits = self.limits()?;
        let Some(id) = self.find(&m.reference)?.into_iter().next() else {
            return self.create(m, &limits, now);
        };
        let status = match self.call(
            "flex.conference.status",
            vec![("conferenceID", Value::Str(id.clone()))],
        ) {
            // Ended or destroyed since the enumeration: make it.
            Err(e) if is_fault(&e, 4) => return self.create(m, &limits, now),
            other => other?,
        };
        let now = Utc::now();
        // Seconds from now to the start, negative once it has started (Table 88, l.2294).
        let start = now + chrono::Duration::seconds(status.int("startTime").unwrap_or(0));
        let active = status.bool("active").unwrap_or(start <= now);
        if !active && start_moved(start, m.start.max(now)) {
            // Nobody is in a conference that has not started, and its start cannot be
            // modified (Table 82): it is made again at the new start.
            self.destroy(&id)?;
            return self.create(m, &limits, now);
        }
        self.modify(&id, m, &limits, start)
    }

    fn call(&self, m: &Meeting) -> Result<Vec<CallReport>, BridgeError> {
        if m.calls.is_empty() {
            return Ok(vec![]);
        }
        let id = self
            .find(&m.reference)?
            .into_iter()
            .next()
            .ok_or_else(|| refused(4, format!("{} is not on the bridge", m.reference)))?;
        let limits = self.limits()?;
        let present = self.participants(&id)?;
        m.calls
            .iter()
            .map(|c| {
                Ok(CallReport {
                    key: c.key.clone(),
                    state: self.stand(&id, &present, c, m, &limits)?,
                })
            })
            .collect()
    }

    fn conferences(&self, prefix: &str) -> Result<Vec<String>, BridgeError> {
        Ok(self
            .enumerate("flex.conference.enumerate", vec![], "conferences")?
            .iter()
            .filter_map(|c| c.str("conferenceReference"))
            .filter(|r| r.starts_with(prefix))
            .map(str::to_string)
            .collect())
    }

    fn tear_down(&self, reference: &str) -> Result<(), BridgeError> {
        // Destroying the conference ends its calls and participants with it (l.560).
        for id in self.find(reference)? {
            self.destroy(&id)?;
        }
        Ok(())
    }

    fn health(&self) -> Result<Health, BridgeError> {
        // The flex API works only on a remotely managed server (Table 164, l.3350).
        let info = self.call("system.info", vec![])?;
        let mode = info.str("operationMode").unwrap_or("");
        if mode != "flexible" {
            return Err(BridgeError::Refused {
                code: "operationMode".into(),
                message: format!("system.info: operationMode is '{mode}', not 'flexible'"),
            });
        }
        let capacity = self.call("flex.resource.query", vec![])?;
        self.keep_limits(&capacity);
        let status = self.call("flex.resource.status", vec![])?;
        let limit = capacity.int("maxMediaCredits").filter(|l| *l > 0);
        // Configured credits are what the participants reserve (Table 157, l.3220).
        let used = status.int("configuredMediaCredits");
        Ok(Health {
            load: used
                .zip(limit)
                .map(|(u, l)| (u as f64 / l as f64).clamp(0.0, 1.0)),
            active_conferences: status.int("numConferences").map(|n| n.max(0) as u32),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_cover_tokens_at_a_level() {
        let table = [
            (0, 48),
            (48, 48),
            (49, 315),
            (96, 315),
            (3936, 5040),
            (10080, 10080),
            (20000, 10080),
        ];
        for (tokens, want) in table {
            assert_eq!(credits_for(tokens, &CREDIT_LEVELS), want, "{tokens}");
        }
    }

    #[test]
    fn participant_references_fit_and_stay_distinct() {
        assert_eq!(
            participant_reference("bb-0a1b2c3d-42", "room-12"),
            "bb-0a1b2c3d-42/room-12"
        );
        let long = "bb-0a1b2c3d4e5f60718293a4b5c6d7e8f9-123456789";
        let a = participant_reference(long, "out-3f2a9c1b07");
        let b = participant_reference(long, "out-3f2a9c1b08");
        assert!(a.chars().count() <= REFERENCE_MAX, "{a}");
        assert_ne!(a, b);
        assert_eq!(a, participant_reference(long, "out-3f2a9c1b07"));
    }

    #[test]
    fn starts_move_beyond_the_slack_only() {
        let t = Utc::now();
        assert!(!start_moved(t, t + chrono::Duration::seconds(2)));
        assert!(start_moved(t, t + chrono::Duration::seconds(60)));
        assert!(start_moved(t + chrono::Duration::seconds(60), t));
    }

    #[test]
    fn seconds_round_up_and_never_go_negative() {
        let t = Utc::now();
        assert_eq!(seconds_between(t, t + chrono::Duration::milliseconds(1)), 1);
        assert_eq!(seconds_between(t, t + chrono::Duration::seconds(300)), 300);
        assert_eq!(seconds_between(t, t - chrono::Duration::seconds(5)), 0);
    }

    #[test]
    fn addresses_lose_their_scheme() {
        assert_eq!(
            remote_address("sip:alice@partner.example"),
            "alice@partner.example"
        );
        assert_eq!(remote_address("SIP:bob@x"), "bob@x");
        assert_eq!(remote_address("h323:room.a"), "room.a");
        assert_eq!(remote_address("4420012345"), "4420012345");
    }

    #[test]
    fn connection_states_say_where_a_call_stands() {
        assert_eq!(call_state("connected"), CallState::Connected);
        assert_eq!(call_state("onHold"), CallState::Connected);
        assert_eq!(call_state("connecting"), CallState::Calling);
        assert_eq!(call_state("disconnected"), CallState::Calling);
        assert!(matches!(
            call_state("audioReceiverFailed"),
            CallState::Failed(r) if r.starts_with("audioReceiverFailed")
        ));
    }

    #[test]
    fn bandwidth_is_bits_per_second_within_the_bridge_range() {
        let l = Limits {
            min_call_bandwidth: 64_000,
            max_call_bandwidth: 4_000_000,
            credit_levels: CREDIT_LEVELS.to_vec(),
        };
        assert_eq!(l.call_bandwidth(768), 768_000);
        assert_eq!(l.call_bandwidth(6144), 4_000_000);
        assert_eq!(l.call_bandwidth(0), 64_000);
    }

    fn meeting(sip_uri: &str, pin: Option<&str>) -> Meeting {
        Meeting {
            reference: "bb-x-1".into(),
            title: "t".into(),
            number: 8123,
            sip_uri: sip_uri.into(),
            pin: pin.map(str::to_string),
            start: Utc::now(),
            end: Utc::now(),
            calls: vec![],
            bandwidth_kbps: 768,
            max_participants: 0,
            participants: 0,
        }
    }

    #[test]
    fn every_uri_has_its_bandwidth_and_the_pin() {
        let uris = conference_uris(&meeting("board@vc.example.com", Some("1234")), 768_000);
        let Value::Array(list) = uris else {
            panic!("an array")
        };
        assert_eq!(list.len(), 2);
        for u in &list {
            assert_eq!(u.int("callBandwidth"), Some(768_000));
            assert_eq!(u.str("PIN"), Some("1234"));
        }
        assert_eq!(list[1].str("URI"), Some("board"));
        let Value::Array(one) = conference_uris(&meeting("8123@vc.example.com", None), 1) else {
            panic!("an array")
        };
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].member("PIN"), None);
    }
}
