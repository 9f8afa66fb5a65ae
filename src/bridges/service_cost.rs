//! TelePresence Conductor's Capacity Management API (`GET /api/4.0/servicecost/<alias>`):
//! what a conference on an alias costs, per resource dimension, and what the pools behind
//! it hold. It prices a meeting before the planner places it on the Conductor, and gives
//! the `factoryResourceLimits` sent when the conference is created.
use super::Price;
use serde_json::Value;
use std::collections::BTreeMap;

/// Amounts per resource dimension ("ports" on an MCU pool; "signalling", "media" and
/// "licences" on a TelePresence Server pool).
pub type Resources = BTreeMap<String, i64>;

/// The ServiceParams of one alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCost {
    /// Capacity of the pools used for scheduling, whatever is running now.
    pub pool: Resources,
    /// Taken once by every conference.
    pub conference: Resources,
    /// Taken by each single-screen participant.
    pub participant: Resources,
}

/// The document spells the dimension both "licences" and "licenses"; they are one.
fn dimension(name: &str) -> String {
    match name.trim() {
        "licenses" => "licences".to_string(),
        other => other.to_string(),
    }
}

fn resources(v: &Value) -> Resources {
    let mut out = Resources::new();
    for r in v.as_array().into_iter().flatten() {
        if let (Some(d), Some(n)) = (r["dimension"].as_str(), r["value"].as_i64()) {
            *out.entry(dimension(d)).or_default() += n;
        }
    }
    out
}

impl ServiceCost {
    pub fn parse(body: &str) -> Result<ServiceCost, String> {
        let v: Value = serde_json::from_str(body).map_err(|e| format!("ServiceParams: {e}"))?;
        let participant = v["participant_cost"]
            .as_array()
            .and_then(|all| {
                all.iter()
                    .find(|p| p["num_screens"].as_i64() == Some(1))
                    .or_else(|| all.first())
            })
            .map(|p| resources(&p["resources"]))
            .unwrap_or_default();
        let cost = ServiceCost {
            pool: resources(&v["pool_capacity"]),
            conference: resources(&v["conference_cost"]),
            participant,
        };
        if cost.pool.is_empty() {
            return Err("ServiceParams without pool_capacity".into());
        }
        Ok(cost)
    }

    /// What a conference of `participants` single-screen participants takes, per
    /// dimension: the `factoryResourceLimits` of its create.
    pub fn limits(&self, participants: u32) -> Resources {
        let mut out = self.conference.clone();
        for (d, n) in &self.participant {
            *out.entry(d.clone()).or_default() += n * i64::from(participants);
        }
        out
    }

    /// The planner counts one unit per bridge: the dimension that runs out first for
    /// participants (the fewest participants fit in the pool), with its costs.
    pub fn price(&self) -> Option<Price> {
        let (dim, _) = self
            .participant
            .iter()
            .filter(|(_, cost)| **cost > 0)
            .filter_map(|(d, cost)| Some((d, *self.pool.get(d)? as f64 / *cost as f64)))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        let total = *self.pool.get(dim)? as f64;
        (total > 0.0).then(|| Price {
            total,
            per_participant: self.participant[dim] as f64,
            per_conference: self.conference.get(dim).copied().unwrap_or(0) as f64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document's TelePresence Server figures (its worked example 5.1).
    const TS: &str = r#"{"id":"58e26522","display_name":"HD TSs","alias":"7001@vc.example.com",
      "bridge_type":"tsmcu","bridge_capabilities":["multiscreen"],"max_screens":4,
      "pool_capacity":[{"dimension":"signalling","value":200},{"dimension":"media","value":30720},{"dimension":"licenses","value":30720}],
      "conference_cost":[{"dimension":"signalling","value":0},{"dimension":"media","value":0},{"dimension":"licences","value":0}],
      "participant_cost":[
        {"num_screens":1,"resources":[{"dimension":"signalling","value":1},{"dimension":"media","value":3072},{"dimension":"licenses","value":3840}]},
        {"num_screens":2,"resources":[{"dimension":"signalling","value":1},{"dimension":"media","value":4992},{"dimension":"licenses","value":5040}]}]}"#;

    /// The document's MCU with content (worked example 5.2).
    const MCU: &str = r#"{"alias":"meet.alice@cisco.com","bridge_type":"mcu",
      "pool_capacity":[{"dimension":"ports","value":80}],
      "conference_cost":[{"dimension":"ports","value":1}],
      "participant_cost":[{"num_screens":1,"resources":[{"dimension":"ports","value":1}]}]}"#;

    fn r(pairs: &[(&str, i64)]) -> Resources {
        pairs.iter().map(|(d, n)| (d.to_string(), *n)).collect()
    }

    #[test]
    fn limits_are_the_documents_examples() {
        let ts = ServiceCost::parse(TS).unwrap();
        let mcu = ServiceCost::parse(MCU).unwrap();
        let table = [
            (
                "4 single-screen on a TS",
                &ts,
                4,
                r(&[("licences", 15360), ("media", 12288), ("signalling", 4)]),
            ),
            (
                "4 single-screen on an MCU with content",
                &mcu,
                4,
                r(&[("ports", 5)]),
            ),
            ("an empty MCU conference", &mcu, 0, r(&[("ports", 1)])),
        ];
        for (name, cost, n, want) in table {
            assert_eq!(cost.limits(n), want, "{name}");
        }
    }

    #[test]
    fn the_planner_counts_the_dimension_that_runs_out_first() {
        // 30720 licences / 3840 = 8 participants, before media (10) or signalling (200).
        let ts = ServiceCost::parse(TS).unwrap().price().unwrap();
        assert_eq!(
            (ts.total, ts.per_participant, ts.per_conference),
            (30720.0, 3840.0, 0.0)
        );
        let mcu = ServiceCost::parse(MCU).unwrap().price().unwrap();
        assert_eq!(
            (mcu.total, mcu.per_participant, mcu.per_conference),
            (80.0, 1.0, 1.0)
        );
    }

    #[test]
    fn refuses_what_cannot_be_priced() {
        assert!(ServiceCost::parse("{").is_err());
        assert!(ServiceCost::parse(r#"{"pool_capacity":[]}"#).is_err());
        let free = ServiceCost::parse(
            r#"{"pool_capacity":[{"dimension":"ports","value":80}],"participant_cost":[]}"#,
        )
        .unwrap();
        assert_eq!(free.price(), None);
    }
}
