//! Recurrent series over SOAP: per-occurrence verdicts, the zone occurrences are expanded
//! in, and changes to a series while one of its occurrences runs.
mod common;
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use common::*;

fn each_backend(f: impl Fn(&Server)) {
    for b in backends() {
        let s = Server::start(b);
        eprintln!("backend {b:?}");
        f(&s);
    }
}

fn daily(instances: u32) -> String {
    format!("<RecurrencePattern><FrequencyType>Daily</FrequencyType><Interval>1</Interval><PatternEndType>EndByInstances</PatternEndType><PatternInstances>{instances}</PatternInstances></RecurrencePattern>")
}

/// The occurrences of the series titled `title` booked on `system`, in order, as
/// (id, start, state).
fn occurrences(c: &Client, system: i64, title: &str) -> Vec<(String, String, String)> {
    let a = c.call(
        "GetConferencesForSystems",
        &format!(
            "<SystemIds>{system}</SystemIds><StartTime>{}</StartTime><EndTime>{}</EndTime><ConferenceStatus>All</ConferenceStatus>",
            at(-60 * 24),
            at(60 * 24 * 365)
        ),
    );
    a.ok();
    let mut list: Vec<(String, String, String)> = all(&a.body, "Conference")
        .iter()
        .filter(|x| first(x, "Title").as_deref() == Some(title))
        .map(|x| {
            (
                first(x, "ConferenceId").unwrap(),
                first(x, "StartTimeUTC").unwrap(),
                first(x, "Status").unwrap(),
            )
        })
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

fn log_length(c: &Client) -> usize {
    c.call(
        "GetTransactionsSince",
        "<CurrentTransactionId>0</CurrentTransactionId>",
    )
    .all("TransactionId")
    .len()
}

#[test]
fn only_the_conflicting_occurrence_is_defective() {
    each_backend(|s| {
        let c = Client::new(s);
        // The reference's example: a daily series of three whose second day is taken.
        c.save(&conference(60 + 60 * 24, 70 + 60 * 24, &tms(3)), "Strict")
            .ok();
        let before = log_length(&c);
        let series = conference(60, 70, &tms(3)).replace("Test meeting", "Daily") + &daily(3);
        c.save(&series, "Strict").fault(code::SYSTEM_ALREADY_BOOKED);
        assert_eq!(log_length(&c), before, "a refused series writes nothing");

        let saved = c.save(&series, "BestEffortForced");
        saved.ok();
        assert_eq!(saved.get("Status").as_deref(), Some("Defective"));
        let id = saved.get("ConferenceId").unwrap();
        let read = c.call(
            "GetRecurrentConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        );
        assert_eq!(read.get("Status").as_deref(), Some("Defective"));
        let states: Vec<String> = occurrences(&c, 3, "Daily")
            .into_iter()
            .map(|o| o.2)
            .collect();
        assert_eq!(states, vec!["Pending", "Defective", "Pending"]);
        // One transaction per conference id: the series and its three occurrences.
        assert_eq!(log_length(&c), before + 4);
    });
}

#[test]
fn a_series_without_rules_follows_its_first_systems_zone() {
    each_backend(|s| {
        let c = Client::new(s);
        // Thirty Mondays at 09:00 in Oslo (system 1's zone) cross a daylight change.
        let oslo = chrono_tz::Europe::Oslo;
        let mut day = (Utc::now() + Duration::days(2))
            .with_timezone(&oslo)
            .date_naive();
        while day.weekday() != Weekday::Mon {
            day = day.succ_opt().unwrap();
        }
        let first = oslo
            .from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap()))
            .unwrap()
            .with_timezone(&Utc);
        let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%SZ").to_string();
        let conf = format!(
            "<ConferenceId>-1</ConferenceId><Title>Mondays</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{}</Participants><RecurrencePattern><FrequencyType>Weekly</FrequencyType><Interval>1</Interval><DaysOfWeek><DayOfWeek>Monday</DayOfWeek></DaysOfWeek><PatternEndType>EndByInstances</PatternEndType><PatternInstances>30</PatternInstances></RecurrencePattern>",
            fmt(first),
            fmt(first + Duration::hours(1)),
            tms(1)
        );
        c.save(&conf, "Strict").ok();
        let list = occurrences(&c, 1, "Mondays");
        assert_eq!(list.len(), 30);
        let mut offsets = std::collections::BTreeSet::new();
        for (_, start, _) in &list {
            let t = DateTime::parse_from_str(&start.replace('Z', "+0000"), "%Y-%m-%d %H:%M:%S%z")
                .unwrap()
                .with_timezone(&oslo);
            assert_eq!(
                (t.weekday(), t.time()),
                (Weekday::Mon, NaiveTime::from_hms_opt(9, 0, 0).unwrap()),
                "{start}"
            );
            offsets.insert(t.naive_local() - t.naive_utc());
        }
        assert_eq!(offsets.len(), 2, "the series crosses a daylight change");

        // An occurrence read alone names its instance and its series' first one.
        let (id, start, _) = &list[3];
        let read = c.call(
            "GetConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        );
        assert_eq!(read.get("RecurrenceInstanceIdUTC").as_ref(), Some(start));
        assert_eq!(
            read.get("FirstOccurrenceRecInstanceIdUTC"),
            Some(fmt(first))
        );
    });
}

#[test]
fn changing_a_series_while_an_occurrence_runs() {
    each_backend(|s| {
        let c = Client::new(s);
        let ext = "<ExternalSourceId>exchange</ExternalSourceId><ExternalPrimaryKey>running</ExternalPrimaryKey>";
        let series =
            conference(-10, 20, &tms(4)).replace("Test meeting", "Stand-up") + ext + &daily(3);
        let saved = c.save(&series, "Strict");
        saved.ok();
        assert_eq!(saved.get("Status").as_deref(), Some("Ongoing"));
        let id = saved.get("ConferenceId").unwrap();
        let before = occurrences(&c, 4, "Stand-up");
        assert_eq!(before.len(), 3);
        assert_eq!(before[0].2, "Ongoing");

        // Renamed: the running one becomes a single meeting, the pending ones get new ids,
        // the finished past stays as it was.
        let renamed = saved.body.clone();
        let version = saved.get("Version").unwrap();
        let again = c.save(
            &(conference(-10, 20, &tms(4))
                .replace("Test meeting", "Stand-up, renamed")
                .replace(
                    "<ConferenceId>-1</ConferenceId>",
                    &format!("<ConferenceId>{id}</ConferenceId>"),
                )
                + &format!("<Version>{version}</Version>")
                + ext
                + &daily(3)),
            "Strict",
        );
        again.ok();
        assert_ne!(renamed, again.body);
        let detached = c.get(&before[0].0);
        assert_eq!(detached.get("Title").as_deref(), Some("Stand-up"));
        assert_eq!(detached.get("Status").as_deref(), Some("Ongoing"));
        assert_eq!(
            detached.get("DetachedFromExternalPrimaryKey").as_deref(),
            Some("running")
        );
        assert_eq!(detached.get("RecurrenceInstanceIdUTC"), None);
        for old in &before[1..] {
            assert_eq!(c.get(&old.0).get("Status").as_deref(), Some("Deleted"));
        }
        let now = occurrences(&c, 4, "Stand-up, renamed");
        assert_eq!(
            now.len(),
            2,
            "the occurrence overlapping the running one is not created"
        );
        assert!(now.iter().all(|o| !before.iter().any(|b| b.0 == o.0)));
        assert!(now.iter().all(|o| o.2 == "Pending"));

        // Deleting the series ends nothing that is not its own any more, and deletes the rest.
        c.call(
            "DeleteConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .ok();
        assert!(occurrences(&c, 4, "Stand-up, renamed")
            .iter()
            .all(|o| o.2 == "Deleted"));
        assert_eq!(
            c.get(&before[0].0).get("Status").as_deref(),
            Some("Ongoing")
        );
    });
}

#[test]
fn deleting_a_series_ends_its_running_occurrence() {
    each_backend(|s| {
        let c = Client::new(s);
        let saved = c.save(
            &(conference(-10, 20, &tms(2)).replace("Test meeting", "Ends") + &daily(3)),
            "Strict",
        );
        saved.ok();
        let id = saved.get("ConferenceId").unwrap();
        // An occurrence cannot be named by a day the series has none on.
        c.call(
            "DeleteConferenceRecInstanceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .fault(code::INSTANCE_NOT_FOUND_WITHIN_PATTERN);
        c.call(
            "DeleteConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .ok();
        let states: Vec<String> = occurrences(&c, 2, "Ends")
            .into_iter()
            .map(|o| o.2)
            .collect();
        assert_eq!(states, vec!["Finished", "Deleted", "Deleted"]);
        let read = c.call(
            "GetRecurrentConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        );
        assert_eq!(read.get("ConferenceId"), Some(format!("-{id}")));
    });
}

/// A replication client learns which occurrence changed from the log row itself.
#[test]
fn log_rows_of_occurrences_name_their_occurrence() {
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    let saved = c.save(
        &(conference(60, 70, &tms(2)).replace("Test meeting", "Daily sync")
            + "<ExternalSourceId>calendar</ExternalSourceId><ExternalPrimaryKey>sync-1</ExternalPrimaryKey>"
            + &daily(3)),
        "Strict",
    );
    saved.ok();
    let second = occurrences(&c, 2, "Daily sync")[1].clone();
    let before = log_length(&c);
    c.call(
        "DeleteConferenceRecInstanceById",
        &format!("<ConferenceId>{}</ConferenceId>", second.0),
    )
    .ok();
    let log = c.call(
        "GetTransactionsSinceWithExternalId",
        "<CurrentTransactionId>0</CurrentTransactionId>",
    );
    log.ok();
    let rows = log.all("TransactionWithExternalId");
    let deleted: Vec<&String> = rows[before..]
        .iter()
        .filter(|r| first(r, "TransType").as_deref() == Some("Deleted"))
        .collect();
    assert_eq!(deleted.len(), 1, "{}", log.body);
    let last = deleted[0];
    assert_eq!(
        first(last, "ConferenceId").as_deref(),
        Some(second.0.as_str())
    );
    assert_eq!(
        first(last, "RecurrenceIdUTC").as_deref(),
        Some(second.1.as_str())
    );
    assert_eq!(first(last, "ExternalPrimaryKey").as_deref(), Some("sync-1"));
}

/// DaysOfWeek are "days of week in UTC equivalent": a weekly series starting Sunday 23:40
/// UTC in a room zoned Europe/Oslo (Monday 00:40 there) named by its UTC day is booked on
/// Sundays 23:40 UTC, starts where the answer says, and reads back as Sunday.
#[test]
fn weekly_days_near_midnight_are_utc_days() {
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    let mut day = (Utc::now() + Duration::days(2)).date_naive();
    while day.weekday() != Weekday::Sun {
        day = day.succ_opt().unwrap();
    }
    let first = day
        .and_time(NaiveTime::from_hms_opt(23, 40, 0).unwrap())
        .and_utc();
    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%SZ").to_string();
    let pattern = |day: &str| {
        format!("<RecurrencePattern><FrequencyType>Weekly</FrequencyType><Interval>1</Interval><DaysOfWeek><DayOfWeek>{day}</DayOfWeek></DaysOfWeek><PatternEndType>EndByInstances</PatternEndType><PatternInstances>4</PatternInstances></RecurrencePattern>")
    };
    let conf = |title: &str, day: &str| {
        format!(
            "<ConferenceId>-1</ConferenceId><Title>{title}</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{}</Participants>{}",
            fmt(first),
            fmt(first + Duration::minutes(30)),
            tms(1),
            pattern(day)
        )
    };
    for (version, title) in [(23, "Sunday nights"), (9, "Sunday nights, v9")] {
        let client = Client {
            version,
            ..Client::new(&s)
        };
        let saved = client.save(&conf(title, "Sunday"), "Strict");
        saved.ok();
        assert_eq!(saved.get("StartTimeUTC"), Some(fmt(first)), "v{version}");
        assert_eq!(
            saved.get("DayOfWeek").as_deref(),
            Some("Sunday"),
            "v{version}"
        );
        let starts: Vec<String> = occurrences(&c, 1, title).into_iter().map(|o| o.1).collect();
        let want: Vec<String> = (0..4).map(|w| fmt(first + Duration::weeks(w))).collect();
        assert_eq!(starts, want, "v{version}");
        // Moved aside so the next version's series finds the room free.
        let id = saved.get("ConferenceId").unwrap();
        c.call(
            "DeleteConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .ok();
    }
    // A start on a day the pattern does not name: the answer says when the series really
    // starts, a time at which a meeting is booked.
    let saved = c.save(&conf("Monday nights", "Monday"), "Strict");
    saved.ok();
    let starts: Vec<String> = occurrences(&c, 1, "Monday nights")
        .into_iter()
        .filter(|o| o.2 != "Deleted")
        .map(|o| o.1)
        .collect();
    assert_eq!(
        saved.get("StartTimeUTC").as_ref(),
        starts.first(),
        "{starts:?}"
    );
}
