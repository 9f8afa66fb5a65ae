//! Capacity arithmetic: what a meeting costs on a bridge, and how much of a bridge is
//! already planned at the busiest instant of a window.
use super::inventory::CapacityModel;
use crate::domain::{CallType, Direction, Participant};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::domain::route::Units;

pub fn units(x: f64) -> Units {
    (x * 1000.0).round().max(0.0) as Units
}

/// `u` as the administrator reads it ("14", "7.5").
pub fn show(u: Units) -> String {
    let whole = u / 1000;
    match u % 1000 {
        0 => whole.to_string(),
        frac => format!("{whole}.{}", format!("{frac:03}").trim_end_matches('0')),
    }
}

/// The video quality a call bandwidth buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Quality {
    Sd,
    Hd,
    FullHd,
}

impl Quality {
    /// Up to 768 kbps is SD (448p), up to 1920 kbps HD (720p30), above that Full HD.
    /// An unlimited bandwidth ("Max") is planned as Full HD.
    pub fn of_kbps(kbps: Option<u32>) -> Quality {
        match kbps {
            Some(k) if k <= 768 => Quality::Sd,
            Some(k) if k <= 1920 => Quality::Hd,
            _ => Quality::FullHd,
        }
    }
}

/// Whether a participant takes a port on the bridge. A master participant names one of the
/// booked systems and a user entry names a person, not a call.
pub fn takes_port(call_type: CallType) -> bool {
    !matches!(call_type, CallType::MasterParticipant | CallType::User)
        && matches!(
            call_type.direction(),
            Direction::System | Direction::DialIn | Direction::DialOut | Direction::Directory
        )
}

/// The cost of a meeting on a bridge of `model`, and the number of ports it takes.
pub fn meeting_cost(
    model: &CapacityModel,
    participants: &[Participant],
    quality: Quality,
) -> (Units, u32) {
    let video = match quality {
        Quality::Sd => model.sd,
        Quality::Hd => model.hd,
        Quality::FullHd => model.full_hd,
    };
    let mut cost = units(model.per_conference);
    let mut ports = 0;
    for p in participants.iter().filter(|p| takes_port(p.call_type)) {
        ports += 1;
        cost += units(if p.call_type.is_audio_only() {
            model.audio
        } else {
            video
        });
    }
    (cost, ports)
}

/// A meeting already planned on a bridge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub bridge_id: i64,
    pub conference_id: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub units: Units,
    pub number: u64,
}

/// The busiest instant of [start, end) among `loads` of one bridge: the units in use and the
/// number of conferences running then.
pub fn peak<'a>(
    loads: impl Iterator<Item = &'a Planned>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> (Units, u32) {
    // (instant, is_start, units): at one instant, ends are counted before starts, since a
    // meeting ending at 10:00 and one starting at 10:00 never run together.
    let mut events: Vec<(DateTime<Utc>, bool, Units)> = Vec::new();
    for l in loads.filter(|l| l.start < end && start < l.end) {
        events.push((l.start.max(start), true, l.units));
        events.push((l.end.min(end), false, l.units));
    }
    events.sort_unstable();
    let (mut used, mut running, mut peak_used, mut peak_running) = (0u64, 0u32, 0u64, 0u32);
    for (_, is_start, u) in events {
        if is_start {
            used += u;
            running += 1;
            peak_used = peak_used.max(used);
            peak_running = peak_running.max(running);
        } else {
            used -= u;
            running -= 1;
        }
    }
    (peak_used, peak_running)
}

/// The planned load of one bridge over [from, to) as a step function: from each instant
/// on, the units in use and the conferences running, until the next instant.
pub fn timeline(
    loads: &[Planned],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Units, u32)> {
    let mut instants: Vec<DateTime<Utc>> = vec![from];
    for l in loads.iter().filter(|l| l.start < to && from < l.end) {
        instants.extend([l.start.max(from), l.end.min(to)]);
    }
    instants.retain(|t| *t < to);
    instants.sort_unstable();
    instants.dedup();
    let mut out: Vec<(DateTime<Utc>, Units, u32)> = Vec::new();
    for t in instants {
        let running = loads.iter().filter(|l| l.start <= t && t < l.end);
        let (used, count) = running.fold((0, 0), |(u, n), l| (u + l.units, n + 1));
        if out
            .last()
            .is_none_or(|last| (last.1, last.2) != (used, count))
        {
            out.push((t, used, count));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, 1, h, m, 0).unwrap()
    }

    fn load(s: (u32, u32), e: (u32, u32), units: Units) -> Planned {
        Planned {
            bridge_id: 1,
            conference_id: 1,
            start: at(s.0, s.1),
            end: at(e.0, e.1),
            units,
            number: 1,
        }
    }

    #[test]
    fn peaks() {
        type Row<'a> = (&'a str, Vec<Planned>, (u32, u32), (u32, u32), (Units, u32));
        let table: Vec<Row> = vec![
            ("nothing planned", vec![], (9, 0), (10, 0), (0, 0)),
            (
                "back to back never overlap",
                vec![load((8, 0), (9, 0), 5), load((10, 0), (11, 0), 7)],
                (9, 0),
                (10, 0),
                (0, 0),
            ),
            (
                "one ends as the other starts",
                vec![load((9, 0), (9, 30), 5), load((9, 30), (10, 0), 7)],
                (9, 0),
                (10, 0),
                (7, 1),
            ),
            (
                "overlap inside the window",
                vec![
                    load((8, 0), (9, 15), 5),
                    load((9, 10), (9, 40), 7),
                    load((9, 30), (12, 0), 3),
                ],
                (9, 0),
                (10, 0),
                (12, 2),
            ),
            (
                "a long meeting covering the window",
                vec![load((6, 0), (18, 0), 4), load((9, 20), (9, 25), 1)],
                (9, 0),
                (10, 0),
                (5, 2),
            ),
        ];
        for (name, loads, s, e, want) in table {
            assert_eq!(
                peak(loads.iter(), at(s.0, s.1), at(e.0, e.1)),
                want,
                "{name}"
            );
        }
    }

    #[test]
    fn timelines() {
        let loads = vec![
            load((9, 0), (10, 0), 5),
            load((9, 30), (11, 0), 7),
            load((10, 0), (10, 30), 1),
        ];
        let got: Vec<(String, Units, u32)> = timeline(&loads, at(8, 0), at(12, 0))
            .into_iter()
            .map(|(t, u, n)| (t.format("%H:%M").to_string(), u, n))
            .collect();
        let want: Vec<(String, Units, u32)> = [
            ("08:00", 0, 0),
            ("09:00", 5, 1),
            ("09:30", 12, 2),
            ("10:00", 8, 2),
            ("10:30", 7, 1),
            ("11:00", 0, 0),
        ]
        .into_iter()
        .map(|(t, u, n)| (t.to_string(), u, n))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn qualities_and_costs() {
        use crate::domain::CallType::*;
        assert_eq!(Quality::of_kbps(Some(384)), Quality::Sd);
        assert_eq!(Quality::of_kbps(Some(768)), Quality::Sd);
        assert_eq!(Quality::of_kbps(Some(1152)), Quality::Hd);
        assert_eq!(Quality::of_kbps(Some(1920)), Quality::Hd);
        assert_eq!(Quality::of_kbps(Some(2560)), Quality::FullHd);
        assert_eq!(Quality::of_kbps(None), Quality::FullHd);

        let model = CapacityModel {
            total: 40.0,
            audio: 1.0 / 12.0,
            sd: 0.5,
            hd: 1.0,
            full_hd: 2.0,
            per_conference: 0.0,
        };
        let ps: Vec<Participant> = [Tms, Tms, MasterParticipant, SipDialIn, TelephoneDialOut]
            .into_iter()
            .map(|call_type| Participant {
                id: 1,
                name_or_number: None,
                email: None,
                call_type,
            })
            .collect();
        // Three video ports at HD and one voice call; the master names a system already
        // counted.
        assert_eq!(meeting_cost(&model, &ps, Quality::Hd), (3083, 4));
        assert_eq!(meeting_cost(&model, &ps, Quality::Sd), (1583, 4));
        assert_eq!(show(3083), "3.083");
        assert_eq!(show(40_000), "40");
        assert_eq!(show(7_500), "7.5");
    }
}
