//! The simulators' own XML-RPC codec (TelePresence Server, Conductor), written from the
//! XML-RPC specification (xmlrpc.com/spec) and independent of the adapters' codec, so a
//! misreading of the wire format on one side is caught by the other.
//!
//! It keeps every value's type as it came: `<int>`/`<i4>` are `Int`, `<string>` and a
//! `<value>` holding bare text are `Str` ("If no type is indicated, the type is string"),
//! `<boolean>`, `<double>`, `<dateTime.iso8601>`, `<base64>`, `<struct>` and `<array>` are
//! their own variants, so a simulator can refuse a parameter of the wrong type.
use actix_web::HttpResponse;
use quick_xml::events::Event;
use quick_xml::Reader;

/// One XML-RPC value, with the type it was sent as.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Bool(bool),
    Str(String),
    Double(f64),
    /// The text of a `<dateTime.iso8601>`, as sent (e.g. "20140107T13:31:26").
    DateTime(String),
    /// The text of a `<base64>`, as sent (not decoded).
    Base64(String),
    /// Members in the order they came.
    Struct(Vec<(String, Value)>),
    Array(Vec<Value>),
}

impl Value {
    /// The member `name` of a struct (the first, should a client send it twice).
    pub fn member(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Struct(m) => m.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `name` when it is a string.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.member(name)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The member `name` when it is an integer.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.member(name)? {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The member `name` when it is a boolean.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.member(name)? {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The member `name` when it is an array; empty otherwise.
    pub fn array(&self, name: &str) -> &[Value] {
        match self.member(name) {
            Some(Value::Array(a)) => a,
            _ => &[],
        }
    }
}

/// A struct of these members.
pub fn members(list: Vec<(&str, Value)>) -> Value {
    Value::Struct(list.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A successful answer: one `<param>` holding `v`.
pub fn ok(v: Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml")
        .body(method_response(&v))
}

/// A fault answer (HTTP 200, as the specification has it: the fault is in the body).
pub fn failed(code: i64, text: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml")
        .body(fault_response(code, text))
}

/// The method and parameters of the call in `body`, when it parses and carries these
/// credentials; otherwise the fault to answer (103 unreadable, 14 not these credentials).
pub fn authenticated(
    body: &str,
    user: &str,
    password: &str,
) -> Result<(String, Value), (i64, &'static str)> {
    let Some((method, p)) = parse_call(body) else {
        return Err((103, "malformed parameter: methodCall"));
    };
    if p.str("authenticationUser") != Some(user)
        || p.str("authenticationPassword") != Some(password)
    {
        return Err((14, "authorization failed"));
    }
    Ok((method, p))
}

/// The method name and the single struct parameter of a `<methodCall>`; a call without
/// `<params>` has an empty struct. `None` when the body is not a well-formed call, or its
/// parameters are not exactly one struct (the TelePresence Server and Conductor APIs pass
/// every parameter as a member of one struct).
pub fn parse_call(body: &str) -> Option<(String, Value)> {
    let root = parse_document(body)?;
    if root.name != "methodCall" {
        return None;
    }
    let name = root.child("methodName")?;
    if !name.children.is_empty() {
        return None;
    }
    let method = name.text.trim().to_string();
    if method.is_empty() {
        return None;
    }
    let params = match root.child("params") {
        None => return Some((method, Value::Struct(vec![]))),
        Some(p) => p,
    };
    let list: Vec<&Node> = params.children.iter().collect();
    let [param] = list.as_slice() else {
        return if list.is_empty() {
            Some((method, Value::Struct(vec![])))
        } else {
            None
        };
    };
    if param.name != "param" {
        return None;
    }
    let value = single(param, "value")?;
    match decode_value(value)? {
        v @ Value::Struct(_) => Some((method, v)),
        _ => None,
    }
}

/// A `<methodResponse>` carrying `result` as its one parameter.
pub fn method_response(result: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<methodResponse><params><param>");
    encode(result, &mut out);
    out.push_str("</param></params></methodResponse>\n");
    out
}

/// A `<methodResponse>` carrying only a `<fault>` with `faultCode` and `faultString`.
pub fn fault_response(code: i64, text: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<methodResponse><fault>");
    encode(
        &members(vec![
            ("faultCode", Value::Int(code)),
            ("faultString", Value::Str(text.to_string())),
        ]),
        &mut out,
    );
    out.push_str("</fault></methodResponse>\n");
    out
}

fn encode(v: &Value, out: &mut String) {
    out.push_str("<value>");
    match v {
        Value::Int(i) => out.push_str(&format!("<int>{i}</int>")),
        Value::Bool(b) => out.push_str(if *b {
            "<boolean>1</boolean>"
        } else {
            "<boolean>0</boolean>"
        }),
        Value::Str(s) => {
            out.push_str("<string>");
            escape_into(s, out);
            out.push_str("</string>");
        }
        Value::Double(d) => out.push_str(&format!("<double>{d:?}</double>")),
        Value::DateTime(s) => {
            out.push_str("<dateTime.iso8601>");
            escape_into(s, out);
            out.push_str("</dateTime.iso8601>");
        }
        Value::Base64(s) => {
            out.push_str("<base64>");
            escape_into(s, out);
            out.push_str("</base64>");
        }
        Value::Struct(m) => {
            out.push_str("<struct>");
            for (name, value) in m {
                out.push_str("<member><name>");
                escape_into(name, out);
                out.push_str("</name>");
                encode(value, out);
                out.push_str("</member>");
            }
            out.push_str("</struct>");
        }
        Value::Array(items) => {
            out.push_str("<array><data>");
            for item in items {
                encode(item, out);
            }
            out.push_str("</data></array>");
        }
    }
    out.push_str("</value>");
}

/// `<` and `&` must be escaped in character data; `>` too, for `]]>`.
fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
}

/// An element: its name, child elements, and the character data directly inside it.
#[derive(Debug, Default)]
struct Node {
    name: String,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// The element `parent` holds as its only child, when it is named `name`.
fn single<'a>(parent: &'a Node, name: &str) -> Option<&'a Node> {
    match parent.children.as_slice() {
        [only] if only.name == name && parent.text.trim().is_empty() => Some(only),
        _ => None,
    }
}

/// The document's root element. A DOCTYPE is refused (no entity definitions), and so is
/// anything but whitespace, comments and processing instructions around the root.
fn parse_document(body: &str) -> Option<Node> {
    let mut reader = Reader::from_str(body);
    let mut stack: Vec<Node> = vec![];
    let mut root: Option<Node> = None;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                if root.is_some() {
                    return None;
                }
                let name = std::str::from_utf8(e.name().as_ref()).ok()?.to_string();
                stack.push(Node {
                    name,
                    ..Node::default()
                });
            }
            Event::Empty(e) => {
                if root.is_some() {
                    return None;
                }
                let name = std::str::from_utf8(e.name().as_ref()).ok()?.to_string();
                let node = Node {
                    name,
                    ..Node::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let node = stack.pop()?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let text = t.unescape().ok()?;
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return None,
                }
            }
            Event::CData(c) => {
                let text = std::str::from_utf8(&c).ok()?.to_string();
                stack.last_mut()?.text.push_str(&text);
            }
            Event::DocType(_) => return None,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// What a `<value>` element holds, by the specification's scalar and compound types.
fn decode_value(value: &Node) -> Option<Value> {
    if value.name != "value" {
        return None;
    }
    let typed = match value.children.as_slice() {
        // "If no type is indicated, the type is string."
        [] => return Some(Value::Str(value.text.clone())),
        [only] if value.text.trim().is_empty() => only,
        _ => return None,
    };
    let scalar = || -> Option<&str> { typed.children.is_empty().then_some(typed.text.as_str()) };
    Some(match typed.name.as_str() {
        "i4" | "int" => Value::Int(parse_int(scalar()?)?),
        // The specification has 0 and 1; the Cisco devices also take "true" and "false"
        // (TelePresence Server API 4.3, Table 2).
        "boolean" => match scalar()?.trim() {
            "1" | "true" => Value::Bool(true),
            "0" | "false" => Value::Bool(false),
            _ => return None,
        },
        "string" => Value::Str(scalar()?.to_string()),
        "double" => Value::Double(parse_double(scalar()?)?),
        "dateTime.iso8601" => Value::DateTime(scalar()?.trim().to_string()),
        "base64" => Value::Base64(scalar()?.trim().to_string()),
        "struct" => {
            if !typed.text.trim().is_empty() {
                return None;
            }
            let mut out = vec![];
            for member in &typed.children {
                if member.name != "member" || !member.text.trim().is_empty() {
                    return None;
                }
                let (name, v) = match member.children.as_slice() {
                    [n, v] if n.name == "name" && n.children.is_empty() => (n, v),
                    _ => return None,
                };
                out.push((name.text.clone(), decode_value(v)?));
            }
            Value::Struct(out)
        }
        "array" => {
            let data = single(typed, "data")?;
            if !data.text.trim().is_empty() {
                return None;
            }
            Value::Array(
                data.children
                    .iter()
                    .map(decode_value)
                    .collect::<Option<Vec<_>>>()?,
            )
        }
        _ => return None,
    })
}

/// "optional plus or minus, followed by digits": no spaces inside, no fraction. Kept as
/// i64 so a caller can tell an over-range number from an unreadable one.
fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// "optional sign, digits, a point and digits": no exponent, no infinity or NaN.
fn parse_double(s: &str) -> Option<f64> {
    let s = s.trim();
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let ok = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.bytes().filter(|b| *b == b'.').count() <= 1
        && body.bytes().any(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method_call(method: &str, params: &Value) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str("<methodCall><methodName>");
        escape_into(method, &mut out);
        out.push_str("</methodName><params><param>");
        encode(params, &mut out);
        out.push_str("</param></params></methodCall>\n");
        out
    }

    fn call(inner: &str) -> String {
        format!(
            "<?xml version='1.0'?><methodCall><methodName>m.x</methodName><params><param>\
             <value><struct>{inner}</struct></value></param></params></methodCall>"
        )
    }

    fn member(name: &str, value: &str) -> String {
        format!("<member><name>{name}</name><value>{value}</value></member>")
    }

    #[test]
    fn every_type_keeps_its_type() {
        let body = call(
            &[
                member("a", "<int>5</int>"),
                member("b", "<i4>-7</i4>"),
                member("c", "<string>5</string>"),
                member("d", "5"),
                member("e", "<boolean>1</boolean>"),
                member("f", "<double>-1.5</double>"),
                member(
                    "g",
                    "<dateTime.iso8601>20140107T13:31:26</dateTime.iso8601>",
                ),
                member("h", "<base64>aGk=</base64>"),
                member(
                    "i",
                    "<array><data><value><int>1</int></value><value>x</value></data></array>",
                ),
                member("j", "<struct></struct>"),
                member("k", "<string/>"),
                member("l", ""),
            ]
            .concat(),
        );
        let (method, p) = parse_call(&body).unwrap();
        assert_eq!(method, "m.x");
        assert_eq!(p.member("a"), Some(&Value::Int(5)));
        assert_eq!(p.member("b"), Some(&Value::Int(-7)));
        assert_eq!(p.member("c"), Some(&Value::Str("5".into())));
        assert_eq!(p.member("d"), Some(&Value::Str("5".into())));
        assert_eq!(p.int("c"), None, "a string is not an int");
        assert_eq!(p.bool("e"), Some(true));
        assert_eq!(p.member("f"), Some(&Value::Double(-1.5)));
        assert_eq!(
            p.member("g"),
            Some(&Value::DateTime("20140107T13:31:26".into()))
        );
        assert_eq!(p.member("h"), Some(&Value::Base64("aGk=".into())));
        assert_eq!(p.array("i"), &[Value::Int(1), Value::Str("x".into())][..]);
        assert_eq!(p.member("j"), Some(&Value::Struct(vec![])));
        assert_eq!(p.str("k"), Some(""));
        assert_eq!(p.str("l"), Some(""));
    }

    #[test]
    fn text_is_unescaped_and_kept_whole() {
        let body = call(&member("s", "<string> a &lt;b&gt; &amp; &#233; </string>"));
        let (_, p) = parse_call(&body).unwrap();
        assert_eq!(p.str("s"), Some(" a <b> & é "));
    }

    #[test]
    fn malformed_calls_are_refused() {
        let bad = [
            call(&member("a", "<int>5x</int>")),
            call(&member("a", "<int></int>")),
            call(&member("a", "<boolean>yes</boolean>")),
            call(&member("a", "<double>1e5</double>")),
            call(&member("a", "<nil/>")),
            call("<member><name>a</name></member>"),
            "<methodCall><methodName>x</methodName>".into(),
            "<!DOCTYPE x [<!ENTITY e 'x'>]><methodCall><methodName>x</methodName></methodCall>"
                .into(),
            "<methodCall><methodName>x</methodName><params><param><value><int>1</int>\
             </value></param></params></methodCall>"
                .into(),
            "not xml".into(),
        ];
        for body in bad {
            assert!(parse_call(&body).is_none(), "{body}");
        }
    }

    #[test]
    fn a_call_without_params_has_an_empty_struct() {
        let (m, p) =
            parse_call("<methodCall><methodName>system.info</methodName></methodCall>").unwrap();
        assert_eq!((m.as_str(), p), ("system.info", Value::Struct(vec![])));
    }

    #[test]
    fn answers_read_back_as_sent() {
        let v = members(vec![
            ("n", Value::Int(3)),
            ("s", Value::Str("a<&>b".into())),
            ("b", Value::Bool(false)),
            ("l", Value::Array(vec![Value::Double(0.5)])),
        ]);
        let text = method_call("x", &v);
        let (_, back) = parse_call(&text).unwrap();
        assert_eq!(back, v);
        let fault = fault_response(4, "conferenceID: no such conference");
        assert!(fault
            .contains("<fault><value><struct><member><name>faultCode</name><value><int>4</int>"));
    }
}
