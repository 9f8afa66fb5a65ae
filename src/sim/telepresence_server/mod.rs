//! A Cisco TelePresence Server 4.3 in remotely managed (flexible) mode, simulated from
//! its reference document (`/work/shared/spec/telepresence-server-api-4.3.txt`; "l.N" are
//! its line numbers) and from nothing the adapter does: XML-RPC at `/RPC2`, requests of at
//! most 32 KB (105), credentials in every call (101/103/14), every parameter checked
//! against its method's table (`check`), conferences that start `startTime` seconds after
//! their create and end `duration` seconds after their start, dial-outs placed at the
//! start that the far end answers or refuses, paged enumerations with cookies.
//!
//! Knobs (`State`): a fault for every call, down (503), slow, capacity, enumeration page
//! size, how long far ends ring, and (through `Observed`) refused addresses, restarts and
//! conferences someone else made.
mod check;
mod methods;
mod model;

pub use model::{Call, CallState, Conference, Media, Participant, State, Uri};

use super::server::Running;
use super::xmlrpc::{failed, ok, parse_call};
use super::{Observed, SimCall};
use actix_web::{web, HttpResponse};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// "The total size of a request or response is 32 KB" (l.361); more is 105 (l.3691).
const MAX_REQUEST: usize = 32 * 1024;

pub struct TsSim {
    pub base: String,
    pub state: Arc<Mutex<State>>,
    running: Running,
}

struct Sim {
    state: Arc<Mutex<State>>,
    user: String,
    password: String,
}

impl TsSim {
    pub fn start(listen: &str, user: &str, password: &str) -> std::io::Result<TsSim> {
        let state = Arc::new(Mutex::new(State::default()));
        let sim = web::Data::new(Sim {
            state: state.clone(),
            user: user.to_string(),
            password: password.to_string(),
        });
        let running = Running::start(listen, move |cfg| {
            cfg.app_data(sim.clone())
                .app_data(web::PayloadConfig::new(4 * MAX_REQUEST))
                .route("/RPC2", web::post().to(rpc));
        })?;
        Ok(TsSim {
            base: running.base.clone(),
            state,
            running,
        })
    }

    /// Reads or turns the device's state, brought up to now first.
    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.tick(Instant::now());
        f(&mut st)
    }

    pub fn wait(mut self) {
        self.running.wait();
    }
}

impl Observed for TsSim {
    fn meetings(&self) -> Vec<String> {
        self.with(|st| st.conferences.iter().map(|c| c.reference.clone()).collect())
    }

    fn calls(&self, name: &str) -> Vec<SimCall> {
        self.with(|st| {
            let ids: Vec<&str> = st
                .conferences
                .iter()
                .filter(|c| c.reference == name)
                .map(|c| c.id.as_str())
                .collect();
            st.participants
                .iter()
                .filter(|p| ids.contains(&p.conference_id.as_str()))
                .flat_map(|p| p.calls.iter())
                .filter(|c| !c.incoming && !c.gone)
                .filter_map(|c| match c.state {
                    CallState::Alerting(_) => Some((c, false)),
                    CallState::Connected(_) => Some((c, true)),
                    _ => None,
                })
                .map(|(c, connected)| SimCall {
                    address: c.address.clone(),
                    protocol: c.protocol.clone(),
                    connected,
                })
                .collect()
        })
    }

    /// Conferences are not kept over a restart (the device's configuration is; its
    /// conferences come from the managing system, which must make them again).
    fn restart(&self) {
        self.with(|st| st.restart());
    }

    /// A running conference of unlimited length named `name` (its reference and its name),
    /// with no URI, as an operator might make on the device's own interface.
    fn add_foreign(&self, name: &str) {
        self.with(|st| {
            let id = st.new_id();
            let revision = st.bump();
            let now = Instant::now();
            st.conferences.push(Conference {
                id,
                reference: name.to_string(),
                name: name.to_string(),
                uris: vec![],
                start_time: 0,
                starts: now,
                duration: None,
                max_participants: None,
                wait_for_chair: false,
                locked: false,
                media: Media {
                    main_video: 1920,
                    extended_video: 1920,
                    audio: 96,
                    credits: 5040,
                },
                active: true,
                revision,
            });
        })
    }

    fn refuse_calls_to(&self, address: &str, refuse: bool) {
        self.with(|st| {
            if refuse {
                st.refused.insert(address.to_string());
            } else {
                st.refused.remove(address);
            }
        })
    }
}

async fn rpc(body: web::Bytes, sim: web::Data<Sim>) -> HttpResponse {
    let (delay, down) = {
        let st = sim.state.lock().unwrap_or_else(|e| e.into_inner());
        (st.delay, st.down)
    };
    if !delay.is_zero() {
        actix_web::rt::time::sleep(delay).await;
    }
    if down {
        return HttpResponse::ServiceUnavailable().finish();
    }
    match answer(&body, &sim) {
        Ok(v) => ok(v),
        Err(f) => failed(f.code, &f.text),
    }
}

fn answer(body: &[u8], sim: &Sim) -> check::Checked<super::xmlrpc::Value> {
    if body.len() > MAX_REQUEST {
        return Err(check::Fault::new(105, "request too large"));
    }
    // Messages are UTF-8 (l.254); what cannot be read is a malformed call.
    let (method, p) = std::str::from_utf8(body)
        .ok()
        .and_then(parse_call)
        .ok_or_else(|| check::malformed("methodCall"))?;
    check::members(&p, "", methods::AUTHENTICATION)?;
    // 14: "the supplied authentication parameters were not recognized" (l.3660).
    if p.str("authenticationUser") != Some(&sim.user)
        || p.str("authenticationPassword") != Some(&sim.password)
    {
        return Err(check::Fault::new(14, "authorization failed"));
    }
    let mut st = sim.state.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(code) = st.fault {
        return Err(check::Fault::new(code, "injected fault"));
    }
    methods::handle(&mut st, &method, &p, Instant::now())
}
