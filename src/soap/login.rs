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
    // Checked before the remembered credentials too: otherwise guesses would be answered
    // from the cache while the name is locked.
    match auth.throttle.check(&name, &address) {
        Verdict::Check => {}
        Verdict::Wait(left) => {
            return Err(Denied::Throttled {
                retry_after: left,
                locked: false,
            })
        }
        Verdict::Locked(left) => {
            return Err(Denied::Throttled {
                retry_after: left,
                locked: true,
            })
        }
    }
    if let Some(u) = auth.remembered(&header) {
        return Ok(u);
    }
    let app2 = Arc::clone(app);
    let outcome = auth
        .pool
        .run(move || app2.auth.verify(&header))
        .await
        .map_err(|_| Denied::Busy)?;
    match &outcome {
        Ok(_) => auth.throttle.succeeded(&name),
        Err(Denied::Unauthorized) => auth.throttle.failed(&name, &address),
        Err(_) => {}
    }
    outcome
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
