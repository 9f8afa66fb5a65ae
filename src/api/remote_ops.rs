//! The remote setup service's operations.
use super::{request, scalar, unknown_operation, Call, Reply};
use crate::booking::Booking;
use crate::contract::enums::{SystemCategory as WireCategory, SystemStatus};
use crate::contract::operations::GetSystemById;
use crate::contract::remote::*;
use crate::domain::{Error, ErrorCode, System, SystemCategory};

pub const OPERATIONS: &[&str] = &[
    "DisableConferenceAPIUser",
    "GenerateConferenceAPIUser",
    "GetConferenceLanguages",
    "GetSystemById",
    "GetSystems",
    "GetSystemsForUser",
    "GetUsers",
    "IsAlive",
    "IsBookOnBehalfOfUser",
    "IsLocalAdmin",
    "IsTMSBookOnBehalfUser",
    "IsTMSServiceUser",
    "IsTMSSiteAdmin",
    "SetPrimarySystem",
];

/// User administration and permissions arrive with the directory work.
pub const NOT_YET_AVAILABLE: &[&str] = &[
    "DisableConferenceAPIUser",
    "GenerateConferenceAPIUser",
    "GetConferenceLanguages",
    "GetUsers",
    "IsBookOnBehalfOfUser",
    "IsLocalAdmin",
    "IsTMSBookOnBehalfUser",
    "IsTMSServiceUser",
    "IsTMSSiteAdmin",
    "SetPrimarySystem",
];

pub fn dispatch(b: &Booking, call: &Call) -> Result<Reply, Error> {
    match call.operation {
        op if NOT_YET_AVAILABLE.contains(&op) => Err(Error::not_yet_available(op)),
        "IsAlive" => scalar(call, &true),
        "GetSystems" => systems(call, b.systems()?),
        // Every bookable system until per-user permissions exist.
        "GetSystemsForUser" => systems(
            call,
            b.systems()?
                .into_iter()
                .filter(|s| s.allow_booking)
                .collect(),
        ),
        "GetSystemById" => {
            let r: GetSystemById = request(call)?;
            let raw = r.TMSSystemId.unwrap_or_default();
            let id: i64 = raw.trim().parse().map_err(|_| {
                Error::new(
                    ErrorCode::SystemNotFound,
                    format!("'{raw}' is not a system id."),
                )
            })?;
            scalar(call, &tms_system(&b.system(id)?))
        }
        _ => Err(unknown_operation(call)),
    }
}

fn systems(call: &Call, list: Vec<System>) -> Result<Reply, Error> {
    scalar(
        call,
        &ArrayOfTMSSystem {
            TMSSystem: list.iter().map(tms_system).collect(),
        },
    )
}

fn tms_system(s: &System) -> TMSSystem {
    TMSSystem {
        SystemId: s.id,
        SystemName: Some(s.name.clone()),
        SIPUri: s.sip_uri.clone(),
        H323Id: s.h323_id.clone(),
        E164Alias: s.e164_alias.clone(),
        TimeZone: s.time_zone.as_ref().map(|tz| TimeZone {
            TimezoneName: Some(tz.clone()),
            ..Default::default()
        }),
        SystemCategory: Some(SystemCategoryOverride {
            systemCategory: match s.category {
                SystemCategory::Endpoint => WireCategory::Endpoint,
                SystemCategory::Equipment => WireCategory::Equipment,
                SystemCategory::Room => WireCategory::Room,
                SystemCategory::Recording => WireCategory::Recording,
            },
        }),
        // Live status comes from the systems themselves, which bridgebook does not poll.
        SystemStatus: Some(SystemStatusOverride {
            systemStatus: SystemStatus::Unknown,
        }),
        ..Default::default()
    }
}
