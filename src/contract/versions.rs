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
}
