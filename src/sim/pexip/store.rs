//! The configuration store: services (`conference`), their aliases and Automatically
//! Dialled Participants, and the seeded system locations, with the v14 guide's rules.
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

pub const CONFIG: &str = "/api/admin/configuration/v1/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Res {
    Conference,
    Alias,
    Adp,
    Location,
}

impl Res {
    pub fn from_segment(s: &str) -> Option<Res> {
        match s {
            "conference" => Some(Res::Conference),
            "conference_alias" => Some(Res::Alias),
            "automatic_participant" => Some(Res::Adp),
            "system_location" => Some(Res::Location),
            _ => None,
        }
    }

    pub fn segment(self) -> &'static str {
        match self {
            Res::Conference => "conference",
            Res::Alias => "conference_alias",
            Res::Adp => "automatic_participant",
            Res::Location => "system_location",
        }
    }

    pub fn uri(self, id: u64) -> String {
        format!("{CONFIG}{}/{id}/", self.segment())
    }

    /// The fields a client may write; anything else in a body is ignored, as tastypie does.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Res::Conference => &[
                "allow_guests",
                "description",
                "force_presenter_into_main",
                "guest_pin",
                "guest_view",
                "host_view",
                "ivr_theme",
                "max_callrate_in",
                "max_callrate_out",
                "name",
                "participant_limit",
                "pin",
                "service_type",
                "sync_tag",
                "tag",
            ],
            Res::Alias => &["alias", "conference", "description"],
            Res::Adp => &[
                "alias",
                "conference",
                "description",
                "protocol",
                "remote_display_name",
                "role",
                "system_location",
            ],
            Res::Location => &["name", "description"],
        }
    }

    /// The id in `uri` (relative, or absolute as in a Location header) when it names this resource.
    pub fn id_in(self, uri: &str) -> Option<u64> {
        let path = match uri.find("://") {
            Some(i) => &uri[i + 3..][uri[i + 3..].find('/')?..],
            None => uri,
        };
        let rest = path.strip_prefix(CONFIG)?.strip_prefix(self.segment())?;
        rest.trim_matches('/').parse().ok()
    }
}

/// A refusal as the API answers it: a status and a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub body: Value,
}

impl ApiError {
    /// The validation error shape `{<resource>: {<field>: [<message>]}}`.
    pub fn invalid(res: Res, field: &str, message: &str) -> ApiError {
        ApiError {
            status: 400,
            body: json!({ res.segment(): { field: [message] } }),
        }
    }

    pub fn not_found() -> ApiError {
        ApiError {
            status: 404,
            body: json!({}),
        }
    }
}

pub type Obj = Map<String, Value>;

/// What a PATCH did: changing nothing is legal, but the guide asks clients not to do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patched {
    Changed,
    Unchanged,
}

#[derive(Debug, Default)]
pub struct Store {
    last_id: HashMap<Res, u64>,
    objects: HashMap<Res, BTreeMap<u64, Obj>>,
    /// When each object's latest write reaches the conferencing nodes.
    live_at: HashMap<(Res, u64), Instant>,
    pub replication_delay: Duration,
}

const SERVICE_TYPES: &[&str] = &["conference", "lecture", "two_stage_dialing", "test_call"];
const PROTOCOLS: &[&str] = &["sip", "h323", "mssip", "rtmp"];
const ROLES: &[&str] = &["guest", "chair"];

impl Store {
    pub fn seed_location(&mut self, name: &str) -> u64 {
        let mut o = Obj::new();
        o.insert("name".into(), json!(name));
        o.insert("description".into(), json!(""));
        self.insert(Res::Location, o)
    }

    fn table(&self, res: Res) -> impl Iterator<Item = (&u64, &Obj)> {
        self.objects.get(&res).into_iter().flat_map(|t| t.iter())
    }

    pub fn get_raw(&self, res: Res, id: u64) -> Option<&Obj> {
        self.objects.get(&res)?.get(&id)
    }

    pub fn ids(&self, res: Res) -> Vec<u64> {
        self.table(res).map(|(id, _)| *id).collect()
    }

    pub fn is_live(&self, res: Res, id: u64) -> bool {
        self.get_raw(res, id).is_some()
            && self
                .live_at
                .get(&(res, id))
                .is_none_or(|t| Instant::now() >= *t)
    }

    fn touch(&mut self, res: Res, id: u64) {
        self.live_at
            .insert((res, id), Instant::now() + self.replication_delay);
    }

    fn insert(&mut self, res: Res, mut obj: Obj) -> u64 {
        let id = self.last_id.entry(res).or_insert(0);
        *id += 1;
        let id = *id;
        obj.insert("id".into(), json!(id));
        obj.insert("resource_uri".into(), json!(res.uri(id)));
        self.objects.entry(res).or_default().insert(id, obj);
        self.touch(res, id);
        id
    }

    /// The object as GET shows it: a service embeds its aliases and ADPs.
    pub fn view(&self, res: Res, id: u64) -> Option<Value> {
        let mut o = self.get_raw(res, id)?.clone();
        if res == Res::Conference {
            let uri = Res::Conference.uri(id);
            let aliases: Vec<Value> = self
                .table(Res::Alias)
                .filter(|(_, a)| a["conference"] == json!(uri))
                .map(|(_, a)| {
                    json!({"alias": a["alias"], "conference": a["conference"],
                           "description": a["description"], "id": a["id"]})
                })
                .collect();
            let adps: Vec<Value> = self
                .table(Res::Adp)
                .filter(|(_, p)| links(p, &uri))
                .map(|(_, p)| Value::Object(p.clone()))
                .collect();
            o.insert("aliases".into(), Value::Array(aliases));
            o.insert("automatic_participants".into(), Value::Array(adps));
        }
        Some(Value::Object(o))
    }

    pub fn views(&self, res: Res) -> Vec<Value> {
        self.ids(res)
            .into_iter()
            .filter_map(|id| self.view(res, id))
            .collect()
    }

    pub fn find(&self, res: Res, field: &str, value: &str) -> Option<u64> {
        self.table(res)
            .find(|(_, o)| o.get(field).and_then(Value::as_str) == Some(value))
            .map(|(id, _)| *id)
    }

    pub fn create(&mut self, res: Res, body: &Value) -> Result<u64, ApiError> {
        let body = body
            .as_object()
            .ok_or_else(|| ApiError::invalid(res, "__all__", "A JSON object is required."))?;
        let mut obj = defaults(res);
        merge(&mut obj, body, res.fields());
        self.validate(res, &obj, None)?;
        match res {
            Res::Conference => {
                let aliases = self.nested_aliases(body)?;
                let id = self.insert(res, obj);
                for (alias, description) in aliases {
                    let mut a = defaults(Res::Alias);
                    a.insert("alias".into(), json!(alias));
                    a.insert("description".into(), json!(description));
                    a.insert("conference".into(), json!(Res::Conference.uri(id)));
                    self.insert(Res::Alias, a);
                }
                Ok(id)
            }
            Res::Location => Err(ApiError {
                status: 405,
                body: json!({}),
            }),
            _ => Ok(self.insert(res, obj)),
        }
    }

    /// Aliases given inline on a service create, all checked before anything is stored.
    fn nested_aliases(&self, body: &Obj) -> Result<Vec<(String, String)>, ApiError> {
        let Some(list) = body.get("aliases") else {
            return Ok(Vec::new());
        };
        let bad = || ApiError::invalid(Res::Conference, "aliases", "Expected a list of aliases.");
        let mut out: Vec<(String, String)> = Vec::new();
        for a in list.as_array().ok_or_else(bad)? {
            let alias = a.get("alias").and_then(Value::as_str).ok_or_else(bad)?;
            if alias.is_empty() || out.iter().any(|(x, _)| x == alias) {
                return Err(bad());
            }
            if self.find(Res::Alias, "alias", alias).is_some() {
                return Err(ApiError::invalid(
                    Res::Conference,
                    "aliases",
                    "Conference alias with this Alias already exists.",
                ));
            }
            let description = a.get("description").and_then(Value::as_str).unwrap_or("");
            out.push((alias.to_string(), description.to_string()));
        }
        Ok(out)
    }

    pub fn patch(&mut self, res: Res, id: u64, body: &Value) -> Result<Patched, ApiError> {
        let body = body
            .as_object()
            .ok_or_else(|| ApiError::invalid(res, "__all__", "A JSON object is required."))?;
        if res == Res::Location {
            return Err(ApiError {
                status: 405,
                body: json!({}),
            });
        }
        let old = self
            .get_raw(res, id)
            .ok_or_else(ApiError::not_found)?
            .clone();
        let mut new = old.clone();
        merge(&mut new, body, res.fields());
        self.validate(res, &new, Some(id))?;
        if new == old {
            return Ok(Patched::Unchanged);
        }
        self.objects.entry(res).or_default().insert(id, new);
        self.touch(res, id);
        Ok(Patched::Changed)
    }

    pub fn delete(&mut self, res: Res, id: u64) -> Result<(), ApiError> {
        if res == Res::Location {
            return Err(ApiError {
                status: 405,
                body: json!({}),
            });
        }
        self.objects
            .get_mut(&res)
            .and_then(|t| t.remove(&id))
            .ok_or_else(ApiError::not_found)?;
        self.live_at.remove(&(res, id));
        if res == Res::Conference {
            // The guide cascades a service's aliases; its ADPs are only unlinked.
            let uri = json!(Res::Conference.uri(id));
            for a in self.ids(Res::Alias) {
                if self.get_raw(Res::Alias, a).map(|o| &o["conference"]) == Some(&uri) {
                    self.delete(Res::Alias, a)?;
                }
            }
            if let Some(adps) = self.objects.get_mut(&Res::Adp) {
                for p in adps.values_mut() {
                    if let Some(Value::Array(list)) = p.get_mut("conference") {
                        list.retain(|c| *c != uri);
                    }
                }
            }
        }
        Ok(())
    }

    pub fn delete_all(&mut self, res: Res) -> Result<(), ApiError> {
        for id in self.ids(res) {
            self.delete(res, id)?;
        }
        Ok(())
    }

    fn validate(&self, res: Res, o: &Obj, own: Option<u64>) -> Result<(), ApiError> {
        let text = |f: &str| o.get(f).and_then(Value::as_str);
        let taken = |field: &str, value: &str| {
            self.find(res, field, value)
                .is_some_and(|other| Some(other) != own)
        };
        match res {
            Res::Conference => {
                let name = text("name").unwrap_or("");
                if name.is_empty() {
                    return Err(ApiError::invalid(res, "name", "This field is required."));
                }
                if taken("name", name) {
                    return Err(ApiError::invalid(
                        res,
                        "name",
                        "Conference with this Name already exists.",
                    ));
                }
                one_of(res, o, "service_type", SERVICE_TYPES)?;
                for f in ["pin", "guest_pin", "description"] {
                    if text(f).is_none() {
                        return Err(ApiError::invalid(res, f, "Expected a string."));
                    }
                }
                let limit = o.get("participant_limit").unwrap_or(&Value::Null);
                if !(limit.is_null() || limit.is_u64()) {
                    return Err(ApiError::invalid(
                        res,
                        "participant_limit",
                        "Expected a positive integer or null.",
                    ));
                }
            }
            Res::Alias => {
                let alias = text("alias").unwrap_or("");
                if alias.is_empty() {
                    return Err(ApiError::invalid(res, "alias", "This field is required."));
                }
                if taken("alias", alias) {
                    return Err(ApiError::invalid(
                        res,
                        "alias",
                        "Conference alias with this Alias already exists.",
                    ));
                }
                let service = text("conference").and_then(|u| Res::Conference.id_in(u));
                if service
                    .and_then(|id| self.get_raw(Res::Conference, id))
                    .is_none()
                {
                    return Err(ApiError::invalid(
                        res,
                        "conference",
                        "Could not find the referenced conference.",
                    ));
                }
            }
            Res::Adp => {
                if text("alias").unwrap_or("").is_empty() {
                    return Err(ApiError::invalid(res, "alias", "This field is required."));
                }
                one_of(res, o, "protocol", PROTOCOLS)?;
                one_of(res, o, "role", ROLES)?;
                let refs = o.get("conference").and_then(Value::as_array);
                let known = refs.is_some_and(|l| {
                    l.iter().all(|u| {
                        u.as_str()
                            .and_then(|u| Res::Conference.id_in(u))
                            .is_some_and(|id| self.get_raw(Res::Conference, id).is_some())
                    })
                });
                if !known {
                    return Err(ApiError::invalid(
                        res,
                        "conference",
                        "Could not find the referenced conference.",
                    ));
                }
                match o.get("system_location") {
                    None | Some(Value::Null) => {}
                    Some(v) => {
                        let found = v
                            .as_str()
                            .and_then(|u| Res::Location.id_in(u))
                            .is_some_and(|id| self.get_raw(Res::Location, id).is_some());
                        if !found {
                            return Err(ApiError::invalid(
                                res,
                                "system_location",
                                "Could not find the referenced system location.",
                            ));
                        }
                    }
                }
            }
            Res::Location => {}
        }
        Ok(())
    }
}

/// Whether an ADP is linked to the service at `uri`.
pub fn links(adp: &Obj, uri: &str) -> bool {
    adp.get("conference")
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().any(|c| c.as_str() == Some(uri)))
}

fn one_of(res: Res, o: &Obj, field: &str, allowed: &[&str]) -> Result<(), ApiError> {
    match o.get(field).and_then(Value::as_str) {
        Some(v) if allowed.contains(&v) => Ok(()),
        _ => Err(ApiError::invalid(
            res,
            field,
            &format!("Select a valid choice: one of {}.", allowed.join(", ")),
        )),
    }
}

/// Copies the writable fields; URIs are stored relative, as GET shows them.
fn merge(into: &mut Obj, body: &Obj, fields: &[&str]) {
    for (k, v) in body {
        if !fields.contains(&k.as_str()) {
            continue;
        }
        let v = match (k.as_str(), v) {
            ("conference" | "system_location", Value::String(u)) => json!(relative(u)),
            ("conference", Value::Array(l)) => Value::Array(
                l.iter()
                    .map(|u| u.as_str().map_or(u.clone(), |u| json!(relative(u))))
                    .collect(),
            ),
            _ => v.clone(),
        };
        into.insert(k.clone(), v);
    }
}

fn relative(uri: &str) -> String {
    match uri.find("://") {
        Some(i) => {
            let rest = &uri[i + 3..];
            rest.find('/').map_or("/".into(), |p| rest[p..].to_string())
        }
        None => uri.to_string(),
    }
}

fn defaults(res: Res) -> Obj {
    let v = match res {
        Res::Conference => json!({
            "allow_guests": false, "description": "", "force_presenter_into_main": false,
            "guest_pin": "", "guest_view": null, "host_view": "one_main_seven_pips",
            "ivr_theme": null, "max_callrate_in": null, "max_callrate_out": null,
            "participant_limit": null, "pin": "", "service_type": "conference",
            "sync_tag": "", "tag": ""
        }),
        Res::Alias => json!({"description": ""}),
        Res::Adp => json!({
            "conference": [], "description": "", "protocol": "sip",
            "remote_display_name": "", "role": "guest", "system_location": null
        }),
        Res::Location => json!({"description": ""}),
    };
    match v {
        Value::Object(o) => o,
        _ => Obj::new(),
    }
}
