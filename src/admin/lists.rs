//! The admin API's reading side, matching the console's pages: the meetings of a window
//! (those that book no room too) narrowed like the day view, one meeting with its calls,
//! jobs and history, and the users, groups and systems.
use super::{bad, guarded, views, Data, Window};
use crate::booking::{parse_state, state_name, MeetingFilter};
use crate::domain::rights::Permission;
use crate::domain::state::state_of;
use crate::domain::time::format_utc;
use crate::domain::{Conference, ConferenceState, Error};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

/// `from`/`to` as for every window; `system` and `bridge` ids; `status` one of pending,
/// ongoing, finished, defective, deleted, meeting_request, rejected (all but deleted by
/// default); `q` words found in the title, the owner or the external ids.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConferenceQuery {
    /// Start: an RFC 3339 time or a date (YYYY-MM-DD, from its start, UTC).
    from: Option<String>,
    /// End: an RFC 3339 time or a date (YYYY-MM-DD, to its end, UTC).
    to: Option<String>,
    /// Only meetings that book this system.
    system: Option<String>,
    /// Only meetings routed on this bridge.
    bridge: Option<String>,
    /// pending, ongoing, finished, defective, deleted, meeting_request or rejected.
    status: Option<String>,
    /// Words in the title, the owner's name or address, or the external ids.
    q: Option<String>,
}

fn id_in(value: &Option<String>, what: &str) -> Result<Option<i64>, Error> {
    match value.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("{what} must be a number, not '{s}'."))),
    }
}

fn filter_of(q: &ConferenceQuery) -> Result<MeetingFilter, Error> {
    let state = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(parse_state(s).ok_or_else(|| {
            bad(format!(
                "status '{s}' is none of pending, ongoing, finished, defective, deleted, meeting_request, rejected."
            ))
        })?),
    };
    Ok(MeetingFilter {
        room: id_in(&q.system, "system")?,
        bridge: id_in(&q.bridge, "bridge")?,
        state,
        text: q.q.clone().filter(|s| !s.trim().is_empty()),
    })
}

fn listed(c: &Conference, state: ConferenceState) -> Value {
    let mut v = views::defective(c);
    v["state"] = json!(state_name(state));
    v["owner"] = json!({
        "id": c.owner.id,
        "user_name": c.owner.user_name,
        "email": c.owner.email,
    });
    v["external_source_id"] = json!(c.external_source_id);
    v["external_primary_key"] = json!(c.external_primary_key);
    v["participants"] = c
        .participants
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "call_type": format!("{:?}", p.call_type),
                "name_or_number": p.name_or_number,
                "email": p.email,
            })
        })
        .collect();
    v
}

/// The meetings overlapping the window (by default the coming 7 days): all of them for
/// readers of all conferences, the caller's own for everyone else.
#[utoipa::path(get, path = "/admin/api/conferences", tag = "conferences", params(ConferenceQuery), responses((status = 200, description = "Meetings overlapping the window (by default the coming 7 days), those without a room too: every one for readers of all conferences, the caller's own otherwise.", body = [serde_json::Value]), (status = 400, body = super::Problem)))]
pub async fn conferences(
    req: HttpRequest,
    app: Data,
    q: web::Query<ConferenceQuery>,
) -> HttpResponse {
    guarded(&req, &app, None, move |app, user| {
        let window = Window {
            from: q.from.clone(),
            to: q.to.clone(),
        };
        let (from, to) = window.read(app.booking.now(), 7)?;
        let f = filter_of(&q)?;
        let now = app.booking.now();
        Ok(app
            .booking
            .meetings_between(from, to, &f, user)?
            .iter()
            .map(|c| listed(c, state_of(c, now)))
            .collect::<Vec<_>>())
    })
    .await
}

/// One meeting (or series) with its calls, jobs and replication history.
#[utoipa::path(get, path = "/admin/api/conferences/{id}", tag = "conferences", params(("id" = i64, Path, description = "Conference id")), responses((status = 200, description = "The meeting (or series) with its participants, calls, jobs and history.", body = serde_json::Value), (status = 404, description = "No such meeting, or one the caller may not read.", body = super::Problem)))]
pub async fn conference(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    guarded(&req, &app, None, move |app, user| {
        let r = app.booking.meeting_record(id, user)?;
        let c = r.conference();
        let mut v = listed(c, state_of(c, app.booking.now()));
        if let crate::booking::Booked::Series(s) = &r.booked {
            v["occurrences"] = s.occurrences.iter().map(views::defective).collect();
        }
        v["calls"] = r.calls.iter().map(views::call).collect();
        v["jobs"] = r
            .jobs
            .iter()
            .map(|j| views::job(j, r.reference.as_deref()))
            .collect();
        v["history"] = r
            .history
            .iter()
            .map(|h| {
                json!({
                    "transaction_id": h.transaction.id,
                    "kind": h.transaction.kind.as_str(),
                    "conference_id": h.transaction.conference_id,
                    "by": h.by,
                    "at": format_utc(h.at),
                })
            })
            .collect();
        Ok(v)
    })
    .await
}

#[utoipa::path(get, path = "/admin/api/users", tag = "directory", responses((status = 200, description = "Every user with what their groups allow; API accounts flagged.", body = [serde_json::Value]), (status = 403, body = super::Problem)))]
pub async fn users(req: HttpRequest, app: Data) -> HttpResponse {
    guarded(&req, &app, Some(Permission::ReadAll), |app, _| {
        Ok(app
            .booking
            .users()?
            .iter()
            .map(|u| {
                json!({
                    "id": u.id,
                    "username": u.username,
                    "display_name": u.display_name,
                    "email": u.email,
                    "first_name": u.first_name,
                    "last_name": u.last_name,
                    "api_account": u.hidden,
                    "time_zone": u.time_zone,
                    "primary_system": u.primary_system,
                    "permissions": u.rights.names(),
                })
            })
            .collect::<Vec<_>>())
    })
    .await
}

#[utoipa::path(get, path = "/admin/api/groups", tag = "directory", responses((status = 200, description = "Every group with its permissions.", body = [serde_json::Value]), (status = 403, body = super::Problem)))]
pub async fn groups(req: HttpRequest, app: Data) -> HttpResponse {
    guarded(&req, &app, Some(Permission::ReadAll), |app, _| {
        Ok(app
            .booking
            .groups()?
            .iter()
            .map(|g| {
                json!({
                    "id": g.id,
                    "name": g.name,
                    "permissions": g.rights.names(),
                    "systems": g.rights.systems,
                    "default": g.is_default,
                    "ldap_group": g.ldap_group,
                })
            })
            .collect::<Vec<_>>())
    })
    .await
}

#[utoipa::path(get, path = "/admin/api/systems", tag = "directory", responses((status = 200, description = "Every system (room).", body = [serde_json::Value]), (status = 403, body = super::Problem)))]
pub async fn systems(req: HttpRequest, app: Data) -> HttpResponse {
    guarded(&req, &app, Some(Permission::ReadAll), |app, _| {
        Ok(app
            .booking
            .systems()?
            .iter()
            .map(|s| {
                json!({
                    "id": s.id,
                    "name": s.name,
                    "category": format!("{:?}", s.category),
                    "sip_uri": s.sip_uri,
                    "h323_id": s.h323_id,
                    "e164_alias": s.e164_alias,
                    "time_zone": s.time_zone,
                    "bookable": s.allow_booking,
                    "details": s.details,
                })
            })
            .collect::<Vec<_>>())
    })
    .await
}
