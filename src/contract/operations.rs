//! Request elements of every operation (what the body of a call holds) and the result
//! types that are not Conference objects.
#![allow(non_snake_case)]
use super::conference::{ArrayOfConference, Conference};
use super::enums::*;
use super::is_none;
use serde::{Deserialize, Serialize};

/// A request that names one conference by its id.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ById {
    pub ConferenceId: i32,
}

/// A request that names a conference (or one occurrence) by the client's own ids.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ByExternalId {
    pub ExternalSourceId: Option<String>,
    pub ExternalConferenceId: Option<String>,
    pub RecurrenceIdUTC: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SaveConference {
    pub Conference: Option<Conference>,
    pub BookingMode: Option<BookingMode>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SaveConferences {
    pub Conferences: Vec<Conference>,
    pub oneTransaction: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GetConferencesForUser {
    pub UserName: Option<String>,
    pub StartTime: Option<String>,
    pub EndTime: Option<String>,
    pub ConferenceStatus: Option<ConferenceStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GetConferencesForSystems {
    pub SystemIds: Vec<i32>,
    pub StartTime: Option<String>,
    pub EndTime: Option<String>,
    pub ConferenceStatus: Option<ConferenceStatus>,
    pub Legacy: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GetTransactionsSince {
    pub CurrentTransactionId: i64,
    /// A string in the v22 contract; clients send a number or nothing.
    pub SystemId: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GetTimeZoneRulesById {
    pub idString: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GetSystemById {
    pub TMSSystemId: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ConferenceSaveResult {
    pub Conference: Conference,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfTransaction {
    pub Transaction: Vec<Transaction>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Transaction {
    pub TransactionId: i32,
    pub ConferenceId: i32,
    pub TransType: Option<TransactionType>,
    pub PerformedByUserId: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub ParticipantIds: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ArrayOfTransactionWithExternalId {
    pub TransactionWithExternalId: Vec<TransactionWithExternalId>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TransactionWithExternalId {
    pub TransactionId: i32,
    pub ConferenceId: i32,
    pub TransType: Option<TransactionType>,
    pub PerformedByUserId: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub ParticipantIds: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ExternalSourceId: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ExternalPrimaryKey: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub RecurrenceIdUTC: Option<String>,
}

pub type Conferences = ArrayOfConference;

/// GetConferenceInviteMail.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GetConferenceInviteMail {
    pub ExternalSourceId: Option<String>,
    pub ExternalConferenceId: Option<String>,
    pub RecurrenceIdUTC: Option<String>,
    pub Messages: Option<ArrayOfClientMessage>,
    pub ContentTypes: Option<ArrayOfMailContentType>,
    pub Language: Option<String>,
}

/// GetConferenceBookingEventMail.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GetConferenceBookingEventMail {
    pub Conference: Option<Conference>,
    pub Message: Option<ClientMessage>,
    pub ContentTypes: Option<ArrayOfMailContentType>,
    pub Language: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ArrayOfClientMessage {
    pub ClientMessage: Vec<ClientMessage>,
}

/// A message for the top of a mail. MessageType is read as text: an unknown type is the
/// client's mistake to be told of, not an unreadable request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClientMessage {
    pub MessageType: Option<String>,
    pub Lines: Option<ArrayOfString>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ArrayOfString {
    pub string: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ArrayOfMailContentType {
    pub MailContentType: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ArrayOfMailContent {
    pub MailContent: Vec<MailContent>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MailContent {
    pub ContentType: String,
    #[serde(skip_serializing_if = "is_none")]
    pub Subject: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Body: Option<String>,
    /// bridgebook's addition: the invitation's RFC 5545 calendar object.
    #[serde(skip_serializing_if = "is_none")]
    pub ICalendar: Option<String>,
}
