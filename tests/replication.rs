//! Replication as a client polls it: GetTransactionsSince in pages, filtered by system, and a
//! reader that keeps up with concurrent writers without ever skipping a transaction.
mod common;
use common::*;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// One row of the log as the client sees it.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: i64,
    conference: String,
    kind: String,
}

fn rows(a: &Answer, tag: &str) -> Vec<Row> {
    a.all(tag)
        .iter()
        .map(|t| Row {
            id: first(t, "TransactionId").unwrap().parse().unwrap(),
            conference: first(t, "ConferenceId").unwrap_or_default(),
            kind: first(t, "TransType").unwrap_or_default(),
        })
        .collect()
}

/// One call: the real rows, and whether the page said the list was incomplete.
fn page(c: &Client, op: &str, since: i64, system: Option<&str>) -> (Vec<Row>, bool) {
    let filter = system
        .map(|s| format!("<SystemId>{s}</SystemId>"))
        .unwrap_or_default();
    let a = c.call(
        op,
        &format!("<CurrentTransactionId>{since}</CurrentTransactionId>{filter}"),
    );
    a.ok();
    let tag = if op.ends_with("WithExternalId") {
        "TransactionWithExternalId"
    } else {
        "Transaction"
    };
    let all = rows(&a, tag);
    let incomplete = all.iter().any(|r| r.kind == "ListIncomplete");
    if incomplete {
        assert_eq!(
            all.last().unwrap().kind,
            "ListIncomplete",
            "marker comes last"
        );
    }
    (
        all.into_iter()
            .filter(|r| r.kind != "ListIncomplete")
            .collect(),
        incomplete,
    )
}

/// What a replication client does: ask from its last id until the list is complete.
fn catch_up(c: &Client, since: i64, system: Option<&str>) -> (Vec<Row>, usize) {
    let (mut out, mut cursor, mut calls) = (Vec::new(), since, 0);
    loop {
        let (rows, incomplete) = page(c, "GetTransactionsSince", cursor, system);
        calls += 1;
        if let Some(last) = rows.last() {
            cursor = last.id;
        }
        out.extend(rows);
        if !incomplete {
            return (out, calls);
        }
    }
}

#[test]
fn paging_filtering_and_unknown_ids() {
    for b in backends() {
        let s = Server::start_with(
            b,
            Options {
                transactions_page_size: 3,
                ..Options::default()
            },
        );
        let c = Client::new(&s);
        // Seven changes: four bookings (two with system 2), one update, two deletions.
        let mut ids = Vec::new();
        for (i, parts) in [tms(1), tms(2) + &tms(3), tms(4), tms(2)]
            .iter()
            .enumerate()
        {
            let start = 60 + 100 * i as i64;
            let a = c.save(&conference(start, start + 30, parts), "Strict");
            a.ok();
            ids.push(a.get("ConferenceId").unwrap());
        }
        c.save(
            &format!(
                "<ConferenceId>{}</ConferenceId><Title>Moved</Title><Version>1</Version>",
                ids[0]
            ),
            "Strict",
        )
        .ok();
        for id in [&ids[1], &ids[2]] {
            c.call(
                "DeleteConferenceById",
                &format!("<ConferenceId>{id}</ConferenceId>"),
            )
            .ok();
        }

        let (all, calls) = catch_up(&c, 0, None);
        assert_eq!(calls, 3, "7 rows in pages of 3");
        let kinds: Vec<&str> = all.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["New", "New", "New", "New", "Updated", "Deleted", "Deleted"]
        );
        let tids: Vec<i64> = all.iter().map(|r| r.id).collect();
        assert!(tids.windows(2).all(|w| w[0] < w[1]), "{tids:?}");
        assert_eq!(all[4].conference, ids[0]);

        // The given id is excluded.
        let (after, _) = page(&c, "GetTransactionsSince", tids[4], None);
        assert_eq!(after.iter().map(|r| r.id).collect::<Vec<_>>(), tids[5..]);
        let (none, incomplete) = page(&c, "GetTransactionsSince", tids[6], None);
        assert!(none.is_empty() && !incomplete);

        // Only changes of meetings that involve system 2.
        let (two, _) = catch_up(&c, 0, Some("2"));
        let confs: Vec<&str> = two.iter().map(|r| r.conference.as_str()).collect();
        assert_eq!(confs, [&ids[1], &ids[3], &ids[1]]);

        // The same log with the client's own ids.
        let (with_ext, incomplete) = page(&c, "GetTransactionsSinceWithExternalId", 0, None);
        assert!(incomplete);
        assert_eq!(with_ext, all[..3]);

        // An id that never existed is an error, as TMS answers for an unknown transaction.
        let a = c.call(
            "GetTransactionsSince",
            "<CurrentTransactionId>987654</CurrentTransactionId>",
        );
        a.fault(code::MEETINGNOTFOUND);
        c.call(
            "GetTransactionsSince",
            "<CurrentTransactionId>0</CurrentTransactionId><SystemId>nine</SystemId>",
        )
        .fault(code::SYSTEMNOTFOUND);
    }
}

#[test]
fn a_concurrent_reader_never_skips_a_transaction() {
    const WRITERS: i64 = 4;
    const BOOKINGS: i64 = 12;
    for b in backends() {
        let s = Server::start_with(
            b,
            Options {
                transactions_page_size: 5,
                ..Options::default()
            },
        );
        let done = AtomicBool::new(false);
        let seen = Mutex::new(Vec::<Row>::new());
        let written = Mutex::new(0usize);
        std::thread::scope(|scope| {
            for w in 0..WRITERS {
                let (s, written) = (&s, &written);
                scope.spawn(move || {
                    let c = Client::new(s);
                    for i in 0..BOOKINGS {
                        // Own slot on a shared system: no conflicts, but the same rows hot.
                        let start = 60 + (w * BOOKINGS + i) * 40;
                        let a = c.save(&conference(start, start + 30, &tms(1 + w % 2)), "Strict");
                        a.ok();
                        let id = a.get("ConferenceId").unwrap();
                        let mut n = 1;
                        if i % 2 == 0 {
                            c.save(
                                &format!("<ConferenceId>{id}</ConferenceId><Title>T{i}</Title>"),
                                "Strict",
                            )
                            .ok();
                            n += 1;
                        }
                        if i % 3 == 0 {
                            c.call(
                                "DeleteConferenceById",
                                &format!("<ConferenceId>{id}</ConferenceId>"),
                            )
                            .ok();
                            n += 1;
                        }
                        *written.lock().unwrap() += n;
                    }
                });
            }
            let (s, done, seen) = (&s, &done, &seen);
            scope.spawn(move || {
                let c = Client::new(s);
                let mut cursor = 0;
                loop {
                    // Read the flag first: a pass that starts after the writers finished
                    // sees everything they wrote.
                    let finished = done.load(Ordering::SeqCst);
                    let (rows, _) = catch_up(&c, cursor, None);
                    if let Some(last) = rows.last() {
                        assert!(last.id > cursor);
                        cursor = last.id;
                    }
                    seen.lock().unwrap().extend(rows);
                    if finished {
                        return;
                    }
                }
            });
            // The scope joins the writers when it ends; signal the reader once they have.
            scope.spawn(|| loop {
                if *written.lock().unwrap() as i64 == expected_changes(WRITERS, BOOKINGS) {
                    done.store(true, Ordering::SeqCst);
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            });
        });

        let seen = seen.into_inner().unwrap();
        let c = Client::new(&s);
        let (log, _) = catch_up(&c, 0, None);
        let written = written.into_inner().unwrap();
        assert_eq!(log.len(), written, "one log row per change");
        let ids: Vec<i64> = seen.iter().map(|r| r.id).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "reader saw ids in order"
        );
        let seen_set: BTreeSet<i64> = ids.into_iter().collect();
        let log_set: BTreeSet<i64> = log.iter().map(|r| r.id).collect();
        let skipped: Vec<_> = log_set.difference(&seen_set).collect();
        assert!(skipped.is_empty(), "{b:?}: the reader skipped {skipped:?}");
        assert_eq!(seen, log, "{b:?}: the reader's copy equals the log");
    }
}

fn expected_changes(writers: i64, bookings: i64) -> i64 {
    let per_writer: i64 = (0..bookings)
        .map(|i| 1 + (i % 2 == 0) as i64 + (i % 3 == 0) as i64)
        .sum();
    writers * per_writer
}
