//! Parsing and writing a 10-participant Conference: the XML work of every SaveConference
//! and GetConferenceById, without the database.
use bridgebook::api::convert::request_of;
use bridgebook::contract::operations::{ConferenceSaveResult, SaveConference};
use bridgebook::contract::versions::VersionFilter;
use bridgebook::contract::BOOKING_NS;
use bridgebook::soap::{envelope, response};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn participants() -> String {
    let mut s = String::new();
    for id in 1..=6 {
        s.push_str(&format!(
            "<Participant><ParticipantId>{id}</ParticipantId><NameOrNumber>Room {id}</NameOrNumber><ParticipantCallType>TMS</ParticipantCallType></Participant>"
        ));
    }
    for (kind, number) in [
        ("SIP -&gt;", "alice@example.com"),
        ("IP Video &lt;-", ""),
        ("Telephone -&gt;", "+4722000000"),
        ("SIP &lt;-", ""),
    ] {
        s.push_str(&format!(
            "<Participant><NameOrNumber>{number}</NameOrNumber><ParticipantCallType>{kind}</ParticipantCallType></Participant>"
        ));
    }
    s
}

fn save_request() -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><ExternalAPIVersionSoapHeader xmlns="{BOOKING_NS}"><ClientVersionIn>23</ClientVersionIn></ExternalAPIVersionSoapHeader></soap:Header><soap:Body><SaveConferenceWithMode xmlns="{BOOKING_NS}"><Conference><ConferenceId>-1</ConferenceId><Title>Quarterly review &amp; planning</Title><StartTimeUTC>2030-05-02 08:00:00Z</StartTimeUTC><EndTimeUTC>2030-05-02 09:00:00Z</EndTimeUTC><OwnerUserName>svc</OwnerUserName><ConferenceType>Automatic Call Launch</ConferenceType><Bandwidth>30b/1920kbps</Bandwidth><PictureMode>Enhanced CP</PictureMode><Encrypted>If Possible</Encrypted><DataConference>No</DataConference><ShowExtendOption>Yes</ShowExtendOption><Password>1234</Password><Participants>{}</Participants><UserMessage>Agenda attached</UserMessage><ExternalSourceId>Exchange</ExternalSourceId><ExternalPrimaryKey>AAMkAGI2TG93AAA=</ExternalPrimaryKey><ConferenceLanguage>en-US</ConferenceLanguage></Conference><BookingMode>Strict</BookingMode></SaveConferenceWithMode></soap:Body></soap:Envelope>"#,
        participants()
    )
}

fn bench(c: &mut Criterion) {
    let request = save_request();
    // The floor: reading every event of the same document without building anything.
    c.bench_function("baseline: scan the request's XML events", |b| {
        b.iter(|| {
            let mut reader = quick_xml::Reader::from_str(black_box(&request));
            let mut events = 0usize;
            loop {
                match reader.read_event().unwrap() {
                    quick_xml::events::Event::Eof => break events,
                    _ => events += 1,
                }
            }
        })
    });
    c.bench_function("parse SaveConferenceWithMode (10 participants)", |b| {
        b.iter(|| {
            let parsed = envelope::parse(black_box(request.as_bytes())).unwrap();
            let op: SaveConference = quick_xml::de::from_str(&parsed.body).unwrap();
            request_of(op.Conference.as_ref().unwrap(), 23).unwrap()
        })
    });

    let parsed = envelope::parse(request.as_bytes()).unwrap();
    let op: SaveConference = quick_xml::de::from_str(&parsed.body).unwrap();
    let conference = op.Conference.unwrap();
    assert_eq!(
        conference.Participants.as_ref().unwrap().Participant.len(),
        10
    );
    c.bench_function(
        "write SaveConferenceWithMode response (10 participants)",
        |b| {
            b.iter(|| {
                let mut result = ConferenceSaveResult {
                    Conference: black_box(&conference).clone(),
                };
                result.narrow(23);
                let xml =
                    quick_xml::se::to_string_with_root("SaveConferenceWithModeResult", &result)
                        .unwrap();
                response::success(
                    parsed.version,
                    BOOKING_NS,
                    "SaveConferenceWithMode",
                    &parsed.api_header,
                    Some(&xml),
                    None,
                )
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
