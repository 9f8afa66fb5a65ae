//! A meeting's route: how its participants meet (directly, on a bridge, elsewhere), or why
//! no bridge can host it.
use serde::{Deserialize, Serialize};

/// Thousandths of a bridge family's capacity unit, so fractional costs add up exactly.
pub type Units = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Family {
    #[serde(rename = "telepresence-server")]
    TelePresenceServer,
    #[serde(rename = "conductor")]
    Conductor,
    #[serde(rename = "meeting-server")]
    MeetingServer,
    #[serde(rename = "pexip")]
    Pexip,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::TelePresenceServer => "telepresence-server",
            Family::Conductor => "conductor",
            Family::MeetingServer => "meeting-server",
            Family::Pexip => "pexip",
        }
    }

    pub fn parse(s: &str) -> Option<Family> {
        [
            Family::TelePresenceServer,
            Family::Conductor,
            Family::MeetingServer,
            Family::Pexip,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }

    /// The unit the family's capacity is counted in, as administrators read it.
    pub fn unit(self) -> &'static str {
        match self {
            Family::TelePresenceServer => "media tokens",
            Family::Conductor => "cost units",
            Family::MeetingServer => "load units",
            Family::Pexip => "HD connections",
        }
    }
}

/// A meeting's route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RoutePlan {
    /// Reservation Only: the systems are reserved, nothing is connected.
    NoRoute,
    /// Two systems that call each other.
    Direct,
    /// The systems dial an address outside bridgebook's control.
    ExternallyHosted,
    /// A bridge hosts the meeting.
    Bridge(BridgeRoute),
    /// No bridge can host it. `incapable`: no enabled bridge has the capabilities the
    /// participants need, whatever the time (rather than no room).
    Unroutable {
        reasons: Vec<String>,
        #[serde(default)]
        incapable: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeRoute {
    pub bridge_id: i64,
    pub bridge_name: String,
    pub family: Family,
    /// The numeric conference id callers dial.
    pub number: u64,
    pub sip_uri: String,
    /// A web page to join from, when the bridge has one.
    #[serde(default)]
    pub join_url: Option<String>,
    pub pin: Option<String>,
    /// What the meeting takes of the bridge, in thousandths of the family's unit.
    pub units: Units,
    pub reasons: Vec<String>,
}

/// What a booking's readers must know about how its meeting is connected, beside the
/// dial-in details: who calls whom at the start (design decision 12).
pub fn launch_note(
    kind: super::ConferenceType,
    route: &RoutePlan,
    rooms: usize,
) -> Option<&'static str> {
    match route {
        RoutePlan::Direct if rooms < 2 => None,
        RoutePlan::Bridge(_) if kind.calls_rooms() => {
            Some("At the start the bridge calls the booked rooms, and disconnects them at the end.")
        }
        RoutePlan::Direct if kind.calls_rooms() => Some(
            "Point to point: no bridge could take this meeting and bridgebook calls neither room; at the start one room must call the other.",
        ),
        RoutePlan::Direct => {
            Some("Point to point: the rooms call each other directly; no bridge is used.")
        }
        _ => None,
    }
}

impl BridgeRoute {
    /// How to join, in the words of an invitation (ConferenceInfoText).
    pub fn info_text(&self) -> String {
        let mut lines = vec![
            format!("Video: call {}", self.sip_uri),
            format!("Conference number: {}", self.number),
        ];
        if let Some(url) = &self.join_url {
            lines.push(format!("Web: {url}"));
        }
        if let Some(pin) = &self.pin {
            lines.push(format!("PIN: {pin}"));
        }
        lines.push(format!("Hosted on {}", self.bridge_name));
        lines.join("\n")
    }

    /// The same as HTML (ConferenceInfoHTML).
    pub fn info_html(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let mut out = format!(
            "<p>Video: <a href=\"sip:{0}\">{0}</a><br/>Conference number: {1}",
            esc(&self.sip_uri),
            self.number
        );
        if let Some(url) = &self.join_url {
            out.push_str(&format!("<br/>Web: <a href=\"{0}\">{0}</a>", esc(url)));
        }
        if let Some(pin) = &self.pin {
            out.push_str(&format!("<br/>PIN: {}", esc(pin)));
        }
        out.push_str(&format!("<br/>Hosted on {}</p>", esc(&self.bridge_name)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_calls_whom() {
        use crate::domain::ConferenceType::*;
        let bridge = RoutePlan::Bridge(BridgeRoute {
            bridge_id: 1,
            bridge_name: "cms".into(),
            family: Family::MeetingServer,
            number: 8123,
            sip_uri: "8123@vc.example.com".into(),
            join_url: None,
            pin: None,
            units: 1000,
            reasons: vec![],
        });
        let table = [
            (AutomaticCallLaunch, &bridge, Some("bridge calls")),
            (OneButtonToPush, &bridge, None),
            (NoConnect, &bridge, None),
            (
                AutomaticCallLaunch,
                &RoutePlan::Direct,
                Some("Point to point"),
            ),
            (
                OneButtonToPush,
                &RoutePlan::Direct,
                Some("call each other directly"),
            ),
            (ReservationOnly, &RoutePlan::NoRoute, None),
        ];
        assert_eq!(
            launch_note(AutomaticCallLaunch, &RoutePlan::Direct, 1),
            None
        );
        for (kind, route, want) in table {
            let got = launch_note(kind, route, 2);
            match want {
                Some(w) => assert!(got.is_some_and(|g| g.contains(w)), "{kind:?}: {got:?}"),
                None => assert_eq!(got, None, "{kind:?}"),
            }
        }
    }

    #[test]
    fn how_to_join() {
        let r = BridgeRoute {
            bridge_id: 1,
            bridge_name: "cms <oslo>".into(),
            family: Family::MeetingServer,
            number: 8123,
            sip_uri: "8123@vc.example.com".into(),
            join_url: Some("https://join.example.com/8123".into()),
            pin: Some("4711".into()),
            units: 3000,
            reasons: vec![],
        };
        assert_eq!(
            r.info_text(),
            "Video: call 8123@vc.example.com\nConference number: 8123\nWeb: https://join.example.com/8123\nPIN: 4711\nHosted on cms <oslo>"
        );
        assert_eq!(
            r.info_html(),
            "<p>Video: <a href=\"sip:8123@vc.example.com\">8123@vc.example.com</a><br/>Conference number: 8123<br/>Web: <a href=\"https://join.example.com/8123\">https://join.example.com/8123</a><br/>PIN: 4711<br/>Hosted on cms &lt;oslo&gt;</p>"
        );
    }
}
