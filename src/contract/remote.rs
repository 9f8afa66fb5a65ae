//! Remote-setup objects: TMSSystem, User, Language.
#![allow(non_snake_case)]
use super::enums::*;
use super::is_none;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TMSSystem {
    pub SystemId: i64,
    #[serde(skip_serializing_if = "is_none")]
    pub SystemName: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Contact: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Manufacturer: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Description: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub SystemType: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub NetworkAddress: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Location: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub ISDNNumber: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub QNumber: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub WebInterfaceURL: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub SIPUri: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub H323Id: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub E164Alias: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub TimeZone: Option<TimeZone>,
    #[serde(skip_serializing_if = "is_none")]
    pub SystemCategory: Option<SystemCategoryOverride>,
    #[serde(skip_serializing_if = "is_none")]
    pub SystemStatus: Option<SystemStatusOverride>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeZone {
    #[serde(skip_serializing_if = "is_none")]
    pub TimezoneName: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub StartTimeDTS: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub EndTimeDTS: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub GMTOffset: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemCategoryOverride {
    pub systemCategory: SystemCategory,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemStatusOverride {
    pub systemStatus: SystemStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfTMSSystem {
    pub TMSSystem: Vec<TMSSystem>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    #[serde(skip_serializing_if = "is_none")]
    pub DisplayName: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub EmailAddress: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub FirstName: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub LastName: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub UserName: Option<String>,
    pub IsHiddenUser: bool,
    #[serde(skip_serializing_if = "is_none")]
    pub TimeZone: Option<TimeZone>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfUser {
    pub User: Vec<User>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetPrimarySystem {
    pub primSys: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IsBookOnBehalfOfUser {
    pub user: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenerateConferenceAPIUser {
    pub userNameBase: Option<String>,
    pub encPassword: Option<String>,
    pub emailAddress: Option<String>,
    pub sendNotifications: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DisableConferenceAPIUser {
    pub userName: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Language {
    #[serde(skip_serializing_if = "is_none")]
    pub DisplayName: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub CultureInfo: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfLanguage {
    pub Language: Vec<Language>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetRecordingAliases {
    pub UserName: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AliasInfo {
    pub SystemId: i32,
    #[serde(skip_serializing_if = "is_none")]
    pub AliasId: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfAliasInfo {
    pub AliasInfo: Vec<AliasInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordingDevice {
    #[serde(skip_serializing_if = "is_none")]
    pub Name: Option<String>,
    #[serde(skip_serializing_if = "is_none")]
    pub Aliases: Option<ArrayOfAliasInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArrayOfRecordingDevice {
    pub RecordingDevice: Vec<RecordingDevice>,
}
