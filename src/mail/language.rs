//! The languages mail and messages are written in, and which one a request gets: the one it
//! names, else the conference's, else English; a language without a translation gets English.

/// The default, and what every other language falls back to.
pub const DEFAULT: &str = "en-US";

/// Languages with compiled-in templates and words: (culture, name in English).
pub const BUILT_IN: &[(&str, &str)] = &[
    ("en-US", "English"),
    ("nb-NO", "Norwegian"),
    ("de-DE", "German"),
    ("fr-FR", "French"),
    ("es-ES", "Spanish"),
];

/// The culture among `available` that `requested` names: exactly (ignoring case), else the
/// first with the same language ("de-AT" → "de-DE", "no" → "nb-NO").
pub fn matching<'a>(requested: &str, available: &'a [String]) -> Option<&'a str> {
    let want = requested.trim().replace('_', "-").to_ascii_lowercase();
    if want.is_empty() {
        return None;
    }
    if let Some(exact) = available.iter().find(|a| a.to_ascii_lowercase() == want) {
        return Some(exact);
    }
    let primary = |s: &str| {
        let p = s.split('-').next().unwrap_or("").to_ascii_lowercase();
        // Norwegian: "no" and Nynorsk read the Bokmål texts.
        match p.as_str() {
            "no" | "nn" => "nb".to_string(),
            _ => p,
        }
    };
    let want = primary(&want);
    available
        .iter()
        .find(|a| primary(a) == want)
        .map(String::as_str)
}

/// The language a mail is written in: `requested` when given (blank: the conference's),
/// falling back to the default when it has no translation.
pub fn resolve(requested: Option<&str>, conference: Option<&str>, available: &[String]) -> String {
    let asked = requested
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or(conference.map(str::trim).filter(|s| !s.is_empty()));
    asked
        .and_then(|a| matching(a, available))
        .unwrap_or(DEFAULT)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_language_a_request_gets() {
        let available: Vec<String> = BUILT_IN.iter().map(|(c, _)| c.to_string()).collect();
        let table = [
            (Some("nb-NO"), None, "nb-NO"),
            (Some("NB-no"), Some("de-DE"), "nb-NO"),
            (Some(""), Some("de-DE"), "de-DE"),
            (Some("  "), Some("fr-FR"), "fr-FR"),
            (None, Some("es-ES"), "es-ES"),
            (None, None, "en-US"),
            (Some("de-AT"), None, "de-DE"),
            (Some("no"), None, "nb-NO"),
            (Some("nn-NO"), None, "nb-NO"),
            (Some("fr_CA"), None, "fr-FR"),
            // Unknown: the default, not the conference's.
            (Some("ja-JP"), Some("de-DE"), "en-US"),
            (Some("klingon"), None, "en-US"),
            (None, Some("pt-BR"), "en-US"),
        ];
        for (asked, conference, want) in table {
            assert_eq!(
                resolve(asked, conference, &available),
                want,
                "{asked:?} / {conference:?}"
            );
        }
    }
}
