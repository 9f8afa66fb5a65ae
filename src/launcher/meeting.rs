//! A booked conference as its bridge must host it.
use crate::bridges::Meeting;
use crate::domain::route::RoutePlan;
use crate::domain::{Conference, Direction};

/// The bridge-side name of conference `id`: stable for its whole life, so a retried create
/// finds what an earlier try made.
pub fn reference(id: i64) -> String {
    format!("bb-{id}")
}

/// The meeting conference `c` is on its bridge, when it is routed to one.
pub fn of(c: &Conference) -> Option<Meeting> {
    let Some(RoutePlan::Bridge(r)) = &c.route else {
        return None;
    };
    let mut dial_out: Vec<String> = c
        .participants
        .iter()
        .filter(|p| p.call_type.direction() == Direction::DialOut)
        .filter_map(|p| p.name_or_number.clone())
        .collect();
    dial_out.extend(c.settings.webex_sip_url.clone());
    Some(Meeting {
        reference: reference(c.id),
        title: c.title.clone(),
        number: r.number,
        sip_uri: r.sip_uri.clone(),
        pin: r.pin.clone(),
        start: c.start,
        end: c.end,
        dial_out,
        max_participants: 0,
        participants: c.participants.len() as u32,
    })
}
