//! Calendar feeds: site administrators make them (a secret URL for a room's occupancy or a
//! user's own meetings), list and revoke them; calendars read them with the secret alone.
use super::{admin, bad, Data};
use crate::domain::{Error, ErrorCode};
use crate::store::calendar_feeds::Subject;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

pub const FEED_PATH: &str = "/calendar/feeds";

/// What POST /admin/api/feeds is given: a room (system id) or a user (id or name).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewFeed {
    room: Option<i64>,
    user: Option<String>,
    user_id: Option<i64>,
}

pub async fn create(req: HttpRequest, app: Data, body: web::Bytes) -> HttpResponse {
    admin(&req, &app, move |app, _| {
        let asked: NewFeed = serde_json::from_slice(&body)
            .map_err(|e| bad(format!("The feed is not valid JSON: {e}.")))?;
        let subject = match (asked.room, asked.user_id, asked.user.as_deref()) {
            (Some(room), None, None) => Subject::Room(room),
            (None, Some(id), None) => Subject::User(id),
            (None, None, Some(name)) => {
                let found = app.booking.store.read(|conn| {
                    crate::store::users::by_username(
                        conn,
                        crate::domain::rights::plain_user_name(name),
                    )
                })?;
                Subject::User(
                    found
                        .ok_or_else(|| {
                            Error::new(
                                ErrorCode::UserNotFound,
                                format!("User '{name}' was not found."),
                            )
                        })?
                        .user
                        .id,
                )
            }
            _ => return Err(bad("Name one room, user or user_id.".into())),
        };
        let (id, token) = app.booking.create_feed(subject)?;
        Ok(serde_json::json!({
            "id": id,
            "subject": subject,
            "path": format!("{FEED_PATH}/{token}.ics"),
        }))
    })
    .await
}

pub async fn list(req: HttpRequest, app: Data) -> HttpResponse {
    admin(&req, &app, |app, _| app.booking.feeds()).await
}

pub async fn revoke(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    admin(&req, &app, move |app, _| {
        app.booking.revoke_feed(id)?;
        Ok(serde_json::json!({ "revoked": id }))
    })
    .await
}

/// GET /calendar/feeds/{secret}.ics: no login, the secret is the key.
pub async fn read(app: Data, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    let token = token.strip_suffix(".ics").unwrap_or(&token).to_string();
    let app = std::sync::Arc::clone(&app);
    match web::block(move || app.booking.feed_calendar(&token)).await {
        Ok(Ok(Some(ics))) => HttpResponse::Ok()
            .content_type("text/calendar; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
            .body(ics),
        Ok(Ok(None)) => HttpResponse::NotFound().finish(),
        Ok(Err(e)) => HttpResponse::ServiceUnavailable().body(e.message),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}
