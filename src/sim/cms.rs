//! A Cisco Meeting Server 3.4 simulator of the API parts bridgebook uses: coSpaces, calls
//! and their call legs, load and cluster configuration; Basic auth, form bodies (anything
//! else is the fronting web server's 502), unknown parameters ignored as the real API does
//! (and counted), uniqueness and digit rules answered with CMS failure reasons, API-created
//! calls that live until deleted, and fault knobs for tests.
use super::server::Running;
use actix_web::{web, HttpRequest, HttpResponse};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoSpace {
    pub id: String,
    pub name: String,
    pub uri: String,
    pub secondary_uri: String,
    pub call_id: String,
    pub passcode: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Call {
    pub id: String,
    pub co_space: String,
    /// Remote parties of its call legs.
    pub legs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    pub requests: u64,
    pub co_space_creates: u64,
    /// Form parameters the API does not know (the real server ignores them silently).
    pub unknown_parameters: u64,
}

#[derive(Debug, Default)]
pub struct State {
    pub co_spaces: Vec<CoSpace>,
    pub calls: Vec<Call>,
    pub counters: Counters,
    /// Answer 503 to everything.
    pub down: bool,
    /// Wait this long before answering.
    pub delay: std::time::Duration,
    /// Refuse every POST and PUT with this failureDetails reason (e.g. "tooManyCoSpaces").
    pub refuse_writes: Option<String>,
    pub load: f64,
    pub load_limit: f64,
    next_id: u64,
}

impl State {
    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.next_id)
    }
}

/// A running simulator; dropping it stops the server.
pub struct CmsSim {
    pub base: String,
    pub state: Arc<Mutex<State>>,
    running: Running,
}

struct Sim {
    state: Arc<Mutex<State>>,
    auth: String,
}

impl CmsSim {
    /// Serves on `listen` (e.g. "127.0.0.1:0") with these API credentials.
    pub fn start(listen: &str, username: &str, password: &str) -> std::io::Result<CmsSim> {
        let state = Arc::new(Mutex::new(State {
            load_limit: 10_000.0,
            ..State::default()
        }));
        let sim = web::Data::new(Sim {
            state: state.clone(),
            auth: crate::bridges::basic_auth(username, password),
        });
        let running = Running::start(listen, move |cfg| {
            cfg.app_data(sim.clone()).default_service(web::to(handle));
        })?;
        Ok(CmsSim {
            base: running.base.clone(),
            state,
            running,
        })
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Runs until the process is stopped (`bridgebook sim`).
    pub fn wait(mut self) {
        self.running.wait();
    }
}

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml")
        .body(format!("<?xml version=\"1.0\"?>{body}"))
}

fn failure(status: u16, reason: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or_default())
        .content_type("text/xml")
        .body(format!(
            "<?xml version=\"1.0\"?><failureDetails><{reason} /></failureDetails>"
        ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// application/x-www-form-urlencoded → pairs.
fn form(body: &[u8]) -> Vec<(String, String)> {
    super::form::parse_pairs(&String::from_utf8_lossy(body))
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    form(req.query_string().as_bytes()).into_iter().collect()
}

fn co_space_xml(c: &CoSpace) -> String {
    format!(
        "<coSpace id=\"{}\"><name>{}</name><uri>{}</uri><secondaryUri>{}</secondaryUri><callId>{}</callId><passcode>{}</passcode></coSpace>",
        c.id,
        escape(&c.name),
        escape(&c.uri),
        escape(&c.secondary_uri),
        escape(&c.call_id),
        escape(&c.passcode)
    )
}

/// Applies a coSpace form, or the CMS failure reason that refuses it.
fn apply(state: &mut State, c: &mut CoSpace, fields: &[(String, String)]) -> Result<(), String> {
    for (k, v) in fields {
        let digits = v.chars().all(|ch| ch.is_ascii_digit());
        match k.as_str() {
            "name" => c.name = v.clone(),
            "uri" | "secondaryUri" => {
                let taken = state.co_spaces.iter().any(|o| {
                    o.id != c.id && !v.is_empty() && (o.uri == *v || o.secondary_uri == *v)
                });
                if taken {
                    return Err("duplicateCoSpaceUri".into());
                }
                if k == "uri" {
                    c.uri = v.clone();
                } else {
                    c.secondary_uri = v.clone();
                }
            }
            "callId" => {
                if !digits || v.len() > 200 {
                    return Err("parameterError".into());
                }
                if state
                    .co_spaces
                    .iter()
                    .any(|o| o.id != c.id && !v.is_empty() && o.call_id == *v)
                {
                    return Err("duplicateCoSpaceId".into());
                }
                c.call_id = v.clone();
            }
            "passcode" => {
                if !digits || v.len() > 63 {
                    return Err("parameterError".into());
                }
                c.passcode = v.clone();
            }
            _ => state.counters.unknown_parameters += 1,
        }
    }
    Ok(())
}

async fn handle(req: HttpRequest, body: web::Bytes, sim: web::Data<Sim>) -> HttpResponse {
    let delay = sim.state.lock().unwrap_or_else(|p| p.into_inner()).delay;
    if !delay.is_zero() {
        actix_web::rt::time::sleep(delay).await;
    }
    let mut state = sim.state.lock().unwrap_or_else(|p| p.into_inner());
    state.counters.requests += 1;
    if state.down {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let authorized = req
        .headers()
        .get("Authorization")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| h == sim.auth);
    if !authorized {
        return HttpResponse::Unauthorized().finish();
    }
    let method = req.method().as_str().to_string();
    if (method == "POST" || method == "PUT")
        && !req
            .headers()
            .get("Content-Type")
            .and_then(|h| h.to_str().ok())
            .is_some_and(|h| h.starts_with("application/x-www-form-urlencoded"))
    {
        return HttpResponse::BadGateway()
            .content_type("text/html")
            .body("<html><body><h1>Proxy Error</h1></body></html>");
    }
    if let (Some(reason), "POST" | "PUT") = (&state.refuse_writes, method.as_str()) {
        return failure(400, reason);
    }
    let Some(path) = req.path().strip_prefix("/api/v1/") else {
        return failure(400, "invalidVersion");
    };
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let q = query(&req);
    let fields = form(&body);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["coSpaces"]) => {
            let filter = q.get("filter").cloned().unwrap_or_default().to_lowercase();
            let matching: Vec<&CoSpace> = state
                .co_spaces
                .iter()
                .filter(|c| c.name.to_lowercase().contains(&filter))
                .collect();
            let limit = q
                .get("limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(20usize)
                .min(20);
            let offset = q
                .get("offset")
                .and_then(|o| o.parse().ok())
                .unwrap_or(0usize);
            let page: String = matching
                .iter()
                .skip(offset)
                .take(limit)
                .map(|c| co_space_xml(c))
                .collect();
            xml(format!(
                "<coSpaces total=\"{}\">{page}</coSpaces>",
                matching.len()
            ))
        }
        ("POST", ["coSpaces"]) => {
            state.counters.co_space_creates += 1;
            let mut c = CoSpace {
                id: state.new_id(),
                ..CoSpace::default()
            };
            if let Err(reason) = apply(&mut state, &mut c, &fields) {
                return failure(400, &reason);
            }
            let location = format!("/api/v1/coSpaces/{}", c.id);
            state.co_spaces.push(c);
            HttpResponse::Ok()
                .insert_header(("Location", location))
                .finish()
        }
        (verb, ["coSpaces", id]) => {
            let Some(i) = state.co_spaces.iter().position(|c| c.id == *id) else {
                return failure(404, "coSpaceDoesNotExist");
            };
            match verb {
                "GET" => xml(co_space_xml(&state.co_spaces[i])),
                "PUT" => {
                    let mut c = state.co_spaces[i].clone();
                    if let Err(reason) = apply(&mut state, &mut c, &fields) {
                        return failure(400, &reason);
                    }
                    state.co_spaces[i] = c;
                    HttpResponse::Ok().finish()
                }
                "DELETE" => {
                    state.co_spaces.remove(i);
                    HttpResponse::Ok().finish()
                }
                _ => failure(405, "unrecognisedObject"),
            }
        }
        ("GET", ["calls"]) => {
            let filter = q.get("coSpaceFilter").cloned();
            let matching: Vec<&Call> = state
                .calls
                .iter()
                .filter(|c| filter.as_ref().is_none_or(|f| c.co_space == *f))
                .collect();
            let limit = q
                .get("limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(10usize)
                .min(10);
            let page: String = matching
                .iter()
                .take(limit)
                .map(|c| {
                    format!(
                        "<call id=\"{}\"><coSpace>{}</coSpace></call>",
                        c.id, c.co_space
                    )
                })
                .collect();
            xml(format!(
                "<calls total=\"{}\">{page}</calls>",
                matching.len()
            ))
        }
        ("POST", ["calls"]) => {
            let Some(space) = field("coSpace") else {
                return failure(400, "parameterError");
            };
            if !state.co_spaces.iter().any(|c| c.id == space) {
                return failure(400, "coSpaceDoesNotExist");
            }
            let call = Call {
                id: state.new_id(),
                co_space: space,
                legs: Vec::new(),
            };
            let location = format!("/api/v1/calls/{}", call.id);
            state.calls.push(call);
            HttpResponse::Ok()
                .insert_header(("Location", location))
                .finish()
        }
        ("DELETE", ["calls", id]) => match state.calls.iter().position(|c| c.id == *id) {
            Some(i) => {
                state.calls.remove(i);
                HttpResponse::Ok().finish()
            }
            None => failure(404, "callDoesNotExist"),
        },
        (verb, ["calls", id, "callLegs"]) => {
            let Some(i) = state.calls.iter().position(|c| c.id == *id) else {
                return failure(404, "callDoesNotExist");
            };
            if verb == "GET" {
                let legs: String = state.calls[i]
                    .legs
                    .iter()
                    .enumerate()
                    .map(|(n, party)| {
                        format!(
                            "<callLeg id=\"{}-{n}\"><remoteParty>{}</remoteParty></callLeg>",
                            state.calls[i].id,
                            escape(party)
                        )
                    })
                    .collect();
                return xml(format!(
                    "<callLegs total=\"{}\">{legs}</callLegs>",
                    state.calls[i].legs.len()
                ));
            }
            let Some(party) = field("remoteParty").filter(|p| !p.is_empty()) else {
                return failure(400, "parameterError");
            };
            let n = state.calls[i].legs.len();
            state.calls[i].legs.push(party);
            HttpResponse::Ok()
                .insert_header((
                    "Location",
                    format!("/api/v1/callLegs/{}-{n}", state.calls[i].id),
                ))
                .finish()
        }
        ("GET", ["system", "load"]) => xml(format!(
            "<load><mediaProcessingLoad>{}</mediaProcessingLoad></load>",
            state.load
        )),
        ("GET", ["system", "configuration", "cluster"]) => xml(format!(
            "<cluster><loadLimit>{}</loadLimit></cluster>",
            state.load_limit
        )),
        _ => failure(400, "unrecognisedObject"),
    }
}
