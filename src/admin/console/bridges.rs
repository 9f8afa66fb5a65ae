//! The bridges page: each bridge with its state, its last health answer and what it can
//! hold; site administrators enable and disable them (the meetings of a disabled bridge
//! move to another, or become Defective with the reason).
use super::{change, editor, page, reader, Data, Nav, Posted};
use crate::booking::LoadStep;
use crate::planner::capacity::{show as show_units, units};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};

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
    /// Since when it has not answered, and why; empty while it answers.
    pub down: String,
    /// The last time it did not answer, and why, once it answers again.
    pub last_failure: String,
    /// Defined in the configuration file, which alone changes it.
    pub from_file: bool,
    /// The planned load over the coming week, as an SVG path, and its peak.
    pub load_path: String,
    pub peak: String,
}

/// The chart's size in SVG user units.
pub const CHART_WIDTH: f64 = 280.0;
pub const CHART_HEIGHT: f64 = 36.0;

/// The planned load over [from, to) as a step line: x is time, y the share of `total` in
/// use (the top is full).
pub fn load_path(steps: &[LoadStep], total: u64, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let span = (to - from).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| (t.clamp(from, to) - from).num_seconds() as f64 / span * CHART_WIDTH;
    let y = |u: u64| {
        let share = if total == 0 {
            0.0
        } else {
            (u as f64 / total as f64).min(1.0)
        };
        CHART_HEIGHT - share * CHART_HEIGHT
    };
    let mut d = format!("M0 {:.1}", y(0));
    for s in steps {
        d.push_str(&format!(" H{:.1} V{:.1}", x(s.from), y(s.units)));
    }
    d.push_str(&format!(" H{CHART_WIDTH:.1}"));
    d
}

#[derive(askama::Template)]
#[template(path = "console/bridges.html")]
struct BridgesPage {
    nav: Nav,
    may_change: bool,
    bridges: Vec<BridgeRow>,
}

pub async fn show(req: HttpRequest, app: Data) -> HttpResponse {
    let v = match reader(&req, &app, "bridges", "the bridges").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    page(v, &app, |app, v| {
        let observed = app.booking.bridge_observations()?;
        let in_file = app.booking.bridges_in_file()?;
        let from = app.booking.now();
        let to = from + Duration::days(7);
        let bridges = app
            .booking
            .bridges()?
            .into_iter()
            .map(|b| {
                let o = observed.get(&b.bridge.id).cloned().unwrap_or_default();
                let seen = o.health.clone();
                let at = |t| v.zone.to_local(t).format("%Y-%m-%d %H:%M:%S").to_string();
                let why = o
                    .last_failure
                    .as_ref()
                    .map(|f| f.reason.clone())
                    .unwrap_or_default();
                let (down, last_failure) = match (o.down_since, &o.last_failure) {
                    (Some(t), _) => (format!("down since {}: {why}", at(t)), String::new()),
                    (None, Some(f)) => (String::new(), format!("last down {}: {why}", at(f.at))),
                    (None, None) => (String::new(), String::new()),
                };
                let (planned, steps) = app.booking.bridge_load(b.bridge.id, from, to)?;
                let total = units(planned.bridge.capacity.total);
                let peak = steps.iter().map(|s| s.units).max().unwrap_or(0);
                let x = b.bridge;
                Ok(BridgeRow {
                    load_path: load_path(&steps, total, from, to),
                    peak: format!("peak {} of {}", show_units(peak), show_units(total)),
                    from_file: in_file.contains(&x.id),
                    down,
                    last_failure,
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
                })
            })
            .collect::<Result<Vec<_>, crate::domain::Error>>()?;
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
    let v = match editor(&req, &app, &f.csrf).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn load_is_a_step_line() {
        let from = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let to = from + Duration::hours(4);
        let step = |h: i64, u: u64| LoadStep {
            from: from + Duration::hours(h),
            units: u,
            conferences: 1,
        };
        let d = load_path(&[step(1, 2000), step(2, 4000), step(3, 0)], 4000, from, to);
        assert_eq!(d, "M0 36.0 H70.0 V18.0 H140.0 V0.0 H210.0 V36.0 H280.0");
        assert_eq!(load_path(&[], 0, from, to), "M0 36.0 H280.0");
    }
}
