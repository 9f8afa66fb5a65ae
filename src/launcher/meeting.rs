//! A booked conference as its bridge must host it: its bridge-side reference, and whom the
//! bridge calls, as the conference's type asks (design decision 12).
use crate::bridges::{Call, Meeting, Protocol};
use crate::domain::route::RoutePlan;
use crate::domain::{Bandwidth, CallType, Conference, Direction, System};
use sha2::{Digest, Sha256};

/// What every bridge-side reference of installation `installation` starts with.
pub fn prefix(installation: &str) -> String {
    format!("bb-{installation}-")
}

/// The bridge-side name of conference `id`: stable for its whole life, so a retried create
/// finds what an earlier try made, and unique to the installation, so a conference with a
/// similar name that another installation (or a person) made is never taken for ours.
pub fn reference(installation: &str, id: i64) -> String {
    format!("{}{id}", prefix(installation))
}

/// The conference a bridge-side reference names, when it is exactly one of this
/// installation's.
pub fn conference_of(installation: &str, reference: &str) -> Option<i64> {
    let id = reference.strip_prefix(&prefix(installation))?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0'))
        .then(|| id.parse().ok())
        .flatten()
}

/// The meeting conference `c` is on its bridge, when it is routed to one; `systems` are
/// its booked rooms as the inventory describes them.
pub fn of(c: &Conference, systems: &[System], installation: &str) -> Option<Meeting> {
    let Some(RoutePlan::Bridge(r)) = &c.route else {
        return None;
    };
    Some(Meeting {
        reference: reference(installation, c.id),
        title: c.title.clone(),
        number: r.number,
        sip_uri: r.sip_uri.clone(),
        pin: r.pin.clone(),
        start: c.start,
        end: c.end,
        calls: calls(c, systems),
        bandwidth_kbps: bandwidth_kbps(c),
        max_participants: 0,
        participants: c.participants.len() as u32,
    })
}

/// The call rate a participant gets: the IP bandwidth booked, else the bandwidth; "Max" is
/// the highest rate the reference lists.
pub fn bandwidth_kbps(c: &Conference) -> u32 {
    const HIGHEST: u32 = 6144;
    let s = &c.settings;
    s.ip_bandwidth.kbps().or(s.bandwidth.kbps()).unwrap_or(
        if s.ip_bandwidth == Bandwidth::Max || s.bandwidth == Bandwidth::Max {
            HIGHEST
        } else {
            768
        },
    )
}

/// Whom the bridge calls at the start, as the conference's type asks
/// ([`ConferenceType::calls_rooms`], [`ConferenceType::calls_dial_outs`]): each booked room
/// by its best address, each dial-out, a WebEx meeting; every address once.
pub fn calls(c: &Conference, systems: &[System]) -> Vec<Call> {
    let kind = c.settings.conference_type;
    if !kind.calls_dial_outs() {
        return vec![];
    }
    let mut out: Vec<Call> = vec![];
    let mut push = |call: Call| {
        if !out
            .iter()
            .any(|o| o.address.eq_ignore_ascii_case(&call.address))
        {
            out.push(call);
        }
    };
    for p in &c.participants {
        match p.call_type.direction() {
            Direction::System if kind.calls_rooms() => {
                if let Some(call) = systems.iter().find(|s| s.id == p.id).and_then(room_call) {
                    push(call);
                }
            }
            Direction::DialOut => {
                if let Some(address) = p
                    .name_or_number
                    .as_deref()
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                {
                    push(Call {
                        key: dial_out_key(address),
                        address: address.to_string(),
                        protocol: dial_out_protocol(p.call_type, address),
                        audio_only: p.call_type.is_audio_only(),
                    });
                }
            }
            _ => {}
        }
    }
    if let Some(url) = c.settings.webex_sip_url.as_deref().map(str::trim) {
        if !url.is_empty() {
            push(Call {
                key: "webex".into(),
                address: url.trim_start_matches("sip:").to_string(),
                protocol: Protocol::Sip,
                audio_only: false,
            });
        }
    }
    out
}

/// How a bridge calls a booked room: its SIP URI, else its H.323 ID, else its E.164 alias
/// (through the H.323 gatekeeper). A room with none of them cannot be called.
pub fn room_call(s: &System) -> Option<Call> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (address, protocol) = given(&s.sip_uri)
        .map(|a| (a.trim_start_matches("sip:").to_string(), Protocol::Sip))
        .or_else(|| given(&s.h323_id).map(|a| (a, Protocol::H323)))
        .or_else(|| given(&s.e164_alias).map(|a| (a, Protocol::H323)))?;
    Some(Call {
        key: crate::domain::room_call_key(s.id),
        address,
        protocol,
        audio_only: false,
    })
}

/// A dial-out's key: from its address, so it stays the same however the participant list
/// is reordered, and short enough for every family's participant reference.
fn dial_out_key(address: &str) -> String {
    let digest = Sha256::digest(address.to_ascii_lowercase().as_bytes());
    let hex: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
    format!("out-{hex}")
}

/// SIP for SIP participants and for any address written as a URI; H.323 for an IP video or
/// telephone participant given as an H.323 ID or number. ISDN, telephone and 3G numbers go
/// to the bridge's call control as SIP, which routes them to its gateway.
fn dial_out_protocol(t: CallType, address: &str) -> Protocol {
    use CallType::*;
    let uri = address.contains('@') || address.starts_with("sip:");
    match t {
        IpVideoDialOut | IpTelDialOut if !uri => Protocol::H323,
        _ => Protocol::Sip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        ConferenceType, ExtendOption, Owner, Participant, PictureMode, Preference, Settings,
        StoredStatus, SystemCategory,
    };
    use chrono::Utc;

    fn room(id: i64, sip: Option<&str>, h323: Option<&str>, e164: Option<&str>) -> System {
        System {
            id,
            name: format!("room {id}"),
            category: SystemCategory::Room,
            sip_uri: sip.map(Into::into),
            h323_id: h323.map(Into::into),
            e164_alias: e164.map(Into::into),
            time_zone: None,
            allow_booking: true,
            details: Default::default(),
        }
    }

    fn participant(id: i64, t: CallType, address: Option<&str>) -> Participant {
        Participant {
            id,
            name_or_number: address.map(Into::into),
            email: None,
            call_type: t,
        }
    }

    fn conference(kind: ConferenceType) -> Conference {
        let settings = Settings {
            conference_type: kind,
            bandwidth: Bandwidth::B12x768,
            isdn_bandwidth: Bandwidth::B12x768,
            ip_bandwidth: Bandwidth::B12x768,
            picture_mode: PictureMode::ContinuousPresence,
            encrypted: Preference::IfPossible,
            data_conference: Preference::IfPossible,
            extend_option: ExtendOption::AutomaticBestEffort,
            password: None,
            billing_code: None,
            secret_code: None,
            conf_bundle_id: None,
            conf_owner_id: None,
            isdn_restrict: false,
            email_to: None,
            user_message: None,
            language: None,
            location: None,
            invitees: None,
            meeting_source: None,
            privacy_flag: None,
            recording_enabled: false,
            time_zone_rules_xml: None,
            time_zone: None,
            zone_name: None,
            external_conference_xml: None,
            externally_hosted_dial_string: None,
            webex_sip_url: None,
        };
        Conference {
            id: 7,
            title: "Board".into(),
            start: Utc::now(),
            end: Utc::now(),
            owner: Owner::default(),
            settings,
            participants: vec![
                participant(1, CallType::Tms, None),
                participant(2, CallType::Tms, None),
                participant(3, CallType::Tms, None),
                participant(-1, CallType::SipDialOut, Some("guest@example.com")),
                participant(-2, CallType::IpVideoDialIn, None),
            ],
            external_source_id: None,
            external_primary_key: None,
            version: 1,
            status: StoredStatus::Booked,
            defective_reason: None,
            transaction_id: 0,
            series: Default::default(),
            route: None,
        }
    }

    fn rooms() -> Vec<System> {
        vec![
            room(1, Some("sip:oslo@example.com"), Some("oslo"), None),
            room(2, None, Some("bergen.h323"), Some("4711")),
            room(3, None, None, Some("4712")),
        ]
    }

    #[test]
    fn whom_each_conference_type_calls() {
        let table = [
            (
                ConferenceType::AutomaticCallLaunch,
                vec![
                    "oslo@example.com/sip",
                    "bergen.h323/h323",
                    "4712/h323",
                    "guest@example.com/sip",
                ],
            ),
            (
                ConferenceType::OneButtonToPush,
                vec!["guest@example.com/sip"],
            ),
            (
                ConferenceType::ManualCallLaunch,
                vec!["guest@example.com/sip"],
            ),
            (ConferenceType::NoConnect, vec![]),
            (ConferenceType::ReservationOnly, vec![]),
        ];
        for (kind, want) in table {
            let got: Vec<String> = calls(&conference(kind), &rooms())
                .iter()
                .map(|c| format!("{}/{}", c.address, c.protocol.as_str()))
                .collect();
            assert_eq!(got, want, "{kind:?}");
        }
    }

    #[test]
    fn a_room_without_an_address_is_not_called_and_an_address_is_called_once() {
        let mut c = conference(ConferenceType::AutomaticCallLaunch);
        c.participants.push(participant(
            -3,
            CallType::SipDialOut,
            Some("GUEST@example.com"),
        ));
        c.settings.webex_sip_url = Some("sip:123@webex.example.com".into());
        let mut systems = rooms();
        systems[2] = room(3, None, Some("  "), None);
        let got: Vec<String> = calls(&c, &systems)
            .into_iter()
            .map(|c| format!("{} {}", c.key, c.address))
            .collect();
        assert_eq!(
            got,
            vec![
                "room-1 oslo@example.com",
                "room-2 bergen.h323",
                &format!("{} guest@example.com", dial_out_key("guest@example.com")),
                "webex 123@webex.example.com",
            ]
        );
    }

    #[test]
    fn dial_out_protocols() {
        let table = [
            (CallType::SipDialOut, "guest@example.com", Protocol::Sip),
            (CallType::IpVideoDialOut, "guest.h323", Protocol::H323),
            (CallType::IpVideoDialOut, "guest@example.com", Protocol::Sip),
            (CallType::IpTelDialOut, "5551234", Protocol::H323),
            (CallType::TelephoneDialOut, "5551234", Protocol::Sip),
            (CallType::SipTelDialOut, "5551234", Protocol::Sip),
        ];
        for (t, address, want) in table {
            assert_eq!(dial_out_protocol(t, address), want, "{t:?} {address}");
        }
    }

    #[test]
    fn references_are_matched_exactly() {
        let table = [
            ("bb-0a1b2c3d-42", Some(42)),
            ("bb-0a1b2c3d-42x", None),
            ("bb-0a1b2c3d-042", None),
            ("bb-0a1b2c3d-", None),
            ("bb-ffffffff-42", None),
            ("bb-42", None),
            ("xbb-0a1b2c3d-42", None),
        ];
        for (r, want) in table {
            assert_eq!(conference_of("0a1b2c3d", r), want, "{r}");
        }
        assert_eq!(
            conference_of("0a1b2c3d", &reference("0a1b2c3d", 7)),
            Some(7)
        );
    }

    #[test]
    fn keys_are_short_and_stable() {
        let k = dial_out_key("Guest@Example.com");
        assert_eq!(k, dial_out_key("guest@example.com"));
        assert_eq!(k.len(), 14);
    }
}
