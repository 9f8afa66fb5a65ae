//! Writing SOAP responses and faults the way an ASMX service does.
use super::envelope::{ApiVersionHeader, SoapVersion, SOAP11_NS, SOAP12_NS};
use crate::contract::EXCEPTION_NS;
use crate::domain::Error;
use quick_xml::escape::escape;

pub fn content_type(v: SoapVersion) -> &'static str {
    match v {
        SoapVersion::V11 => "text/xml; charset=utf-8",
        SoapVersion::V12 => "application/soap+xml; charset=utf-8",
    }
}

fn envelope(v: SoapVersion, header: &str, body: &str) -> String {
    let ns = match v {
        SoapVersion::V11 => SOAP11_NS,
        SoapVersion::V12 => SOAP12_NS,
    };
    let mut s = String::with_capacity(body.len() + header.len() + 320);
    s.push_str(r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap=""#);
    s.push_str(ns);
    s.push_str(r#"" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">"#);
    if !header.is_empty() {
        s.push_str("<soap:Header>");
        s.push_str(header);
        s.push_str("</soap:Header>");
    }
    s.push_str("<soap:Body>");
    s.push_str(body);
    s.push_str("</soap:Body></soap:Envelope>");
    // Text stored before forbidden characters were refused must not break the answer.
    super::xml_chars::scrub(s)
}

/// The version header echoed back, as TMS does, limited to what the client's version knows.
fn header_echo(ns: &str, h: &ApiVersionHeader) -> String {
    let mut s = format!(
        r#"<ExternalAPIVersionSoapHeader xmlns="{ns}"><ClientVersionIn>{}</ClientVersionIn>"#,
        h.ClientVersionIn
    );
    let mut opt = |name: &str, v: &Option<String>| {
        if let Some(v) = v {
            s.push_str(&format!("<{name}>{}</{name}>", escape(v.as_str())));
        }
    };
    opt("ClientIdentifierIn", &h.ClientIdentifierIn);
    opt("ClientLatestNamespaceIn", &h.ClientLatestNamespaceIn);
    opt("NewServiceURL", &h.NewServiceURL);
    if h.ClientVersionIn >= 14 {
        opt("ClientSession", &h.ClientSession);
    }
    s.push_str("</ExternalAPIVersionSoapHeader>");
    s
}

/// A successful call: `<OpResponse xmlns=ns>` around the serialised result (if any).
pub fn success(
    v: SoapVersion,
    ns: &str,
    operation: &str,
    header: &ApiVersionHeader,
    result: Option<&str>,
    extra_header: Option<&str>,
) -> String {
    let mut head = header_echo(ns, header);
    if let Some(x) = extra_header {
        head.push_str(x);
    }
    let body = match result {
        Some(r) => format!(r#"<{operation}Response xmlns="{ns}">{r}</{operation}Response>"#),
        None => format!(r#"<{operation}Response xmlns="{ns}" />"#),
    };
    envelope(v, &head, &body)
}

/// A fault carrying the TMSBA error code in `detail`, as the captured TMS fault does.
pub fn fault(v: SoapVersion, err: &Error, node: &str, session_id: Option<&str>) -> String {
    let client = err.malformed || err.code.is_client_fault();
    let mut detail = format!(
        r#"<detail><errorcode xmlns="{EXCEPTION_NS}">{}</errorcode>"#,
        err.code.code()
    );
    if let Some(id) = session_id {
        detail.push_str(&format!(
            r#"<clientsessionid xmlns="{EXCEPTION_NS}">{}</clientsessionid>"#,
            escape(id)
        ));
    }
    detail.push_str("</detail>");
    let msg = escape(err.message.as_str());
    let node = escape(node);
    let body = match v {
        SoapVersion::V11 => format!(
            "<soap:Fault><faultcode>soap:{}</faultcode><faultstring>{msg}</faultstring><faultactor>{node}</faultactor>{detail}</soap:Fault>",
            if client { "Client" } else { "Server" }
        ),
        SoapVersion::V12 => format!(
            r#"<soap:Fault><soap:Code><soap:Value>soap:{}</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="en">{msg}</soap:Text></soap:Reason><soap:Node>{node}</soap:Node>{detail}</soap:Fault>"#,
            if client { "Sender" } else { "Receiver" }
        ),
    };
    envelope(v, "", &body)
}
