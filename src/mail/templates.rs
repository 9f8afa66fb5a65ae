//! The mail templates: one per mail kind, content type and language, compiled into the
//! binary; a file of the same name in the directory an operator names (`[mail] templates`)
//! takes its place, and a language directory there adds a language.
use super::facts::Facts;
use super::language;
use crate::domain::Error;
use minijinja::Environment;
use std::path::{Component, Path, PathBuf};

/// What a mail is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An invitation (or, for a deleted meeting, its cancellation).
    Invite,
    /// A booking event: an error or warning about the booking.
    BookingEvent,
}

impl Kind {
    fn stem(self) -> &'static str {
        match self {
            Kind::Invite => "invite",
            Kind::BookingEvent => "event",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentType {
    PlainText,
    Html,
}

impl ContentType {
    fn extension(self) -> &'static str {
        match self {
            ContentType::PlainText => "txt",
            ContentType::Html => "html",
        }
    }
}

/// One rendered mail body with its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub content_type: ContentType,
    pub subject: String,
    pub body: String,
}

macro_rules! built_in {
    ($($name:expr),* $(,)?) => {
        &[$(($name, include_str!(concat!("templates/", $name)))),*]
    };
}

macro_rules! language_files {
    ($($lang:literal),* $(,)?) => {
        built_in!($(
            concat!($lang, "/invite.subject"),
            concat!($lang, "/invite.txt"),
            concat!($lang, "/invite.html"),
            concat!($lang, "/event.subject"),
            concat!($lang, "/event.txt"),
            concat!($lang, "/event.html"),
        )*)
    };
}

const MACROS: &[(&str, &str)] = built_in!("macros.html");
const BUILT_IN: &[(&str, &str)] = language_files!("en-US", "nb-NO", "de-DE", "fr-FR", "es-ES");

fn built_in(name: &str) -> Option<&'static str> {
    MACROS
        .iter()
        .chain(BUILT_IN)
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}

/// `name` inside `dir`, when it names a plain relative path there.
fn inside(dir: &Path, name: &str) -> Option<PathBuf> {
    let rel = Path::new(name);
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| dir.join(rel))
}

pub struct Templates {
    env: Environment<'static>,
    languages: Vec<String>,
}

impl Templates {
    /// The compiled-in templates, overridden by those in `dir`. Every template is compiled
    /// now, so a broken override stops the start rather than a mail.
    pub fn new(dir: Option<PathBuf>) -> Result<Templates, String> {
        let mut languages: Vec<String> = language::BUILT_IN
            .iter()
            .map(|(c, _)| c.to_string())
            .collect();
        if let Some(d) = &dir {
            let entries = std::fs::read_dir(d)
                .map_err(|e| format!("mail templates directory {}: {e}", d.display()))?;
            let mut added: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().join("invite.txt").is_file())
                .filter_map(|e| e.file_name().to_str().map(String::from))
                .filter(|l| !languages.contains(l))
                .collect();
            added.sort();
            languages.extend(added);
        }
        let mut env = Environment::new();
        env.set_loader(move |name| {
            if let Some(path) = dir.as_deref().and_then(|d| inside(d, name)) {
                if path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("cannot read {}: {e}", path.display()),
                        )
                    });
                }
            }
            // A language added by an operator reads English where it has no file of its own.
            let fallback = name
                .split_once('/')
                .map(|(_, rest)| format!("{}/{rest}", language::DEFAULT));
            Ok(built_in(name)
                .or_else(|| fallback.as_deref().and_then(built_in))
                .map(String::from))
        });
        let t = Templates { env, languages };
        for lang in &t.languages {
            for kind in [Kind::Invite, Kind::BookingEvent] {
                for name in [
                    format!("{lang}/{}.subject", kind.stem()),
                    format!("{lang}/{}.txt", kind.stem()),
                    format!("{lang}/{}.html", kind.stem()),
                ] {
                    t.env
                        .get_template(&name)
                        .map_err(|e| format!("mail template {name}: {e:#}"))?;
                }
            }
        }
        Ok(t)
    }

    /// The languages mail can be written in, English first.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// `kind` as `content_type`, in the language `facts` name.
    pub fn render(
        &self,
        kind: Kind,
        content_type: ContentType,
        facts: &Facts,
    ) -> Result<Rendered, Error> {
        let lang = if self.languages.contains(&facts.language) {
            facts.language.as_str()
        } else {
            language::DEFAULT
        };
        let render = |name: String| {
            self.env
                .get_template(&name)
                .and_then(|t| t.render(facts))
                .map_err(|e| Error::internal(format!("mail template {name}: {e:#}")))
        };
        let subject = render(format!("{lang}/{}.subject", kind.stem()))?;
        let body = render(format!(
            "{lang}/{}.{}",
            kind.stem(),
            content_type.extension()
        ))?;
        Ok(Rendered {
            content_type,
            subject: subject.lines().next().unwrap_or("").trim().to_string(),
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::zone::Zone;
    use crate::mail::facts::{facts, sample_conference, Meeting, Message, MessageType};

    fn sample(language: &str, details: bool) -> Facts {
        let m = Meeting {
            conference: sample_conference(),
            occurrences: vec![],
            zone: Zone::named("Europe/Oslo").unwrap(),
            rooms: vec!["Oslo Fjord".into()],
            calendar_id: 7,
        };
        let messages = vec![Message {
            kind: MessageType::Error,
            lines: vec!["Room <B> is closed".into()],
        }];
        facts(&m, language, messages, details)
    }

    #[test]
    fn every_built_in_language_renders_every_part() {
        let t = Templates::new(None).unwrap();
        assert_eq!(t.languages(), ["en-US", "nb-NO", "de-DE", "fr-FR", "es-ES"]);
        for lang in t.languages() {
            for kind in [Kind::Invite, Kind::BookingEvent] {
                for ct in [ContentType::PlainText, ContentType::Html] {
                    let r = t.render(kind, ct, &sample(lang, true)).unwrap();
                    assert!(r.subject.contains("Quarterly <review> & plans"), "{lang}");
                    assert!(r.body.contains("09:00"), "{lang} {kind:?} {ct:?}");
                    assert!(r.body.contains("2026-03-02 08:00:00Z"), "{lang}");
                }
            }
        }
    }

    #[test]
    fn html_escapes_what_it_inserts_and_text_does_not() {
        let t = Templates::new(None).unwrap();
        let f = sample("en-US", true);
        let html = t.render(Kind::Invite, ContentType::Html, &f).unwrap().body;
        assert!(
            html.contains("<h2>Quarterly &lt;review&gt; &amp; plans</h2>"),
            "{html}"
        );
        assert!(html.contains("Room &lt;B&gt; is closed"), "{html}");
        assert!(
            html.contains("background-color:#f2dede"),
            "an error's box is red"
        );
        let text = t
            .render(Kind::Invite, ContentType::PlainText, &f)
            .unwrap()
            .body;
        assert!(text.starts_with("[Error] Room <B> is closed\n"), "{text}");
        for line in [
            "When: Monday, March 2, 2026, 09:00 – 10:00 (Europe/Oslo)",
            "Organizer: Alice Aune <alice@example.com>",
            "Rooms: Oslo Fjord",
            "Also: +4722000000",
            "  Video system: call 8123@vc.example.com",
            "  Conference number: 8123",
            "  PIN: 4711",
            "  Web: https://join.example.com/8123",
        ] {
            assert!(text.contains(line), "{line} missing:\n{text}");
        }
        // Without conference information: no rooms, participants or routing.
        let bare = t
            .render(
                Kind::Invite,
                ContentType::PlainText,
                &sample("en-US", false),
            )
            .unwrap()
            .body;
        for gone in ["Oslo Fjord", "+4722000000", "8123", "4711"] {
            assert!(!bare.contains(gone), "{gone} told:\n{bare}");
        }
    }

    #[test]
    fn a_directory_overrides_templates_and_adds_languages() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("en-US")).unwrap();
        std::fs::create_dir_all(dir.path().join("sv-SE")).unwrap();
        std::fs::write(
            dir.path().join("en-US/invite.subject"),
            "Invite: {{ title }}",
        )
        .unwrap();
        std::fs::write(dir.path().join("sv-SE/invite.txt"), "Möte: {{ title }}").unwrap();
        let t = Templates::new(Some(dir.path().to_path_buf())).unwrap();
        assert_eq!(t.languages().last().map(String::as_str), Some("sv-SE"));
        let en = t
            .render(Kind::Invite, ContentType::PlainText, &sample("en-US", true))
            .unwrap();
        assert_eq!(en.subject, "Invite: Quarterly <review> & plans");
        let sv = t
            .render(Kind::Invite, ContentType::PlainText, &sample("sv-SE", true))
            .unwrap();
        assert_eq!(sv.body, "Möte: Quarterly <review> & plans");
        // What the new language lacks reads English.
        let sv_html = t
            .render(Kind::Invite, ContentType::Html, &sample("sv-SE", true))
            .unwrap();
        assert!(sv_html.body.contains("How to join"));

        std::fs::write(dir.path().join("en-US/event.txt"), "{% if %}").unwrap();
        let broken = Templates::new(Some(dir.path().to_path_buf()));
        assert!(broken.is_err_and(|e| e.contains("en-US/event.txt")));
    }
}
