//! The conference as bridgebook understands it, independent of any wire format.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a conference is launched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConferenceType {
    ReservationOnly,
    AutomaticCallLaunch,
    ManualCallLaunch,
    AdHoc,
    OneButtonToPush,
    NoConnect,
}

impl ConferenceType {
    /// Whether the bridge calls the booked rooms at the start (spec, ConferenceType:
    /// Automatic Call Launch "connect all participants at conference start time"). With One
    /// Button To Push, Manual Call Launch and Ad Hoc the rooms dial in: bridgebook drives
    /// no endpoint.
    pub fn calls_rooms(self) -> bool {
        self == ConferenceType::AutomaticCallLaunch
    }

    /// Whether the bridge calls the dial-out participants at the start: for every type
    /// that connects anyone (not No Connect, "do not automatically connect the
    /// conference", nor Reservation Only, which has no route).
    pub fn calls_dial_outs(self) -> bool {
        !matches!(
            self,
            ConferenceType::NoConnect | ConferenceType::ReservationOnly
        )
    }
}

/// A call bandwidth; `kbps` is what planners and bridges care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bandwidth {
    B1x64,
    B2x128,
    B3x192,
    B4x256,
    B5x320,
    B6x384,
    B8x512,
    B12x768,
    B18x1152,
    B23x1472,
    B30x1920,
    B32x2048,
    B48x3072,
    B64x4096,
    B7x448,
    B40x2560,
    B96x6144,
    Max,
    K6000,
}

impl Bandwidth {
    pub fn kbps(self) -> Option<u32> {
        use Bandwidth::*;
        Some(match self {
            B1x64 => 64,
            B2x128 => 128,
            B3x192 => 192,
            B4x256 => 256,
            B5x320 => 320,
            B6x384 => 384,
            B8x512 => 512,
            B12x768 => 768,
            B18x1152 => 1152,
            B23x1472 => 1472,
            B30x1920 => 1920,
            B32x2048 => 2048,
            B48x3072 => 3072,
            B64x4096 => 4096,
            B7x448 => 448,
            B40x2560 => 2560,
            B96x6144 => 6144,
            K6000 => 6000,
            Max => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PictureMode {
    ContinuousPresence,
    EnhancedCp,
    VoiceSwitched,
}

/// Yes / No / If Possible, used by encryption and the legacy data-conference switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preference {
    Yes,
    No,
    IfPossible,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExtendOption {
    Yes,
    No,
    AutomaticBestEffort,
}

/// How a participant takes part: a booked system, or a dial-in / dial-out leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallType {
    Tms,
    IpVideoDialIn,
    IpTelDialIn,
    IsdnVideoDialIn,
    TelephoneDialIn,
    IpVideoDialOut,
    IpTelDialOut,
    IsdnVideoDialOut,
    TelephoneDialOut,
    Directory,
    User,
    SipDialIn,
    SipDialOut,
    ThreeGDialIn,
    ThreeGDialOut,
    MasterParticipant,
    SipTelDialIn,
    SipTelDialOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A system in the inventory, reserved for the meeting.
    System,
    DialIn,
    DialOut,
    /// A phone book entry.
    Directory,
    User,
}

impl CallType {
    pub fn direction(self) -> Direction {
        use CallType::*;
        match self {
            Tms | MasterParticipant => Direction::System,
            IpVideoDialIn | IpTelDialIn | IsdnVideoDialIn | TelephoneDialIn | SipDialIn
            | ThreeGDialIn | SipTelDialIn => Direction::DialIn,
            IpVideoDialOut | IpTelDialOut | IsdnVideoDialOut | TelephoneDialOut | SipDialOut
            | ThreeGDialOut | SipTelDialOut => Direction::DialOut,
            Directory => Direction::Directory,
            User => Direction::User,
        }
    }

    pub fn is_audio_only(self) -> bool {
        use CallType::*;
        matches!(
            self,
            IpTelDialIn
                | TelephoneDialIn
                | IpTelDialOut
                | TelephoneDialOut
                | SipTelDialIn
                | SipTelDialOut
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// The system id for systems; an id bridgebook assigns (negative for dial-ins) otherwise.
    pub id: i64,
    pub name_or_number: Option<String>,
    pub email: Option<String>,
    pub call_type: CallType,
}

/// The owner of a booking as the client named it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub id: i64,
    pub user_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
}

/// Settings that bridgebook stores and returns but does not query on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub conference_type: ConferenceType,
    pub bandwidth: Bandwidth,
    pub isdn_bandwidth: Bandwidth,
    pub ip_bandwidth: Bandwidth,
    pub picture_mode: PictureMode,
    pub encrypted: Preference,
    pub data_conference: Preference,
    pub extend_option: ExtendOption,
    pub password: Option<String>,
    pub billing_code: Option<String>,
    /// The client's own keys, stored and given back (SecretCode, ConfBundleId, ConfOwnerId).
    #[serde(default)]
    pub secret_code: Option<String>,
    #[serde(default)]
    pub conf_bundle_id: Option<String>,
    #[serde(default)]
    pub conf_owner_id: Option<String>,
    pub isdn_restrict: bool,
    pub email_to: Option<String>,
    pub user_message: Option<String>,
    pub language: Option<String>,
    pub location: Option<String>,
    pub invitees: Option<String>,
    pub meeting_source: Option<String>,
    pub privacy_flag: Option<String>,
    pub recording_enabled: bool,
    /// Time-zone rules exactly as the client sent them (wire XML), kept until rules are
    /// interpreted by the recurrence engine.
    pub time_zone_rules_xml: Option<String>,
    /// The same rules, read.
    #[serde(default)]
    pub time_zone: Option<super::timezone::ZoneRules>,
    /// Without rules of its own: the named zone the conference was booked in (its owner's,
    /// else its first system's, else the server's), whose rules readers are given.
    #[serde(default)]
    pub zone_name: Option<String>,
    /// The ExternalConference element (WebEx / externally hosted) as the client sent it.
    pub external_conference_xml: Option<String>,
    pub externally_hosted_dial_string: Option<String>,
    /// A WebEx meeting booked elsewhere (OwnedExternally): the address the bridge dials out
    /// to at the start.
    #[serde(default)]
    pub webex_sip_url: Option<String>,
}

/// What is persisted about a conference's life, beside its times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredStatus {
    Booked,
    Defective,
    Deleted,
    /// Booked by a user without Approve Meeting: holds nothing until an approver decides.
    MeetingRequest,
    /// A meeting request an approver turned down.
    Rejected,
}

impl StoredStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StoredStatus::Booked => "booked",
            StoredStatus::Defective => "defective",
            StoredStatus::Deleted => "deleted",
            StoredStatus::MeetingRequest => "meeting_request",
            StoredStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> StoredStatus {
        match s {
            "defective" => StoredStatus::Defective,
            "deleted" => StoredStatus::Deleted,
            "meeting_request" => StoredStatus::MeetingRequest,
            "rejected" => StoredStatus::Rejected,
            _ => StoredStatus::Booked,
        }
    }
}

/// The state a client sees (ConferenceState/Status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConferenceState {
    Pending,
    Ongoing,
    Finished,
    Defective,
    Deleted,
    MeetingRequest,
    Rejected,
}

/// A status filter of GetConferencesForUser / GetConferencesForSystems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    AllExceptDeleted,
    Pending,
    Ongoing,
    Finished,
    PendingAndOngoing,
    MeetingRequest,
    Rejected,
    NotSaved,
    Defective,
    Deleted,
}

impl Conference {
    /// Whether its bridge calls anyone at the start: booked rooms, dial-outs, a WebEx
    /// meeting, as its type asks.
    pub fn bridge_calls(&self) -> bool {
        let kind = self.settings.conference_type;
        let dial_outs = self.settings.webex_sip_url.is_some()
            || self
                .participants
                .iter()
                .any(|p| p.call_type.direction() == Direction::DialOut);
        let rooms = self
            .participants
            .iter()
            .any(|p| p.call_type.direction() == Direction::System);
        (kind.calls_dial_outs() && dial_outs) || (kind.calls_rooms() && rooms)
    }
}

/// A stored conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conference {
    pub id: i64,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub owner: Owner,
    pub settings: Settings,
    pub participants: Vec<Participant>,
    pub external_source_id: Option<String>,
    pub external_primary_key: Option<String>,
    pub version: i32,
    pub status: StoredStatus,
    pub defective_reason: Option<String>,
    /// The id of the last replication transaction that touched this conference.
    pub transaction_id: i64,
    pub series: SeriesLink,
    /// How its participants meet, once planned.
    pub route: Option<super::route::RoutePlan>,
}

/// Where a conference stands in a recurrent series; empty for a single meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesLink {
    /// On an occurrence: the id of its series.
    pub series_id: Option<i64>,
    /// On an occurrence: its start by the pattern (RecurrenceInstanceIdUTC).
    pub instance_at: Option<DateTime<Utc>>,
    /// On an occurrence: it was changed apart from its series.
    pub exception: bool,
    /// On a meeting split off its series: the series' ExternalSourceId and
    /// ExternalPrimaryKey.
    pub detached_source_id: Option<String>,
    pub detached_primary_key: Option<String>,
    /// On a series: how it recurs.
    pub recurrence: Option<super::series::StoredRecurrence>,
    /// On an occurrence read back: its series' first instance (FirstOccurrenceRecInstanceIdUTC).
    /// Read from the series, never stored with the occurrence.
    pub first_instance: Option<DateTime<Utc>>,
}

impl Conference {
    pub fn is_series(&self) -> bool {
        self.series.recurrence.is_some()
    }

    pub fn is_occurrence(&self) -> bool {
        self.series.series_id.is_some()
    }
}

/// A conference as a client asks to save it: `None` means "leave as it is" (or the default
/// for a new booking).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConferenceRequest {
    pub id: i64,
    pub title: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub owner: Owner,
    pub conference_type: Option<ConferenceType>,
    pub bandwidth: Option<Bandwidth>,
    pub isdn_bandwidth: Option<Bandwidth>,
    pub ip_bandwidth: Option<Bandwidth>,
    pub picture_mode: Option<PictureMode>,
    pub encrypted: Option<Preference>,
    pub data_conference: Option<Preference>,
    pub extend_option: Option<ExtendOption>,
    pub password: Option<String>,
    pub billing_code: Option<String>,
    pub secret_code: Option<String>,
    pub conf_bundle_id: Option<String>,
    pub conf_owner_id: Option<String>,
    pub isdn_restrict: Option<bool>,
    pub email_to: Option<String>,
    pub user_message: Option<String>,
    pub language: Option<String>,
    pub location: Option<String>,
    pub invitees: Option<String>,
    pub meeting_source: Option<String>,
    pub privacy_flag: Option<String>,
    pub recording_enabled: Option<bool>,
    pub time_zone_rules_xml: Option<String>,
    pub time_zone: Option<super::timezone::ZoneRules>,
    pub external_conference_xml: Option<String>,
    pub externally_hosted_dial_string: Option<String>,
    /// The ExternalConference's WebEx element, when sent.
    pub webex: Option<WebexRequest>,
    pub external_source_id: Option<String>,
    pub external_primary_key: Option<String>,
    /// `None`: the element was absent (leave participants as they are on update).
    pub participants: Option<Vec<Participant>>,
    /// The Version the client read; `None` when it did not send one (older API versions).
    pub version: Option<i32>,
    /// The series the client described (a RecurrencePattern other than FrequencyType
    /// Default).
    pub recurrence: Option<super::series::RecurrenceRequest>,
    /// RecurrenceInstanceIdUTC: the occurrence an occurrence save names.
    pub instance: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingMode {
    Strict,
    BestEffortForced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionType {
    New,
    Updated,
    Deleted,
}

impl TransactionType {
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionType::New => "New",
            TransactionType::Updated => "Updated",
            TransactionType::Deleted => "Deleted",
        }
    }

    pub fn parse(s: &str) -> TransactionType {
        match s {
            "New" => TransactionType::New,
            "Deleted" => TransactionType::Deleted,
            _ => TransactionType::Updated,
        }
    }
}

/// One row of the replication log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub id: i64,
    pub conference_id: i64,
    pub kind: TransactionType,
    pub performed_by_user_id: i64,
    pub system_ids: Vec<i64>,
    pub external_source_id: Option<String>,
    pub external_primary_key: Option<String>,
    /// On a row of an occurrence of a series: the occurrence's RecurrenceIdUTC.
    pub recurrence_instance: Option<DateTime<Utc>>,
}

/// A bookable system (endpoint or room) from the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct System {
    pub id: i64,
    pub name: String,
    pub category: SystemCategory,
    pub sip_uri: Option<String>,
    pub h323_id: Option<String>,
    pub e164_alias: Option<String>,
    pub time_zone: Option<String>,
    pub allow_booking: bool,
    pub details: SystemDetails,
}

/// The key of the call a bridge places to booked system `id`.
pub fn room_call_key(id: i64) -> String {
    format!("room-{id}")
}

/// The booked system a call key names, when it names one.
pub fn room_of_call_key(key: &str) -> Option<i64> {
    key.strip_prefix("room-")?.parse().ok()
}

/// What administrators say about a system, given back in TMSSystem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SystemDetails {
    pub contact: Option<String>,
    pub manufacturer: Option<String>,
    pub description: Option<String>,
    pub system_type: Option<String>,
    pub location: Option<String>,
    pub isdn_number: Option<String>,
    pub web_interface_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SystemCategory {
    Endpoint,
    Equipment,
    Room,
    Recording,
}

impl SystemCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            SystemCategory::Endpoint => "Endpoint",
            SystemCategory::Equipment => "Equipment",
            SystemCategory::Room => "Room",
            SystemCategory::Recording => "Recording",
        }
    }

    pub fn parse(s: &str) -> Option<SystemCategory> {
        match s.to_ascii_lowercase().as_str() {
            "endpoint" => Some(SystemCategory::Endpoint),
            "equipment" => Some(SystemCategory::Equipment),
            "room" => Some(SystemCategory::Room),
            "recording" => Some(SystemCategory::Recording),
            _ => None,
        }
    }
}

/// A user: one who calls the API, or one bookings are made for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    /// A service account, left out of user lists.
    pub hidden: bool,
    pub time_zone: Option<String>,
    pub primary_system: Option<i64>,
    /// What the user's groups allow.
    pub rights: super::rights::Rights,
}

impl User {
    /// bridgebook itself, as the author of changes nobody asked for over the API (bridges
    /// from the configuration file and the meetings they move).
    pub fn system() -> User {
        User {
            id: 0,
            username: "bridgebook".into(),
            hidden: true,
            rights: super::rights::Rights::all(),
            ..User::default()
        }
    }
}

/// What a client said about WebEx.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebexRequest {
    /// The client booked the WebEx meeting itself (spec: "OwnedExternally").
    pub owned_externally: bool,
    /// The address the bridge dials out to.
    pub sip_url: Option<String>,
}
