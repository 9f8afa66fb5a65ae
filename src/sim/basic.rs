//! HTTP Basic authentication (RFC 7617) as the REST bridges check it: the scheme is
//! case-insensitive, the credentials are base64 of "user:password".
use actix_web::HttpRequest;
use base64::Engine;

/// Whether `req` carries exactly these credentials.
pub fn carries(req: &HttpRequest, user: &str, password: &str) -> bool {
    let Some(value) = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(token.trim()) else {
        return false;
    };
    String::from_utf8(decoded)
        .ok()
        .and_then(|s| s.split_once(':').map(|(u, p)| u == user && p == password))
        .unwrap_or(false)
}
