//! How the simulated Conductor reads the parameters of an XML-RPC call, and the faults it
//! answers, as the document's fault table gives them. Line numbers ("l.") are of
//! /work/shared/spec/telepresence-conductor-api-xc4.3.1.txt.
use crate::sim::xmlrpc::Value;

/// A fault answer: its code and its faultString.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub code: i64,
    pub text: String,
}

/// The fault table, l.951-1000: each code with the name the document gives it.
pub fn fault(code: i64) -> Fault {
    let text = match code {
        1 => "method not supported",
        2 => "duplicate conference name",
        3 => "duplicate participant name",
        4 => "no such conference or auto attendant",
        5 => "no such participant",
        6 => "too many conferences",
        7 => "too many participants",
        8 => "no conference name or auto attendant id supplied",
        9 => "no participant name supplied",
        10 => "no participant address supplied",
        13 => "invalid PIN specified",
        14 => "authorization failed",
        15 => "insufficient privileges",
        16 => "invalid enumerateID value",
        19 => "unsupported protocol",
        20 => "unsupported participant type",
        21 => "no conference alias supplied",
        25 => "new port limit lower than currently active",
        104 => "mismatched parameters",
        _ => "operation failed",
    };
    Fault {
        code,
        text: text.to_string(),
    }
}

/// l.994: 101, "missing parameter - parameter_name".
pub fn missing(name: &str) -> Fault {
    Fault {
        code: 101,
        text: format!("missing parameter - {name}"),
    }
}

/// l.997: 102, parsed and of the right type but outside the valid values.
pub fn invalid(name: &str) -> Fault {
    Fault {
        code: 102,
        text: format!("invalid parameter - {name}"),
    }
}

/// l.998: 103, present but unreadable, e.g. a String where an Integer belongs.
pub fn malformed(name: &str) -> Fault {
    Fault {
        code: 103,
        text: format!("malformed parameter - {name}"),
    }
}

/// An optional String parameter.
pub fn opt_str<'a>(p: &'a Value, name: &str) -> Result<Option<&'a str>, Fault> {
    match p.member(name) {
        None => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s)),
        Some(_) => Err(malformed(name)),
    }
}

/// A Required String parameter: absent (or empty) is fault `absent` (the document's own
/// code where it has one, e.g. 8, 9, 10, 21; else 101).
pub fn req_str<'a>(p: &'a Value, name: &str, absent: i64) -> Result<&'a str, Fault> {
    match opt_str(p, name)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ if absent == 101 => Err(missing(name)),
        _ => Err(fault(absent)),
    }
}

/// An optional Integer parameter.
pub fn opt_int(p: &Value, name: &str) -> Result<Option<i64>, Fault> {
    match p.member(name) {
        None => Ok(None),
        Some(Value::Int(n)) => Ok(Some(*n)),
        Some(_) => Err(malformed(name)),
    }
}

/// An optional Boolean parameter.
pub fn opt_bool(p: &Value, name: &str) -> Result<Option<bool>, Fault> {
    match p.member(name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(malformed(name)),
    }
}

/// An optional String parameter that takes one of `allowed` (102 otherwise).
pub fn opt_enum<'a>(p: &'a Value, name: &str, allowed: &[&str]) -> Result<Option<&'a str>, Fault> {
    match opt_str(p, name)? {
        Some(s) if !allowed.contains(&s) => Err(invalid(name)),
        other => Ok(other),
    }
}

/// An optional minute count (factoryMin/MaxDurationMinutes, l.369-370): an Integer, not
/// negative.
pub fn opt_minutes(p: &Value, name: &str) -> Result<Option<i64>, Fault> {
    match opt_int(p, name)? {
        Some(n) if n < 0 => Err(invalid(name)),
        other => Ok(other),
    }
}

/// factoryOverridePIN / factoryOverrideGuestPIN (l.371-372, l.448-449): "the String of
/// numeric digits", fault 13 when it is not a valid series of digits (l.964, so an empty
/// String too), and "less than 32 characters".
pub fn opt_pin(p: &Value, name: &str) -> Result<Option<String>, Fault> {
    let Some(pin) = opt_str(p, name)? else {
        return Ok(None);
    };
    if pin.is_empty() || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fault(13));
    }
    if pin.chars().count() >= 32 {
        return Err(invalid(name));
    }
    Ok(Some(pin.to_string()))
}

/// Every member name of the call that `known` does not list (the credentials are known to
/// every call, l.183-185).
pub fn unknown<'a>(p: &'a Value, known: &[&str]) -> Vec<&'a str> {
    let Value::Struct(m) = p else {
        return vec![];
    };
    m.iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| {
            !known.contains(k) && *k != "authenticationUser" && *k != "authenticationPassword"
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::xmlrpc::members;

    #[test]
    fn types_and_required_parameters() {
        let p = members(vec![
            ("conferenceAlias", Value::Str("8100@vc.example.com".into())),
            ("factoryMaxDurationMinutes", Value::Str("60".into())),
            ("factoryMinDurationMinutes", Value::Int(-1)),
            ("factoryOverridePIN", Value::Str("12a4".into())),
            ("factoryOverrideGuestPIN", Value::Str("1".repeat(32))),
            ("locked", Value::Int(1)),
            ("factoryLayout", Value::Str("grid".into())),
            ("surprise", Value::Int(1)),
        ]);
        assert_eq!(
            req_str(&p, "conferenceAlias", 21),
            Ok("8100@vc.example.com")
        );
        assert_eq!(req_str(&p, "conferenceName", 8), Err(fault(8)));
        assert_eq!(req_str(&p, "sipUri", 101).unwrap_err().code, 101);
        assert_eq!(
            opt_minutes(&p, "factoryMaxDurationMinutes").unwrap_err(),
            malformed("factoryMaxDurationMinutes")
        );
        assert_eq!(
            opt_minutes(&p, "factoryMinDurationMinutes")
                .unwrap_err()
                .code,
            102
        );
        assert_eq!(opt_pin(&p, "factoryOverridePIN").unwrap_err().code, 13);
        assert_eq!(
            opt_pin(&p, "factoryOverrideGuestPIN").unwrap_err().code,
            102
        );
        assert_eq!(opt_bool(&p, "locked").unwrap_err().code, 103);
        assert_eq!(
            opt_enum(&p, "factoryLayout", &["equal", "active"])
                .unwrap_err()
                .code,
            102
        );
        assert_eq!(
            unknown(&p, &["conferenceAlias", "factoryMaxDurationMinutes"]),
            vec![
                "factoryMinDurationMinutes",
                "factoryOverridePIN",
                "factoryOverrideGuestPIN",
                "locked",
                "factoryLayout",
                "surprise"
            ]
        );
        let empty = members(vec![("factoryOverridePIN", Value::Str(String::new()))]);
        assert_eq!(opt_pin(&empty, "factoryOverridePIN").unwrap_err().code, 13);
    }
}
