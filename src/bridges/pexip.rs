//! Pexip Infinity, through the Management Node's Management API (v14).
//!
//! A meeting is a Virtual Meeting Room named after the meeting's reference, with its SIP URI
//! and numeric id as aliases; its dial-outs are Automatically Dialled Participants (ADPs)
//! linked to the room, which the nodes call whenever a conference in the room starts.
//!
//! Configuration takes effect on the conferencing nodes some time after the Management Node
//! accepts it ("not usually more than approximately 60s"): a 2xx means stored, not live.
//! Provisioning therefore runs the launcher's lead time ahead of the start, and nothing
//! here assumes a room, alias or ADP is dialable the moment it is written.
mod api;

use super::tls::ClientTls;
use crate::bridges::{Adapter, BridgeError, CallReport, CallState, Health, Meeting};
use api::{path_of, Api};
use serde_json::{json, Map, Value};
use std::time::Duration;

const SERVICES: &str = "/api/admin/configuration/v1/conference/";
const ALIASES: &str = "/api/admin/configuration/v1/conference_alias/";
const ADPS: &str = "/api/admin/configuration/v1/automatic_participant/";
const CONFIG_LOCATIONS: &str = "/api/admin/configuration/v1/system_location/";
const INSTANCES: &str = "/api/admin/status/v1/conference/";
const PARTICIPANTS: &str = "/api/admin/status/v1/participant/";
const STATUS_LOCATIONS: &str = "/api/admin/status/v1/system_location/";
const DISCONNECT: &str = "/api/admin/command/v1/conference/disconnect/";
const DIAL: &str = "/api/admin/command/v1/participant/dial/";

/// Tries of a create whose answer was lost (each after looking for what it may have made).
const CREATE_TRIES: usize = 2;
/// The service description's length limit.
const DESCRIPTION_MAX: usize = 250;

pub struct Pexip {
    base: String,
    username: String,
    password: String,
    /// The system location (by name) dial-outs are placed from and whose load health reports.
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

/// Addresses compare as Pexip matches aliases: without a `sip:` scheme, case-insensitively.
fn same_address(a: &str, b: &str) -> bool {
    let bare = |s: &str| {
        let s = s.trim();
        s.strip_prefix("sip:").unwrap_or(s).to_ascii_lowercase()
    };
    bare(a) == bare(b)
}

/// The room as the meeting wants it: the fields the adapter owns, and the aliases.
fn wanted(m: &Meeting) -> (Map<String, Value>, Vec<String>) {
    let mut fields = Map::new();
    fields.insert("service_type".into(), json!("conference"));
    fields.insert(
        "description".into(),
        json!(m.title.chars().take(DESCRIPTION_MAX).collect::<String>()),
    );
    fields.insert("pin".into(), json!(m.pin.clone().unwrap_or_default()));
    let limit = (m.max_participants > 0).then_some(m.max_participants);
    fields.insert("participant_limit".into(), json!(limit));
    let mut aliases = Vec::new();
    if !m.sip_uri.is_empty() {
        aliases.push(m.sip_uri.clone());
    }
    if m.number > 0 {
        aliases.push(m.number.to_string());
    }
    (fields, aliases)
}

impl Pexip {
    /// The room named `name`. Names are unique, but the match is checked here too, so a
    /// server that ignored the filter cannot hand back another room.
    fn find_room(&self, api: &Api, name: &str) -> Result<Option<Value>, BridgeError> {
        let rooms = api.list(SERVICES, &[("name", name)])?;
        Ok(rooms.into_iter().find(|r| text(r, "name") == name))
    }

    /// POST always allocates a new object, so one whose answer was lost (a timeout, a
    /// dropped connection, a 5xx) may have been stored: `find` looks for it before the POST
    /// is tried again. Answers the object as read back.
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

    /// The alias `alias`, made to point at `room` (an alias already pointing elsewhere is
    /// another booking's, and is not taken over).
    fn ensure_alias(&self, api: &Api, room: &str, alias: &str) -> Result<(), BridgeError> {
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
            Ok(())
        } else {
            Err(refused(
                "alias_in_use",
                format!("the alias {alias} belongs to another service"),
            ))
        }
    }

    /// ADPs linked to the room, as the room embeds them (objects or URIs).
    fn linked_adps(&self, api: &Api, room: &Value) -> Result<Vec<Value>, BridgeError> {
        let mut out = Vec::new();
        for item in room["automatic_participants"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let uri = item
                .as_str()
                .map(str::to_string)
                .or_else(|| item["resource_uri"].as_str().map(str::to_string));
            // Embedded objects may omit the link list; the ADP itself is authoritative.
            if let Some(uri) = uri {
                if let Some(adp) = api.get(&path_of(&uri), &[])? {
                    out.push(adp);
                }
            }
        }
        Ok(out)
    }

    /// Takes the room off an ADP: deleted when it dials for no other room, else unlinked
    /// (PATCH replaces the whole link list).
    fn unlink_adp(&self, api: &Api, adp: &Value, room: &str) -> Result<(), BridgeError> {
        let at = uri_of(adp)?;
        let others: Vec<Value> = adp["conference"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| !c.as_str().is_some_and(|c| same_uri(c, room)))
            .cloned()
            .collect();
        if others.is_empty() {
            api.delete(&at)
        } else {
            api.patch(&at, &json!({ "conference": others }))
        }
    }

    fn config_location(&self, api: &Api, name: &str) -> Result<String, BridgeError> {
        let found = api.list(CONFIG_LOCATIONS, &[("name", name)])?;
        match found.into_iter().find(|l| text(l, "name") == name) {
            Some(l) => uri_of(&l),
            None => Err(refused(
                "unknown_location",
                format!("no system location named {name}"),
            )),
        }
    }

    /// Live conference instances of the room named `name`.
    fn instances(&self, api: &Api, name: &str) -> Result<Vec<Value>, BridgeError> {
        let live = api.list(INSTANCES, &[("name", name)])?;
        Ok(live
            .into_iter()
            .filter(|c| text(c, "name") == name)
            .collect())
    }

    /// ADPs only fire when a conference starts; one already running gets the missing
    /// addresses dialled directly, from the configured location.
    fn dial_into_running(
        &self,
        api: &Api,
        m: &Meeting,
        wanted: &[&String],
    ) -> Result<(), BridgeError> {
        if self.instances(api, &m.reference)?.is_empty() {
            return Ok(());
        }
        let Some(location) = &self.system_location else {
            tracing::warn!(
                meeting = %m.reference,
                "Pexip conference already running; its new dial-outs wait for the next start \
                 (dialling needs a system location)"
            );
            return Ok(());
        };
        let present = api.list(PARTICIPANTS, &[("conference", &m.reference)])?;
        let present: Vec<&Value> = present
            .iter()
            .filter(|p| text(p, "conference") == m.reference)
            .collect();
        let alias = wanted_alias(m);
        for address in wanted {
            let connected = present.iter().any(|p| {
                same_address(text(p, "destination_alias"), address)
                    || same_address(text(p, "source_alias"), address)
            });
            if connected {
                continue;
            }
            api.command(
                DIAL,
                &json!({"conference_alias": alias, "destination": address, "protocol": "sip",
                        "role": "guest", "remote_display_name": address,
                        "system_location": location}),
            )?;
        }
        Ok(())
    }
}

fn wanted_alias(m: &Meeting) -> String {
    if m.sip_uri.is_empty() {
        m.number.to_string()
    } else {
        m.sip_uri.clone()
    }
}

/// Whether the room as read back holds what the meeting asked for.
fn check(
    room: &Value,
    fields: &Map<String, Value>,
    aliases: &[String],
    name: &str,
) -> Result<(), BridgeError> {
    let mut wrong: Vec<&str> = fields
        .iter()
        .filter(|(k, v)| room[k.as_str()] != **v)
        .map(|(k, _)| k.as_str())
        .collect();
    if text(room, "name") != name {
        wrong.push("name");
    }
    let held = room["aliases"].as_array().cloned().unwrap_or_default();
    if !aliases
        .iter()
        .all(|a| held.iter().any(|h| text(h, "alias") == a))
    {
        wrong.push("aliases");
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
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError> {
        let api = self.api();
        let (fields, aliases) = wanted(m);
        let name = m.reference.as_str();
        let find = |api: &Api| self.find_room(api, name);
        let room = match find(&api)? {
            Some(room) => room,
            None => {
                let mut body = fields.clone();
                body.insert("name".into(), json!(name));
                let nested: Vec<Value> = aliases.iter().map(|a| json!({ "alias": a })).collect();
                body.insert("aliases".into(), Value::Array(nested));
                self.create(&api, SERVICES, &Value::Object(body), &find)?
            }
        };
        let at = uri_of(&room)?;
        // Only what differs is written: the guide asks clients not to rewrite equal values.
        let changes: Map<String, Value> = fields
            .iter()
            .filter(|(k, v)| room[k.as_str()] != **v)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut wrote = !changes.is_empty();
        if wrote {
            api.patch(&at, &Value::Object(changes))?;
        }
        let held = room["aliases"].as_array().cloned().unwrap_or_default();
        // Stale aliases go first, so a number moving between bookings is free to take.
        for stale in held
            .iter()
            .filter(|h| !aliases.iter().any(|a| a == text(h, "alias")))
        {
            match stale["id"].as_u64() {
                Some(id) => api.delete(&format!("{ALIASES}{id}/"))?,
                None => return Err(refused("bad_response", "an alias without an id".into())),
            }
            wrote = true;
        }
        for alias in aliases
            .iter()
            .filter(|a| !held.iter().any(|h| text(h, "alias") == *a))
        {
            self.ensure_alias(&api, &at, alias)?;
            wrote = true;
        }
        if !wrote {
            return check(&room, &fields, &aliases, name);
        }
        let stored = api.get(&at, &[])?.ok_or_else(|| {
            refused(
                "not_stored",
                format!("room {name} vanished while provisioned"),
            )
        })?;
        check(&stored, &fields, &aliases, name)
    }

    fn call(&self, m: &Meeting) -> Result<Vec<CallReport>, BridgeError> {
        let api = self.api();
        let room = self
            .find_room(&api, &m.reference)?
            .ok_or_else(|| refused("not_provisioned", format!("no room named {}", m.reference)))?;
        let at = uri_of(&room)?;
        let mut wanted: Vec<&String> = Vec::new();
        for address in m.calls.iter().map(|c| &c.address) {
            if !address.trim().is_empty() && !wanted.iter().any(|w| same_address(w, address)) {
                wanted.push(address);
            }
        }
        let linked = self.linked_adps(&api, &room)?;
        for adp in &linked {
            if !wanted.iter().any(|w| same_address(w, text(adp, "alias"))) {
                self.unlink_adp(&api, adp, &at)?;
            }
        }
        let location = match &self.system_location {
            Some(name) => Some(self.config_location(&api, name)?),
            None => None,
        };
        for address in &wanted {
            if linked
                .iter()
                .any(|a| same_address(text(a, "alias"), address))
            {
                continue;
            }
            let find = |api: &Api| -> Result<Option<Value>, BridgeError> {
                let found = api.list(ADPS, &[("alias", address.as_str())])?;
                Ok(found.into_iter().find(|a| {
                    same_address(text(a, "alias"), address)
                        && a["conference"].as_array().is_some_and(|l| {
                            l.iter()
                                .any(|c| c.as_str().is_some_and(|c| same_uri(c, &at)))
                        })
                }))
            };
            if find(&api)?.is_some() {
                continue;
            }
            let mut body = json!({
                "alias": address, "remote_display_name": address, "protocol": "sip",
                "role": "guest", "conference": [at],
                "description": format!("Dial-out for {}", m.reference),
            });
            if let Some(l) = &location {
                body["system_location"] = json!(l);
            }
            self.create(&api, ADPS, &body, &find)?;
        }
        self.dial_into_running(&api, m, &wanted)?;
        Ok(placed(m))
    }

    fn conferences(&self, prefix: &str) -> Result<Vec<String>, BridgeError> {
        let _ = prefix;
        Ok(vec![])
    }

    fn tear_down(&self, reference: &str) -> Result<(), BridgeError> {
        let api = self.api();
        // The room goes first, so nobody re-enters it and its ADPs do not call again while
        // the running conference is ended; deleted configuration can still answer on the
        // nodes for up to about a minute.
        if let Some(room) = self.find_room(&api, reference)? {
            let at = uri_of(&room)?;
            for adp in self.linked_adps(&api, &room)? {
                self.unlink_adp(&api, &adp, &at)?;
            }
            api.delete(&at)?;
        }
        for instance in self.instances(&api, reference)? {
            let id = text(&instance, "id");
            if let Err(e) = api.command(DISCONNECT, &json!({ "conference_id": id })) {
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
            let stats = api.get(&format!("{STATUS_LOCATIONS}{id}/statistics/"), &[])?;
            // A percentage, sent as an integer or a float; 100 means no capacity left.
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
