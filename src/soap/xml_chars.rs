//! Characters XML 1.0 does not allow (§2.2 Char: controls other than tab, LF and CR, and
//! U+FFFE/U+FFFF; surrogates cannot be in a Rust string). One stored in a Title would make
//! every answer that carries it unreadable, so a room's listing would break for every client:
//! they are refused on the way in, naming the field, and never written on the way out.
use crate::domain::Error;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::borrow::Cow;

/// Whether XML 1.0 allows `c` in a document.
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The first field of a canonical request body (local names, as `envelope::parse` makes it)
/// whose text holds a character XML 1.0 does not allow, raw or as a character reference:
/// its path below the operation element (e.g. `Conference/Title`) and the character.
pub fn forbidden_field(body: &str) -> Option<(String, char)> {
    let mut reader = Reader::from_str(body);
    let mut path: Vec<String> = Vec::new();
    loop {
        let text = match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                continue;
            }
            Ok(Event::End(_)) => {
                path.pop();
                continue;
            }
            Ok(Event::Text(t)) => t
                .unescape()
                .map(Cow::into_owned)
                .unwrap_or_else(|_| String::from_utf8_lossy(&t).into_owned()),
            Ok(Event::CData(t)) => String::from_utf8_lossy(&t).into_owned(),
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => continue,
        };
        if let Some(c) = text.chars().find(|c| !allowed(*c)) {
            let field = path.get(1..).unwrap_or_default().join("/");
            let field = if field.is_empty() {
                path.join("/")
            } else {
                field
            };
            return Some((field, c));
        }
    }
}

/// The client fault for a request body holding a forbidden character, if it does.
pub fn check(body: &str) -> Result<(), Error> {
    match forbidden_field(body) {
        None => Ok(()),
        Some((field, c)) => Err(Error::invalid(format!(
            "{field} holds the character U+{:04X}, which XML 1.0 does not allow.",
            c as u32
        ))),
    }
}

/// `xml` without the characters XML 1.0 does not allow (each becomes U+FFFD), so nothing
/// stored before they were refused can make an answer unreadable. Markup never holds them
/// and the escaper does not turn them into references, so removing raw ones is enough.
pub fn scrub(xml: String) -> String {
    if xml.chars().all(allowed) {
        return xml;
    }
    xml.chars()
        .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_characters() {
        for (c, ok) in [
            ('\t', true),
            ('\n', true),
            ('\r', true),
            (' ', true),
            ('é', true),
            ('\u{D7FF}', true),
            ('\u{E000}', true),
            ('\u{FFFD}', true),
            ('\u{10000}', true),
            ('\u{10FFFF}', true),
            ('\0', false),
            ('\u{1}', false),
            ('\u{B}', false),
            ('\u{C}', false),
            ('\u{1B}', false),
            ('\u{1F}', false),
            ('\u{FFFE}', false),
            ('\u{FFFF}', false),
        ] {
            assert_eq!(allowed(c), ok, "{c:?}");
        }
    }

    #[test]
    fn the_field_is_named() {
        for (body, want) in [
            ("<Save><Conference><Title>ok</Title></Conference></Save>", None),
            (
                "<Save><Conference><Title>a&#1;b</Title></Conference></Save>",
                Some(("Conference/Title", '\u{1}')),
            ),
            (
                "<Save><Conference><Title>a&#x1B;</Title></Conference></Save>",
                Some(("Conference/Title", '\u{1B}')),
            ),
            (
                "<Save><Conference><Title>a\u{B}</Title></Conference></Save>",
                Some(("Conference/Title", '\u{B}')),
            ),
            (
                "<Save><Conference><Description>\u{FFFE}</Description></Conference></Save>",
                Some(("Conference/Description", '\u{FFFE}')),
            ),
            (
                "<Save><Conference><Participants><Participant><NameOrNumber>&#xFFFF;</NameOrNumber></Participant></Participants></Conference></Save>",
                Some(("Conference/Participants/Participant/NameOrNumber", '\u{FFFF}')),
            ),
            ("<Op>&#2;</Op>", Some(("Op", '\u{2}'))),
            ("<Op>tab\tlf\ncr\r</Op>", None),
        ] {
            assert_eq!(
                forbidden_field(body),
                want.map(|(f, c)| (f.to_string(), c)),
                "{body}"
            );
        }
    }

    #[test]
    fn scrubbed_output_keeps_allowed_text() {
        for (input, want) in [
            ("<a>plain</a>", "<a>plain</a>"),
            ("<a>x\u{1}y\u{FFFE}</a>", "<a>x\u{FFFD}y\u{FFFD}</a>"),
            ("<a>\t\n\r</a>", "<a>\t\n\r</a>"),
        ] {
            assert_eq!(scrub(input.to_string()), want);
        }
    }
}
