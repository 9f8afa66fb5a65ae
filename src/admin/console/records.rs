//! The licences page (the licence mode, its use and the live client sessions), the
//! replication log (the transactions replication clients read, newest first, for one
//! conference when asked) and the settings (the effective configuration, secrets hidden,
//! each value with where it came from).
use super::{page, reader, Data, Nav};
use crate::domain::Error;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

#[derive(askama::Template)]
#[template(path = "console/licences.html")]
struct LicencesPage {
    nav: Nav,
    mode: String,
    total: u32,
    used: u32,
    sessions: Vec<Vec<String>>,
}

pub struct LogRow {
    pub id: i64,
    pub kind: String,
    pub conference: i64,
    pub systems: String,
    pub external: String,
    pub by: i64,
}

#[derive(askama::Template)]
#[template(path = "console/log.html")]
struct LogPage {
    nav: Nav,
    conference: String,
    rows: Vec<LogRow>,
    older: Option<i64>,
}

/// Transactions shown on one page of the log.
const PAGE: usize = 200;

#[derive(Deserialize)]
pub struct LogQuery {
    conference: Option<String>,
    /// Show the transactions before this id.
    before: Option<i64>,
}

pub async fn licences(req: HttpRequest, app: Data) -> HttpResponse {
    let v = match reader(&req, &app, "licences", "the licences").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    page(v, &app, |app, v| {
        let u = app.booking.licence_use()?;
        let at = |t| v.zone.to_local(t).format("%Y-%m-%d %H:%M:%S").to_string();
        Ok(LicencesPage {
            nav: v.nav("licences"),
            mode: u.mode.to_string(),
            total: u.total,
            used: u.used,
            sessions: app
                .booking
                .sessions()?
                .iter()
                .map(|s| {
                    vec![
                        s.id.clone(),
                        s.user_name.clone(),
                        s.client_address.clone(),
                        at(s.first_used()),
                        at(s.last_used()),
                    ]
                })
                .collect(),
        })
    })
    .await
}

pub async fn log(req: HttpRequest, app: Data, q: web::Query<LogQuery>) -> HttpResponse {
    let v = match reader(&req, &app, "log", "the replication log").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    page(v, &app, move |app, v| {
        let conference = q
            .conference
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<i64>()
                    .map_err(|_| Error::invalid(format!("'{s}' is not a conference id.")))
            })
            .transpose()?;
        let list = app.booking.transaction_log(conference, q.before, PAGE)?;
        let older = (list.len() == PAGE)
            .then(|| list.last().map(|t| t.id))
            .flatten();
        Ok(LogPage {
            nav: v.nav("log"),
            conference: conference.map(|c| c.to_string()).unwrap_or_default(),
            rows: list
                .into_iter()
                .map(|t| LogRow {
                    id: t.id,
                    kind: t.kind.as_str().to_string(),
                    conference: t.conference_id,
                    systems: t
                        .system_ids
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    external: t.external_primary_key.unwrap_or_default(),
                    by: t.performed_by_user_id,
                })
                .collect(),
            older,
        })
    })
    .await
}

#[derive(askama::Template)]
#[template(path = "console/settings.html")]
struct SettingsPage {
    nav: Nav,
    rows: Vec<(String, String, &'static str)>,
}

pub async fn settings(req: HttpRequest, app: Data) -> HttpResponse {
    let v = match reader(&req, &app, "settings", "the settings").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    page(v, &app, |app, v| {
        Ok(SettingsPage {
            nav: v.nav("settings"),
            rows: app.settings.clone(),
        })
    })
    .await
}
