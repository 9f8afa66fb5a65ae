//! The remote setup service's operations.
use super::{request, scalar, unknown_operation, Call, Reply};
use crate::booking::Booking;
use crate::contract::enums::{SystemCategory as WireCategory, SystemStatus};
use crate::contract::operations::GetSystemById;
use crate::contract::remote::User as WireUser;
use crate::contract::remote::*;
use crate::domain::rights::Permission;
use crate::domain::time::format_utc;
use crate::domain::windows_zones;
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
        "GetSystems" => systems(b, call, b.systems()?),
        "GetSystemsForUser" => systems(b, call, b.systems_for(call.user)?),
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
                Language: b
                    .templates
                    .languages()
                    .iter()
                    .map(|culture| Language {
                        DisplayName: Some(
                            crate::mail::language::BUILT_IN
                                .iter()
                                .find(|(c, _)| c == culture)
                                .map_or(culture.as_str(), |(_, name)| name)
                                .to_string(),
                        ),
                        CultureInfo: Some(culture.clone()),
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
            scalar(call, &tms_system(&b.system(id)?, &b.rooms_in_call()?))
        }
        _ => Err(unknown_operation(call)),
    }
}

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
        TimeZone: u.time_zone.as_deref().map(wire_zone),
    }
}

fn systems(b: &Booking, call: &Call, list: Vec<System>) -> Result<Reply, Error> {
    let in_call = b.rooms_in_call()?;
    scalar(
        call,
        &ArrayOfTMSSystem {
            TMSSystem: list.iter().map(|s| tms_system(s, &in_call)).collect(),
        },
    )
}

/// A zone as TMSSystem and User describe it (spec, TimeZone): its name, this year's
/// daylight period in UTC, its UTC offset ("+01:00").
fn wire_zone(name: &str) -> TimeZone {
    use chrono::Datelike;
    let Some(z) = windows_zones::summary(name, chrono::Utc::now().year()) else {
        return TimeZone {
            TimezoneName: Some(name.to_string()),
            ..Default::default()
        };
    };
    let m = z.base_offset_minutes;
    let when = |t: chrono::NaiveDateTime| format_utc(t.and_utc());
    TimeZone {
        TimezoneName: Some(z.display_name),
        StartTimeDTS: z.daylight.map(|(s, _)| when(s)),
        EndTimeDTS: z.daylight.map(|(_, e)| when(e)),
        GMTOffset: Some(format!(
            "{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.abs() / 60,
            m.abs() % 60
        )),
    }
}

/// A system as TMSSystem; `in_call`: the rooms a bridge reports connected now.
fn tms_system(s: &System, in_call: &[i64]) -> TMSSystem {
    let d = &s.details;
    TMSSystem {
        SystemId: s.id,
        SystemName: Some(s.name.clone()),
        Contact: d.contact.clone(),
        Manufacturer: d.manufacturer.clone(),
        Description: d.description.clone(),
        SystemType: d.system_type.clone(),
        Location: d.location.clone(),
        ISDNNumber: d.isdn_number.clone(),
        WebInterfaceURL: d.web_interface_url.clone(),
        SIPUri: s.sip_uri.clone(),
        H323Id: s.h323_id.clone(),
        E164Alias: s.e164_alias.clone(),
        TimeZone: s.time_zone.as_deref().map(wire_zone),
        SystemCategory: Some(SystemCategoryOverride {
            systemCategory: match s.category {
                SystemCategory::Endpoint => WireCategory::Endpoint,
                SystemCategory::Equipment => WireCategory::Equipment,
                SystemCategory::Room => WireCategory::Room,
                SystemCategory::Recording => WireCategory::Recording,
            },
        }),
        // InCall while a bridge reports the room connected in a running meeting; otherwise
        // only the system itself would know, and bridgebook does not poll systems.
        SystemStatus: Some(SystemStatusOverride {
            systemStatus: if in_call.contains(&s.id) {
                SystemStatus::InCall
            } else {
                SystemStatus::Unknown
            },
        }),
        ..Default::default()
    }
}
