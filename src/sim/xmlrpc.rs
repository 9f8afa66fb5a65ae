//! Answers of the simulated XML-RPC APIs (TelePresence Server, Conductor), which take the
//! credentials in every call.
use crate::bridges::xmlrpc::{fault, method_response, parse_call};
pub use crate::bridges::xmlrpc::{members, Value};
use actix_web::HttpResponse;

pub fn ok(v: Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml")
        .body(method_response(&v))
}

pub fn failed(code: i64, text: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml")
        .body(fault(code, text))
}

/// The method and parameters of the call in `body`, when it parses and carries these
/// credentials; otherwise the fault to answer (103, 14).
pub fn authenticated(
    body: &str,
    user: &str,
    password: &str,
) -> Result<(String, Value), (i64, &'static str)> {
    let Some((method, p)) = parse_call(body) else {
        return Err((103, "malformed parameter: methodCall"));
    };
    if p.str("authenticationUser") != Some(user)
        || p.str("authenticationPassword") != Some(password)
    {
        return Err((14, "authorization failed"));
    }
    Ok((method, p))
}
