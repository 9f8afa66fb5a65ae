//! What the conferencing nodes are doing: conference instances and their participants (the
//! status API), what ended (the history API), each system location's capacity and load,
//! and the commands that change them. Line numbers ("l.NNN") are those of
//! `shared/spec/pexip-infinity-management-api-v14.txt`.
use super::store::{links, Res, Store, PROTOCOLS, ROLES};
use serde_json::{json, Value};
use std::collections::{HashSet, VecDeque};

pub const STATUS: &str = "/api/admin/status/v1/";
pub const HISTORY: &str = "/api/admin/history/v1/";
/// "Up to 10,000 conference instances are retained ... each time a new entry is made the
/// oldest entry is deleted (along with all the participant instances associated with it)"
/// (l.1429).
const HISTORY_KEPT: usize = 10_000;
/// Why a call the far end did not take ended. The guide shows `disconnect_reason` (l.1523)
/// with only "Call disconnected" as a value; this wording is the simulator's.
pub const NO_ANSWER: &str = "Call rejected: the far end did not answer";

#[derive(Debug, Clone)]
pub struct Location {
    pub id: u64,
    pub name: String,
    pub max_hd_calls: u32,
    /// A load the test sets, overriding the one derived from calls.
    pub forced_load: Option<f64>,
}

#[derive(Debug, Clone)]
struct Instance {
    id: String,
    name: String,
    service_type: String,
    tag: String,
    is_locked: bool,
    start_time: String,
}

#[derive(Debug, Clone)]
struct Participant {
    id: String,
    call_uuid: String,
    /// The service's name: the status API names the conference so (l.1072).
    conference: String,
    call_direction: &'static str,
    destination_alias: String,
    source_alias: String,
    /// The far end: the caller of an incoming call, the destination of an outgoing one.
    remote: String,
    display_name: String,
    role: String,
    protocol: String,
    location: String,
    service_tag: String,
    connect_time: String,
}

/// A command that ran and failed: the `message` of its `{"status": "error"}` (l.1731-1736).
pub type CommandError = String;

/// A refused argument: the field and the message of the 400 (l.2037).
pub type Invalid = (&'static str, String);

#[derive(Debug, Default)]
pub struct Live {
    instances: Vec<Instance>,
    participants: Vec<Participant>,
    history_conferences: VecDeque<Value>,
    history_participants: Vec<Value>,
    pub locations: Vec<Location>,
    /// Addresses whose far end does not answer.
    pub refused: HashSet<String>,
}

fn now() -> String {
    // "All date and time fields are in UTC" (l.955), shown as at l.1021.
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6f")
        .to_string()
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A dial's argument as text: form bodies carry only strings (l.1764-1771).
fn text(args: &Value, k: &str) -> Option<String> {
    match args.get(k)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

impl Live {
    pub fn location_named(&self, name: &str) -> Option<&Location> {
        self.locations.iter().find(|l| l.name == name)
    }

    fn default_location(&self) -> String {
        self.locations
            .first()
            .map(|l| l.name.clone())
            .unwrap_or_default()
    }

    /// The instance of service `service`, created when there is none: "a unique conference
    /// that is created when one or more participants accesses a service" (l.157).
    fn instance_of(&mut self, store: &Store, service: u64) -> (String, bool) {
        let o = store.get_raw(Res::Conference, service);
        let field = |f: &str| {
            o.and_then(|o| o.get(f))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let name = field("name");
        if let Some(i) = self.instances.iter().find(|i| i.name == name) {
            return (i.id.clone(), false);
        }
        let i = Instance {
            id: uuid(),
            name,
            service_type: field("service_type"),
            tag: field("tag"),
            is_locked: false,
            start_time: now(),
        };
        let id = i.id.clone();
        self.instances.push(i);
        (id, true)
    }

    /// A participant joins (or, for a far end that does not answer, fails to); a new
    /// instance makes its service's ADPs dial, "whenever a related conference starts"
    /// (l.616).
    fn join(&mut self, store: &Store, service: u64, p: Participant) -> String {
        let (_, started) = self.instance_of(store, service);
        let id = p.id.clone();
        self.enter(p);
        if started {
            self.dial_adps(store, service);
        }
        self.end_if_empty(store, service);
        id
    }

    /// An outgoing call to a far end that does not answer ends at once, into the history.
    fn enter(&mut self, p: Participant) {
        if p.call_direction == "out" && self.refused.contains(&p.remote) {
            self.record(&p, NO_ANSWER);
        } else {
            self.participants.push(p);
        }
    }

    fn dial_adps(&mut self, store: &Store, service: u64) {
        let uri = Res::Conference.uri(service);
        let name = service_name(store, service);
        let tag = service_tag(store, service);
        let from = first_alias(store, service);
        for adp in store.ids(Res::Adp) {
            let Some(p) = store.get_raw(Res::Adp, adp) else {
                continue;
            };
            // Configuration acts on the nodes once it has replicated (l.205).
            if !links(p, &uri) || !store.is_live(Res::Adp, adp) {
                continue;
            }
            let location = p
                .get("system_location")
                .and_then(Value::as_str)
                .and_then(|u| Res::Location.id_in(u))
                .and_then(|l| self.locations.iter().find(|x| x.id == l))
                .map_or_else(|| self.default_location(), |l| l.name.clone());
            let field = |f: &str| p.get(f).and_then(Value::as_str).unwrap_or("").to_string();
            self.enter(Participant {
                id: uuid(),
                call_uuid: uuid(),
                conference: name.clone(),
                call_direction: "out",
                destination_alias: field("alias"),
                source_alias: from.clone(),
                remote: field("alias"),
                display_name: field("remote_display_name"),
                role: field("role"),
                protocol: field("protocol"),
                location,
                service_tag: tag.clone(),
                connect_time: now(),
            });
        }
    }

    /// Someone dials in to the service behind `alias_or_name` (a test's first caller).
    pub fn dial_in(&mut self, store: &Store, name: &str) -> Result<String, String> {
        let service = store
            .find(Res::Conference, "name", name)
            .ok_or_else(|| format!("no service named {name}"))?;
        if !store.is_live(Res::Conference, service) {
            return Err(format!("{name} has not reached the conferencing nodes yet"));
        }
        let alias = first_alias(store, service);
        let id = uuid();
        self.join(
            store,
            service,
            Participant {
                id: id.clone(),
                call_uuid: uuid(),
                conference: name.to_string(),
                call_direction: "in",
                destination_alias: alias,
                source_alias: "caller@example.com".into(),
                remote: "caller@example.com".into(),
                display_name: "Caller".into(),
                role: "chair".into(),
                protocol: "sip".into(),
                location: self.default_location(),
                service_tag: service_tag(store, service),
                connect_time: now(),
            },
        );
        Ok(id)
    }

    /// `participant/dial/` (l.1742-1776): calls `destination` into the conference instance
    /// of the service behind `conference_alias`, creating the instance when there is none.
    /// A 400 for arguments the command cannot take; a command error when the nodes cannot
    /// place the call.
    pub fn dial(
        &mut self,
        store: &Store,
        args: &Value,
    ) -> Result<Result<Value, CommandError>, Invalid> {
        let required = |k: &'static str| -> Result<String, Invalid> {
            text(args, k)
                .filter(|v| !v.trim().is_empty())
                .ok_or((k, "This field is required.".into()))
        };
        // The alias is both what the callee sees calling and where they join (l.1748-1750).
        let alias = required("conference_alias")?;
        let destination = required("destination")?;
        // The guide's example sends both (l.1768, l.1770) and gives no default for either;
        // their values are the ones it names.
        let protocol = required("protocol")?;
        if !PROTOCOLS.contains(&protocol.as_str()) {
            return Err((
                "protocol",
                format!("Select a valid choice: one of {}.", PROTOCOLS.join(", ")),
            ));
        }
        let role = required("role")?;
        if !ROLES.contains(&role.as_str()) {
            return Err((
                "role",
                format!("Select a valid choice: one of {}.", ROLES.join(", ")),
            ));
        }
        let node = text(args, "node").filter(|n| !n.is_empty());
        let location = text(args, "system_location").filter(|n| !n.is_empty());
        let location = match (node, location) {
            // "The node must be an IP address and not an FQDN" (l.1754), and it "will
            // override the system_location if both are given" (l.1752).
            (Some(node), _) => {
                if node.parse::<std::net::IpAddr>().is_err() {
                    return Err(("node", "Enter a valid IP address.".into()));
                }
                self.default_location()
            }
            (None, Some(l)) => match self.location_named(&l) {
                Some(l) => l.name.clone(),
                None => return Err(("system_location", format!("No system location named {l}."))),
            },
            // "One or both of the node and system_location must be specified" (l.1751).
            (None, None) => {
                return Err((
                    "system_location",
                    "One or both of node and system_location must be specified.".into(),
                ))
            }
        };
        // The nodes route the call by the alias only once its configuration reached them
        // (l.205).
        let Some(service) = store.service_on_nodes(&alias) else {
            return Ok(Err(format!(
                "Failed to dial: no service has the alias {alias} on the conferencing nodes"
            )));
        };
        let id = uuid();
        let name = service_name(store, service);
        self.join(
            store,
            service,
            Participant {
                id: id.clone(),
                call_uuid: uuid(),
                conference: name,
                call_direction: "out",
                destination_alias: destination.clone(),
                source_alias: alias,
                remote: destination,
                display_name: text(args, "remote_display_name").unwrap_or_default(),
                role,
                protocol,
                location,
                service_tag: service_tag(store, service),
                connect_time: now(),
            },
        );
        // "the response will contain a participant_id attribute" (l.1776).
        Ok(Ok(json!({ "participant_id": id })))
    }

    /// The instance ends when its last participant leaves (l.157).
    fn end_if_empty(&mut self, store: &Store, service: u64) {
        let name = service_name(store, service);
        self.end_instance_if_empty(&name);
    }

    fn end_instance_if_empty(&mut self, name: &str) {
        if self.participants.iter().any(|p| p.conference == name) {
            return;
        }
        let Some(at) = self.instances.iter().position(|i| i.name == name) else {
            return;
        };
        let i = self.instances.remove(at);
        let participants: Vec<Value> = self
            .history_participants
            .iter()
            .filter(|p| p["conference_name"] == json!(i.name) && p["instance"] == json!(i.id))
            .map(|p| p["resource_uri"].clone())
            .collect();
        self.history_conferences.push_back(json!({
            "id": i.id, "name": i.name, "service_type": i.service_type, "tag": i.tag,
            "start_time": i.start_time, "end_time": now(), "duration": 0,
            "instant_message_count": 0, "participant_count": participants.len(),
            "participants": participants,
            "resource_uri": format!("{HISTORY}conference/{}/", i.id),
        }));
        while self.history_conferences.len() > HISTORY_KEPT {
            if let Some(old) = self.history_conferences.pop_front() {
                self.history_participants
                    .retain(|p| p["instance"] != old["id"]);
            }
        }
    }

    /// A participant's record in the history (fields as at l.1517-1631); the id is the one
    /// the status API showed (l.1078, l.1614).
    fn record(&mut self, p: &Participant, reason: &str) {
        let instance = self
            .instances
            .iter()
            .find(|i| i.name == p.conference)
            .map(|i| i.id.clone())
            .unwrap_or_default();
        self.history_participants.push(json!({
            "id": p.id, "call_uuid": p.call_uuid, "call_direction": p.call_direction,
            "conference": format!("{HISTORY}conference/{instance}/"),
            "conference_name": p.conference, "instance": instance,
            "disconnect_reason": reason, "display_name": p.display_name,
            "local_alias": if p.call_direction == "out" { &p.source_alias } else { &p.destination_alias },
            "remote_alias": p.remote, "protocol": protocol_shown(&p.protocol),
            "role": p.role, "service_tag": p.service_tag, "service_type": "conference",
            "system_location": p.location, "start_time": p.connect_time, "end_time": now(),
            "media_streams": [], "has_media": false,
            "resource_uri": format!("{HISTORY}participant/{}/", p.id),
        }));
    }

    /// Everyone in service `name`'s instance hangs up.
    pub fn end(&mut self, name: &str) -> bool {
        let leaving: Vec<Participant> = self
            .participants
            .iter()
            .filter(|p| p.conference == name)
            .cloned()
            .collect();
        for p in &leaving {
            self.record(p, "Call disconnected");
        }
        self.participants.retain(|p| p.conference != name);
        let had = self.instances.iter().any(|i| i.name == name);
        self.end_instance_if_empty(name);
        had
    }

    /// The conferencing nodes restart: every instance and call is gone, unrecorded.
    pub fn restart(&mut self) {
        self.instances.clear();
        self.participants.clear();
    }

    /// `conference/disconnect/` (l.1689), naming the instance by `conference_id` as the
    /// other conference commands do (l.1818, l.1863).
    pub fn disconnect_conference(&mut self, conference_id: &str) -> Result<Value, CommandError> {
        let name = self
            .instances
            .iter()
            .find(|i| i.id == conference_id)
            .map(|i| i.name.clone())
            .ok_or_else(|| format!("Conference {conference_id} not found"))?;
        self.end(&name);
        Ok(json!({}))
    }

    /// `participant/disconnect/` (l.1778-1791).
    pub fn disconnect_participant(&mut self, participant_id: &str) -> Result<Value, CommandError> {
        let at = self
            .participants
            .iter()
            .position(|p| p.id == participant_id)
            .ok_or_else(|| format!("Participant {participant_id} not found"))?;
        let p = self.participants.remove(at);
        self.record(&p, "Call disconnected");
        self.end_instance_if_empty(&p.conference);
        Ok(json!({}))
    }

    /// `conference/lock/` and `unlock/` (l.1853-1881).
    pub fn set_locked(&mut self, conference_id: &str, locked: bool) -> Result<Value, CommandError> {
        let i = self
            .instances
            .iter_mut()
            .find(|i| i.id == conference_id)
            .ok_or_else(|| format!("Conference {conference_id} not found"))?;
        i.is_locked = locked;
        Ok(json!({}))
    }

    /// Status conference instances (fields as at l.1019-1029).
    pub fn instances(&self) -> Vec<Value> {
        self.instances
            .iter()
            .map(|i| {
                json!({"id": i.id, "name": i.name, "service_type": i.service_type,
                       "is_locked": i.is_locked, "start_time": i.start_time, "tag": i.tag,
                       "resource_uri": format!("{STATUS}conference/{}/", i.id)})
            })
            .collect()
    }

    /// Status participants (fields as at l.1067-1136).
    pub fn participants(&self) -> Vec<Value> {
        self.participants
            .iter()
            .map(|p| {
                json!({"id": p.id, "call_uuid": p.call_uuid, "conference": p.conference,
                       "call_direction": p.call_direction,
                       "destination_alias": p.destination_alias, "source_alias": p.source_alias,
                       "participant_alias": p.remote, "display_name": p.display_name,
                       "role": p.role, "protocol": protocol_shown(&p.protocol),
                       "system_location": p.location, "connect_time": p.connect_time,
                       "service_tag": p.service_tag, "service_type": "conference",
                       "is_muted": false, "is_on_hold": false, "has_media": false,
                       "encryption": "On", "license_count": 1, "parent_id": "",
                       "resource_uri": format!("{STATUS}participant/{}/", p.id)})
            })
            .collect()
    }

    /// Live outgoing calls of service `name`: (the address dialled, protocol, connected).
    pub fn outgoing(&self, name: &str) -> Vec<(String, String, bool)> {
        self.participants
            .iter()
            .filter(|p| p.conference == name && p.call_direction == "out")
            .map(|p| (p.remote.clone(), p.protocol.clone(), true))
            .collect()
    }

    pub fn history_conferences(&self) -> Vec<Value> {
        self.history_conferences.iter().cloned().collect()
    }

    /// History participants as the API shows them (without the simulator's own link).
    pub fn history_participants(&self) -> Vec<Value> {
        self.history_participants
            .iter()
            .map(|p| {
                let mut p = p.clone();
                if let Some(o) = p.as_object_mut() {
                    o.remove("instance");
                }
                p
            })
            .collect()
    }

    fn used(&self, location: &str) -> u32 {
        self.participants
            .iter()
            .filter(|p| p.location == location)
            .count() as u32
    }

    /// Percent of the location's capacity in use; 100 when it has none, as Pexip reports a
    /// node not available for use (l.1315).
    pub fn media_load(&self, l: &Location) -> f64 {
        if let Some(forced) = l.forced_load {
            return forced;
        }
        if l.max_hd_calls == 0 {
            return 100.0;
        }
        (f64::from(self.used(&l.name)) * 100.0 / f64::from(l.max_hd_calls)).min(100.0)
    }

    pub fn location_view(&self, l: &Location) -> Value {
        json!({"id": l.id, "name": l.name, "max_hd_calls": l.max_hd_calls,
               "media_load": self.media_load(l),
               "resource_uri": format!("{STATUS}system_location/{}/", l.id)})
    }

    /// "An estimate of the current media load" (l.1223); the guide shows no body, so the
    /// fields are those of the location lists it does show (l.1348-1353).
    pub fn statistics(&self, l: &Location) -> Value {
        let free = l.max_hd_calls.saturating_sub(self.used(&l.name));
        json!({"media_load": self.media_load(l), "max_hd_calls": l.max_hd_calls,
               "free_hd_calls": free})
    }
}

/// Protocols as the status API shows them ('H323', l.1125; 'WebRTC', l.1088).
fn protocol_shown(p: &str) -> String {
    match p {
        "h323" => "H323".into(),
        "sip" => "SIP".into(),
        "mssip" => "MSSIP".into(),
        other => other.to_string(),
    }
}

fn service_name(store: &Store, service: u64) -> String {
    store
        .get_raw(Res::Conference, service)
        .and_then(|o| o.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn service_tag(store: &Store, service: u64) -> String {
    store
        .get_raw(Res::Conference, service)
        .and_then(|o| o.get("tag"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn first_alias(store: &Store, service: u64) -> String {
    store
        .view(Res::Conference, service)
        .and_then(|v| v["aliases"][0]["alias"].as_str().map(str::to_string))
        .unwrap_or_default()
}
