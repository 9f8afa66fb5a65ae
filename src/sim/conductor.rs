//! A TelePresence Conductor XC4.3.1 simulator of the XML-RPC calls bridgebook makes:
//! factory.conferencecreate / conferencemodify (errors as status "error" replies, an
//! already running conference answered with its name), conference.enumerate / destroy,
//! participant.add / enumerate, factory.health.query; credentials per call (fault 14); and
//! the documented rates (2 conference creates, 8 joins a second) counted when exceeded,
//! since Conductor does not enforce them.
use super::server::Running;
use crate::bridges::xmlrpc::{fault, members, method_response, parse_call, Value};
use actix_web::{web, HttpResponse};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conference {
    pub name: String,
    pub id: String,
    pub alias: String,
    pub pin: String,
    pub max_minutes: i64,
    pub participants: Vec<String>,
}

#[derive(Debug, Default)]
pub struct State {
    pub conferences: Vec<Conference>,
    pub creates: u64,
    pub joins: u64,
    /// Requests beyond the documented rates.
    pub violations: u64,
    /// Make every create fail in-band with this info text (capacity gone, say).
    pub refuse_creates: Option<String>,
    recent_creates: Vec<Instant>,
    recent_joins: Vec<Instant>,
    next: u64,
}

pub struct ConductorSim {
    pub base: String,
    pub state: Arc<Mutex<State>>,
    running: Running,
}

struct Sim {
    state: Arc<Mutex<State>>,
    user: String,
    password: String,
}

impl ConductorSim {
    pub fn start(listen: &str, user: &str, password: &str) -> std::io::Result<ConductorSim> {
        let state = Arc::new(Mutex::new(State::default()));
        let sim = web::Data::new(Sim {
            state: state.clone(),
            user: user.to_string(),
            password: password.to_string(),
        });
        let running = Running::start(listen, move |cfg| {
            cfg.app_data(sim.clone())
                .route("/RPC2", web::post().to(rpc));
        })?;
        Ok(ConductorSim {
            base: running.base.clone(),
            state,
            running,
        })
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn wait(mut self) {
        self.running.wait();
    }
}

/// Records an operation; true when more than `per_second` happened in the last second.
fn over_rate(recent: &mut Vec<Instant>, per_second: usize) -> bool {
    let now = Instant::now();
    recent.retain(|t| now.duration_since(*t) < Duration::from_secs(1));
    recent.push(now);
    recent.len() > per_second
}

fn ok(v: Vec<(&str, Value)>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml")
        .body(method_response(&members(v)))
}

fn status_ok() -> HttpResponse {
    ok(vec![("status", Value::Str("operation successful".into()))])
}

fn in_band_error(info: &str, extra: Vec<(&str, Value)>) -> HttpResponse {
    let mut v = vec![
        ("status", Value::Str("error".into())),
        ("info", Value::Str(info.into())),
    ];
    v.extend(extra);
    ok(v)
}

fn failed(code: i64, text: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml")
        .body(fault(code, text))
}

async fn rpc(body: String, sim: web::Data<Sim>) -> HttpResponse {
    let Some((method, p)) = parse_call(&body) else {
        return failed(103, "malformed parameter");
    };
    if p.str("authenticationUser") != Some(sim.user.as_str())
        || p.str("authenticationPassword") != Some(sim.password.as_str())
    {
        return failed(14, "authorization failed");
    }
    let mut st = sim.state.lock().unwrap_or_else(|e| e.into_inner());
    let by_name = |st: &State, p: &Value| {
        p.str("conferenceName")
            .and_then(|n| st.conferences.iter().position(|c| c.name == n))
    };
    match method.as_str() {
        "factory.conferencecreate" => {
            let Some(alias) = p.str("conferenceAlias").filter(|a| !a.is_empty()) else {
                return failed(101, "missing parameter: conferenceAlias");
            };
            if over_rate(&mut st.recent_creates, 2) {
                st.violations += 1;
            }
            if let Some(c) = st.conferences.iter().find(|c| c.alias == alias) {
                return in_band_error(
                    "Conference already exists",
                    vec![
                        ("conferenceName", Value::Str(c.name.clone())),
                        ("factoryConferenceId", Value::Str(c.id.clone())),
                    ],
                );
            }
            if let Some(info) = st.refuse_creates.clone() {
                return in_band_error(&info, vec![]);
            }
            st.next += 1;
            st.creates += 1;
            let display = p
                .str("factoryOverrideConferenceDisplayName")
                .unwrap_or(alias);
            let name = format!("{display} {:06}", 100_000 + st.next);
            let id = format!("00000000-0000-4000-9000-{:012x}", st.next);
            st.conferences.push(Conference {
                name: name.clone(),
                id: id.clone(),
                alias: alias.to_string(),
                pin: p.str("factoryOverridePIN").unwrap_or("").to_string(),
                max_minutes: p.int("factoryMaxDurationMinutes").unwrap_or(0),
                participants: Vec::new(),
            });
            ok(vec![
                ("status", Value::Str("operation successful".into())),
                ("conferenceName", Value::Str(name)),
                ("factoryConferenceId", Value::Str(id)),
            ])
        }
        "factory.conferencemodify" => {
            let Some(i) = by_name(&st, &p) else {
                return in_band_error(
                    "No such conference",
                    vec![("faultCode", Value::Str("4".into()))],
                );
            };
            if let Some(pin) = p.str("factoryOverridePIN") {
                st.conferences[i].pin = pin.to_string();
            }
            if let Some(m) = p.int("factoryMaxDurationMinutes") {
                st.conferences[i].max_minutes = m;
            }
            ok(vec![
                ("status", Value::Str("operation successful".into())),
                ("info", Value::Str("Conference modified".into())),
            ])
        }
        "conference.enumerate" => {
            let list = st
                .conferences
                .iter()
                .map(|c| {
                    members(vec![
                        ("conferenceName", Value::Str(c.name.clone())),
                        ("factoryConferenceId", Value::Str(c.id.clone())),
                    ])
                })
                .collect();
            ok(vec![("conferences", Value::Array(list))])
        }
        "conference.destroy" => match by_name(&st, &p) {
            Some(i) => {
                st.conferences.remove(i);
                status_ok()
            }
            None => failed(4, "no such conference"),
        },
        "participant.add" => {
            let Some(i) = by_name(&st, &p) else {
                return failed(4, "no such conference");
            };
            let Some(address) = p.str("address").filter(|a| !a.is_empty()) else {
                return failed(101, "missing parameter: address");
            };
            if over_rate(&mut st.recent_joins, 8) {
                st.violations += 1;
            }
            st.joins += 1;
            st.conferences[i].participants.push(address.to_string());
            status_ok()
        }
        "participant.enumerate" => {
            let wanted: Vec<&str> = p
                .array("factoryConferenceIds")
                .iter()
                .filter_map(|v| match v {
                    Value::Str(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect();
            let list = st
                .conferences
                .iter()
                .filter(|c| wanted.is_empty() || wanted.contains(&c.id.as_str()))
                .flat_map(|c| {
                    c.participants.iter().map(|a| {
                        members(vec![
                            ("conferenceName", Value::Str(c.name.clone())),
                            ("factoryConferenceId", Value::Str(c.id.clone())),
                            ("participantName", Value::Str(a.clone())),
                            ("address", Value::Str(a.clone())),
                        ])
                    })
                })
                .collect();
            ok(vec![("participants", Value::Array(list))])
        }
        "factory.health.query" => ok(vec![("status", Value::Str("ok".into()))]),
        _ => failed(1, "method not supported"),
    }
}
