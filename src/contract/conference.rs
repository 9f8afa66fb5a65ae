//! The Conference object and everything it holds, in WSDL element order.
#![allow(non_snake_case)]
use super::enums::*;
use super::is_none;
use super::nillable::Nillable;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Conference {
    pub ConferenceId: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub Title: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub StartTimeUTC: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub EndTimeUTC: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub RecurrenceInstanceIdUTC: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub RecurrenceInstanceType: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub FirstOccurrenceRecInstanceIdUTC: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub RecurrencePattern: Option<RecurrencePattern>,
    pub OwnerId: i64,
    #[serde(skip_serializing_if = "is_none")]
    pub OwnerUserName: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub OwnerFirstName: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub OwnerLastName: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub OwnerEmailAddress: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ConferenceType: Option<ConferenceType>,
    #[serde(skip_serializing_if = "is_none")]
    pub Bandwidth: Option<Bandwidth>,
    #[serde(skip_serializing_if = "is_none")]
    pub PictureMode: Option<PictureMode>,
    #[serde(skip_serializing_if = "is_none")]
    pub Encrypted: Option<EncryptionRequested>,
    #[serde(skip_serializing_if = "is_none")]
    pub DataConference: Option<DataConferenceMode>,
    #[serde(skip_serializing_if = "is_none")]
    pub ShowExtendOption: Option<ExtendOptionRequested>,
    #[serde(skip_serializing_if = "is_none")]
    pub Password: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub BillingCode: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ISDNRestrict: Option<bool>,
    #[serde(skip_serializing_if = "is_none")]
    pub ExternalConference: Option<ExternalConference>,
    #[serde(skip_serializing_if = "is_none")]
    pub EmailTo: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ConfBundleId: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ConfOwnerId: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ConferenceInfoText: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ConferenceInfoHtml: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub UserMessageText: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ExternalSourceId: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ExternalPrimaryKey: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub DetachedFromExternalSourceId: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub DetachedFromExternalPrimaryKey: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Participants: Option<ArrayOfParticipant>,
    #[serde(skip_serializing_if = "is_none")]
    pub RecordedConferenceUri: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub WebConferencePresenterUri: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub WebConferenceAttendeeUri: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ISDNBandwidth: Option<BandwidthOverride>,
    #[serde(skip_serializing_if = "is_none")]
    pub IPBandwidth: Option<BandwidthOverride>,
    #[serde(skip_serializing_if = "is_none")]
    pub ConferenceLanguage: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ConferenceTimeZoneRules: Option<ArrayOfTimeZoneRule>,
    #[serde(skip_serializing_if = "is_none")]
    pub ConferenceState: Option<ConferenceStateOverride>,
    #[serde(skip_serializing_if = "is_none")]
    pub Version: Option<i32>,
    #[serde(skip_serializing_if = "is_none")]
    pub Location: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Invitees: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub SecretCode: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub MeetingSource: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub PrivacyFlag: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub JoinUri: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub JoinUrl: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub TransactionId: Option<i64>,
    #[serde(skip_serializing_if = "is_none")]
    pub IsRecordingEnabled: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecurrencePattern {
    #[serde(skip_serializing_if = "is_none")]
    pub FrequencyType: Option<RecurringFrequency>,
    pub Interval: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub DaysOfWeek: Option<ArrayOfDayOfWeek>,
    #[serde(skip_serializing_if = "is_none")]
    pub FirstDayOfWeek: Option<DayOfWeek>,
    pub BySetPosition: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub ByMonthDay: Option<i32>,
    #[serde(skip_serializing_if = "is_none")]
    pub PatternEndType: Option<RecurrenceEndType>,
    #[serde(skip_serializing_if = "is_none")]
    pub PatternEndDateUTC: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub FirstOccurrenceRecInstanceIdUTC: Option<String>,
    pub PatternInstances: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub Exceptions: Option<ArrayOfRecurrenceException>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfDayOfWeek {
    // quick-xml reads an enum in a list by its element name; the day is the element's text.
    #[serde(serialize_with = "days::write", deserialize_with = "days::read")]
    pub DayOfWeek: Vec<DayOfWeek>,
}

mod days {
    use super::DayOfWeek;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn write<S: Serializer>(days: &[DayOfWeek], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(days.iter().map(|d| d.as_str()))
    }

    pub fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<DayOfWeek>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|text| {
                DayOfWeek::ALL
                    .iter()
                    .find(|day| day.as_str() == text.trim())
                    .copied()
                    .ok_or_else(|| D::Error::custom(format!("'{text}' is not a DayOfWeek")))
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfRecurrenceException {
    pub RecurrenceException: Vec<RecurrenceException>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecurrenceException {
    #[serde(skip_serializing_if = "is_none")]
    pub ExceptionType: Option<ExceptionType>,
    #[serde(skip_serializing_if = "is_none")]
    pub RecurrenceIdUTC: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub RecurrenceIdRange: Option<ExceptionIdRange>,
    pub ModifiedMask: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub ModifiedData: Option<Box<Conference>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExternalConference {
    #[serde(skip_serializing_if = "is_none")]
    pub WebEx: Option<WebEx>,
    #[serde(skip_serializing_if = "is_none")]
    pub ExternallyHosted: Option<ExternalHost>,
    #[serde(skip_serializing_if = "is_none")]
    pub WebExState: Option<WebExState>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExternalHost {
    #[serde(skip_serializing_if = "is_none")]
    pub DialString: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebExState {
    #[serde(skip_serializing_if = "is_none")]
    pub WebExInstanceType: Option<WebExInstanceType>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebEx {
    pub MeetingKey: Nillable,
    pub SipUrl: Nillable,
    #[serde(skip_serializing_if = "is_none")]
    pub ElementsToExclude: Option<WebExElementsToExclude>,
    pub MeetingPassword: Nillable,
    pub JoinMeetingUrl: Nillable,
    pub HostMeetingUrl: Nillable,
    #[serde(skip_serializing_if = "is_none")]
    pub HostKey: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub JoinBeforeHostTime: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Telephony: Option<WebExTelephony>,
    #[serde(skip_serializing_if = "is_none")]
    pub TmsShouldUpdateMeeting: Option<bool>,
    #[serde(skip_serializing_if = "is_none")]
    pub SiteUrl: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub UsePstn: Option<bool>,
    #[serde(skip_serializing_if = "is_none")]
    pub OwnedExternally: Option<bool>,
    #[serde(skip_serializing_if = "is_none")]
    pub Warnings: Option<ArrayOfWebExError>,
    #[serde(skip_serializing_if = "is_none")]
    pub Errors: Option<ArrayOfWebExError>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebExTelephony {
    #[serde(skip_serializing_if = "is_none")]
    pub LocalCallInTollNumber: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub LocalCallInTollFreeNumber: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub GlobalCallInNumberUrl: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub PstnDialInNumber: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub DtmfSequence: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ParticipantAccessCode: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfWebExError {
    pub WebExError: Vec<WebExError>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebExError {
    #[serde(skip_serializing_if = "is_none")]
    pub ErrorCode: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ErrorDescription: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfParticipant {
    pub Participant: Vec<Participant>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Participant {
    pub ParticipantId: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub NameOrNumber: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub EmailAddress: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ParticipantCallType: Option<ParticipantType>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BandwidthOverride {
    #[serde(skip_serializing_if = "is_none")]
    pub Bandwidth: Option<Bandwidth>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfTimeZoneRule {
    pub TimeZoneRule: Vec<TimeZoneRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeZoneRule {
    #[serde(skip_serializing_if = "is_none")]
    pub ValidFrom: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Id: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub DisplayName: Option<String>,
    pub BaseOffsetInMinutes: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub Daylight: Option<TimeChange>,
    pub DaylightOffsetInMinutes: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub Standard: Option<TimeChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeChange {
    pub ChangeSecondAtDay: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub RelativeRule: Option<RelativeRule>,
    #[serde(skip_serializing_if = "is_none")]
    pub AbsoluteRule: Option<AbsoluteRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RelativeRule {
    pub Month: i32,
    pub DayOfTheWeek: i32,
    pub WeekOfTheMonthIndex: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AbsoluteRule {
    pub Month: i32,
    pub DayOfMonth: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConferenceStateOverride {
    #[serde(skip_serializing_if = "is_none")]
    pub Status: Option<ConferenceStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfConference {
    pub Conference: Vec<Conference>,
}
