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

#[derive(Debug, Clone, Default, Serialize)]
pub struct ArrayOfTransaction {
    pub Transaction: Vec<Transaction>,
}

#[derive(Debug, Clone, Default, Serialize)]
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
