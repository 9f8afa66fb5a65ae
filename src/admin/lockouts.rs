//! Failed logins as the throttle holds them: `GET /admin/api/lockouts` lists the user names
//! and client addresses with failures not yet forgotten (locked or waiting); `DELETE
//! /admin/api/lockouts/user/{name}` and `/address/{address}` forget one, `DELETE
//! /admin/api/lockouts` all. Site administrators only.
use super::{admin, Data};
use crate::soap::throttle::Kind;
use actix_web::{web, HttpRequest, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin/api/lockouts")
            .route("", web::get().to(list))
            .route("", web::delete().to(clear_all))
            .route("/{kind}/{key}", web::delete().to(clear)),
    );
}

#[utoipa::path(get, path = "/admin/api/lockouts", tag = "logins", responses((status = 200, description = "User names and client addresses with failed logins not yet forgotten.", body = [serde_json::Value])))]
pub(super) async fn list(req: HttpRequest, app: Data) -> HttpResponse {
    admin(&req, &app, |app, _| Ok(app.auth.throttle.entries())).await
}

#[utoipa::path(delete, path = "/admin/api/lockouts/{kind}/{key}", tag = "logins", params(("kind" = String, Path, description = "user or address"), ("key" = String, Path, description = "The user name or the address")), responses((status = 200, description = "Its failures forgotten.", body = serde_json::Value), (status = 404, description = "kind is neither user nor address.")))]
pub(super) async fn clear(
    req: HttpRequest,
    app: Data,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (kind, key) = path.into_inner();
    let kind = match kind.as_str() {
        "user" => Kind::User,
        "address" => Kind::Address,
        _ => return HttpResponse::NotFound().finish(),
    };
    admin(&req, &app, move |app, user| {
        let cleared = app.auth.throttle.clear(kind, &key);
        tracing::info!(by = %user.username, "login failures of {key} cleared: {cleared}");
        Ok(serde_json::json!({ "kind": kind, "key": key, "cleared": cleared }))
    })
    .await
}

#[utoipa::path(delete, path = "/admin/api/lockouts", tag = "logins", responses((status = 200, description = "Every failure forgotten.", body = serde_json::Value)))]
pub(super) async fn clear_all(req: HttpRequest, app: Data) -> HttpResponse {
    admin(&req, &app, |app, _| {
        app.auth.throttle.clear_all();
        Ok(serde_json::json!({ "cleared": "all" }))
    })
    .await
}
