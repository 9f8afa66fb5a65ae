//! How a TelePresence Server reads the parameters of a call: every member of the one params
//! struct checked against the method's table in the reference document (required members,
//! types, string lengths, ranges, enumerated values), with the documented faults.
//!
//! Line numbers ("l.N") are those of `/work/shared/spec/telepresence-server-api-4.3.txt`.
use crate::sim::xmlrpc::Value;

/// A fault as the device answers it: Table 173 (l.3649-3698).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub code: i64,
    pub text: String,
}

impl Fault {
    pub fn new(code: i64, text: impl Into<String>) -> Fault {
        Fault {
            code,
            text: text.into(),
        }
    }
}

pub type Checked<T> = Result<T, Fault>;

/// 101: "missing parameter: parameter_name" (l.3688).
pub fn missing(name: &str) -> Fault {
    Fault::new(101, format!("missing parameter: {name}"))
}

/// 103: a parameter of the right name that cannot be read, e.g. a string for an integer,
/// "malformed parameter: parameter_name" (l.3690).
pub fn malformed(name: &str) -> Fault {
    Fault::new(103, format!("malformed parameter: {name}"))
}

/// 102: read, of the right type, but outside the valid values: too high, or a string not
/// in its enumerated type (l.3689, l.828).
pub fn invalid(name: &str) -> Fault {
    Fault::new(102, format!("invalid parameter: {name}"))
}

/// 35: "string is too long" (l.3668).
pub fn too_long(name: &str) -> Fault {
    Fault::new(35, format!("string is too long: {name}"))
}

/// What a parameter must be.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string of at most this many characters: 31 unless the parameter says otherwise
    /// (Table 2, l.368), identifiers and client references 50 (l.420).
    Str(usize),
    /// A four-byte integer (Table 2, l.369) within these bounds.
    Int(i64, i64),
    /// `1`/`0`, `true`/`false` (Table 2, l.370).
    Bool,
    /// base64 of at most this many bytes once decoded.
    Base64(usize),
    Struct,
    Array,
    /// A string of an enumerated type: anything else is an invalid parameter (l.828).
    Enum(&'static [&'static str]),
}

/// One row of a method's input table.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

pub const fn opt(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        required: false,
    }
}

pub const fn req(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        required: true,
    }
}

/// Integers the document gives as ">= 0".
pub const NON_NEGATIVE: Kind = Kind::Int(0, i32::MAX as i64);
/// Identifiers and client references (l.420).
pub const ID: Kind = Kind::Str(50);

/// Checks the members of `params` (a struct; `path` names it in faults) against `table`:
/// a required one missing is 101, a wrong type 103, an over-long string 35, a value out of
/// range or of its enumeration 102. Answers the names of members the table does not
/// know: the document says nothing of them, so the device takes them without effect.
pub fn members(params: &Value, path: &str, table: &[Param]) -> Checked<Vec<String>> {
    let Value::Struct(given) = params else {
        return Err(malformed(path.trim_end_matches('.')));
    };
    for row in table {
        let name = format!("{path}{}", row.name);
        match params.member(row.name) {
            None if row.required => return Err(missing(&name)),
            None => {}
            Some(v) => value(v, row.kind, &name)?,
        }
    }
    Ok(given
        .iter()
        .filter(|(k, _)| !table.iter().any(|r| r.name == k))
        .map(|(k, _)| format!("{path}{k}"))
        .collect())
}

/// Checks one value against its kind.
pub fn value(v: &Value, kind: Kind, name: &str) -> Checked<()> {
    match (kind, v) {
        (Kind::Str(max), Value::Str(s)) => {
            if s.chars().count() > max {
                return Err(too_long(name));
            }
        }
        (Kind::Enum(values), Value::Str(s)) => {
            if !values.contains(&s.as_str()) {
                return Err(invalid(name));
            }
        }
        (Kind::Int(min, max), Value::Int(i)) => {
            // Beyond four bytes it cannot be read as the device's integer (Table 2).
            if *i < i32::MIN as i64 || *i > i32::MAX as i64 {
                return Err(malformed(name));
            }
            if *i < min || *i > max {
                return Err(invalid(name));
            }
        }
        (Kind::Bool, Value::Bool(_)) | (Kind::Struct, Value::Struct(_)) => {}
        (Kind::Array, Value::Array(_)) => {}
        (Kind::Base64(max), Value::Base64(text)) => {
            use base64::Engine;
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text.trim()) else {
                return Err(malformed(name));
            };
            if bytes.len() > max {
                // 50: "binary data array is too long" (l.3671).
                return Err(Fault::new(
                    50,
                    format!("binary data array is too long: {name}"),
                ));
            }
        }
        _ => return Err(malformed(name)),
    }
    Ok(())
}

/// An "unlimited" integer pair: the integer, or `XUnlimited` true; supplying both is a
/// fault (l.579-596; the code is not given, an invalid parameter is the nearest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Value(i64),
    Unlimited,
}

/// The pair `name`/`nameUnlimited` in `p` (both already type-checked): `None` when
/// neither is given (or only `nameUnlimited` false, which says nothing).
pub fn limit(p: &Value, name: &str) -> Checked<Option<Limit>> {
    let unlimited_name = format!("{name}Unlimited");
    match (p.int(name), p.bool(&unlimited_name)) {
        (Some(_), Some(_)) => Err(invalid(&unlimited_name)),
        (Some(v), None) => Ok(Some(Limit::Value(v))),
        (None, Some(true)) => Ok(Some(Limit::Unlimited)),
        (None, _) => Ok(None),
    }
}

/// A conference or participant URI: `0-9 a-z A-Z . _ - @`, at most one `@` (l.458-463).
pub fn valid_uri(uri: &str) -> bool {
    !uri.is_empty()
        && uri
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        && uri.matches('@').count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::xmlrpc::members as strukt;

    const TABLE: [Param; 4] = [
        req("id", ID),
        opt("name", Kind::Str(80)),
        opt("n", NON_NEGATIVE),
        opt("mode", Kind::Enum(&["sip", "h323"])),
    ];

    fn check(list: Vec<(&str, Value)>) -> Checked<Vec<String>> {
        members(&strukt(list), "", &TABLE)
    }

    #[test]
    fn required_types_lengths_ranges_and_enumerations() {
        let id = || ("id", Value::Str("c1".into()));
        assert_eq!(check(vec![]).unwrap_err().code, 101);
        assert_eq!(check(vec![("id", Value::Int(1))]).unwrap_err().code, 103);
        assert_eq!(
            check(vec![("id", Value::Str("x".repeat(51)))])
                .unwrap_err()
                .code,
            35
        );
        assert_eq!(
            check(vec![id(), ("n", Value::Int(-1))]).unwrap_err().code,
            102
        );
        assert_eq!(
            check(vec![id(), ("n", Value::Int(1 << 40))])
                .unwrap_err()
                .code,
            103
        );
        assert_eq!(
            check(vec![id(), ("n", Value::Str("5".into()))])
                .unwrap_err()
                .code,
            103
        );
        assert_eq!(
            check(vec![id(), ("mode", Value::Str("h320".into()))])
                .unwrap_err()
                .code,
            102
        );
        assert_eq!(
            check(vec![id(), ("startTime", Value::Int(5))]).unwrap(),
            vec!["startTime".to_string()]
        );
    }

    #[test]
    fn unlimited_pairs_take_one_half_only() {
        let both = strukt(vec![
            ("duration", Value::Int(5)),
            ("durationUnlimited", Value::Bool(true)),
        ]);
        assert_eq!(limit(&both, "duration").unwrap_err().code, 102);
        let one = strukt(vec![("durationUnlimited", Value::Bool(true))]);
        assert_eq!(limit(&one, "duration").unwrap(), Some(Limit::Unlimited));
    }

    #[test]
    fn uri_characters() {
        for ok in ["8123", "123-ABC_example.com", "board.room@vc.example.com"] {
            assert!(valid_uri(ok), "{ok}");
        }
        for bad in ["", "a@b@c", "sip:8123", "a b", "+4412"] {
            assert!(!valid_uri(bad), "{bad}");
        }
    }
}
