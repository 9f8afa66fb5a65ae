//! What a simulated TelePresence Server holds: conferences with their URIs, times and
//! media defaults, participants with their calls, and how time moves them: a conference
//! starts `startTime` seconds after its creation and ends `duration` seconds after its
//! start; a dial-out is placed when its conference starts and the far end answers (or not)
//! shortly after.
//!
//! Line numbers ("l.N") are those of `/work/shared/spec/telepresence-server-api-4.3.txt`.
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// A participant's (or a conference's default) media resources, credits rounded down to a
/// level (Table 31, l.1091-1112; l.628).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Media {
    pub main_video: i64,
    pub extended_video: i64,
    pub audio: i64,
    pub credits: i64,
}

impl Media {
    pub fn tokens(&self) -> i64 {
        self.main_video + self.extended_video + self.audio
    }
}

/// One conference URI definition (Table 33, l.1239-1254).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    pub uri: String,
    /// Bits per second.
    pub call_bandwidth: i64,
    pub pin: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Conference {
    pub id: String,
    pub reference: String,
    pub name: String,
    pub uris: Vec<Uri>,
    /// `startTime` as the client sent it: seconds to wait after the create (l.1852).
    pub start_time: i64,
    pub starts: Instant,
    /// Seconds from the start (l.1853, l.2075); `None`: unlimited (the default, l.1854).
    pub duration: Option<i64>,
    pub max_participants: Option<i64>,
    pub wait_for_chair: bool,
    pub locked: bool,
    pub media: Media,
    /// Whether the last look at it found it started (a change is a new revision).
    pub active: bool,
    /// The enumeration revision of its last change.
    pub revision: u64,
}

impl Conference {
    pub fn ends(&self) -> Option<Instant> {
        self.duration
            .map(|d| self.starts + Duration::from_secs(d.max(0) as u64))
    }
}

/// Where an outgoing call stands (Table 17, l.931-945).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Inactive: its conference has not started (l.934).
    Idle,
    /// Ringing, since the instant it was placed (l.935).
    Alerting(Instant),
    Connected(Instant),
    /// Failed all retries (l.943).
    Failed,
}

impl CallState {
    pub fn as_str(&self) -> &'static str {
        match self {
            CallState::Idle => "callStateIdle",
            CallState::Alerting(_) => "callStateAlerting",
            CallState::Connected(_) => "callStateConnected",
            CallState::Failed => "callStateFailed",
        }
    }
}

/// One call of a participant: outgoing (Table 35) or incoming on a participant URI
/// (Table 34).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub id: String,
    pub incoming: bool,
    /// The remote address of an outgoing call, the URI of an incoming one.
    pub address: String,
    pub protocol: String,
    pub call_bandwidth: i64,
    pub state: CallState,
    /// Destroyed: an all-outgoing participant's calls go when its audio call fails all
    /// retries (Table 17 note, l.943-945); the position stays, empty (l.3010).
    pub gone: bool,
}

#[derive(Debug, Clone)]
pub struct Participant {
    pub id: String,
    pub conference_id: String,
    pub reference: String,
    pub display_name: String,
    pub calls: Vec<Call>,
    pub audio_index: usize,
    /// Its own media resources, else the conference's default (precedence, l.1114-1118).
    pub media: Option<Media>,
    pub revision: u64,
}

impl Participant {
    fn all_outgoing(&self) -> bool {
        self.calls.iter().all(|c| !c.incoming)
    }

    /// Table 22 (l.979-991).
    pub fn connection_state(&self) -> &'static str {
        let outgoing = self.calls.iter().filter(|c| !c.incoming);
        if self.calls.iter().any(|c| c.state == CallState::Failed) {
            let audio_failed = self
                .calls
                .get(self.audio_index)
                .is_some_and(|c| c.state == CallState::Failed);
            return if audio_failed && self.all_outgoing() {
                "audioReceiverFailed"
            } else {
                "partiallyFailed"
            };
        }
        if self.calls.iter().any(|c| c.incoming) && outgoing.clone().count() == 0 {
            // Incoming calls on participant URIs are not simulated: never received.
            return "neverConnected";
        }
        let live: Vec<&Call> = self.calls.iter().filter(|c| !c.gone).collect();
        if !live.is_empty()
            && live
                .iter()
                .all(|c| matches!(c.state, CallState::Connected(_)))
        {
            "connected"
        } else if live
            .iter()
            .any(|c| matches!(c.state, CallState::Alerting(_) | CallState::Connected(_)))
        {
            "connecting"
        } else {
            "disconnected"
        }
    }
}

/// The device and the knobs tests and the demo turn.
#[derive(Debug)]
pub struct State {
    pub conferences: Vec<Conference>,
    pub participants: Vec<Participant>,
    /// Conferences destroyed (by the API or by their end): (revision, conferenceID).
    pub deleted_conferences: Vec<(u64, String)>,
    /// `flex.conference.create`s that succeeded.
    pub creates: u64,
    /// `flex.participant.create`s that succeeded.
    pub participant_creates: u64,
    /// Members the device does not know, by method ("flex.conference.modify startTime"):
    /// it ignores them, so a client that sends one believes in an effect there is not.
    pub unknown_parameters: Vec<String>,
    /// Answer every call with this fault code.
    pub fault: Option<i64>,
    /// Answer 503 to everything.
    pub down: bool,
    /// Wait this long before answering.
    pub delay: Duration,
    /// What system.info says ("flexible": remotely managed, as the flex API needs).
    pub operation_mode: String,
    /// Capacity (Table 154): conferences, participants, credits.
    pub max_conferences: usize,
    pub max_participants: usize,
    pub max_media_credits: i64,
    /// The most records one enumerate answer holds, whatever `max` says: the device
    /// returns what fits in its 32 KB responses and says `moreAvailable` (l.361, l.1979).
    pub page_size: usize,
    /// How long a far end rings before it answers or the call fails.
    pub answer_delay: Duration,
    /// Addresses whose calls fail (the far end never answers).
    pub refused: HashSet<String>,
    /// Bumped at every restart: cookies of an earlier boot are invalid (l.662).
    pub boot: u64,
    pub booted: Instant,
    revision: u64,
    next_id: u64,
}

/// Call bandwidths accepted, bits per second (Table 154 `minCallBandwidth`,
/// `maxCallBandwidth`, l.3192-3193; the figures are this simulator's).
pub const MIN_CALL_BANDWIDTH: i64 = 64_000;
pub const MAX_CALL_BANDWIDTH: i64 = 4_000_000;

/// The document's media credit levels (Table 5, l.610-626), kept apart from the adapter's
/// so that the simulator checks the adapter against the document, not against itself.
pub const CREDIT_LEVELS: [i64; 10] = [48, 315, 630, 840, 1260, 2520, 3780, 5040, 7560, 10080];

/// What the device makes of a credit value: a value between levels rounds down to the
/// level below, less than 48 allocates 0 (l.628).
pub fn rounded_credits(credits: i64) -> i64 {
    CREDIT_LEVELS
        .iter()
        .copied()
        .filter(|l| *l <= credits)
        .max()
        .unwrap_or(0)
}

impl Default for State {
    fn default() -> State {
        State {
            conferences: vec![],
            participants: vec![],
            deleted_conferences: vec![],
            creates: 0,
            participant_creates: 0,
            unknown_parameters: vec![],
            fault: None,
            down: false,
            delay: Duration::ZERO,
            operation_mode: "flexible".into(),
            max_conferences: 100,
            max_participants: 400,
            max_media_credits: 100_800,
            page_size: 20,
            answer_delay: Duration::from_millis(200),
            refused: HashSet::new(),
            boot: 1,
            booted: Instant::now(),
            revision: 0,
            next_id: 0,
        }
    }
}

impl State {
    /// A new identifier, opaque and UUID-like as the document's examples (l.1932).
    pub fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("b9852090-f5b9-11e1-8ac5-{:012x}", self.next_id)
    }

    /// The revision a change gets: enumerations return what changed after a cookie's.
    pub fn bump(&mut self) -> u64 {
        self.revision += 1;
        self.revision
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn conference(&self, id: &str) -> Option<usize> {
        self.conferences.iter().position(|c| c.id == id)
    }

    pub fn participant(&self, id: &str) -> Option<usize> {
        self.participants.iter().position(|p| p.id == id)
    }

    /// A conference goes, with its participants (whose lifetime cannot exceed it, l.560).
    pub fn destroy_conference(&mut self, i: usize) {
        let c = self.conferences.remove(i);
        self.participants.retain(|p| p.conference_id != c.id);
        let rev = self.bump();
        self.deleted_conferences.push((rev, c.id));
    }

    /// What time has done since the last look: conferences whose duration from their start
    /// has run out end and are destroyed (l.1853); conferences reaching their start become
    /// active and place their participants' outgoing calls ("connects the call as soon as
    /// the conference starts", l.1222); calls ringing for `answer_delay` connect, or fail
    /// all retries when the far end refuses, which destroys an all-outgoing participant's
    /// calls (l.943-945).
    pub fn tick(&mut self, now: Instant) {
        while let Some(i) = self
            .conferences
            .iter()
            .position(|c| c.ends().is_some_and(|end| end <= now))
        {
            self.destroy_conference(i);
        }
        let mut started = vec![];
        for i in 0..self.conferences.len() {
            let c = &self.conferences[i];
            if !c.active && c.starts <= now {
                started.push((c.id.clone(), c.starts));
                let rev = self.bump();
                let c = &mut self.conferences[i];
                c.active = true;
                c.revision = rev;
            }
        }
        for (id, at) in started {
            for p in self
                .participants
                .iter_mut()
                .filter(|p| p.conference_id == id)
            {
                for call in p.calls.iter_mut().filter(|c| !c.incoming) {
                    if call.state == CallState::Idle {
                        call.state = CallState::Alerting(at);
                    }
                }
            }
        }
        let delay = self.answer_delay;
        let mut changed = vec![];
        for (n, p) in self.participants.iter_mut().enumerate() {
            let mut failed_audio = false;
            let mut any = false;
            for (k, call) in p.calls.iter_mut().enumerate() {
                if let CallState::Alerting(since) = call.state {
                    if since + delay <= now {
                        any = true;
                        if self.refused.contains(&call.address) {
                            call.state = CallState::Failed;
                            failed_audio |= k == p.audio_index;
                        } else {
                            call.state = CallState::Connected(since + delay);
                        }
                    }
                }
            }
            if failed_audio && p.all_outgoing() {
                for call in p.calls.iter_mut() {
                    call.gone = true;
                }
            }
            if any {
                changed.push(n);
            }
        }
        for n in changed {
            let rev = self.bump();
            self.participants[n].revision = rev;
        }
    }

    /// The device restarts: conferences are not kept over a restart, nor their
    /// participants; cookies of the earlier boot are invalid.
    pub fn restart(&mut self) {
        self.conferences.clear();
        self.participants.clear();
        self.deleted_conferences.clear();
        self.boot += 1;
        self.booted = Instant::now();
    }

    /// The media a participant has: its own, else its conference's default.
    pub fn media_of(&self, p: &Participant) -> Media {
        p.media.unwrap_or_else(|| {
            self.conference(&p.conference_id)
                .map(|i| self.conferences[i].media)
                .unwrap_or_default()
        })
    }
}

/// An enumeration cookie: the boot it belongs to, the revision it has seen up to, and for
/// participants the conference the enumeration is limited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub boot: u64,
    pub revision: u64,
    pub conference: String,
}

impl Cookie {
    pub fn text(&self) -> String {
        format!("{}.{}.{}", self.boot, self.revision, self.conference)
    }

    pub fn parse(s: &str) -> Option<Cookie> {
        let mut parts = s.splitn(3, '.');
        Some(Cookie {
            boot: parts.next()?.parse().ok()?,
            revision: parts.next()?.parse().ok()?,
            conference: parts.next()?.to_string(),
        })
    }
}

/// One page of an enumeration over items of these revisions: the positions to answer
/// (changed after `after`, oldest change first, at most `max`), whether more are
/// available, and the revision the next cookie carries.
pub fn page(revisions: &[u64], after: u64, max: usize, current: u64) -> (Vec<usize>, bool, u64) {
    let mut newer: Vec<usize> = (0..revisions.len())
        .filter(|i| revisions[*i] > after)
        .collect();
    newer.sort_by_key(|i| revisions[*i]);
    let more = newer.len() > max;
    newer.truncate(max);
    let next = match (more, newer.last()) {
        (true, Some(last)) => revisions[*last],
        _ => current,
    };
    (newer, more, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_round_down_to_a_level() {
        let rounded = [
            (47, 0),
            (48, 48),
            (5000, 3780),
            (5040, 5040),
            (99999, 10080),
        ];
        for (credits, want) in rounded {
            assert_eq!(rounded_credits(credits), want, "{credits}");
        }
    }

    #[test]
    fn pages_follow_revisions_and_end_at_the_current_one() {
        let revs = [5, 2, 9, 7];
        assert_eq!(page(&revs, 0, 2, 12), (vec![1, 0], true, 5));
        assert_eq!(page(&revs, 5, 2, 12), (vec![3, 2], false, 12));
        assert_eq!(page(&revs, 12, 2, 12), (vec![], false, 12));
    }

    #[test]
    fn cookies_read_back() {
        let c = Cookie {
            boot: 3,
            revision: 17,
            conference: "b98-1.x".into(),
        };
        assert_eq!(Cookie::parse(&c.text()), Some(c));
        assert_eq!(Cookie::parse("garbage"), None);
    }

    fn participant(states: &[CallState]) -> Participant {
        Participant {
            id: "p".into(),
            conference_id: "c".into(),
            reference: String::new(),
            display_name: String::new(),
            calls: states
                .iter()
                .map(|s| Call {
                    id: "k".into(),
                    incoming: false,
                    address: "a".into(),
                    protocol: "sip".into(),
                    call_bandwidth: 768_000,
                    state: *s,
                    gone: *s == CallState::Failed,
                })
                .collect(),
            audio_index: 0,
            media: None,
            revision: 0,
        }
    }

    #[test]
    fn connection_states_follow_the_calls() {
        let now = Instant::now();
        let table = [
            (vec![CallState::Idle], "disconnected"),
            (vec![CallState::Alerting(now)], "connecting"),
            (vec![CallState::Connected(now)], "connected"),
            (vec![CallState::Failed], "audioReceiverFailed"),
            (
                vec![CallState::Connected(now), CallState::Failed],
                "partiallyFailed",
            ),
        ];
        for (states, want) in table {
            assert_eq!(participant(&states).connection_state(), want, "{states:?}");
        }
    }
}
