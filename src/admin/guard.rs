//! In front of every /admin/api call: the login is checked before any of the body is read
//! (an anonymous client cannot hold a connection by trickling a body), and the body must
//! then arrive within the body deadline and the size limit.
use crate::app::App;
use crate::http_limits::{body_timed_out, read_body, BodyError};
use crate::soap::auth::Denied;
use crate::soap::server::{authenticate, unauthorized};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use std::sync::Arc;

pub async fn login_then_body(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(app) = req.app_data::<web::Data<Arc<App>>>().cloned() else {
        return Ok(req
            .into_response(HttpResponse::InternalServerError().finish())
            .map_into_right_body());
    };
    // The handler checks again, from the remembered logins: no second argon2.
    let denied = match authenticate(req.request(), &app).await {
        Ok(_) => None,
        Err(Denied::Unauthorized) => Some(unauthorized()),
        Err(Denied::Unavailable(e)) => {
            Some(HttpResponse::ServiceUnavailable().json(serde_json::json!({
                "error": e.message, "code": e.code.code()
            })))
        }
        Err(other) => Some(crate::soap::login::refused(&other)),
    };
    if let Some(answer) = denied {
        // Close: the unread body would otherwise be taken for the next request.
        let mut answer = answer;
        answer
            .head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
        return Ok(req.into_response(answer).map_into_right_body());
    }
    let body = match read_body(req.take_payload(), app.max_body_bytes, app.body_timeout).await {
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
