//! The parameter rules of the Meeting Server 3.4 API as the reference document states them
//! (`spec/meeting-server-api-3.4.txt`, cited as §section and l.line): which parameters each
//! object takes, of which type, how long, and the failure each broken rule gives. Read from
//! the document alone; nothing here knows what bridgebook sends.

/// A failure the API answers with (§4.6, l.1130-1236): a reason element, or a
/// `parameterError` naming the parameter and the error (l.1206; the form of the attributes
/// is the one §6.11 prints, l.1945-1946).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Reason(&'static str),
    /// A reason a test told the server to give.
    Given(String),
    Parameter {
        parameter: String,
        error: &'static str,
    },
}

impl Refusal {
    fn invalid(parameter: &str) -> Refusal {
        Refusal::Parameter {
            parameter: parameter.to_string(),
            error: "invalidValue",
        }
    }

    fn too_long(parameter: &str) -> Refusal {
        Refusal::Parameter {
            parameter: parameter.to_string(),
            error: "valueTooLong",
        }
    }
}

/// The type of a parameter, as the tables' "Type/Value" column gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// String of at most this many characters (0: the document sets no limit).
    Text(usize),
    /// String of at most this many bytes of UTF-8 (nameLabelOverride, l.2673).
    Bytes(usize),
    /// A coSpace URI user part (§6.1 l.1387, §6.2 l.1401-1402).
    Uri,
    /// Digits only, at most this many ("Number ... maximum length of 200 digits", l.1403;
    /// passcode "Numeric ... maximum limit of 63 digits", l.1409).
    Digits(usize),
    /// A whole number no larger than this.
    Number(u64),
    /// `true` or `false`.
    Bool,
    /// One of the listed values.
    OneOf(&'static [&'static str]),
    /// A number, or the one word given (messageDuration "Number|permanent", l.2288).
    NumberOr(&'static str),
    /// The id of another object; the simulated server holds no such objects, so any id is
    /// the reason given ("You tried to ... using an ID that did not correspond to a valid
    /// ...", §4.6).
    Object(&'static str),
    /// An ID the client chooses (ownerId, l.2623): IDs in this API are GUIDs (§4.1 l.977,
    /// the ownerId example of Appendix 17, l.5734).
    Guid,
    /// DTMF: "the digits 0 to 9, * and #, as well as one or more comma characters"
    /// (l.2627).
    Dtmf,
}

/// Layout names (§6.2 l.1410, §8.3.2 l.2626).
pub const LAYOUTS: &[&str] = &[
    "allEqual",
    "speakerOnly",
    "telepresence",
    "stacked",
    "allEqualQuarters",
    "allEqualNinths",
    "allEqualSixteenths",
    "allEqualTwentyFifths",
    "onePlusFive",
    "onePlusSeven",
    "onePlusNine",
    "automatic",
    "onePlusN",
];
const SELF_PANE: &[&str] = &["skip", "self", "blank"];
const ACTIVE_SPEAKER: &[&str] = &["allowself", "suppressself", "none"];
const LARGEST: u64 = 2_147_483_647;

/// POST /coSpaces and PUT /coSpaces/<id>: §6.2, l.1398-1433.
pub const CO_SPACE: &[(&str, Kind)] = &[
    (
        "userProvisionedCoSpace",
        Kind::Object("userProvisionedCoSpaceDoesNotExist"),
    ), // l.1399
    ("name", Kind::Text(200)),                      // l.1400
    ("uri", Kind::Uri),                             // l.1401
    ("secondaryUri", Kind::Uri),                    // l.1402
    ("callId", Kind::Digits(200)),                  // l.1403
    ("cdrTag", Kind::Text(100)),                    // l.1408
    ("passcode", Kind::Digits(63)),                 // l.1409
    ("defaultLayout", Kind::OneOf(LAYOUTS)),        // l.1410
    ("tenant", Kind::Object("tenantDoesNotExist")), // l.1411
    ("callLegProfile", Kind::Object("callLegProfileDoesNotExist")), // l.1412
    ("callProfile", Kind::Object("callProfileDoesNotExist")), // l.1413
    (
        "callBrandingProfile",
        Kind::Object("callBrandingProfileDoesNotExist"),
    ), // l.1414
    (
        "dialInSecurityProfile",
        Kind::Object("dialInSecurityProfileDoesNotExist"),
    ), // l.1415
    ("requireCallId", Kind::Bool),                  // l.1416
    ("secret", Kind::Text(0)),                      // l.1419
    ("regenerateSecret", Kind::Bool),               // l.1420
    ("nonMemberAccess", Kind::Bool),                // l.1421
    ("ownerJid", Kind::Text(0)),                    // l.1422
    ("streamUrl", Kind::Text(0)),                   // l.1423
    ("ownerAdGuid", Kind::Text(0)),                 // l.1424
    ("meetingScheduler", Kind::Text(0)),            // l.1425
    ("panePlacementHighestImportance", Kind::Number(LARGEST)), // l.1426
    ("panePlacementSelfPaneMode", Kind::OneOf(SELF_PANE)), // l.1429
    (
        "defaultAccessMethod",
        Kind::Object("accessMethodDoesNotExist"),
    ), // l.1430
    (
        "panePlacementActiveSpeakerMode",
        Kind::OneOf(ACTIVE_SPEAKER),
    ), // l.1433
];

/// POST /calls and PUT /calls/<id>: §8.1.2, l.2272-2302.
pub const CALL: &[(&str, Kind)] = &[
    ("coSpace", Kind::Text(0)), // l.2273: looked up by the handler (coSpaceDoesNotExist)
    ("name", Kind::Text(200)),  // l.2274, length from §8.1.1 l.2264
    ("callCorrelator", Kind::Text(0)), // l.2275
    ("locked", Kind::Bool),     // l.2276
    ("recording", Kind::Bool),  // l.2281
    ("streaming", Kind::Bool),  // l.2282
    ("allowAllMuteSelf", Kind::Bool), // l.2283
    ("allowAllPresentationContribution", Kind::Bool), // l.2284
    ("joinAudioMuteOverride", Kind::Bool), // l.2285
    ("messageText", Kind::Text(0)), // l.2286
    ("messagePosition", Kind::OneOf(&["top", "middle", "bottom"])), // l.2287
    ("messageDuration", Kind::NumberOr("permanent")), // l.2288
    ("activeWhenEmpty", Kind::Bool), // l.2289
    ("panePlacementHighestImportance", Kind::Number(LARGEST)), // l.2290
    ("panePlacementSelfPaneMode", Kind::OneOf(SELF_PANE)), // l.2293
    ("messageBannerText", Kind::Text(0)), // l.2294
    ("chatAllowed", Kind::Bool), // l.2295
    ("raiseHandEnabled", Kind::Bool), // l.2296
    (
        "panePlacementActiveSpeakerMode",
        Kind::OneOf(ACTIVE_SPEAKER),
    ), // l.2299
    ("notesAllowed", Kind::Bool), // l.2300
    ("captionsAllowed", Kind::Bool), // l.2301
    ("backgroundBlurAllowed", Kind::Bool), // l.2302
];

/// The parameters of POST /calls that PUT does not take ("For POST only", l.2273-2275).
pub const CALL_POST_ONLY: &[&str] = &["coSpace", "name", "callCorrelator"];

/// POST /calls/<id>/callLegs and PUT /callLegs/<id>: §8.3.2, l.2619-2687, with the
/// values of the call leg profile parameters it overrides from §8.4.3 (l.3003-3068), since
/// "You can also supply individual values for all parameters that can be part of a call
/// leg profile" (l.2628).
pub const CALL_LEG: &[(&str, Kind)] = &[
    ("remoteParty", Kind::Text(0)),               // l.2620
    ("bandwidth", Kind::Number(u32::MAX as u64)), // l.2621, bit/s
    ("confirmation", Kind::Bool),                 // l.2622
    ("ownerId", Kind::Guid),                      // l.2623
    ("chosenLayout", Kind::OneOf(LAYOUTS)),       // l.2626
    ("dtmfSequence", Kind::Dtmf),                 // l.2627
    ("callLegProfile", Kind::Object("callLegProfileDoesNotExist")), // l.2628
    ("needsActivation", Kind::Bool),              // l.2629, l.3003
    ("defaultLayout", Kind::OneOf(LAYOUTS)),      // l.2630
    ("participantLabels", Kind::Bool),            // l.2631, l.3008
    (
        "presentationDisplayMode",
        Kind::OneOf(&["dualStream", "singleStream"]),
    ), // l.2632, l.3009
    ("presentationContributionAllowed", Kind::Bool), // l.2635
    ("presentationViewingAllowed", Kind::Bool),   // l.2636
    ("endCallAllowed", Kind::Bool),               // l.2637
    ("muteOthersAllowed", Kind::Bool),            // l.2638
    ("videoMuteOthersAllowed", Kind::Bool),       // l.2639
    ("muteSelfAllowed", Kind::Bool),              // l.2640
    ("videoMuteSelfAllowed", Kind::Bool),         // l.2641
    ("changeLayoutAllowed", Kind::Bool),          // l.2642
    ("joinToneParticipantThreshold", Kind::Number(100)), // l.2643, "maximum 100" l.3021
    ("leaveToneParticipantThreshold", Kind::Number(100)), // l.2644, l.3022
    ("videoMode", Kind::OneOf(&["auto", "disabled"])), // l.2645, l.3023
    ("rxAudioMute", Kind::Bool),                  // l.2646, l.3024
    ("txAudioMute", Kind::Bool),                  // l.2647
    ("rxVideoMute", Kind::Bool),                  // l.2648
    ("txVideoMute", Kind::Bool),                  // l.2649
    (
        "sipMediaEncryption",
        Kind::OneOf(&["optional", "required", "prohibited"]),
    ), // l.2650, l.3028
    ("audioPacketSizeMs", Kind::Number(LARGEST)), // l.2651, l.3029
    (
        "deactivationMode",
        Kind::OneOf(&["deactivate", "disconnect", "remainActivated"]),
    ), // l.2652, l.3030
    ("deactivationModeTime", Kind::Number(LARGEST)), // l.2653, l.3035
    ("telepresenceCallsAllowed", Kind::Bool),     // l.2654
    ("sipPresentationChannelEnabled", Kind::Bool), // l.2655
    ("layout", Kind::OneOf(LAYOUTS)),             // l.2659
    ("disconnectOthersAllowed", Kind::Bool),      // l.2660
    ("addParticipantAllowed", Kind::Bool),        // l.2661
    (
        "qualityMain",
        Kind::OneOf(&["unrestricted", "max1080p30", "max720p30", "max480p30"]),
    ), // l.2664
    (
        "qualityPresentation",
        Kind::OneOf(&["unrestricted", "max1080p30", "max720p5"]),
    ), // l.2669
    (
        "participantCounter",
        Kind::OneOf(&["never", "auto", "always"]),
    ), // l.2670
    ("nameLabelOverride", Kind::Bytes(50)),       // l.2673
    ("controlRemoteCameraAllowed", Kind::Bool),   // l.2674
    ("layoutTemplate", Kind::Object("layoutTemplateDoesNotExist")), // l.2677
    ("audioGainMode", Kind::OneOf(&["disabled", "agc"])), // l.2678
    (
        "meetingTitlePosition",
        Kind::OneOf(&["disabled", "top", "middle", "bottom"]),
    ), // l.2679
    ("chatContributionAllowed", Kind::Bool),      // l.2680
    ("handStatus", Kind::OneOf(&["raised", "lowered"])), // l.2681
    ("accessMethod", Kind::Object("accessMethodDoesNotExist")), // l.2682
    ("changeRoleAllowed", Kind::Bool),            // l.2683
    ("noteContributionAllowed", Kind::Bool),      // l.2686
    ("captionContributionAllowed", Kind::Bool),   // l.2687
    ("maxCallDurationTime", Kind::Number(LARGEST)), // call leg profile, l.3049
];

/// "You cannot modify the remoteParty, bandwidth or confirmation" (l.2617).
pub const CALL_LEG_POST_ONLY: &[&str] = &["remoteParty", "bandwidth", "confirmation"];

/// Whether `v` is a valid value of `kind` for parameter `name`. An empty value is always
/// allowed: on PUT it unsets (§4.4, l.1108), on POST it sets nothing.
pub fn check(name: &str, kind: Kind, v: &str) -> Result<(), Refusal> {
    if v.is_empty() {
        return Ok(());
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match kind {
        Kind::Text(max) if max > 0 && v.chars().count() > max => Err(Refusal::too_long(name)),
        Kind::Text(_) => Ok(()),
        Kind::Bytes(max) if v.len() > max => Err(Refusal::too_long(name)),
        Kind::Bytes(_) => Ok(()),
        Kind::Uri => uri(name, v),
        Kind::Digits(_) if !digits(v) => Err(Refusal::invalid(name)),
        Kind::Digits(max) if v.len() > max => Err(Refusal::too_long(name)),
        Kind::Digits(_) => Ok(()),
        Kind::Number(max) => match v.parse::<u64>() {
            Ok(n) if digits(v) && n <= max => Ok(()),
            _ => Err(Refusal::invalid(name)),
        },
        Kind::Bool if v == "true" || v == "false" => Ok(()),
        Kind::Bool => Err(Refusal::invalid(name)),
        Kind::OneOf(values) if values.contains(&v) => Ok(()),
        Kind::OneOf(_) => Err(Refusal::invalid(name)),
        Kind::NumberOr(word) if v == word || digits(v) => Ok(()),
        Kind::NumberOr(_) => Err(Refusal::invalid(name)),
        Kind::Object(reason) => Err(Refusal::Reason(reason)),
        Kind::Guid if is_guid(v) => Ok(()),
        Kind::Guid => Err(Refusal::invalid(name)),
        Kind::Dtmf if v.chars().all(|c| c.is_ascii_digit() || "*#,".contains(c)) => Ok(()),
        Kind::Dtmf => Err(Refusal::invalid(name)),
    }
}

/// The URI rules of §6.1 l.1387 and §6.2 l.1401-1402: "a maximum length of 200 alpha
/// numeric characters"; "'.', '-', '_' are the only special characters that can be used";
/// "URI cannot start or end with '.' and '-'; cannot be used together; cannot be used
/// multiple times in a row". Read as: '.' and '-' neither start nor end it, and no two of
/// them stand side by side ('.-', '-.', '..', '--'); '_' is free.
fn uri(name: &str, v: &str) -> Result<(), Refusal> {
    if v.chars().count() > 200 {
        return Err(Refusal::too_long(name));
    }
    let dot_or_dash = |c: char| c == '.' || c == '-';
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || dot_or_dash(c) || c == '_');
    let ends = v.starts_with(dot_or_dash) || v.ends_with(dot_or_dash);
    let together = v
        .chars()
        .zip(v.chars().skip(1))
        .any(|(a, b)| dot_or_dash(a) && dot_or_dash(b));
    if allowed && !ends && !together {
        Ok(())
    } else {
        Err(Refusal::invalid(name))
    }
}

/// 8-4-4-4-12 hexadecimal digits, the form of every id the document prints.
pub fn is_guid(v: &str) -> bool {
    let groups: Vec<&str> = v.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A form read against a parameter table: the known parameters (the last of repeated
/// ones), and the names the API does not know, which it ignores without an error (§3.4.1,
/// l.950: "will ignore properties in PUT/POST actions that are misspelled and not return an
/// HTTP error").
#[derive(Debug, Default)]
pub struct Read {
    pub known: Vec<(String, String)>,
    pub unknown: Vec<String>,
}

impl Read {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.known
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Checks every parameter of `form` against `table`; `ignored` are names the table holds
/// that this method does not take (POST-only ones on a PUT), ignored like unknown ones.
pub fn read(
    table: &[(&str, Kind)],
    ignored: &[&str],
    form: &[(String, String)],
) -> Result<Read, Refusal> {
    let mut out = Read::default();
    for (name, value) in form {
        match table.iter().find(|(n, _)| n == name) {
            Some((_, kind)) if !ignored.contains(&name.as_str()) => {
                check(name, *kind, value)?;
                out.known.push((name.clone(), value.clone()));
            }
            _ => out.unknown.push(name.clone()),
        }
    }
    Ok(out)
}

/// Whether the far end of `remote_party` can be reached at all: the document's
/// remoteParty "could be a SIP URI or a phone number" (l.2620); anything else has no route
/// and the call fails.
pub fn dialable(remote_party: &str) -> bool {
    let p = remote_party.trim();
    let p = p
        .strip_prefix("sip:")
        .or_else(|| p.strip_prefix("sips:"))
        .unwrap_or(p);
    let sip = p
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && !host.is_empty() && !host.contains('@'));
    let digits = p.strip_prefix('+').unwrap_or(p);
    let phone = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    sip || phone
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(name: &str, error: &'static str) -> Result<(), Refusal> {
        Err(Refusal::Parameter {
            parameter: name.into(),
            error,
        })
    }

    #[test]
    fn uris_follow_the_documented_character_rules() {
        for ok in ["8100", "dev_team", "sales.meeting", "a-b.c_d", "x"] {
            assert_eq!(check("uri", Kind::Uri, ok), Ok(()), "{ok}");
        }
        for bad in [
            ".abc", "abc-", "a..b", "a--b", "a.-b", "a-.b", "a b", "a+b", "a@b", "é",
        ] {
            assert_eq!(
                check("uri", Kind::Uri, bad),
                err("uri", "invalidValue"),
                "{bad}"
            );
        }
        assert_eq!(
            check("uri", Kind::Uri, &"a".repeat(201)),
            err("uri", "valueTooLong")
        );
    }

    #[test]
    fn numbers_digits_and_words() {
        assert_eq!(check("passcode", Kind::Digits(63), "0042"), Ok(()));
        assert_eq!(
            check("passcode", Kind::Digits(63), "12a"),
            err("passcode", "invalidValue")
        );
        assert_eq!(
            check("passcode", Kind::Digits(63), &"1".repeat(64)),
            err("passcode", "valueTooLong")
        );
        assert_eq!(
            check("bandwidth", Kind::Number(10), "11"),
            err("bandwidth", "invalidValue")
        );
        assert_eq!(
            check("bandwidth", Kind::Number(10), "-1"),
            err("bandwidth", "invalidValue")
        );
        assert_eq!(
            check("confirmation", Kind::Bool, "yes"),
            err("confirmation", "invalidValue")
        );
        assert_eq!(
            check("confirmation", Kind::Bool, ""),
            Ok(()),
            "empty unsets"
        );
        assert_eq!(
            check("tenant", Kind::Object("tenantDoesNotExist"), "x"),
            Err(Refusal::Reason("tenantDoesNotExist"))
        );
        assert_eq!(
            check(
                "ownerId",
                Kind::Guid,
                "2671a77d-4bd5-4bf2-8ed6-f14afd80c2ac"
            ),
            Ok(())
        );
        assert_eq!(
            check("ownerId", Kind::Guid, "room-12"),
            err("ownerId", "invalidValue")
        );
        assert_eq!(
            check("nameLabelOverride", Kind::Bytes(50), &"é".repeat(26)),
            err("nameLabelOverride", "valueTooLong")
        );
    }

    #[test]
    fn unknown_and_post_only_parameters_are_ignored() {
        let form = vec![
            ("remoteParty".to_string(), "a@b".to_string()),
            ("remotParty".to_string(), "x".to_string()),
        ];
        let r = read(CALL_LEG, &[], &form).unwrap();
        assert_eq!(r.get("remoteParty"), Some("a@b"));
        assert_eq!(r.unknown, vec!["remotParty"]);
        let r = read(CALL_LEG, CALL_LEG_POST_ONLY, &form).unwrap();
        assert_eq!(r.get("remoteParty"), None);
    }

    #[test]
    fn what_can_be_dialled() {
        for ok in [
            "alice@example.com",
            "sip:alice@example.com",
            "+4722000000",
            "5551234",
        ] {
            assert!(dialable(ok), "{ok}");
        }
        for bad in ["room3.h323", "", "@example.com", "alice@", "+"] {
            assert!(!dialable(bad), "{bad}");
        }
    }
}
