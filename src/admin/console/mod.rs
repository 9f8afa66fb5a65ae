//! The web console under /admin/: pages rendered by the server from templates compiled into
//! the binary (askama, escaping on), one style sheet served by the binary, no script.
//! A form logs in with the same accounts as the SOAP services; a session cookie then names
//! the login, every form carries the session's CSRF token, and a session idle too long
//! ends. Site administrators change things; readers of all conferences see everything;
//! other users see their own meetings.
mod bridge_form;
mod bridges;
mod day;
mod groups;
mod login;
mod meeting;
mod records;
mod rooms;
pub mod session;
mod timeline;
mod users;

pub use day::{render_day, ViewQuery};
pub use session::Sessions;

use crate::app::App;
use crate::domain::rights::Permission;
use crate::domain::zone::Zone;
use crate::domain::{Error, User};
use crate::http_limits::{body_timed_out, read_body, BodyError};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::sync::Arc;

type Data = web::Data<Arc<App>>;

/// Largest form the console accepts.
const MAX_FORM_BYTES: usize = 64 * 1024;
const STYLE: &str = include_str!("console.css");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(to_console)).service(
        web::scope("/admin")
            .wrap(actix_web::middleware::from_fn(session_then_body))
            .app_data(web::FormConfig::default().limit(MAX_FORM_BYTES))
            .route("", web::get().to(to_console))
            .route("/", web::get().to(day::day))
            .route("/week", web::get().to(day::week))
            .route("/static/console.css", web::get().to(style))
            .route("/login", web::get().to(login::form))
            .route("/login", web::post().to(login::submit))
            .route("/logout", web::post().to(login::logout))
            .route("/meetings/{id}", web::get().to(meeting::show))
            .route("/meetings/{id}/{action}", web::post().to(meeting::act))
            .route("/bridges", web::get().to(bridges::show))
            .route("/bridges", web::post().to(bridge_form::add))
            .route("/bridges/new", web::get().to(bridge_form::new_form))
            .route("/bridges/{id}/edit", web::get().to(bridge_form::edit_form))
            .route("/bridges/{id}", web::post().to(bridge_form::save))
            .route("/bridges/{id}/{action}", web::post().to(bridges::act))
            .route("/rooms", web::get().to(rooms::show))
            .route("/rooms", web::post().to(rooms::add))
            .route("/rooms/{id}/edit", web::get().to(rooms::edit_form))
            .route("/rooms/{id}/retire", web::post().to(rooms::retire))
            .route("/rooms/{id}", web::post().to(rooms::save))
            .route("/licences", web::get().to(records::licences))
            .route("/log", web::get().to(records::log))
            .route("/settings", web::get().to(records::settings))
            .route("/users", web::get().to(users::show))
            .route("/users", web::post().to(users::add))
            .route("/users/new", web::get().to(users::new_form))
            .route("/users/{id}", web::get().to(users::detail))
            .route("/users/{id}/groups", web::post().to(users::set_groups))
            .route("/users/{id}/password", web::post().to(users::set_password))
            .route("/users/{id}/{action}", web::post().to(users::act))
            .route("/groups", web::get().to(groups::show))
            .route("/groups", web::post().to(groups::save)),
    );
}

async fn to_console() -> HttpResponse {
    see_other("/admin/")
}

async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "max-age=3600"))
        .body(STYLE)
}

pub(crate) fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// A form is posted only by someone logged in: the session is checked before any of the
/// body is read, and the body must then arrive within the deadline and the size limit.
/// The login form itself is the one exception.
async fn session_then_body(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() != Method::POST {
        return next.call(req).await.map(|r| r.map_into_left_body());
    }
    let Some(app) = req.app_data::<Data>().cloned() else {
        return Ok(req
            .into_response(HttpResponse::InternalServerError().finish())
            .map_into_right_body());
    };
    let login = req.path() == "/admin/login";
    let live = match req.cookie(session::COOKIE) {
        None => false,
        Some(c) => {
            let (app, id) = (Arc::clone(&app), c.value().to_string());
            matches!(
                web::block(move || app.console.is_live(&app.booking.store, &id)).await,
                Ok(Ok(true))
            )
        }
    };
    if !login && !live {
        let answer = HttpResponse::Forbidden()
            .force_close()
            .content_type("text/plain; charset=utf-8")
            .body("Not logged in, or the login has ended: log in again.\n");
        return Ok(req.into_response(answer).map_into_right_body());
    }
    let body = match read_body(req.take_payload(), MAX_FORM_BYTES, app.body_timeout).await {
        Ok(b) => b,
        Err(e) => {
            let answer = match e {
                BodyError::TimedOut => body_timed_out(),
                BodyError::TooLarge => HttpResponse::PayloadTooLarge().force_close().finish(),
                BodyError::Broken => HttpResponse::BadRequest().force_close().finish(),
            };
            return Ok(req.into_response(answer).map_into_right_body());
        }
    };
    req.set_payload(actix_web::dev::Payload::from(body));
    next.call(req).await.map(|r| r.map_into_left_body())
}

/// The logged-in person looking at a page.
pub struct Viewer {
    pub user: User,
    pub csrf: String,
    pub zone: Zone,
    pub zone_name: String,
}

/// What every page's frame shows: who is logged in, where, and the logout form.
pub struct Nav {
    pub user: String,
    pub site_admin: bool,
    pub csrf: String,
    pub zone: String,
    pub here: &'static str,
}

impl Viewer {
    pub fn nav(&self, here: &'static str) -> Nav {
        Nav {
            user: self.user.username.clone(),
            site_admin: self.may_change(),
            csrf: self.csrf.clone(),
            zone: self.zone_name.clone(),
            here,
        }
    }

    /// Site administrators change things; everyone else reads.
    pub fn may_change(&self) -> bool {
        self.user.rights.is_site_admin()
    }

    pub fn reads_all(&self) -> bool {
        self.user.rights.has(Permission::ReadAll)
    }

    /// Whether `token`, posted with a form, is this session's.
    pub fn posted(&self, token: &str) -> bool {
        session::same_token(&self.csrf, token)
    }
}

/// The field every console form carries.
#[derive(Deserialize)]
pub struct Posted {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

/// The viewer of this request, or the answer that sends them to log in.
pub async fn viewer(req: &HttpRequest, app: &Data) -> Result<Viewer, HttpResponse> {
    let to_login = || {
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/admin/");
        see_other(&format!("/admin/login?next={}", login::encode(here)))
    };
    let Some(id) = req.cookie(session::COOKIE).map(|c| c.value().to_string()) else {
        return Err(to_login());
    };
    let app2 = Arc::clone(app);
    let found = web::block(move || {
        let Some(s) = app2.console.touch(&app2.booking.store, &id)? else {
            return Ok(None);
        };
        let user = app2.booking.user_by_id(s.user_id)?;
        if user.is_none() {
            app2.console.close(&app2.booking.store, &id)?;
        }
        Ok::<_, Error>(user.map(|u| (u, s)))
    })
    .await;
    let (user, s) = match found {
        Ok(Ok(Some(found))) => found,
        Ok(Ok(None)) => return Err(to_login()),
        Ok(Err(e)) => return Err(error_page(status_of(&e), &e.message, None)),
        Err(e) => {
            return Err(error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                &e.to_string(),
                None,
            ))
        }
    };
    let zone_name = user
        .time_zone
        .clone()
        .filter(|z| Zone::named(z).is_ok())
        .unwrap_or_else(|| app.booking.rules.time_zone.clone());
    let (zone, zone_name) = match Zone::named(&zone_name) {
        Ok(z) => (z, zone_name),
        Err(_) => (Zone::named("UTC").expect("UTC is known"), "UTC".into()),
    };
    Ok(Viewer {
        user,
        csrf: s.csrf,
        zone,
        zone_name,
    })
}

/// The viewer posting a change with token `posted`: logged in, the token this session's, and
/// a site administrator; otherwise the answer that refuses them.
pub async fn editor(req: &HttpRequest, app: &Data, posted: &str) -> Result<Viewer, HttpResponse> {
    let v = viewer(req, app).await?;
    if !v.posted(posted) {
        return Err(forged(&v));
    }
    if !v.may_change() {
        return Err(read_only(&v));
    }
    Ok(v)
}

/// The viewer of a page only readers of all conferences see (`what` names what it shows),
/// or the answer that refuses them.
pub async fn reader(
    req: &HttpRequest,
    app: &Data,
    here: &'static str,
    what: &str,
) -> Result<Viewer, HttpResponse> {
    let v = viewer(req, app).await?;
    if !v.reads_all() {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            &format!("Only site administrators and readers of all conferences see {what}."),
            Some(v.nav(here)),
        ));
    }
    Ok(v)
}

/// The HTTP status of a failed console or admin API call.
pub fn status_of(e: &Error) -> StatusCode {
    use crate::domain::ErrorCode as C;
    match e.code {
        C::MeetingNotFound | C::SystemNotFound | C::UserNotFound => StatusCode::NOT_FOUND,
        C::Security | C::NoAccessToConference => StatusCode::FORBIDDEN,
        C::DatabaseDown => StatusCode::SERVICE_UNAVAILABLE,
        C::ConcurrentModification => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage<'a> {
    nav: Option<Nav>,
    status: u16,
    message: &'a str,
}

pub fn error_page(status: StatusCode, message: &str, nav: Option<Nav>) -> HttpResponse {
    let page = ErrorPage {
        nav,
        status: status.as_u16(),
        message,
    };
    let mut answer = html(&page);
    *answer.status_mut() = status;
    answer
}

/// A form posted without this session's token.
pub fn forged(v: &Viewer) -> HttpResponse {
    error_page(
        StatusCode::FORBIDDEN,
        "The form was refused: its security token is missing or out of date. Reload the page and try again.",
        Some(v.nav("")),
    )
}

/// A change asked for by someone who may only read.
pub fn read_only(v: &Viewer) -> HttpResponse {
    error_page(
        StatusCode::FORBIDDEN,
        "Only site administrators may change this.",
        Some(v.nav("")),
    )
}

/// A rendered page with the headers every console page carries: nothing cached, no
/// framing, no script, nothing loaded from elsewhere.
pub fn html(t: &impl Template) -> HttpResponse {
    match t.render() {
        Ok(body) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ))
            .insert_header((header::X_FRAME_OPTIONS, "DENY"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::REFERRER_POLICY, "same-origin"))
            .body(body),
        Err(e) => HttpResponse::InternalServerError()
            .content_type("text/plain; charset=utf-8")
            .body(format!("The page could not be rendered: {e}\n")),
    }
}

/// Runs `f` off the async workers and answers its page, or the error page.
pub async fn page<T: Template + Send + 'static>(
    v: Viewer,
    app: &Data,
    f: impl FnOnce(&App, &Viewer) -> Result<T, Error> + Send + 'static,
) -> HttpResponse {
    let app = Arc::clone(app);
    let outcome = web::block(move || {
        let r = f(&app, &v);
        (r, v)
    })
    .await;
    match outcome {
        Ok((Ok(t), _)) => html(&t),
        Ok((Err(e), v)) => error_page(status_of(&e), &e.message, Some(v.nav(""))),
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), None),
    }
}

/// A page answered with `status`.
pub fn html_with(status: StatusCode, t: &impl Template) -> HttpResponse {
    let mut answer = html(t);
    *answer.status_mut() = status;
    answer
}

/// Runs change `f` of a posted form off the async workers. Done, the browser goes where `f`
/// says; refused, `again` renders the form once more with the reason, answered with the
/// refusal's status.
pub async fn refusable<T: Template + Send + 'static>(
    v: Viewer,
    app: &Data,
    f: impl FnOnce(&App, &User) -> Result<String, Error> + Send + 'static,
    again: impl FnOnce(&App, &Viewer, Vec<String>) -> Result<T, Error> + Send + 'static,
) -> HttpResponse {
    let app = Arc::clone(app);
    let outcome = web::block(move || {
        let refused = match f(&app, &v.user) {
            Ok(to) => return (Ok(Err(to)), v),
            Err(e) => e,
        };
        let status = status_of(&refused);
        let shown = again(&app, &v, vec![refused.message]);
        (shown.map(|page| Ok((status, page))), v)
    })
    .await;
    match outcome {
        Ok((Ok(Err(to)), _)) => see_other(&to),
        Ok((Ok(Ok((status, page))), _)) => html_with(status, &page),
        Ok((Err(e), v)) => error_page(status_of(&e), &e.message, Some(v.nav(""))),
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), None),
    }
}

/// Runs change `f` off the async workers, then sends the browser to `to`.
pub async fn change(
    v: Viewer,
    app: &Data,
    to: String,
    f: impl FnOnce(&App, &User) -> Result<(), Error> + Send + 'static,
) -> HttpResponse {
    let app = Arc::clone(app);
    let outcome = web::block(move || {
        let r = f(&app, &v.user);
        (r, v)
    })
    .await;
    match outcome {
        Ok((Ok(()), _)) => see_other(&to),
        Ok((Err(e), v)) => error_page(status_of(&e), &e.message, Some(v.nav(""))),
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), None),
    }
}
