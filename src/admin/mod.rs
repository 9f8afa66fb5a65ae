//! The web console under /admin/ (see `console`) and the admin JSON API under /admin/api/: the bridge inventory (list, add, change, disable,
//! enable, remove), a conference's route, the Defective meetings and a bridge's planned
//! load, the mail outbox and calendar feeds. Site administrators only, over HTTP Basic like
//! the SOAP services.
pub mod console;
mod feeds;
mod guard;
mod lists;
mod lockouts;
mod views;

use crate::app::App;
use crate::config::BridgeConfig;
use crate::domain::rights::Permission;
use crate::domain::{Error, ErrorCode, StoredStatus, User};
use crate::soap::auth::Denied;
use crate::soap::server::{authenticate, unauthorized};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use std::sync::Arc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Before the /admin/api scope, which would otherwise answer its paths. The description
    // holds nothing secret: tools read it without logging in.
    cfg.route("/admin/api/openapi.json", web::get().to(openapi));
    lockouts::configure(cfg);
    cfg.route(
        &format!("{}/{{token}}", feeds::FEED_PATH),
        web::get().to(feeds::read),
    );
    cfg.service(
        web::scope("/admin/api")
            .wrap(actix_web::middleware::from_fn(guard::login_then_body))
            .route("/bridges", web::get().to(list_bridges))
            .route("/bridges", web::post().to(add_bridge))
            .route("/bridges/{id}", web::get().to(get_bridge))
            .route("/bridges/{id}", web::put().to(change_bridge))
            .route("/bridges/{id}", web::delete().to(remove_bridge))
            .route("/bridges/{id}/disable", web::post().to(disable_bridge))
            .route("/bridges/{id}/enable", web::post().to(enable_bridge))
            .route("/bridges/{id}/load", web::get().to(bridge_load))
            .route("/conferences", web::get().to(lists::conferences))
            .route("/conferences/{id}", web::get().to(lists::conference))
            .route("/users", web::get().to(lists::users))
            .route("/groups", web::get().to(lists::groups))
            .route("/systems", web::get().to(lists::systems))
            .route("/conferences/{id}/route", web::get().to(route))
            .route("/conferences/{id}/jobs", web::get().to(conference_jobs))
            .route("/conferences/{id}/calls", web::get().to(conference_calls))
            .route("/conferences/{id}/approve", web::post().to(approve))
            .route("/conferences/{id}/reject", web::post().to(reject))
            .route("/requests", web::get().to(requests))
            .route("/defective", web::get().to(defective))
            .route("/sessions", web::get().to(sessions))
            .route("/licenses", web::get().to(licenses))
            .route("/ids", web::get().to(ids))
            .route("/mail", web::get().to(mail))
            .route("/feeds", web::get().to(feeds::list))
            .route("/feeds", web::post().to(feeds::create))
            .route("/feeds/{id}", web::delete().to(feeds::revoke)),
    );
    // After the API scopes: /admin would otherwise take their paths.
    console::configure(cfg);
}

type Data = web::Data<Arc<App>>;

/// Runs `f` for a site administrator, off the async workers, and answers its JSON.
async fn admin<T: serde::Serialize + Send + 'static>(
    req: &HttpRequest,
    app: &Data,
    f: impl FnOnce(&App, &User) -> Result<T, Error> + Send + 'static,
) -> HttpResponse {
    guarded(req, app, Some(Permission::SiteAdmin), f).await
}

/// Runs `f` for a user who has `needed` (any user who logs in, for None).
async fn guarded<T: serde::Serialize + Send + 'static>(
    req: &HttpRequest,
    app: &Data,
    needed: Option<Permission>,
    f: impl FnOnce(&App, &User) -> Result<T, Error> + Send + 'static,
) -> HttpResponse {
    let user = match authenticate(req, app).await {
        Ok(u) => u,
        Err(Denied::Unauthorized) => return unauthorized(),
        Err(Denied::Unavailable(e)) => return HttpResponse::ServiceUnavailable().json(problem(&e)),
        Err(other) => return crate::soap::login::refused(&other),
    };
    let app = Arc::clone(app);
    let outcome = web::block(move || {
        if let Some(needed) = needed.filter(|p| !user.rights.has(*p)) {
            return Ok(Err(needed));
        }
        f(&app, &user).map(Ok)
    })
    .await;
    match outcome {
        Ok(Ok(Ok(body))) => HttpResponse::Ok().json(body),
        Ok(Ok(Err(needed))) => HttpResponse::Forbidden().json(serde_json::json!({
            "error": format!("This needs the {} permission.", needed.name())
        })),
        Ok(Err(e)) => HttpResponse::build(console::status_of(&e)).json(problem(&e)),
        Err(e) => {
            HttpResponse::InternalServerError().json(problem(&Error::internal(e.to_string())))
        }
    }
}

/// An error as the admin API answers it: the HTTP status tells what kind, the message
/// what went wrong (no booking API codes).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// What went wrong, for a person.
    pub error: String,
}

fn problem(e: &Error) -> Problem {
    Problem {
        error: e.message.clone(),
    }
}

/// The admin API described from its handlers: served at /admin/api/openapi.json.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "bridgebook admin API",
        description = "Site administrators (and, where a route says so, other users) log in with HTTP Basic, as for the SOAP services. Errors are JSON {\"error\": message} with an HTTP status."
    ),
    paths(
        list_bridges,
        add_bridge,
        get_bridge,
        change_bridge,
        remove_bridge,
        disable_bridge,
        enable_bridge,
        bridge_load,
        route,
        conference_jobs,
        conference_calls,
        approve,
        reject,
        requests,
        defective,
        sessions,
        licenses,
        ids,
        lists::conferences,
        lists::conference,
        lists::users,
        lists::groups,
        lists::systems,
        lockouts::list,
        lockouts::clear_all,
        lockouts::clear
    ),
    components(schemas(Problem, crate::config::BridgeConfig))
)]
pub struct ApiDoc;

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(<ApiDoc as utoipa::OpenApi>::openapi())
}

fn bad(message: String) -> Error {
    Error::new(ErrorCode::Unknown, message)
}

fn body_of(body: &[u8]) -> Result<BridgeConfig, Error> {
    serde_json::from_slice(body).map_err(|e| bad(format!("The bridge is not valid JSON: {e}.")))
}

#[utoipa::path(get, path = "/admin/api/bridges", tag = "bridges", responses((status = 200, description = "Every bridge, with its last health answer and the prices it published; never its credentials.", body = [serde_json::Value])))]
async fn list_bridges(req: HttpRequest, app: Data) -> HttpResponse {
    admin(&req, &app, |app, _| {
        let observed = app.booking.bridge_observations()?;
        Ok(app
            .booking
            .bridges()?
            .iter()
            .map(|b| views::observed_bridge(b, observed.get(&b.bridge.id)))
            .collect::<Vec<_>>())
    })
    .await
}

#[utoipa::path(get, path = "/admin/api/bridges/{id}", tag = "bridges", params(("id" = i64, Path, description = "Bridge id")), responses((status = 200, description = "The bridge.", body = serde_json::Value), (status = 404, description = "No such bridge.", body = Problem)))]
async fn get_bridge(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, _| {
        let b = app.booking.bridge(id)?;
        let observed = app.booking.bridge_observations()?;
        Ok(views::observed_bridge(&b, observed.get(&id)))
    })
    .await
}

#[utoipa::path(post, path = "/admin/api/bridges", tag = "bridges", request_body = crate::config::BridgeConfig, responses((status = 200, description = "The bridge added.", body = serde_json::Value), (status = 400, description = "The bridge is not valid; the message says why.", body = Problem)))]
async fn add_bridge(req: HttpRequest, app: Data, body: web::Bytes) -> HttpResponse {
    admin(&req, &app, move |app, user| {
        let b = body_of(&body)?.bridge().map_err(bad)?;
        Ok(views::bridge(&app.booking.add_bridge(&b, user)?))
    })
    .await
}

/// The whole bridge as on POST; an empty username or password keeps the stored one.
#[utoipa::path(put, path = "/admin/api/bridges/{id}", tag = "bridges", params(("id" = i64, Path, description = "Bridge id")), request_body(content = crate::config::BridgeConfig, description = "The whole bridge; an empty username or password keeps the stored one."), responses((status = 200, description = "The bridge as changed; its meetings are planned again.", body = serde_json::Value), (status = 400, body = Problem), (status = 404, body = Problem)))]
async fn change_bridge(
    req: HttpRequest,
    app: Data,
    id: web::Path<i64>,
    body: web::Bytes,
) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, user| {
        let old = app.booking.bridge(id)?;
        let mut b = body_of(&body)?.bridge().map_err(bad)?;
        b.bridge.id = id;
        if b.username.is_empty() {
            b.username = old.username;
        }
        if b.password.is_empty() {
            b.password = old.password;
        }
        Ok(views::bridge(&app.booking.change_bridge(&b, user)?))
    })
    .await
}

async fn set_enabled(req: HttpRequest, app: Data, id: i64, enabled: bool) -> HttpResponse {
    admin(&req, &app, move |app, user| {
        let mut b = app.booking.bridge(id)?;
        b.bridge.enabled = enabled;
        Ok(views::bridge(&app.booking.change_bridge(&b, user)?))
    })
    .await
}

#[utoipa::path(post, path = "/admin/api/bridges/{id}/disable", tag = "bridges", params(("id" = i64, Path, description = "Bridge id")), responses((status = 200, description = "Disabled: its meetings moved to another bridge or Defective with the reason.", body = serde_json::Value), (status = 404, body = Problem)))]
async fn disable_bridge(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    set_enabled(req, app, id.into_inner(), false).await
}

#[utoipa::path(post, path = "/admin/api/bridges/{id}/enable", tag = "bridges", params(("id" = i64, Path, description = "Bridge id")), responses((status = 200, description = "Enabled.", body = serde_json::Value), (status = 404, body = Problem)))]
async fn enable_bridge(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    set_enabled(req, app, id.into_inner(), true).await
}

#[utoipa::path(delete, path = "/admin/api/bridges/{id}", tag = "bridges", params(("id" = i64, Path, description = "Bridge id")), responses((status = 200, description = "Removed after its meetings moved.", body = serde_json::Value), (status = 404, body = Problem)))]
async fn remove_bridge(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, user| {
        app.booking.remove_bridge(id, user)?;
        Ok(serde_json::json!({ "removed": id }))
    })
    .await
}

/// `from` and `to` in RFC 3339 or as plain dates (YYYY-MM-DD, UTC: `from` at the start
/// of its day, `to` at the end of its day); by default from now on, for `days`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Window {
    /// Start: an RFC 3339 time or a date (YYYY-MM-DD, from its start, UTC).
    from: Option<String>,
    /// End: an RFC 3339 time or a date (YYYY-MM-DD, to its end, UTC).
    to: Option<String>,
}

/// A query time: RFC 3339, or a plain UTC date read as the start of that day, or (for the
/// end of a window) of the next one.
fn query_time(s: &str, end: bool) -> Result<DateTime<Utc>, Error> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc() + Duration::days(end as i64))
        .ok_or_else(|| {
            bad(format!(
                "'{s}' is neither a date (YYYY-MM-DD) nor an RFC 3339 time."
            ))
        })
}

impl Window {
    fn read(&self, now: DateTime<Utc>, days: i64) -> Result<(DateTime<Utc>, DateTime<Utc>), Error> {
        let from = match &self.from {
            None => now,
            Some(s) => query_time(s, false)?,
        };
        let to = match &self.to {
            None => from.max(now) + Duration::days(days),
            Some(s) => query_time(s, true)?,
        };
        if from >= to {
            return Err(bad("from must be before to.".into()));
        }
        Ok((from, to))
    }
}

#[utoipa::path(get, path = "/admin/api/bridges/{id}/load", tag = "bridges", params(("id" = i64, Path, description = "Bridge id"), Window), responses((status = 200, description = "Planned load over the window (by default the coming 7 days), in the family's unit.", body = serde_json::Value), (status = 400, body = Problem), (status = 404, body = Problem)))]
async fn bridge_load(
    req: HttpRequest,
    app: Data,
    id: web::Path<i64>,
    q: web::Query<Window>,
) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, _| {
        let (from, to) = q.read(app.booking.now(), 7)?;
        let (b, steps) = app.booking.bridge_load(id, from, to)?;
        Ok(views::load(&b, from, to, &steps))
    })
    .await
}

#[utoipa::path(get, path = "/admin/api/conferences/{id}/route", tag = "conferences", params(("id" = i64, Path, description = "Conference id")), responses((status = 200, description = "The meeting's route and the planner's reasons.", body = serde_json::Value), (status = 404, body = Problem)))]
async fn route(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, _| {
        Ok(views::routed(&app.booking.get(id)?))
    })
    .await
}

#[utoipa::path(get, path = "/admin/api/defective", tag = "conferences", params(Window), responses((status = 200, description = "Defective meetings in the window (by default the coming 400 days), with their reasons.", body = [serde_json::Value]), (status = 400, body = Problem)))]
async fn defective(req: HttpRequest, app: Data, q: web::Query<Window>) -> HttpResponse {
    admin(&req, &app, move |app, _| {
        let (from, to) = q.read(app.booking.now(), 400)?;
        Ok(app
            .booking
            .in_status(StoredStatus::Defective, from, to)?
            .iter()
            .map(views::defective)
            .collect::<Vec<_>>())
    })
    .await
}

async fn settle(req: HttpRequest, app: Data, id: i64, approve: bool) -> HttpResponse {
    guarded(
        &req,
        &app,
        Some(Permission::ApproveMeeting),
        move |app, user| {
            app.booking.decide_request(id, approve, user)?;
            Ok(views::routed(&app.booking.get(id)?))
        },
    )
    .await
}

#[utoipa::path(post, path = "/admin/api/conferences/{id}/approve", tag = "conferences", params(("id" = i64, Path, description = "Conference id")), responses((status = 200, description = "Approved and booked as any booking would be now.", body = serde_json::Value), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn approve(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    settle(req, app, id.into_inner(), true).await
}

#[utoipa::path(post, path = "/admin/api/conferences/{id}/reject", tag = "conferences", params(("id" = i64, Path, description = "Conference id")), responses((status = 200, description = "Rejected.", body = serde_json::Value), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn reject(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    settle(req, app, id.into_inner(), false).await
}

/// Meeting requests waiting for an approver, over the window (by default the coming
/// 400 days).
#[utoipa::path(get, path = "/admin/api/requests", tag = "conferences", params(Window), responses((status = 200, description = "Meeting requests waiting for approval (by default the coming 400 days).", body = [serde_json::Value]), (status = 403, body = Problem)))]
async fn requests(req: HttpRequest, app: Data, q: web::Query<Window>) -> HttpResponse {
    guarded(
        &req,
        &app,
        Some(Permission::ApproveMeeting),
        move |app, _| {
            let (from, to) = q.read(app.booking.now(), 400)?;
            Ok(app
                .booking
                .in_status(StoredStatus::MeetingRequest, from, to)?
                .iter()
                .map(views::defective)
                .collect::<Vec<_>>())
        },
    )
    .await
}

#[utoipa::path(get, path = "/admin/api/sessions", tag = "licences", responses((status = 200, description = "Live client sessions.", body = [serde_json::Value])))]
async fn sessions(req: HttpRequest, app: Data) -> HttpResponse {
    admin(&req, &app, |app, _| {
        Ok(app
            .booking
            .sessions()?
            .iter()
            .map(views::session)
            .collect::<Vec<_>>())
    })
    .await
}

#[utoipa::path(get, path = "/admin/api/licenses", tag = "licences", responses((status = 200, description = "Licence mode, total and use.", body = serde_json::Value)))]
async fn licenses(req: HttpRequest, app: Data) -> HttpResponse {
    admin(&req, &app, |app, _| {
        let u = app.booking.licence_use()?;
        Ok(serde_json::json!({ "mode": u.mode, "total": u.total, "used": u.used }))
    })
    .await
}

/// How far conference and transaction ids have come towards the largest the booking API
/// carries (`xs:int`).
#[utoipa::path(get, path = "/admin/api/ids", tag = "licences", responses((status = 200, description = "How far conference and transaction ids have come towards the booking API's limit.", body = serde_json::Value)))]
async fn ids(req: HttpRequest, app: Data) -> HttpResponse {
    admin(&req, &app, |app, _| {
        let h = app.booking.store.read(crate::store::ids::headroom)?;
        Ok(serde_json::json!({
            "last_conference_id": h.last_conference,
            "last_transaction_id": h.last_transaction,
            "limit": crate::store::ids::WIRE_LIMIT,
            "remaining": h.remaining(),
            "warning": h.warning(),
        }))
    })
    .await
}

/// The mail outbox: what waits to be sent (with its tries so far) and what was given up.
async fn mail(req: HttpRequest, app: Data) -> HttpResponse {
    admin(&req, &app, |app, _| {
        use crate::store::mail_outbox::list;
        const SHOWN: i64 = 500;
        let (waiting, failed, sent) = app.booking.store.read(|conn| {
            Ok((
                list(conn, &["pending", "running"], SHOWN)?,
                list(conn, &["failed"], SHOWN)?,
                list(conn, &["sent"], SHOWN)?,
            ))
        })?;
        Ok(serde_json::json!({ "waiting": waiting, "failed": failed, "sent": sent }))
    })
    .await
}

/// The bridge jobs of a conference: what the launcher did, does and will do.
#[utoipa::path(get, path = "/admin/api/conferences/{id}/jobs", tag = "conferences", params(("id" = i64, Path, description = "Conference id")), responses((status = 200, description = "The meeting's bridge jobs.", body = [serde_json::Value]), (status = 404, body = Problem)))]
async fn conference_jobs(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, _| {
        app.booking.get(id)?;
        let (list, installation) = app.booking.store.read(|conn| {
            Ok((
                crate::store::jobs::of_conference(conn, id)?,
                crate::store::installation::get(conn)?,
            ))
        })?;
        // The name the meeting has on its bridge, to find it there.
        let reference = installation.map(|i| crate::launcher::meeting::reference(&i, id));
        Ok(list
            .iter()
            .map(|j| views::job(j, reference.as_deref()))
            .collect::<Vec<_>>())
    })
    .await
}

/// Whom the bridge calls for a conference, and where each call stands as the bridge last
/// told.
#[utoipa::path(get, path = "/admin/api/conferences/{id}/calls", tag = "conferences", params(("id" = i64, Path, description = "Conference id")), responses((status = 200, description = "Each call of the meeting and its state as the bridge last told.", body = [serde_json::Value]), (status = 404, body = Problem)))]
async fn conference_calls(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, _| {
        app.booking.get(id)?;
        let list = app
            .booking
            .store
            .read(|conn| crate::store::calls::of_conference(conn, id))?;
        Ok(list.iter().map(views::call).collect::<Vec<_>>())
    })
    .await
}
