//! The web console under /admin/ (see `console`) and the admin JSON API under /admin/api/: the bridge inventory (list, add, change, disable,
//! enable, remove), a conference's route, the Defective meetings and a bridge's planned
//! load. Site administrators only, over HTTP Basic like the SOAP services.
pub mod console;
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
    // Before the /admin/api scope, which would otherwise answer its paths.
    lockouts::configure(cfg);
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
            .route("/ids", web::get().to(ids)),
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
fn problem(e: &Error) -> serde_json::Value {
    serde_json::json!({ "error": e.message })
}

fn bad(message: String) -> Error {
    Error::new(ErrorCode::Unknown, message)
}

fn body_of(body: &[u8]) -> Result<BridgeConfig, Error> {
    serde_json::from_slice(body).map_err(|e| bad(format!("The bridge is not valid JSON: {e}.")))
}

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

async fn get_bridge(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, _| {
        let b = app.booking.bridge(id)?;
        let observed = app.booking.bridge_observations()?;
        Ok(views::observed_bridge(&b, observed.get(&id)))
    })
    .await
}

async fn add_bridge(req: HttpRequest, app: Data, body: web::Bytes) -> HttpResponse {
    admin(&req, &app, move |app, user| {
        let b = body_of(&body)?.bridge().map_err(bad)?;
        Ok(views::bridge(&app.booking.add_bridge(&b, user)?))
    })
    .await
}

/// The whole bridge as on POST; an empty username or password keeps the stored one.
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

async fn disable_bridge(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    set_enabled(req, app, id.into_inner(), false).await
}

async fn enable_bridge(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    set_enabled(req, app, id.into_inner(), true).await
}

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
#[derive(Deserialize)]
struct Window {
    from: Option<String>,
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

async fn route(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, _| {
        Ok(views::routed(&app.booking.get(id)?))
    })
    .await
}

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

async fn approve(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    settle(req, app, id.into_inner(), true).await
}

async fn reject(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    settle(req, app, id.into_inner(), false).await
}

/// Meeting requests waiting for an approver, over the window (by default the coming
/// 400 days).
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

async fn licenses(req: HttpRequest, app: Data) -> HttpResponse {
    admin(&req, &app, |app, _| {
        let u = app.booking.licence_use()?;
        Ok(serde_json::json!({ "mode": u.mode, "total": u.total, "used": u.used }))
    })
    .await
}

/// How far conference and transaction ids have come towards the largest the booking API
/// carries (`xs:int`).
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

/// The bridge jobs of a conference: what the launcher did, does and will do.
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
