//! The SOAP edge as real clients meet it: envelopes exactly as a .NET ASMX proxy sends them
//! (both SOAP versions), paths, authentication, the WSDL, and the faults for bad requests,
//! which must leave the store untouched.
mod common;
use common::*;

const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";
const EXCEPTION_NS: &str = "http://tandberg.net/2004/02/tms/external/exception/";

/// Number of transactions in the log: a bad request must not add any.
fn transaction_count(c: &Client) -> usize {
    let a = c.call(
        "GetTransactionsSince",
        "<CurrentTransactionId>0</CurrentTransactionId>",
    );
    a.ok();
    a.all("TransactionId").len()
}

/// What `SoapHttpClientProtocol` puts on the wire for SaveConference (SOAP 1.1): the
/// SOAPAction header in quotes, xsi/xsd declared, default namespace on the body element,
/// ContextHeader before the version header.
fn dotnet_save_11(start: &str, end: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Header><ContextHeader xmlns="http://tandberg.net/2004/02/tms/external/booking/"><SendConfirmationMail>false</SendConfirmationMail><ExcludeConferenceInformation>false</ExcludeConferenceInformation></ContextHeader><ExternalAPIVersionSoapHeader xmlns="http://tandberg.net/2004/02/tms/external/booking/"><ClientVersionIn>15</ClientVersionIn></ExternalAPIVersionSoapHeader></soap:Header><soap:Body><SaveConference xmlns="http://tandberg.net/2004/02/tms/external/booking/"><Conference><ConferenceId>-1</ConferenceId><Title>Board &amp; "staff"</Title><StartTimeUTC>{start}</StartTimeUTC><EndTimeUTC>{end}</EndTimeUTC><OwnerId xsi:nil="true" /><ConferenceType>Automatic Call Launch</ConferenceType><Bandwidth>6b/384kbps</Bandwidth><Participants><Participant><ParticipantId>1</ParticipantId><ParticipantCallType>TMS</ParticipantCallType></Participant><Participant><ParticipantId>2</ParticipantId><ParticipantCallType>TMS</ParticipantCallType></Participant></Participants></Conference></SaveConference></soap:Body></soap:Envelope>"#
    )
}

#[test]
fn dotnet_envelopes_in_both_soap_versions() {
    let s = Server::start(Backend::Sqlite);
    let url = s.url(BOOKING);
    let saved = post_raw(
        &url,
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            (
                "SOAPAction",
                "\"http://tandberg.net/2004/02/tms/external/booking/SaveConference\"",
            ),
        ],
        &dotnet_save_11(&at(60), &at(90)),
        true,
    );
    saved.ok();
    assert!(saved.content_type.starts_with("text/xml"), "{saved:?}");
    assert!(saved.body.contains(
        "<SaveConferenceResponse xmlns=\"http://tandberg.net/2004/02/tms/external/booking/\">"
    ));
    // SaveConference returns the Conference itself, not a result wrapper.
    assert!(saved.body.contains("<SaveConferenceResult><ConferenceId>"));
    assert_eq!(saved.get("Title").as_deref(), Some("Board & staff"));
    assert_eq!(saved.get("ClientVersionIn").as_deref(), Some("15"));
    let id = saved.get("ConferenceId").unwrap();

    // SOAP 1.2: the action travels in the content type; the answer is SOAP 1.2 too.
    let body12 = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="{SOAP12_NS}"><soap12:Header><ExternalAPIVersionSoapHeader xmlns="{NS}"><ClientVersionIn>22</ClientVersionIn></ExternalAPIVersionSoapHeader></soap12:Header><soap12:Body><GetConferenceById xmlns="{NS}"><ConferenceId>{id}</ConferenceId></GetConferenceById></soap12:Body></soap12:Envelope>"#
    );
    let ct12 = format!("application/soap+xml; charset=utf-8; action=\"{NS}GetConferenceById\"");
    let read = post_raw(&url, &[("Content-Type", ct12.as_str())], &body12, true);
    read.ok();
    assert!(
        read.content_type.starts_with("application/soap+xml"),
        "{read:?}"
    );
    assert!(read.body.contains(SOAP12_NS));
    assert_eq!(read.get("ConferenceId"), Some(id.clone()));
    assert_eq!(read.get("Version").as_deref(), Some("1"));

    // Some clients send a SOAP 1.2 envelope as text/xml: the envelope decides.
    let read = post_raw(
        &url,
        &[("Content-Type", "text/xml; charset=utf-8")],
        &body12,
        true,
    );
    read.ok();
    assert!(read.body.contains(SOAP12_NS));

    // A SOAP 1.2 fault: Sender code, the message, and the TMS detail element.
    let missing = body12.replace(&format!(">{id}<"), ">987654<");
    let f = post_raw(&url, &[("Content-Type", ct12.as_str())], &missing, true);
    f.fault(code::MEETINGNOTFOUND);
    assert_eq!(f.get("Value").as_deref(), Some("soap:Sender"));
    assert!(f.get("Text").is_some_and(|t| !t.is_empty()));
    assert!(f
        .body
        .contains(&format!("<errorcode xmlns=\"{EXCEPTION_NS}\">")));
}

#[test]
fn paths_wsdl_and_authentication() {
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    // IIS matches paths without regard to case; clients copy them from old configurations.
    let shouting = s.url("/TMS/External/Booking/BookingService.asmx");
    let a = post_raw(
        &shouting,
        &[("Content-Type", "text/xml; charset=utf-8")],
        &envelope11(23, &format!("<GetDefaultConference xmlns=\"{NS}\"/>")),
        true,
    );
    a.ok();
    assert_eq!(a.get("ConferenceId").as_deref(), Some("-1"));
    // Clients configured with the WSDL address post their calls to it.
    let a = post_raw(
        &format!("{}?WSDL", s.url(BOOKING)),
        &[("Content-Type", "text/xml; charset=utf-8")],
        &envelope11(23, &format!("<GetDefaultConference xmlns=\"{NS}\"/>")),
        true,
    );
    a.ok();
    let a = post_raw(
        &format!("{}?wsdl", s.url(REMOTE)),
        &[("Content-Type", "text/xml; charset=utf-8")],
        &envelope11(23, &format!("<IsAlive xmlns=\"{RS_NS}\"/>")),
        true,
    );
    a.ok();
    assert_eq!(a.get("IsAliveResult").as_deref(), Some("true"));

    // The WSDL names the address the client used.
    for (path, ns) in [(BOOKING, NS), (REMOTE, RS_NS)] {
        let w = get_raw(&format!("{}?wsdl", s.url(path)), true);
        assert_eq!(w.status, 200);
        assert!(w.body.contains(&format!("targetNamespace=\"{ns}\"")));
        assert!(
            w.body.contains(&format!("location=\"{}\"", s.url(path))),
            "{}",
            w.body
        );
        assert!(!w.body.contains("http://localhost/"));
    }

    // No credentials, a wrong password, an unknown user: 401 and nothing else.
    let body = envelope11(23, &format!("<GetDefaultConference xmlns=\"{NS}\"/>"));
    let ct = [("Content-Type", "text/xml; charset=utf-8")];
    assert_eq!(post_raw(&s.url(BOOKING), &ct, &body, false).status, 401);
    let wrong = basic(USER, "not the password");
    let nobody = basic("mallory", PASSWORD);
    for auth in [&wrong, &nobody] {
        let h = [ct[0], ("Authorization", auth.as_str())];
        let a = post_raw(&s.url(BOOKING), &h, &body, false);
        assert_eq!(a.status, 401, "{auth}");
    }
    assert_eq!(
        get_raw(&format!("{}?wsdl", s.url(BOOKING)), false).status,
        401
    );
    // A path that is not a service.
    assert_eq!(
        post_raw(&s.url("/tms/other.asmx"), &ct, &body, true).status,
        404
    );
    assert_eq!(transaction_count(&c), 0);
}

#[test]
fn bad_requests_are_client_faults_that_write_nothing() {
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            max_body_bytes: 16 * 1024,
            ..Options::default()
        },
    );
    let c = Client::new(&s);
    c.save(&conference(60, 90, &(tms(1) + &tms(2))), "Strict")
        .ok();
    assert_eq!(transaction_count(&c), 1);
    let ct = [("Content-Type", "text/xml; charset=utf-8")];
    let url = s.url(BOOKING);
    let good = envelope11(
        23,
        &format!(
            "<SaveConferenceWithMode xmlns=\"{NS}\"><Conference>{}</Conference><BookingMode>Strict</BookingMode></SaveConferenceWithMode>",
            conference(120, 150, &tms(3))
        ),
    );

    let truncated = &good[..good.len() - 40];
    let padded = good.replace("<Title>", &format!("<Title>{}", "x".repeat(20 * 1024)));
    let doctype = good.replace(
        "<soap:Envelope",
        "<!DOCTYPE soap:Envelope [<!ENTITY boom \"boom\">]><soap:Envelope",
    );
    let entity = good.replace("Test meeting", "&xxe;");
    let unknown = envelope11(23, &format!("<BookEverything xmlns=\"{NS}\"/>"));
    let not_soap = "<Envelope><Body><SaveConference/></Body></Envelope>".to_string();
    // Well formed, but with values the reference refuses: the client's fault too.
    let long_title = good.replace("Test meeting", &"t".repeat(256));
    let reserved = good.replace(
        "<Title>",
        "<ExternalSourceId>tms-adhoc</ExternalSourceId><Title>",
    );
    let cases: Vec<(&str, String)> = vec![
        ("a title over 255 characters", long_title),
        ("a reserved ExternalSourceId", reserved),
        ("malformed XML", truncated.to_string()),
        ("body over the limit", padded),
        ("DOCTYPE declaration", doctype),
        ("undeclared entity", entity),
        ("unknown operation", unknown),
        ("not a SOAP envelope", not_soap),
        ("empty body", String::new()),
    ];
    for (what, body) in cases {
        let a = post_raw(&url, &ct, &body, true);
        assert_eq!(a.status, 500, "{what}: {}", a.body);
        assert_eq!(
            a.get("faultcode").as_deref(),
            Some("soap:Client"),
            "{what}: {}",
            a.body
        );
        assert!(a.error_code().is_some(), "{what}: {}", a.body);
        assert!(
            a.get("faultstring").is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    // An unknown operation is named in the message.
    let a = post_raw(
        &url,
        &ct,
        &envelope11(23, &format!("<BookEverything xmlns=\"{NS}\"/>")),
        true,
    );
    assert!(a.get("faultstring").unwrap().contains("BookEverything"));
    // Operations of the other service are unknown here.
    let a = post_raw(
        &url,
        &ct,
        &envelope11(23, &format!("<GetSystems xmlns=\"{RS_NS}\"/>")),
        true,
    );
    assert_eq!(a.status, 500);
    assert_eq!(transaction_count(&c), 1, "nothing written by bad requests");
    // The good request itself still works afterwards.
    post_raw(&url, &ct, &good, true).ok();
    assert_eq!(transaction_count(&c), 2);
}

#[test]
fn mail_requests_that_name_no_conference_are_refused() {
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    c.call("GetConferenceInviteMail", "")
        .fault(code::MEETINGNOTFOUND);
    c.call(
        "GetConferenceInviteMail",
        "<ExternalSourceId>exchange</ExternalSourceId><ExternalConferenceId>none</ExternalConferenceId>",
    )
    .fault(code::MEETINGNOTFOUND);
    let a = c.call("GetConferenceBookingEventMail", "");
    a.fault(code::UNKNOWN);
    assert!(a.get("faultstring").unwrap().contains("Conference"));
}
