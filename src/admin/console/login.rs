//! Logging in and out of the console. The login form carries its own token, also set as a
//! cookie (double submit), so no other site can post it; a good login opens a session and
//! sends the browser where it was going, a bad one shows the form again.
use super::session::{self, LOGIN_COOKIE};
use super::{error_page, html, see_other, viewer, Data, Posted};
use crate::soap::auth::Denied;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    problem: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// Percent-encodes a path for a query string.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where to go after logging in: a console page, never another site.
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with("/admin")
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if ok {
        next
    } else {
        "/admin/"
    }
}

fn secure(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

/// A console cookie: script cannot read it, no other site's request carries it, and over
/// TLS it never travels in the clear.
fn cookie(req: &HttpRequest, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure(req))
        .finish()
}

fn expired(req: &HttpRequest, name: &'static str) -> Cookie<'static> {
    let mut c = cookie(req, name, String::new());
    c.set_max_age(time::Duration::ZERO);
    c
}

fn show_form(
    req: &HttpRequest,
    status: StatusCode,
    next: &str,
    username: &str,
    problem: Option<String>,
) -> HttpResponse {
    let token = session::token();
    let page = LoginPage {
        csrf: token.clone(),
        next: safe_next(next).to_string(),
        username: username.to_string(),
        problem,
    };
    let mut answer = html(&page);
    *answer.status_mut() = status;
    let _ = answer.add_cookie(&cookie(req, LOGIN_COOKIE, token));
    answer
}

pub async fn form(req: HttpRequest, q: web::Query<NextQuery>) -> HttpResponse {
    show_form(
        &req,
        StatusCode::OK,
        q.next.as_deref().unwrap_or("/admin/"),
        "",
        None,
    )
}

pub async fn submit(req: HttpRequest, app: Data, f: web::Form<LoginForm>) -> HttpResponse {
    let f = f.into_inner();
    let expected = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_string());
    if !expected.is_some_and(|t| session::same_token(&t, &f.csrf)) {
        return show_form(
            &req,
            StatusCode::FORBIDDEN,
            &f.next,
            &f.username,
            Some("The login form had expired. Please try again.".into()),
        );
    }
    let user = match crate::soap::login::log_in(&req, &app, f.username.trim(), &f.password).await {
        Ok(u) => u,
        Err(Denied::Unauthorized) => {
            return show_form(
                &req,
                StatusCode::UNAUTHORIZED,
                &f.next,
                &f.username,
                Some("Wrong user name or password.".into()),
            )
        }
        Err(Denied::Unavailable(e)) => {
            return error_page(StatusCode::SERVICE_UNAVAILABLE, &e.message, None)
        }
        Err(Denied::Throttled { locked, .. }) => {
            let text = if locked {
                "Too many failed logins: this account is locked for now."
            } else {
                "Too many failed logins: try again in a little while."
            };
            return show_form(
                &req,
                StatusCode::TOO_MANY_REQUESTS,
                &f.next,
                &f.username,
                Some(text.into()),
            );
        }
        Err(Denied::Busy) => {
            return show_form(
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                &f.next,
                &f.username,
                Some("Too many logins are being checked: try again in a moment.".into()),
            )
        }
    };
    let (app2, user_id) = (Arc::clone(&app), user.id);
    let id = match web::block(move || app2.console.open(&app2.booking.store, user_id)).await {
        Ok(Ok(id)) => id,
        Ok(Err(e)) => return error_page(super::status_of(&e), &e.message, None),
        Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), None),
    };
    tracing::info!(user = %user.username, "console login");
    let mut answer = see_other(safe_next(&f.next));
    let _ = answer.add_cookie(&cookie(&req, session::COOKIE, id));
    let _ = answer.add_cookie(&expired(&req, LOGIN_COOKIE));
    answer
}

pub async fn logout(req: HttpRequest, app: Data, f: web::Form<Posted>) -> HttpResponse {
    let v = match viewer(&req, &app).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    if !v.posted(&f.csrf) {
        return super::forged(&v);
    }
    if let Some(c) = req.cookie(session::COOKIE) {
        let (app, id) = (Arc::clone(&app), c.value().to_string());
        if let Ok(Err(e)) = web::block(move || app.console.close(&app.booking.store, &id)).await {
            return error_page(super::status_of(&e), &e.message, Some(v.nav("")));
        }
    }
    let mut answer = see_other("/admin/login");
    let _ = answer.add_cookie(&expired(&req, session::COOKIE));
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_console_pages_are_gone_to_after_login() {
        let table = [
            ("/admin/", "/admin/"),
            ("/admin/meetings/4?x=1", "/admin/meetings/4?x=1"),
            ("https://evil.example.com/", "/admin/"),
            ("//evil.example.com/admin", "/admin/"),
            ("/tms/external/booking/bookingservice.asmx", "/admin/"),
            ("/admin\\..\\x", "/admin/"),
            ("", "/admin/"),
        ];
        for (next, want) in table {
            assert_eq!(safe_next(next), want, "{next}");
        }
        assert_eq!(encode("/admin/?q=a b&x"), "/admin/%3Fq%3Da%20b%26x");
    }
}
