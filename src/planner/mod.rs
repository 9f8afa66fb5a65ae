//! The MCU-selection planner: decides whether a meeting needs a bridge and which one hosts
//! each of its occurrences. Pure: the request, the inventory and the load already planned in
//! the meeting's windows in; a plan per occurrence, with its reasons, out.
pub mod capacity;
pub mod inventory;
mod numbering;

pub use crate::domain::route::{BridgeRoute, RoutePlan, Units};
pub use capacity::{Planned, Quality};
pub use inventory::{Bridge, Capabilities, CapacityModel, Family, Numbering, PinPolicy};

use crate::domain::{CallType, ConferenceType, Direction, Participant, Preference};
use capacity::{meeting_cost, peak, show, takes_port};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What the planner needs to know about one meeting.
#[derive(Debug, Clone)]
pub struct RouteRequest<'a> {
    pub conference_type: ConferenceType,
    pub participants: &'a [Participant],
    pub externally_hosted: bool,
    /// A WebEx meeting owned elsewhere that the bridge dials out to.
    pub webex_dial_out: bool,
    pub encryption: Preference,
    /// DataConference Yes: the bridge must carry a content (presentation) channel.
    pub content: bool,
    pub quality: Quality,
    /// The conference's Password, the PIN of a bridge whose policy is "given".
    pub password: Option<&'a str>,
    /// The route the meeting had: its bridge is preferred and its dial-in details kept while
    /// they still fit, so callers' invitations stay right.
    pub previous: Option<&'a BridgeRoute>,
    /// Random digits the caller made up, for bridges that generate PINs.
    pub fresh_pin: &'a str,
}

/// Whether a meeting needs a multipoint bridge (spec: "Conference Routing"): never a
/// reservation or a meeting hosted outside.
pub fn needs_bridge(req: &RouteRequest) -> bool {
    if req.conference_type == ConferenceType::ReservationOnly || req.externally_hosted {
        return false;
    }
    let video = req
        .participants
        .iter()
        .filter(|p| p.call_type == CallType::Tms)
        .count();
    let external = req.participants.iter().any(|p| {
        matches!(
            p.call_type.direction(),
            Direction::DialIn | Direction::DialOut | Direction::Directory
        )
    });
    video > 2 || external || req.webex_dial_out || point_to_point_launched(req)
}

/// Two booked rooms that Automatic Call Launch must connect. TMS had one endpoint call the
/// other; bridgebook drives no endpoint, so a bridge calls both, and where no bridge can
/// take the meeting it is point to point after all (never Defective for want of a bridge),
/// with the rooms to call each other.
fn point_to_point_launched(req: &RouteRequest) -> bool {
    let rooms = req
        .participants
        .iter()
        .filter(|p| p.call_type == CallType::Tms)
        .count();
    let others = req.participants.iter().any(|p| {
        matches!(
            p.call_type.direction(),
            Direction::DialIn | Direction::DialOut | Direction::Directory
        )
    });
    rooms == 2 && !others && !req.webex_dial_out && req.conference_type.calls_rooms()
}

/// The route of each window of a meeting. `load[k]` holds the meetings already planned on
/// any bridge that overlap `windows[k]`, the meeting's own excluded.
pub fn plan(
    req: &RouteRequest,
    windows: &[(DateTime<Utc>, DateTime<Utc>)],
    bridges: &[Bridge],
    load: &[Vec<Planned>],
) -> Vec<RoutePlan> {
    let same = |p: RoutePlan| vec![p; windows.len()];
    if req.conference_type == ConferenceType::ReservationOnly {
        return same(RoutePlan::NoRoute);
    }
    if req.externally_hosted {
        return same(RoutePlan::ExternallyHosted);
    }
    if !needs_bridge(req) {
        return same(RoutePlan::Direct);
    }
    let plans = if bridges.is_empty() {
        same(RoutePlan::Unroutable {
            reasons: vec!["the meeting needs a bridge and no bridge is in the inventory".into()],
            incapable: false,
        })
    } else {
        Planning::new(req, windows, bridges, load).run()
    };
    if !point_to_point_launched(req) {
        return plans;
    }
    plans
        .into_iter()
        .map(|p| match p {
            RoutePlan::Unroutable { .. } => RoutePlan::Direct,
            p => p,
        })
        .collect()
}

/// One bridge judged for every window.
struct Candidate<'b> {
    bridge: &'b Bridge,
    cost: Units,
    /// Per window: Ok(units in use at the busiest instant) or why it does not fit.
    fits: Vec<Result<Units, String>>,
}

struct Planning<'a, 'b> {
    req: &'a RouteRequest<'a>,
    windows: &'a [(DateTime<Utc>, DateTime<Utc>)],
    load: Vec<HashMap<i64, Vec<&'a Planned>>>,
    candidates: Vec<Candidate<'b>>,
    /// Bridges ruled out whatever the time, with the reason.
    unfit: Vec<String>,
    /// How many enabled bridges lack a capability the meeting needs.
    lacking: usize,
}

impl<'a, 'b> Planning<'a, 'b> {
    fn new(
        req: &'a RouteRequest<'a>,
        windows: &'a [(DateTime<Utc>, DateTime<Utc>)],
        bridges: &'b [Bridge],
        load: &'a [Vec<Planned>],
    ) -> Self {
        let load: Vec<HashMap<i64, Vec<&Planned>>> = load
            .iter()
            .map(|list| {
                let mut by_bridge: HashMap<i64, Vec<&Planned>> = HashMap::new();
                for l in list {
                    by_bridge.entry(l.bridge_id).or_default().push(l);
                }
                by_bridge
            })
            .collect();
        let mut planning = Planning {
            req,
            windows,
            load,
            candidates: Vec::new(),
            unfit: Vec::new(),
            lacking: 0,
        };
        let mut ordered: Vec<&Bridge> = bridges.iter().collect();
        ordered.sort_by_key(|b| (b.priority, b.id));
        for b in ordered {
            match capability_problem(req, b) {
                Some(why) => {
                    planning.lacking += usize::from(b.enabled && b.reachable);
                    planning.unfit.push(format!("{}: {why}", b.name));
                }
                None => {
                    let c = planning.judge(b);
                    planning.candidates.push(c);
                }
            }
        }
        planning
    }

    fn on(&self, k: usize, bridge_id: i64) -> impl Iterator<Item = &&'a Planned> {
        self.load[k].get(&bridge_id).into_iter().flatten()
    }

    fn judge(&self, b: &'b Bridge) -> Candidate<'b> {
        let (cost, _) = meeting_cost(&b.capacity, self.req.participants, self.req.quality);
        let total = capacity::units(b.capacity.total);
        let range = b.numbering.last.saturating_sub(b.numbering.first) + 1;
        let fits = self
            .windows
            .iter()
            .enumerate()
            .map(|(k, (start, end))| {
                let (used, running) = peak(self.on(k, b.id).copied(), *start, *end);
                let unit = b.family.unit();
                if used + cost > total {
                    return Err(format!(
                        "{}: {} of {} {unit} left at {}, the meeting needs {}",
                        b.name,
                        show(total.saturating_sub(used)),
                        show(total),
                        span(*start, *end),
                        show(cost)
                    ));
                }
                if running >= b.capabilities.max_conferences {
                    return Err(format!(
                        "{}: already hosts its maximum of {} conferences at {}",
                        b.name,
                        b.capabilities.max_conferences,
                        span(*start, *end)
                    ));
                }
                let mut numbers: Vec<u64> = self
                    .on(k, b.id)
                    .map(|l| l.number)
                    .filter(|n| (b.numbering.first..=b.numbering.last).contains(n))
                    .collect();
                numbers.sort_unstable();
                numbers.dedup();
                if numbers.len() as u64 >= range {
                    return Err(format!(
                        "{}: every numeric id of {}..{} is taken at {}",
                        b.name,
                        b.numbering.first,
                        b.numbering.last,
                        span(*start, *end)
                    ));
                }
                Ok(used)
            })
            .collect();
        Candidate {
            bridge: b,
            cost,
            fits,
        }
    }

    /// Priority first, then the previous bridge, then the least loaded after placing.
    fn rank(&self, c: &Candidate, over: &[usize]) -> (i32, bool, u64, i64) {
        let total = capacity::units(c.bridge.capacity.total).max(1);
        let worst = over
            .iter()
            .filter_map(|k| c.fits[*k].as_ref().ok())
            .map(|used| (used + c.cost) * 1000 / total)
            .max()
            .unwrap_or(0);
        let previous = self.req.previous.map(|p| p.bridge_id) == Some(c.bridge.id);
        (c.bridge.priority, !previous, worst, c.bridge.id)
    }

    fn run(self) -> Vec<RoutePlan> {
        let all: Vec<usize> = (0..self.windows.len()).collect();
        let mut plans: Vec<Option<RoutePlan>> = vec![None; self.windows.len()];
        // One bridge for the whole series where one has room every time, so dial-in details
        // stay the same; otherwise each occurrence on its own.
        let whole = self
            .candidates
            .iter()
            .filter(|c| c.fits.iter().all(Result::is_ok))
            .min_by_key(|c| self.rank(c, &all));
        let mut groups: Vec<(&Candidate, Vec<usize>)> = Vec::new();
        match whole {
            Some(c) => groups.push((c, all.clone())),
            None => {
                for k in &all {
                    let best = self
                        .candidates
                        .iter()
                        .filter(|c| c.fits[*k].is_ok())
                        .min_by_key(|c| self.rank(c, &[*k]));
                    match best {
                        Some(c) => match groups.iter_mut().find(|g| g.0.bridge.id == c.bridge.id) {
                            Some(g) => g.1.push(*k),
                            None => groups.push((c, vec![*k])),
                        },
                        None => plans[*k] = Some(self.unroutable(*k)),
                    }
                }
            }
        }
        let fitting = self
            .candidates
            .iter()
            .filter(|c| c.fits.iter().all(Result::is_ok))
            .count();
        for (c, members) in groups {
            let numbers = numbering::assign(
                &c.bridge.numbering,
                self.req
                    .previous
                    .filter(|p| p.bridge_id == c.bridge.id)
                    .map(|p| p.number),
                &members
                    .iter()
                    .map(|k| self.on(*k, c.bridge.id).map(|l| l.number).collect())
                    .collect::<Vec<Vec<u64>>>(),
            );
            let pin = numbering::pin(
                c.bridge.numbering.pin,
                self.req.password,
                self.req
                    .previous
                    .filter(|p| p.bridge_id == c.bridge.id)
                    .and_then(|p| p.pin.as_deref()),
                self.req.fresh_pin,
            );
            let reasons = self.reasons_for(c, &members, fitting);
            for (k, number) in members.iter().zip(numbers) {
                plans[*k] = Some(RoutePlan::Bridge(BridgeRoute {
                    bridge_id: c.bridge.id,
                    bridge_name: c.bridge.name.clone(),
                    family: c.bridge.family,
                    number,
                    sip_uri: c
                        .bridge
                        .numbering
                        .sip_uri
                        .replace("{number}", &number.to_string()),
                    join_url: c
                        .bridge
                        .numbering
                        .web_url
                        .as_ref()
                        .map(|u| u.replace("{number}", &number.to_string())),
                    pin: pin.clone(),
                    units: c.cost,
                    reasons: reasons.clone(),
                }));
            }
        }
        plans
            .into_iter()
            .map(|p| p.expect("every window planned"))
            .collect()
    }

    fn reasons_for(&self, c: &Candidate, members: &[usize], fitting: usize) -> Vec<String> {
        let b = c.bridge;
        let total = capacity::units(b.capacity.total);
        // The tightest occurrence tells the administrator how close the bridge runs.
        let tightest = members
            .iter()
            .filter_map(|k| c.fits[*k].as_ref().ok().map(|used| (*used, *k)))
            .max();
        let mut reasons = Vec::new();
        if let Some((used, k)) = tightest {
            let (start, end) = self.windows[k];
            reasons.push(format!(
                "{}: {} of {} {} left at {}; the meeting takes {}",
                b.name,
                show(total.saturating_sub(used)),
                show(total),
                b.family.unit(),
                span(start, end),
                show(c.cost)
            ));
        }
        reasons.push(if members.len() == self.windows.len() && fitting > 1 {
            format!(
                "preferred by priority {} and load among {fitting} bridges with room",
                b.priority
            )
        } else if members.len() == self.windows.len() {
            "the only bridge with room and the capabilities needed".to_string()
        } else {
            format!(
                "{} of {} occurrences: no single bridge has room for all of them",
                members.len(),
                self.windows.len()
            )
        });
        if self.req.previous.is_some_and(|p| p.bridge_id == b.id) {
            reasons.push("kept on the bridge it was planned on".into());
        }
        reasons.extend(self.unfit.iter().cloned());
        reasons
    }

    fn unroutable(&self, k: usize) -> RoutePlan {
        let mut reasons: Vec<String> = self
            .candidates
            .iter()
            .filter_map(|c| c.fits[k].clone().err())
            .collect();
        reasons.extend(self.unfit.iter().cloned());
        if reasons.is_empty() {
            reasons.push("no bridge is enabled".into());
        }
        RoutePlan::Unroutable {
            reasons,
            incapable: self.candidates.is_empty() && self.lacking > 0,
        }
    }
}

/// Why `b` cannot host the meeting at any time, if it cannot.
fn capability_problem(req: &RouteRequest, b: &Bridge) -> Option<String> {
    use CallType::*;
    let caps = &b.capabilities;
    if !b.enabled {
        return Some("disabled".into());
    }
    if !b.reachable {
        return Some("unreachable: its management API does not answer".into());
    }
    let ports = req
        .participants
        .iter()
        .filter(|p| takes_port(p.call_type))
        .count() as u32;
    if ports > caps.max_participants {
        return Some(format!(
            "hosts at most {} participants, the meeting has {ports}",
            caps.max_participants
        ));
    }
    let any = |types: &[CallType]| {
        req.participants
            .iter()
            .any(|p| types.contains(&p.call_type))
    };
    if let Some(why) = numbering::pin_problem(b.numbering.pin, req.password) {
        return Some(why);
    }
    if !caps.sip && any(&[SipDialIn, SipDialOut, SipTelDialIn, SipTelDialOut]) {
        return Some("no SIP calls".into());
    }
    if !caps.h323 && any(&[IpVideoDialIn, IpVideoDialOut, IpTelDialIn, IpTelDialOut]) {
        return Some("no H.323 calls".into());
    }
    if !caps.isdn
        && any(&[
            IsdnVideoDialIn,
            IsdnVideoDialOut,
            TelephoneDialIn,
            TelephoneDialOut,
            ThreeGDialIn,
            ThreeGDialOut,
        ])
    {
        return Some("no ISDN or telephone gateway".into());
    }
    if req.encryption == Preference::Yes && !caps.encryption {
        return Some("no encryption, which the meeting requires".into());
    }
    if req.content && !caps.content {
        return Some("no content channel, which the meeting's data conference needs".into());
    }
    if req.webex_dial_out && !caps.webex_dial_out {
        return Some("cannot dial out to WebEx".into());
    }
    None
}

fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    if start.date_naive() == end.date_naive() {
        format!("{}–{}", start.format("%Y-%m-%d %H:%M"), end.format("%H:%M"))
    } else {
        format!(
            "{}–{}",
            start.format("%Y-%m-%d %H:%M"),
            end.format("%Y-%m-%d %H:%M")
        )
    }
}

#[cfg(test)]
mod tests;
