//! A TelePresence Conductor XC4.3.1 simulator of the calls bridgebook makes. XML-RPC:
//! factory.conferencecreate / conferencemodify (errors as status "error" replies, an
//! already running alias answered with the existing conference's name, creates placed
//! against the pool's live free capacity from their `factoryResourceLimits`),
//! conference.enumerate / destroy, participant.add / enumerate, device.query,
//! factory.health.query; credentials per call (fault 14). REST: the Capacity Management
//! API's `GET /api/4.0/servicecost/<alias>` with Basic auth (401, 404 "10" for an alias
//! that reaches no Service Preference, 400 "20" for one over 1024 characters).
//!
//! Conductor documents limits it does not enforce; the simulator counts every excess as a
//! violation: more than 2 creates, 8 joins or 8 polls in a second, a request while another
//! is in flight (one request at a time per client), `factory.health.query` within 5
//! minutes of the last. Knobs: down (503), slow (a delay per request), a fault code for
//! every call, and the pool's capacity, which may shrink.
use super::server::Running;
use super::xmlrpc::{authenticated, failed};
use super::xmlrpc::{members, Value};
use crate::bridges::service_cost::Resources;
use actix_web::{web, HttpRequest, HttpResponse};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conference {
    pub name: String,
    pub id: String,
    pub alias: String,
    pub pin: String,
    pub max_minutes: i64,
    /// What the conference may take of the pool, as created.
    pub limits: Resources,
    pub participants: Vec<String>,
}

/// The prices of the one Service Preference every alias reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prices {
    pub pool: Resources,
    pub conference: Resources,
    pub participant: Resources,
}

impl Prices {
    /// A pool of TelePresence Servers priced as the document's worked example (one HD
    /// single-screen participant: 1 call, 3072 media, 3840 licences), `servers` of them.
    pub fn telepresence_servers(servers: i64) -> Prices {
        let r = |s: i64, m: i64, l: i64| -> Resources {
            [("signalling", s), ("media", m), ("licences", l)]
                .into_iter()
                .map(|(d, n)| (d.to_string(), n))
                .collect()
        };
        Prices {
            pool: r(200 * servers, 30720 * servers, 30720 * servers),
            conference: r(0, 0, 0),
            participant: r(1, 3072, 3840),
        }
    }
}

#[derive(Debug)]
pub struct State {
    pub conferences: Vec<Conference>,
    pub prices: Prices,
    /// Only aliases in this SIP domain reach a Service Preference (None: every alias).
    pub domain: Option<String>,
    pub creates: u64,
    /// When the first and the last conference were created.
    pub created_between: Option<(Instant, Instant)>,
    pub joins: u64,
    pub requests: u64,
    pub service_cost_requests: u64,
    /// Requests beyond the documented limits.
    pub violations: u64,
    /// Make every create fail in-band with this info text.
    pub refuse_creates: Option<String>,
    /// Answer 503 to everything.
    pub down: bool,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Answer every XML-RPC call with this fault code.
    pub fault: Option<i64>,
    recent_creates: Vec<Instant>,
    recent_joins: Vec<Instant>,
    recent_polls: Vec<Instant>,
    last_health_query: Option<Instant>,
    next: u64,
}

impl Default for State {
    fn default() -> Self {
        State {
            conferences: Vec::new(),
            prices: Prices::telepresence_servers(10),
            domain: None,
            creates: 0,
            created_between: None,
            joins: 0,
            requests: 0,
            service_cost_requests: 0,
            violations: 0,
            refuse_creates: None,
            down: false,
            delay: Duration::ZERO,
            fault: None,
            recent_creates: Vec::new(),
            recent_joins: Vec::new(),
            recent_polls: Vec::new(),
            last_health_query: None,
            next: 0,
        }
    }
}

impl State {
    /// What running conferences leave of the pool, per dimension.
    fn free(&self) -> Resources {
        let mut free = self.prices.pool.clone();
        for c in &self.conferences {
            for (d, n) in &c.limits {
                *free.entry(d.clone()).or_default() -= n;
            }
        }
        free
    }

    fn resolves(&self, alias: &str) -> bool {
        match &self.domain {
            Some(d) => alias.ends_with(&format!("@{d}")),
            None => true,
        }
    }
}

pub struct ConductorSim {
    pub base: String,
    pub state: Arc<Mutex<State>>,
    running: Running,
}

struct Sim {
    state: Arc<Mutex<State>>,
    in_flight: AtomicUsize,
    user: String,
    password: String,
}

/// Counts a request in flight for as long as it lives; a second one at the same time is a
/// violation.
struct InFlight<'a>(&'a Sim);

impl<'a> InFlight<'a> {
    fn enter(sim: &'a Sim) -> InFlight<'a> {
        if sim.in_flight.fetch_add(1, Ordering::SeqCst) > 0 {
            sim.state
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .violations += 1;
        }
        InFlight(sim)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl ConductorSim {
    pub fn start(listen: &str, user: &str, password: &str) -> std::io::Result<ConductorSim> {
        let state = Arc::new(Mutex::new(State::default()));
        let sim = web::Data::new(Sim {
            state: state.clone(),
            in_flight: AtomicUsize::new(0),
            user: user.to_string(),
            password: password.to_string(),
        });
        let running = Running::start(listen, move |cfg| {
            cfg.app_data(sim.clone())
                .route("/RPC2", web::post().to(rpc))
                .route("/api/4.0/servicecost/{alias}", web::get().to(service_cost));
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
    super::xmlrpc::ok(members(v))
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

fn rest_error(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or_default())
        .json(serde_json::json!({"details": [], "error_code": code, "message": message}))
}

/// The knobs every request meets first: a delay, then down.
async fn knobs(sim: &Sim) -> Option<HttpResponse> {
    let (delay, down) = {
        let mut st = sim.state.lock().unwrap_or_else(|p| p.into_inner());
        st.requests += 1;
        (st.delay, st.down)
    };
    if !delay.is_zero() {
        actix_web::rt::time::sleep(delay).await;
    }
    down.then(|| rest_error(503, "70", "The service is temporarily unavailable."))
}

fn resources_json(r: &Resources) -> serde_json::Value {
    r.iter()
        .map(|(d, n)| serde_json::json!({"dimension": d, "value": n}))
        .collect()
}

async fn service_cost(
    req: HttpRequest,
    alias: web::Path<String>,
    sim: web::Data<Sim>,
) -> HttpResponse {
    let _in_flight = InFlight::enter(&sim);
    if let Some(r) = knobs(&sim).await {
        return r;
    }
    let expected = crate::bridges::basic_auth(&sim.user, &sim.password);
    let given = req
        .headers()
        .get("Authorization")
        .and_then(|h| h.to_str().ok());
    if given != Some(expected.as_str()) {
        return HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Basic realm=\"Conductor\""))
            .finish();
    }
    let mut st = sim.state.lock().unwrap_or_else(|p| p.into_inner());
    st.service_cost_requests += 1;
    if alias.len() > 1024 {
        return rest_error(
            400,
            "20",
            "There was a validation error in the request which prevented further processing.",
        );
    }
    if !st.resolves(&alias) {
        return rest_error(404, "10", "The requested alias could not be found.");
    }
    HttpResponse::Ok().json(serde_json::json!({
        "id": "58e26522-da56-11e2-b4f8-0010f31595fc",
        "display_name": "Scheduled meetings",
        "description": "Pool of TelePresence Servers used for scheduling",
        "alias": alias.as_str(),
        "bridge_type": "tsmcu",
        "bridge_capabilities": ["cascading"],
        "max_screens": 1,
        "max_participants_per_conference_min": 1,
        "max_participants_per_conference_max": 104,
        "max_participants_per_conference_template": 0,
        "pool_capacity": resources_json(&st.prices.pool),
        "conference_cost": resources_json(&st.prices.conference),
        "participant_cost": [{"num_screens": 1, "resources": resources_json(&st.prices.participant)}],
    }))
}

/// `factoryResourceLimits` as sent, with both spellings of licences as one.
fn limits_of(p: &Value) -> Resources {
    match p.member("factoryResourceLimits") {
        Some(Value::Struct(m)) => m
            .iter()
            .filter_map(|(k, v)| match v {
                Value::Int(n) => Some((
                    if k == "licenses" {
                        "licences".to_string()
                    } else {
                        k.clone()
                    },
                    *n,
                )),
                _ => None,
            })
            .collect(),
        _ => Resources::new(),
    }
}

async fn rpc(body: String, sim: web::Data<Sim>) -> HttpResponse {
    let _in_flight = InFlight::enter(&sim);
    if let Some(r) = knobs(&sim).await {
        return r;
    }
    let (method, p) = match authenticated(&body, &sim.user, &sim.password) {
        Ok(call) => call,
        Err((code, text)) => return failed(code, text),
    };
    let mut st = sim.state.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(code) = st.fault {
        return failed(code, "injected fault");
    }
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
            if !st.resolves(alias) {
                return in_band_error("Alias not found", vec![]);
            }
            let limits = limits_of(&p);
            let free = st.free();
            if limits
                .iter()
                .any(|(d, n)| *n > free.get(d).copied().unwrap_or(0))
            {
                return in_band_error("No capacity available", vec![]);
            }
            st.next += 1;
            st.creates += 1;
            let now = Instant::now();
            st.created_between = Some((st.created_between.map_or(now, |(first, _)| first), now));
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
                limits,
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
            if p.member("factoryResourceLimits").is_some() {
                st.conferences[i].limits = limits_of(&p);
            }
            ok(vec![
                ("status", Value::Str("operation successful".into())),
                ("info", Value::Str("Conference modified".into())),
            ])
        }
        "conference.enumerate" => {
            if over_rate(&mut st.recent_polls, 8) {
                st.violations += 1;
            }
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
            if over_rate(&mut st.recent_polls, 8) {
                st.violations += 1;
            }
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
        "factory.health.query" => {
            let now = Instant::now();
            if st
                .last_health_query
                .is_some_and(|t| now.duration_since(t) < Duration::from_secs(300))
            {
                st.violations += 1;
            }
            st.last_health_query = Some(now);
            ok(vec![
                ("fan_1", Value::Str("N/A".into())),
                ("fan_2", Value::Str("N/A".into())),
                ("fan_3", Value::Str("N/A".into())),
                ("cpu_load_1", Value::Int(0)),
                ("cpu_load_5", Value::Int(0)),
                ("cpu_load_15", Value::Int(0)),
            ])
        }
        "device.query" => ok(vec![
            ("model", Value::Str("TelePresence Conductor".into())),
            ("softwareVersion", Value::Str("XC4.3.1".into())),
            ("apiVersion", Value::Str("4.3".into())),
            ("totalVideoPorts", Value::Int(0)),
        ]),
        _ => failed(1, "method not supported"),
    }
}
