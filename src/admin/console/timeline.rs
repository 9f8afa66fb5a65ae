//! The day and week views laid out: one lane per room, each meeting a block placed by its
//! times on the day (drawn as SVG by the template), and meetings that book no room (only
//! dial-ins and dial-outs) in a lane of their own so they are seen too.
use crate::booking::state_name;
use crate::domain::zone::Zone;
use crate::domain::{CallType, Conference, ConferenceState, System};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The width of a lane in SVG user units.
pub const WIDTH: f64 = 1000.0;
pub const NO_ROOM: &str = "No room (dial-in and dial-out only)";

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub id: i64,
    pub title: String,
    pub x: f64,
    pub width: f64,
    pub state: &'static str,
    /// Local start and end, "09:00–10:00".
    pub times: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub name: String,
    pub system_id: Option<i64>,
    pub blocks: Vec<Block>,
}

/// An hour mark on the day's axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// A meeting as one line of a list or a week cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub title: String,
    pub times: String,
    pub state: &'static str,
    pub reason: Option<String>,
}

pub struct WeekRow {
    pub name: String,
    pub cells: Vec<Vec<Item>>,
}

/// The rooms a meeting books.
pub fn rooms_of(c: &Conference) -> Vec<i64> {
    let mut ids: Vec<i64> = c
        .participants
        .iter()
        .filter(|p| p.call_type == CallType::Tms)
        .map(|p| p.id)
        .collect();
    ids.dedup();
    ids
}

/// The UTC bounds of local day `d` in `zone` (23 or 25 hours long on a clock change).
pub fn day_bounds(zone: &Zone, d: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| zone.to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default());
    (midnight(d), midnight(d + Duration::days(1)))
}

pub fn local_time(zone: &Zone, t: DateTime<Utc>) -> String {
    zone.to_local(t).format("%H:%M").to_string()
}

pub fn item(c: &Conference, state: ConferenceState, zone: &Zone) -> Item {
    Item {
        id: c.id,
        title: c.title.clone(),
        times: format!("{}–{}", local_time(zone, c.start), local_time(zone, c.end)),
        state: state_name(state),
        reason: c.defective_reason.clone(),
    }
}

/// Lanes for `rooms` (in their order), a lane for any other room a meeting books, and the
/// no-room lane when a meeting books none; blocks clipped to [from, to).
pub fn lanes(
    meetings: &[(Conference, ConferenceState)],
    rooms: &[System],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: &Zone,
) -> Vec<Lane> {
    let mut lanes: Vec<Lane> = rooms
        .iter()
        .map(|s| Lane {
            name: s.name.clone(),
            system_id: Some(s.id),
            blocks: Vec::new(),
        })
        .collect();
    let mut no_room = Lane {
        name: NO_ROOM.into(),
        system_id: None,
        blocks: Vec::new(),
    };
    let span = (to - from).num_seconds().max(1) as f64;
    let place = |t: DateTime<Utc>| {
        let s = (t.clamp(from, to) - from).num_seconds() as f64;
        s / span * WIDTH
    };
    for (c, state) in meetings {
        let x = place(c.start);
        let block = Block {
            id: c.id,
            title: c.title.clone(),
            x,
            width: (place(c.end) - x).max(2.0),
            state: state_name(*state),
            times: item(c, *state, zone).times,
            reason: c.defective_reason.clone(),
        };
        let rooms = rooms_of(c);
        if rooms.is_empty() {
            no_room.blocks.push(block);
            continue;
        }
        for id in rooms {
            match lanes.iter_mut().find(|l| l.system_id == Some(id)) {
                Some(l) => l.blocks.push(block.clone()),
                None => lanes.push(Lane {
                    name: format!("System {id}"),
                    system_id: Some(id),
                    blocks: vec![block.clone()],
                }),
            }
        }
    }
    if !no_room.blocks.is_empty() {
        lanes.push(no_room);
    }
    lanes
}

/// Hour marks every `every` hours over a local day.
pub fn ticks(zone: &Zone, from: DateTime<Utc>, to: DateTime<Utc>, every: i64) -> Vec<Tick> {
    let span = (to - from).num_seconds().max(1) as f64;
    let mut out = Vec::new();
    let mut t = from;
    while t < to {
        out.push(Tick {
            x: (t - from).num_seconds() as f64 / span * WIDTH,
            label: local_time(zone, t),
        });
        t += Duration::hours(every);
    }
    out
}

/// A week: one row per room (and the no-room row), one cell per day, each cell the
/// meetings of that room on that local day.
pub fn week(
    meetings: &[(Conference, ConferenceState)],
    rooms: &[System],
    days: &[NaiveDate],
    zone: &Zone,
) -> Vec<WeekRow> {
    let bounds: Vec<_> = days.iter().map(|d| day_bounds(zone, *d)).collect();
    let mut rows: Vec<(Option<i64>, WeekRow)> = rooms
        .iter()
        .map(|s| {
            (
                Some(s.id),
                WeekRow {
                    name: s.name.clone(),
                    cells: vec![Vec::new(); days.len()],
                },
            )
        })
        .collect();
    let mut no_room = WeekRow {
        name: NO_ROOM.into(),
        cells: vec![Vec::new(); days.len()],
    };
    for (c, state) in meetings {
        let it = item(c, *state, zone);
        let on: Vec<usize> = bounds
            .iter()
            .enumerate()
            .filter(|(_, (f, t))| c.start < *t && c.end > *f)
            .map(|(i, _)| i)
            .collect();
        let rooms = rooms_of(c);
        for i in on {
            if rooms.is_empty() {
                no_room.cells[i].push(it.clone());
            }
            for id in &rooms {
                let at = match rows.iter().position(|(r, _)| *r == Some(*id)) {
                    Some(at) => at,
                    None => {
                        rows.push((
                            Some(*id),
                            WeekRow {
                                name: format!("System {id}"),
                                cells: vec![Vec::new(); days.len()],
                            },
                        ));
                        rows.len() - 1
                    }
                };
                rows[at].1.cells[i].push(it.clone());
            }
        }
    }
    let mut out: Vec<WeekRow> = rows.into_iter().map(|(_, r)| r).collect();
    if no_room.cells.iter().any(|c| !c.is_empty()) {
        out.push(no_room);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Participant, StoredStatus};
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, h, m, 0).unwrap()
    }

    fn meeting(id: i64, from: DateTime<Utc>, to: DateTime<Utc>, rooms: &[i64]) -> Conference {
        Conference {
            id,
            title: format!("m{id}"),
            start: from,
            end: to,
            owner: Default::default(),
            settings: crate::domain::validate::tests::rules().defaults,
            participants: rooms
                .iter()
                .map(|r| Participant {
                    id: *r,
                    name_or_number: None,
                    email: None,
                    call_type: CallType::Tms,
                })
                .chain([Participant {
                    id: -1,
                    name_or_number: Some("sip:guest@example.com".into()),
                    email: None,
                    call_type: CallType::SipDialIn,
                }])
                .collect(),
            external_source_id: None,
            external_primary_key: None,
            version: 1,
            status: StoredStatus::Booked,
            defective_reason: None,
            transaction_id: 0,
            series: Default::default(),
            route: None,
        }
    }

    fn room(id: i64, name: &str) -> System {
        System {
            id,
            name: name.into(),
            category: crate::domain::SystemCategory::Room,
            sip_uri: None,
            h323_id: None,
            e164_alias: None,
            time_zone: None,
            allow_booking: true,
            details: Default::default(),
        }
    }

    #[test]
    fn meetings_land_in_their_rooms_lanes_and_dial_ins_in_their_own() {
        let zone = Zone::named("UTC").unwrap();
        let (from, to) = day_bounds(&zone, at(0, 0).date_naive());
        let p = ConferenceState::Pending;
        let list = vec![
            (meeting(1, at(6, 0), at(12, 0), &[1]), p),
            (meeting(2, at(9, 0), at(10, 0), &[1, 2]), p),
            (
                meeting(3, at(23, 0), at(23, 59) + Duration::hours(2), &[]),
                p,
            ),
            (meeting(4, at(8, 0), at(9, 0), &[7]), p),
        ];
        let lanes = lanes(
            &list,
            &[room(1, "Oslo"), room(2, "Bergen")],
            from,
            to,
            &zone,
        );
        let names: Vec<&str> = lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Oslo", "Bergen", "System 7", NO_ROOM]);
        let ids = |l: &Lane| l.blocks.iter().map(|b| b.id).collect::<Vec<_>>();
        assert_eq!(ids(&lanes[0]), [1, 2]);
        assert_eq!(ids(&lanes[1]), [2]);
        assert_eq!(ids(&lanes[3]), [3]);
        // 06:00–12:00 is the second quarter of the day.
        assert_eq!(
            (lanes[0].blocks[0].x, lanes[0].blocks[0].width),
            (250.0, 250.0)
        );
        assert_eq!(lanes[0].blocks[0].times, "06:00–12:00");
        // Running past midnight: clipped to the day.
        let late = &lanes[3].blocks[0];
        assert!((late.x + late.width - WIDTH).abs() < 1e-9, "{late:?}");
    }

    #[test]
    fn a_day_is_local() {
        let zone = Zone::named("Europe/Oslo").unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let (from, to) = day_bounds(&zone, d);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 12, 1, 23, 0, 0).unwrap());
        assert_eq!(to - from, Duration::hours(24));
        // The day the clocks go forward has 23 hours.
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let (f, t) = day_bounds(&zone, spring);
        assert_eq!(t - f, Duration::hours(23));
        let marks = ticks(&zone, from, to, 6);
        let labels: Vec<&str> = marks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["00:00", "06:00", "12:00", "18:00"]);
    }

    #[test]
    fn a_week_puts_meetings_on_their_days() {
        let zone = Zone::named("UTC").unwrap();
        let d0 = at(0, 0).date_naive();
        let days: Vec<NaiveDate> = (0..7).map(|i| d0 + Duration::days(i)).collect();
        let p = ConferenceState::Pending;
        let list = vec![
            (meeting(1, at(9, 0), at(10, 0), &[1]), p),
            (
                meeting(
                    2,
                    at(9, 0) + Duration::days(2),
                    at(10, 0) + Duration::days(2),
                    &[],
                ),
                p,
            ),
        ];
        let rows = week(&list, &[room(1, "Oslo")], &days, &zone);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells[0].len(), 1);
        assert!(rows[0].cells[1..].iter().all(|c| c.is_empty()));
        assert_eq!(rows[1].name, NO_ROOM);
        assert_eq!(rows[1].cells[2][0].id, 2);
    }
}
