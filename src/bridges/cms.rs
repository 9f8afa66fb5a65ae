//! Cisco Meeting Server 3.4 (`spec/meeting-server-api-3.4.txt`, cited as §section): a
//! meeting is a coSpace named by its reference, with `uri` (the SIP URI's user part),
//! `secondaryUri` (the numeric id, when it differs), `callId` and `passcode`. Calls are
//! outgoing call legs of a call the API creates on the coSpace (§6.6), each tagged with an
//! `ownerId` made from the meeting's reference and the call's key, so a retried call finds
//! the leg made before. The API ignores parameters it does not know, so every coSpace
//! write is read back and compared (§3.4.1); lists come in pages of at most 20 coSpaces or
//! 10 calls that shift while objects come and go (§4.2.2), so every lookup reads them all
//! and matches names exactly. Calls the API created stay alive after everyone leaves
//! (§8), so tear-down deletes them before the coSpace.
use super::tls::{self, ClientTls};
use super::{Adapter, BridgeError, Call, CallReport, CallState, Health, Meeting, Protocol};
use quick_xml::events::{BytesStart, Event};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);
/// The server's own page limits (§4.2.2): a larger `limit` is cut to these anyway.
const CO_SPACE_PAGE: usize = 20;
const CALL_PAGE: usize = 10;
/// The document gives no limit for call legs; the server applies its own, and the pages
/// are followed by what each returns.
const LEG_PAGE: usize = 10;
/// Times a list is read again when its total changed while it was paged (§4.2.2: pages
/// are "not necessarily operating on the same complete list").
const PASSES: usize = 3;
/// How long `call` watches the legs it just placed for the far end to answer or refuse,
/// and how often it looks.
const SETTLE: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(100);

pub struct Cms {
    base: String,
    username: String,
    password: String,
    agent: ureq::Agent,
}

/// One object of a Meeting Server answer: its id attribute and the text of its elements,
/// nested ones by path ("status/state", "configuration/ownerId").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Object {
    pub id: String,
    pub fields: HashMap<String, String>,
}

impl Object {
    pub fn get(&self, path: &str) -> &str {
        self.fields.get(path).map(String::as_str).unwrap_or("")
    }
}

fn name_of(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.name().as_ref()).into_owned()
}

fn attribute(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key.as_bytes())
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The `total` attribute of a collection's root element (`<coSpaces total="N">`).
pub fn total(xml: &str) -> Option<usize> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return attribute(&e, "total").and_then(|t| t.trim().parse().ok());
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// The `<tag id="…">` objects of an answer (a collection's members, or one object).
pub fn objects(xml: &str, tag: &str) -> Vec<Object> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<Object> = None;
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                if current.is_none() {
                    if name_of(&e) == tag {
                        current = Some(Object {
                            id: attribute(&e, "id").unwrap_or_default(),
                            fields: HashMap::new(),
                        });
                    }
                } else {
                    path.push(name_of(&e));
                }
            }
            Ok(Event::Empty(e)) => match current.as_mut() {
                Some(obj) => {
                    let mut p = path.clone();
                    p.push(name_of(&e));
                    obj.fields.insert(p.join("/"), String::new());
                }
                None if name_of(&e) == tag => out.push(Object {
                    id: attribute(&e, "id").unwrap_or_default(),
                    fields: HashMap::new(),
                }),
                None => {}
            },
            Ok(Event::Text(t)) => {
                if let (Some(obj), false) = (current.as_mut(), path.is_empty()) {
                    let text = t.unescape().map(|c| c.into_owned()).unwrap_or_default();
                    obj.fields
                        .entry(path.join("/"))
                        .or_default()
                        .push_str(&text);
                }
            }
            Ok(Event::End(_)) => {
                // Nothing open inside the object: this closes the object itself.
                let closes_object = path.pop().is_none();
                if closes_object {
                    out.extend(current.take());
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// The failure reason of an error answer (`<failureDetails><coSpaceDoesNotExist />`, §4.1),
/// with a `parameterError`'s parameter and error (§4.6).
fn failure(body: &str) -> (String, String) {
    let mut reader = quick_xml::Reader::from_str(body);
    let mut inside = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = name_of(&e);
                if inside {
                    let detail = ["parameter", "error"]
                        .iter()
                        .filter_map(|k| attribute(&e, k).map(|v| format!("{k}={v}")))
                        .collect::<Vec<_>>()
                        .join(" ");
                    return (name, detail);
                }
                inside = name == "failureDetails";
            }
            Ok(Event::Eof) | Err(_) => return ("unknown".into(), String::new()),
            _ => {}
        }
    }
}

/// The coSpace `uri` is the user part of the SIP URI (§6.2: "The URI that a SIP system
/// would use to dial in", the user part only).
fn user_part(uri: &str) -> &str {
    let uri = uri.trim();
    let uri = uri.strip_prefix("sip:").unwrap_or(uri);
    uri.split('@').next().unwrap_or(uri)
}

/// The document's URI rules (§6.1, §6.2): at most 200 characters, letters, digits and
/// '.', '-', '_' only; '.' and '-' neither first nor last nor side by side.
fn valid_uri(u: &str) -> bool {
    let special = |c: char| c == '.' || c == '-';
    !u.is_empty()
        && u.len() <= 200
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || special(c) || c == '_')
        && !u.starts_with(special)
        && !u.ends_with(special)
        && !u
            .chars()
            .zip(u.chars().skip(1))
            .any(|(a, b)| special(a) && special(b))
}

fn refused(code: &str, message: String) -> BridgeError {
    BridgeError::Refused {
        code: code.into(),
        message,
    }
}

/// The coSpace parameters the meeting needs, each a documented parameter of §6.2 with its
/// documented type, or the refusal a Meeting Server would give (checked here so the reason
/// names the meeting's value, not only the parameter).
pub fn co_space_form(m: &Meeting) -> Result<Vec<(&'static str, String)>, BridgeError> {
    let uri = user_part(&m.sip_uri);
    if !valid_uri(uri) {
        return Err(refused(
            "parameterError",
            format!(
                "the SIP URI {} has a user part a coSpace uri cannot hold",
                m.sip_uri
            ),
        ));
    }
    let pin = m.pin.clone().unwrap_or_default();
    // passcode: "Numeric", at most 63 digits (3.4).
    if pin.len() > 63 || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refused(
            "parameterError",
            "the PIN is not a passcode of at most 63 digits".into(),
        ));
    }
    let number = m.number.to_string();
    // The numeric id reaches the coSpace as a URI too, unless it already is the URI: a
    // second uri equal to the first adds nothing (§6.2.1).
    let secondary = if number == uri {
        String::new()
    } else {
        number.clone()
    };
    Ok(vec![
        ("name", m.reference.clone()),
        ("uri", uri.to_string()),
        ("secondaryUri", secondary),
        ("callId", number),
        ("passcode", pin),
    ])
}

/// The parameters of `wanted` whose value `stored` does not have. An empty value unsets
/// (§4.4), and an unset value is an absent element.
fn changes(wanted: &[(&'static str, String)], stored: &Object) -> Vec<(&'static str, String)> {
    wanted
        .iter()
        .filter(|(k, v)| stored.get(k) != v)
        .cloned()
        .collect()
}

/// Our call leg's `ownerId`: "an ID ... that has meaning to the requestor", returned when
/// the leg is queried (§8.3.2). IDs in this API are GUIDs, so the reference and the call's
/// key are hashed into one: stable, so a retried call finds the leg made before.
pub fn owner_id(reference: &str, key: &str) -> String {
    let d = Sha256::digest(format!("{reference}\n{key}").as_bytes());
    let hex: String = d[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// An E.164 number: digits, perhaps after a '+'.
fn e164(address: &str) -> bool {
    let digits = address.strip_prefix('+').unwrap_or(address);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// What the Meeting Server is asked to dial for `c`, or why it cannot call it. Its
/// remoteParty "could be a SIP URI or a phone number" (§8.3.2); the document has no H.323
/// at all, so an E.164 alias is dialled as a phone number (the outbound dial plan takes it
/// to the call control, §7.1) and an H.323 ID cannot be called.
pub fn remote_party(c: &Call) -> Result<String, String> {
    let address = c.address.trim();
    match c.protocol {
        Protocol::Sip => Ok(address.to_string()),
        Protocol::H323 if e164(address) => Ok(address.to_string()),
        Protocol::H323 => Err(format!(
            "the Meeting Server dials SIP URIs and phone numbers only; H.323 ID {address} cannot be called"
        )),
    }
}

/// The call leg parameters for `c` (§8.3.2): remoteParty (required), bandwidth in bit/s,
/// our ownerId; a video call joins without a confirmation prompt (rooms auto-answer), an
/// audio-only one keeps the bridge's automatic choice (a voicemail must not join the
/// meeting) and gets no main video (videoMode, §8.4.3).
pub fn leg_form(m: &Meeting, c: &Call, remote: &str) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("remoteParty", remote.to_string()),
        ("ownerId", owner_id(&m.reference, &c.key)),
    ];
    if m.bandwidth_kbps > 0 {
        form.push((
            "bandwidth",
            (u64::from(m.bandwidth_kbps) * 1000).to_string(),
        ));
    }
    if c.audio_only {
        form.push(("videoMode", "disabled".into()));
    } else {
        form.push(("confirmation", "false".into()));
    }
    form
}

/// A call leg's `status/state` (initial|ringing|connected|onHold, §8.3.5) as a call state.
fn leg_state(state: &str) -> CallState {
    match state {
        "connected" | "onHold" => CallState::Connected,
        _ => CallState::Calling,
    }
}

/// Whether coSpace name `name` is one of this installation's meetings: `prefix` and a
/// conference id, as `Meeting::reference` is made ("bb-<installation>-<conference id>").
/// A name that only starts like ours ("…-42-copy") is someone else's.
pub fn ours(prefix: &str, name: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

fn last_segment(location: &Option<String>) -> Option<String> {
    location
        .as_deref()
        .map(|l| l.trim().trim_end_matches('/'))
        .and_then(|l| l.rsplit('/').next())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn agent(tls: &ClientTls) -> ureq::Agent {
    tls::agent(tls)
        .timeout(TIMEOUT)
        .max_idle_connections_per_host(2)
        .build()
}

/// An answer: its body and Location header.
struct Reply {
    body: String,
    location: Option<String>,
}

impl Cms {
    pub fn new(base: &str, username: &str, password: &str) -> Cms {
        Cms {
            base: base.trim_end_matches('/').to_string(),
            username: username.to_string(),
            password: password.to_string(),
            agent: agent(&None),
        }
    }

    /// The same adapter checking the server's certificate as `tls` says.
    pub fn with_tls(mut self, tls: &ClientTls) -> Cms {
        self.agent = agent(tls);
        self
    }

    /// Sends a request: the query parameters are encoded in the URL, the form (POST, PUT)
    /// as `application/x-www-form-urlencoded`, the only body the API takes.
    fn send(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> Result<Reply, BridgeError> {
        let mut req = self
            .agent
            .request(method, &format!("{}/api/v1{path}", self.base))
            .set(
                "Authorization",
                &super::basic_auth(&self.username, &self.password),
            );
        for (k, v) in query {
            req = req.query(k, v);
        }
        let answer = if method == "POST" || method == "PUT" {
            req.send_form(form)
        } else {
            req.call()
        };
        match answer {
            Ok(r) => Ok(Reply {
                location: r.header("Location").map(str::to_string),
                body: r.into_string().unwrap_or_default(),
            }),
            // 503 is "a temporary busy condition" worth trying again (§4.1); other 5xx
            // (the fronting server's 502) likewise.
            Err(ureq::Error::Status(code, _)) if code >= 500 => Err(BridgeError::Unreachable(
                format!("{method} {path}: HTTP {code}"),
            )),
            Err(ureq::Error::Status(401, _)) => Err(refused(
                "401",
                format!("{method} {path}: the API credentials were refused"),
            )),
            Err(ureq::Error::Status(code, r)) => {
                let (reason, detail) = failure(&r.into_string().unwrap_or_default());
                Err(refused(
                    &reason,
                    format!("{method} {path}: HTTP {code} {reason} {detail}")
                        .trim_end()
                        .to_string(),
                ))
            }
            Err(ureq::Error::Transport(t)) => {
                Err(super::unreachable(&format!("{method} {path}"), &t))
            }
        }
    }

    /// Creates an object; its id, from the Location of the `200 OK` (§4.3.1).
    fn create(&self, path: &str, form: &[(&str, &str)]) -> Result<String, BridgeError> {
        let reply = self.send("POST", path, &[], form)?;
        last_segment(&reply.location).ok_or_else(|| {
            BridgeError::Unreachable(format!("POST {path}: no Location in the answer"))
        })
    }

    /// Every `singular` of collection `path`, read page by page (§4.2.2): `offset`
    /// advances by what each page holds until it reaches `total`. Pages shift when
    /// objects come and go between them, so a list whose total changed while it was read
    /// is read again; one that never holds still is the union of what was seen.
    fn all(
        &self,
        path: &str,
        filters: &[(&str, &str)],
        singular: &str,
        limit: usize,
    ) -> Result<Vec<Object>, BridgeError> {
        let limit = limit.to_string();
        let mut seen: Vec<Object> = Vec::new();
        for _ in 0..PASSES {
            let mut pass: Vec<Object> = Vec::new();
            let mut totals: Vec<usize> = Vec::new();
            let mut offset = 0usize;
            loop {
                let offset_text = offset.to_string();
                let mut query = filters.to_vec();
                query.push(("offset", &offset_text));
                query.push(("limit", &limit));
                let body = self.send("GET", path, &query, &[])?.body;
                let total = total(&body).unwrap_or(0);
                let page = objects(&body, singular);
                if !totals.contains(&total) {
                    totals.push(total);
                }
                offset += page.len();
                let empty = page.is_empty();
                for o in page {
                    if !pass.iter().any(|p| p.id == o.id) {
                        pass.push(o);
                    }
                }
                if empty || offset >= total {
                    break;
                }
            }
            if totals.len() == 1 {
                return Ok(pass);
            }
            for o in pass {
                if !seen.iter().any(|s| s.id == o.id) {
                    seen.push(o);
                }
            }
        }
        Ok(seen)
    }

    /// The coSpaces named exactly `reference`: the filter narrows the list to names that
    /// include it, every page is read, and only an exact name is ours.
    fn co_spaces_named(&self, reference: &str) -> Result<Vec<Object>, BridgeError> {
        Ok(self
            .all(
                "/coSpaces",
                &[("filter", reference)],
                "coSpace",
                CO_SPACE_PAGE,
            )?
            .into_iter()
            .filter(|o| o.get("name") == reference)
            .collect())
    }

    fn co_space(&self, id: &str) -> Result<Object, BridgeError> {
        let body = self.send("GET", &format!("/coSpaces/{id}"), &[], &[])?.body;
        objects(&body, "coSpace")
            .pop()
            .ok_or_else(|| BridgeError::Unreachable(format!("coSpace {id}: unreadable answer")))
    }

    /// The calls of coSpace `id`, through every page.
    fn calls_of(&self, id: &str) -> Result<Vec<Object>, BridgeError> {
        self.all("/calls", &[("coSpaceFilter", id)], "call", CALL_PAGE)
    }

    /// The call legs of call `id` with their configuration and status, which only the
    /// single leg's answer holds (§8.3.5): by ownerId.
    fn legs_of(&self, call: &str) -> Result<HashMap<String, (String, CallState)>, BridgeError> {
        let mut out: HashMap<String, (String, CallState)> = HashMap::new();
        for leg in self.all(&format!("/calls/{call}/callLegs"), &[], "callLeg", LEG_PAGE)? {
            let Some(detail) = self.leg(&leg.id)? else {
                continue;
            };
            let owner = detail.get("configuration/ownerId").to_string();
            if owner.is_empty() {
                continue;
            }
            let state = leg_state(detail.get("status/state"));
            // Two legs of one call (an answer lost before a retry): the better one counts.
            let better = out
                .get(&owner)
                .is_none_or(|(_, s)| *s != CallState::Connected);
            if better {
                out.insert(owner, (leg.id, state));
            }
        }
        Ok(out)
    }

    /// One call leg, or None when it is no longer active (`callLegDoesNotExist`).
    fn leg(&self, id: &str) -> Result<Option<Object>, BridgeError> {
        match self.send("GET", &format!("/callLegs/{id}"), &[], &[]) {
            Ok(r) => Ok(objects(&r.body, "callLeg").pop()),
            Err(BridgeError::Refused { code, .. }) if code == "callLegDoesNotExist" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The coSpace's call, made when it has none (§6.6: dialling out needs one).
    fn call_on(&self, space: &str) -> Result<String, BridgeError> {
        match self.calls_of(space)?.into_iter().next() {
            Some(c) => Ok(c.id),
            None => self.create("/calls", &[("coSpace", space)]),
        }
    }

    /// Watches the legs just placed until their far ends answer or the legs end, for at
    /// most SETTLE: a leg that ended is a call that failed.
    fn settle(
        &self,
        placed: &[(usize, String)],
        states: &mut [CallState],
    ) -> Result<(), BridgeError> {
        let deadline = Instant::now() + SETTLE;
        let mut waiting: Vec<(usize, String)> = placed.to_vec();
        // At least one look, however long placing them took.
        while !waiting.is_empty() {
            std::thread::sleep(POLL);
            let mut still = Vec::new();
            for (i, id) in waiting {
                match self.leg(&id)? {
                    None => {
                        states[i] = CallState::Failed(
                            "callLegDoesNotExist: the call leg ended before the far end answered"
                                .into(),
                        )
                    }
                    Some(leg) => {
                        states[i] = leg_state(leg.get("status/state"));
                        if states[i] != CallState::Connected {
                            still.push((i, id));
                        }
                    }
                }
            }
            waiting = still;
            if Instant::now() >= deadline {
                break;
            }
        }
        Ok(())
    }

    /// Deletes `path`; an object that is already gone is what a delete wants.
    fn delete(&self, path: &str) -> Result<(), BridgeError> {
        match self.send("DELETE", path, &[], &[]) {
            Ok(_) => Ok(()),
            Err(BridgeError::Refused { code, .. }) if code.ends_with("DoesNotExist") => Ok(()),
            Err(e) => Err(e),
        }
    }
}

impl Adapter for Cms {
    /// A coSpace has no times, so a moved start or end changes nothing on the bridge: the
    /// meeting lives until tear-down deletes it.
    fn provision(&self, m: &Meeting) -> Result<(), BridgeError> {
        let form = co_space_form(m)?;
        let id = match self.co_spaces_named(&m.reference)?.into_iter().next() {
            Some(existing) => {
                let stored = self.co_space(&existing.id)?;
                let put = changes(&form, &stored);
                if !put.is_empty() {
                    let fields: Vec<(&str, &str)> =
                        put.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    // A refused PUT changes nothing: the live meeting stays as it was.
                    self.send("PUT", &format!("/coSpaces/{}", existing.id), &[], &fields)?;
                }
                existing.id
            }
            None => {
                // An empty value sets nothing on a create; leave those out.
                let fields: Vec<(&str, &str)> = form
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect();
                self.create("/coSpaces", &fields)?
            }
        };
        // Misspelt parameters are ignored without an error (§3.4.1): read it back.
        let stored = self.co_space(&id)?;
        match changes(&form, &stored).first() {
            None => Ok(()),
            Some((name, _)) => Err(refused(
                "notApplied",
                format!("coSpace {id} kept {name}={:?}", stored.get(name)),
            )),
        }
    }

    fn call(&self, m: &Meeting) -> Result<Vec<CallReport>, BridgeError> {
        if m.calls.is_empty() {
            return Ok(vec![]);
        }
        let space = self
            .co_spaces_named(&m.reference)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                refused(
                    "coSpaceDoesNotExist",
                    format!("{} is not on the bridge", m.reference),
                )
            })?;
        let remotes: Vec<Result<String, String>> = m.calls.iter().map(remote_party).collect();
        let mut states: Vec<CallState> = remotes
            .iter()
            .map(|r| match r {
                Ok(_) => CallState::Pending,
                Err(why) => CallState::Failed(why.clone()),
            })
            .collect();
        if remotes.iter().any(Result::is_ok) {
            let call = self.call_on(&space.id)?;
            let legs = self.legs_of(&call)?;
            let mut placed: Vec<(usize, String)> = Vec::new();
            for (i, (c, remote)) in m.calls.iter().zip(&remotes).enumerate() {
                let Ok(remote) = remote else { continue };
                if let Some((_, state)) = legs.get(&owner_id(&m.reference, &c.key)) {
                    states[i] = state.clone();
                    continue;
                }
                let form = leg_form(m, c, remote);
                let fields: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                match self.create(&format!("/calls/{call}/callLegs"), &fields) {
                    Ok(leg) => {
                        states[i] = CallState::Calling;
                        placed.push((i, leg));
                    }
                    // The call itself ended meanwhile: the whole call is tried again.
                    Err(BridgeError::Refused { code, message }) if code == "callDoesNotExist" => {
                        return Err(BridgeError::Unreachable(message))
                    }
                    Err(BridgeError::Refused { code, message }) => {
                        states[i] = CallState::Failed(format!("{code}: {message}"))
                    }
                    Err(e) => return Err(e),
                }
            }
            self.settle(&placed, &mut states)?;
        }
        Ok(m.calls
            .iter()
            .zip(states)
            .map(|(c, state)| CallReport {
                key: c.key.clone(),
                state,
            })
            .collect())
    }

    fn conferences(&self, prefix: &str) -> Result<Vec<String>, BridgeError> {
        let mut names: Vec<String> = self
            .all("/coSpaces", &[("filter", prefix)], "coSpace", CO_SPACE_PAGE)?
            .into_iter()
            .map(|o| o.get("name").to_string())
            .filter(|n| ours(prefix, n))
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    fn tear_down(&self, reference: &str) -> Result<(), BridgeError> {
        for space in self.co_spaces_named(reference)? {
            // API-made calls outlive their participants (§8): end them first. One that
            // ended meanwhile (callDoesNotExist) is what tear-down wanted.
            for call in self.calls_of(&space.id)? {
                self.delete(&format!("/calls/{}", call.id))?;
            }
            self.delete(&format!("/coSpaces/{}", space.id))?;
        }
        Ok(())
    }

    fn health(&self) -> Result<Health, BridgeError> {
        let load = self.send("GET", "/system/load", &[], &[])?.body;
        let cluster = self
            .send("GET", "/system/configuration/cluster", &[], &[])?
            .body;
        let calls = self.send("GET", "/calls", &[("limit", "1")], &[])?.body;
        let number = |xml: &str, tag: &str, field: &str| -> Option<f64> {
            objects(xml, tag).first()?.get(field).trim().parse().ok()
        };
        let used = number(&load, "load", "mediaProcessingLoad");
        let limit = number(&cluster, "cluster", "loadLimit").filter(|l| *l > 0.0);
        Ok(Health {
            load: used.zip(limit).map(|(u, l)| (u / l).clamp(0.0, 1.0)),
            active_conferences: total(&calls).map(|t| t as u32),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn meeting() -> Meeting {
        Meeting {
            reference: "bb-t-42".into(),
            title: "Review".into(),
            number: 8142,
            sip_uri: "sip:review.42@vc.example.com".into(),
            pin: Some("4711".into()),
            start: Utc::now(),
            end: Utc::now(),
            calls: vec![],
            bandwidth_kbps: 1920,
            max_participants: 0,
            participants: 3,
        }
    }

    fn call(key: &str, address: &str, protocol: Protocol, audio_only: bool) -> Call {
        Call {
            key: key.into(),
            address: address.into(),
            protocol,
            audio_only,
        }
    }

    #[test]
    fn reads_answers_with_nested_elements() {
        let list = r#"<?xml version="1.0"?><coSpaces total="2"><coSpace id="a1"><name>bb-1</name><uri>8100</uri></coSpace><coSpace id="b2"><name>bb-12</name><uri></uri></coSpace></coSpaces>"#;
        let got = objects(list, "coSpace");
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].id.as_str(), got[0].get("name")), ("a1", "bb-1"));
        assert_eq!(got[1].get("uri"), "");
        assert_eq!(total(list), Some(2));
        assert_eq!(total("<coSpaces total=\"0\" />"), Some(0));
        let leg = r#"<callLeg id="l1"><remoteParty>a@b</remoteParty><configuration><ownerId>x</ownerId></configuration><status><state>ringing</state></status></callLeg>"#;
        let leg = &objects(leg, "callLeg")[0];
        assert_eq!(leg.get("configuration/ownerId"), "x");
        assert_eq!(leg.get("status/state"), "ringing");
        assert_eq!(
            failure("<failureDetails><duplicateCoSpaceUri /></failureDetails>").0,
            "duplicateCoSpaceUri"
        );
        assert_eq!(
            failure(
                r#"<failureDetails><parameterError parameter="uri" error="invalidValue" /></failureDetails>"#
            ),
            (
                "parameterError".into(),
                "parameter=uri error=invalidValue".into()
            )
        );
    }

    #[test]
    fn the_co_space_form_follows_the_document() {
        let form = co_space_form(&meeting()).unwrap();
        let get = |k: &str| form.iter().find(|(n, _)| *n == k).unwrap().1.clone();
        assert_eq!(get("name"), "bb-t-42");
        assert_eq!(get("uri"), "review.42");
        assert_eq!(get("secondaryUri"), "8142");
        assert_eq!(get("callId"), "8142");
        assert_eq!(get("passcode"), "4711");
        // The numeric id as the URI needs no second URI.
        let mut m = meeting();
        m.sip_uri = "8142@vc.example.com".into();
        assert_eq!(
            co_space_form(&m).unwrap()[2],
            ("secondaryUri", String::new())
        );
        for bad in ["-x@vc", "a..b@vc", "a+b@vc", "@vc"] {
            m.sip_uri = bad.into();
            assert!(co_space_form(&m).is_err(), "{bad}");
        }
        let mut m = meeting();
        m.pin = Some("12ab".into());
        assert!(co_space_form(&m).is_err());
        m.pin = Some("1".repeat(64));
        assert!(co_space_form(&m).is_err());
    }

    #[test]
    fn only_differing_fields_are_changed() {
        let form = co_space_form(&meeting()).unwrap();
        let mut stored = Object::default();
        for (k, v) in &form {
            stored.fields.insert(k.to_string(), v.clone());
        }
        assert!(changes(&form, &stored).is_empty());
        stored.fields.insert("passcode".into(), "9999".into());
        assert_eq!(
            changes(&form, &stored),
            vec![("passcode", "4711".to_string())]
        );
        // A PIN taken away is unset with an empty value.
        let mut m = meeting();
        m.pin = None;
        let form = co_space_form(&m).unwrap();
        assert_eq!(changes(&form, &stored), vec![("passcode", String::new())]);
    }

    #[test]
    fn calls_become_legs_the_meeting_server_can_dial() {
        let m = meeting();
        let sip = call("room-1", "room1@example.com", Protocol::Sip, false);
        let e164 = call("room-2", "+4722000000", Protocol::H323, false);
        let h323 = call("room-3", "room3.h323", Protocol::H323, false);
        let phone = call("out-1", "5551234", Protocol::Sip, true);
        assert_eq!(remote_party(&sip).unwrap(), "room1@example.com");
        assert_eq!(remote_party(&e164).unwrap(), "+4722000000");
        assert!(remote_party(&h323).unwrap_err().contains("H.323 ID"));
        let form = leg_form(&m, &sip, "room1@example.com");
        assert!(form.contains(&("bandwidth", "1920000".into())));
        assert!(form.contains(&("confirmation", "false".into())));
        assert!(!form.iter().any(|(k, _)| *k == "videoMode"));
        let form = leg_form(&m, &phone, "5551234");
        assert!(form.contains(&("videoMode", "disabled".into())));
        assert!(!form.iter().any(|(k, _)| *k == "confirmation"));
    }

    #[test]
    fn owner_ids_are_stable_guids_per_meeting_and_call() {
        let a = owner_id("bb-t-42", "room-1");
        assert_eq!(a, owner_id("bb-t-42", "room-1"));
        assert_ne!(a, owner_id("bb-t-42", "room-2"));
        assert_ne!(a, owner_id("bb-t-43", "room-1"));
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, vec![8, 4, 4, 4, 12]);
    }

    #[test]
    fn only_exact_references_are_ours() {
        assert!(ours("bb-t-", "bb-t-42"));
        for other in [
            "bb-t-",
            "bb-t-42-copy",
            "bb-t-42x",
            "xbb-t-42",
            "bb-t",
            "BB-t-42",
        ] {
            assert!(!ours("bb-t-", other), "{other}");
        }
        assert_eq!(leg_state("connected"), CallState::Connected);
        assert_eq!(leg_state("onHold"), CallState::Connected);
        assert_eq!(leg_state("ringing"), CallState::Calling);
        assert_eq!(leg_state("initial"), CallState::Calling);
    }
}
