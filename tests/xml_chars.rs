//! Characters XML 1.0 does not allow: refused in what a client saves, with a client fault
//! naming the field, and never written out, whatever text was saved or is already stored.
mod common;
use common::*;
use proptest::prelude::*;

/// Whether `xml` is a well-formed XML 1.0 document (roxmltree refuses non-XML characters).
#[track_caller]
fn well_formed(what: &str, a: &Answer) {
    if let Err(e) = roxmltree::Document::parse(&a.body) {
        panic!("{what}: not well-formed ({e}): {:?}", a.body);
    }
}

fn window() -> String {
    format!(
        "<SystemIds>1</SystemIds><StartTime>{}</StartTime><EndTime>{}</EndTime><ConferenceStatus>AllExceptDeleted</ConferenceStatus>",
        at(0).replace(' ', "T"),
        at(48 * 60).replace(' ', "T")
    )
}

fn with_title(title: &str, start: i64) -> String {
    conference(start, start + 30, &tms(1)).replace("<Title>Test meeting</Title>", title)
}

/// Escapes what markup needs, leaving every other character as it is.
fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn each_forbidden_character_is_refused_naming_the_field() {
    for backend in backends() {
        let s = Server::start(backend);
        let c = Client::new(&s);
        for (i, title) in [
            "<Title>a&#1;b</Title>",
            "<Title>a\u{1}b</Title>",
            "<Title>escape \u{1b}[31m</Title>",
            "<Title>tab\u{b}vertical</Title>",
            "<Title>not a character \u{FFFE}</Title>",
            "<Title>&#xFFFF;</Title>",
        ]
        .iter()
        .enumerate()
        {
            let a = c.save(&with_title(title, 60 + 60 * i as i64), "Strict");
            a.fault(code::UNKNOWN);
            well_formed(title, &a);
            assert!(a.body.contains("soap:Client"), "{}", a.body);
            assert!(
                a.get("faultstring").unwrap().contains("Conference/Title"),
                "the fault names the field: {}",
                a.body
            );
        }
        // Nothing was written.
        let listing = c.call("GetConferencesForSystems", &window());
        listing.ok();
        assert!(listing.all("ConferenceId").is_empty(), "{}", listing.body);
        // Tab, line feed and carriage return are text like any other.
        c.save(&with_title("<Title>a\tb\nc&#13;d</Title>", 60), "Strict")
            .ok();
    }
}

#[test]
fn text_stored_before_the_check_is_never_written_out() {
    use diesel::prelude::*;
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    let id = c
        .save(&with_title("<Title>old</Title>", 60), "Strict")
        .ok()
        .get("ConferenceId")
        .unwrap();
    // As an older version would have stored it.
    let mut db = diesel::sqlite::SqliteConnection::establish(s.database_url()).unwrap();
    diesel::sql_query("UPDATE conferences SET title = ? WHERE id = ?")
        .bind::<diesel::sql_types::Text, _>("old\u{1}\u{1b}\u{b}\u{FFFE}title")
        .bind::<diesel::sql_types::BigInt, _>(id.parse::<i64>().unwrap())
        .execute(&mut db)
        .unwrap();
    let one = c.get(&id);
    one.ok();
    well_formed("GetConferenceById", &one);
    assert!(one.get("Title").unwrap().starts_with("old"), "{}", one.body);
    let listing = c.call("GetConferencesForSystems", &window());
    listing.ok();
    well_formed("GetConferencesForSystems", &listing);
}

/// Text of any characters, with the ones XML forbids or escapes far more often than
/// chance would give them.
fn awkward_text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        (0u32..0x20).prop_map(|n| char::from_u32(n).unwrap()),
        Just('\u{FFFE}'),
        Just('\u{FFFF}'),
        Just('\u{7F}'),
        Just('<'),
        Just('&'),
        Just(']'),
        any::<char>(),
    ];
    prop::collection::vec(ch, 0..16).prop_map(String::from_iter)
}

/// Whatever text a client sends as a Title (any characters, raw or as references), the
/// save, GetConferenceById and the room's listing are well-formed XML.
#[test]
fn every_answer_is_well_formed_whatever_text_was_saved() {
    use proptest::test_runner::{Config, TestRunner};
    // One server for all cases, dropped (and stopped) with the test.
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    let mut runner = TestRunner::new(Config {
        cases: 48,
        ..Config::default()
    });
    runner
        .run(&(awkward_text(), any::<bool>()), |(title, as_reference)| {
            let sent = if as_reference {
                title.chars().map(|c| format!("&#{};", c as u32)).collect()
            } else {
                text(&title)
            };
            let conference = with_title(&format!("<Title>{sent}</Title>"), 60);
            let saved = c.save(&conference, "BestEffortForced");
            well_formed("save", &saved);
            if let Some(id) = saved.get("ConferenceId") {
                well_formed("GetConferenceById", &c.get(&id));
            }
            let listing = c.call("GetConferencesForSystems", &window());
            well_formed("GetConferencesForSystems", &listing);
            Ok(())
        })
        .unwrap();
}
