//! What a TMS answers over its booking API, made into what bridgebook stores when moving
//! off it: rooms under their system ids, meetings under their ConferenceIds and versions.
//! Pure; the calls themselves are `soap::tms_client`'s.
use super::convert::request_of;
use crate::booking::import::{Kept, MovedMeeting};
use crate::contract::conference::Conference as WireConference;
use crate::contract::enums::{ConferenceStatus, SystemCategory as WireCategory};
use crate::contract::remote::TMSSystem;
use crate::domain::time::parse_utc;
use crate::domain::{Error, System, SystemCategory, SystemDetails};
use chrono::{DateTime, Utc};

/// The API version the import announces: every element TMS 15 answers.
pub const CLIENT_VERSION: u32 = crate::contract::API_VERSION;

/// A TMSSystem as a room here, under the same id.
pub fn room_of(s: &TMSSystem) -> System {
    System {
        id: s.SystemId,
        name: s
            .SystemName
            .clone()
            .unwrap_or_else(|| format!("System {}", s.SystemId)),
        category: match s.SystemCategory.as_ref().map(|c| c.systemCategory) {
            Some(WireCategory::Endpoint) => SystemCategory::Endpoint,
            Some(WireCategory::Equipment) => SystemCategory::Equipment,
            Some(WireCategory::Recording) => SystemCategory::Recording,
            _ => SystemCategory::Room,
        },
        sip_uri: s.SIPUri.clone().filter(|v| !v.is_empty()),
        h323_id: s.H323Id.clone().filter(|v| !v.is_empty()),
        e164_alias: s.E164Alias.clone().filter(|v| !v.is_empty()),
        // TMS names zones by display name ("(UTC+01:00) Amsterdam…"); meetings carry their
        // own rules, and a room's zone is set in bridgebook.toml.
        time_zone: None,
        allow_booking: true,
        details: SystemDetails {
            contact: s.Contact.clone(),
            manufacturer: s.Manufacturer.clone(),
            description: s.Description.clone(),
            system_type: s.SystemType.clone(),
            location: s.Location.clone(),
            isdn_number: s.ISDNNumber.clone(),
            web_interface_url: s.WebInterfaceURL.clone(),
        },
    }
}

/// The state TMS gives a conference (a series: the state of the whole series).
pub fn state_of(c: &WireConference) -> Option<ConferenceStatus> {
    c.ConferenceState.as_ref().and_then(|s| s.Status)
}

/// Whether a conference in this state is moved: what is still to happen (pending, ongoing,
/// or Defective and waiting), not what finished, was deleted or was never booked.
pub fn to_move(state: Option<ConferenceStatus>) -> bool {
    matches!(
        state,
        Some(ConferenceStatus::Pending | ConferenceStatus::Ongoing | ConferenceStatus::Defective)
    )
}

/// An occurrence of a series TMS listed apart (GetConferencesForSystems, GetConferenceById):
/// its id, version and start by the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedOccurrence {
    pub id: i64,
    pub version: i32,
    pub instance: DateTime<Utc>,
}

/// An occurrence as TMS lists it, when it is one.
pub fn listed_occurrence(c: &WireConference) -> Option<ListedOccurrence> {
    let instance = parse_utc(c.RecurrenceInstanceIdUTC.as_deref()?).ok()?;
    Some(ListedOccurrence {
        id: c.ConferenceId as i64,
        version: c.Version.unwrap_or(1),
        instance,
    })
}

/// A conference as GetRecurrentConferenceById answers it (a series with its exceptions),
/// with the occurrences listed apart, as the meeting to save here: a new booking (TMS's
/// ConferenceId and Version kept aside), owned by whoever its e-mail address names, as
/// TMS's user ids mean nothing here.
pub fn meeting_of(
    c: &WireConference,
    occurrences: &[ListedOccurrence],
) -> Result<MovedMeeting, Error> {
    let mut req = request_of(c, CLIENT_VERSION)?;
    req.id = -1;
    req.version = None;
    req.instance = None;
    req.owner.id = 0;
    let mut kept = Kept {
        id: c.ConferenceId as i64,
        version: c.Version.unwrap_or(1),
        ..Kept::default()
    };
    for o in occurrences {
        kept.occurrences.insert(o.instance, (o.id, o.version));
    }
    let exceptions = c
        .RecurrencePattern
        .as_ref()
        .and_then(|p| p.Exceptions.as_ref())
        .map(|e| e.RecurrenceException.as_slice())
        .unwrap_or_default();
    for e in exceptions {
        let (Some(at), Some(data)) = (e.RecurrenceIdUTC.as_deref(), e.ModifiedData.as_ref()) else {
            continue;
        };
        if data.ConferenceId > 0 {
            kept.occurrences.insert(
                parse_utc(at)?,
                (data.ConferenceId as i64, data.Version.unwrap_or(1)),
            );
        }
    }
    Ok(MovedMeeting {
        request: req,
        kept,
        defective: state_of(c) == Some(ConferenceStatus::Defective),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::conference::ConferenceStateOverride as ConferenceStatusOverride;
    use crate::contract::conference::{
        ArrayOfRecurrenceException, RecurrenceException, RecurrencePattern,
    };

    fn wire(id: i32, version: i32, state: ConferenceStatus) -> WireConference {
        WireConference {
            ConferenceId: id,
            Title: Some("Board".into()),
            StartTimeUTC: Some("2031-03-04 09:00:00Z".into()),
            EndTimeUTC: Some("2031-03-04 10:00:00Z".into()),
            OwnerId: 17,
            OwnerEmailAddress: Some("anna@example.com".into()),
            ExternalSourceId: Some("xe".into()),
            ExternalPrimaryKey: Some("k1".into()),
            Version: Some(version),
            ConferenceState: Some(ConferenceStatusOverride {
                Status: Some(state),
            }),
            ..WireConference::default()
        }
    }

    #[test]
    fn only_what_is_still_to_happen_is_moved() {
        use ConferenceStatus::*;
        let cases = [
            (Some(Pending), true),
            (Some(Ongoing), true),
            (Some(Defective), true),
            (Some(Finished), false),
            (Some(Deleted), false),
            (Some(MeetingRequest), false),
            (Some(Rejected), false),
            (None, false),
        ];
        for (state, want) in cases {
            assert_eq!(to_move(state), want, "{state:?}");
        }
    }

    #[test]
    fn a_meeting_is_saved_as_new_with_its_tms_ids_kept_aside() {
        let m = meeting_of(&wire(4711, 3, ConferenceStatus::Pending), &[]).unwrap();
        assert_eq!((m.request.id, m.request.version), (-1, None));
        assert_eq!(m.request.owner.id, 0, "TMS's user id means nothing here");
        assert_eq!(m.request.owner.email.as_deref(), Some("anna@example.com"));
        assert_eq!(m.request.external_primary_key.as_deref(), Some("k1"));
        assert_eq!((m.kept.id, m.kept.version), (4711, 3));
        assert!(!m.defective);
        assert!(
            meeting_of(&wire(5, 1, ConferenceStatus::Defective), &[])
                .unwrap()
                .defective
        );
    }

    #[test]
    fn occurrence_ids_come_from_listings_and_modified_exceptions() {
        let mut c = wire(100, 2, ConferenceStatus::Pending);
        let moved = WireConference {
            ConferenceId: 104,
            Version: Some(2),
            StartTimeUTC: Some("2031-03-18 11:00:00Z".into()),
            EndTimeUTC: Some("2031-03-18 12:00:00Z".into()),
            ..WireConference::default()
        };
        c.RecurrencePattern = Some(RecurrencePattern {
            Exceptions: Some(ArrayOfRecurrenceException {
                RecurrenceException: vec![
                    RecurrenceException {
                        RecurrenceIdUTC: Some("2031-03-18 09:00:00Z".into()),
                        ModifiedData: Some(Box::new(moved)),
                        ..RecurrenceException::default()
                    },
                    // A deleted occurrence: no id to keep.
                    RecurrenceException {
                        RecurrenceIdUTC: Some("2031-03-25 09:00:00Z".into()),
                        ..RecurrenceException::default()
                    },
                ],
            }),
            ..RecurrencePattern::default()
        });
        let listed = [ListedOccurrence {
            id: 101,
            version: 1,
            instance: parse_utc("2031-03-04 09:00:00Z").unwrap(),
        }];
        let kept = meeting_of(&c, &listed).unwrap().kept;
        let at = |s: &str| parse_utc(s).unwrap();
        assert_eq!(kept.occurrences.len(), 2);
        assert_eq!(kept.occurrences[&at("2031-03-04 09:00:00Z")], (101, 1));
        assert_eq!(kept.occurrences[&at("2031-03-18 09:00:00Z")], (104, 2));
    }
}
