//! The configuration store on the Management Node: services (`conference`), their aliases,
//! Automatically Dialed Participants and the seeded system locations, with the rules the
//! v14 guide gives. Line numbers ("l.NNN") are those of
//! `shared/spec/pexip-infinity-management-api-v14.txt`.
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

/// What a field of a resource holds; the guide's one full object (l.403-430) shows the
/// types, the schema is said to carry them (l.299-303).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// A string or null (`guest_view`, `ivr_theme`: `None` at l.417, l.420).
    TextOrNull,
    Bool,
    /// An integer or null (`max_callrate_in/out`, `participant_limit`: `None` at l.421-424).
    IntOrNull,
    /// One of the listed values.
    Choice(&'static [&'static str]),
    /// The relative URI of another resource (l.452, l.465).
    Uri(Res),
    /// A list of such URIs (an ADP's services, l.619, l.639-640).
    UriList(Res),
    /// A relative URI of a resource, or null.
    UriOrNull(Res),
}

struct Field {
    name: &'static str,
    kind: Kind,
    required: bool,
}

const fn f(name: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
    }
}

/// `service_type` values (l.362-369).
const SERVICE_TYPES: &[&str] = &["conference", "lecture", "two_stage_dialing", "test_call"];
/// Protocols the guide names for outgoing calls: `sip` (l.617), `h323` (l.1768), `mssip`
/// (l.702).
pub const PROTOCOLS: &[&str] = &["sip", "h323", "mssip"];
/// Roles the guide names: `guest` (l.618, l.1912) and `chair` (l.1770).
pub const ROLES: &[&str] = &["guest", "chair"];

/// The service's fields as GET shows them (l.403-430). `name` is what the status and
/// history APIs call a conference by (l.1024, l.1057, l.1481), so it cannot be absent.
const CONFERENCE_FIELDS: &[Field] = &[
    f("name", Kind::Text, true),
    f("service_type", Kind::Choice(SERVICE_TYPES), false),
    f("description", Kind::Text, false),
    f("allow_guests", Kind::Bool, false),
    f("force_presenter_into_main", Kind::Bool, false),
    f("guest_pin", Kind::Text, false),
    f("guest_view", Kind::TextOrNull, false),
    f("host_view", Kind::Text, false),
    f("ivr_theme", Kind::TextOrNull, false),
    f("max_callrate_in", Kind::IntOrNull, false),
    f("max_callrate_out", Kind::IntOrNull, false),
    f("participant_limit", Kind::IntOrNull, false),
    f("pin", Kind::Text, false),
    f("sync_tag", Kind::Text, false),
    f("tag", Kind::Text, false),
];

/// An alias names its service by partial URI (l.452, l.463-466; fields at l.405-410).
const ALIAS_FIELDS: &[Field] = &[
    f("alias", Kind::Text, true),
    f("conference", Kind::Uri(Res::Conference), true),
    f("description", Kind::Text, false),
];

/// An ADP (l.613-619): whom to dial, how, and for which services.
const ADP_FIELDS: &[Field] = &[
    f("alias", Kind::Text, true),
    f("conference", Kind::UriList(Res::Conference), false),
    f("description", Kind::Text, false),
    f("protocol", Kind::Choice(PROTOCOLS), false),
    f("remote_display_name", Kind::Text, false),
    f("role", Kind::Choice(ROLES), false),
    f("system_location", Kind::UriOrNull(Res::Location), false),
];

const LOCATION_FIELDS: &[Field] = &[
    f("name", Kind::Text, true),
    f("description", Kind::Text, false),
];

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

    /// The resource's path segment (the configuration table, l.248, l.266-270).
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

    fn schema(self) -> &'static [Field] {
        match self {
            Res::Conference => CONFERENCE_FIELDS,
            Res::Alias => ALIAS_FIELDS,
            Res::Adp => ADP_FIELDS,
            Res::Location => LOCATION_FIELDS,
        }
    }

    /// The fields a list of this resource can be filtered on (l.2111-2129): the alias
    /// schema's own example (l.2122-2126), `service_type` (l.533) and the name.
    pub fn filterable(self) -> &'static [&'static str] {
        match self {
            Res::Conference => &["name", "service_type", "description", "tag"],
            Res::Alias => &["alias", "conference", "description"],
            Res::Adp => &["alias", "conference", "description"],
            Res::Location => &["name"],
        }
    }

    /// The id in `uri` (relative, or absolute as in a Location header) when it names this
    /// resource.
    pub fn id_in(self, uri: &str) -> Option<u64> {
        let path = relative(uri);
        let rest = path.strip_prefix(CONFIG)?.strip_prefix(self.segment())?;
        let rest = rest.strip_prefix('/')?;
        let id = rest.strip_suffix('/').unwrap_or(rest);
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        id.parse().ok()
    }
}

/// A refusal as the API answers it: a status and a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub body: Value,
}

impl ApiError {
    /// A 400 in the guide's only error shape, `{<resource>: {<field>: [<message>]}}`
    /// (l.2037).
    pub fn invalid(resource: &str, field: &str, message: &str) -> ApiError {
        ApiError {
            status: 400,
            body: json!({ resource: { field: [message] } }),
        }
    }

    pub fn not_found() -> ApiError {
        ApiError {
            status: 404,
            body: json!({}),
        }
    }

    pub fn not_allowed() -> ApiError {
        ApiError {
            status: 405,
            body: json!({}),
        }
    }
}

pub type Obj = Map<String, Value>;

/// What a PATCH did: changing nothing is legal, but the guide asks clients not to write
/// the same values again (l.219).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patched {
    Changed,
    Unchanged,
}

#[derive(Debug, Default)]
pub struct Store {
    last_id: HashMap<Res, u64>,
    objects: HashMap<Res, BTreeMap<u64, Obj>>,
    /// When each object as first written reaches the conferencing nodes: "not usually more
    /// than approximately 60s" after the API accepted it (l.203-205).
    live_at: HashMap<(Res, u64), Instant>,
    pub replication_delay: Duration,
    /// Body attributes the resource does not have: the API ignores them silently (a
    /// create takes "attributes [that] match the field values", l.322), so a client that
    /// sends them is not doing what it thinks.
    pub unknown_fields: Vec<String>,
}

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

    /// Whether the object has reached the conferencing nodes (l.205).
    pub fn is_live(&self, res: Res, id: u64) -> bool {
        self.get_raw(res, id).is_some()
            && self
                .live_at
                .get(&(res, id))
                .is_none_or(|t| Instant::now() >= *t)
    }

    fn insert(&mut self, res: Res, mut obj: Obj) -> u64 {
        // "Pexip Infinity always allocates a new object ID when creating a new resource"
        // (l.330): ids are never reused.
        let id = self.last_id.entry(res).or_insert(0);
        *id += 1;
        let id = *id;
        obj.insert("id".into(), json!(id));
        obj.insert("resource_uri".into(), json!(res.uri(id)));
        self.objects.entry(res).or_default().insert(id, obj);
        self.live_at
            .insert((res, id), Instant::now() + self.replication_delay);
        id
    }

    /// The object as GET shows it: a service embeds its aliases (l.404-411) and ADPs
    /// (l.413).
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
                .map(|(_, p)| p["resource_uri"].clone())
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

    /// The service an alias leads to, as the conferencing nodes know it: both the alias and
    /// its service must have replicated (l.205).
    pub fn service_on_nodes(&self, alias: &str) -> Option<u64> {
        let a = self.find(Res::Alias, "alias", alias)?;
        let service = self
            .get_raw(Res::Alias, a)
            .and_then(|o| o.get("conference"))
            .and_then(Value::as_str)
            .and_then(|u| Res::Conference.id_in(u))?;
        (self.is_live(Res::Alias, a) && self.is_live(Res::Conference, service)).then_some(service)
    }

    /// POST to the root URI (l.320-330).
    pub fn create(&mut self, res: Res, body: &Value) -> Result<u64, ApiError> {
        if res == Res::Location {
            // Seeded only: the simulator deploys no platform.
            return Err(ApiError::not_allowed());
        }
        let body = object(res, body)?;
        // "Fields with default values may be omitted from the data" (l.324).
        let mut obj = defaults(res);
        self.merge(res, &mut obj, body)?;
        self.check_required(res, &obj)?;
        self.check_unique(res, &obj, None)?;
        let nested = match res {
            Res::Conference => self.nested_aliases(body)?,
            _ => Vec::new(),
        };
        let id = self.insert(res, obj);
        // One POST may carry the service's aliases (l.488-508).
        for (alias, description) in nested {
            let mut a = defaults(Res::Alias);
            a.insert("alias".into(), json!(alias));
            a.insert("description".into(), json!(description));
            a.insert("conference".into(), json!(Res::Conference.uri(id)));
            self.insert(Res::Alias, a);
        }
        Ok(id)
    }

    /// Aliases given inline on a service create (l.504), all checked before anything is
    /// stored.
    fn nested_aliases(&mut self, body: &Obj) -> Result<Vec<(String, String)>, ApiError> {
        let Some(list) = body.get("aliases") else {
            return Ok(Vec::new());
        };
        let bad = |m: &str| ApiError::invalid("conference", "aliases", m);
        let list = list
            .as_array()
            .ok_or_else(|| bad("Expected a list of aliases."))?;
        let mut out: Vec<(String, String)> = Vec::new();
        for a in list {
            let a = a
                .as_object()
                .ok_or_else(|| bad("Each alias is an object."))?;
            for k in a
                .keys()
                .filter(|k| !["alias", "description"].contains(&k.as_str()))
            {
                self.unknown_fields.push(format!("conference.aliases.{k}"));
            }
            let alias = match a.get("alias") {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                Some(Value::String(_)) | None | Some(Value::Null) => {
                    return Err(bad("alias: This field is required."))
                }
                Some(_) => return Err(bad("alias: Expected a string.")),
            };
            if out.iter().any(|(x, _)| *x == alias)
                || self.find(Res::Alias, "alias", &alias).is_some()
            {
                return Err(bad("Conference alias with this Alias already exists."));
            }
            let description = match a.get("description") {
                None => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(_) => return Err(bad("description: Expected a string.")),
            };
            out.push((alias, description));
        }
        Ok(out)
    }

    /// PATCH of one object (l.332-338, l.433-448): only the attributes given change.
    pub fn patch(&mut self, res: Res, id: u64, body: &Value) -> Result<Patched, ApiError> {
        if res == Res::Location {
            return Err(ApiError::not_allowed());
        }
        let body = object(res, body)?;
        let old = self
            .get_raw(res, id)
            .ok_or_else(ApiError::not_found)?
            .clone();
        let mut new = old.clone();
        self.merge(res, &mut new, body)?;
        self.check_required(res, &new)?;
        self.check_unique(res, &new, Some(id))?;
        if new == old {
            return Ok(Patched::Unchanged);
        }
        self.objects.entry(res).or_default().insert(id, new);
        Ok(Patched::Changed)
    }

    /// DELETE of one object (l.471-486).
    pub fn delete(&mut self, res: Res, id: u64) -> Result<(), ApiError> {
        if res == Res::Location {
            return Err(ApiError::not_allowed());
        }
        self.objects
            .get_mut(&res)
            .and_then(|t| t.remove(&id))
            .ok_or_else(ApiError::not_found)?;
        self.live_at.remove(&(res, id));
        if res == Res::Conference {
            // "Deleting a Virtual Meeting Room will also delete all aliases associated with
            // it" (l.486). ADPs may serve many services (l.602): they are only unlinked.
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

    /// DELETE on the root URI deletes every object (l.346-352).
    pub fn delete_all(&mut self, res: Res) -> Result<(), ApiError> {
        for id in self.ids(res) {
            self.delete(res, id)?;
        }
        Ok(())
    }

    /// Copies the body's attributes after checking each one's type; attributes the
    /// resource does not have are ignored and remembered.
    fn merge(&mut self, res: Res, into: &mut Obj, body: &Obj) -> Result<(), ApiError> {
        let schema = res.schema();
        for (k, v) in body {
            let Some(field) = schema.iter().find(|f| f.name == k) else {
                // Read-only attributes a client may echo back.
                let echoed = ["id", "resource_uri"].contains(&k.as_str())
                    || (res == Res::Conference && k == "aliases");
                if !echoed {
                    self.unknown_fields.push(format!("{}.{k}", res.segment()));
                }
                continue;
            };
            let v = self.typed(res, field, v)?;
            into.insert(k.clone(), v);
        }
        Ok(())
    }

    /// `v` as field `field` stores it, or the 400 that refuses it.
    fn typed(&self, res: Res, field: &Field, v: &Value) -> Result<Value, ApiError> {
        let wrong = |m: &str| ApiError::invalid(res.segment(), field.name, m);
        Ok(match (field.kind, v) {
            (Kind::Text, Value::String(_)) => v.clone(),
            (Kind::Text, _) => return Err(wrong("Expected a string.")),
            (Kind::TextOrNull, Value::String(_) | Value::Null) => v.clone(),
            (Kind::TextOrNull, _) => return Err(wrong("Expected a string or null.")),
            (Kind::Bool, Value::Bool(_)) => v.clone(),
            (Kind::Bool, _) => return Err(wrong("Expected a boolean.")),
            (Kind::IntOrNull, Value::Null) => v.clone(),
            (Kind::IntOrNull, Value::Number(n)) if n.is_u64() => v.clone(),
            (Kind::IntOrNull, _) => return Err(wrong("Expected a positive integer or null.")),
            (Kind::Choice(allowed), Value::String(s)) if allowed.contains(&s.as_str()) => v.clone(),
            (Kind::Choice(allowed), _) => {
                return Err(wrong(&format!(
                    "Select a valid choice: one of {}.",
                    allowed.join(", ")
                )))
            }
            (Kind::Uri(target), Value::String(u)) => json!(self.known_uri(res, field, target, u)?),
            (Kind::Uri(_), _) => return Err(wrong("Expected a resource URI.")),
            (Kind::UriOrNull(_), Value::Null) => Value::Null,
            (Kind::UriOrNull(target), Value::String(u)) => {
                json!(self.known_uri(res, field, target, u)?)
            }
            (Kind::UriOrNull(_), _) => return Err(wrong("Expected a resource URI or null.")),
            (Kind::UriList(target), Value::Array(list)) => {
                let mut out = Vec::new();
                for u in list {
                    match u.as_str() {
                        Some(u) => out.push(json!(self.known_uri(res, field, target, u)?)),
                        None => return Err(wrong("Expected a list of resource URIs.")),
                    }
                }
                Value::Array(out)
            }
            (Kind::UriList(_), _) => return Err(wrong("Expected a list of resource URIs.")),
        })
    }

    /// A URI of an existing `target`, stored relative as GET shows it (l.406, l.426).
    fn known_uri(
        &self,
        res: Res,
        field: &Field,
        target: Res,
        uri: &str,
    ) -> Result<String, ApiError> {
        match target.id_in(uri) {
            Some(id) if self.get_raw(target, id).is_some() => Ok(target.uri(id)),
            _ => Err(ApiError::invalid(
                res.segment(),
                field.name,
                &format!("Could not find the referenced {}.", target.segment()),
            )),
        }
    }

    fn check_required(&self, res: Res, o: &Obj) -> Result<(), ApiError> {
        for field in res.schema().iter().filter(|f| f.required) {
            let missing = match o.get(field.name) {
                None | Some(Value::Null) => true,
                Some(Value::String(s)) => s.is_empty(),
                _ => false,
            };
            if missing {
                return Err(ApiError::invalid(
                    res.segment(),
                    field.name,
                    "This field is required.",
                ));
            }
        }
        Ok(())
    }

    /// A service is found by its name in the status API (l.1057) and an alias leads a
    /// caller to one service (l.1748-1750): neither can be held twice.
    fn check_unique(&self, res: Res, o: &Obj, own: Option<u64>) -> Result<(), ApiError> {
        let (field, message) = match res {
            Res::Conference => ("name", "Conference with this Name already exists."),
            Res::Alias => ("alias", "Conference alias with this Alias already exists."),
            _ => return Ok(()),
        };
        let value = o.get(field).and_then(Value::as_str).unwrap_or("");
        let taken = self
            .find(res, field, value)
            .is_some_and(|other| Some(other) != own);
        if taken {
            return Err(ApiError::invalid(res.segment(), field, message));
        }
        Ok(())
    }
}

fn object(res: Res, body: &Value) -> Result<&Obj, ApiError> {
    // "The data should be a JSON object" (l.322).
    body.as_object()
        .ok_or_else(|| ApiError::invalid(res.segment(), "__all__", "A JSON object is required."))
}

/// Whether an ADP is linked to the service at `uri`.
pub fn links(adp: &Obj, uri: &str) -> bool {
    adp.get("conference")
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().any(|c| c.as_str() == Some(uri)))
}

/// The path of a URI, absolute (a Location header, l.326-328) or relative.
pub fn relative(uri: &str) -> String {
    match uri.find("://") {
        Some(i) => {
            let rest = &uri[i + 3..];
            rest.find('/').map_or("/".into(), |p| rest[p..].to_string())
        }
        None => uri.to_string(),
    }
}

/// The values a new object starts from: those the guide's example shows for a service
/// created with only a name and type (l.380, l.403-430).
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
