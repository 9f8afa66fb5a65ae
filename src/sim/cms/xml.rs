//! The answers the simulated Meeting Server writes: `text/xml` bodies that start with the
//! XML declaration (§5.1, l.1259-1263), collections as `<plural total="N">` around their
//! objects (§6.1 l.1384, §8.1.1 l.2262, §8.3.1 l.2593), objects as `<name id="…">`, and
//! failures as `<failureDetails>` (§4.1, l.990-996; §4.6).
use super::rules::Refusal;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An element with text; nothing when the value is unset (the examples leave unset
/// elements out, Appendix 17 l.5708-5860).
pub fn element(out: &mut String, name: &str, value: &str) {
    if !value.is_empty() {
        out.push_str(&format!("<{name}>{}</{name}>", escape(value)));
    }
}

/// `200 OK` with an XML body.
pub fn ok(body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml")
        .body(format!("<?xml version=\"1.0\"?>\n{body}"))
}

/// A collection: `<coSpaces total="N">…</coSpaces>`, where N counts every object that
/// matches, not only this page (§6.1, l.1381).
pub fn collection(plural: &str, total: usize, items: &[String]) -> HttpResponse {
    if items.is_empty() {
        return ok(&format!("<{plural} total=\"{total}\" />"));
    }
    ok(&format!(
        "<{plural} total=\"{total}\">\n{}\n</{plural}>",
        items.join("\n")
    ))
}

/// A created object: `200 OK` (not 201) with its path in `Location` and no body (§4.3.1
/// l.1091, §6.2 l.1395, §8.1.2 l.2304, the examples of §5.2 l.1319 and Appendix 19
/// l.6189).
pub fn created(path: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Location", path))
        .finish()
}

/// A failure: the status and `<failureDetails>` with the reason (§4.1 l.990-996).
pub fn failure(status: u16, refusal: &Refusal) -> HttpResponse {
    let detail = match refusal {
        Refusal::Reason(reason) => format!("<{reason} />"),
        Refusal::Given(reason) => format!("<{} />", escape(reason)),
        Refusal::Parameter { parameter, error } => format!(
            "<parameterError parameter=\"{}\" error=\"{error}\" />",
            escape(parameter)
        ),
    };
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST))
        .content_type("text/xml")
        .body(format!(
            "<?xml version=\"1.0\"?>\n<failureDetails>{detail}</failureDetails>"
        ))
}

/// What the fronting web server answers to a POST or PUT without the form content type
/// (Appendix 19.1.4 step 6, l.6118, and the page it shows, l.6137-6146).
pub fn proxy_error(method: &str, path: &str) -> HttpResponse {
    HttpResponse::BadGateway()
        .content_type("text/html; charset=iso-8859-1")
        .body(format!(
            "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>502 Proxy Error</title>\n</head><body>\n<h1>Proxy Error</h1>\n<p>The proxy server received an invalid\nresponse from an upstream server.<br />\nThe proxy server could not handle the request <em>{method}&nbsp;{}</em>.<p>\nReason: <strong>Error reading from remote server</strong></p></p>\n</body></html>\n",
            escape(path)
        ))
}
