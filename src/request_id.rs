//! Every HTTP request gets an id: the client's `X-Request-Id` when it is one a log can carry
//! safely, else a new one. A span holds it for the whole call, so every line the call logs
//! carries it (also on the database thread), and the answer echoes it back.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

/// The id a client sent, when it is 1 to 64 characters of letters, digits and `-_.:@`:
/// anything else could forge or break log lines and is replaced.
pub fn accepted(sent: Option<&str>) -> Option<&str> {
    sent.filter(|s| {
        (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:@".contains(&b))
    })
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub async fn with_request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let sent = req.headers().get(HEADER).and_then(|v| v.to_str().ok());
    let id = accepted(sent).map_or_else(new_id, str::to_string);
    // At warn, not info: the span is there whenever a warning is, so a service logging
    // only warnings still ties them to their request.
    let span = tracing::warn_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
        operation = tracing::field::Empty,
    );
    let mut answer = next.call(req).instrument(span).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        answer
            .headers_mut()
            .insert(HeaderName::from_static(HEADER), value);
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::accepted;

    #[test]
    fn which_ids_are_kept() {
        let long = "a".repeat(65);
        let table = [
            (Some("abc-123"), true),
            (Some("7f3c2a9e-1b2c-4d5e-8f90-123456789abc"), true),
            (Some("client.host:42@x_y"), true),
            (Some(""), false),
            (Some(long.as_str()), false),
            (Some("two words"), false),
            (Some("line\nbreak"), false),
            (Some("quote\""), false),
            (Some("ünïcode"), false),
            (None, false),
        ];
        for (sent, kept) in table {
            assert_eq!(accepted(sent).is_some(), kept, "{sent:?}");
        }
    }
}
