//! A Cisco Meeting Server 3.4 simulator, written from the reference document
//! (`spec/meeting-server-api-3.4.txt`, cited as §section and l.line) as a second reading,
//! independent of the adapter: coSpaces, calls and their call legs, system load and cluster
//! configuration. HTTP Basic auth; forms only (anything else is the fronting web server's
//! 502); every parameter checked against the document's tables (`rules.rs`) and unknown
//! ones ignored as the product does; collections paged with the documented caps, in an
//! order that shifts when objects come and go; creates answered `200 OK` with `Location`;
//! failures as `<failureDetails>` with the documented reasons. The far end of a call leg
//! answers after a short delay, or the leg ends when its address refuses calls. A restart
//! loses calls and call legs but keeps coSpaces (configuration). Knobs for tests and the
//! demo: down, slow, refused writes, load, a participant limit, a passcode policy.
mod rules;
mod xml;

use super::server::Running;
use super::{Observed, SimCall};
use actix_web::{web, HttpRequest, HttpResponse};
use rules::{Kind, Read, Refusal};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The server's own page limits (§4.2.2, l.1039-1042): "/api/v1/coSpaces - 20",
/// "/api/v1/calls - 10".
const CO_SPACE_PAGE: usize = 20;
const CALL_PAGE: usize = 10;
/// Call legs: "the Meeting Server will have its own limit in these cases too" (l.1014)
/// without a number; the default is that of calls, and tests can lower it.
const CALL_LEG_PAGE: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoSpace {
    pub id: String,
    pub name: String,
    pub uri: String,
    pub secondary_uri: String,
    pub call_id: String,
    pub passcode: String,
    pub secret: String,
    /// Every other parameter set on it, by its API name.
    pub settings: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub id: String,
    /// The coSpace it instantiates, empty for an ad hoc call.
    pub co_space: String,
    pub name: String,
    pub correlator: String,
    pub started: Instant,
    pub settings: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    pub id: String,
    pub call: String,
    pub remote_party: String,
    /// Every parameter it was created or changed with (remoteParty aside), by API name.
    pub settings: BTreeMap<String, String>,
    pub placed: Instant,
    pub connected: bool,
}

impl Leg {
    pub fn setting(&self, name: &str) -> &str {
        self.settings.get(name).map(String::as_str).unwrap_or("")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    pub requests: u64,
    pub co_space_creates: u64,
    pub co_space_changes: u64,
    pub call_creates: u64,
    pub leg_creates: u64,
    /// Call legs whose far end did not answer.
    pub legs_failed: u64,
    /// Form parameters the API does not know (the real server ignores them silently).
    pub unknown_parameters: u64,
}

#[derive(Debug)]
pub struct State {
    pub co_spaces: Vec<CoSpace>,
    pub calls: Vec<Call>,
    pub legs: Vec<Leg>,
    pub counters: Counters,
    /// The names of the unknown parameters received, in order.
    pub unknown: Vec<String>,
    /// Every failure answered, as "METHOD path: reason" (parameter errors with the
    /// parameter and the error).
    pub refusals: Vec<String>,
    /// Answer 503 to everything.
    pub down: bool,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Refuse every POST and PUT with this failure reason.
    pub refuse_writes: Option<String>,
    pub load: f64,
    pub load_limit: f64,
    /// How long a called far end takes to answer (or to refuse).
    pub answer_after: Duration,
    /// Addresses whose far end refuses calls (compared without case or a "sip:" prefix).
    pub refused_addresses: HashSet<String>,
    /// The participant limit of every call (a call profile's participantLimit, §8.11.5).
    pub participant_limit: Option<usize>,
    /// The server's page limit for call legs.
    pub leg_page: usize,
    /// The effective dial-in security profile's minPasscodeLength (§14.1.1: 0 by default,
    /// no enforcement, l.5218, l.5226).
    pub min_passcode_length: usize,
    /// coSpace names another client deletes, one before each coSpace page after the first
    /// is answered, so pages shift under a client reading them (§4.2.2, l.1020).
    pub removed_between_pages: Vec<String>,
    /// The calls a GET /calls lists end right after it answers, as when their last
    /// participants leave at that moment: a client that then deletes them meets
    /// callDoesNotExist (l.1149).
    pub calls_end_after_listing: bool,
    rng: u64,
}

impl Default for State {
    fn default() -> State {
        State {
            co_spaces: vec![],
            calls: vec![],
            legs: vec![],
            counters: Counters::default(),
            unknown: vec![],
            refusals: vec![],
            down: false,
            delay: Duration::ZERO,
            refuse_writes: None,
            load: 0.0,
            load_limit: 10_000.0,
            answer_after: Duration::from_millis(100),
            refused_addresses: HashSet::new(),
            participant_limit: None,
            leg_page: CALL_LEG_PAGE,
            min_passcode_length: 0,
            removed_between_pages: vec![],
            calls_end_after_listing: false,
            rng: 0x853c_49e6_748f_ea9b,
        }
    }
}

/// A failure to answer: the HTTP status and the failure details.
struct Fail(u16, Refusal);

type Answer = Result<HttpResponse, Fail>;

fn bad(refusal: Refusal) -> Fail {
    Fail(400, refusal)
}

/// "A request supplying a <coSpace id> which does not correspond to a valid coSpace
/// object gives “404 Not Found” response" (§4.1, l.986), with the reason of §4.6.
fn missing(reason: &'static str) -> Fail {
    Fail(404, Refusal::Reason(reason))
}

fn parameter(name: &str) -> Refusal {
    Refusal::Parameter {
        parameter: name.into(),
        error: "invalidValue",
    }
}

fn address_key(a: &str) -> String {
    let a = a.trim().to_ascii_lowercase();
    a.strip_prefix("sip:").map(str::to_string).unwrap_or(a)
}

impl State {
    /// A fresh id in the form every id of the document has (8-4-4-4-12 hex, l.977).
    fn new_id(&mut self) -> String {
        let mut next = || {
            // splitmix64: ids in no particular order, like the product's GUIDs.
            self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.rng;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let (a, b) = (next(), next());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }

    /// The far ends answer: a leg older than `answer_after` is connected, or ends (and
    /// disappears: a call leg id names "a currently active call leg", l.1155) when its
    /// address refuses calls or cannot be dialled.
    fn settle(&mut self) {
        let now = Instant::now();
        let after = self.answer_after;
        let refused = self.refused_addresses.clone();
        let mut failed = 0;
        self.legs.retain_mut(|leg| {
            if leg.connected || now.duration_since(leg.placed) < after {
                return true;
            }
            let answers = !refused.contains(&address_key(&leg.remote_party))
                && rules::dialable(&leg.remote_party);
            leg.connected = answers;
            failed += u64::from(!answers);
            answers
        });
        self.counters.legs_failed += failed;
    }

    fn take_unknown(&mut self, read: &Read) {
        self.counters.unknown_parameters += read.unknown.len() as u64;
        self.unknown.extend(read.unknown.iter().cloned());
    }

    /// coSpaces in list order. The document does not say which order its "notional
    /// complete list" has (§4.2.1, l.1010); the simulator lists by name, so objects added
    /// or removed anywhere shift the pages after them (l.1020).
    fn listed_co_spaces(&self, filter: &str) -> Vec<&CoSpace> {
        let filter = filter.to_lowercase();
        let mut list: Vec<&CoSpace> = self
            .co_spaces
            .iter()
            // "return just those coSpaces that match the filter" (l.1377), "whose name
            // includes" it (l.1058); the case rule is not given, so the looser reading.
            .filter(|c| c.name.to_lowercase().contains(&filter))
            .collect();
        list.sort_by(|a, b| (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id)));
        list
    }

    fn co_space(&self, id: &str) -> Option<usize> {
        self.co_spaces.iter().position(|c| c.id == id)
    }

    fn call(&self, id: &str) -> Option<usize> {
        self.calls.iter().position(|c| c.id == id)
    }

    fn leg(&self, id: &str) -> Option<usize> {
        self.legs.iter().position(|l| l.id == id)
    }
}

/// The page `offset`/`limit` ask for, at most `cap` long (§4.2.2, l.1012-1016): "the
/// number of elements returned will be the lower of any supplied "limitValue" and the
/// Meeting Server's own limit"; "If "offsetValue" is greater than the number of objects of
/// that type, then no elements will be returned."
fn page<T: Clone>(items: &[T], q: &HashMap<String, String>, cap: usize) -> Result<Vec<T>, Fail> {
    let number = |name: &str| -> Result<Option<usize>, Fail> {
        match q.get(name).map(String::as_str) {
            None | Some("") => Ok(None),
            Some(v) => rules::check(name, Kind::Number(u32::MAX as u64), v)
                .map_err(bad)
                .map(|_| v.parse().ok()),
        }
    };
    let offset = number("offset")?.unwrap_or(0);
    let limit = number("limit")?.unwrap_or(cap).min(cap);
    Ok(items.iter().skip(offset).take(limit).cloned().collect())
}

fn co_space_summary(c: &CoSpace) -> String {
    // §6.1, l.1385-1390: name, uri, secondaryUri, callId, tenant, autoGenerated.
    let mut out = String::new();
    xml::element(&mut out, "name", &c.name);
    out.push_str("<autoGenerated>false</autoGenerated>");
    xml::element(&mut out, "uri", &c.uri);
    xml::element(&mut out, "secondaryUri", &c.secondary_uri);
    xml::element(&mut out, "callId", &c.call_id);
    xml::element(
        &mut out,
        "tenant",
        c.settings.get("tenant").map_or("", |s| s),
    );
    format!("<coSpace id=\"{}\">{out}</coSpace>", c.id)
}

fn co_space_detail(c: &CoSpace) -> String {
    // §6.3, l.1461-1498: the values set, autoGenerated, numAccessMethods and the secret.
    let mut out = String::new();
    xml::element(&mut out, "name", &c.name);
    xml::element(&mut out, "uri", &c.uri);
    xml::element(&mut out, "secondaryUri", &c.secondary_uri);
    xml::element(&mut out, "callId", &c.call_id);
    xml::element(&mut out, "passcode", &c.passcode);
    out.push_str("<autoGenerated>false</autoGenerated><numAccessMethods>0</numAccessMethods>");
    xml::element(&mut out, "secret", &c.secret);
    for (k, v) in &c.settings {
        if k != "requireCallId" && k != "regenerateSecret" {
            xml::element(&mut out, k, v);
        }
    }
    format!("<coSpace id=\"{}\">{out}</coSpace>", c.id)
}

impl State {
    fn get_co_spaces(&mut self, q: &HashMap<String, String>) -> Answer {
        let offset_given = q.get("offset").is_some_and(|o| !o.is_empty() && o != "0");
        if offset_given && !self.removed_between_pages.is_empty() {
            let name = self.removed_between_pages.remove(0);
            if let Some(i) = self.co_spaces.iter().position(|c| c.name == name) {
                self.co_spaces.remove(i);
            }
        }
        // §6.1, l.1377-1379: filter; tenantFilter and callLegProfileFilter name objects
        // this server holds none of, so nothing matches them.
        let scoped = ["tenantFilter", "callLegProfileFilter"]
            .iter()
            .any(|f| q.get(*f).is_some_and(|v| !v.is_empty()));
        let list: Vec<CoSpace> = if scoped {
            vec![]
        } else {
            self.listed_co_spaces(q.get("filter").map_or("", |s| s))
                .into_iter()
                .cloned()
                .collect()
        };
        let shown = page(&list, q, CO_SPACE_PAGE)?;
        let items: Vec<String> = shown.iter().map(co_space_summary).collect();
        Ok(xml::collection("coSpaces", list.len(), &items))
    }

    /// The uniqueness and policy rules a coSpace must keep, checked against every other
    /// coSpace.
    fn co_space_conflict(&self, c: &CoSpace) -> Option<Refusal> {
        let others = || self.co_spaces.iter().filter(|o| o.id != c.id);
        let uri_taken = |u: &str| {
            // "Two coSpaces can't share the same URI" (l.1172); the secondary URI is
            // checked "for validity and uniqueness in the same way as the uri" (l.1452).
            !u.is_empty() && others().any(|o| o.uri == u || o.secondary_uri == u)
        };
        if uri_taken(&c.uri) || uri_taken(&c.secondary_uri) {
            return Some(Refusal::Reason("duplicateCoSpaceUri"));
        }
        // "a call ID that clashed with one used by another coSpace" (l.1171).
        if !c.call_id.is_empty() && others().any(|o| o.call_id == c.call_id) {
            return Some(Refusal::Reason("duplicateCoSpaceId"));
        }
        // passcodeTooShort (l.1210) against the effective minPasscodeLength (§14.1.1).
        if !c.passcode.is_empty() && c.passcode.len() < self.min_passcode_length {
            return Some(Refusal::Reason("passcodeTooShort"));
        }
        None
    }

    /// Sets the parameters of `read` on `c` (§6.2); `create` for a POST.
    fn apply_co_space(&mut self, c: &mut CoSpace, read: &Read, create: bool) {
        for (k, v) in &read.known {
            match k.as_str() {
                "name" => c.name = v.clone(),
                "uri" => c.uri = v.clone(),
                "secondaryUri" => c.secondary_uri = v.clone(),
                "callId" => c.call_id = v.clone(),
                "passcode" => c.passcode = v.clone(),
                "secret" => c.secret = v.clone(),
                _ if v.is_empty() => {
                    c.settings.remove(k);
                }
                _ => {
                    c.settings.insert(k.clone(), v.clone());
                }
            }
        }
        // §6.2.2, l.1459: requireCallId=true and no callId yet: one is generated.
        if read.get("requireCallId") == Some("true") && c.call_id.is_empty() {
            let mut n = 100_000_000u64 + self.co_spaces.len() as u64;
            while self.co_spaces.iter().any(|o| o.call_id == n.to_string()) {
                n += 1;
            }
            c.call_id = n.to_string();
        }
        // l.1419: "If absent, a security string is chosen automatically if the coSpace has
        // a callId value"; l.1420: regenerateSecret=true makes a new one.
        let regenerate = !create && read.get("regenerateSecret") == Some("true");
        if (!c.call_id.is_empty() && c.secret.is_empty()) || regenerate {
            c.secret = self.new_id().replace('-', "")[..12].to_string();
        }
    }

    fn post_co_space(&mut self, form: &[(String, String)]) -> Answer {
        // regenerateSecret "is only valid for the modify (PUT) case" (l.1420).
        let read = rules::read(rules::CO_SPACE, &["regenerateSecret"], form).map_err(bad)?;
        self.take_unknown(&read);
        // "creation of a coSpace requires the new coSpace's name to be specified" (§4.3.1,
        // l.1089). The document names no error value for a missing parameter; invalidValue
        // is the one it gives for an empty value (l.1183).
        if read.get("name").is_none_or(str::is_empty) {
            return Err(bad(parameter("name")));
        }
        let mut c = CoSpace {
            id: self.new_id(),
            ..CoSpace::default()
        };
        self.apply_co_space(&mut c, &read, true);
        if let Some(refusal) = self.co_space_conflict(&c) {
            return Err(bad(refusal));
        }
        self.counters.co_space_creates += 1;
        let location = format!("/api/v1/coSpaces/{}", c.id);
        self.co_spaces.push(c);
        Ok(xml::created(&location))
    }

    fn put_co_space(&mut self, i: usize, form: &[(String, String)]) -> Answer {
        // userProvisionedCoSpace instantiates a new coSpace (l.1399): not a change.
        let read = rules::read(rules::CO_SPACE, &["userProvisionedCoSpace"], form).map_err(bad)?;
        self.take_unknown(&read);
        let mut c = self.co_spaces[i].clone();
        self.apply_co_space(&mut c, &read, false);
        if let Some(refusal) = self.co_space_conflict(&c) {
            // Refused as a whole: the coSpace keeps every value it had.
            return Err(bad(refusal));
        }
        self.counters.co_space_changes += 1;
        self.co_spaces[i] = c;
        Ok(HttpResponse::Ok().finish())
    }

    fn call_summary(&self, c: &Call) -> String {
        // §8.1.1, l.2262-2266.
        let mut out = String::new();
        xml::element(&mut out, "name", &c.name);
        xml::element(&mut out, "coSpace", &c.co_space);
        xml::element(&mut out, "callCorrelator", &c.correlator);
        format!("<call id=\"{}\">{out}</call>", c.id)
    }

    fn call_detail(&self, c: &Call) -> String {
        // §8.1.3, l.2306-2355.
        let legs = self.legs.iter().filter(|l| l.call == c.id).count();
        let owner = self
            .co_space(&c.co_space)
            .and_then(|i| self.co_spaces[i].settings.get("meetingScheduler"))
            .cloned()
            .unwrap_or_default();
        let mut out = String::new();
        xml::element(&mut out, "coSpace", &c.co_space);
        xml::element(&mut out, "callCorrelator", &c.correlator);
        let kind = if c.co_space.is_empty() {
            "adHoc"
        } else {
            "coSpace"
        };
        xml::element(&mut out, "callType", kind);
        xml::element(&mut out, "name", &c.name);
        out.push_str(&format!(
            "<durationSeconds>{}</durationSeconds><numCallLegs>{legs}</numCallLegs><numParticipantsLocal>{legs}</numParticipantsLocal><numParticipantsRemote>0</numParticipantsRemote><numDistributedInstances>0</numDistributedInstances>",
            c.started.elapsed().as_secs()
        ));
        xml::element(&mut out, "ownerName", &owner);
        for (k, v) in &c.settings {
            xml::element(&mut out, k, v);
        }
        format!("<call id=\"{}\">{out}</call>", c.id)
    }

    fn get_calls(&mut self, q: &HashMap<String, String>) -> Answer {
        // §8.1.1, l.2255-2258: coSpaceFilter and tenantFilter.
        let space = q.get("coSpaceFilter").filter(|f| !f.is_empty());
        let tenant = q.get("tenantFilter").is_some_and(|f| !f.is_empty());
        let list: Vec<Call> = self
            .calls
            .iter()
            .filter(|c| !tenant && space.is_none_or(|s| c.co_space == *s))
            .cloned()
            .collect();
        let shown = page(&list, q, CALL_PAGE)?;
        let items: Vec<String> = shown.iter().map(|c| self.call_summary(c)).collect();
        if self.calls_end_after_listing {
            self.calls.retain(|c| !shown.iter().any(|s| s.id == c.id));
            self.legs.retain(|l| !shown.iter().any(|s| s.id == l.call));
        }
        Ok(xml::collection("calls", list.len(), &items))
    }

    fn post_call(&mut self, form: &[(String, String)]) -> Answer {
        let read = rules::read(rules::CALL, &[], form).map_err(bad)?;
        self.take_unknown(&read);
        let given = |n: &str| read.get(n).filter(|v| !v.is_empty()).map(str::to_string);
        // l.2273-2275: coSpace, else name, else callCorrelator must be set.
        let (co_space, name) = match (given("coSpace"), given("name"), given("callCorrelator")) {
            (Some(id), _, _) => {
                let i = self
                    .co_space(&id)
                    .ok_or(bad(Refusal::Reason("coSpaceDoesNotExist")))?;
                (id, self.co_spaces[i].name.clone())
            }
            (None, Some(name), _) => (String::new(), name),
            // A call on another Call Bridge of the cluster: this one is alone.
            (None, None, Some(_)) => return Err(bad(Refusal::Reason("callDoesNotExist"))),
            (None, None, None) => return Err(bad(parameter("coSpace"))),
        };
        let mut settings = BTreeMap::new();
        for (k, v) in &read.known {
            if !rules::CALL_POST_ONLY.contains(&k.as_str()) && !v.is_empty() {
                settings.insert(k.clone(), v.clone());
            }
        }
        // activeWhenEmpty: "If this parameter is not supplied in a create (POST)
        // operation, it defaults to "true"" (l.2289).
        settings
            .entry("activeWhenEmpty".into())
            .or_insert_with(|| "true".into());
        let call = Call {
            id: self.new_id(),
            co_space,
            name,
            correlator: self.new_id(),
            started: Instant::now(),
            settings,
        };
        self.counters.call_creates += 1;
        let location = format!("/api/v1/calls/{}", call.id);
        self.calls.push(call);
        Ok(xml::created(&location))
    }

    fn leg_summary(&self, l: &Leg) -> String {
        // §8.3.1, l.2593-2604: name, remoteParty, call, tenant, alarms, accessMethod.
        let mut out = String::new();
        out.push_str("<name></name>");
        xml::element(&mut out, "remoteParty", &l.remote_party);
        xml::element(&mut out, "call", &l.call);
        xml::element(
            &mut out,
            "accessMethod",
            if l.setting("accessMethod").is_empty() {
                "coSpace"
            } else {
                l.setting("accessMethod")
            },
        );
        format!("<callLeg id=\"{}\">{out}</callLeg>", l.id)
    }

    fn leg_detail(&self, l: &Leg) -> String {
        // §8.3.5 (l.2707-2913) and Appendix 17 (l.5708-5860): the leg, its configuration
        // ("the same values as those that can be modified in a PUT", l.5728) and status.
        let mut out = String::new();
        out.push_str("<name></name>");
        xml::element(&mut out, "remoteParty", &l.remote_party);
        xml::element(&mut out, "originalRemoteParty", &l.remote_party);
        xml::element(&mut out, "call", &l.call);
        out.push_str("<type>sip</type><direction>outgoing</direction><configuration>");
        for (k, v) in &l.settings {
            if !rules::CALL_LEG_POST_ONLY.contains(&k.as_str()) {
                xml::element(&mut out, k, v);
            }
        }
        // l.2800: state is initial|ringing|connected|onHold.
        let state = if l.connected { "connected" } else { "ringing" };
        out.push_str(&format!(
            "</configuration><status><state>{state}</state><durationSeconds>{}</durationSeconds></status>",
            l.placed.elapsed().as_secs()
        ));
        format!("<callLeg id=\"{}\">{out}</callLeg>", l.id)
    }

    fn get_legs(&mut self, call: Option<&str>, q: &HashMap<String, String>) -> Answer {
        // §8.3.1, l.2577-2591: filter and ownerIdSet; the other filters name objects or
        // media this server does not have, so nothing matches them.
        let filter = q.get("filter").map_or(String::new(), |f| f.to_lowercase());
        let owner_set = q.get("ownerIdSet").map(String::as_str);
        if let Some(v) = owner_set {
            rules::check("ownerIdSet", Kind::Bool, v).map_err(bad)?;
        }
        let scoped = [
            "participantFilter",
            "tenantFilter",
            "activeLayoutFilter",
            "alarms",
        ]
        .iter()
        .any(|f| q.get(*f).is_some_and(|v| !v.is_empty()));
        let list: Vec<Leg> = self
            .legs
            .iter()
            .filter(|l| !scoped && call.is_none_or(|c| l.call == c))
            .filter(|l| l.remote_party.to_lowercase().contains(&filter))
            .filter(|l| match owner_set {
                Some("true") => !l.setting("ownerId").is_empty(),
                Some("false") => l.setting("ownerId").is_empty(),
                _ => true,
            })
            .cloned()
            .collect();
        let items: Vec<String> = page(&list, q, self.leg_page)?
            .iter()
            .map(|l| self.leg_summary(l))
            .collect();
        Ok(xml::collection("callLegs", list.len(), &items))
    }

    fn post_leg(&mut self, call: usize, form: &[(String, String)]) -> Answer {
        let read = rules::read(rules::CALL_LEG, &[], form).map_err(bad)?;
        self.take_unknown(&read);
        // remoteParty is marked mandatory (*) (l.2620; §4.3.2, l.1098).
        let Some(remote) = read.get("remoteParty").filter(|r| !r.trim().is_empty()) else {
            return Err(bad(parameter("remoteParty")));
        };
        let call_id = self.calls[call].id.clone();
        let in_call = self.legs.iter().filter(|l| l.call == call_id).count();
        // §8.11.5, l.3453 and l.3469: at the call's participantLimit no participant can be
        // added, and the create fails with the reason (l.1209).
        if self.participant_limit.is_some_and(|limit| in_call >= limit) {
            return Err(bad(Refusal::Reason("participantLimitReached")));
        }
        let remote = remote.to_string();
        let mut settings = BTreeMap::new();
        for (k, v) in &read.known {
            if k != "remoteParty" && !v.is_empty() {
                settings.insert(k.clone(), v.clone());
            }
        }
        let leg = Leg {
            id: self.new_id(),
            call: call_id,
            remote_party: remote,
            settings,
            placed: Instant::now(),
            connected: false,
        };
        self.counters.leg_creates += 1;
        // The object is /callLegs/<id> (§8.3.5, l.2709).
        let location = format!("/api/v1/callLegs/{}", leg.id);
        self.legs.push(leg);
        Ok(xml::created(&location))
    }

    fn put_leg(&mut self, i: usize, form: &[(String, String)]) -> Answer {
        // "You cannot modify the remoteParty, bandwidth or confirmation" (l.2617).
        let read = rules::read(rules::CALL_LEG, rules::CALL_LEG_POST_ONLY, form).map_err(bad)?;
        self.take_unknown(&read);
        for (k, v) in &read.known {
            if v.is_empty() {
                self.legs[i].settings.remove(k);
            } else {
                self.legs[i].settings.insert(k.clone(), v.clone());
            }
        }
        Ok(HttpResponse::Ok().finish())
    }

    fn route(
        &mut self,
        method: &str,
        parts: &[&str],
        q: &HashMap<String, String>,
        form: &[(String, String)],
    ) -> Answer {
        let ok = || Ok(HttpResponse::Ok().finish());
        match (method, parts) {
            ("GET", ["coSpaces"]) => self.get_co_spaces(q),
            ("POST", ["coSpaces"]) => self.post_co_space(form),
            (m, ["coSpaces", id]) => {
                let i = self.co_space(id).ok_or(missing("coSpaceDoesNotExist"))?;
                match m {
                    "GET" => Ok(xml::ok(&co_space_detail(&self.co_spaces[i]))),
                    "PUT" => self.put_co_space(i, form),
                    "DELETE" => {
                        // §4.5, l.1126. Calls the API made are not ended by this: they
                        // "remain active" until deleted themselves (§8, l.2245).
                        self.co_spaces.remove(i);
                        ok()
                    }
                    _ => Err(bad(Refusal::Reason("invalidOperation"))),
                }
            }
            ("GET", ["calls"]) => self.get_calls(q),
            ("POST", ["calls"]) => self.post_call(form),
            (m, ["calls", id]) => {
                let i = self.call(id).ok_or(missing("callDoesNotExist"))?;
                match m {
                    "GET" => Ok(xml::ok(&self.call_detail(&self.calls[i]))),
                    "PUT" => {
                        let read = rules::read(rules::CALL, rules::CALL_POST_ONLY, form)
                            .map_err(bad)?;
                        self.take_unknown(&read);
                        for (k, v) in read.known {
                            self.calls[i].settings.insert(k, v);
                        }
                        ok()
                    }
                    "DELETE" => {
                        // Deleting the call ends it, with every leg in it.
                        let id = self.calls.remove(i).id;
                        self.legs.retain(|l| l.call != id);
                        ok()
                    }
                    _ => Err(bad(Refusal::Reason("invalidOperation"))),
                }
            }
            (m, ["calls", id, "callLegs"]) => {
                let i = self.call(id).ok_or(missing("callDoesNotExist"))?;
                match m {
                    "GET" => {
                        let id = self.calls[i].id.clone();
                        self.get_legs(Some(&id), q)
                    }
                    "POST" => self.post_leg(i, form),
                    _ => Err(bad(Refusal::Reason("invalidOperation"))),
                }
            }
            ("GET", ["callLegs"]) => self.get_legs(None, q),
            (m, ["callLegs", id]) => {
                let i = self.leg(id).ok_or(missing("callLegDoesNotExist"))?;
                match m {
                    "GET" => Ok(xml::ok(&self.leg_detail(&self.legs[i]))),
                    "PUT" => self.put_leg(i, form),
                    "DELETE" => {
                        self.legs.remove(i);
                        ok()
                    }
                    _ => Err(bad(Refusal::Reason("invalidOperation"))),
                }
            }
            ("GET", ["system", "status"]) => Ok(xml::ok(&format!(
                // §10.1, l.3748-3769.
                "<status><softwareVersion>3.4</softwareVersion><callLegsActive>{}</callLegsActive></status>",
                self.legs.len()
            ))),
            // §10.13, l.4528-4535.
            ("GET", ["system", "load"]) => Ok(xml::ok(&format!(
                "<load><mediaProcessingLoad>{}</mediaProcessingLoad></load>",
                self.load
            ))),
            // §10.12.1, l.4501-4515, with the documented defaults.
            ("GET", ["system", "configuration", "cluster"]) => Ok(xml::ok(&format!(
                "<cluster><uniqueName>sim</uniqueName><loadLimit>{}</loadLimit><newConferenceLoadLimitBasisPoints>5000</newConferenceLoadLimitBasisPoints><existingConferenceLoadLimitBasisPoints>8000</existingConferenceLoadLimitBasisPoints></cluster>",
                self.load_limit
            ))),
            (_, ["coSpaces" | "calls" | "callLegs"]) => {
                Err(bad(Refusal::Reason("invalidOperation")))
            }
            // "There are elements in the URI you are accessing that are not recognized"
            // (l.1226).
            _ => Err(bad(Refusal::Reason("unrecognisedObject"))),
        }
    }
}

/// A running simulator; dropping it stops the server.
pub struct CmsSim {
    pub base: String,
    pub state: Arc<Mutex<State>>,
    running: Running,
}

struct Sim {
    state: Arc<Mutex<State>>,
    user: String,
    password: String,
}

impl CmsSim {
    /// Serves on `listen` (e.g. "127.0.0.1:0") with these API credentials.
    pub fn start(listen: &str, username: &str, password: &str) -> std::io::Result<CmsSim> {
        let state = Arc::new(Mutex::new(State::default()));
        let sim = web::Data::new(Sim {
            state: state.clone(),
            user: username.to_string(),
            password: password.to_string(),
        });
        let running = Running::start(listen, move |cfg| {
            cfg.app_data(sim.clone()).default_service(web::to(handle));
        })?;
        Ok(CmsSim {
            base: running.base.clone(),
            state,
            running,
        })
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.settle();
        f(&mut state)
    }

    /// Runs until the process is stopped (`bridgebook sim`).
    pub fn wait(mut self) {
        self.running.wait();
    }
}

impl Observed for CmsSim {
    fn meetings(&self) -> Vec<String> {
        self.with(|s| s.co_spaces.iter().map(|c| c.name.clone()).collect())
    }

    fn calls(&self, name: &str) -> Vec<SimCall> {
        self.with(|s| {
            let spaces: Vec<&str> = s
                .co_spaces
                .iter()
                .filter(|c| c.name == name)
                .map(|c| c.id.as_str())
                .collect();
            let calls: Vec<&str> = s
                .calls
                .iter()
                .filter(|c| spaces.contains(&c.co_space.as_str()))
                .map(|c| c.id.as_str())
                .collect();
            s.legs
                .iter()
                .filter(|l| calls.contains(&l.call.as_str()))
                .map(|l| SimCall {
                    address: l.remote_party.clone(),
                    // The document's Meeting Server places SIP calls only (§4.3, l.1085).
                    protocol: "sip".into(),
                    connected: l.connected,
                })
                .collect()
        })
    }

    /// Calls and call legs are live state and go; coSpaces are configuration, kept in
    /// the database, and stay.
    fn restart(&self) {
        self.with(|s| {
            s.calls.clear();
            s.legs.clear();
        });
    }

    fn add_foreign(&self, name: &str) {
        self.with(|s| {
            let c = CoSpace {
                id: s.new_id(),
                name: name.to_string(),
                ..CoSpace::default()
            };
            s.co_spaces.push(c);
        });
    }

    fn refuse_calls_to(&self, address: &str, refuse: bool) {
        self.with(|s| {
            let key = address_key(address);
            if refuse {
                s.refused_addresses.insert(key);
            } else {
                s.refused_addresses.remove(&key);
            }
        });
    }
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    super::form::parse_pairs(req.query_string())
        .into_iter()
        .collect()
}

async fn handle(req: HttpRequest, body: web::Bytes, sim: web::Data<Sim>) -> HttpResponse {
    let delay = sim.state.lock().unwrap_or_else(|p| p.into_inner()).delay;
    if !delay.is_zero() {
        actix_web::rt::time::sleep(delay).await;
    }
    let mut state = sim.state.lock().unwrap_or_else(|p| p.into_inner());
    state.counters.requests += 1;
    // "a temporary “busy” condition" (§4.1, l.984).
    if state.down {
        return HttpResponse::ServiceUnavailable().finish();
    }
    // §3.2 (l.905-909) and §3.4.1 (l.948): HTTP Basic with the API account's credentials.
    if !super::basic::carries(&req, &sim.user, &sim.password) {
        return HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Basic realm=\"api\""))
            .finish();
    }
    let method = req.method().as_str().to_string();
    let path = req.path().to_string();
    let form_body = req
        .headers()
        .get("Content-Type")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| {
            h.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    // §4.3.1 (l.1089), §4.4.1 (l.1112) and Appendix 19.1.4 step 6 (l.6118).
    if (method == "POST" || method == "PUT") && !form_body {
        return xml::proxy_error(&method, &path);
    }
    state.settle();
    let answer = match path.strip_prefix("/api/").map(|p| p.split_once('/')) {
        // "including “v1” means the API handler knows that the request is being made by
        // an object that understands version 1 of the API" (§4.1, l.980).
        Some(Some(("v1", rest))) => {
            let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
            match (&state.refuse_writes, method.as_str()) {
                (Some(reason), "POST" | "PUT") => Err(bad(Refusal::Given(reason.clone()))),
                _ => {
                    let q = query(&req);
                    let form = super::form::parse_pairs(&String::from_utf8_lossy(&body));
                    state.route(&method, &parts, &q, &form)
                }
            }
        }
        Some(Some((_, _))) => Err(bad(Refusal::Reason("invalidVersion"))),
        _ => Err(bad(Refusal::Reason("unrecognisedObject"))),
    };
    match answer {
        Ok(r) => r,
        Err(Fail(status, refusal)) => {
            let why = match &refusal {
                Refusal::Reason(r) => r.to_string(),
                Refusal::Given(r) => r.clone(),
                Refusal::Parameter { parameter, error } => {
                    format!("parameterError {parameter} {error}")
                }
            };
            state.refusals.push(format!("{method} {path}: {why}"));
            xml::failure(status, &refusal)
        }
    }
}
