//! What a reconcile pass repairs on one bridge: the meetings that should be there and are
//! not (a bridge that restarted, a space someone deleted), the calls of running meetings
//! (placed again where the bridge lost them), and this installation's leftovers.
use super::meeting;
use chrono::{DateTime, Utc};

/// A meeting provisioned on the bridge and not ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosted {
    pub conference_id: i64,
    pub start: DateTime<Utc>,
    /// The bridge must call someone for it.
    pub calls: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// The bridge does not hold the meeting: make it again.
    Provision(i64),
    /// The meeting runs: have the bridge call whoever it is not calling.
    Call(i64),
    /// The bridge holds a meeting of ours that should not be there (ended, deleted, moved).
    Remove {
        conference_id: i64,
        reference: String,
    },
}

/// What the store knows of the conferences a bridge's references name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// Booked by this installation, whatever their state.
    pub booked: Vec<i64>,
    /// With a provisioning still to run here: what is there may be an earlier try's work.
    pub awaited: Vec<i64>,
}

/// The repairs for one bridge, given the meetings it should host, the references it
/// reports, and what the store knows of the conferences they name. References that are not
/// exactly this installation's are never touched, nor one naming a conference it has no
/// record of (not known to be its own), nor one a provisioning is about to take over.
pub fn repairs(
    hosted: &[Hosted],
    present: &[String],
    installation: &str,
    known: &Known,
    now: DateTime<Utc>,
) -> Vec<Repair> {
    let mut out = vec![];
    let ours: Vec<(i64, &String)> = present
        .iter()
        .filter_map(|r| meeting::conference_of(installation, r).map(|id| (id, r)))
        .collect();
    for h in hosted {
        let there = ours.iter().any(|(id, _)| *id == h.conference_id);
        if !there {
            out.push(Repair::Provision(h.conference_id));
        }
        if h.calls && h.start <= now {
            out.push(Repair::Call(h.conference_id));
        }
    }
    for (id, reference) in ours {
        let leftover = known.booked.contains(&id)
            && !known.awaited.contains(&id)
            && !hosted.iter().any(|h| h.conference_id == id);
        if leftover {
            out.push(Repair::Remove {
                conference_id: id,
                reference: reference.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn what_a_pass_repairs() {
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap();
        let running = |id, calls| Hosted {
            conference_id: id,
            start: now - Duration::minutes(5),
            calls,
        };
        let coming = |id| Hosted {
            conference_id: id,
            start: now + Duration::minutes(3),
            calls: true,
        };
        let r = |id: i64| meeting::reference("0a1b2c3d", id);
        type Row<'a> = (&'a str, Vec<Hosted>, Vec<String>, Vec<Repair>);
        let table: Vec<Row> = vec![
            (
                "all there, nobody to call",
                vec![running(1, false)],
                vec![r(1)],
                vec![],
            ),
            (
                "running with calls: the calls are checked",
                vec![running(1, true)],
                vec![r(1)],
                vec![Repair::Call(1)],
            ),
            (
                "lost by a restart: made again and called",
                vec![running(1, true)],
                vec![],
                vec![Repair::Provision(1), Repair::Call(1)],
            ),
            (
                "provisioned ahead and lost: made again, called at its start",
                vec![coming(2)],
                vec![],
                vec![Repair::Provision(2)],
            ),
            (
                "a leftover of ours goes",
                vec![],
                vec![r(3)],
                vec![Repair::Remove {
                    conference_id: 3,
                    reference: r(3),
                }],
            ),
            (
                "named like ours, but no conference of ours: never touched",
                vec![],
                vec![r(93)],
                vec![],
            ),
            (
                "made by an earlier try its provisioning will take over: kept",
                vec![],
                vec![r(2)],
                vec![],
            ),
            (
                "what is not exactly ours is never touched",
                vec![],
                vec![
                    format!("{}9", r(3)).replace("39", "3-9"),
                    "bb-ffffffff-3".into(),
                    "bb-3".into(),
                    "Board meeting".into(),
                ],
                vec![],
            ),
        ];
        let known = Known {
            booked: vec![1, 2, 3],
            awaited: vec![2],
        };
        for (name, hosted, present, want) in table {
            assert_eq!(
                repairs(&hosted, &present, "0a1b2c3d", &known, now),
                want,
                "{name}"
            );
        }
    }
}
