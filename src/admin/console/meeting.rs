//! A meeting's page: everything its Conference holds (participants, owner, times in the
//! viewer's zone and in UTC, recurrence and exceptions), its route and the planner's
//! reasons, how to dial in, its bridge jobs and each call's state, its replication history;
//! and what a site administrator may do to it: end it now, delete it, approve or reject it.
use super::timeline::{self, Item};
use super::{change, editor, page, viewer, Data, Nav, Posted, Viewer};
use crate::booking::{state_name, Booked, MeetingRecord, Target};
use crate::domain::route::{launch_note, RoutePlan};
use crate::domain::state::state_of;
use crate::domain::time::format_utc;
use crate::domain::{CallType, ConferenceState, Error, StoredStatus};
use crate::planner::capacity::show as show_units;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};

pub struct Row {
    pub cells: Vec<String>,
}

pub struct RouteView {
    pub kind: &'static str,
    pub bridge: Option<String>,
    pub bridge_id: Option<i64>,
    pub details: Vec<(String, String)>,
    pub reasons: Vec<String>,
    pub note: Option<&'static str>,
}

#[derive(askama::Template)]
#[template(path = "console/meeting.html")]
struct MeetingPage {
    nav: Nav,
    id: i64,
    title: String,
    state: &'static str,
    reason: Option<String>,
    facts: Vec<(String, String)>,
    participants: Vec<Row>,
    route: RouteView,
    dial_in: Vec<String>,
    calls: Vec<Row>,
    jobs: Vec<Row>,
    history: Vec<Row>,
    occurrences: Vec<Item>,
    may_end: bool,
    may_delete: bool,
    may_decide: bool,
}

fn call_type(t: CallType) -> String {
    format!("{t:?}")
}

fn route_view(plan: Option<&RoutePlan>, c: &crate::domain::Conference) -> RouteView {
    let rooms = timeline::rooms_of(c).len();
    let note = plan.and_then(|p| launch_note(c.settings.conference_type, p, rooms));
    let mut v = RouteView {
        kind: "not planned",
        bridge: None,
        bridge_id: None,
        details: Vec::new(),
        reasons: Vec::new(),
        note,
    };
    match plan {
        None => {}
        Some(RoutePlan::NoRoute) => v.kind = "no route (reservation only)",
        Some(RoutePlan::Direct) => v.kind = "direct: the rooms call each other",
        Some(RoutePlan::ExternallyHosted) => v.kind = "hosted outside bridgebook",
        Some(RoutePlan::Bridge(b)) => {
            v.kind = "bridge";
            v.bridge = Some(b.bridge_name.clone());
            v.bridge_id = Some(b.bridge_id);
            v.details = vec![
                (
                    "Bridge".into(),
                    format!("{} ({})", b.bridge_name, b.family.as_str()),
                ),
                ("Number".into(), b.number.to_string()),
                ("SIP address".into(), b.sip_uri.clone()),
                (
                    "Takes".into(),
                    format!("{} {}", show_units(b.units), b.family.unit()),
                ),
            ];
            if let Some(pin) = &b.pin {
                v.details.push(("PIN".into(), pin.clone()));
            }
            if let Some(url) = &b.join_url {
                v.details.push(("Web".into(), url.clone()));
            }
            v.reasons = b.reasons.clone();
        }
        Some(RoutePlan::Unroutable { reasons, incapable }) => {
            v.kind = if *incapable {
                "no bridge can host it"
            } else {
                "no bridge has room"
            };
            v.reasons = reasons.clone();
        }
    }
    v
}

fn both(v: &Viewer, t: DateTime<Utc>) -> String {
    format!(
        "{} ({}) · {}",
        v.zone.to_local(t).format("%Y-%m-%d %H:%M"),
        v.zone_name,
        format_utc(t)
    )
}

fn build(
    r: MeetingRecord,
    v: &Viewer,
    now: DateTime<Utc>,
    systems: &[crate::domain::System],
) -> MeetingPage {
    let c = r.conference().clone();
    let state = match &r.booked {
        Booked::Meeting(c) => state_of(c, now),
        Booked::Series(s) => crate::domain::state::series_state(&s.conference, &s.occurrences, now),
    };
    let owner = [
        c.owner.user_name.clone(),
        c.owner.email.clone().map(|e| format!("<{e}>")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let mut facts = vec![
        ("Owner".to_string(), owner),
        ("Starts".into(), both(v, c.start)),
        ("Ends".into(), both(v, c.end)),
        ("Type".into(), format!("{:?}", c.settings.conference_type)),
        ("Version".into(), c.version.to_string()),
    ];
    if let Some(k) = &c.external_primary_key {
        facts.push((
            "External id".into(),
            format!(
                "{} ({})",
                k,
                c.external_source_id.clone().unwrap_or_default()
            ),
        ));
    }
    if let Some(series) = c.series.series_id {
        let mut text = format!("occurrence of series {series}");
        if c.series.exception {
            text.push_str(", changed apart from its series (an exception)");
        }
        facts.push(("Recurrence".into(), text));
    }
    if let Some(rec) = &c.series.recurrence {
        let p = &rec.pattern;
        facts.push((
            "Recurrence".into(),
            format!(
                "{:?} every {} · days {:?} · ends {:?}",
                p.frequency, p.interval, p.days_of_week, p.end
            ),
        ));
    }
    let participants = c
        .participants
        .iter()
        .map(|p| Row {
            cells: vec![
                match p.call_type {
                    CallType::Tms => systems
                        .iter()
                        .find(|s| s.id == p.id)
                        .map(|s| format!("{} (system {})", s.name, s.id))
                        .unwrap_or_else(|| format!("system {}", p.id)),
                    _ => p.name_or_number.clone().unwrap_or_default(),
                },
                call_type(p.call_type),
                p.email.clone().unwrap_or_default(),
            ],
        })
        .collect();
    let dial_in = match &c.route {
        Some(RoutePlan::Bridge(b)) => b.info_text().lines().map(String::from).collect(),
        _ => Vec::new(),
    };
    let occurrences = match &r.booked {
        Booked::Series(s) => s
            .occurrences
            .iter()
            .map(|o| {
                let mut it = timeline::item(o, state_of(o, now), &v.zone);
                it.times = format!(
                    "{} {}",
                    v.zone.to_local(o.start).format("%Y-%m-%d"),
                    it.times
                );
                if o.series.exception {
                    it.title.push_str(" (exception)");
                }
                it
            })
            .collect(),
        Booked::Meeting(_) => Vec::new(),
    };
    let at = |t: DateTime<Utc>| v.zone.to_local(t).format("%Y-%m-%d %H:%M:%S").to_string();
    let may = v.may_change();
    MeetingPage {
        nav: v.nav("meeting"),
        id: c.id,
        title: c.title.clone(),
        state: state_name(state),
        reason: c.defective_reason.clone(),
        facts,
        participants,
        route: route_view(c.route.as_ref(), &c),
        dial_in,
        calls: r
            .calls
            .iter()
            .map(|x| Row {
                cells: vec![
                    x.address.clone(),
                    x.protocol.clone(),
                    x.state.clone(),
                    x.reason.clone().unwrap_or_default(),
                    x.attempts.to_string(),
                    at(x.updated()),
                ],
            })
            .collect(),
        jobs: r
            .jobs
            .iter()
            .map(|j| Row {
                cells: vec![
                    j.kind.clone(),
                    j.bridge_id.to_string(),
                    at(crate::domain::time::from_epoch(j.due_at)),
                    j.state.clone(),
                    j.attempts.to_string(),
                    j.last_error.clone().unwrap_or_default(),
                ],
            })
            .collect(),
        history: r
            .history
            .iter()
            .map(|h| Row {
                cells: vec![
                    h.transaction.id.to_string(),
                    h.transaction.kind.as_str().to_string(),
                    h.transaction.conference_id.to_string(),
                    h.by.clone(),
                    at(h.at),
                ],
            })
            .collect(),
        occurrences,
        may_end: may && state == ConferenceState::Ongoing && !c.is_series(),
        may_delete: may && !matches!(state, ConferenceState::Deleted | ConferenceState::Finished),
        may_decide: may
            && (c.status == StoredStatus::MeetingRequest
                || state == ConferenceState::MeetingRequest),
    }
}

pub async fn show(req: HttpRequest, app: Data, id: web::Path<String>) -> HttpResponse {
    let v = match viewer(&req, &app).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let id = id.into_inner();
    page(v, &app, move |app, v| {
        let id: i64 = id
            .parse()
            .map_err(|_| Error::invalid(format!("'{id}' is not a conference id.")))?;
        let record = app.booking.meeting_record(id, &v.user)?;
        let systems = app.booking.systems()?;
        Ok(build(record, v, app.booking.now(), &systems))
    })
    .await
}

pub async fn act(
    req: HttpRequest,
    app: Data,
    path: web::Path<(i64, String)>,
    f: web::Form<Posted>,
) -> HttpResponse {
    let v = match editor(&req, &app, &f.csrf).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let (id, action) = path.into_inner();
    let back = format!("/admin/meetings/{id}");
    match action.as_str() {
        "end" => {
            change(v, &app, back, move |app, by| {
                app.booking.end(Target::Id(id), by)
            })
            .await
        }
        "delete" => {
            change(v, &app, back, move |app, by| {
                app.booking
                    .delete(Target::Id(id), by, &crate::booking::Notify::default())
            })
            .await
        }
        "approve" | "reject" => {
            let approve = action == "approve";
            change(v, &app, back, move |app, by| {
                app.booking.decide_request(id, approve, by)
            })
            .await
        }
        _ => HttpResponse::NotFound().finish(),
    }
}
