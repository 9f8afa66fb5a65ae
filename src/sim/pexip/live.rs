//! What the conferencing nodes are doing: conference instances, their participants, and
//! each system location's capacity and load; and the commands that change them.
use super::store::{links, Res, Store};
use serde_json::{json, Value};

pub const STATUS: &str = "/api/admin/status/v1/";

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
    conference: String,
    call_direction: &'static str,
    destination_alias: String,
    source_alias: String,
    display_name: String,
    role: String,
    protocol: String,
    location: String,
    connect_time: String,
}

/// A command's failure: the HTTP status and the `message` of the error envelope.
pub type CommandError = (u16, String);

#[derive(Debug, Default)]
pub struct Live {
    instances: Vec<Instance>,
    participants: Vec<Participant>,
    pub locations: Vec<Location>,
}

fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6f")
        .to_string()
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
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

    /// The instance of service `name`, started (as by a first caller) if there is none;
    /// the service's ADPs are dialled when it starts. Fails while the service has not
    /// reached the nodes.
    pub fn start(&mut self, store: &Store, name: &str) -> Result<String, String> {
        if let Some(i) = self.instances.iter().find(|i| i.name == name) {
            return Ok(i.id.clone());
        }
        let id = store
            .find(Res::Conference, "name", name)
            .ok_or_else(|| format!("no service named {name}"))?;
        if !store.is_live(Res::Conference, id) {
            return Err(format!("{name} has not reached the conferencing nodes yet"));
        }
        let instance = self.open(store, id);
        let first_alias = first_alias(store, id);
        self.participants.push(Participant {
            id: uuid(),
            conference: name.to_string(),
            call_direction: "in",
            destination_alias: first_alias.clone(),
            source_alias: "caller@example.com".into(),
            display_name: "Caller".into(),
            role: "chair".into(),
            protocol: "SIP".into(),
            location: self.default_location(),
            connect_time: now(),
        });
        let uri = Res::Conference.uri(id);
        for adp in store.ids(Res::Adp) {
            let Some(p) = store.get_raw(Res::Adp, adp) else {
                continue;
            };
            if !links(p, &uri) || !store.is_live(Res::Adp, adp) {
                continue;
            }
            let location = p
                .get("system_location")
                .and_then(Value::as_str)
                .and_then(|u| Res::Location.id_in(u))
                .and_then(|l| self.locations.iter().find(|x| x.id == l))
                .map_or_else(|| self.default_location(), |l| l.name.clone());
            let text = |f: &str| p.get(f).and_then(Value::as_str).unwrap_or("").to_string();
            self.participants.push(Participant {
                id: uuid(),
                conference: name.to_string(),
                call_direction: "out",
                destination_alias: text("alias"),
                source_alias: first_alias.clone(),
                display_name: text("remote_display_name"),
                role: text("role"),
                protocol: text("protocol").to_uppercase(),
                location,
                connect_time: now(),
            });
        }
        Ok(instance)
    }

    fn open(&mut self, store: &Store, service: u64) -> String {
        let o = store.get_raw(Res::Conference, service);
        let text = |f: &str| {
            o.and_then(|o| o.get(f))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let i = Instance {
            id: uuid(),
            name: text("name"),
            service_type: text("service_type"),
            tag: text("tag"),
            is_locked: false,
            start_time: now(),
        };
        let id = i.id.clone();
        self.instances.push(i);
        id
    }

    /// Ends the instance of service `name` as if everyone hung up.
    pub fn end(&mut self, name: &str) -> bool {
        let before = self.instances.len();
        self.instances.retain(|i| i.name != name);
        self.participants.retain(|p| p.conference != name);
        before != self.instances.len()
    }

    pub fn disconnect_conference(&mut self, conference_id: &str) -> Result<Value, CommandError> {
        let name = self
            .instances
            .iter()
            .find(|i| i.id == conference_id)
            .map(|i| i.name.clone())
            .ok_or((400, format!("Conference {conference_id} not found")))?;
        self.end(&name);
        Ok(json!({}))
    }

    pub fn disconnect_participant(&mut self, participant_id: &str) -> Result<Value, CommandError> {
        let at = self
            .participants
            .iter()
            .position(|p| p.id == participant_id)
            .ok_or((400, format!("Participant {participant_id} not found")))?;
        let p = self.participants.remove(at);
        if !self
            .participants
            .iter()
            .any(|q| q.conference == p.conference)
        {
            self.instances.retain(|i| i.name != p.conference);
        }
        Ok(json!({}))
    }

    pub fn set_locked(&mut self, conference_id: &str, locked: bool) -> Result<Value, CommandError> {
        let i = self
            .instances
            .iter_mut()
            .find(|i| i.id == conference_id)
            .ok_or((400, format!("Conference {conference_id} not found")))?;
        i.is_locked = locked;
        Ok(json!({}))
    }

    /// `participant/dial/`: calls `destination` into the service behind `conference_alias`,
    /// starting its instance when there is none.
    pub fn dial(&mut self, store: &Store, args: &Value) -> Result<Value, CommandError> {
        let arg = |k: &str| {
            args.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (alias, destination) = (arg("conference_alias"), arg("destination"));
        if alias.is_empty() || destination.is_empty() {
            return Err((400, "conference_alias and destination are required".into()));
        }
        let (node, location) = (arg("node"), arg("system_location"));
        let location = if !node.is_empty() {
            if node.parse::<std::net::IpAddr>().is_err() {
                return Err((400, "node must be an IP address".into()));
            }
            self.default_location()
        } else if location.is_empty() {
            return Err((400, "One of node or system_location is required".into()));
        } else if self.location_named(&location).is_none() {
            return Err((400, format!("Unknown system location {location}")));
        } else {
            location
        };
        let alias_id = store
            .find(Res::Alias, "alias", &alias)
            .filter(|a| store.is_live(Res::Alias, *a))
            .ok_or((400, format!("Unknown conference alias {alias}")))?;
        let service = store
            .get_raw(Res::Alias, alias_id)
            .and_then(|a| a.get("conference"))
            .and_then(Value::as_str)
            .and_then(|u| Res::Conference.id_in(u))
            .ok_or((400, format!("Unknown conference alias {alias}")))?;
        let name = store
            .get_raw(Res::Conference, service)
            .and_then(|o| o.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !self.instances.iter().any(|i| i.name == name) {
            self.open(store, service);
        }
        let id = uuid();
        let role = arg("role");
        let protocol = arg("protocol");
        self.participants.push(Participant {
            id: id.clone(),
            conference: name,
            call_direction: "out",
            destination_alias: destination,
            source_alias: alias,
            display_name: arg("remote_display_name"),
            role: if role.is_empty() {
                "guest".into()
            } else {
                role
            },
            protocol: if protocol.is_empty() {
                "SIP".into()
            } else {
                protocol.to_uppercase()
            },
            location,
            connect_time: now(),
        });
        Ok(json!({ "participant_id": id }))
    }

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

    pub fn participants(&self) -> Vec<Value> {
        self.participants
            .iter()
            .map(|p| {
                json!({"id": p.id, "conference": p.conference, "call_direction": p.call_direction,
                       "destination_alias": p.destination_alias, "source_alias": p.source_alias,
                       "display_name": p.display_name, "role": p.role, "protocol": p.protocol,
                       "system_location": p.location, "connect_time": p.connect_time,
                       "service_type": "conference", "is_muted": false, "has_media": true,
                       "resource_uri": format!("{STATUS}participant/{}/", p.id)})
            })
            .collect()
    }

    fn used(&self, location: &str) -> u32 {
        self.participants
            .iter()
            .filter(|p| p.location == location)
            .count() as u32
    }

    /// Percent of the location's capacity in use; 100 when it has none, as Pexip reports
    /// a location whose nodes are unusable.
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

    pub fn statistics(&self, l: &Location) -> Value {
        let free = l.max_hd_calls.saturating_sub(self.used(&l.name));
        json!({"media_load": self.media_load(l), "max_hd_calls": l.max_hd_calls,
               "free_hd_calls": free, "max_sd_calls": l.max_hd_calls * 2,
               "max_full_hd_calls": l.max_hd_calls / 2, "max_audio_calls": l.max_hd_calls * 10})
    }
}

fn first_alias(store: &Store, service: u64) -> String {
    store
        .view(Res::Conference, service)
        .and_then(|v| v["aliases"][0]["alias"].as_str().map(str::to_string))
        .unwrap_or_default()
}
