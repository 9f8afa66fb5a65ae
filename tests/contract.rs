//! The contract as clients hold it: every operation of the WSDL is served, zeep clients
//! generated from our WSDL and from a real TMS's API-9 WSDL work unchanged and get answers
//! that validate against those WSDLs' schemas, and output follows the announced version.
mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Operation names of a WSDL's portType.
fn port_type_operations(wsdl: &str) -> BTreeSet<String> {
    let start = wsdl.find("<wsdl:portType").expect("a portType");
    let end = wsdl[start..].find("</wsdl:portType>").unwrap() + start;
    wsdl[start..end]
        .split("<wsdl:operation name=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

fn wsdl_file(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("wsdl")
            .join(name),
    )
    .unwrap()
}

#[test]
fn every_wsdl_operation_is_served() {
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    for (file, count, remote) in [
        ("BookingService.wsdl", 26, false),
        ("RemoteSetupService.wsdl", 14, true),
    ] {
        let ops = port_type_operations(&wsdl_file(file));
        assert_eq!(ops.len(), count, "{file}: {ops:?}");
        for op in &ops {
            let a = if remote {
                c.remote(op, "")
            } else {
                c.call(op, "")
            };
            // An empty request may well be refused, but never as an unknown operation.
            let message = a.get("faultstring").unwrap_or_default();
            assert!(
                !message.contains("is not an operation"),
                "{file} {op} is not dispatched: {message}"
            );
            assert!(
                a.status == 200 || a.error_code().is_some(),
                "{op}: {}",
                a.body
            );
        }
    }
}

/// Runs a client script under tests/clients against a fresh server on `backend`.
/// JAX-WS `wsimport` copies documentation into Javadoc, where `\u` not followed by four hex
/// digits is a compile error; the TMS 13.2 WSDL writes `domain\\username` for that reason.
#[test]
fn served_wsdls_hold_no_backslash_u_a_java_compiler_refuses() {
    let s = Server::start(Backend::Sqlite);
    for path in [BOOKING, REMOTE] {
        let wsdl = get_raw(&s.url(&format!("{path}?wsdl")), true);
        assert_eq!(wsdl.status, 200);
        let bytes = wsdl.body.as_bytes();
        for (i, w) in bytes.windows(2).enumerate() {
            if w == b"\\u" {
                let escaped = i > 0 && bytes[i - 1] == b'\\';
                let hex = bytes
                    .get(i + 2..i + 6)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                assert!(
                    escaped || hex,
                    "{path}: \\u without a Unicode escape: {}",
                    &wsdl.body[i.saturating_sub(40)..(i + 20).min(wsdl.body.len())]
                );
            }
        }
    }
}

fn run_client(backend: Backend, script: &str, extra: &[&str]) {
    let python = match std::env::var("BRIDGEBOOK_TEST_PYTHON") {
        Ok(p) => p,
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("CI must set BRIDGEBOOK_TEST_PYTHON to a Python with zeep (see .ci/run)")
        }
        Err(_) => {
            eprintln!("BRIDGEBOOK_TEST_PYTHON unset: {script} not run");
            return;
        }
    };
    let s = Server::start(backend);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients");
    let out = Command::new(python)
        .current_dir(&dir)
        .arg(script)
        .arg(&s.base)
        .arg(USER)
        .arg(PASSWORD)
        .args(extra)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{script} on {backend:?} failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("all calls answered and validated"),
        "{stdout}"
    );
}

#[test]
fn zeep_client_of_our_wsdl() {
    for b in backends() {
        run_client(b, "zeep_flow.py", &[]);
    }
}

#[test]
fn zeep_client_books_a_series() {
    for b in backends() {
        run_client(b, "zeep_series.py", &[]);
    }
}

#[test]
fn zeep_client_reads_mail_content() {
    for b in backends() {
        run_client(b, "zeep_mail.py", &[]);
    }
}

#[test]
fn zeep_client_of_a_real_api9_wsdl() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api9");
    for b in backends() {
        run_client(b, "zeep_api9.py", &[fixtures.to_str().unwrap()]);
    }
}

#[test]
fn output_follows_the_announced_version() {
    let s = Server::start(Backend::Sqlite);
    let mut c = Client::new(&s);
    let rules = "<ConferenceTimeZoneRules><TimeZoneRule><ValidFrom>0001-01-01T00:00:00</ValidFrom><Id>W. Europe Standard Time</Id><DisplayName>(UTC+01:00) Amsterdam</DisplayName><BaseOffsetInMinutes>60</BaseOffsetInMinutes><Daylight><ChangeSecondAtDay>7200</ChangeSecondAtDay><RelativeRule><Month>3</Month><DayOfTheWeek>0</DayOfTheWeek><WeekOfTheMonthIndex>5</WeekOfTheMonthIndex></RelativeRule></Daylight><DaylightOffsetInMinutes>60</DaylightOffsetInMinutes><Standard><ChangeSecondAtDay>10800</ChangeSecondAtDay><AbsoluteRule><Month>10</Month><DayOfMonth>27</DayOfMonth></AbsoluteRule></Standard></TimeZoneRule></ConferenceTimeZoneRules>";
    let saved = c.save(
        &format!(
            "{}<Bandwidth>6000kbps</Bandwidth><IPBandwidth><Bandwidth>12b/768kbps</Bandwidth></IPBandwidth>{rules}",
            conference(60, 90, &(tms(1) + &tms(2)))
        ),
        "Strict",
    );
    saved.ok();
    let id = saved.get("ConferenceId").unwrap();
    assert_eq!(saved.get("Bandwidth").as_deref(), Some("6000kbps"));
    assert_eq!(saved.get("DayOfMonth").as_deref(), Some("27"));

    // (version, conference bandwidth, time-zone rules present, Version element present)
    let table = [
        (23, "6000kbps", true, true),
        (14, "6000kbps", true, true),
        (13, "Default", true, true),
        (11, "Default", true, true),
        (10, "Default", false, true),
        (9, "Default", false, false),
        (0, "Default", false, false),
    ];
    for (version, bandwidth, rules, has_version) in table {
        c.version = version;
        let a = c.get(&id);
        a.ok();
        assert_eq!(a.get("ClientVersionIn"), Some(version.to_string()));
        let all = a.all("Bandwidth");
        assert_eq!(
            all.first().map(String::as_str),
            Some(bandwidth),
            "v{version}"
        );
        assert!(
            all.contains(&"12b/768kbps".to_string()),
            "v{version}: older value kept"
        );
        assert_eq!(
            a.get("ConferenceTimeZoneRules").is_some(),
            rules,
            "v{version}"
        );
        assert_eq!(a.get("Version").is_some(), has_version, "v{version}");
    }
}

#[test]
fn invalid_time_zone_rules_are_refused_and_nothing_is_written() {
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    let rule = |valid_from: &str, base: i32, standard: &str| {
        format!(
            "<ConferenceTimeZoneRules><TimeZoneRule><ValidFrom>{valid_from}</ValidFrom><Id>Custom</Id><DisplayName>Custom</DisplayName><BaseOffsetInMinutes>{base}</BaseOffsetInMinutes><Daylight><ChangeSecondAtDay>7200</ChangeSecondAtDay><RelativeRule><Month>3</Month><DayOfTheWeek>0</DayOfTheWeek><WeekOfTheMonthIndex>5</WeekOfTheMonthIndex></RelativeRule></Daylight><DaylightOffsetInMinutes>60</DaylightOffsetInMinutes>{standard}</TimeZoneRule></ConferenceTimeZoneRules>"
        )
    };
    let standard = "<Standard><ChangeSecondAtDay>10800</ChangeSecondAtDay><RelativeRule><Month>10</Month><DayOfTheWeek>0</DayOfTheWeek><WeekOfTheMonthIndex>5</WeekOfTheMonthIndex></RelativeRule></Standard>";
    let bad_week = standard.replace(
        "<WeekOfTheMonthIndex>5</WeekOfTheMonthIndex></RelativeRule></Standard>",
        "<WeekOfTheMonthIndex>6</WeekOfTheMonthIndex></RelativeRule></Standard>",
    );
    let cases = [
        ("UTC ValidFrom", rule("2026-01-01T00:00:00Z", 60, standard)),
        (
            "offset beyond 14 hours",
            rule("2026-01-01T00:00:00", 900, standard),
        ),
        (
            "daylight without standard",
            rule("2026-01-01T00:00:00", 60, ""),
        ),
        ("week 6", rule("2026-01-01T00:00:00", 60, &bad_week)),
    ];
    for (what, rules) in cases {
        let a = c.save(&format!("{}{rules}", conference(60, 90, &tms(1))), "Strict");
        assert_eq!(a.error_code(), Some(-2147218268), "{what}: {}", a.body);
    }
    let log = c.call(
        "GetTransactionsSince",
        "<CurrentTransactionId>0</CurrentTransactionId>",
    );
    assert!(log.all("TransactionId").is_empty(), "nothing saved");
    c.save(
        &format!(
            "{}{}",
            conference(60, 90, &tms(1)),
            rule("2026-01-01T00:00:00", 60, standard)
        ),
        "Strict",
    )
    .ok();
}

/// SecretCode, ConfBundleId and ConfOwnerId are the client's: stored and given back. A
/// meeting's ConferenceInfoText says how it connects, point to point too; listings carry
/// none (spec, GetConferencesForSystems / GetConferencesForUser).
#[test]
fn client_keys_are_kept_and_listings_carry_no_info_text() {
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    let saved = c.save(
        &(conference(60, 90, &(tms(1) + &tms(2)))
            + "<ConferenceType>One Button To Push</ConferenceType><SecretCode>4711</SecretCode><ConfBundleId>bundle-7</ConfBundleId><ConfOwnerId>owner-9</ConfOwnerId>"),
        "Strict",
    );
    saved.ok();
    let id = saved.get("ConferenceId").unwrap();
    let read = c.get(&id);
    read.ok();
    assert_eq!(read.get("SecretCode").as_deref(), Some("4711"));
    assert_eq!(read.get("ConfBundleId").as_deref(), Some("bundle-7"));
    assert_eq!(read.get("ConfOwnerId").as_deref(), Some("owner-9"));
    let info = read.get("ConferenceInfoText").unwrap_or_default();
    assert!(info.contains("Point to point"), "{info:?}");
    // An update that does not name them keeps them.
    let version = read.get("Version").unwrap();
    let renamed = conference(60, 90, &(tms(1) + &tms(2)))
        .replace(
            "<ConferenceId>-1</ConferenceId>",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .replace("Test meeting", "Renamed")
        + &format!("<Version>{version}</Version>");
    c.save(&renamed, "Strict").ok();
    assert_eq!(c.get(&id).get("ConfBundleId").as_deref(), Some("bundle-7"));
    let window = format!(
        "<StartTime>{}</StartTime><EndTime>{}</EndTime>",
        at(0).replace(' ', "T"),
        at(24 * 60).replace(' ', "T")
    );
    for (op, args) in [
        (
            "GetConferencesForSystems",
            format!("<SystemIds>1</SystemIds>{window}<ConferenceStatus>All</ConferenceStatus>"),
        ),
        (
            "GetConferencesForUser",
            format!("<UserName>{USER}</UserName>{window}<ConferenceStatus>All</ConferenceStatus>"),
        ),
    ] {
        let listed = c.call(op, &args);
        listed.ok();
        assert_eq!(listed.all("ConferenceId"), vec![id.clone()], "{op}");
        assert!(
            listed.get("ConferenceInfoText").is_none(),
            "{op}: {}",
            listed.body
        );
        assert!(listed.get("ConferenceInfoHtml").is_none(), "{op}");
    }
}

/// The raw inner XML of the first `tag` element of `xml` (entities left as they are).
fn raw_inner(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let a = xml.find(&open).unwrap_or_else(|| panic!("no {tag}: {xml}")) + open.len();
    let b = xml[a..].find(&format!("</{tag}>")).unwrap() + a;
    xml[a..b].to_string()
}

/// A client of version 15 reads what its version shows and saves it back: what it could
/// not see (ExternallyHosted, a `SIP Tel <-` type shown as `SIP <-`, participant email
/// addresses below version 15) is kept as it was (design decision 3).
#[test]
fn an_old_client_saving_back_destroys_nothing_it_could_not_see() {
    let s = Server::start(Backend::Sqlite);
    let now = Client::new(&s);
    let old = |v: u32| Client {
        version: v,
        ..Client::new(&s)
    };
    let hosted = now.save(
        &conference(60, 90, &(tms(1) + &tms(2))).replace(
            "<Participants>",
            "<ExternalConference><ExternallyHosted><DialString>meet@partner.example</DialString></ExternallyHosted></ExternalConference><Participants>",
        ),
        "Strict",
    );
    hosted.ok();
    let guest = "<Participant><ParticipantId>-1</ParticipantId><NameOrNumber>+4722334455</NameOrNumber><EmailAddress>guest@example.com</EmailAddress><ParticipantCallType>SIP Tel &lt;-</ParticipantCallType></Participant>";
    let phoned = now.save(&conference(120, 150, &(tms(3) + guest)), "BestEffortForced");
    phoned.ok();
    for (saved, v, is_hosted) in [
        (&hosted, 15, true),
        (&phoned, 15, false),
        (&phoned, 14, false),
    ] {
        let id = saved.get("ConferenceId").unwrap();
        let client = old(v);
        let read = client.get(&id);
        read.ok();
        let inner = raw_inner(&read.body, "GetConferenceByIdResult");
        client.save(&inner, "BestEffortForced").ok();
        let after = now.get(&id);
        if is_hosted {
            assert!(
                inner.contains("<ExternalConference"),
                "v{v} reads it: {inner}"
            );
            assert_eq!(
                after.get("DialString").as_deref(),
                Some("meet@partner.example"),
                "v{v}: {}",
                after.body
            );
        } else {
            assert!(inner.contains("SIP &lt;-"), "v{v} reads SIP <-: {inner}");
            assert!(
                after
                    .body
                    .contains("<ParticipantCallType>SIP Tel &lt;-</ParticipantCallType>"),
                "v{v}: {}",
                after.body
            );
            assert_eq!(
                after.get("EmailAddress").as_deref(),
                Some("guest@example.com"),
                "v{v}"
            );
        }
    }
}

/// Without rules of its own a meeting is booked in its owner's zone (spec: "Use the time
/// zone of the conference owner in Cisco TMS if no time zone rules are supplied"), else its
/// first system's; clients of version 11 and later read the rules used on every read.
#[test]
fn meetings_without_rules_carry_the_rules_of_the_zone_they_were_booked_in() {
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: format!(
                "[[user]]\nusername = \"carol\"\nemail = \"carol@example.com\"\ntime_zone = \"America/Chicago\"\nsite_admin = true\npassword_hash = \"{}\"\n",
                bridgebook::directory::password::hash(PASSWORD).unwrap()
            ),
            ..Options::default()
        },
    );
    let svc = Client::new(&s);
    let carol = Client::as_user(&s, "carol", PASSWORD);
    let rules_id = |c: &Client, id: &str| {
        let read = c.get(id);
        read.ok();
        first(&read.body, "ConferenceTimeZoneRules").and_then(|r| first(&r, "Id"))
    };
    // svc has no zone: system 1's (Europe/Oslo).
    let a = svc.save(&conference(60, 90, &tms(1)), "Strict");
    a.ok();
    let a = a.get("ConferenceId").unwrap();
    assert_eq!(
        rules_id(&svc, &a).as_deref(),
        Some("W. Europe Standard Time")
    );
    // carol lives in Chicago: her zone, whatever the room's.
    let b = carol.save(&conference(120, 150, &tms(1)), "Strict");
    b.ok();
    let b = b.get("ConferenceId").unwrap();
    assert_eq!(
        rules_id(&carol, &b).as_deref(),
        Some("Central Standard Time")
    );
    // Version 10 clients know no rules.
    let old = Client {
        version: 10,
        ..Client::new(&s)
    };
    assert!(old.get(&a).get("ConferenceTimeZoneRules").is_none());
}
