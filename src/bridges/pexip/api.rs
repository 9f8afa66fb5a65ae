//! The Management API over HTTP: Basic auth on every request, one request at a time per
//! Management Node, JSON in and out (commands form-encoded, as the guide sends them), lists
//! followed page by page through `meta.next`, and failures mapped to [`BridgeError`] without
//! ever carrying the password. Line numbers ("l.NNN") are those of
//! `shared/spec/pexip-infinity-management-api-v14.txt`.
use crate::bridges::tls::ClientTls;
use crate::bridges::BridgeError;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Lists are read in the default pages of 20 (l.2071): the guide warns that large pages
/// load the Management Node (l.2087). This many pages is far beyond any list the adapter
/// reads; it only stops a server that keeps answering the same `next` for ever.
const MAX_PAGES: usize = 10_000;

/// Where the next page of a list is read.
enum Next {
    Offset(usize),
    Link(String),
}

/// A request body: configuration takes JSON objects (l.322), the commands' examples send
/// form fields (`data={...}`, l.1764).
enum Body<'a> {
    Json(&'a Value),
    Form(&'a [(&'a str, &'a str)]),
}

pub struct Api {
    base: String,
    authorization: String,
    password: String,
    agent: ureq::Agent,
    gate: Arc<Mutex<()>>,
}

/// The Management Node serialises API access behind its database lock and asks clients
/// not to run requests concurrently; adapters are built per job, so the queue is shared
/// by every adapter that talks to the same node.
fn gate(base: &str) -> Arc<Mutex<()>> {
    static GATES: OnceLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = OnceLock::new();
    let mut gates = GATES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    gates.entry(base.to_string()).or_default().clone()
}

pub fn agent(timeout: Duration, tls: &ClientTls) -> ureq::Agent {
    crate::bridges::tls::agent(tls)
        .timeout(timeout)
        .timeout_connect(timeout)
        .redirects(0)
        .build()
}

/// The path of a URI the API gave, absolute (a Location header) or relative.
pub fn path_of(uri: &str) -> String {
    match uri.find("://") {
        Some(i) => {
            let rest = &uri[i + 3..];
            rest.find('/').map_or("/".into(), |p| rest[p..].to_string())
        }
        None => uri.to_string(),
    }
}

impl Api {
    pub fn new(base: &str, username: &str, password: &str, agent: ureq::Agent) -> Api {
        let base = base.trim_end_matches('/').to_string();
        Api {
            gate: gate(&base),
            base,
            authorization: crate::bridges::basic_auth(username, password),
            password: password.to_string(),
            agent,
        }
    }

    fn scrub(&self, text: &str) -> String {
        let text: String = text.chars().take(400).collect();
        if self.password.is_empty() {
            text
        } else {
            text.replace(&self.password, "********")
        }
    }

    /// Sends one request; answers 2xx and 404 (which callers interpret), maps the rest.
    fn send(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Body>,
    ) -> Result<(u16, Option<String>, String), BridgeError> {
        let mut req = self
            .agent
            .request(method, &format!("{}{path}", self.base))
            .set("Authorization", &self.authorization)
            .set("Accept", "application/json");
        for (k, v) in query {
            req = req.query(k, v);
        }
        let _turn = self.gate.lock().unwrap_or_else(|p| p.into_inner());
        let sent = match body {
            Some(Body::Json(b)) => req
                .set("Content-Type", "application/json")
                .send_string(&b.to_string()),
            Some(Body::Form(fields)) => req.send_form(fields),
            None => req.call(),
        };
        let what = format!("{method} {path}");
        let response = match sent {
            Ok(r) => r,
            Err(ureq::Error::Status(code, r)) => {
                let text = r.into_string().unwrap_or_default();
                return match code {
                    404 => Ok((404, None, text)),
                    401 | 403 => Err(BridgeError::Refused {
                        code: code.to_string(),
                        message: format!("{what}: the Management Node refused the credentials"),
                    }),
                    500.. => Err(BridgeError::Unreachable(
                        self.scrub(&format!("{what}: HTTP {code}: {}", text.trim())),
                    )),
                    _ => Err(BridgeError::Refused {
                        code: code.to_string(),
                        message: self.scrub(&format!("{what}: {}", text.trim())),
                    }),
                };
            }
            Err(ureq::Error::Transport(t)) => return Err(crate::bridges::unreachable(&what, &t)),
        };
        let code = response.status();
        let location = response.header("location").map(path_of);
        let text = response
            .into_string()
            .map_err(|e| BridgeError::Unreachable(self.scrub(&format!("{what}: {e}"))))?;
        if !(200..300).contains(&code) {
            return Err(BridgeError::Refused {
                code: code.to_string(),
                message: self.scrub(&format!("{what}: unexpected HTTP {code}")),
            });
        }
        Ok((code, location, text))
    }

    fn parse(&self, path: &str, text: &str) -> Result<Value, BridgeError> {
        serde_json::from_str(text)
            .map_err(|_| BridgeError::Unreachable(format!("GET {path}: the answer is not JSON")))
    }

    /// One object; None when the API has no such object.
    pub fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Option<Value>, BridgeError> {
        match self.send("GET", path, query, None)? {
            (404, _, _) => Ok(None),
            (_, _, text) => self.parse(path, &text).map(Some),
        }
    }

    /// Every object of a collection matching `query`, page after page. The guide pages by
    /// `offset` (l.2071-2076) against `meta.total_count` (l.1272-1278): each next page
    /// starts where the objects read so far end. `meta.next` is only ever shown null, so
    /// it is followed only by a server that gives no total.
    pub fn list(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<Value>, BridgeError> {
        let missing = || BridgeError::Refused {
            code: "404".into(),
            message: format!("GET {path}: no such collection"),
        };
        let mut page = self.get(path, query)?.ok_or_else(missing)?;
        let mut out = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for _ in 0..MAX_PAGES {
            let objects = page["objects"].as_array().cloned().unwrap_or_default();
            if objects.is_empty() {
                return Ok(out);
            }
            out.extend(objects);
            let next = match page["meta"]["total_count"].as_u64() {
                Some(total) if (out.len() as u64) < total => Next::Offset(out.len()),
                Some(_) => return Ok(out),
                None => match page["meta"]["next"].as_str() {
                    Some(n) if !n.is_empty() && !seen.iter().any(|s| s == n) => {
                        seen.push(n.to_string());
                        Next::Link(path_of(n))
                    }
                    _ => return Ok(out),
                },
            };
            page = match next {
                Next::Offset(offset) => {
                    let offset = offset.to_string();
                    let mut q: Vec<(&str, &str)> = query
                        .iter()
                        .filter(|(k, _)| *k != "offset")
                        .copied()
                        .collect();
                    q.push(("offset", &offset));
                    self.get(path, &q)?
                }
                Next::Link(at) => self.get(&at, &[])?,
            }
            .ok_or_else(missing)?;
        }
        Ok(out)
    }

    /// Creates an object; answers the new object's path from the Location header.
    pub fn post(&self, path: &str, body: &Value) -> Result<Option<String>, BridgeError> {
        match self.send("POST", path, &[], Some(Body::Json(body)))? {
            (404, _, _) => Err(BridgeError::Refused {
                code: "404".into(),
                message: format!("POST {path}: no such collection"),
            }),
            (_, location, _) => Ok(location),
        }
    }

    pub fn patch(&self, path: &str, body: &Value) -> Result<(), BridgeError> {
        match self.send("PATCH", path, &[], Some(Body::Json(body)))? {
            (404, _, _) => Err(BridgeError::Refused {
                code: "404".into(),
                message: format!("PATCH {path}: the object is gone"),
            }),
            _ => Ok(()),
        }
    }

    /// Deletes one object; an object already gone is fine.
    pub fn delete(&self, path: &str) -> Result<(), BridgeError> {
        // DELETE on a collection root removes every object in it.
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if last.is_empty() || !last.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BridgeError::Refused {
                code: "client".into(),
                message: format!("refusing DELETE {path}: it does not name one object"),
            });
        }
        self.send("DELETE", path, &[], None).map(|_| ())
    }

    /// Runs a command with form fields, as the guide's examples send them (l.1764); answers
    /// its `data` when its `status` is "success". A command that ran and failed
    /// (`"status": "error"` with a `message`, l.1731-1736) is refused with code "error"; a
    /// request the command cannot take is refused with its HTTP status.
    pub fn command(&self, path: &str, fields: &[(&str, &str)]) -> Result<Value, BridgeError> {
        let (code, _, text) = self.send("POST", path, &[], Some(Body::Form(fields)))?;
        let reply: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if code == 404 {
            return Err(BridgeError::Refused {
                code: "404".into(),
                message: format!("POST {path}: no such command"),
            });
        }
        if reply["status"].as_str() == Some("success") {
            return Ok(reply["data"].clone());
        }
        let message = reply["message"]
            .as_str()
            .or(reply["error"].as_str())
            .filter(|m| !m.is_empty())
            .unwrap_or("the command failed without a message");
        Err(BridgeError::Refused {
            code: "error".into(),
            message: self.scrub(message),
        })
    }
}
