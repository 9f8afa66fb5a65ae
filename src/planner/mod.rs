//! The MCU-selection planner: decides whether a meeting needs a bridge and which one hosts
//! it. Pure: the request and the inventory in, a plan with its reasons out.
use crate::domain::{CallType, ConferenceType, Direction, Participant};

/// What the planner needs to know about one meeting.
#[derive(Debug, Clone)]
pub struct RouteRequest<'a> {
    pub conference_type: ConferenceType,
    pub participants: &'a [Participant],
    pub externally_hosted: bool,
}

/// The bridges bookings may be placed on. Bridges join the inventory with the routing work;
/// until then an installation has none.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub bridges: Vec<Bridge>,
}

#[derive(Debug, Clone)]
pub struct Bridge {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutePlan {
    /// Reservation Only: the systems are reserved, nothing is connected.
    NoRoute,
    /// Two systems that call each other.
    Direct,
    /// The systems dial an address outside bridgebook's control.
    ExternallyHosted,
    /// A bridge hosts the meeting.
    Bridge { name: String, reasons: Vec<String> },
    /// No bridge can host it.
    Unroutable { reasons: Vec<String> },
}

/// Whether a meeting needs a multipoint bridge (spec: "Conference Routing").
pub fn needs_bridge(req: &RouteRequest) -> bool {
    let video = req
        .participants
        .iter()
        .filter(|p| p.call_type == CallType::Tms)
        .count();
    let external = req.participants.iter().any(|p| {
        matches!(
            p.call_type.direction(),
            Direction::DialIn | Direction::DialOut
        )
    });
    video > 2 || external
}

pub fn plan(req: &RouteRequest, inventory: &Inventory) -> RoutePlan {
    if req.conference_type == ConferenceType::ReservationOnly {
        return RoutePlan::NoRoute;
    }
    if req.externally_hosted {
        return RoutePlan::ExternallyHosted;
    }
    if !needs_bridge(req) {
        return RoutePlan::Direct;
    }
    match inventory.bridges.first() {
        Some(b) => RoutePlan::Bridge {
            name: b.name.clone(),
            reasons: vec![format!("{}: the only bridge in the inventory", b.name)],
        },
        None => RoutePlan::Unroutable {
            reasons: vec![
                "the meeting needs a bridge and no bridge is in the inventory".to_string(),
            ],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallType::*;

    fn p(call_type: CallType) -> Participant {
        Participant {
            id: 1,
            name_or_number: Some("x".into()),
            email: None,
            call_type,
        }
    }

    #[test]
    fn plans() {
        let none = Inventory::default();
        let one = Inventory {
            bridges: vec![Bridge {
                name: "ts-1".into(),
            }],
        };
        type Row<'a> = (
            &'a str,
            ConferenceType,
            Vec<CallType>,
            bool,
            &'a Inventory,
            &'a str,
        );
        let table: Vec<Row> = vec![
            (
                "two systems",
                ConferenceType::AutomaticCallLaunch,
                vec![Tms, Tms],
                false,
                &none,
                "direct",
            ),
            (
                "three systems",
                ConferenceType::AutomaticCallLaunch,
                vec![Tms, Tms, Tms],
                false,
                &none,
                "unroutable",
            ),
            (
                "dial-in",
                ConferenceType::OneButtonToPush,
                vec![Tms, SipDialIn],
                false,
                &none,
                "unroutable",
            ),
            (
                "dial-out",
                ConferenceType::AutomaticCallLaunch,
                vec![Tms, IpVideoDialOut],
                false,
                &one,
                "bridge",
            ),
            (
                "reservation only",
                ConferenceType::ReservationOnly,
                vec![Tms, Tms, Tms],
                false,
                &none,
                "none",
            ),
            (
                "externally hosted",
                ConferenceType::AutomaticCallLaunch,
                vec![Tms, Tms, Tms],
                true,
                &none,
                "external",
            ),
            (
                "master does not count twice",
                ConferenceType::AutomaticCallLaunch,
                vec![Tms, Tms, MasterParticipant],
                false,
                &none,
                "direct",
            ),
        ];
        for (name, kind, types, ext, inv, want) in table {
            let ps: Vec<Participant> = types.into_iter().map(p).collect();
            let got = plan(
                &RouteRequest {
                    conference_type: kind,
                    participants: &ps,
                    externally_hosted: ext,
                },
                inv,
            );
            let got = match got {
                RoutePlan::NoRoute => "none",
                RoutePlan::Direct => "direct",
                RoutePlan::ExternallyHosted => "external",
                RoutePlan::Bridge { .. } => "bridge",
                RoutePlan::Unroutable { .. } => "unroutable",
            };
            assert_eq!(got, want, "{name}");
        }
    }
}
