//! The conference bridges meetings may be placed on: what each can do, how much it holds in
//! its family's own unit, and how its meetings are dialled into.
pub use crate::domain::route::Family;
use serde::{Deserialize, Serialize};

/// What a bridge can do for a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Capabilities {
    pub sip: bool,
    pub h323: bool,
    /// ISDN and telephone calls through a gateway.
    pub isdn: bool,
    pub encryption: bool,
    pub content: bool,
    pub webex_dial_out: bool,
    pub max_participants: u32,
    pub max_conferences: u32,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            sip: true,
            h323: true,
            isdn: false,
            encryption: true,
            content: true,
            webex_dial_out: false,
            max_participants: 100,
            max_conferences: 100,
        }
    }
}

/// A bridge's capacity in its family's unit: the total, and the cost of one participant at
/// each quality. Fractions (a Pexip SD call is half an HD connection) are allowed; the
/// planner counts in thousandths so sums are exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityModel {
    pub total: f64,
    pub audio: f64,
    pub sd: f64,
    pub hd: f64,
    pub full_hd: f64,
    /// Taken by every conference whatever its size (e.g. a content channel).
    #[serde(default)]
    pub per_conference: f64,
}

impl CapacityModel {
    /// The documented or customary costs of the family, for a bridge of `total` units.
    pub fn typical(family: Family, total: f64) -> CapacityModel {
        let (audio, sd, hd, full_hd) = match family {
            // Media tokens per participant by quality (flex.resource.query).
            Family::TelePresenceServer => (1.0, 2.0, 4.0, 8.0),
            // ServiceCost-style costs of a participant in a Conductor pool.
            Family::Conductor => (1.0, 2.0, 4.0, 8.0),
            // Meeting Server load units by call-leg resolution, an HD leg counting 1: the
            // API gives only mediaProcessingLoad against loadLimit, no per-call costs.
            Family::MeetingServer => (0.1, 0.5, 1.0, 2.0),
            // HD-equivalent connections of a Pexip location: its statistics give
            // max_hd_calls 40 beside max_sd_calls 80, max_full_hd_calls 20, max_audio_calls 400.
            Family::Pexip => (0.1, 0.5, 1.0, 2.0),
        };
        CapacityModel {
            total,
            audio,
            sd,
            hd,
            full_hd,
            per_conference: 0.0,
        }
    }
}

/// How callers join: numeric conference ids from a range, a SIP URI, and a PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    pub first: u64,
    pub last: u64,
    /// `{number}` is replaced by the meeting's numeric id, e.g. "{number}@video.example.com".
    pub sip_uri: String,
    #[serde(default)]
    pub pin: PinPolicy,
    /// A web join page, e.g. a Meeting Server web bridge: "https://join.example.com/{number}".
    #[serde(default)]
    pub web_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase", tag = "policy")]
pub enum PinPolicy {
    /// No PIN.
    #[default]
    None,
    /// The conference's Password, when it has one.
    Given,
    /// A PIN of `length` digits made up by bridgebook.
    Auto { length: u8 },
}

/// A bridge as the planner sees it (management address and credentials stay in the store).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bridge {
    pub id: i64,
    pub name: String,
    pub family: Family,
    pub enabled: bool,
    /// Lower is preferred.
    pub priority: i32,
    pub capabilities: Capabilities,
    pub capacity: CapacityModel,
    pub numbering: Numbering,
    /// Whether its management API answered lately; an unreachable bridge takes no meetings.
    #[serde(default = "reachable")]
    pub reachable: bool,
}

fn reachable() -> bool {
    true
}

impl Bridge {
    /// Why the bridge's settings cannot be used, if they cannot.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push("name is empty".to_string());
        }
        let c = &self.capacity;
        if !(c.total.is_finite() && c.total > 0.0) {
            out.push("capacity.total must be positive".into());
        }
        for (what, v) in [
            ("audio", c.audio),
            ("sd", c.sd),
            ("hd", c.hd),
            ("full_hd", c.full_hd),
            ("per_conference", c.per_conference),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                out.push(format!("capacity.{what} must be zero or more"));
            }
        }
        let n = &self.numbering;
        if n.first > n.last {
            out.push("numbering.first is after numbering.last".into());
        }
        if !n.sip_uri.contains("{number}") {
            out.push("numbering.sip_uri must contain {number}".into());
        }
        if let PinPolicy::Auto { length } = n.pin {
            if !(4..=20).contains(&length) {
                out.push("numbering.pin length must be 4 to 20 digits".into());
            }
        }
        if self.capabilities.max_participants == 0 || self.capabilities.max_conferences == 0 {
            out.push("capabilities.max_participants and max_conferences must be positive".into());
        }
        out
    }
}
