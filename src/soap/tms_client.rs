//! A client of a live TMS's own booking API (SOAP 1.1, HTTP Basic), for moving its rooms
//! and meetings onto bridgebook: the calls `import-tms` makes, answers read with the same
//! envelope reader and wire types the service uses.
use super::envelope;
use crate::api::moved::{self, ListedOccurrence};
use crate::booking::import::MovedMeeting;
use crate::contract::conference::{ArrayOfConference, Conference};
use crate::contract::enums::TransactionType;
use crate::contract::operations::ArrayOfTransaction;
use crate::contract::remote::ArrayOfTMSSystem;
use crate::domain::time::format_utc;
use crate::domain::System;
use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const BOOKING_NS: &str = "http://tandberg.net/2004/02/tms/external/booking/";
const REMOTE_NS: &str = "http://tandberg.net/2004/02/tms/external/booking/remotesetup/";
const BOOKING_PATH: &str = "/tms/external/booking/bookingservice.asmx";
const REMOTE_PATH: &str = "/tms/external/booking/remotesetup/remotesetupservice.asmx";
/// How far ahead meetings are looked for: TMS books at most this far ahead by default.
const YEARS_AHEAD: i64 = 5;

pub struct TmsClient {
    base: String,
    authorization: String,
    session: String,
    agent: ureq::Agent,
}

/// Everything of a TMS that is moved, and how far its ids have come.
pub struct TmsContents {
    pub rooms: Vec<System>,
    pub meetings: Vec<MovedMeeting>,
    /// Conferences seen that are not moved (finished, deleted), and those TMS no longer
    /// finds.
    pub left: usize,
    pub largest_conference_id: i64,
    pub last_transaction_id: i64,
}

impl TmsClient {
    /// A client of the TMS at `url` (`https://tms.example.com`, or with a path prefix).
    pub fn new(url: &str, user: &str, password: &str) -> TmsClient {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        TmsClient {
            base: url.trim_end_matches('/').to_string(),
            authorization: format!("Basic {basic}"),
            session: uuid::Uuid::new_v4().to_string(),
            agent: ureq::AgentBuilder::new()
                .timeout(std::time::Duration::from_secs(120))
                .build(),
        }
    }

    fn call<T: DeserializeOwned>(
        &self,
        path: &str,
        ns: &str,
        op: &str,
        args: &str,
    ) -> Result<T, String> {
        let envelope = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{}"><soap:Header><ExternalAPIVersionSoapHeader xmlns="{BOOKING_NS}"><ClientVersionIn>{}</ClientVersionIn><ClientIdentifierIn>bridgebook import-tms</ClientIdentifierIn><ClientSession>{}</ClientSession></ExternalAPIVersionSoapHeader></soap:Header><soap:Body><{op} xmlns="{ns}">{args}</{op}></soap:Body></soap:Envelope>"#,
            envelope::SOAP11_NS,
            moved::CLIENT_VERSION,
            self.session
        );
        let answer = self
            .agent
            .post(&format!("{}{path}", self.base))
            .set("Authorization", &self.authorization)
            .set("Content-Type", "text/xml; charset=utf-8")
            .set("SOAPAction", &format!("\"{ns}{op}\""))
            .send_string(&envelope);
        let body = match answer {
            Ok(r) => r
                .into_string()
                .map_err(|e| format!("{op}: reading the answer: {e}"))?,
            Err(ureq::Error::Status(401, _)) => {
                return Err(format!("{op}: the TMS refused the user name or password"))
            }
            Err(ureq::Error::Status(code, r)) => {
                let text = r.into_string().unwrap_or_default();
                return Err(format!("{op}: HTTP {code}: {}", fault_text(&text)));
            }
            Err(e) => return Err(format!("{op}: {e}")),
        };
        let parsed =
            envelope::parse(body.as_bytes()).map_err(|e| format!("{op}: {}", e.message))?;
        // <OpResponse><OpResult>…</OpResult></OpResponse>: the one entry is the result.
        let mut result: HashMap<String, T> = quick_xml::de::from_str(&parsed.body)
            .map_err(|e| format!("{op}: unreadable answer: {e}"))?;
        result
            .remove(&format!("{op}Result"))
            .ok_or_else(|| format!("{op}: the answer holds no {op}Result"))
    }

    fn booking<T: DeserializeOwned>(&self, op: &str, args: &str) -> Result<T, String> {
        self.call(BOOKING_PATH, BOOKING_NS, op, args)
    }

    pub fn systems(&self) -> Result<Vec<System>, String> {
        let list: ArrayOfTMSSystem = self.call(REMOTE_PATH, REMOTE_NS, "GetSystems", "")?;
        Ok(list.TMSSystem.iter().map(moved::room_of).collect())
    }

    /// The whole transaction log, page by page: every conference id it names and the last
    /// transaction id.
    pub fn log(&self) -> Result<(BTreeSet<i64>, i64), String> {
        let (mut ids, mut last) = (BTreeSet::new(), 0i64);
        loop {
            let page: ArrayOfTransaction = self.booking(
                "GetTransactionsSince",
                &format!("<CurrentTransactionId>{last}</CurrentTransactionId>"),
            )?;
            let mut more = false;
            for t in &page.Transaction {
                if t.TransType == Some(TransactionType::ListIncomplete) {
                    more = true;
                } else if t.ConferenceId > 0 {
                    ids.insert(t.ConferenceId as i64);
                }
                last = last.max(t.TransactionId as i64);
            }
            if !more {
                return Ok((ids, last));
            }
        }
    }

    /// Pending and ongoing conferences in any of `systems` from `now` on.
    pub fn booked_in(
        &self,
        systems: &[i64],
        now: DateTime<Utc>,
    ) -> Result<Vec<Conference>, String> {
        if systems.is_empty() {
            return Ok(Vec::new());
        }
        let ids: String = systems
            .iter()
            .map(|i| format!("<SystemIds>{i}</SystemIds>"))
            .collect();
        let list: ArrayOfConference = self.booking(
            "GetConferencesForSystems",
            &format!(
                "{ids}<StartTime>{}</StartTime><EndTime>{}</EndTime><ConferenceStatus>PendingAndOngoing</ConferenceStatus><Legacy>false</Legacy>",
                xsd(now - Duration::days(1)),
                xsd(now + Duration::days(365 * YEARS_AHEAD))
            ),
        )?;
        Ok(list.Conference)
    }

    fn by_id(&self, op: &str, id: i64) -> Result<Conference, String> {
        self.booking(op, &format!("<ConferenceId>{id}</ConferenceId>"))
    }

    /// Everything to move: rooms, then every pending, ongoing or Defective meeting — those
    /// in a room (GetConferencesForSystems) and those without (named by the transaction
    /// log) — each read whole with GetRecurrentConferenceById. `progress` is told of each
    /// conference read.
    pub fn contents(
        &self,
        now: DateTime<Utc>,
        progress: &dyn Fn(usize, usize),
    ) -> Result<TmsContents, String> {
        let rooms = self.systems()?;
        let (mut candidates, last_transaction_id) = self.log()?;
        let room_ids: Vec<i64> = rooms.iter().map(|r| r.id).collect();
        let mut listed: BTreeMap<i64, Conference> = BTreeMap::new();
        for c in self.booked_in(&room_ids, now)? {
            candidates.insert(c.ConferenceId as i64);
            listed.insert(c.ConferenceId as i64, c);
        }
        let mut largest = candidates.iter().copied().max().unwrap_or(0);
        let mut heads: BTreeMap<i64, Conference> = BTreeMap::new();
        let mut occurrences: BTreeMap<i64, Vec<ListedOccurrence>> = BTreeMap::new();
        let mut left = 0;
        let total = candidates.len();
        for (n, id) in candidates.iter().enumerate() {
            progress(n, total);
            let head = match self.by_id("GetRecurrentConferenceById", *id) {
                Ok(c) => c,
                // Deleted in TMS after it was logged.
                Err(e)
                    if e.contains(
                        &crate::domain::ErrorCode::MeetingNotFound.code().to_string(),
                    ) =>
                {
                    left += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let head_id = head.ConferenceId as i64;
            if head_id != *id && head_id > 0 {
                // An occurrence: its id is kept with its series.
                let own = match listed.get(id) {
                    Some(c) => c.clone(),
                    None => self.by_id("GetConferenceById", *id)?,
                };
                if let Some(o) = moved::listed_occurrence(&own) {
                    occurrences.entry(head_id).or_default().push(o);
                }
            }
            if head_id <= 0 || !moved::to_move(moved::state_of(&head)) {
                left += 1;
                continue;
            }
            largest = largest.max(head_id);
            heads.entry(head_id).or_insert(head);
        }
        progress(total, total);
        let meetings = heads
            .values()
            .map(|h| {
                let listed = occurrences
                    .get(&(h.ConferenceId as i64))
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                moved::meeting_of(h, listed)
                    .map_err(|e| format!("conference {}: {}", h.ConferenceId, e.message))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for m in &meetings {
            largest = largest.max(m.kept.occurrences.values().map(|o| o.0).max().unwrap_or(0));
        }
        Ok(TmsContents {
            rooms,
            meetings,
            left,
            largest_conference_id: largest,
            last_transaction_id,
        })
    }
}

fn xsd(t: DateTime<Utc>) -> String {
    format_utc(t).replacen(' ', "T", 1)
}

/// The message and TMSBA error code of a SOAP fault, for the operator.
fn fault_text(body: &str) -> String {
    let inner = |tag: &str| {
        let open = body.find(&format!("<{tag}"))?;
        let start = body[open..].find('>')? + open + 1;
        let end = body[start..].find("</")? + start;
        Some(body[start..end].to_string())
    };
    match (inner("faultstring"), inner("errorcode")) {
        (Some(m), Some(c)) => format!("{m} (error {c})"),
        (Some(m), None) => m,
        _ => body.chars().take(200).collect(),
    }
}
