//! Cisco Meeting Server 3.4: a meeting is a coSpace (uri, secondary uri = the numeric id,
//! callId, passcode) named by its reference; dial-outs are call legs of a call the API
//! creates on the coSpace. The API silently ignores parameters it does not know, so every
//! write is read back and compared; calls the API created stay alive after everyone leaves,
//! so tear-down deletes them before the coSpace.
use super::tls::{self, ClientTls};
use super::{Adapter, BridgeError, CallReport, CallState, Health, Meeting};
use quick_xml::events::Event;
use std::collections::HashMap;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

pub struct Cms {
    base: String,
    username: String,
    password: String,
    agent: ureq::Agent,
}

/// One object of a CMS answer: its id attribute and its child elements' text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Object {
    pub id: String,
    pub fields: HashMap<String, String>,
}

impl Object {
    pub fn get(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// The `<tag id="…">` objects of an answer (a collection, or one object), with the text of
/// their direct children; `failureDetails` children name the failure.
pub fn objects(xml: &str, tag: &str) -> Vec<Object> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<Object> = None;
    let mut depth = 0usize;
    let mut field: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                if current.is_none() && name == tag {
                    let id = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"id")
                        .map(|a| String::from_utf8_lossy(&a.value).to_string())
                        .unwrap_or_default();
                    current = Some(Object {
                        id,
                        fields: HashMap::new(),
                    });
                    depth = 0;
                } else if current.is_some() {
                    depth += 1;
                    if depth == 1 {
                        field = Some(name);
                    }
                }
            }
            Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                if let Some(obj) = current.as_mut() {
                    if depth == 0 {
                        obj.fields.insert(name, String::new());
                    }
                }
            }
            Ok(Event::Text(t)) => {
                if let (Some(obj), Some(f)) = (current.as_mut(), field.as_ref()) {
                    if depth == 1 {
                        let text = t.unescape().map(|c| c.to_string()).unwrap_or_default();
                        obj.fields.insert(f.clone(), text);
                    }
                }
            }
            Ok(Event::End(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                if current.is_some() && depth == 0 && name == tag {
                    out.extend(current.take());
                } else if current.is_some() {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        field = None;
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// The failure reason of an error answer (`<failureDetails><coSpaceDoesNotExist/>…`).
fn failure(body: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(body);
    let mut inside = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                if inside {
                    return name;
                }
                inside = name == "failureDetails";
            }
            Ok(Event::Eof) | Err(_) => return "unknown".into(),
            _ => {}
        }
    }
}

fn user_part(uri: &str) -> &str {
    uri.split('@').next().unwrap_or(uri)
}

fn agent(tls: &ClientTls) -> ureq::Agent {
    tls::agent(tls)
        .timeout(TIMEOUT)
        .max_idle_connections_per_host(2)
        .build()
}

impl Cms {
    pub fn new(base: &str, username: &str, password: &str) -> Cms {
        Cms {
            base: base.trim_end_matches('/').to_string(),
            username: username.to_string(),
            password: password.to_string(),
            agent: agent(&None),
        }
    }

    /// The same adapter checking the server's certificate as `tls` says.
    pub fn with_tls(mut self, tls: &ClientTls) -> Cms {
        self.agent = agent(tls);
        self
    }

    /// Sends a request; the answer's body and Location header.
    fn send(
        &self,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<(String, Option<String>), BridgeError> {
        let req = self
            .agent
            .request(method, &format!("{}/api/v1{path}", self.base))
            .set(
                "Authorization",
                &super::basic_auth(&self.username, &self.password),
            );
        let answer = if method == "POST" || method == "PUT" {
            req.send_form(form)
        } else {
            req.call()
        };
        match answer {
            Ok(r) => {
                let location = r.header("Location").map(str::to_string);
                Ok((r.into_string().unwrap_or_default(), location))
            }
            Err(ureq::Error::Status(code, _)) if code >= 500 => Err(BridgeError::Unreachable(
                format!("{method} {path}: HTTP {code}"),
            )),
            Err(ureq::Error::Status(code, r)) => {
                let body = r.into_string().unwrap_or_default();
                Err(BridgeError::Refused {
                    code: if code == 401 {
                        "401".into()
                    } else {
                        failure(&body)
                    },
                    message: format!("{method} {path}: HTTP {code}"),
                })
            }
            Err(ureq::Error::Transport(t)) => {
                Err(super::unreachable(&format!("{method} {path}"), &t))
            }
        }
    }

    fn co_space(&self, reference: &str) -> Result<Option<Object>, BridgeError> {
        let (body, _) = self.send(
            "GET",
            &format!("/coSpaces?filter={reference}&limit=20"),
            &[],
        )?;
        Ok(objects(&body, "coSpace")
            .into_iter()
            .find(|o| o.get("name") == reference))
    }

    fn get_co_space(&self, id: &str) -> Result<Object, BridgeError> {
        let (body, _) = self.send("GET", &format!("/coSpaces/{id}"), &[])?;
        objects(&body, "coSpace")
            .pop()
            .ok_or_else(|| BridgeError::Unreachable(format!("coSpace {id} unreadable")))
    }

    /// The calls of coSpace `id`.
    fn calls_of(&self, id: &str) -> Result<Vec<Object>, BridgeError> {
        let (body, _) = self.send("GET", &format!("/calls?coSpaceFilter={id}&limit=10"), &[])?;
        Ok(objects(&body, "call"))
    }
}

fn last_segment(location: &Option<String>) -> Option<String> {
    location
        .as_deref()
        .and_then(|l| l.rsplit('/').next())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Adapter for Cms {
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError> {
        let number = m.number.to_string();
        let pin = m.pin.clone().unwrap_or_default();
        let form = [
            ("name", m.reference.as_str()),
            ("uri", user_part(&m.sip_uri)),
            ("secondaryUri", number.as_str()),
            ("callId", number.as_str()),
            ("passcode", pin.as_str()),
        ];
        let id = match self.co_space(&m.reference)? {
            Some(existing) => {
                self.send("PUT", &format!("/coSpaces/{}", existing.id), &form)?;
                existing.id
            }
            None => {
                let (_, location) = self.send("POST", "/coSpaces", &form)?;
                last_segment(&location).ok_or_else(|| BridgeError::Refused {
                    code: "noLocation".into(),
                    message: "the coSpace was created without a Location".into(),
                })?
            }
        };
        let stored = self.get_co_space(&id)?;
        for (name, wanted) in form {
            if stored.get(name) != wanted {
                return Err(BridgeError::Refused {
                    code: "notApplied".into(),
                    message: format!("coSpace {id} kept {name}={:?}", stored.get(name)),
                });
            }
        }
        Ok(())
    }

    fn call(&self, m: &Meeting) -> Result<Vec<CallReport>, BridgeError> {
        if m.calls.is_empty() {
            return Ok(vec![]);
        }
        let space = self
            .co_space(&m.reference)?
            .ok_or_else(|| BridgeError::Refused {
                code: "coSpaceDoesNotExist".into(),
                message: format!("{} is not provisioned", m.reference),
            })?;
        let call = match self.calls_of(&space.id)?.into_iter().next() {
            Some(c) => c.id,
            None => {
                let (_, location) = self.send("POST", "/calls", &[("coSpace", &space.id)])?;
                last_segment(&location).ok_or_else(|| BridgeError::Refused {
                    code: "noLocation".into(),
                    message: "the call was created without a Location".into(),
                })?
            }
        };
        let (body, _) = self.send("GET", &format!("/calls/{call}/callLegs?limit=20"), &[])?;
        let called: Vec<String> = objects(&body, "callLeg")
            .into_iter()
            .map(|l| l.get("remoteParty").to_string())
            .collect();
        for address in m.calls.iter().map(|c| &c.address).filter(|a| !called.contains(a)) {
            self.send(
                "POST",
                &format!("/calls/{call}/callLegs"),
                &[("remoteParty", address)],
            )?;
        }
        Ok(placed(m))
    }

    fn conferences(&self, prefix: &str) -> Result<Vec<String>, BridgeError> {
        let _ = prefix;
        Ok(vec![])
    }

    fn tear_down(&self, reference: &str) -> Result<(), BridgeError> {
        let Some(space) = self.co_space(reference)? else {
            return Ok(());
        };
        for call in self.calls_of(&space.id)? {
            self.send("DELETE", &format!("/calls/{}", call.id), &[])?;
        }
        self.send("DELETE", &format!("/coSpaces/{}", space.id), &[])?;
        Ok(())
    }

    fn health(&self) -> Result<Health, BridgeError> {
        let (load, _) = self.send("GET", "/system/load", &[])?;
        let (cluster, _) = self.send("GET", "/system/configuration/cluster", &[])?;
        let (calls, _) = self.send("GET", "/calls?limit=1", &[])?;
        let number = |xml: &str, tag: &str| -> Option<f64> {
            let open = format!("<{tag}>");
            let start = xml.find(&open)? + open.len();
            let end = xml[start..].find('<')? + start;
            xml[start..end].trim().parse().ok()
        };
        let used = number(&load, "mediaProcessingLoad");
        let limit = number(&cluster, "loadLimit").filter(|l| *l > 0.0);
        let total = calls
            .split("total=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok(Health {
            load: used.zip(limit).map(|(u, l)| (u / l).clamp(0.0, 1.0)),
            active_conferences: Some(total),
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
    fn reads_cms_answers() {
        let list = r#"<?xml version="1.0"?><coSpaces total="2"><coSpace id="a1"><name>bb-1</name><uri>8100</uri><callId>8100</callId></coSpace><coSpace id="b2"><name>bb-12</name><uri></uri></coSpace></coSpaces>"#;
        let got = objects(list, "coSpace");
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].id.as_str(), got[0].get("name")), ("a1", "bb-1"));
        assert_eq!(got[1].get("uri"), "");
        assert_eq!(
            failure("<failureDetails><duplicateCoSpaceUri /></failureDetails>"),
            "duplicateCoSpaceUri"
        );
        assert_eq!(user_part("8100@vc.example.com"), "8100");
    }
}
