//! Reading a SOAP 1.1 / 1.2 request: which operation, its body and the two TMSBA headers.
//! Clients differ in prefixes, namespace declarations and nil markers; what comes out is a
//! canonical body with local names only and nil elements removed.
#![allow(non_snake_case)]
use crate::domain::Error;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::Writer;
use serde::Deserialize;

pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";
const XSI_NS: &[u8] = b"http://www.w3.org/2001/XMLSchema-instance";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoapVersion {
    V11,
    V12,
}

/// ExternalAPIVersionSoapHeader; absent means version 0.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ApiVersionHeader {
    pub ClientVersionIn: i64,
    pub ClientIdentifierIn: Option<String>,
    pub ClientLatestNamespaceIn: Option<String>,
    pub NewServiceURL: Option<String>,
    pub ClientSession: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ContextHeader {
    pub SendConfirmationMail: Option<bool>,
    pub ExcludeConferenceInformation: Option<bool>,
    pub ClientLanguage: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SoapRequest {
    pub version: SoapVersion,
    /// Local name of the body's element: the operation.
    pub operation: String,
    /// The operation element, canonicalised.
    pub body: String,
    pub api_header: ApiVersionHeader,
    pub context: ContextHeader,
}

impl SoapRequest {
    pub fn client_version(&self) -> u32 {
        self.api_header.ClientVersionIn.clamp(0, u32::MAX as i64) as u32
    }
}

fn bad(msg: impl std::fmt::Display) -> Error {
    Error::malformed(format!("The request is not a readable SOAP message: {msg}"))
}

/// Parses a whole envelope.
pub fn parse(input: &[u8]) -> Result<SoapRequest, Error> {
    let mut reader = NsReader::from_reader(input);
    reader.config_mut().trim_text(false);
    let mut version = None;
    let mut depth = 0usize;
    let mut section = Section::None;
    let mut api_header = None;
    let mut context = None;
    let mut operation: Option<(String, String)> = None;
    loop {
        let (ns, ev) = reader.read_resolved_event().map_err(bad)?;
        match ev {
            Event::DocType(_) => {
                return Err(bad("DOCTYPE and entity declarations are not accepted"))
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(ev, Event::Empty(_));
                let local = e.local_name();
                let name = std::str::from_utf8(local.as_ref())
                    .map_err(bad)?
                    .to_string();
                match depth {
                    0 => {
                        if name != "Envelope" {
                            return Err(bad("the root element is not a SOAP Envelope"));
                        }
                        version = Some(match ns {
                            ResolveResult::Bound(n) if n.as_ref() == SOAP12_NS.as_bytes() => {
                                SoapVersion::V12
                            }
                            ResolveResult::Bound(n) if n.as_ref() == SOAP11_NS.as_bytes() => {
                                SoapVersion::V11
                            }
                            _ => return Err(bad("the Envelope is in no SOAP namespace")),
                        });
                    }
                    1 => {
                        section = match name.as_str() {
                            "Header" => Section::Header,
                            "Body" => Section::Body,
                            _ => Section::None,
                        };
                    }
                    2 => {
                        let xml = capture(&mut reader, e, is_empty)?;
                        match (section, name.as_str()) {
                            (Section::Header, "ExternalAPIVersionSoapHeader") => {
                                api_header = Some(quick_xml::de::from_str(&xml).map_err(|e| {
                                    bad(format!("ExternalAPIVersionSoapHeader: {e}"))
                                })?);
                            }
                            (Section::Header, "ContextHeader") => {
                                context = Some(
                                    quick_xml::de::from_str(&xml)
                                        .map_err(|e| bad(format!("ContextHeader: {e}")))?,
                                );
                            }
                            (Section::Body, _) if operation.is_none() => {
                                operation = Some((name, xml))
                            }
                            _ => {}
                        }
                        continue;
                    }
                    _ => {}
                }
                if !is_empty {
                    depth += 1;
                } else if depth == 1 {
                    section = Section::None;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    section = Section::None;
                }
            }
            Event::Text(t) => {
                t.unescape().map_err(bad)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let version = version.ok_or_else(|| bad("no SOAP Envelope"))?;
    let (operation, body) = operation.ok_or_else(|| bad("the SOAP Body holds no operation"))?;
    Ok(SoapRequest {
        version,
        operation,
        body,
        api_header: api_header.unwrap_or_default(),
        context: context.unwrap_or_default(),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Header,
    Body,
}

fn is_nil(e: &BytesStart, reader: &NsReader<&[u8]>) -> bool {
    e.attributes().flatten().any(|a| {
        let (ns, local) = reader.resolve_attribute(a.key);
        local.as_ref() == b"nil"
            && matches!(ns, ResolveResult::Bound(n) if n.as_ref() == XSI_NS)
            && matches!(a.value.as_ref(), b"true" | b"1")
    })
}

/// Re-writes the element `start` and its content with local names only, no attributes, and
/// without the elements marked xsi:nil (a nil element means the same as an absent one).
fn capture(
    reader: &mut NsReader<&[u8]>,
    start: &BytesStart,
    is_empty: bool,
) -> Result<String, Error> {
    let mut w = Writer::new(Vec::new());
    let local = |e: &BytesStart| -> Result<String, Error> {
        Ok(std::str::from_utf8(e.local_name().as_ref())
            .map_err(bad)?
            .to_string())
    };
    let root = local(start)?;
    if is_empty || is_nil(start, reader) {
        if !is_empty {
            reader.read_to_end(start.name()).map_err(bad)?;
        }
        w.write_event(Event::Empty(BytesStart::new(root)))
            .map_err(bad)?;
        return String::from_utf8(w.into_inner()).map_err(bad);
    }
    w.write_event(Event::Start(BytesStart::new(root)))
        .map_err(bad)?;
    let mut depth = 1usize;
    while depth > 0 {
        match reader.read_event().map_err(bad)? {
            Event::Start(e) => {
                if is_nil(&e, reader) {
                    reader.read_to_end(e.name()).map_err(bad)?;
                    continue;
                }
                depth += 1;
                w.write_event(Event::Start(BytesStart::new(local(&e)?)))
                    .map_err(bad)?;
            }
            Event::Empty(e) if !is_nil(&e, reader) => {
                w.write_event(Event::Empty(BytesStart::new(local(&e)?)))
                    .map_err(bad)?;
            }
            Event::End(e) => {
                depth -= 1;
                let name = std::str::from_utf8(e.local_name().as_ref())
                    .map_err(bad)?
                    .to_string();
                w.write_event(Event::End(BytesEnd::new(name)))
                    .map_err(bad)?;
            }
            Event::Text(t) => {
                t.unescape().map_err(bad)?;
                w.write_event(Event::Text(t)).map_err(bad)?;
            }
            Event::CData(c) => {
                let text = std::str::from_utf8(&c).map_err(bad)?.to_string();
                w.write_event(Event::Text(BytesText::new(&text)))
                    .map_err(bad)?;
            }
            Event::DocType(_) => return Err(bad("DOCTYPE is not accepted")),
            Event::Eof => return Err(bad("the message ends inside an element")),
            _ => {}
        }
    }
    String::from_utf8(w.into_inner()).map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET11: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Header>
    <ExternalAPIVersionSoapHeader xmlns="http://tandberg.net/2004/02/tms/external/booking/">
      <ClientVersionIn>23</ClientVersionIn>
      <ClientSession>7d9e</ClientSession>
    </ExternalAPIVersionSoapHeader>
  </soap:Header>
  <soap:Body>
    <GetConferenceById xmlns="http://tandberg.net/2004/02/tms/external/booking/">
      <ConferenceId>4711</ConferenceId>
    </GetConferenceById>
  </soap:Body>
</soap:Envelope>"#;

    #[test]
    fn dotnet_soap11() {
        let r = parse(NET11.as_bytes()).unwrap();
        assert_eq!(r.version, SoapVersion::V11);
        assert_eq!(r.operation, "GetConferenceById");
        assert_eq!(r.client_version(), 23);
        assert_eq!(r.api_header.ClientSession.as_deref(), Some("7d9e"));
        assert!(r.body.contains("<ConferenceId>4711</ConferenceId>"));
    }

    #[test]
    fn prefixed_soap12_without_header_and_with_nil() {
        let xml = r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:b="http://tandberg.net/2004/02/tms/external/booking/"><e:Body><b:SaveConference><b:Conference><b:Title>A &amp; B</b:Title><b:Participants i:nil="true"/><b:RecurrencePattern i:nil="1"></b:RecurrencePattern></b:Conference></b:SaveConference></e:Body></e:Envelope>"#;
        let r = parse(xml.as_bytes()).unwrap();
        assert_eq!(r.version, SoapVersion::V12);
        assert_eq!(r.client_version(), 0);
        assert_eq!(
            r.body,
            "<SaveConference><Conference><Title>A &amp; B</Title></Conference></SaveConference>"
        );
    }

    #[test]
    fn refusals() {
        for bad_input in [
            "not xml at all",
            "<a><b></a>",
            r#"<!DOCTYPE x [<!ENTITY e "boom">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><IsAlive/></soap:Body></soap:Envelope>"#,
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><IsAlive>&e;</IsAlive></soap:Body></soap:Envelope>"#,
            r#"<Envelope><Body><IsAlive/></Body></Envelope>"#,
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>"#,
        ] {
            let e = parse(bad_input.as_bytes()).unwrap_err();
            assert!(e.malformed, "{bad_input}");
        }
    }
}
