//! What the admin API answers, as JSON. Bridge credentials are never part of it.
use crate::booking::{Booked, LoadStep};
use crate::domain::route::RoutePlan;
use crate::domain::time::format_utc;
use crate::domain::{Conference, StoredStatus};
use crate::planner::capacity::{show, units};
use crate::store::bridges::{Observed, StoredBridge};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub fn bridge(b: &StoredBridge) -> Value {
    let x = &b.bridge;
    json!({
        "id": x.id,
        "name": x.name,
        "family": x.family,
        "address": b.address,
        "enabled": x.enabled,
        "priority": x.priority,
        "capabilities": x.capabilities,
        "capacity": x.capacity,
        "unit": x.family.unit(),
        "numbering": x.numbering,
        "tls": b.tls,
        "system_location": b.system_location,
    })
}

/// A bridge with what was learnt from it: its published prices, which the planner uses
/// instead of `capacity`, and its last health answer.
pub fn observed_bridge(b: &StoredBridge, observed: Option<&Observed>) -> Value {
    let mut v = bridge(b);
    let o = observed.cloned().unwrap_or_default();
    v["reachable"] = json!(b.bridge.reachable);
    v["priced_capacity"] = json!(o.priced_capacity);
    v["health"] = json!(o.health);
    v["down_since"] = json!(o.down_since.map(format_utc));
    v["last_failure"] = json!(o.last_failure.map(|f| json!({
        "at": format_utc(f.at),
        "reason": f.reason,
    })));
    v
}

pub fn load(b: &StoredBridge, from: DateTime<Utc>, to: DateTime<Utc>, steps: &[LoadStep]) -> Value {
    let total = units(b.bridge.capacity.total);
    json!({
        "bridge": b.bridge.name,
        "unit": b.bridge.family.unit(),
        "capacity": show(total),
        "from": format_utc(from),
        "to": format_utc(to),
        "steps": steps.iter().map(|s| json!({
            "from": format_utc(s.from),
            "used": show(s.units),
            "free": show(total.saturating_sub(s.units)),
            "conferences": s.conferences,
        })).collect::<Vec<_>>(),
    })
}

fn status(c: &Conference) -> &'static str {
    match c.status {
        StoredStatus::Booked => "booked",
        StoredStatus::Defective => "defective",
        StoredStatus::Deleted => "deleted",
        StoredStatus::MeetingRequest => "meeting_request",
        StoredStatus::Rejected => "rejected",
    }
}

fn route_of(plan: Option<&RoutePlan>) -> Value {
    match plan {
        None => Value::Null,
        Some(p) => serde_json::to_value(p).unwrap_or(Value::Null),
    }
}

fn meeting(c: &Conference) -> Value {
    json!({
        "id": c.id,
        "title": c.title,
        "start": format_utc(c.start),
        "end": format_utc(c.end),
        "status": status(c),
        "defective_reason": c.defective_reason,
        "route": route_of(c.route.as_ref()),
    })
}

pub fn routed(b: &Booked) -> Value {
    match b {
        Booked::Meeting(c) => meeting(c),
        Booked::Series(s) => {
            let mut v = meeting(&s.conference);
            v["occurrences"] = s.occurrences.iter().map(meeting).collect();
            v
        }
    }
}

pub fn defective(c: &Conference) -> Value {
    let mut v = meeting(c);
    v["series_id"] = json!(c.series.series_id);
    v
}

pub fn session(s: &crate::store::sessions::Session) -> Value {
    json!({
        "id": s.id,
        "client_address": s.client_address,
        "user": s.user_name,
        "first_used": format_utc(s.first_used()),
        "last_used": format_utc(s.last_used()),
    })
}

pub fn call(c: &crate::store::calls::CallView) -> Value {
    json!({
        "key": c.call_key,
        "address": c.address,
        "protocol": c.protocol,
        "state": c.state,
        "reason": c.reason,
        "failed_attempts": c.attempts,
        "updated": format_utc(c.updated()),
    })
}

pub fn job(j: &crate::store::jobs::JobView, reference: Option<&str>) -> Value {
    json!({
        "id": j.id,
        "reference": reference,
        "bridge_id": j.bridge_id,
        "kind": j.kind,
        "due": format_utc(crate::domain::time::from_epoch(j.due_at)),
        "state": j.state,
        "attempts": j.attempts,
        "last_error": j.last_error,
    })
}
