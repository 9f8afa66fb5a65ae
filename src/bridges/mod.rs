//! Bridge adapters: one per family, each speaking that bridge's own management API. The
//! launcher drives them through [`Adapter`]; every call is idempotent, keyed by the
//! meeting's stable reference, so a retried job never makes a second conference.
use chrono::{DateTime, Utc};

/// How a bridge reaches a participant it calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Sip,
    H323,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Sip => "sip",
            Protocol::H323 => "h323",
        }
    }
}

/// One participant the bridge calls at the start of the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Stable for the meeting's life and unique in it ("room-12", "out-3", "webex"): the
    /// bridge-side participant reference, so a retried call finds the one made before.
    pub key: String,
    pub address: String,
    pub protocol: Protocol,
    /// A telephone or audio-only participant.
    pub audio_only: bool,
}

/// Where a call stands, as far as the bridge tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallState {
    /// Not placed yet.
    Pending,
    /// Placed; the bridge does not (yet) say it is connected.
    Calling,
    Connected,
    /// The bridge refused or lost the call, with its reason; it is called again.
    Failed(String),
}

impl CallState {
    pub fn as_str(&self) -> &'static str {
        match self {
            CallState::Pending => "pending",
            CallState::Calling => "calling",
            CallState::Connected => "connected",
            CallState::Failed(_) => "failed",
        }
    }
}

/// The state of one of a meeting's calls, by its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallReport {
    pub key: String,
    pub state: CallState,
}

/// A meeting as a bridge must host it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Stable for the occurrence's life and unique to this installation
    /// ("bb-<installation>-<conference id>"): the bridge-side name or reference that makes
    /// creates idempotent. Only conferences whose reference matches exactly are ours.
    pub reference: String,
    pub title: String,
    /// The numeric conference id callers dial.
    pub number: u64,
    /// The full SIP URI callers dial ("8123@vc.example.com").
    pub sip_uri: String,
    pub pin: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Whom the bridge calls at the start and disconnects at the end: the booked rooms and
    /// dial-outs of an Automatic Call Launch meeting, the dial-outs of the others, nobody
    /// for No Connect.
    pub calls: Vec<Call>,
    /// The call rate of each participant, in kbit/s (the booking's bandwidth).
    pub bandwidth_kbps: u32,
    /// At most this many participants (0: no limit).
    pub max_participants: u32,
    /// How many participants the booking brings (what the bridge reserves for).
    pub participants: u32,
}

/// What went wrong talking to a bridge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeError {
    /// No answer, a timeout, or a 5xx: worth retrying later.
    Unreachable(String),
    /// The bridge refused the request (a documented fault); retrying the same will not help.
    Refused { code: String, message: String },
}

impl std::fmt::Display for BridgeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BridgeError::Unreachable(m) => write!(f, "unreachable: {m}"),
            BridgeError::Refused { code, message } => write!(f, "refused ({code}): {message}"),
        }
    }
}

/// The value of an HTTP Basic `Authorization` header.
pub fn basic_auth(user: &str, password: &str) -> String {
    use base64::Engine;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {token}")
}

/// No answer from the bridge: the kind of failure and its causes (a TLS failure names the
/// certificate problem), without the URL.
pub fn unreachable(what: &str, t: &ureq::Transport) -> BridgeError {
    let mut why = format!("{what}: {}", t.kind());
    if let Some(m) = t.message() {
        why.push_str(&format!(": {m}"));
    }
    let mut cause = std::error::Error::source(t);
    while let Some(c) = cause {
        why.push_str(&format!(": {c}"));
        cause = c.source();
    }
    BridgeError::Unreachable(why)
}

/// What a bridge says meetings cost it, in one unit of its own: what it holds, what each
/// participant takes (the bridge's template sets the quality), what each conference takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    pub total: f64,
    pub per_participant: f64,
    pub per_conference: f64,
}

/// A bridge's health as its own status API reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// Share of its media capacity in use, 0.0..=1.0, when the bridge tells.
    pub load: Option<f64>,
    /// Conferences running, when the bridge tells without an expensive query.
    pub active_conferences: Option<u32>,
}

/// One bridge's management API.
pub trait Adapter: Send + Sync {
    /// Makes the meeting exist on the bridge as described: creating it, or bringing the
    /// conference with the same reference up to date the way the family documents for a
    /// live conference (a conference whose start cannot move and has not started yet is
    /// made again). A refused change leaves the conference as it was. Idempotent.
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError>;
    /// Calls those of `m.calls` the bridge is not calling or connected to (never calling
    /// one twice), and says where each of them stands. A call the bridge refused is in the
    /// answer as `Failed` with the bridge's reason, not an error: the error is for a
    /// meeting the bridge cannot reach or does not have.
    fn call(&self, m: &Meeting) -> Result<Vec<CallReport>, BridgeError>;
    /// Ends the live meeting (disconnecting everyone) and removes it from the bridge.
    /// Removing a meeting the bridge does not have is success.
    fn tear_down(&self, reference: &str) -> Result<(), BridgeError>;
    /// The references of the meetings the bridge holds whose reference starts with
    /// `prefix` (this installation's), read through every page the bridge answers.
    fn conferences(&self, prefix: &str) -> Result<Vec<String>, BridgeError>;
    fn health(&self) -> Result<Health, BridgeError>;
    /// The bridge's own price list, when its API publishes one (Conductor's ServiceCost);
    /// `sample_alias` is one of its meetings' SIP URIs, since the price depends on the
    /// Service Preference the alias reaches.
    fn price(&self, _sample_alias: &str) -> Result<Option<Price>, BridgeError> {
        Ok(None)
    }
}
pub mod cms;
pub mod conductor;
pub mod pace;
pub mod pexip;
pub mod service_cost;
pub mod telepresence_server;
pub mod tls;
pub mod xmlrpc;
