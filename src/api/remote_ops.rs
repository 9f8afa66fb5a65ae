//! The remote setup service's operations.
use super::{request, scalar, unknown_operation, Call, Reply};
use crate::booking::Booking;
use crate::contract::enums::{SystemCategory as WireCategory, SystemStatus};
use crate::contract::operations::GetSystemById;
use crate::contract::remote::User as WireUser;
use crate::contract::remote::*;
use crate::domain::rights::Permission;
use crate::domain::{Error, ErrorCode, System, SystemCategory, User};

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

pub fn dispatch(b: &Booking, call: &Call) -> Result<Reply, Error> {
    match call.operation {
        "IsAlive" => scalar(call, &true),
        "GetSystems" => systems(call, b.systems()?),
        "GetSystemsForUser" => systems(call, b.systems_for(call.user)?),
        "GetUsers" => scalar(
            call,
            &ArrayOfUser {
                User: b.users()?.iter().map(wire_user).collect(),
            },
        ),
        "IsBookOnBehalfOfUser" => {
            let r: IsBookOnBehalfOfUser = request(call)?;
            scalar(
                call,
                &b.may_book_on_behalf(r.user.as_deref().unwrap_or(""))?,
            )
        }
        "IsTMSBookOnBehalfUser" => scalar(call, &call.user.rights.has(Permission::BookOnBehalfOf)),
        // bridgebook makes the accounts itself: a site administrator can create them.
        "IsLocalAdmin" | "IsTMSSiteAdmin" => scalar(call, &call.user.rights.is_site_admin()),
        "IsTMSServiceUser" => scalar(
            call,
            &(call.user.hidden && call.user.rights.has(Permission::BookOnBehalfOf)),
        ),
        "SetPrimarySystem" => {
            let r: SetPrimarySystem = request(call)?;
            scalar(
                call,
                &b.set_primary_system(call.user, r.primSys.as_deref().unwrap_or(""))?,
            )
        }
        "GenerateConferenceAPIUser" => {
            let r: GenerateConferenceAPIUser = request(call)?;
            let name = b.generate_api_user(
                call.user,
                r.userNameBase.as_deref().unwrap_or(""),
                r.encPassword.as_deref().unwrap_or(""),
                r.emailAddress.as_deref(),
                r.sendNotifications,
            )?;
            scalar(call, &name)
        }
        "DisableConferenceAPIUser" => {
            let r: DisableConferenceAPIUser = request(call)?;
            b.disable_api_user(call.user, r.userName.as_deref().unwrap_or(""))?;
            Ok(Reply::default())
        }
        "GetConferenceLanguages" => scalar(
            call,
            &ArrayOfLanguage {
                Language: LANGUAGES
                    .iter()
                    .map(|(culture, name)| Language {
                        DisplayName: Some(name.to_string()),
                        CultureInfo: Some(culture.to_string()),
                    })
                    .collect(),
            },
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

/// The languages conference e-mails and messages can be written in.
const LANGUAGES: &[(&str, &str)] = &[
    ("en-US", "English"),
    ("de-DE", "German"),
    ("es-ES", "Spanish"),
    ("fr-FR", "French"),
    ("it-IT", "Italian"),
    ("ja-JP", "Japanese"),
    ("ko-KR", "Korean"),
    ("nb-NO", "Norwegian"),
    ("pl-PL", "Polish"),
    ("pt-BR", "Portuguese (Brazil)"),
    ("ru-RU", "Russian"),
    ("sv-SE", "Swedish"),
    ("zh-CN", "Chinese (Simplified)"),
    ("zh-TW", "Chinese (Traditional)"),
];

fn wire_user(u: &User) -> WireUser {
    WireUser {
        DisplayName: u.display_name.clone().or_else(|| {
            let name = [&u.first_name, &u.last_name]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            (!name.is_empty()).then_some(name)
        }),
        EmailAddress: u.email.clone(),
        FirstName: u.first_name.clone(),
        LastName: u.last_name.clone(),
        UserName: Some(u.username.clone()),
        IsHiddenUser: u.hidden,
        TimeZone: u.time_zone.as_ref().map(|tz| TimeZone {
            TimezoneName: Some(tz.clone()),
            ..Default::default()
        }),
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
