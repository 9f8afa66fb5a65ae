//! A Pexip Infinity v14 Management API simulator, read from
//! `shared/spec/pexip-infinity-management-api-v14.txt` alone (line numbers "l.NNN" are that
//! file's): the configuration store (services, aliases, Automatically Dialed Participants,
//! system locations), the status API (conference instances, participants, location load),
//! the history API (what ended, and why), and the commands that dial, disconnect and lock;
//! Basic auth, paged lists, the configuration replication delay before the conferencing
//! nodes know what the Management Node stored (l.203-205), far ends that answer or not, and
//! fault knobs for tests.
mod http;
mod live;
mod query;
mod store;

use crate::sim::{Observed, SimCall};
use serde_json::Value;
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use live::Location;
use store::Res;

/// A system location as seeded: its name and how many HD calls its nodes take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimLocation {
    pub name: String,
    pub max_hd_calls: u32,
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen, e.g. "127.0.0.1:0" for any free port.
    pub address: String,
    pub username: String,
    pub password: String,
    /// How long configuration takes to reach the conferencing nodes (the guide: usually
    /// under about 60 s).
    pub replication_delay: Duration,
    pub locations: Vec<SimLocation>,
    /// More requests than this in flight at once count as a limit violation: the
    /// Management Node serialises API access behind its database lock and the guide asks
    /// clients not to run requests concurrently.
    pub max_in_flight: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            address: "127.0.0.1:0".into(),
            username: "admin".into(),
            password: "sim-password".into(),
            replication_delay: Duration::ZERO,
            locations: vec![SimLocation {
                name: "London".into(),
                max_hd_calls: 40,
            }],
            max_in_flight: 1,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// Every request received, answered or faulted.
    pub requests: u64,
    /// POSTs to the service collection: each creates a new service (or fails).
    pub conference_posts: u64,
    /// Requests that arrived while `max_in_flight` others were being served.
    pub limit_violations: u64,
    pub peak_in_flight: u64,
    /// PATCHes that changed nothing (the guide asks clients not to rewrite the same values).
    pub redundant_patches: u64,
    /// DELETEs of a whole collection, which remove every object in it.
    pub root_deletes: u64,
    pub unauthorized: u64,
    /// TCP connections accepted (keep-alive reuse keeps this low).
    pub connections: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer with this status before doing anything.
    Status(u16),
    /// Do the work, then hold the response this long: a client that times out first has
    /// lost the answer to a request that took effect.
    LoseResponse(Duration),
}

/// A fault for the next `times` requests matching `method` ("" for any) and `path_prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub method: String,
    pub path_prefix: String,
    pub action: FaultAction,
    pub times: u32,
}

#[derive(Debug, Default)]
struct Knobs {
    down: bool,
    slow: Duration,
    error_status: Option<u16>,
    max_in_flight: usize,
    /// Whether list pages link to the next and previous page (see `query::page`).
    page_links: bool,
}

#[derive(Debug, Default)]
struct State {
    store: store::Store,
    live: live::Live,
    knobs: Knobs,
    counters: Counters,
    journal: Vec<JournalEntry>,
    faults: Vec<Fault>,
    in_flight: usize,
}

/// Starts simulators; see [`PexipSimHandle`].
pub struct PexipSim;

/// A running simulator; dropping it stops the server.
pub struct PexipSimHandle {
    base: String,
    state: Arc<Mutex<State>>,
    server: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl PexipSim {
    /// Serves `config` on its own thread and actix system.
    pub fn start(config: SimConfig) -> std::io::Result<PexipSimHandle> {
        let mut state = State::default();
        state.store.replication_delay = config.replication_delay;
        state.knobs.max_in_flight = config.max_in_flight.max(1);
        state.knobs.page_links = true;
        for l in &config.locations {
            let id = state.store.seed_location(&l.name);
            state.live.locations.push(Location {
                id,
                name: l.name.clone(),
                max_hd_calls: l.max_hd_calls,
                forced_load: None,
            });
        }
        let state = Arc::new(Mutex::new(state));
        let shared = actix_web::web::Data::new(http::Sim::new(
            state.clone(),
            &config.username,
            &config.password,
        ));
        let connections = state.clone();
        let address = config.address.clone();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let server = actix_web::HttpServer::new(move || {
                    actix_web::App::new()
                        .app_data(shared.clone())
                        .app_data(actix_web::web::PayloadConfig::new(1 << 20))
                        .default_service(actix_web::web::to(http::handle))
                })
                .on_connect(move |_, _| lock(&connections).counters.connections += 1)
                // Stopped when dropped, never by the process's signals (see sim/server.rs).
                .disable_signals()
                .workers(2)
                .shutdown_timeout(1)
                .bind(&address);
                match server {
                    Ok(s) => {
                        let addr = s.addrs()[0];
                        let running = s.run();
                        let _ = tx.send(Ok((addr, running.handle())));
                        let _ = running.await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        });
        let (addr, server) = rx
            .recv()
            .map_err(|e| std::io::Error::other(e.to_string()))??;
        Ok(PexipSimHandle {
            base: format!("http://{addr}"),
            state,
            server,
            thread: Some(thread),
        })
    }
}

impl PexipSimHandle {
    /// "http://127.0.0.1:<port>", the Management Node address an adapter is given.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut lock(&self.state))
    }

    /// Attributes clients sent that their resource does not have (the API ignores them),
    /// as "resource.field".
    pub fn unknown_fields(&self) -> Vec<String> {
        self.with(|s| s.store.unknown_fields.clone())
    }

    /// Participants that left, as the history API lists them (with `disconnect_reason`).
    pub fn history_participants(&self) -> Vec<Value> {
        self.with(|s| s.live.history_participants())
    }

    /// Every service as `GET .../conference/<id>/` shows it (aliases and ADPs embedded).
    pub fn conferences(&self) -> Vec<Value> {
        self.with(|s| s.store.views(Res::Conference))
    }

    pub fn aliases(&self) -> Vec<Value> {
        self.with(|s| s.store.views(Res::Alias))
    }

    pub fn adps(&self) -> Vec<Value> {
        self.with(|s| s.store.views(Res::Adp))
    }

    /// The conference instances the status API lists.
    pub fn active_conferences(&self) -> Vec<Value> {
        self.with(|s| s.live.instances())
    }

    pub fn participants(&self) -> Vec<Value> {
        self.with(|s| s.live.participants())
    }

    pub fn counters(&self) -> Counters {
        self.with(|s| s.counters.clone())
    }

    pub fn journal(&self) -> Vec<JournalEntry> {
        self.with(|s| s.journal.clone())
    }

    /// Someone dials in to service `name`: its instance starts if it had none (and its
    /// ADPs dial); fails when there is no such service or it has not replicated yet.
    /// Answers the caller's participant id.
    pub fn start_conference(&self, name: &str) -> Result<String, String> {
        self.with(|s| s.live.dial_in(&s.store, name))
    }

    /// Ends the instance of service `name` as if everyone hung up.
    pub fn end_conference(&self, name: &str) -> bool {
        self.with(|s| s.live.end(name))
    }

    /// Answers 503 to everything while set.
    pub fn set_down(&self, down: bool) {
        self.with(|s| s.knobs.down = down)
    }

    /// Holds every request this long before serving it (while counting it in flight).
    pub fn set_slow(&self, delay: Duration) {
        self.with(|s| s.knobs.slow = delay)
    }

    /// Answers every authenticated request with this status while set.
    pub fn set_error_status(&self, status: Option<u16>) {
        self.with(|s| s.knobs.error_status = status)
    }

    pub fn add_fault(&self, fault: Fault) {
        self.with(|s| s.faults.push(fault))
    }

    pub fn set_replication_delay(&self, delay: Duration) {
        self.with(|s| s.store.replication_delay = delay)
    }

    pub fn set_max_in_flight(&self, n: usize) {
        self.with(|s| s.knobs.max_in_flight = n.max(1))
    }

    /// Whether list pages carry `meta.next` and `meta.previous` links (they do by default).
    pub fn set_page_links(&self, on: bool) {
        self.with(|s| s.knobs.page_links = on)
    }

    /// Shrinks (or grows) a location's capacity; false when there is no such location.
    pub fn set_capacity(&self, location: &str, max_hd_calls: u32) -> bool {
        self.with(|s| {
            let l = s.live.locations.iter_mut().find(|l| l.name == location);
            l.map(|l| l.max_hd_calls = max_hd_calls).is_some()
        })
    }

    /// Forces a location's media load (percent), or derives it from calls again with None.
    pub fn set_media_load(&self, location: &str, load: Option<f64>) -> bool {
        self.with(|s| {
            let l = s.live.locations.iter_mut().find(|l| l.name == location);
            l.map(|l| l.forced_load = load).is_some()
        })
    }
}

impl Observed for PexipSimHandle {
    fn meetings(&self) -> Vec<String> {
        self.with(|s| {
            s.store
                .views(Res::Conference)
                .iter()
                .filter_map(|c| c["name"].as_str().map(str::to_string))
                .collect()
        })
    }

    fn calls(&self, name: &str) -> Vec<SimCall> {
        self.with(|s| {
            s.live
                .outgoing(name)
                .into_iter()
                .map(|(address, protocol, connected)| SimCall {
                    address,
                    protocol,
                    connected,
                })
                .collect()
        })
    }

    /// The conferencing nodes restart: conference instances and their calls are gone; the
    /// Management Node's configuration (services, aliases) is kept.
    fn restart(&self) {
        self.with(|s| s.live.restart())
    }

    /// A Virtual Meeting Room of that name made by someone else, with someone in it.
    fn add_foreign(&self, name: &str) {
        self.with(|s| {
            let body = serde_json::json!({"name": name, "service_type": "conference"});
            if s.store.create(Res::Conference, &body).is_ok() {
                let _ = s.live.dial_in(&s.store, name);
            }
        })
    }

    fn refuse_calls_to(&self, address: &str, refuse: bool) {
        self.with(|s| {
            if refuse {
                s.live.refused.insert(address.to_string());
            } else {
                s.live.refused.remove(address);
            }
        })
    }
}

impl Drop for PexipSimHandle {
    fn drop(&mut self) {
        // The stop command is sent at once; the returned future only reports completion,
        // which the join below waits for instead. Not graceful: open keep-alive
        // connections would otherwise hold the server.
        drop(self.server.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
