//! XML-RPC as TelePresence Server and Conductor speak it: one struct of named members in,
//! one struct (or a fault of faultCode and faultString) out.
use quick_xml::events::Event;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Bool(bool),
    Str(String),
    Struct(Vec<(String, Value)>),
    Array(Vec<Value>),
}

impl Value {
    pub fn member(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Struct(m) => m.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        match self.member(name)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.member(name)? {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.member(name)? {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn array(&self, name: &str) -> &[Value] {
        match self.member(name) {
            Some(Value::Array(a)) => a,
            _ => &[],
        }
    }
}

pub fn members(list: Vec<(&str, Value)>) -> Value {
    Value::Struct(list.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn write(v: &Value, out: &mut String) {
    out.push_str("<value>");
    match v {
        Value::Int(i) => out.push_str(&format!("<int>{i}</int>")),
        Value::Bool(b) => out.push_str(&format!("<boolean>{}</boolean>", u8::from(*b))),
        Value::Str(s) => out.push_str(&format!("<string>{}</string>", escape(s))),
        Value::Struct(m) => {
            out.push_str("<struct>");
            for (k, v) in m {
                out.push_str(&format!("<member><name>{}</name>", escape(k)));
                write(v, out);
                out.push_str("</member>");
            }
            out.push_str("</struct>");
        }
        Value::Array(a) => {
            out.push_str("<array><data>");
            for v in a {
                write(v, out);
            }
            out.push_str("</data></array>");
        }
    }
    out.push_str("</value>");
}

pub fn method_call(method: &str, params: &Value) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodCall><methodName>{}</methodName><params><param>",
        escape(method)
    );
    write(params, &mut out);
    out.push_str("</param></params></methodCall>");
    out
}

pub fn method_response(result: &Value) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodResponse><params><param>");
    write(result, &mut out);
    out.push_str("</param></params></methodResponse>");
    out
}

pub fn fault(code: i64, text: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodResponse><fault>");
    write(
        &members(vec![
            ("faultCode", Value::Int(code)),
            ("faultString", Value::Str(text.to_string())),
        ]),
        &mut out,
    );
    out.push_str("</fault></methodResponse>");
    out
}

/// A parsed element: its name, its children, and its text.
#[derive(Debug, Default)]
struct Node {
    name: String,
    children: Vec<Node>,
    text: String,
}

fn tree(xml: &str) -> Option<Node> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => stack.push(Node {
                name: String::from_utf8_lossy(e.name().as_ref()).to_string(),
                ..Node::default()
            }),
            Event::Empty(e) => {
                let node = Node {
                    name: String::from_utf8_lossy(e.name().as_ref()).to_string(),
                    ..Node::default()
                };
                stack.last_mut()?.children.push(node);
            }
            Event::Text(t) => {
                let text = t.unescape().ok()?.to_string();
                stack.last_mut()?.text.push_str(&text);
            }
            Event::End(_) => {
                let done = stack.pop()?;
                stack.last_mut()?.children.push(done);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop()?.children.into_iter().next()
}

fn child<'a>(n: &'a Node, name: &str) -> Option<&'a Node> {
    n.children.iter().find(|c| c.name == name)
}

fn value(v: &Node) -> Option<Value> {
    let Some(typed) = v.children.first() else {
        // An untyped value is a string.
        return Some(Value::Str(v.text.clone()));
    };
    Some(match typed.name.as_str() {
        "int" | "i4" => Value::Int(typed.text.trim().parse().ok()?),
        "boolean" => Value::Bool(matches!(typed.text.trim(), "1" | "true")),
        "string" | "dateTime.iso8601" | "base64" => Value::Str(typed.text.clone()),
        "struct" => Value::Struct(
            typed
                .children
                .iter()
                .filter(|m| m.name == "member")
                .map(|m| Some((child(m, "name")?.text.clone(), value(child(m, "value")?)?)))
                .collect::<Option<Vec<_>>>()?,
        ),
        "array" => Value::Array(
            child(typed, "data")?
                .children
                .iter()
                .filter(|c| c.name == "value")
                .map(value)
                .collect::<Option<Vec<_>>>()?,
        ),
        _ => return None,
    })
}

/// A methodCall: its method name and its one struct of parameters.
pub fn parse_call(xml: &str) -> Option<(String, Value)> {
    let root = tree(xml)?;
    let method = child(&root, "methodName")?.text.trim().to_string();
    let param = child(child(&root, "params")?, "param")?;
    Some((method, value(child(param, "value")?)?))
}

/// A methodResponse: the result struct, or the fault's code and string.
pub fn parse_response(xml: &str) -> Result<Value, (i64, String)> {
    let bad = || (-1, "an unreadable XML-RPC answer".to_string());
    let root = tree(xml).ok_or_else(bad)?;
    if let Some(f) = child(&root, "fault") {
        let v = value(child(f, "value").ok_or_else(bad)?).ok_or_else(bad)?;
        return Err((
            v.int("faultCode").unwrap_or(-1),
            v.str("faultString").unwrap_or("").to_string(),
        ));
    }
    let param = child(child(&root, "params").ok_or_else(bad)?, "param").ok_or_else(bad)?;
    value(child(param, "value").ok_or_else(bad)?).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let params = members(vec![
            ("authenticationUser", Value::Str("admin".into())),
            ("startTime", Value::Int(300)),
            ("waitForChair", Value::Bool(false)),
            (
                "URIs",
                Value::Array(vec![members(vec![("uri", Value::Str("8100 & co".into()))])]),
            ),
        ]);
        let (method, back) = parse_call(&method_call("flex.conference.create", &params)).unwrap();
        assert_eq!(method, "flex.conference.create");
        assert_eq!(back, params);
        assert_eq!(
            parse_response(&fault(4, "conferenceID: no such conference")),
            Err((4, "conferenceID: no such conference".into()))
        );
        let ok = members(vec![("conferenceID", Value::Str("b98".into()))]);
        assert_eq!(parse_response(&method_response(&ok)), Ok(ok));
        // Untyped values are strings, and i4 is an int.
        let raw = "<methodResponse><params><param><value><struct><member><name>a</name><value>text</value></member><member><name>b</name><value><i4>7</i4></value></member></struct></value></param></params></methodResponse>";
        let v = parse_response(raw).unwrap();
        assert_eq!((v.str("a"), v.int("b")), (Some("text"), Some(7)));
    }
}
