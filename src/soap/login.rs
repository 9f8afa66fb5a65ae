//! The login step every SOAP and admin request takes: refused at once while its user name or
//! client address is throttled, then the remembered credentials, then a password check on
//! the login pool; the outcome feeds the throttle.
use super::auth::{parse_basic, Denied};
use super::throttle::Verdict;
use crate::app::App;
use crate::domain::rights::plain_user_name;
use crate::domain::User;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use std::sync::Arc;

/// The address failures are counted against.
fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default()
}

pub(crate) async fn authenticate(req: &HttpRequest, app: &Arc<App>) -> Result<User, Denied> {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .ok_or(Denied::Unauthorized)?
        .to_string();
    checked(header, client_address(req), app).await
}

/// The same login step for a user name and password typed into the console's form.
pub(crate) async fn log_in(
    req: &HttpRequest,
    app: &Arc<App>,
    login: &str,
    password: &str,
) -> Result<User, Denied> {
    use base64::Engine;
    let header = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"))
    );
    checked(header, client_address(req), app).await
}

async fn checked(header: String, address: String, app: &Arc<App>) -> Result<User, Denied> {
    let (login, _) = parse_basic(&header).ok_or(Denied::Unauthorized)?;
    let name = plain_user_name(&login).to_string();
    let auth = &app.auth;
    // An address that is throttled gets nothing, not even what was verified before.
    refuse_unless_checkable(auth.throttle.check_address(&address))
        .inspect_err(|_| throttled(app))?;
    // A throttled name still serves a client whose very header was verified from this
    // address, when this address has no failures of its own: a flood of wrong passwords for
    // a service account from elsewhere must not stop the client that books with it. Anyone
    // else (a new address, or the one that failed) is refused while the name is throttled.
    let for_name = auth.throttle.check_user(&name);
    if for_name != Verdict::Check {
        if auth.throttle.address_is_clean(&address) {
            if let Some(u) = auth.remembered_from(&header, &address) {
                return Ok(u);
            }
        }
        refuse_unless_checkable(for_name).inspect_err(|_| throttled(app))?;
    }
    if let Some(u) = auth.remembered(&header) {
        auth.remember_address(&header, &address);
        return Ok(u);
    }
    let app2 = Arc::clone(app);
    let checked = header.clone();
    let outcome = auth
        .pool
        .run(move || app2.auth.verify(&checked))
        .await
        .map_err(|_| Denied::Busy)?;
    match &outcome {
        Ok(_) => {
            auth.remember_address(&header, &address);
            auth.throttle.succeeded(&name)
        }
        Err(Denied::Unauthorized) => {
            app.metrics.login_failed("credentials");
            auth.throttle.failed(&name, &address)
        }
        Err(_) => {}
    }
    outcome
}

fn throttled(app: &App) {
    app.metrics.login_failed("throttled");
}

fn refuse_unless_checkable(v: Verdict) -> Result<(), Denied> {
    match v {
        Verdict::Check => Ok(()),
        Verdict::Wait(left) => Err(Denied::Throttled {
            retry_after: left,
            locked: false,
        }),
        Verdict::Locked(left) => Err(Denied::Throttled {
            retry_after: left,
            locked: true,
        }),
    }
}

/// The answer to a login refused for being throttled or for a full pool.
pub(crate) fn refused(d: &Denied) -> HttpResponse {
    let (mut answer, seconds, text) = match d {
        Denied::Throttled {
            retry_after,
            locked,
        } => (
            HttpResponse::TooManyRequests(),
            retry_after.as_secs_f64().ceil().max(1.0) as u64,
            if *locked {
                "Too many failed logins: locked out for now."
            } else {
                "Too many failed logins: try again later."
            },
        ),
        _ => (
            HttpResponse::ServiceUnavailable(),
            1,
            "Too many logins are being checked: try again later.",
        ),
    };
    answer
        .insert_header((header::RETRY_AFTER, seconds.to_string()))
        .content_type("text/plain; charset=utf-8")
        .body(text)
}
