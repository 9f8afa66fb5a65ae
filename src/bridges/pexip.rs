//! Pexip Infinity, through the Management Node's Management API (v14). Line numbers
//! ("l.NNN") are those of `shared/spec/pexip-infinity-management-api-v14.txt`.
//!
//! A meeting is a Virtual Meeting Room (a `conference` service) named and tagged with the
//! meeting's reference, with its SIP URI and numeric id as aliases. A VMR has no start or
//! end: it is configuration, and a conference instance exists in it only while someone is
//! in it (l.157). So the meeting lives from provisioning to tear-down, whatever its times
//! say, and a moved start or end changes nothing on the bridge.
//!
//! The calls are placed at the start by the command API's `participant/dial/` into the
//! room's alias (l.1742-1776): the first dial itself starts the conference. Automatically
//! Dialed Participants are not used: they dial "whenever a related conference starts"
//! (l.616), and at the start of an Automatic Call Launch meeting nobody has joined to start
//! it, so they would call nobody then, and would call again whenever the room empties and
//! someone enters it. Each call's state is read back from the status API (the live
//! participants, l.1047-1138) and, for one that ended, the history API (its
//! `disconnect_reason`, l.1496-1631).
//!
//! Configuration takes effect on the conferencing nodes some time after the Management Node
//! accepts it ("not usually more than approximately 60s", l.205): a 2xx means stored, not
//! dialable. Provisioning runs the launcher's lead time ahead of the start; a dial the nodes
//! refuse because they do not know the room yet is worth retrying.
mod api;

use super::tls::ClientTls;
use crate::bridges::{Adapter, BridgeError, Call, CallReport, CallState, Health, Meeting};
use api::{path_of, Api};
use serde_json::{json, Map, Value};
use std::time::Duration;

const SERVICES: &str = "/api/admin/configuration/v1/conference/";
const ALIASES: &str = "/api/admin/configuration/v1/conference_alias/";
const INSTANCES: &str = "/api/admin/status/v1/conference/";
const PARTICIPANTS: &str = "/api/admin/status/v1/participant/";
const STATUS_LOCATIONS: &str = "/api/admin/status/v1/system_location/";
const ENDED_PARTICIPANTS: &str = "/api/admin/history/v1/participant/";
const DISCONNECT: &str = "/api/admin/command/v1/conference/disconnect/";
const DIAL: &str = "/api/admin/command/v1/participant/dial/";

/// Tries of a create whose answer was lost (each after looking for what it may have made).
const CREATE_TRIES: usize = 2;
/// Text fields are kept this short. The guide leaves lengths to the schema (l.176) and
/// gives none; 250 characters is what Pexip's schemas allow its names and descriptions.
const TEXT_MAX: usize = 250;

pub struct Pexip {
    base: String,
    username: String,
    password: String,
    /// The system location (by name) calls are placed from and whose load health reports.
    system_location: Option<String>,
    agent: ureq::Agent,
    tls: ClientTls,
}

impl Pexip {
    /// `base` is the Management Node, e.g. "https://pexip-mgr.example.com".
    pub fn new(
        base: &str,
        username: &str,
        password: &str,
        system_location: Option<String>,
    ) -> Pexip {
        Pexip {
            base: base.trim_end_matches('/').to_string(),
            username: username.to_string(),
            password: password.to_string(),
            system_location,
            agent: api::agent(api::TIMEOUT, &None),
            tls: None,
        }
    }

    /// The same adapter with another per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Pexip {
        self.agent = api::agent(timeout, &self.tls);
        self
    }

    /// The same adapter checking the server's certificate as `tls` says.
    pub fn with_tls(mut self, tls: &ClientTls) -> Pexip {
        self.tls = tls.clone();
        self.agent = api::agent(api::TIMEOUT, tls);
        self
    }

    fn api(&self) -> Api {
        Api::new(
            &self.base,
            &self.username,
            &self.password,
            self.agent.clone(),
        )
    }
}

impl std::fmt::Debug for Pexip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pexip")
            .field("base", &self.base)
            .field("username", &self.username)
            .field("system_location", &self.system_location)
            .finish_non_exhaustive()
    }
}

fn refused(code: &str, message: String) -> BridgeError {
    BridgeError::Refused {
        code: code.into(),
        message,
    }
}

fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field].as_str().unwrap_or("")
}

fn uri_of(v: &Value) -> Result<String, BridgeError> {
    match v["resource_uri"].as_str() {
        Some(u) => Ok(path_of(u)),
        None => Err(refused(
            "bad_response",
            "an object without a resource_uri".into(),
        )),
    }
}

fn same_uri(a: &str, b: &str) -> bool {
    path_of(a).trim_end_matches('/') == path_of(b).trim_end_matches('/')
}

fn shortened(s: &str) -> String {
    s.chars().take(TEXT_MAX).collect()
}

/// The room as the meeting wants it: the fields the adapter owns, and the aliases.
#[derive(Debug, Clone, PartialEq)]
struct Room {
    fields: Map<String, Value>,
    aliases: Vec<String>,
}

/// The meeting as a VMR (fields as at l.403-430). `tag` carries the reference too: a room
/// whose tag is not its own name was not made by bridgebook, however similar its name.
fn wanted(m: &Meeting) -> Room {
    let mut fields = Map::new();
    fields.insert("service_type".into(), json!("conference"));
    fields.insert("description".into(), json!(shortened(&m.title)));
    // `pin` is the host PIN; with no guests allowed every participant is a host and enters
    // with it (l.418, l.425, l.1855).
    fields.insert("pin".into(), json!(m.pin.clone().unwrap_or_default()));
    fields.insert("allow_guests".into(), json!(false));
    let limit = (m.max_participants > 0).then_some(m.max_participants);
    fields.insert("participant_limit".into(), json!(limit));
    // The call rate of each participant, both ways (l.421-422). The guide gives no unit;
    // Pexip's schemas take bits per second.
    let rate = (m.bandwidth_kbps > 0).then(|| u64::from(m.bandwidth_kbps) * 1000);
    fields.insert("max_callrate_in".into(), json!(rate));
    fields.insert("max_callrate_out".into(), json!(rate));
    fields.insert("tag".into(), json!(shortened(&m.reference)));
    let mut aliases = Vec::new();
    if !m.sip_uri.is_empty() {
        aliases.push(m.sip_uri.clone());
    }
    if m.number > 0 {
        aliases.push(m.number.to_string());
    }
    Room { fields, aliases }
}

/// The fields of `room` that differ from what is wanted: only those are PATCHed, since the
/// guide asks clients not to write the same values again (l.219).
fn changes(room: &Value, want: &Map<String, Value>) -> Map<String, Value> {
    want.iter()
        .filter(|(k, v)| room[k.as_str()] != **v)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The aliases a room holds, as embedded in it (l.404-411): (alias, id).
fn held_aliases(room: &Value) -> Vec<(String, Option<u64>)> {
    room["aliases"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| (text(a, "alias").to_string(), a["id"].as_u64()))
        .collect()
}

/// Whether a room listed under `prefix` is one of ours: its name starts with the prefix
/// and its tag is its own name (someone's copy of our room under another name keeps our
/// tag, not its own name).
fn is_ours(room: &Value, prefix: &str) -> bool {
    let name = text(room, "name");
    name.starts_with(prefix) && !name.is_empty() && text(room, "tag") == shortened(name)
}

/// The name a call's participant carries on the bridge (`remote_display_name`, l.1767,
/// shown back as `display_name`, l.1075): the meeting's reference and the call's key, so a
/// retried `call` finds the participant an earlier one placed.
fn participant_name(reference: &str, key: &str) -> String {
    let key: String = key.chars().take(TEXT_MAX / 2).collect();
    let room = TEXT_MAX - 1 - key.chars().count();
    let reference: String = reference.chars().take(room).collect();
    format!("{reference}/{key}")
}

/// A live participant's state: connected once the status API gives its `connect_time`
/// (l.1073); before that it is still being called.
fn state_of(participant: &Value) -> CallState {
    if text(participant, "connect_time").is_empty() {
        CallState::Calling
    } else {
        CallState::Connected
    }
}

/// Each call once, by key.
fn distinct(calls: &[Call]) -> Vec<&Call> {
    let mut out: Vec<&Call> = Vec::new();
    for c in calls {
        if !out.iter().any(|o| o.key == c.key) {
            out.push(c);
        }
    }
    out
}

/// Whether a refused change may be undone: the aliases this pass added go again.
struct Added<'a> {
    api: &'a Api,
    ids: Vec<String>,
}

impl Added<'_> {
    fn undo(self) {
        for at in self.ids {
            if let Err(e) = self.api.delete(&at) {
                tracing::warn!(
                    "Pexip: could not remove the alias {at} added for a refused change: {e}"
                );
            }
        }
    }
}

impl Pexip {
    /// The room named exactly `name`, looked for through every page of the name filter
    /// (l.2131-2134); the match is checked here too, so a server that ignored the filter
    /// cannot hand back another room.
    fn find_room(&self, api: &Api, name: &str) -> Result<Option<Value>, BridgeError> {
        let rooms = api.list(SERVICES, &[("name", name)])?;
        Ok(rooms.into_iter().find(|r| text(r, "name") == name))
    }

    /// POST always allocates a new object (l.330), so one whose answer was lost (a
    /// timeout, a dropped connection, a 5xx) may have been stored: `find` looks for it
    /// before the POST is tried again. Answers the object as read back from its Location
    /// (l.326).
    fn create(
        &self,
        api: &Api,
        path: &str,
        body: &Value,
        find: &dyn Fn(&Api) -> Result<Option<Value>, BridgeError>,
    ) -> Result<Value, BridgeError> {
        let mut failure = None;
        for _ in 0..CREATE_TRIES {
            match api.post(path, body) {
                Ok(location) => {
                    let created = match location {
                        Some(at) => api.get(&at, &[])?,
                        None => find(api)?,
                    };
                    return created.ok_or_else(|| {
                        refused(
                            "bad_response",
                            format!("POST {path}: the created object is missing"),
                        )
                    });
                }
                Err(e) => {
                    // A 400 may be a concurrent creator having won the unique name.
                    let lost = matches!(&e, BridgeError::Unreachable(_))
                        || matches!(&e, BridgeError::Refused { code, .. } if code == "400");
                    if !lost {
                        return Err(e);
                    }
                    if let Some(found) = find(api)? {
                        return Ok(found);
                    }
                    if matches!(e, BridgeError::Refused { .. }) {
                        return Err(e);
                    }
                    failure = Some(e);
                }
            }
        }
        Err(failure.unwrap_or_else(|| BridgeError::Unreachable(format!("POST {path}"))))
    }

    /// The alias `alias` made to point at `room` (l.450-469); answers its URI. An alias
    /// already pointing elsewhere leads callers to another service (l.1748-1750), and is
    /// not taken over.
    fn add_alias(&self, api: &Api, room: &str, alias: &str) -> Result<String, BridgeError> {
        let find = |api: &Api| -> Result<Option<Value>, BridgeError> {
            let found = api.list(ALIASES, &[("alias", alias)])?;
            Ok(found.into_iter().find(|a| text(a, "alias") == alias))
        };
        let existing = match find(api)? {
            Some(a) => a,
            None => self.create(
                api,
                ALIASES,
                &json!({"alias": alias, "conference": room}),
                &find,
            )?,
        };
        if same_uri(text(&existing, "conference"), room) {
            uri_of(&existing)
        } else {
            Err(refused(
                "alias_in_use",
                format!("the alias {alias} belongs to another service"),
            ))
        }
    }

    /// ADPs linked to the room came from an earlier bridgebook: they would dial a second
    /// time when the first dial starts the conference (l.616). They are unlinked (deleted
    /// when they serve no other room; PATCH replaces the whole link list, l.629-661).
    fn drop_adps(&self, api: &Api, room: &Value, at: &str) -> Result<(), BridgeError> {
        for item in room["automatic_participants"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let uri = item
                .as_str()
                .or_else(|| item["resource_uri"].as_str())
                .map(path_of);
            let Some(uri) = uri else { continue };
            let Some(adp) = api.get(&uri, &[])? else {
                continue;
            };
            let others: Vec<Value> = adp["conference"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| !c.as_str().is_some_and(|c| same_uri(c, at)))
                .cloned()
                .collect();
            if others.is_empty() {
                api.delete(&uri)?;
            } else {
                api.patch(&uri, &json!({ "conference": others }))?;
            }
        }
        Ok(())
    }

    /// Brings an existing room to the meeting. New aliases go first and the fields next,
    /// so a refusal of either leaves the room as it was (what this pass added is removed
    /// again); the aliases no longer wanted go last.
    fn update(&self, api: &Api, room: &Value, want: &Room) -> Result<bool, BridgeError> {
        let at = uri_of(room)?;
        let held = held_aliases(room);
        let mut added = Added {
            api,
            ids: Vec::new(),
        };
        for alias in want
            .aliases
            .iter()
            .filter(|a| !held.iter().any(|(h, _)| h == *a))
        {
            match self.add_alias(api, &at, alias) {
                Ok(uri) => added.ids.push(uri),
                Err(e) => {
                    added.undo();
                    return Err(e);
                }
            }
        }
        let diff = changes(room, &want.fields);
        if !diff.is_empty() {
            if let Err(e) = api.patch(&at, &Value::Object(diff.clone())) {
                added.undo();
                return Err(e);
            }
        }
        let mut wrote = !added.ids.is_empty() || !diff.is_empty();
        for (alias, id) in held.iter().filter(|(h, _)| !want.aliases.contains(h)) {
            match id {
                Some(id) => api.delete(&format!("{ALIASES}{id}/"))?,
                None => {
                    return Err(refused(
                        "bad_response",
                        format!("the alias {alias} has no id"),
                    ))
                }
            }
            wrote = true;
        }
        Ok(wrote)
    }

    /// Live participants of the conference in room `name` (`?conference=`, l.1049-1057),
    /// matched exactly.
    fn participants(&self, api: &Api, name: &str) -> Result<Vec<Value>, BridgeError> {
        let live = api.list(PARTICIPANTS, &[("conference", name)])?;
        Ok(live
            .into_iter()
            .filter(|p| text(p, "conference") == name)
            .collect())
    }

    /// Live conference instances of the room named `name`.
    fn instances(&self, api: &Api, name: &str) -> Result<Vec<Value>, BridgeError> {
        let live = api.list(INSTANCES, &[("name", name)])?;
        Ok(live
            .into_iter()
            .filter(|c| text(c, "name") == name)
            .collect())
    }

    /// Dials one call into the room (l.1742-1776): from `location`, as a host ("chair",
    /// l.1770: a booked participant must not wait for a host), by the call's protocol, named
    /// so a later `call` finds it. Answers the participant id (l.1776).
    fn dial(
        &self,
        api: &Api,
        from: &str,
        call: &Call,
        name: &str,
        location: &str,
    ) -> Result<String, BridgeError> {
        let data = api.command(
            DIAL,
            &[
                ("conference_alias", from),
                ("destination", call.address.trim()),
                ("protocol", call.protocol.as_str()),
                ("role", "chair"),
                ("remote_display_name", name),
                ("system_location", location),
            ],
        )?;
        match data["participant_id"].as_str() {
            Some(id) if !id.is_empty() => Ok(id.to_string()),
            _ => Err(refused(
                "bad_response",
                format!("the dial of {} answered no participant_id", call.address),
            )),
        }
    }

    /// Where a call placed in this pass stands: live (status), ended with a reason
    /// (history, whose participant ids are the status API's, l.1078 and l.1614), or neither
    /// yet.
    fn placed_state(
        &self,
        api: &Api,
        live: &[Value],
        participant_id: &str,
    ) -> Result<CallState, BridgeError> {
        if let Some(p) = live.iter().find(|p| text(p, "id") == participant_id) {
            return Ok(state_of(p));
        }
        let ended = api.get(&format!("{ENDED_PARTICIPANTS}{participant_id}/"), &[])?;
        Ok(match ended {
            Some(p) => {
                let reason = text(&p, "disconnect_reason");
                CallState::Failed(if reason.is_empty() {
                    "the call ended".into()
                } else {
                    reason.to_string()
                })
            }
            None => CallState::Calling,
        })
    }
}

/// The alias calls come from and join through (l.1748-1750): one the room holds, its SIP
/// URI first.
fn dial_alias(room: &Value, m: &Meeting) -> Option<String> {
    let held = held_aliases(room);
    let holds = |a: &str| held.iter().any(|(h, _)| h == a);
    let number = m.number.to_string();
    if !m.sip_uri.is_empty() && holds(&m.sip_uri) {
        Some(m.sip_uri.clone())
    } else if m.number > 0 && holds(&number) {
        Some(number)
    } else {
        held.into_iter().map(|(a, _)| a).next()
    }
}

/// Whether a room read back holds what the meeting asked for.
fn check(room: &Value, want: &Room, name: &str) -> Result<(), BridgeError> {
    let mut wrong: Vec<String> = changes(room, &want.fields).keys().cloned().collect();
    if text(room, "name") != name {
        wrong.push("name".into());
    }
    let held = held_aliases(room);
    if !want
        .aliases
        .iter()
        .all(|a| held.iter().any(|(h, _)| h == a))
    {
        wrong.push("aliases".into());
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(refused(
            "not_stored",
            format!("room {name} reads back with other {}", wrong.join(", ")),
        ))
    }
}

impl Adapter for Pexip {
    /// A VMR has no times (l.403-430), so a moved start or end needs nothing here: the room
    /// is there until tear-down, and calls are placed by `call` at the start.
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError> {
        let api = self.api();
        let want = wanted(m);
        let name = m.reference.as_str();
        let find = |api: &Api| self.find_room(api, name);
        let room = match find(&api)? {
            Some(room) => room,
            None => {
                let mut body = want.fields.clone();
                body.insert("name".into(), json!(name));
                let nested: Vec<Value> =
                    want.aliases.iter().map(|a| json!({ "alias": a })).collect();
                // A room and its aliases in one POST (l.488-508).
                body.insert("aliases".into(), Value::Array(nested));
                // A create whose answer was lost may find an older room: the update below
                // brings it to the meeting too.
                self.create(&api, SERVICES, &Value::Object(body), &find)?
            }
        };
        let at = uri_of(&room)?;
        let wrote = self.update(&api, &room, &want)?;
        let had_adps = room["automatic_participants"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        self.drop_adps(&api, &room, &at)?;
        if !wrote && !had_adps {
            return check(&room, &want, name);
        }
        let stored = api.get(&at, &[])?.ok_or_else(|| {
            refused(
                "not_stored",
                format!("room {name} vanished while provisioned"),
            )
        })?;
        check(&stored, &want, name)
    }

    fn call(&self, m: &Meeting) -> Result<Vec<CallReport>, BridgeError> {
        let calls = distinct(&m.calls);
        if calls.is_empty() {
            return Ok(vec![]);
        }
        // "One or both of the node and system_location must be specified" (l.1751).
        let Some(location) = self.system_location.as_deref() else {
            return Err(refused(
                "no_system_location",
                format!(
                    "nobody was called in {}: Pexip places calls from a system location \
                     (participant/dial), and this bridge has none configured",
                    m.reference
                ),
            ));
        };
        let api = self.api();
        let room = self
            .find_room(&api, &m.reference)?
            .ok_or_else(|| refused("not_provisioned", format!("no room named {}", m.reference)))?;
        let from = dial_alias(&room, m).ok_or_else(|| {
            refused(
                "no_alias",
                format!("room {} has no alias to call from", m.reference),
            )
        })?;
        let live = self.participants(&api, &m.reference)?;
        let mut states: Vec<Option<CallState>> = Vec::new();
        let mut placed: Vec<(usize, String)> = Vec::new();
        let mut refusals: Vec<String> = Vec::new();
        for (i, call) in calls.iter().enumerate() {
            let name = participant_name(&m.reference, &call.key);
            if let Some(p) = live.iter().find(|p| text(p, "display_name") == name) {
                states.push(Some(state_of(p)));
                continue;
            }
            match self.dial(&api, &from, call, &name, location) {
                Ok(id) => {
                    placed.push((i, id));
                    states.push(None);
                }
                // The nodes ran the command and could not place the call.
                Err(BridgeError::Refused { code, message }) if code == "error" => {
                    refusals.push(message.clone());
                    states.push(Some(CallState::Failed(message)));
                }
                Err(e) => return Err(e),
            }
        }
        let reached = states
            .iter()
            .any(|s| matches!(s, Some(CallState::Connected | CallState::Calling)));
        if placed.is_empty() && !reached && !refusals.is_empty() {
            // The nodes took no call at all: most likely they do not know the room yet
            // (l.205). Nobody was called, so this is not a success; it is worth retrying.
            return Err(BridgeError::Unreachable(format!(
                "the conferencing nodes placed no call in {}: {} (configuration reaches \
                 them up to about a minute after it is written)",
                m.reference, refusals[0]
            )));
        }
        if !placed.is_empty() {
            let now_live = self.participants(&api, &m.reference)?;
            for (i, id) in &placed {
                states[*i] = Some(self.placed_state(&api, &now_live, id)?);
            }
        }
        Ok(calls
            .iter()
            .zip(states)
            .map(|(c, s)| CallReport {
                key: c.key.clone(),
                state: s.unwrap_or(CallState::Calling),
            })
            .collect())
    }

    fn conferences(&self, prefix: &str) -> Result<Vec<String>, BridgeError> {
        let api = self.api();
        // `startswith` (l.2137-2141), every page, and only rooms that are ours.
        let rooms = api.list(SERVICES, &[("name__startswith", prefix)])?;
        Ok(rooms
            .iter()
            .filter(|r| is_ours(r, prefix))
            .map(|r| text(r, "name").to_string())
            .collect())
    }

    fn tear_down(&self, reference: &str) -> Result<(), BridgeError> {
        let api = self.api();
        // The room goes first (its aliases with it, l.486), so nobody enters it again
        // while the running conference is ended.
        if let Some(room) = self.find_room(&api, reference)? {
            let at = uri_of(&room)?;
            self.drop_adps(&api, &room, &at)?;
            api.delete(&at)?;
        }
        for instance in self.instances(&api, reference)? {
            let id = text(&instance, "id");
            if let Err(e) = api.command(DISCONNECT, &[("conference_id", id)]) {
                // It may have ended on its own in the meantime.
                let still = self
                    .instances(&api, reference)?
                    .iter()
                    .any(|i| text(i, "id") == id);
                if still {
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    fn health(&self) -> Result<Health, BridgeError> {
        let api = self.api();
        let locations = api.list(STATUS_LOCATIONS, &[])?;
        let chosen: Vec<&Value> = match &self.system_location {
            Some(name) => locations
                .iter()
                .filter(|l| text(l, "name") == name)
                .collect(),
            None => locations.iter().collect(),
        };
        if let (Some(name), true) = (&self.system_location, chosen.is_empty()) {
            return Err(refused(
                "unknown_location",
                format!("no system location named {name}"),
            ));
        }
        let mut loads = Vec::new();
        for l in chosen {
            let Some(id) = l["id"].as_u64() else { continue };
            // "an estimate of the current media load" (l.1223).
            let stats = api.get(&format!("{STATUS_LOCATIONS}{id}/statistics/"), &[])?;
            // A percentage, sent as an integer or a float; 100 means no capacity (l.1315).
            if let Some(load) = stats.as_ref().and_then(|s| s["media_load"].as_f64()) {
                loads.push((load / 100.0).clamp(0.0, 1.0));
            }
        }
        let load = (!loads.is_empty()).then(|| loads.iter().sum::<f64>() / loads.len() as f64);
        let page = api
            .get(INSTANCES, &[("limit", "1")])?
            .ok_or_else(|| refused("404", format!("GET {INSTANCES}: no such collection")))?;
        let active = page["meta"]["total_count"]
            .as_u64()
            .or_else(|| page["objects"].as_array().map(|o| o.len() as u64))
            .unwrap_or(0);
        Ok(Health {
            load,
            active_conferences: Some(u32::try_from(active).unwrap_or(u32::MAX)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bridges::Protocol;
    use chrono::{TimeZone, Utc};

    fn meeting() -> Meeting {
        Meeting {
            reference: "bb-i1-7".into(),
            title: "Board".into(),
            number: 8107,
            sip_uri: "8107@vc.example.com".into(),
            pin: Some("1234".into()),
            start: Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2030, 1, 1, 10, 0, 0).unwrap(),
            calls: vec![],
            bandwidth_kbps: 768,
            max_participants: 0,
            participants: 3,
        }
    }

    #[test]
    fn a_room_carries_rate_tag_pin_and_both_aliases() {
        let r = wanted(&meeting());
        assert_eq!(r.fields["max_callrate_in"], json!(768_000));
        assert_eq!(r.fields["max_callrate_out"], json!(768_000));
        assert_eq!(r.fields["tag"], json!("bb-i1-7"));
        assert_eq!(r.fields["pin"], json!("1234"));
        assert_eq!(r.fields["participant_limit"], Value::Null);
        assert_eq!(r.aliases, vec!["8107@vc.example.com", "8107"]);
    }

    #[test]
    fn only_changed_fields_are_patched() {
        let r = wanted(&meeting());
        let mut room = Value::Object(r.fields.clone());
        assert!(changes(&room, &r.fields).is_empty());
        room["pin"] = json!("9999");
        room["extra"] = json!(1);
        let diff = changes(&room, &r.fields);
        assert_eq!(diff.len(), 1);
        assert_eq!(diff["pin"], json!("1234"));
    }

    #[test]
    fn ours_means_named_under_the_prefix_and_tagged_with_that_name() {
        let room = |name: &str, tag: &str| json!({"name": name, "tag": tag});
        assert!(is_ours(&room("bb-i1-7", "bb-i1-7"), "bb-i1-"));
        assert!(!is_ours(&room("bb-i1-7-copy", "bb-i1-7"), "bb-i1-"));
        assert!(!is_ours(&room("bb-i1-7", ""), "bb-i1-"));
        assert!(!is_ours(&room("bb-i2-7", "bb-i2-7"), "bb-i1-"));
    }

    #[test]
    fn participant_names_hold_reference_and_key_within_the_limit() {
        assert_eq!(participant_name("bb-i1-7", "room-12"), "bb-i1-7/room-12");
        let long = "x".repeat(400);
        let n = participant_name(&long, "out-3f2a9c1b07");
        assert_eq!(n.chars().count(), TEXT_MAX);
        assert!(n.ends_with("/out-3f2a9c1b07"));
    }

    #[test]
    fn a_participant_without_a_connect_time_is_still_being_called() {
        assert_eq!(state_of(&json!({"connect_time": null})), CallState::Calling);
        assert_eq!(
            state_of(&json!({"connect_time": "2015-04-02T09:46:11.116767"})),
            CallState::Connected
        );
    }

    #[test]
    fn calls_come_from_the_sip_uri_the_room_holds_else_its_number() {
        let m = meeting();
        let room = json!({"aliases": [{"alias": "8107", "id": 2}, {"alias": "8107@vc.example.com", "id": 1}]});
        assert_eq!(
            dial_alias(&room, &m).as_deref(),
            Some("8107@vc.example.com")
        );
        let room = json!({"aliases": [{"alias": "8107", "id": 2}]});
        assert_eq!(dial_alias(&room, &m).as_deref(), Some("8107"));
        assert_eq!(dial_alias(&json!({"aliases": []}), &m), None);
    }

    #[test]
    fn each_key_is_called_once() {
        let c = |key: &str| Call {
            key: key.into(),
            address: format!("{key}@example.com"),
            protocol: Protocol::Sip,
            audio_only: false,
        };
        let calls = vec![c("room-1"), c("out-a"), c("room-1")];
        let keys: Vec<&str> = distinct(&calls).iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, vec!["room-1", "out-a"]);
    }
}
