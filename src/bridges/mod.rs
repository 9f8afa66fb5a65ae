//! Bridge adapters: one per family, each speaking that bridge's own management API. The
//! launcher drives them through [`Adapter`]; every call is idempotent, keyed by the
//! meeting's stable reference, so a retried job never makes a second conference.
use chrono::{DateTime, Utc};

/// A meeting as a bridge must host it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Stable for the occurrence's life ("bb-<conference id>"): the bridge-side name or
    /// reference that makes creates idempotent.
    pub reference: String,
    pub title: String,
    /// The numeric conference id callers dial.
    pub number: u64,
    /// The full SIP URI callers dial ("8123@vc.example.com").
    pub sip_uri: String,
    pub pin: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Addresses the bridge calls out to at the start (dial-out participants, a WebEx SipUrl).
    pub dial_out: Vec<String>,
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
    /// Makes the meeting exist on the bridge as described (creating it, or bringing an
    /// existing one with the same reference up to date). Idempotent.
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError>;
    /// Calls the meeting's dial-out addresses. Idempotent: addresses already called or
    /// connected are not called again.
    fn dial_out(&self, m: &Meeting) -> Result<(), BridgeError>;
    /// Ends the live meeting (disconnecting everyone) and removes it from the bridge.
    /// Removing a meeting the bridge does not have is success.
    fn tear_down(&self, reference: &str) -> Result<(), BridgeError>;
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
