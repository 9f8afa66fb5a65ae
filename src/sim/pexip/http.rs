//! The HTTP face: Basic auth, fault knobs, the in-flight count, and routing of the
//! configuration, status, history and command families (the paths of l.236-285, l.961-978,
//! l.1435-1440 and l.1686-1704 of `shared/spec/pexip-infinity-management-api-v14.txt`).
use super::query::page;
use super::store::{ApiError, Patched, Res};
use super::{lock, FaultAction, JournalEntry, State};
use crate::sim::form::parse_pairs;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

pub struct Sim {
    state: Arc<Mutex<State>>,
    username: String,
    password: String,
}

impl Sim {
    pub fn new(state: Arc<Mutex<State>>, username: &str, password: &str) -> Sim {
        Sim {
            state,
            username: username.to_string(),
            password: password.to_string(),
        }
    }
}

struct Reply {
    status: u16,
    body: Option<Value>,
    /// A created object's URI; the response carries it absolute.
    location: Option<String>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            location: None,
        }
    }

    fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: None,
            location: None,
        }
    }
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Reply {
        Reply::json(e.status, e.body)
    }
}

/// Releases the in-flight slot however the request ends (a client that gives up drops it).
struct InFlight(Arc<Mutex<State>>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut s = lock(&self.0);
        s.in_flight = s.in_flight.saturating_sub(1);
    }
}

pub async fn handle(req: HttpRequest, body: web::Bytes, sim: web::Data<Sim>) -> HttpResponse {
    let method = req.method().as_str().to_string();
    let path = req.path().to_string();
    let query = req.query_string().to_string();
    let journal = |s: &mut State, status: u16| {
        s.journal.push(JournalEntry {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            status,
        })
    };
    let early = |s: &mut State, reply: Reply| {
        journal(s, reply.status);
        respond(&req, reply)
    };
    let (fault, slow, slot) = {
        let mut s = lock(&sim.state);
        s.counters.requests += 1;
        if s.knobs.down {
            return early(
                &mut s,
                Reply::json(503, json!({"error": "Service Unavailable"})),
            );
        }
        // "All access to the management API is authenticated" (l.183), with the web admin
        // user's credentials (l.185) sent as `auth=(user, password)` (l.378).
        if !crate::sim::basic::carries(&req, &sim.username, &sim.password) {
            s.counters.unauthorized += 1;
            journal(&mut s, 401);
            return HttpResponse::Unauthorized()
                .insert_header(("WWW-Authenticate", "Basic realm=\"api\""))
                .content_type("application/json")
                .body(
                    r#"{"error": "Authentication credentials were not provided or are invalid."}"#,
                );
        }
        if let Some(status) = s.knobs.error_status {
            return early(
                &mut s,
                Reply::json(status, json!({"error": "injected fault"})),
            );
        }
        let fault = take_fault(&mut s, &method, &path);
        if let Some(FaultAction::Status(status)) = fault {
            return early(
                &mut s,
                Reply::json(status, json!({"error": "injected fault"})),
            );
        }
        s.in_flight += 1;
        if s.in_flight > s.knobs.max_in_flight {
            s.counters.limit_violations += 1;
        }
        s.counters.peak_in_flight = s.counters.peak_in_flight.max(s.in_flight as u64);
        (fault, s.knobs.slow, InFlight(sim.state.clone()))
    };
    if !slow.is_zero() {
        actix_web::rt::time::sleep(slow).await;
    }
    let reply = {
        let mut s = lock(&sim.state);
        let content_type = req
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let reply = route(&mut s, &method, &path, &query, content_type, &body);
        journal(&mut s, reply.status);
        reply
    };
    drop(slot);
    if let Some(FaultAction::LoseResponse(stall)) = fault {
        actix_web::rt::time::sleep(stall).await;
    }
    respond(&req, reply)
}

fn take_fault(s: &mut State, method: &str, path: &str) -> Option<FaultAction> {
    let at = s.faults.iter().position(|f| {
        (f.method.is_empty() || f.method.eq_ignore_ascii_case(method))
            && path.starts_with(&f.path_prefix)
            && f.times > 0
    })?;
    let f = &mut s.faults[at];
    f.times -= 1;
    let action = f.action;
    if f.times == 0 {
        s.faults.remove(at);
    }
    Some(action)
}

fn respond(req: &HttpRequest, reply: Reply) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(reply.status)
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = HttpResponse::build(status);
    r.content_type("application/json");
    if let Some(uri) = reply.location {
        let info = req.connection_info();
        r.insert_header((
            "Location",
            format!("{}://{}{uri}", info.scheme(), info.host()),
        ));
    }
    match reply.body {
        Some(b) => r.body(b.to_string()),
        None => r.finish(),
    }
}

fn route(s: &mut State, method: &str, path: &str, query: &str, ctype: &str, body: &[u8]) -> Reply {
    let Some(rest) = path.strip_prefix("/api/admin/") else {
        return Reply::json(404, json!({}));
    };
    // The methods of each family: configuration GET/POST/PATCH/DELETE (l.310-314), status
    // and history GET (l.992-993, l.1446-1447), commands POST (l.1726-1727). No PUT.
    if method == "PUT" {
        return Reply::json(405, json!({}));
    }
    let segs: Vec<&str> = rest.split('/').filter(|x| !x.is_empty()).collect();
    let query = parse_pairs(query);
    match segs.as_slice() {
        ["configuration", "v1", res, tail @ ..] => match Res::from_segment(res) {
            Some(res) => configuration(s, method, path, &query, res, tail, body),
            None => Reply::json(404, json!({})),
        },
        ["status", "v1", tail @ ..] if method == "GET" => status(s, path, &query, tail),
        ["status", "v1", ..] => Reply::json(405, json!({})),
        ["history", "v1", tail @ ..] if method == "GET" => history(s, path, &query, tail),
        ["history", "v1", ..] => Reply::json(405, json!({})),
        ["command", "v1", group, command] if method == "POST" => {
            let args = arguments(ctype, body);
            run_command(s, group, command, &args)
        }
        ["command", "v1", ..] => Reply::json(405, json!({})),
        _ => Reply::json(404, json!({})),
    }
}

fn json_body(body: &[u8]) -> Result<Value, Reply> {
    serde_json::from_slice(body)
        .map_err(|_| Reply::json(400, json!({"error": "Invalid JSON body."})))
}

/// Command bodies come form-encoded (the examples' `data={...}`, l.1764) or as JSON
/// (`json.dumps`, l.2025).
fn arguments(ctype: &str, body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    if !ctype.starts_with("application/x-www-form-urlencoded") {
        if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(&text) {
            return v;
        }
    }
    let pairs = parse_pairs(&text);
    Value::Object(pairs.into_iter().map(|(k, v)| (k, json!(v))).collect())
}

fn configuration(
    s: &mut State,
    method: &str,
    path: &str,
    query: &[(String, String)],
    res: Res,
    tail: &[&str],
    body: &[u8],
) -> Reply {
    match (method, tail) {
        ("GET", []) => page(
            path,
            query,
            s.store.views(res),
            res.filterable(),
            s.knobs.page_links,
        )
        .map_or_else(Reply::from, |v| Reply::json(200, v)),
        ("POST", []) => {
            if res == Res::Conference {
                s.counters.conference_posts += 1;
            }
            let body = match json_body(body) {
                Ok(b) => b,
                Err(r) => return r,
            };
            match s.store.create(res, &body) {
                // "The response to the POST method will contain a Location header which
                // contains the REST URI of the newly created resource" (l.326).
                Ok(id) => Reply {
                    status: 201,
                    body: None,
                    location: Some(res.uri(id)),
                },
                Err(e) => e.into(),
            }
        }
        // Many objects at once: `resource_uri` for those that exist, none for new ones
        // (l.340-344).
        ("PATCH", []) => {
            let body = match json_body(body) {
                Ok(b) => b,
                Err(r) => return r,
            };
            let Some(items) = body.get("objects").and_then(Value::as_array) else {
                return Reply::json(400, json!({"error": "Expected {\"objects\": [...]}."}));
            };
            for item in items {
                let outcome = match item.get("resource_uri").and_then(Value::as_str) {
                    Some(uri) => match res.id_in(uri) {
                        Some(id) => patch_counted(s, res, id, item),
                        None => Err(ApiError::not_found()),
                    },
                    None => s.store.create(res, item).map(|_| ()),
                };
                if let Err(e) = outcome {
                    return e.into();
                }
            }
            Reply::empty(202)
        }
        // "all the resource objects will be deleted" (l.348).
        ("DELETE", []) => {
            s.counters.root_deletes += 1;
            s.store
                .delete_all(res)
                .map_or_else(Reply::from, |_| Reply::empty(204))
        }
        (_, [id]) => {
            let Ok(id) = id.parse::<u64>() else {
                return Reply::json(404, json!({}));
            };
            match method {
                "GET" => match s.store.view(res, id) {
                    Some(v) => Reply::json(200, v),
                    None => ApiError::not_found().into(),
                },
                "PATCH" => match json_body(body) {
                    Ok(b) => patch_counted(s, res, id, &b)
                        .map_or_else(Reply::from, |_| Reply::empty(202)),
                    Err(r) => r,
                },
                "DELETE" => s
                    .store
                    .delete(res, id)
                    .map_or_else(Reply::from, |_| Reply::empty(204)),
                _ => Reply::json(405, json!({})),
            }
        }
        _ => Reply::json(404, json!({})),
    }
}

fn patch_counted(s: &mut State, res: Res, id: u64, body: &Value) -> Result<(), ApiError> {
    if s.store.patch(res, id, body)? == Patched::Unchanged {
        s.counters.redundant_patches += 1;
    }
    Ok(())
}

/// One object of a list by its id (l.980-986).
fn one(objects: Vec<Value>, id: &str) -> Reply {
    objects
        .into_iter()
        .find(|o| {
            o["id"].as_str() == Some(id) || o["id"].as_u64().is_some_and(|n| id.parse() == Ok(n))
        })
        .map_or_else(|| ApiError::not_found().into(), |o| Reply::json(200, o))
}

fn status(s: &mut State, path: &str, query: &[(String, String)], tail: &[&str]) -> Reply {
    // Status lists page and filter as configuration lists do (l.995-997).
    let links = s.knobs.page_links;
    let listed = |objects: Vec<Value>, fields: &[&str]| {
        page(path, query, objects, fields, links).map_or_else(Reply::from, |v| Reply::json(200, v))
    };
    let live = &s.live;
    match tail {
        // Filtered by `service_type` (l.1040) or by name.
        ["conference"] => listed(live.instances(), &["name", "service_type", "tag"]),
        ["conference", id] => one(live.instances(), id),
        // "supplying a query parameter to specify the VMR": `?conference=VMR_1` (l.1049-1057).
        ["participant"] => listed(
            live.participants(),
            &[
                "conference",
                "call_direction",
                "display_name",
                "role",
                "protocol",
            ],
        ),
        ["participant", id] => one(live.participants(), id),
        ["system_location"] => listed(
            live.locations
                .iter()
                .map(|l| live.location_view(l))
                .collect(),
            &["name"],
        ),
        ["system_location", id, rest @ ..] => {
            let Some(l) = live.locations.iter().find(|l| l.id.to_string() == *id) else {
                return ApiError::not_found().into();
            };
            match rest {
                [] => Reply::json(200, live.location_view(l)),
                // l.1221-1236.
                ["statistics"] => Reply::json(200, live.statistics(l)),
                _ => Reply::json(404, json!({})),
            }
        }
        _ => Reply::json(404, json!({})),
    }
}

fn history(s: &mut State, path: &str, query: &[(String, String)], tail: &[&str]) -> Reply {
    // History lists page and filter too (l.1449-1451): participants by their conference
    // instance (l.1506) or end time (l.1642).
    let links = s.knobs.page_links;
    let listed = |objects: Vec<Value>, fields: &[&str]| {
        page(path, query, objects, fields, links).map_or_else(Reply::from, |v| Reply::json(200, v))
    };
    let live = &s.live;
    match tail {
        ["conference"] => listed(
            live.history_conferences(),
            &["name", "service_type", "start_time", "end_time", "tag"],
        ),
        ["conference", id] => one(live.history_conferences(), id),
        ["participant"] => listed(
            live.history_participants(),
            &[
                "conference",
                "conference_name",
                "display_name",
                "start_time",
                "end_time",
            ],
        ),
        ["participant", id] => one(live.history_participants(), id),
        _ => Reply::json(404, json!({})),
    }
}

/// The argument a conference or participant command names its object by (l.1788, l.1818).
fn id_arg(args: &Value, k: &str) -> Result<String, (&'static str, String)> {
    let k: &'static str = if k == "conference_id" {
        "conference_id"
    } else {
        "participant_id"
    };
    match args.get(k) {
        Some(Value::String(v)) if !v.is_empty() => Ok(v.clone()),
        _ => Err((k, "This field is required.".into())),
    }
}

fn run_command(s: &mut State, group: &str, command: &str, args: &Value) -> Reply {
    type Ran = Result<Result<Value, String>, (&'static str, String)>;
    let by = |k: &str, f: &mut dyn FnMut(&str) -> Result<Value, String>| -> Ran {
        id_arg(args, k).map(|id| f(&id))
    };
    let live = &mut s.live;
    let outcome: Ran = match (group, command) {
        ("participant", "dial") => live.dial(&s.store, args),
        ("participant", "disconnect") => {
            by("participant_id", &mut |id| live.disconnect_participant(id))
        }
        ("conference", "disconnect") => {
            by("conference_id", &mut |id| live.disconnect_conference(id))
        }
        ("conference", "lock") => by("conference_id", &mut |id| live.set_locked(id, true)),
        ("conference", "unlock") => by("conference_id", &mut |id| live.set_locked(id, false)),
        ("participant", "mute" | "unmute" | "unlock" | "transfer")
        | (
            "conference",
            "mute_guests"
            | "unmute_guests"
            | "sync"
            | "send_conference_email"
            | "send_device_email",
        )
        | (
            "platform",
            "backup_create" | "backup_restore" | "certificates_import" | "start_cloudnode",
        ) => Ok(Ok(json!({}))),
        _ => return Reply::json(404, json!({})),
    };
    match outcome {
        // "status: success or error ... message: An informational message string if the
        // result was error ... data: Command-specific response data" (l.1731-1736).
        Ok(Ok(data)) => Reply::json(
            200,
            json!({"status": "success", "message": "", "data": data}),
        ),
        Ok(Err(message)) => Reply::json(
            200,
            json!({"status": "error", "message": message, "data": {}}),
        ),
        // An argument the command cannot take: a 400 shaped as the guide's only one,
        // `{<command>: {<field>: [<message>]}}` (l.2037).
        Err((field, message)) => Reply::json(400, json!({ command: { field: [message] } })),
    }
}
