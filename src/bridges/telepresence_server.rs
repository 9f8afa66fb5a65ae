//! Cisco TelePresence Server 4.3 (remotely managed): XML-RPC at /RPC2 with the credentials
//! in every call. A meeting is a conference whose conferenceReference is the meeting's
//! reference, found again by enumerating before any create. Times are relative (startTime
//! and duration in seconds), and media credits round down to the device's levels, so the
//! credits sent are the level that covers the tokens.
use super::tls::{self, ClientTls};
use super::xmlrpc::{members, method_call, parse_response, Value};
use super::{Adapter, BridgeError, CallReport, CallState, Health, Meeting};
use chrono::Utc;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

/// The document's media credit levels (Table 5): a value between levels rounds down.
pub const CREDIT_LEVELS: [i64; 10] = [48, 315, 630, 840, 1260, 2520, 3780, 5040, 7560, 10080];

/// Tokens per participant for an HD call with content and audio: main video, extended
/// video (content), audio.
pub const TOKENS: (i64, i64, i64) = (1920, 1920, 96);

/// The smallest credit level that covers `tokens` (the largest level when none does).
pub fn credits_for(tokens: i64) -> i64 {
    CREDIT_LEVELS
        .iter()
        .copied()
        .find(|l| *l >= tokens)
        .unwrap_or(CREDIT_LEVELS[CREDIT_LEVELS.len() - 1])
}

pub struct TelePresenceServer {
    url: String,
    username: String,
    password: String,
    agent: ureq::Agent,
    /// Held for the length of a request: one at a time per device.
    turn: std::sync::Mutex<()>,
}

fn refused(code: i64, text: String) -> BridgeError {
    BridgeError::Refused {
        code: code.to_string(),
        message: text,
    }
}

/// The document asks for one low-concurrency client per device.
fn agent(tls: &ClientTls) -> ureq::Agent {
    tls::agent(tls)
        .timeout(TIMEOUT)
        .max_idle_connections_per_host(1)
        .build()
}

impl TelePresenceServer {
    pub fn new(base: &str, username: &str, password: &str) -> TelePresenceServer {
        TelePresenceServer {
            url: format!("{}/RPC2", base.trim_end_matches('/')),
            username: username.to_string(),
            password: password.to_string(),
            agent: agent(&None),
            turn: std::sync::Mutex::new(()),
        }
    }

    /// The same adapter checking the server's certificate as `tls` says.
    pub fn with_tls(mut self, tls: &ClientTls) -> TelePresenceServer {
        self.agent = agent(tls);
        self
    }

    fn call(&self, method: &str, params: Vec<(&str, Value)>) -> Result<Value, BridgeError> {
        let mut all = vec![
            ("authenticationUser", Value::Str(self.username.clone())),
            ("authenticationPassword", Value::Str(self.password.clone())),
        ];
        all.extend(params);
        let body = method_call(method, &members(all));
        let _turn = self.turn.lock().unwrap_or_else(|p| p.into_inner());
        let answer = self
            .agent
            .post(&self.url)
            .set("Content-Type", "text/xml")
            .send_string(&body);
        let text = match answer {
            Ok(r) => r.into_string().unwrap_or_default(),
            Err(ureq::Error::Status(code, _)) => {
                return Err(BridgeError::Unreachable(format!("{method}: HTTP {code}")))
            }
            Err(ureq::Error::Transport(t)) => return Err(super::unreachable(method, &t)),
        };
        parse_response(&text).map_err(|(code, s)| match code {
            // Busy, internal or generic failures are worth another try later.
            34 | 201 | 203 => BridgeError::Unreachable(format!("{method}: fault {code}: {s}")),
            _ => refused(code, format!("{method}: {s}")),
        })
    }

    /// The conference with this reference, enumerating page by page.
    fn find(&self, reference: &str) -> Result<Option<String>, BridgeError> {
        let mut cookie: Option<String> = None;
        loop {
            let mut params = vec![];
            if let Some(c) = &cookie {
                params.push(("cookie", Value::Str(c.clone())));
            }
            let page = self.call("flex.conference.enumerate", params)?;
            for c in page.array("conferences") {
                if c.str("conferenceReference") == Some(reference) {
                    return Ok(c.str("conferenceID").map(str::to_string));
                }
            }
            match (page.bool("moreAvailable"), page.str("cookie")) {
                (Some(true), Some(next)) => cookie = Some(next.to_string()),
                _ => return Ok(None),
            }
        }
    }
}

fn uris(m: &Meeting) -> Value {
    let mut uri = vec![("URI", Value::Str(m.number.to_string()))];
    if let Some(pin) = &m.pin {
        uri.push(("PIN", Value::Str(pin.clone())));
    }
    let sip = m.sip_uri.split('@').next().unwrap_or_default().to_string();
    let mut list = vec![members(uri)];
    if sip != m.number.to_string() {
        list.push(members(vec![("URI", Value::Str(sip))]));
    }
    Value::Array(list)
}

fn media() -> Value {
    let (main, extended, audio) = TOKENS;
    members(vec![
        (
            "mediaTokensMainVideo",
            members(vec![("total", Value::Int(main))]),
        ),
        (
            "mediaTokensExtendedVideo",
            members(vec![("total", Value::Int(extended))]),
        ),
        (
            "mediaTokensAudio",
            members(vec![("total", Value::Int(audio))]),
        ),
        (
            "numMediaCredits",
            Value::Int(credits_for(main + extended + audio)),
        ),
    ])
}

impl Adapter for TelePresenceServer {
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError> {
        let now = Utc::now();
        let duration = (m.end - m.start.max(now)).num_seconds().max(1);
        let mut settings = vec![
            (
                "conferenceName",
                Value::Str(m.title.chars().take(80).collect()),
            ),
            ("URIs", uris(m)),
            ("duration", Value::Int(duration)),
        ];
        if m.max_participants > 0 {
            settings.push(("maxParticipants", Value::Int(m.max_participants.into())));
        }
        match self.find(&m.reference)? {
            Some(id) => {
                settings.push(("conferenceID", Value::Str(id)));
                self.call("flex.conference.modify", settings)?;
            }
            None => {
                // startTime is the number of seconds to wait, not a clock time.
                let wait = (m.start - now).num_seconds().max(0);
                settings.extend([
                    ("conferenceReference", Value::Str(m.reference.clone())),
                    ("startTime", Value::Int(wait)),
                    ("participantMediaResources", media()),
                    ("waitForChair", Value::Bool(false)),
                ]);
                self.call("flex.conference.create", settings)?;
            }
        }
        Ok(())
    }

    fn call(&self, m: &Meeting) -> Result<Vec<CallReport>, BridgeError> {
        if m.calls.is_empty() {
            return Ok(vec![]);
        }
        let id = self
            .find(&m.reference)?
            .ok_or_else(|| refused(4, format!("{} is not provisioned", m.reference)))?;
        let existing = self.call(
            "flex.participant.enumerate",
            vec![("conferenceID", Value::Str(id.clone()))],
        )?;
        let called: Vec<&str> = existing
            .array("participants")
            .iter()
            .filter_map(|p| p.str("participantReference"))
            .collect();
        for address in m.calls.iter().map(|c| &c.address) {
            let reference = format!("{}/{address}", m.reference);
            if called.contains(&reference.as_str()) {
                continue;
            }
            self.call(
                "flex.participant.create",
                vec![
                    ("conferenceID", Value::Str(id.clone())),
                    ("participantReference", Value::Str(reference)),
                    (
                        "calls",
                        Value::Array(vec![members(vec![(
                            "address",
                            Value::Str(address.clone()),
                        )])]),
                    ),
                ],
            )?;
        }
        Ok(placed(m))
    }

    fn conferences(&self, prefix: &str) -> Result<Vec<String>, BridgeError> {
        let mut found = vec![];
        let mut cookie: Option<String> = None;
        loop {
            let mut params = vec![];
            if let Some(c) = &cookie {
                params.push(("cookie", Value::Str(c.clone())));
            }
            let page = self.call("flex.conference.enumerate", params)?;
            for c in page.array("conferences") {
                if let Some(r) = c.str("conferenceReference").filter(|r| r.starts_with(prefix)) {
                    found.push(r.to_string());
                }
            }
            match (page.bool("moreAvailable"), page.str("cookie")) {
                (Some(true), Some(next)) => cookie = Some(next.to_string()),
                _ => return Ok(found),
            }
        }
    }

    fn tear_down(&self, reference: &str) -> Result<(), BridgeError> {
        let Some(id) = self.find(reference)? else {
            return Ok(());
        };
        match self.call(
            "flex.conference.destroy",
            vec![("conferenceID", Value::Str(id))],
        ) {
            Ok(_) => Ok(()),
            // Gone in between: what tear-down wanted.
            Err(BridgeError::Refused { code, .. }) if code == "4" => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn health(&self) -> Result<Health, BridgeError> {
        // The flex API works only on a remotely managed server.
        let info = self.call("system.info", vec![])?;
        let mode = info.str("operationMode").unwrap_or("");
        if mode != "flexible" {
            return Err(BridgeError::Refused {
                code: "operationMode".into(),
                message: format!("system.info: operationMode is '{mode}', not 'flexible'"),
            });
        }
        let capacity = self.call("flex.resource.query", vec![])?;
        let status = self.call("flex.resource.status", vec![])?;
        let limit = capacity.int("maxMediaCredits").filter(|l| *l > 0);
        let used = status.int("allocatedMediaCredits");
        Ok(Health {
            load: used
                .zip(limit)
                .map(|(u, l)| (u as f64 / l as f64).clamp(0.0, 1.0)),
            active_conferences: status.int("numConferences").map(|n| n.max(0) as u32),
        })
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
    fn credits_cover_tokens_at_a_level() {
        let table = [
            (0, 48),
            (48, 48),
            (49, 315),
            (3936, 5040),
            (10080, 10080),
            (20000, 10080),
        ];
        for (tokens, want) in table {
            assert_eq!(credits_for(tokens), want, "{tokens}");
        }
    }
}
