//! A TelePresence Server 4.3 simulator of the XML-RPC calls bridgebook makes: conferences
//! (create with a required participantMediaResources, modify, destroy, enumerate with a
//! cookie), dial-out participants, resource query and status. Credentials in every call
//! (fault 14), media credits rounded down to the levels and checked against the tokens
//! (fault 53), duplicate URIs (fault 18), relative start times, a conference limit (fault
//! 6), and knobs: a fault code for every call, down (503), slow, and the capacity.
use super::server::Running;
use super::xmlrpc::{authenticated, failed, ok};
use super::xmlrpc::{members, Value};
use actix_web::{web, HttpResponse};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, PartialEq)]
pub struct Conference {
    pub id: String,
    pub reference: String,
    pub name: String,
    pub uris: Vec<(String, Option<String>)>,
    /// Seconds to wait before starting, as the client sent it.
    pub start_time: i64,
    pub duration: i64,
    pub credits: i64,
    /// Dial-out participants: (participantReference, address).
    pub participants: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct State {
    pub conferences: Vec<Conference>,
    pub creates: u64,
    /// Answer every call with this fault code.
    pub fault: Option<i64>,
    /// Answer 503 to everything.
    pub down: bool,
    /// What system.info says ("flexible": remotely managed, as the flex API needs).
    pub operation_mode: String,
    /// Wait this long before answering.
    pub delay: std::time::Duration,
    pub max_conferences: usize,
    pub max_media_credits: i64,
    next: u64,
}

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

/// The document's media credit levels (Table 5), kept apart from the adapter's so that the
/// simulator checks the adapter against the document, not against itself.
const CREDIT_LEVELS: [i64; 10] = [48, 315, 630, 840, 1260, 2520, 3780, 5040, 7560, 10080];

/// What a device does with a credit value that is not a level: rounds it down.
fn rounded_credits(credits: i64) -> i64 {
    CREDIT_LEVELS
        .iter()
        .copied()
        .filter(|l| *l <= credits)
        .max()
        .unwrap_or(0)
}

/// Conferences per enumerate page, so clients must follow the cookie.
const PAGE: usize = 2;

impl TsSim {
    pub fn start(listen: &str, user: &str, password: &str) -> std::io::Result<TsSim> {
        let state = Arc::new(Mutex::new(State {
            max_conferences: 100,
            max_media_credits: 100_800,
            operation_mode: "flexible".into(),
            ..State::default()
        }));
        let sim = web::Data::new(Sim {
            state: state.clone(),
            user: user.to_string(),
            password: password.to_string(),
        });
        let running = Running::start(listen, move |cfg| {
            cfg.app_data(sim.clone())
                .route("/RPC2", web::post().to(rpc));
        })?;
        Ok(TsSim {
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

fn done() -> HttpResponse {
    ok(members(vec![(
        "status",
        Value::Str("operation successful".into()),
    )]))
}

fn uris_of(p: &Value) -> Vec<(String, Option<String>)> {
    p.array("URIs")
        .iter()
        .filter_map(|u| Some((u.str("URI")?.to_string(), u.str("PIN").map(str::to_string))))
        .collect()
}

async fn rpc(body: String, sim: web::Data<Sim>) -> HttpResponse {
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
    let (method, p) = match authenticated(&body, &sim.user, &sim.password) {
        Ok(call) => call,
        Err((code, text)) => return failed(code, text),
    };
    let mut st = sim.state.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(code) = st.fault {
        return failed(code, "injected fault");
    }
    let find = |st: &State, p: &Value| {
        p.str("conferenceID")
            .and_then(|id| st.conferences.iter().position(|c| c.id == id))
    };
    let taken = |st: &State, uris: &[(String, Option<String>)], except: Option<&str>| {
        st.conferences
            .iter()
            .filter(|c| Some(c.id.as_str()) != except)
            .any(|c| c.uris.iter().any(|(u, _)| uris.iter().any(|(v, _)| v == u)))
    };
    match method.as_str() {
        "flex.conference.create" => {
            let Some(media) = p.member("participantMediaResources") else {
                return failed(101, "missing parameter: participantMediaResources");
            };
            let tokens: i64 = [
                "mediaTokensMainVideo",
                "mediaTokensExtendedVideo",
                "mediaTokensAudio",
            ]
            .iter()
            .filter_map(|k| media.member(k).and_then(|t| t.int("total")))
            .sum();
            let credits = rounded_credits(media.int("numMediaCredits").unwrap_or(0));
            if credits < tokens {
                return failed(53, "insufficient media credits or tokens");
            }
            if st.conferences.len() >= st.max_conferences {
                return failed(6, "too many conferences");
            }
            let uris = uris_of(&p);
            if taken(&st, &uris, None) {
                return failed(18, "duplicate URI");
            }
            st.next += 1;
            st.creates += 1;
            let id = format!("b9852090-f5b9-11e1-8ac5-{:012x}", st.next);
            st.conferences.push(Conference {
                id: id.clone(),
                reference: p.str("conferenceReference").unwrap_or("").to_string(),
                name: p.str("conferenceName").unwrap_or("").to_string(),
                uris,
                start_time: p.int("startTime").unwrap_or(0),
                duration: p.int("duration").unwrap_or(0),
                credits,
                participants: Vec::new(),
            });
            ok(members(vec![("conferenceID", Value::Str(id))]))
        }
        "flex.conference.modify" => {
            let Some(i) = find(&st, &p) else {
                return failed(4, "conferenceID: no such conference");
            };
            if p.member("URIs").is_some() {
                let uris = uris_of(&p);
                let id = st.conferences[i].id.clone();
                if taken(&st, &uris, Some(&id)) {
                    return failed(18, "duplicate URI");
                }
                st.conferences[i].uris = uris;
            }
            if let Some(n) = p.str("conferenceName") {
                st.conferences[i].name = n.to_string();
            }
            if let Some(d) = p.int("duration") {
                st.conferences[i].duration = d;
            }
            done()
        }
        "flex.conference.destroy" => match find(&st, &p) {
            Some(i) => {
                st.conferences.remove(i);
                done()
            }
            None => failed(4, "conferenceID: no such conference"),
        },
        "flex.conference.enumerate" => {
            let from: usize = p.str("cookie").and_then(|c| c.parse().ok()).unwrap_or(0);
            let page: Vec<Value> = st
                .conferences
                .iter()
                .skip(from)
                .take(PAGE)
                .map(|c| {
                    members(vec![
                        ("conferenceID", Value::Str(c.id.clone())),
                        ("conferenceReference", Value::Str(c.reference.clone())),
                        ("conferenceName", Value::Str(c.name.clone())),
                    ])
                })
                .collect();
            let more = from + PAGE < st.conferences.len();
            let mut answer = vec![("conferences", Value::Array(page))];
            if more {
                answer.push(("moreAvailable", Value::Bool(true)));
                answer.push(("cookie", Value::Str((from + PAGE).to_string())));
            }
            ok(members(answer))
        }
        "flex.participant.create" => {
            let Some(i) = find(&st, &p) else {
                return failed(4, "conferenceID: no such conference");
            };
            let address = p
                .array("calls")
                .first()
                .and_then(|c| c.str("address"))
                .unwrap_or("")
                .to_string();
            if address.is_empty() {
                return failed(101, "missing parameter: address");
            }
            let reference = p.str("participantReference").unwrap_or("").to_string();
            st.conferences[i].participants.push((reference, address));
            ok(members(vec![(
                "participantID",
                Value::Str(format!("p{}", st.conferences[i].participants.len())),
            )]))
        }
        "flex.participant.enumerate" => {
            let Some(i) = find(&st, &p) else {
                return failed(4, "conferenceID: no such conference");
            };
            let list = st.conferences[i]
                .participants
                .iter()
                .map(|(r, _)| members(vec![("participantReference", Value::Str(r.clone()))]))
                .collect();
            ok(members(vec![("participants", Value::Array(list))]))
        }
        "system.info" => ok(members(vec![
            ("operationMode", Value::Str(st.operation_mode.clone())),
            ("licenseMode", Value::Str("flexible".into())),
            ("clusterType", Value::Str("unclustered".into())),
            ("softwareVersion", Value::Str("4.3".into())),
        ])),
        "flex.resource.query" => ok(members(vec![
            ("maxConferences", Value::Int(st.max_conferences as i64)),
            ("maxMediaCredits", Value::Int(st.max_media_credits)),
        ])),
        "flex.resource.status" => ok(members(vec![
            ("numConferences", Value::Int(st.conferences.len() as i64)),
            (
                "allocatedMediaCredits",
                Value::Int(st.conferences.iter().map(|c| c.credits).sum()),
            ),
        ])),
        _ => failed(1, "method not supported"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_round_down_to_a_level() {
        let rounded = [
            (47, 0),
            (48, 48),
            (5000, 3780),
            (5040, 5040),
            (99999, 10080),
        ];
        for (credits, want) in rounded {
            assert_eq!(rounded_credits(credits), want, "{credits}");
        }
    }
}
