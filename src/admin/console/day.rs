//! The day and week views: meetings per room on a timeline with their live state, the
//! Defective ones with their reasons, meeting requests waiting for approval; searched by
//! title, owner or external id and filtered by room, bridge and state.
use super::timeline::{self, Item, Lane, Tick, WeekRow};
use super::{page, viewer, Data, Nav, Viewer};
use crate::booking::{parse_state, Booking, MeetingFilter};
use crate::domain::state::state_of;
use crate::domain::{ConferenceState, Error, System};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ViewQuery {
    /// The local day (YYYY-MM-DD); today by default.
    pub date: Option<String>,
    pub room: Option<String>,
    pub bridge: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
}

/// One choice of a filter's list.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The search and filter form, as filled in.
pub struct Filters {
    pub date: String,
    pub q: String,
    pub rooms: Vec<Choice>,
    pub bridges: Vec<Choice>,
    pub states: Vec<Choice>,
    /// The query string that keeps the filters when moving to another day.
    pub keep: String,
}

#[derive(askama::Template)]
#[template(path = "console/day.html")]
struct DayPage {
    nav: Nav,
    title: String,
    filters: Filters,
    previous: String,
    next: String,
    lanes: Vec<Lane>,
    ticks: Vec<Tick>,
    height: usize,
    meetings: Vec<Item>,
    defective: Vec<Item>,
    requests: Vec<Item>,
}

#[derive(askama::Template)]
#[template(path = "console/week.html")]
struct WeekPage {
    nav: Nav,
    title: String,
    filters: Filters,
    previous: String,
    next: String,
    days: Vec<String>,
    rows: Vec<WeekRow>,
    count: usize,
}

fn some(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn id_of(s: &Option<String>, what: &str) -> Result<Option<i64>, Error> {
    some(s)
        .map(|x| {
            x.parse()
                .map_err(|_| Error::invalid(format!("'{x}' is not a {what} id.")))
        })
        .transpose()
}

/// The local day a view shows, and the filter it applies.
fn read(q: &ViewQuery, v: &Viewer, booking: &Booking) -> Result<(NaiveDate, MeetingFilter), Error> {
    let today = v.zone.to_local(booking.now()).date();
    let date = match some(&q.date) {
        None => today,
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| Error::invalid(format!("'{d}' is not a date (YYYY-MM-DD).")))?,
    };
    let state = match some(&q.status) {
        None => None,
        Some(s) => Some(parse_state(s).ok_or_else(|| {
            Error::invalid(format!(
                "'{s}' is not a state (pending, ongoing, finished, defective, deleted, meeting_request, rejected)."
            ))
        })?),
    };
    let filter = MeetingFilter {
        room: id_of(&q.room, "room")?,
        bridge: id_of(&q.bridge, "bridge")?,
        state,
        text: some(&q.q).map(String::from),
    };
    Ok((date, filter))
}

const STATES: [ConferenceState; 7] = [
    ConferenceState::Pending,
    ConferenceState::Ongoing,
    ConferenceState::Finished,
    ConferenceState::Defective,
    ConferenceState::MeetingRequest,
    ConferenceState::Rejected,
    ConferenceState::Deleted,
];

fn filters(
    booking: &Booking,
    date: NaiveDate,
    q: &ViewQuery,
    f: &MeetingFilter,
    rooms: &[System],
) -> Result<Filters, Error> {
    let bridges = booking.bridges()?;
    let keep = [
        ("room", &q.room),
        ("bridge", &q.bridge),
        ("status", &q.status),
        ("q", &q.q),
    ]
    .iter()
    .filter_map(|(k, v)| some(v).map(|v| format!("&{k}={}", super::login::encode(v))))
    .collect();
    Ok(Filters {
        date: date.format("%Y-%m-%d").to_string(),
        q: f.text.clone().unwrap_or_default(),
        rooms: rooms
            .iter()
            .map(|s| Choice {
                value: s.id.to_string(),
                label: s.name.clone(),
                selected: f.room == Some(s.id),
            })
            .collect(),
        bridges: bridges
            .iter()
            .map(|b| Choice {
                value: b.bridge.id.to_string(),
                label: b.bridge.name.clone(),
                selected: f.bridge == Some(b.bridge.id),
            })
            .collect(),
        states: STATES
            .iter()
            .map(|s| Choice {
                value: crate::booking::state_name(*s).into(),
                label: crate::booking::state_name(*s).replace('_', " "),
                selected: f.state == Some(*s),
            })
            .collect(),
        keep,
    })
}

/// The rooms the view has lanes for: the one filtered on, else every bookable room.
fn lanes_for(all: &[System], f: &MeetingFilter) -> Vec<System> {
    all.iter()
        .filter(|s| match f.room {
            Some(id) => s.id == id,
            None => s.allow_booking,
        })
        .cloned()
        .collect()
}

pub async fn day(
    req: actix_web::HttpRequest,
    app: Data,
    q: actix_web::web::Query<ViewQuery>,
) -> actix_web::HttpResponse {
    let v = match viewer(&req, &app).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    page(v, &app, move |app, v| day_page(&app.booking, v, &q)).await
}

/// The day view as `v` sees it, rendered: what a request for it does but the login.
pub fn render_day(booking: &Booking, v: &Viewer, q: &ViewQuery) -> Result<String, Error> {
    let page = day_page(booking, v, q)?;
    askama::Template::render(&page).map_err(|e| Error::internal(e.to_string()))
}

fn day_page(booking: &Booking, v: &Viewer, q: &ViewQuery) -> Result<DayPage, Error> {
    let (date, f) = read(q, v, booking)?;
    let (from, to) = timeline::day_bounds(&v.zone, date);
    let now = booking.now();
    let found: Vec<_> = booking
        .meetings_between(from, to, &f, &v.user)?
        .into_iter()
        .map(|c| {
            let s = state_of(&c, now);
            (c, s)
        })
        .collect();
    let systems = booking.systems()?;
    let lanes = timeline::lanes(&found, &lanes_for(&systems, &f), from, to, &v.zone);
    let items: Vec<Item> = found
        .iter()
        .map(|(c, s)| timeline::item(c, *s, &v.zone))
        .collect();
    let pick =
        |state: &str| -> Vec<Item> { items.iter().filter(|i| i.state == state).cloned().collect() };
    Ok(DayPage {
        nav: v.nav("day"),
        title: date.format("%A %-d %B %Y").to_string(),
        filters: filters(booking, date, q, &f, &systems)?,
        previous: (date - Duration::days(1)).format("%Y-%m-%d").to_string(),
        next: (date + Duration::days(1)).format("%Y-%m-%d").to_string(),
        height: 24 + lanes.len() * 30,
        ticks: timeline::ticks(&v.zone, from, to, 2),
        defective: pick("defective"),
        requests: pick("meeting_request"),
        lanes,
        meetings: items,
    })
}

pub async fn week(
    req: actix_web::HttpRequest,
    app: Data,
    q: actix_web::web::Query<ViewQuery>,
) -> actix_web::HttpResponse {
    let v = match viewer(&req, &app).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    page(v, &app, move |app, v| {
        let (date, f) = read(&q, v, &app.booking)?;
        let monday = date - Duration::days(date.weekday().num_days_from_monday() as i64);
        let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
        let from = timeline::day_bounds(&v.zone, days[0]).0;
        let to = timeline::day_bounds(&v.zone, days[6]).1;
        let now = app.booking.now();
        let found: Vec<_> = app
            .booking
            .meetings_between(from, to, &f, &v.user)?
            .into_iter()
            .map(|c| {
                let s = state_of(&c, now);
                (c, s)
            })
            .collect();
        let systems = app.booking.systems()?;
        Ok(WeekPage {
            nav: v.nav("week"),
            title: format!(
                "Week {} of {}",
                monday.iso_week().week(),
                monday.iso_week().year()
            ),
            filters: filters(&app.booking, date, &q, &f, &systems)?,
            previous: (monday - Duration::days(7)).format("%Y-%m-%d").to_string(),
            next: (monday + Duration::days(7)).format("%Y-%m-%d").to_string(),
            days: days
                .iter()
                .map(|d| d.format("%a %-d %b").to_string())
                .collect(),
            rows: timeline::week(&found, &lanes_for(&systems, &f), &days, &v.zone),
            count: found.len(),
        })
    })
    .await
}
