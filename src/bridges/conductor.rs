//! Cisco TelePresence Conductor XC4.3.1: XML-RPC at /RPC2 with the credentials in every
//! call. A meeting is a conference made by `factory.conferencecreate` on the meeting's alias,
//! displayed under its reference, so it is found again among `conference.enumerate`'s
//! conferences (Conductor names a conference "<display name> <6 digits>"). Failures come
//! as faults and also as replies with status "error" and an info text; both are mapped, and a
//! create that finds the conference already running is success.
use super::xmlrpc::{members, method_call, parse_response, Value};
use super::{Adapter, BridgeError, Health, Meeting};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

pub struct Conductor {
    url: String,
    username: String,
    password: String,
    agent: ureq::Agent,
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

impl Conductor {
    pub fn new(base: &str, username: &str, password: &str) -> Conductor {
        Conductor {
            url: format!("{}/RPC2", base.trim_end_matches('/')),
            username: username.to_string(),
            password: password.to_string(),
            // Conductor allows one connection per API client.
            agent: ureq::AgentBuilder::new()
                .timeout(TIMEOUT)
                .max_idle_connections_per_host(1)
                .build(),
        }
    }

    /// A call, with in-band "error" replies turned into errors.
    fn call(&self, method: &str, params: Vec<(&str, Value)>) -> Result<Value, BridgeError> {
        let mut all = vec![
            ("authenticationUser", Value::Str(self.username.clone())),
            ("authenticationPassword", Value::Str(self.password.clone())),
        ];
        all.extend(params);
        let answer = self
            .agent
            .post(&self.url)
            .set("Content-Type", "text/xml")
            .send_string(&method_call(method, &members(all)));
        let text = match answer {
            Ok(r) => r.into_string().unwrap_or_default(),
            Err(ureq::Error::Status(code, _)) => {
                return Err(BridgeError::Unreachable(format!("{method}: HTTP {code}")))
            }
            Err(ureq::Error::Transport(t)) => {
                return Err(BridgeError::Unreachable(format!("{method}: {}", t.kind())))
            }
        };
        let v = parse_response(&text).map_err(|(code, s)| BridgeError::Refused {
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

    fn find(&self, reference: &str) -> Result<Option<(String, String)>, BridgeError> {
        let all = self.call("conference.enumerate", vec![])?;
        Ok(all.array("conferences").iter().find_map(|c| {
            let name = c.str("conferenceName")?;
            named_for(name, reference).then(|| {
                (
                    name.to_string(),
                    c.str("factoryConferenceId").unwrap_or("").to_string(),
                )
            })
        }))
    }
}

impl Adapter for Conductor {
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError> {
        let minutes = (m.end - m.start).num_minutes().max(1);
        let pin = m.pin.clone().unwrap_or_default();
        if let Some((name, _)) = self.find(&m.reference)? {
            self.call(
                "factory.conferencemodify",
                vec![
                    ("conferenceName", Value::Str(name)),
                    ("factoryOverridePIN", Value::Str(pin)),
                    ("factoryMaxDurationMinutes", Value::Int(minutes)),
                ],
            )?;
            return Ok(());
        }
        let created = self.call(
            "factory.conferencecreate",
            vec![
                ("conferenceAlias", Value::Str(m.sip_uri.clone())),
                ("factoryOverridePIN", Value::Str(pin)),
                ("factoryMaxDurationMinutes", Value::Int(minutes)),
                (
                    "factoryOverrideConferenceDisplayName",
                    Value::Str(m.reference.clone()),
                ),
            ],
        );
        match created {
            Ok(_) => Ok(()),
            Err(BridgeError::Refused { message, .. }) if already_running(&message) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn dial_out(&self, m: &Meeting) -> Result<(), BridgeError> {
        if m.dial_out.is_empty() {
            return Ok(());
        }
        let (name, id) = self
            .find(&m.reference)?
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
        for address in m.dial_out.iter().filter(|a| !called.contains(&a.as_str())) {
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
        Ok(())
    }

    fn tear_down(&self, reference: &str) -> Result<(), BridgeError> {
        let Some((name, _)) = self.find(reference)? else {
            return Ok(());
        };
        match self.call(
            "conference.destroy",
            vec![("conferenceName", Value::Str(name))],
        ) {
            Err(BridgeError::Refused { code, .. }) if code == "4" => Ok(()),
            other => other.map(|_| ()),
        }
    }

    fn health(&self) -> Result<Health, BridgeError> {
        self.call("factory.health.query", vec![])?;
        let all = self.call("conference.enumerate", vec![])?;
        Ok(Health {
            load: None,
            active_conferences: all.array("conferences").len() as u32,
        })
    }
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
