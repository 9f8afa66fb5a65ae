//! Cisco TelePresence Conductor XC4.3.1: XML-RPC at /RPC2 with the credentials in every
//! call, and the Capacity Management REST API (ServiceCost) with Basic auth. A meeting is a
//! conference made by `factory.conferencecreate` on the meeting's alias, displayed under its
//! reference, so it is known again by its name (Conductor names a conference "<display name>
//! <6 digits>"). Failures come as faults and also as replies with status "error" and an info
//! text; both are mapped. A create that finds the alias running under our reference is
//! success, and the create goes first, so provisioning needs no enumeration (which fans out
//! to every bridge behind the Conductor).
//!
//! The document asks for one connection per client, one request at a time, keep-alive, at
//! most 2 creates, 8 joins and 8 polls a second, and no status query more often than every
//! 5 minutes; this adapter keeps one kept-alive connection, serialises its requests, paces
//! creates, joins and enumerations, and answers health from `device.query`.
use super::pace::Throttle;
use super::service_cost::ServiceCost;
use super::tls::{self, ClientTls};
use super::xmlrpc::{members, method_call, parse_response, Value};
use super::{Adapter, BridgeError, CallReport, CallState, Health, Meeting, Price};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);
/// ServiceCost is computed from configuration, so it is asked again only this often.
const PRICE_LIFETIME: Duration = Duration::from_secs(600);

pub struct Conductor {
    base: String,
    username: String,
    password: String,
    agent: ureq::Agent,
    /// Held for the length of a request: one at a time.
    turn: Mutex<()>,
    creates: Throttle,
    joins: Throttle,
    polls: Throttle,
    price: Mutex<Option<(Instant, ServiceCost)>>,
}

/// Whether an in-band error reply says the conference exists already.
pub fn already_running(info: &str) -> bool {
    let info = info.to_ascii_lowercase();
    info.contains("already") && (info.contains("exist") || info.contains("running"))
}

/// The conference named for display `reference` among Conductor's names
/// ("<display name> <6 digits>").
pub fn named_for(conference_name: &str, reference: &str) -> bool {
    conference_name
        .strip_prefix(reference)
        .and_then(|rest| rest.strip_prefix(' '))
        .is_some_and(|digits| digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()))
}

fn transport(what: &str, e: ureq::Error) -> BridgeError {
    match e {
        ureq::Error::Status(code, _) => BridgeError::Unreachable(format!("{what}: HTTP {code}")),
        ureq::Error::Transport(t) => super::unreachable(what, &t),
    }
}

/// `factoryResourceLimits` as the create takes it.
fn resource_limits(cost: &ServiceCost, participants: u32) -> Value {
    Value::Struct(
        cost.limits(participants)
            .into_iter()
            .map(|(d, n)| (d, Value::Int(n)))
            .collect(),
    )
}

/// One kept-alive connection.
fn agent(tls: &ClientTls) -> ureq::Agent {
    tls::agent(tls)
        .timeout(TIMEOUT)
        .max_idle_connections(1)
        .max_idle_connections_per_host(1)
        .build()
}

impl Conductor {
    pub fn new(base: &str, username: &str, password: &str) -> Conductor {
        Conductor {
            base: base.trim_end_matches('/').to_string(),
            username: username.to_string(),
            password: password.to_string(),
            agent: agent(&None),
            turn: Mutex::new(()),
            creates: Throttle::per_second(2.0),
            joins: Throttle::per_second(8.0),
            polls: Throttle::per_second(8.0),
            price: Mutex::new(None),
        }
    }

    /// The same adapter checking the server's certificate as `tls` says.
    pub fn with_tls(mut self, tls: &ClientTls) -> Conductor {
        self.agent = agent(tls);
        self
    }

    /// A call, with in-band "error" replies turned into errors.
    fn call(&self, method: &str, params: Vec<(&str, Value)>) -> Result<Value, BridgeError> {
        match method {
            "factory.conferencecreate" => self.creates.wait(),
            "participant.add" => self.joins.wait(),
            "conference.enumerate" | "participant.enumerate" => self.polls.wait(),
            _ => {}
        }
        let mut all = vec![
            ("authenticationUser", Value::Str(self.username.clone())),
            ("authenticationPassword", Value::Str(self.password.clone())),
        ];
        all.extend(params);
        let answer = {
            let _turn = self.turn.lock().unwrap_or_else(|p| p.into_inner());
            self.agent
                .post(&format!("{}/RPC2", self.base))
                .set("Content-Type", "text/xml")
                .send_string(&method_call(method, &members(all)))
                .map_err(|e| transport(method, e))?
                .into_string()
                .unwrap_or_default()
        };
        let v = parse_response(&answer).map_err(|(code, s)| BridgeError::Refused {
            code: code.to_string(),
            message: format!("{method}: {s}"),
        })?;
        if v.str("status").map(str::trim) == Some("error") {
            return Err(BridgeError::Refused {
                code: v.str("faultCode").unwrap_or("error").to_string(),
                message: format!("{method}: {}", v.str("info").unwrap_or("")),
            });
        }
        Ok(v)
    }

    /// ServiceCost of `alias`, remembered for a while.
    fn service_cost(&self, alias: &str) -> Result<ServiceCost, BridgeError> {
        let mut price = self.price.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, cost)) = price.as_ref() {
            if at.elapsed() < PRICE_LIFETIME {
                return Ok(cost.clone());
            }
        }
        let what = "GET servicecost";
        let url = format!("{}/api/4.0/servicecost/{}", self.base, urlencoding(alias));
        let answer = {
            let _turn = self.turn.lock().unwrap_or_else(|p| p.into_inner());
            self.agent
                .get(&url)
                .set(
                    "Authorization",
                    &super::basic_auth(&self.username, &self.password),
                )
                .call()
        };
        let body = match answer {
            Ok(r) => r.into_string().unwrap_or_default(),
            Err(ureq::Error::Status(code, r)) if code < 500 => {
                let body: serde_json::Value =
                    serde_json::from_str(&r.into_string().unwrap_or_default()).unwrap_or_default();
                return Err(BridgeError::Refused {
                    code: body["error_code"].as_str().unwrap_or("").to_string(),
                    message: format!(
                        "{what}: HTTP {code} {}",
                        body["message"].as_str().unwrap_or("")
                    ),
                });
            }
            Err(e) => return Err(transport(what, e)),
        };
        let cost = ServiceCost::parse(&body).map_err(|e| BridgeError::Refused {
            code: "ServiceParams".into(),
            message: e,
        })?;
        *price = Some((Instant::now(), cost.clone()));
        Ok(cost)
    }

    /// Our conference for `reference` among all of them: (conferenceName, factoryConferenceId).
    fn find(&self, reference: &str) -> Result<Vec<(String, String)>, BridgeError> {
        let all = self.call("conference.enumerate", vec![])?;
        Ok(all
            .array("conferences")
            .iter()
            .filter_map(|c| {
                let name = c.str("conferenceName")?;
                named_for(name, reference).then(|| {
                    (
                        name.to_string(),
                        c.str("factoryConferenceId").unwrap_or("").to_string(),
                    )
                })
            })
            .collect())
    }
}

/// The alias as one path segment.
fn urlencoding(alias: &str) -> String {
    alias
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Adapter for Conductor {
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError> {
        let minutes = (m.end - m.start).num_minutes().max(1);
        let pin = m.pin.clone().unwrap_or_default();
        let limits = resource_limits(&self.service_cost(&m.sip_uri)?, m.participants);
        let created = self.call(
            "factory.conferencecreate",
            vec![
                ("conferenceAlias", Value::Str(m.sip_uri.clone())),
                ("factoryOverridePIN", Value::Str(pin.clone())),
                ("factoryMaxDurationMinutes", Value::Int(minutes)),
                ("factoryResourceLimits", limits.clone()),
                (
                    "factoryOverrideConferenceDisplayName",
                    Value::Str(m.reference.clone()),
                ),
            ],
        );
        let Err(BridgeError::Refused { message, code }) = created else {
            return created.map(|_| ());
        };
        if !already_running(&message) {
            return Err(BridgeError::Refused { code, message });
        }
        // Running already: ours (an earlier try, or a change) is brought up to date; anyone
        // else's conference on our alias is a refusal, so the meeting moves elsewhere.
        let Some(name) = self
            .find(&m.reference)?
            .into_iter()
            .map(|(name, _)| name)
            .next()
        else {
            return Err(BridgeError::Refused {
                code: "alias".into(),
                message: format!("{} is in use by another conference", m.sip_uri),
            });
        };
        self.call(
            "factory.conferencemodify",
            vec![
                ("conferenceName", Value::Str(name)),
                ("factoryOverridePIN", Value::Str(pin)),
                ("factoryMaxDurationMinutes", Value::Int(minutes)),
                ("factoryResourceLimits", limits),
            ],
        )?;
        Ok(())
    }

    fn call(&self, m: &Meeting) -> Result<Vec<CallReport>, BridgeError> {
        if m.calls.is_empty() {
            return Ok(vec![]);
        }
        let (name, id) =
            self.find(&m.reference)?
                .into_iter()
                .next()
                .ok_or_else(|| BridgeError::Refused {
                    code: "4".into(),
                    message: format!("{} is not running", m.reference),
                })?;
        let present = self.call(
            "participant.enumerate",
            vec![("factoryConferenceIds", Value::Array(vec![Value::Str(id)]))],
        )?;
        let called: Vec<&str> = present
            .array("participants")
            .iter()
            .filter_map(|p| p.str("address"))
            .collect();
        for address in m.calls.iter().map(|c| &c.address).filter(|a| !called.contains(&a.as_str())) {
            self.call(
                "participant.add",
                vec![
                    ("conferenceName", Value::Str(name.clone())),
                    ("participantName", Value::Str(address.clone())),
                    ("address", Value::Str(address.clone())),
                    ("participantProtocol", Value::Str("sip".into())),
                ],
            )?;
        }
        Ok(placed(m))
    }

    fn conferences(&self, prefix: &str) -> Result<Vec<String>, BridgeError> {
        let _ = prefix;
        Ok(vec![])
    }

    /// Every conference under the reference goes (one left behind by an alias change too).
    fn tear_down(&self, reference: &str) -> Result<(), BridgeError> {
        for (name, _) in self.find(reference)? {
            match self.call(
                "conference.destroy",
                vec![("conferenceName", Value::Str(name))],
            ) {
                Err(BridgeError::Refused { code, .. }) if code == "4" => {}
                other => {
                    other?;
                }
            }
        }
        Ok(())
    }

    fn health(&self) -> Result<Health, BridgeError> {
        self.call("device.query", vec![])?;
        Ok(Health {
            load: None,
            active_conferences: None,
        })
    }

    fn price(&self, sample_alias: &str) -> Result<Option<Price>, BridgeError> {
        Ok(self.service_cost(sample_alias)?.price())
    }
}

/// Every call of `m` as placed: the family's adapter does not read call states back yet.
fn placed(m: &Meeting) -> Vec<CallReport> {
    m.calls
        .iter()
        .map(|c| CallReport {
            key: c.key.clone(),
            state: CallState::Calling,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_replies() {
        assert!(named_for("bb-12 123456", "bb-12"));
        assert!(!named_for("bb-123 123456", "bb-12"));
        assert!(!named_for("bb-12 12345", "bb-12"));
        assert!(already_running("Conference already exists"));
        assert!(!already_running("No capacity available"));
    }
}
