//! The rooms page: every system in service, which ones the configuration file defines
//! (read-only here), a form to add a room and a button to retire one (no longer bookable;
//! its meetings stay).
use super::{change, editor, page, reader, Data, Nav};
use crate::booking::NewRoom;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

pub struct RoomRow {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub address: String,
    pub time_zone: String,
    pub bookable: bool,
    pub from_file: bool,
}

#[derive(askama::Template)]
#[template(path = "console/rooms.html")]
struct RoomsPage {
    nav: Nav,
    may_change: bool,
    rooms: Vec<RoomRow>,
}

pub async fn show(req: HttpRequest, app: Data) -> HttpResponse {
    let v = match reader(&req, &app, "rooms", "the rooms").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    page(v, &app, |app, v| {
        let in_file = app.booking.rooms_in_file()?;
        let rooms = app
            .booking
            .systems()?
            .into_iter()
            .map(|s| RoomRow {
                from_file: in_file.contains(&s.id),
                id: s.id,
                category: s.category.as_str().to_string(),
                address: [s.sip_uri, s.h323_id, s.e164_alias]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                time_zone: s.time_zone.unwrap_or_default(),
                bookable: s.allow_booking,
                name: s.name,
            })
            .collect();
        Ok(RoomsPage {
            nav: v.nav("rooms"),
            may_change: v.may_change(),
            rooms,
        })
    })
    .await
}

#[derive(Deserialize)]
pub struct RoomForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    sip_uri: String,
    #[serde(default)]
    h323_id: String,
    #[serde(default)]
    e164_alias: String,
    #[serde(default)]
    time_zone: String,
}

fn given(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

pub async fn add(req: HttpRequest, app: Data, f: web::Form<RoomForm>) -> HttpResponse {
    let v = match editor(&req, &app, &f.csrf).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let room = NewRoom {
        name: f.name.clone(),
        category: f.category.clone(),
        sip_uri: given(&f.sip_uri),
        h323_id: given(&f.h323_id),
        e164_alias: given(&f.e164_alias),
        time_zone: given(&f.time_zone),
    };
    change(v, &app, "/admin/rooms".into(), move |app, by| {
        app.booking.add_room(&room, by).map(|_| ())
    })
    .await
}

pub async fn retire(
    req: HttpRequest,
    app: Data,
    id: web::Path<i64>,
    f: web::Form<super::Posted>,
) -> HttpResponse {
    let v = match editor(&req, &app, &f.csrf).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let id = id.into_inner();
    change(v, &app, "/admin/rooms".into(), move |app, by| {
        app.booking.retire_room(id, by)
    })
    .await
}
