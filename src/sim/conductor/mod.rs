//! A Cisco TelePresence Conductor XC4.3.1 simulator, read from the product programming
//! reference (/work/shared/spec/telepresence-conductor-api-xc4.3.1.txt; "l." below and in
//! the submodules are its line numbers), not from any client of it.
//!
//! - `rpc`: the Remote Management XML-RPC API at `/RPC2` (l.147-1000): conferences made by
//!   `factory.conferencecreate` on an alias and living between their minimum and maximum
//!   durations counted from their creation, participants the bridge calls and whose calls
//!   connect or fail, the documented faults and in-band "error" replies.
//! - `capacity`: the Capacity Management REST API (l.1024-1257).
//! - `params`: how parameters are read, with the fault table (l.945-1000).
//!
//! The limits of "API performance and security" and Appendix A (l.2343-2421) are "not
//! enforced": the simulator serves requests beyond them and counts each as a violation.
//! Knobs: down (503), slow (a delay per request), a fault for every call, refused creates,
//! the pool's capacity, the SIP domain aliases must be in, the template's duration limit,
//! the page size of enumerations, how long a called endpoint takes to answer, a B2BUA
//! deployment, and a clock that can be moved on.
mod capacity;
mod params;
mod rpc;

pub use capacity::{Prices, Resources};

use super::server::Running;
use super::{Observed, SimCall};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One conference the Conductor runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conference {
    /// `conferenceName`, "supplied by the TelePresence Conductor" (l.419): the display
    /// name with a random, unique 6-digit number appended (the rule of l.1488).
    pub name: String,
    /// `factoryConferenceId` (l.420).
    pub id: String,
    /// The alias it was created on, lower-cased as the Conductor matches aliases (l.1584).
    pub alias: String,
    /// `factoryOverrideConferenceDisplayName` (l.385), else the alias.
    pub display_name: String,
    pub pin: Option<String>,
    pub guest_pin: Option<String>,
    /// l.369: the minimum time it lives even with no participants (default 5).
    pub min_minutes: i64,
    /// l.370: the maximum time it lives; 0 is the template's limit.
    pub max_minutes: i64,
    /// `factoryResourceLimits` (l.374-381), "licenses" read as "licences".
    pub limits: Resources,
    /// `webEx` (l.373): "None", "SIP" or "SIP-TSP".
    pub webex: String,
    pub locked: bool,
    pub layout: Option<String>,
    /// When it was created, on the simulator's clock.
    pub created: Instant,
    pub created_at: DateTime<Utc>,
    pub participants: Vec<Participant>,
}

/// One participant the bridge called into a conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// The unique participantID a TelePresence Server gives it, which `participant.enumerate`
    /// returns as its `participantName` (l.817).
    pub id: String,
    /// The `participantName` the client gave (l.726).
    pub name: String,
    pub address: String,
    /// "sip" or "h323" (l.734).
    pub protocol: String,
    /// Added by `factory.webex.add` (l.497-515).
    pub webex: bool,
    /// When the call was placed, on the simulator's clock.
    pub added: Instant,
    /// The far end does not answer: the call fails when it would have connected.
    pub refused: bool,
}

/// Where a participant's call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    Connecting,
    Connected,
    Disconnected(&'static str),
}

/// Why a call to an endpoint that does not answer ended.
pub const NO_ANSWER: &str = "no answer";

impl Participant {
    pub fn leg(&self, now: Instant, answer: Duration) -> Leg {
        if now.saturating_duration_since(self.added) < answer {
            Leg::Connecting
        } else if self.refused {
            Leg::Disconnected(NO_ANSWER)
        } else {
            Leg::Connected
        }
    }

    fn live(&self, now: Instant, answer: Duration) -> bool {
        !matches!(self.leg(now, answer), Leg::Disconnected(_))
    }
}

#[derive(Debug)]
pub struct State {
    pub conferences: Vec<Conference>,
    pub prices: Prices,
    /// Only aliases in this SIP domain reach a Service Preference (None: every alias).
    pub domain: Option<String>,
    /// The conference template's duration limit in minutes (l.370; 0: none).
    pub template_max_minutes: i64,
    /// At most this many conferences or participants per enumeration answer; more follow
    /// under an `enumerateID`.
    pub page_size: usize,
    /// How long a called endpoint takes to answer (or to be found not answering).
    pub answer_delay: Duration,
    /// A deployment using the Conductor's B2BUA, where out-dials must be SIP (l.734).
    pub b2bua: bool,
    /// Addresses (lower-cased) whose endpoints do not answer.
    pub refused: BTreeSet<String>,
    pub creates: u64,
    /// When the first and the last conference were created.
    pub created_between: Option<(Instant, Instant)>,
    pub joins: u64,
    pub requests: u64,
    pub service_cost_requests: u64,
    /// Requests beyond the documented limits.
    pub violations: u64,
    /// What each violation was, for a test's message.
    pub violated: Vec<String>,
    /// Parameters the document does not define for the method called, by name.
    pub unknown_parameters: Vec<String>,
    /// Make every create fail in-band with this info text.
    pub refuse_creates: Option<String>,
    /// Answer 503 to everything.
    pub down: bool,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Answer every XML-RPC call with this fault code.
    pub fault: Option<i64>,
    /// How far the simulator's clock runs ahead of the real one.
    pub offset: Duration,
    recent_creates: Vec<Instant>,
    recent_joins: Vec<Instant>,
    recent_polls: Vec<Instant>,
    /// When each conference (by factoryConferenceId) was last polled.
    polled: HashMap<String, Instant>,
    last_health_query: Option<Instant>,
    /// enumerateIDs handed out, and where each goes on.
    cursors: HashMap<String, usize>,
    foreign: u64,
}

impl Default for State {
    fn default() -> Self {
        State {
            conferences: Vec::new(),
            prices: Prices::telepresence_servers(10),
            domain: None,
            template_max_minutes: 0,
            page_size: 100,
            answer_delay: Duration::from_millis(50),
            b2bua: false,
            refused: BTreeSet::new(),
            creates: 0,
            created_between: None,
            joins: 0,
            requests: 0,
            service_cost_requests: 0,
            violations: 0,
            violated: Vec::new(),
            unknown_parameters: Vec::new(),
            refuse_creates: None,
            down: false,
            delay: Duration::ZERO,
            fault: None,
            offset: Duration::ZERO,
            recent_creates: Vec::new(),
            recent_joins: Vec::new(),
            recent_polls: Vec::new(),
            polled: HashMap::new(),
            last_health_query: None,
            cursors: HashMap::new(),
            foreign: 0,
        }
    }
}

impl State {
    /// The simulator's clock.
    pub fn now(&self) -> Instant {
        Instant::now() + self.offset
    }

    pub fn now_utc(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::from_std(self.offset).unwrap_or_default()
    }

    fn violation(&mut self, what: &str) {
        self.violations += 1;
        self.violated.push(what.to_string());
    }

    /// What running conferences leave of the pool, per dimension.
    fn free(&self) -> Resources {
        let mut free = self.prices.pool.clone();
        for c in &self.conferences {
            for (d, n) in self.reserved(c) {
                *free.entry(d).or_default() -= n;
            }
        }
        free
    }

    /// What a conference holds of the pool.
    fn reserved(&self, c: &Conference) -> Resources {
        reserve(&self.prices, &c.limits, &c.webex)
    }

    /// Whether `alias` reaches the Service Preference.
    fn resolves(&self, alias: &str) -> bool {
        match &self.domain {
            Some(d) => alias
                .to_ascii_lowercase()
                .ends_with(&format!("@{}", d.to_ascii_lowercase())),
            None => true,
        }
    }

    /// Ends the conferences whose time is up, as of now: l.370, a conference lives at most
    /// its maximum duration (0: the template's limit) from its creation; l.369, an empty
    /// one lives only for its minimum duration.
    fn expire(&mut self) {
        let now = self.now();
        let (answer, template) = (self.answer_delay, self.template_max_minutes);
        self.conferences.retain(|c| {
            let age = now.saturating_duration_since(c.created);
            let max = if c.max_minutes > 0 {
                c.max_minutes
            } else {
                template
            };
            let minutes = |m: i64| Duration::from_secs(m.max(0) as u64 * 60);
            if max > 0 && age >= minutes(max) {
                return false;
            }
            age < minutes(c.min_minutes) || c.participants.iter().any(|p| p.live(now, answer))
        });
        // Calls of conferences that ended are gone with them; polls of them are forgotten.
        let ids: BTreeSet<String> = self.conferences.iter().map(|c| c.id.clone()).collect();
        self.polled.retain(|id, _| ids.contains(id));
    }

    /// A new conference on `alias`, created now.
    fn make(&mut self, alias: &str, display_name: &str) -> &mut Conference {
        let name = loop {
            // l.1488: "appends a 6 digit number that is random and unique".
            let candidate = format!("{display_name}{:06}", rand::random::<u32>() % 1_000_000);
            if !self.conferences.iter().any(|c| c.name == candidate) {
                break candidate;
            }
        };
        let (created, created_at) = (self.now(), self.now_utc());
        self.conferences.push(Conference {
            name,
            id: uuid::Uuid::new_v4().to_string(),
            alias: alias.to_ascii_lowercase(),
            display_name: display_name.to_string(),
            pin: None,
            guest_pin: None,
            min_minutes: 5,
            max_minutes: 0,
            limits: Resources::new(),
            webex: "None".into(),
            locked: false,
            layout: None,
            created,
            created_at,
            participants: Vec::new(),
        });
        self.conferences.last_mut().expect("just pushed")
    }
}

/// What a conference holds of the pool: its limits, and the calls its `webEx` reserves on
/// the primary bridge (l.373: one for SIP, two for SIP-TSP).
fn reserve(prices: &Prices, limits: &Resources, webex: &str) -> Resources {
    let mut out = limits.clone();
    let webex_calls = match webex {
        "SIP" => 1,
        "SIP-TSP" => 2,
        _ => 0,
    };
    for (d, n) in &prices.participant {
        *out.entry(d.clone()).or_default() += n * webex_calls;
    }
    out
}

pub struct ConductorSim {
    pub base: String,
    pub state: Arc<Mutex<State>>,
    running: Running,
}

pub(crate) struct Sim {
    state: Arc<Mutex<State>>,
    in_flight: AtomicUsize,
    user: String,
    password: String,
}

impl Sim {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Counts a request in flight for as long as it lives; a second one at the same time is a
/// violation (l.2374: "wait for your last request to complete before making the next one").
pub(crate) struct InFlight<'a>(&'a Sim);

impl<'a> InFlight<'a> {
    fn enter(sim: &'a Sim) -> InFlight<'a> {
        if sim.in_flight.fetch_add(1, Ordering::SeqCst) > 0 {
            sim.lock()
                .violation("a request while another was in flight");
        }
        InFlight(sim)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The knobs every request meets first: a delay, then down (503, error 70, l.1953).
async fn knobs(sim: &Sim) -> Option<HttpResponse> {
    let (delay, down) = {
        let mut st = sim.lock();
        st.requests += 1;
        (st.delay, st.down)
    };
    if !delay.is_zero() {
        actix_web::rt::time::sleep(delay).await;
    }
    down.then(|| capacity::rest_error(503, "70"))
}

/// Records an operation; true when more than `per_second` happened in the last second.
fn over_rate(recent: &mut Vec<Instant>, per_second: usize) -> bool {
    let now = Instant::now();
    recent.retain(|t| now.duration_since(*t) < Duration::from_secs(1));
    recent.push(now);
    recent.len() > per_second
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
                // l.153: XML-RPC is POSTed to /RPC2.
                .route("/RPC2", web::post().to(rpc::rpc))
                // l.1211-1213: ServiceCost has a GET method only.
                .service(
                    web::resource("/api/4.0/servicecost/{alias}")
                        .route(web::get().to(capacity::service_cost))
                        .default_service(web::to(capacity::not_allowed)),
                )
                .route("/api/{rest:.*}", web::route().to(capacity::not_found));
        })?;
        Ok(ConductorSim {
            base: running.base.clone(),
            state,
            running,
        })
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.expire();
        f(&mut st)
    }

    /// Moves the simulator's clock on: conferences age, calls answer.
    pub fn advance(&self, by: Duration) {
        self.with(|st| {
            st.offset += by;
            st.expire();
        });
    }

    pub fn wait(mut self) {
        self.running.wait();
    }
}

impl Observed for ConductorSim {
    /// The display names the clients gave (`factoryOverrideConferenceDisplayName`).
    fn meetings(&self) -> Vec<String> {
        self.with(|st| {
            st.conferences
                .iter()
                .map(|c| c.display_name.clone())
                .collect()
        })
    }

    fn calls(&self, name: &str) -> Vec<SimCall> {
        self.with(|st| {
            let now = st.now();
            st.conferences
                .iter()
                .filter(|c| c.display_name == name)
                .flat_map(|c| &c.participants)
                .filter_map(|p| {
                    let connected = match p.leg(now, st.answer_delay) {
                        Leg::Disconnected(_) => return None,
                        leg => leg == Leg::Connected,
                    };
                    Some(SimCall {
                        address: p.address.clone(),
                        protocol: p.protocol.clone(),
                        connected,
                    })
                })
                .collect()
        })
    }

    /// A Conductor keeps no conference across a restart: they all end, with their calls,
    /// and the enumerateIDs it handed out mean nothing any more.
    fn restart(&self) {
        self.with(|st| {
            st.conferences.clear();
            st.cursors.clear();
            st.polled.clear();
            st.recent_creates.clear();
            st.recent_joins.clear();
            st.recent_polls.clear();
            st.last_health_query = None;
        });
    }

    /// A conference someone made on an alias of their own and displayed as `name`, with
    /// the defaults of l.369-370.
    fn add_foreign(&self, name: &str) {
        self.with(|st| {
            st.foreign += 1;
            let alias = format!(
                "foreign-{}@{}",
                st.foreign,
                st.domain.clone().unwrap_or_else(|| "example.com".into())
            );
            st.make(&alias, name);
        });
    }

    fn refuse_calls_to(&self, address: &str, refuse: bool) {
        self.with(|st| {
            let a = address.to_ascii_lowercase();
            if refuse {
                st.refused.insert(a);
            } else {
                st.refused.remove(&a);
            }
        });
    }
}
