//! The HTTP side: the two ASMX paths (matched case-insensitively, as IIS does), WSDL at
//! `?wsdl`, Basic authentication, body limits, and the static health answer.
use super::auth::Denied;
use super::envelope::{self, SoapVersion};
use super::response;
use crate::api::{self, Call, Service};
use crate::app::App;
use crate::domain::{Error, ErrorCode};

/// The operation label of a request that named no operation of its service.
const UNKNOWN: &str = "unknown";
use crate::http_limits::{body_timed_out, read_body, BodyError};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use std::sync::Arc;

pub const BOOKING_PATH: &str = "/tms/external/booking/bookingservice.asmx";
pub const REMOTE_SETUP_PATH: &str = "/tms/external/booking/remotesetup/remotesetupservice.asmx";
const BOOKING_WSDL: &str = include_str!("../../wsdl/BookingService.wsdl");
const REMOTE_SETUP_WSDL: &str = include_str!("../../wsdl/RemoteSetupService.wsdl");
const WSDL_PLACEHOLDER_HOST: &str = "http://localhost";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health))
        .route("/readyz", web::get().to(ready))
        .default_service(web::to(handle));
}

/// A fixed answer that touches nothing: the process answers. What liveness probes poll, and
/// the baseline the load tool compares SOAP calls against.
async fn health() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

/// How long `/readyz` waits for a database connection before calling the service not ready.
const READY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// 200 when the database answers and carries every migration of this binary, else 503 with
/// the reason: what load balancers and orchestrators poll before sending traffic.
async fn ready(app: web::Data<Arc<App>>) -> HttpResponse {
    let app = Arc::clone(&app);
    let outcome = web::block(move || app.booking.store.readiness(READY_WAIT)).await;
    let text = |s: String| {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body(s)
    };
    match outcome {
        Ok(Ok(())) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ready"),
        Ok(Err(e)) => text(format!("not ready: {}", e.message)),
        Err(e) => text(format!("not ready: {e}")),
    }
}

fn service_of(path: &str) -> Option<Service> {
    let p = path.to_ascii_lowercase();
    match p.trim_end_matches('/') {
        BOOKING_PATH => Some(Service::Booking),
        REMOTE_SETUP_PATH => Some(Service::RemoteSetup),
        _ => None,
    }
}

pub(crate) fn unauthorized() -> HttpResponse {
    HttpResponse::Unauthorized()
        .insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="bridgebook""#))
        .finish()
}

/// What a SOAP call came to, for the metrics.
struct Called {
    /// The operation, or "unknown" when the request named none of the service's (a label
    /// per made-up name would let any client grow the metrics without bound).
    operation: String,
    fault: Option<ErrorCode>,
}

type Answered = (HttpResponse, Option<Called>);

async fn handle(req: HttpRequest, payload: web::Payload, app: web::Data<Arc<App>>) -> HttpResponse {
    let started = std::time::Instant::now();
    let (response, called) = answer(&req, payload, &app).await;
    if let Some(c) = called {
        let fault = c.fault.map(|code| format!("{code:?}"));
        app.metrics.soap_request(
            &c.operation,
            fault.as_deref(),
            started.elapsed().as_secs_f64(),
        );
    }
    response
}

fn log_fault(operation: &str, e: &Error) {
    tracing::info!(operation, code = e.code.code(), fault = ?e.code, "fault: {}", e.message);
}

/// A fault for `operation`, logged with its code.
fn failed(operation: &str, v: SoapVersion, e: &Error, req: &HttpRequest) -> Answered {
    log_fault(operation, e);
    (
        fault(v, e, req),
        Some(Called {
            operation: operation.to_string(),
            fault: Some(e.code),
        }),
    )
}

async fn answer(req: &HttpRequest, payload: web::Payload, app: &Arc<App>) -> Answered {
    let Some(service) = service_of(req.path()) else {
        return (HttpResponse::NotFound().finish(), None);
    };
    let user = match authenticate(req, app).await {
        Ok(u) => u,
        Err(Denied::Unauthorized) => return (unauthorized(), None),
        Err(Denied::Unavailable(e)) => {
            return (HttpResponse::ServiceUnavailable().body(e.message), None);
        }
        Err(other) => return (super::login::refused(&other), None),
    };
    let wants_wsdl = req
        .query_string()
        .split('&')
        .any(|q| q.eq_ignore_ascii_case("wsdl"));
    let guess = version_from_content_type(req);
    if req.method() == actix_web::http::Method::GET {
        let page = if wants_wsdl {
            wsdl(req, service)
        } else {
            HttpResponse::Ok()
                .content_type("text/plain; charset=utf-8")
                .body(format!(
                    "bridgebook {} service. WSDL: {}?wsdl\nOperations: {}\n",
                    match service {
                        Service::Booking => "booking",
                        Service::RemoteSetup => "remote setup",
                    },
                    node(req),
                    service.operations().join(", ")
                ))
        };
        return (page, None);
    }
    if req.method() != actix_web::http::Method::POST {
        return (HttpResponse::MethodNotAllowed().finish(), None);
    }

    // Credentials were checked above, before any of the body is read.
    let body = match read_body(payload, app.max_body_bytes, app.body_timeout).await {
        Ok(b) => b,
        Err(BodyError::TimedOut) => return (body_timed_out(), None),
        Err(BodyError::Broken) => return (HttpResponse::BadRequest().finish(), None),
        Err(BodyError::TooLarge) => {
            let e = Error::malformed(format!(
                "The request is larger than the {} bytes this service accepts.",
                app.max_body_bytes
            ));
            return failed(UNKNOWN, guess, &e, req);
        }
    };

    let parsed = match envelope::parse(&body) {
        Ok(p) => p,
        Err(e) => return failed(UNKNOWN, guess, &e, req),
    };
    if !service.operations().contains(&parsed.operation.as_str()) {
        let e = Error::malformed(format!(
            "'{}' is not an operation of this service.",
            parsed.operation
        ));
        return failed(UNKNOWN, parsed.version, &e, req);
    }
    tracing::Span::current().record("operation", parsed.operation.as_str());
    if let Err(e) = super::xml_chars::check(&parsed.body) {
        return failed(&parsed.operation, parsed.version, &e, req);
    }
    let client = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let app2 = Arc::clone(app);
    // The request moves to the database thread and comes back with the answer; its lines
    // there carry the request's id too.
    let span = tracing::Span::current();
    let done = web::block(move || {
        let _in_request = span.enter();
        let outcome = api::dispatch(
            service,
            &app2.booking,
            &Call {
                operation: &parsed.operation,
                body: &parsed.body,
                client_version: parsed.client_version(),
                user: &user,
                session: parsed.api_header.ClientSession.as_deref(),
                client: &client,
                context: api::Context {
                    send_confirmation_mail: parsed.context.SendConfirmationMail.unwrap_or(false),
                    exclude_conference_information: parsed
                        .context
                        .ExcludeConferenceInformation
                        .unwrap_or(false),
                    client_language: parsed.context.ClientLanguage.clone(),
                },
            },
        );
        (outcome, parsed)
    })
    .await;
    let (outcome, parsed) = match done {
        Ok(x) => x,
        Err(e) => {
            let e = Error::internal(format!("the request was interrupted: {e}"));
            return failed(UNKNOWN, guess, &e, req);
        }
    };
    match outcome {
        Ok(reply) => (
            HttpResponse::Ok()
                .content_type(response::content_type(parsed.version))
                .body(response::success(
                    parsed.version,
                    service.namespace(),
                    &parsed.operation,
                    &parsed.api_header,
                    reply.result.as_deref(),
                    reply.extra_header.as_deref(),
                )),
            Some(Called {
                operation: parsed.operation,
                fault: None,
            }),
        ),
        Err(mut e) => {
            // The log keeps the message in the service's language; the client gets its own.
            log_fault(&parsed.operation, &e);
            e.message = super::fault_language::localized(
                e.code,
                parsed.context.ClientLanguage.as_deref(),
                &e.message,
            );
            (
                fault(parsed.version, &e, req),
                Some(Called {
                    operation: parsed.operation,
                    fault: Some(e.code),
                }),
            )
        }
    }
}

pub(crate) use super::login::authenticate;

fn version_from_content_type(req: &HttpRequest) -> SoapVersion {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if ct.to_ascii_lowercase().contains("application/soap+xml") {
        SoapVersion::V12
    } else {
        SoapVersion::V11
    }
}

/// The address the client called, as a fault's node names it.
fn node(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}{}", info.scheme(), info.host(), req.path())
}

fn fault(v: SoapVersion, e: &Error, req: &HttpRequest) -> HttpResponse {
    HttpResponse::InternalServerError()
        .content_type(response::content_type(v))
        .body(response::fault(
            v,
            e,
            &node(req),
            e.suggested_session.as_deref(),
        ))
}

/// The WSDL with its service address pointing at the host the client used.
fn wsdl(req: &HttpRequest, service: Service) -> HttpResponse {
    let info = req.connection_info();
    let base = format!("{}://{}", info.scheme(), info.host());
    let doc = match service {
        Service::Booking => BOOKING_WSDL,
        Service::RemoteSetup => REMOTE_SETUP_WSDL,
    };
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(doc.replace(WSDL_PLACEHOLDER_HOST, &base))
}
