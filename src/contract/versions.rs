//! Version filtering of what goes out (design decision 3): every element and enumeration
//! value newer than the client's ClientVersionIn is left out or becomes `Default`.
use super::conference::*;
use super::enums::*;

/// A wire type that can be narrowed to what a client of API version `v` understands.
pub trait VersionFilter {
    fn narrow(&mut self, v: u32);
}

impl<T: VersionFilter> VersionFilter for Option<T> {
    fn narrow(&mut self, v: u32) {
        if let Some(x) = self {
            x.narrow(v);
        }
    }
}

impl<T: VersionFilter> VersionFilter for Vec<T> {
    fn narrow(&mut self, v: u32) {
        for x in self {
            x.narrow(v);
        }
    }
}

impl<T: VersionFilter> VersionFilter for Box<T> {
    fn narrow(&mut self, v: u32) {
        (**self).narrow(v);
    }
}

/// Elements introduced after the client's version are dropped: `field => since`.
macro_rules! drop_newer {
    ($v:expr; $($field:expr => $since:expr),* $(,)?) => {
        $( if $v < $since { $field = None; } )*
    };
}

/// Enumerations: a value newer than the client becomes the value it falls back to.
macro_rules! versioned_enum {
    ($($name:ident => |$x:ident| $fallback:expr),* $(,)?) => {
        $(impl VersionFilter for $name {
            fn narrow(&mut self, v: u32) {
                if self.since() > v {
                    let $x = *self;
                    *self = $fallback;
                }
            }
        })*
    };
}

versioned_enum!(
    ConferenceType => |_x| ConferenceType::Default,
    Bandwidth => |_x| Bandwidth::Default,
    PictureMode => |_x| PictureMode::Default,
    EncryptionRequested => |_x| EncryptionRequested::Default,
    DataConferenceMode => |_x| DataConferenceMode::Default,
    ExtendOptionRequested => |_x| ExtendOptionRequested::Default,
    RecurringFrequency => |_x| RecurringFrequency::Default,
    RecurrenceEndType => |_x| RecurrenceEndType::Default,
    ParticipantType => |x| match x {
        ParticipantType::SipTelIn => ParticipantType::SipIn,
        ParticipantType::SipTelOut => ParticipantType::SipOut,
        other => other,
    },
);

impl VersionFilter for Conference {
    fn narrow(&mut self, v: u32) {
        drop_newer!(v;
            self.ExternalConference => 9,
            self.EmailTo => 10,
            self.ConferenceLanguage => 10,
            self.ConferenceState => 10,
            self.Version => 10,
            self.ConferenceTimeZoneRules => 11,
            self.ConfBundleId => 13,
            self.ConfOwnerId => 13,
            self.DetachedFromExternalSourceId => 14,
            self.DetachedFromExternalPrimaryKey => 14,
            self.Location => 19,
            self.Invitees => 19,
            self.SecretCode => 19,
            self.MeetingSource => 20,
            self.PrivacyFlag => 21,
            self.JoinUri => 22,
            self.JoinUrl => 22,
            self.TransactionId => 22,
            self.IsRecordingEnabled => 23,
        );
        self.ConferenceType.narrow(v);
        self.Bandwidth.narrow(v);
        self.PictureMode.narrow(v);
        self.Encrypted.narrow(v);
        self.DataConference.narrow(v);
        self.ShowExtendOption.narrow(v);
        self.RecurrencePattern.narrow(v);
        self.ExternalConference.narrow(v);
        self.Participants.narrow(v);
        self.ISDNBandwidth.narrow(v);
        self.IPBandwidth.narrow(v);
    }
}

impl VersionFilter for RecurrencePattern {
    fn narrow(&mut self, v: u32) {
        drop_newer!(v; self.ByMonthDay => 12);
        self.FrequencyType.narrow(v);
        self.PatternEndType.narrow(v);
        if let Some(e) = &mut self.Exceptions {
            for x in &mut e.RecurrenceException {
                x.ModifiedData.narrow(v);
            }
        }
    }
}

impl VersionFilter for ExternalConference {
    fn narrow(&mut self, v: u32) {
        drop_newer!(v; self.WebExState => 16, self.ExternallyHosted => 17);
        self.WebEx.narrow(v);
    }
}

impl VersionFilter for WebEx {
    fn narrow(&mut self, v: u32) {
        drop_newer!(v;
            self.ElementsToExclude => 14,
            self.TmsShouldUpdateMeeting => 16,
            self.SiteUrl => 16,
            self.UsePstn => 16,
            self.OwnedExternally => 16,
            self.Warnings => 16,
        );
        if let Some(t) = &mut self.Telephony {
            drop_newer!(v; t.PstnDialInNumber => 16, t.ParticipantAccessCode => 16);
        }
    }
}

impl VersionFilter for ArrayOfParticipant {
    fn narrow(&mut self, v: u32) {
        self.Participant.narrow(v);
    }
}

impl VersionFilter for Participant {
    fn narrow(&mut self, v: u32) {
        drop_newer!(v; self.EmailAddress => 15);
        self.ParticipantCallType.narrow(v);
    }
}

impl VersionFilter for BandwidthOverride {
    fn narrow(&mut self, v: u32) {
        self.Bandwidth.narrow(v);
    }
}

impl VersionFilter for ArrayOfConference {
    fn narrow(&mut self, v: u32) {
        self.Conference.narrow(v);
    }
}

impl VersionFilter for crate::contract::operations::ConferenceSaveResult {
    fn narrow(&mut self, v: u32) {
        self.Conference.narrow(v);
    }
}

/// Elements a client of version `v` never saw are put back from `stored` when it saves:
/// `field => since`.
macro_rules! keep_unseen {
    ($v:expr, $into:expr, $from:expr; $($field:ident => $since:expr),* $(,)?) => {
        $( if $v < $since && $into.$field.is_none() { $into.$field = $from.$field.clone(); } )*
    };
}

/// What a client of version `v` saves back, with what its version could not see of the
/// stored conference put back (design decision 3 the other way round): an element newer
/// than the client was filtered out of what it read, so its absence is not a change, and a
/// value it read narrowed (`SIP Tel <-` read as `SIP <-`) is not one either. Top-level
/// elements need nothing here: an absent element already leaves the stored value.
pub fn restore_unseen(c: &mut Conference, stored: &Conference, v: u32) {
    if let (Some(ext), Some(old)) = (&mut c.ExternalConference, &stored.ExternalConference) {
        keep_unseen!(v, ext, old; WebExState => 16, ExternallyHosted => 17);
        if let (Some(w), Some(old)) = (&mut ext.WebEx, &old.WebEx) {
            keep_unseen!(v, w, old;
                ElementsToExclude => 14,
                TmsShouldUpdateMeeting => 16,
                SiteUrl => 16,
                UsePstn => 16,
                OwnedExternally => 16,
            );
            if let (Some(t), Some(old)) = (&mut w.Telephony, &old.Telephony) {
                keep_unseen!(v, t, old; PstnDialInNumber => 16, ParticipantAccessCode => 16);
            }
        }
    }
    let (Some(list), Some(old)) = (&mut c.Participants, &stored.Participants) else {
        return;
    };
    for p in &mut list.Participant {
        let Some(was) = old.Participant.iter().find(|o| same_participant(p, o, v)) else {
            continue;
        };
        keep_unseen!(v, p, was; EmailAddress => 15);
        if let Some(t) = was.ParticipantCallType.filter(|t| t.since() > v) {
            p.ParticipantCallType = Some(t);
        }
    }
}

/// Whether `p`, as a client of version `v` sent it, is the stored participant `o`: the same
/// system, or the same address with the type the client was shown.
fn same_participant(p: &Participant, o: &Participant, v: u32) -> bool {
    if p.ParticipantId > 0 || o.ParticipantId > 0 {
        return p.ParticipantId == o.ParticipantId;
    }
    let shown = o.ParticipantCallType.map(|mut t| {
        t.narrow(v);
        t
    });
    let address = |x: &Participant| x.NameOrNumber.clone().unwrap_or_default().to_lowercase();
    address(p) == address(o) && p.ParticipantCallType == shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Conference {
        Conference {
            ConferenceId: 5,
            Bandwidth: Some(Bandwidth::K6000),
            ISDNBandwidth: Some(BandwidthOverride {
                Bandwidth: Some(Bandwidth::B7x448),
            }),
            IPBandwidth: Some(BandwidthOverride {
                Bandwidth: Some(Bandwidth::B12x768),
            }),
            ConferenceType: Some(ConferenceType::NoConnect),
            ConferenceTimeZoneRules: Some(ArrayOfTimeZoneRule::default()),
            ConferenceState: Some(ConferenceStateOverride {
                Status: Some(ConferenceStatus::Pending),
            }),
            Version: Some(2),
            Participants: Some(ArrayOfParticipant {
                Participant: vec![Participant {
                    ParticipantId: -1,
                    NameOrNumber: Some("x".into()),
                    EmailAddress: Some("x@example.com".into()),
                    ParticipantCallType: Some(ParticipantType::SipTelIn),
                }],
            }),
            IsRecordingEnabled: Some(false),
            ..Default::default()
        }
    }

    #[test]
    fn spec_examples() {
        // (client version, bandwidth shown, time-zone rules shown)
        let table = [
            (0, Bandwidth::Default, false),
            (9, Bandwidth::Default, false),
            (10, Bandwidth::Default, false),
            (11, Bandwidth::Default, true),
            (13, Bandwidth::Default, true),
            (14, Bandwidth::K6000, true),
            (23, Bandwidth::K6000, true),
        ];
        for (v, bw, tz) in table {
            let mut c = sample();
            c.narrow(v);
            assert_eq!(c.Bandwidth, Some(bw), "v{v}");
            assert_eq!(c.ConferenceTimeZoneRules.is_some(), tz, "v{v}");
        }
    }

    #[test]
    fn old_clients_see_old_values_only() {
        let mut c = sample();
        c.narrow(9);
        assert_eq!(c.ConferenceType, Some(ConferenceType::Default));
        assert_eq!(c.ISDNBandwidth.unwrap().Bandwidth, Some(Bandwidth::Default));
        assert_eq!(c.IPBandwidth.unwrap().Bandwidth, Some(Bandwidth::B12x768));
        assert_eq!(c.ConferenceState, None);
        assert_eq!(c.Version, None);
        assert_eq!(c.IsRecordingEnabled, None);
        let p = &c.Participants.unwrap().Participant[0];
        assert_eq!(p.EmailAddress, None);
        assert_eq!(p.ParticipantCallType, Some(ParticipantType::SipIn));
    }

    #[test]
    fn current_clients_see_everything() {
        let mut c = sample();
        c.narrow(23);
        assert_eq!(c, sample());
    }

    #[test]
    fn what_an_old_client_cannot_see_is_kept_when_it_saves() {
        let mut stored = sample();
        stored.ExternalConference = Some(ExternalConference {
            ExternallyHosted: Some(ExternalHost {
                DialString: Some("meet@partner.example".into()),
            }),
            ..Default::default()
        });
        for v in [9, 14, 15, 16] {
            let mut read = stored.clone();
            read.narrow(v);
            let mut saved = read.clone();
            restore_unseen(&mut saved, &stored, v);
            let ext = saved.ExternalConference.as_ref().unwrap();
            assert_eq!(
                ext.ExternallyHosted.as_ref().unwrap().DialString.as_deref(),
                Some("meet@partner.example"),
                "v{v}"
            );
            let p = &saved.Participants.as_ref().unwrap().Participant[0];
            assert_eq!(
                p.ParticipantCallType,
                Some(ParticipantType::SipTelIn),
                "v{v}"
            );
            assert_eq!(p.EmailAddress.as_deref(), Some("x@example.com"), "v{v}");
        }
        // What a client changes stays changed: another address, another type.
        let mut read = stored.clone();
        read.narrow(14);
        let mut saved = read;
        saved.Participants.as_mut().unwrap().Participant[0].NameOrNumber = Some("y".into());
        restore_unseen(&mut saved, &stored, 14);
        let p = &saved.Participants.as_ref().unwrap().Participant[0];
        assert_eq!(p.ParticipantCallType, Some(ParticipantType::SipIn));
        assert_eq!(p.EmailAddress, None);
        // A current client's absences are its own.
        let mut saved = stored.clone();
        saved.Participants.as_mut().unwrap().Participant[0].EmailAddress = None;
        restore_unseen(&mut saved, &stored, 23);
        assert_eq!(
            saved.Participants.unwrap().Participant[0].EmailAddress,
            None
        );
    }
}
