//! `bridgebook import-tms` against a second bridgebook playing the TMS: single meetings, a
//! weekly series with a moved and a deleted occurrence, and a Defective meeting are moved
//! into a fresh database under their ids, external ids and versions; a connector then
//! updates one as it did on TMS, a second run is a no-op, a dry run names a conflict and
//! writes nothing, and a replication client is told its TMS transaction id is unknown here
//! and reads the log again from 0.
mod common;
use common::*;
use std::collections::BTreeSet;

fn import(db: &str, tms: &Server, extra: &[&str]) -> Ran {
    let mut args = vec![
        "import-tms",
        "--database-url",
        db,
        "--url",
        &tms.base,
        "--user",
        USER,
    ];
    args.extend_from_slice(extra);
    let ran = run_bridgebook(&args, &format!("{PASSWORD}\n"));
    assert!(ran.success, "{ran:?}");
    ran
}

/// GetTransactionsSince from an id this log does not hold.
fn unknown_to_the_log(c: &Client, since: i64) {
    c.call(
        "GetTransactionsSince",
        &format!("<CurrentTransactionId>{since}</CurrentTransactionId>"),
    )
    .fault(code::MEETINGNOTFOUND);
}

/// `xml` without the elements named.
fn without(xml: &str, tags: &[&str]) -> String {
    let mut out = xml.to_string();
    for tag in tags {
        while let Some(start) = out.find(&format!("<{tag}>")) {
            let close = format!("</{tag}>");
            let end = out[start..].find(&close).unwrap() + start + close.len();
            out.replace_range(start..end, "");
        }
    }
    out
}

/// (TransactionId, ConferenceId) of every log row after `since`.
fn log_since(c: &Client, since: i64) -> Vec<(i64, i64)> {
    let a = c.call(
        "GetTransactionsSince",
        &format!("<CurrentTransactionId>{since}</CurrentTransactionId>"),
    );
    a.ok();
    all(&a.body, "Transaction")
        .iter()
        .map(|t| {
            let n = |tag| first(t, tag).unwrap().parse::<i64>().unwrap();
            (n("TransactionId"), n("ConferenceId"))
        })
        .collect()
}

/// (ConferenceId, StartTimeUTC) of the occurrences titled `title` in room `system`.
fn occurrences(c: &Client, system: i64, title: &str) -> Vec<(String, String)> {
    let a = c.call(
        "GetConferencesForSystems",
        &format!(
            "<SystemIds>{system}</SystemIds><StartTime>{}</StartTime><EndTime>{}</EndTime><ConferenceStatus>All</ConferenceStatus>",
            at(-60).replace(' ', "T"),
            at(60 * 24 * 60).replace(' ', "T")
        ),
    );
    a.ok();
    all(&a.body, "Conference")
        .iter()
        .filter(|x| first(x, "Title").as_deref() == Some(title))
        .map(|x| {
            (
                first(x, "ConferenceId").unwrap(),
                first(x, "StartTimeUTC").unwrap(),
            )
        })
        .collect()
}

#[test]
fn meetings_move_from_a_live_tms_under_their_ids() {
    let source = Server::start(Backend::Sqlite);
    let c = Client::new(&source);
    let ext = |k: &str| {
        format!("<ExternalSourceId>exchange</ExternalSourceId><ExternalPrimaryKey>{k}</ExternalPrimaryKey>")
    };
    let single = c.save(
        &(conference(120, 180, &tms(1)) + &ext("single-1")),
        "Strict",
    );
    single.ok();
    let single_id = single.get("ConferenceId").unwrap();
    // Changed once in TMS, so its version is not the first.
    let v = single.get("Version").unwrap();
    c.save(
        &format!(
            "<ConferenceId>{single_id}</ConferenceId><Title>Board</Title><Version>{v}</Version>"
        ),
        "Strict",
    )
    .ok();
    let plain = c.save(&conference(200, 230, &(tms(2) + &tms(3))), "Strict");
    plain.ok();
    let plain_id = plain.get("ConferenceId").unwrap();

    let series = c.save(
        &(conference(60 * 24, 60 * 24 + 30, &tms(4)).replace("Test meeting", "Weekly")
            + &ext("weekly")
            + "<RecurrencePattern><FrequencyType>Weekly</FrequencyType><Interval>1</Interval><PatternEndType>EndByInstances</PatternEndType><PatternInstances>4</PatternInstances></RecurrencePattern>"),
        "Strict",
    );
    series.ok();
    let series_id = series.get("ConferenceId").unwrap();
    let occ = occurrences(&c, 4, "Weekly");
    assert_eq!(occ.len(), 4, "{occ:?}");
    c.call(
        "DeleteConferenceRecInstanceById",
        &format!("<ConferenceId>{}</ConferenceId>", occ[2].0),
    )
    .ok();
    let second = c.get(&occ[1].0);
    let moved_start = at(60 * 24 * 8 + 120);
    let moved_end = at(60 * 24 * 8 + 150);
    c.call(
        "SaveConferenceRecInstance",
        &format!(
            "<Conference><ConferenceId>{}</ConferenceId><StartTimeUTC>{moved_start}</StartTimeUTC><EndTimeUTC>{moved_end}</EndTimeUTC><Version>{}</Version></Conference>",
            occ[1].0,
            second.get("Version").unwrap()
        ),
    )
    .ok();
    let in_tms = c.call(
        "GetRecurrentConferenceById",
        &format!("<ConferenceId>{series_id}</ConferenceId>"),
    );
    in_tms.ok();
    assert_eq!(
        all(&in_tms.body, "RecurrenceException").len(),
        2,
        "{}",
        in_tms.body
    );

    // A double booking kept Defective (BestEffortForced).
    c.save(&conference(300, 360, &tms(3)), "Strict").ok();
    let defective = c.save(&conference(310, 350, &tms(3)), "BestEffortForced");
    assert_eq!(defective.get("Status").as_deref(), Some("Defective"));
    let defective_id = defective.get("ConferenceId").unwrap();

    let tms_log = log_since(&c, 0);
    let last_tms = tms_log.iter().map(|t| t.0).max().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("moved.db");
    let db = db.to_str().unwrap();
    let first_run = import(db, &source, &[]);
    assert!(
        first_run
            .stdout
            .contains("meetings: 5 imported (1 Defective)"),
        "{first_run:?}"
    );

    let here = Server::start_on_sqlite_file(std::path::Path::new(db), Options::default());
    let b = Client::new(&here);
    for id in [&single_id, &plain_id, &defective_id] {
        let (was, now) = (c.get(id), b.get(id));
        now.ok();
        for tag in [
            "ConferenceId",
            "Title",
            "StartTimeUTC",
            "EndTimeUTC",
            "ExternalPrimaryKey",
            "Version",
            "Status",
        ] {
            assert_eq!(now.get(tag), was.get(tag), "{tag} of {id}");
        }
        assert_eq!(
            all(&now.body, "Participant"),
            all(&was.body, "Participant"),
            "{id}"
        );
    }
    assert_eq!(
        b.get(&defective_id).get("Status").as_deref(),
        Some("Defective")
    );
    let here_series = b.call(
        "GetRecurrentConferenceById",
        &format!("<ConferenceId>{series_id}</ConferenceId>"),
    );
    here_series.ok();
    for tag in [
        "ConferenceId",
        "Version",
        "ExternalPrimaryKey",
        "FirstOccurrenceRecInstanceIdUTC",
    ] {
        assert_eq!(here_series.get(tag), in_tms.get(tag), "{tag} of the series");
    }
    // Owners are found by e-mail address (TMS's user ids mean nothing here); the log's ids
    // are bridgebook's.
    let exceptions = |body: &str| -> Vec<String> {
        all(body, "RecurrenceException")
            .iter()
            .map(|x| without(x, &["OwnerId", "OwnerUserName", "TransactionId"]))
            .collect()
    };
    assert_eq!(
        exceptions(&here_series.body),
        exceptions(&in_tms.body),
        "the moved and the deleted occurrence"
    );
    // Occurrences TMS listed keep their ids.
    let live: Vec<_> = occurrences(&b, 4, "Weekly");
    let tms_live: Vec<_> = occurrences(&c, 4, "Weekly");
    assert_eq!(live, tms_live);

    // A connector updates by ConferenceId with the version it knows from TMS.
    let v = c.get(&single_id).get("Version").unwrap();
    let updated = b.save(
        &format!("<ConferenceId>{single_id}</ConferenceId><Title>Board, moved</Title><Version>{v}</Version>"),
        "Strict",
    );
    updated.ok();
    assert_eq!(
        updated.get("Version").unwrap().parse::<i32>().unwrap(),
        v.parse::<i32>().unwrap() + 1
    );
    // …and by its external ids, as TMSXE does.
    b.call(
        "GetConferenceIdByExternalId",
        "<ExternalSourceId>exchange</ExternalSourceId><ExternalConferenceId>single-1</ExternalConferenceId>",
    )
    .ok();

    // The replication client last read TMS's log at `last_tms`: that id is not one of
    // bridgebook's log, so it is told (MEETINGNOTFOUND, as TMS answers an unknown id)
    // rather than given a wrong tail; read from 0, it sees every moved meeting once, all
    // above TMS's ids, then what changed here.
    unknown_to_the_log(&b, last_tms);
    let after = log_since(&b, 0);
    assert!(after.iter().all(|t| t.0 > last_tms), "{after:?}");
    let seen: BTreeSet<i64> = after.iter().map(|t| t.1).collect();
    for id in [&single_id, &plain_id, &defective_id, &series_id] {
        assert!(
            seen.contains(&id.parse::<i64>().unwrap()),
            "{id} in {after:?}"
        );
    }
    let last_row = after.last().unwrap();
    assert_eq!(last_row.1.to_string(), single_id, "the update comes last");

    // Run again: everything is here already, nothing is written.
    let rows = log_since(&b, 0).len();
    let again = import(db, &source, &[]);
    assert!(
        again
            .stdout
            .contains("meetings: 0 imported (0 Defective), 5 already here"),
        "{again:?}"
    );
    assert_eq!(log_since(&b, 0).len(), rows);

    // Booked on both sides after the move: the same id names different meetings. Later
    // bookings here never take an id a TMS client holds.
    let native = b.save(&conference(400, 430, &tms(2)), "Strict");
    native.ok();
    let native_id: i64 = native.get("ConferenceId").unwrap().parse().unwrap();
    let largest_moved = live
        .iter()
        .map(|o| o.0.parse::<i64>().unwrap())
        .chain([defective_id.parse::<i64>().unwrap()])
        .max()
        .unwrap();
    assert!(
        native_id > largest_moved,
        "{native_id} after {largest_moved}"
    );
    let late = c.save(&conference(500, 530, &tms(1)), "Strict");
    late.ok();
    let late_id: i64 = late.get("ConferenceId").unwrap().parse().unwrap();
    let rows = log_since(&b, 0).len();
    let dry = import(db, &source, &["--dry-run"]);
    assert!(
        dry.stdout.contains("meetings: 0 would be imported"),
        "{dry:?}"
    );
    assert_eq!(late_id, native_id, "both went on from the largest moved id");
    assert!(
        dry.stdout.contains(&format!(
            "conflict: meeting {late_id} 'Test meeting': id {late_id} is another meeting here"
        )),
        "{dry:?}"
    );
    assert_eq!(log_since(&b, 0).len(), rows, "the dry run wrote nothing");
}
