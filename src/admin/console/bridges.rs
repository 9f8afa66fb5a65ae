//! The bridges page: each bridge with its state, its last health answer and what it can
//! hold; site administrators enable and disable them (the meetings of a disabled bridge
//! move to another, or become Defective with the reason).
use super::{change, error_page, forged, page, read_only, viewer, Data, Nav, Posted};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

pub struct BridgeRow {
    pub id: i64,
    pub name: String,
    pub family: String,
    pub address: String,
    pub enabled: bool,
    pub reachable: bool,
    pub priority: i32,
    pub capacity: String,
    pub health: String,
    /// Defined in the configuration file, which alone changes it.
    pub from_file: bool,
}

#[derive(askama::Template)]
#[template(path = "console/bridges.html")]
struct BridgesPage {
    nav: Nav,
    may_change: bool,
    bridges: Vec<BridgeRow>,
}

pub async fn show(req: HttpRequest, app: Data) -> HttpResponse {
    let v = match viewer(&req, &app).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    if !v.reads_all() {
        let nav = v.nav("bridges");
        return error_page(
            StatusCode::FORBIDDEN,
            "Only site administrators and readers of all conferences see the bridges.",
            Some(nav),
        );
    }
    page(v, &app, |app, v| {
        let observed = app.booking.bridge_observations()?;
        let in_file = app.booking.bridges_in_file()?;
        let bridges = app
            .booking
            .bridges()?
            .into_iter()
            .map(|b| {
                let seen = observed.get(&b.bridge.id).and_then(|o| o.health.clone());
                let x = b.bridge;
                BridgeRow {
                    from_file: in_file.contains(&x.id),
                    id: x.id,
                    name: x.name,
                    family: x.family.as_str().into(),
                    address: b.address,
                    enabled: x.enabled,
                    reachable: x.reachable,
                    priority: x.priority,
                    capacity: format!("{} {}", x.capacity.total, x.family.unit()),
                    health: match seen {
                        None => "no answer yet".into(),
                        Some(h) => format!(
                            "answered {}{}",
                            v.zone.to_local(h.at).format("%Y-%m-%d %H:%M:%S"),
                            h.load
                                .map(|l| format!(", {:.0}% loaded", l * 100.0))
                                .unwrap_or_default()
                        ),
                    },
                }
            })
            .collect();
        Ok(BridgesPage {
            nav: v.nav("bridges"),
            may_change: v.may_change(),
            bridges,
        })
    })
    .await
}

pub async fn act(
    req: HttpRequest,
    app: Data,
    path: web::Path<(i64, String)>,
    f: web::Form<Posted>,
) -> HttpResponse {
    let v = match viewer(&req, &app).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    if !v.posted(&f.csrf) {
        return forged(&v);
    }
    if !v.may_change() {
        return read_only(&v);
    }
    let (id, action) = path.into_inner();
    let enabled = match action.as_str() {
        "enable" => true,
        "disable" => false,
        _ => return HttpResponse::NotFound().finish(),
    };
    change(v, &app, "/admin/bridges".into(), move |app, by| {
        let mut b = app.booking.bridge(id)?;
        b.bridge.enabled = enabled;
        app.booking.change_bridge(&b, by).map(|_| ())
    })
    .await
}
