//! Single-meeting booking as a client sees it: save, read, update, end, delete, conflicts
//! and the documented refusals, on every backend.
mod common;
use common::*;

fn each_backend(f: impl Fn(&Server)) {
    for b in backends() {
        let s = Server::start(b);
        eprintln!("backend {b:?}");
        f(&s);
    }
}

#[test]
fn book_read_update_end_delete() {
    each_backend(|s| {
        let c = Client::new(s);
        let saved = c.save(&conference(60, 90, &(tms(1) + &tms(2))), "Strict");
        saved.ok();
        let id = saved.get("ConferenceId").unwrap();
        assert_eq!(saved.get("Status").as_deref(), Some("Pending"));
        assert_eq!(saved.get("Version").as_deref(), Some("1"));
        assert_eq!(saved.get("OwnerUserName").as_deref(), Some(USER));

        let read = c.get(&id);
        read.ok();
        assert_eq!(read.get("Title").as_deref(), Some("Test meeting"));
        assert_eq!(read.all("ParticipantId"), vec!["1", "2"]);

        // Update with the right version, then with the stale one.
        let update = |version: &str, title: &str| {
            c.save(
                &format!("<ConferenceId>{id}</ConferenceId><Title>{title}</Title><Version>{version}</Version>"),
                "Strict",
            )
        };
        let u = update("1", "Renamed");
        u.ok();
        assert_eq!(u.get("Version").as_deref(), Some("2"));
        assert_eq!(u.get("Title").as_deref(), Some("Renamed"));
        assert_eq!(
            u.all("ParticipantId"),
            vec!["1", "2"],
            "participants kept when absent"
        );
        update("1", "Stale").fault(code::CONCURRENT_MODIFICATION);
        assert_eq!(c.get(&id).get("Title").as_deref(), Some("Renamed"));

        // Ending a pending meeting is refused; a running one ends now.
        c.call(
            "EndConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .fault(code::MEETINGNOTACTIVE);
        let running = c.save(&conference(-5, 30, &tms(3)), "Strict");
        running.ok();
        let rid = running.get("ConferenceId").unwrap();
        assert_eq!(running.get("Status").as_deref(), Some("Ongoing"));
        c.call(
            "EndConferenceById",
            &format!("<ConferenceId>{rid}</ConferenceId>"),
        )
        .ok();
        let ended = c.get(&rid);
        assert_eq!(ended.get("Status").as_deref(), Some("Finished"));
        let end = ended.get("EndTimeUTC").unwrap();
        assert!(end <= at(0), "end time set to now: {end}");
        // The system is free again once the meeting has ended.
        c.save(&conference(1, 20, &tms(3)), "Strict").ok();

        // Delete; the booking stays readable as Deleted.
        c.call(
            "DeleteConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .ok();
        assert_eq!(c.get(&id).get("Status").as_deref(), Some("Deleted"));
        c.call(
            "EndConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
        .fault(code::MEETINGISDELETED);
        update("3", "Back").fault(code::MEETINGISDELETED);
        // Its systems are free again.
        c.save(&conference(60, 90, &(tms(1) + &tms(2))), "Strict")
            .ok();
        c.get("99999").fault(code::MEETINGNOTFOUND);
        c.call("DeleteConferenceById", "<ConferenceId>99999</ConferenceId>")
            .fault(code::MEETINGNOTFOUND);
        c.save("<ConferenceId>99999</ConferenceId>", "Strict")
            .fault(code::MEETINGNOTFOUND);
    });
}

#[test]
fn conflicts_strict_and_best_effort() {
    each_backend(|s| {
        let c = Client::new(s);
        let first = c.save(&conference(120, 180, &(tms(1) + &tms(2))), "Strict");
        first.ok();
        let first_id = first.get("ConferenceId").unwrap();

        let clash = conference(150, 200, &(tms(2) + &tms(3)));
        c.save(&clash, "Strict").fault(code::SYSTEM_ALREADY_BOOKED);
        // Back to back is not a clash.
        c.save(&conference(180, 200, &tms(1)), "Strict").ok();

        let defective = c.save(&clash, "BestEffortForced");
        defective.ok();
        assert_eq!(defective.get("Status").as_deref(), Some("Defective"));
        let did = defective.get("ConferenceId").unwrap();
        // A Defective booking from an endpoint conflict holds no system: system 3 is free.
        c.save(&conference(150, 200, &tms(3)), "Strict").ok();

        // Moving the first meeting away lets the defective one heal on its next save.
        let v = c.get(&first_id).get("Version").unwrap();
        c.save(
            &format!("<ConferenceId>{first_id}</ConferenceId><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Version>{v}</Version>", at(300), at(360)),
            "Strict",
        )
        .ok();
        let healed = c.save(
            &format!(
                "<ConferenceId>{did}</ConferenceId><Participants>{}</Participants>",
                tms(2)
            ),
            "BestEffortForced",
        );
        healed.ok();
        assert_eq!(
            healed.get("Status").as_deref(),
            Some("Pending"),
            "{}",
            healed.body
        );

        // SaveConference is Strict.
        c.call(
            "SaveConference",
            &format!("<Conference>{}</Conference>", conference(300, 330, &tms(1))),
        )
        .fault(code::SYSTEM_ALREADY_BOOKED);
    });
}

#[test]
fn meetings_that_need_a_bridge() {
    each_backend(|s| {
        let c = Client::new(s);
        let three = tms(1) + &tms(2) + &tms(3);
        c.save(&conference(60, 90, &three), "Strict")
            .fault(code::NOT_ENOUGH_MCU_RESOURCES);
        let dial_in = tms(1) + &external("SIP <-", "Guest");
        c.save(&conference(60, 90, &dial_in), "Strict")
            .fault(code::NOT_ENOUGH_MCU_RESOURCES);
        let d = c.save(&conference(60, 90, &three), "BestEffortForced");
        d.ok();
        assert_eq!(d.get("Status").as_deref(), Some("Defective"));
        // A routing problem keeps the systems reserved.
        c.save(&conference(70, 80, &tms(2)), "Strict")
            .fault(code::SYSTEM_ALREADY_BOOKED);
        // Reservation Only needs no route; externally hosted needs no bridge.
        c.save(
            &(conference(100, 110, &three) + "<ConferenceType>Reservation Only</ConferenceType>"),
            "Strict",
        )
        .ok();
        let hosted = c.save(
            &(conference(120, 130, &three)
                + "<ExternalConference><ExternallyHosted><DialString>meet@partner.example</DialString></ExternallyHosted></ExternalConference>"),
            "Strict",
        );
        hosted.ok();
        assert_eq!(
            hosted.get("DialString").as_deref(),
            Some("meet@partner.example")
        );
        // Dial-ins get negative ids, dial-outs positive ones.
        let d = c.save(&conference(140, 150, &dial_in), "BestEffortForced");
        assert_eq!(d.all("ParticipantId"), vec!["1", "-1"]);
    });
}

/// A RecurrencePattern element of `frequency` with `rest` inside.
fn pattern(frequency: &str, rest: &str) -> String {
    format!("<RecurrencePattern><FrequencyType>{frequency}</FrequencyType><Interval>1</Interval>{rest}</RecurrencePattern>")
}

#[test]
fn documented_refusals() {
    each_backend(|s| {
        let c = Client::new(s);
        let table: Vec<(&str, String, i64)> = vec![
            ("start after end", conference(90, 60, &tms(1)), code::START_TIME_AFTER_END_TIME),
            ("in the past", conference(-90, -60, &tms(1)), code::CANNOTBOOKINTHEPAST),
            ("outside the window", conference(60 * 24 * 400, 60 * 24 * 400 + 60, &tms(1)), code::START_TIME_AFTER_MAX_NUMBER_OF_DAYS_IN_FUTURE),
            ("not UTC", conference(60, 90, &tms(1)).replacen("Z</StartTimeUTC>", "+01:00</StartTimeUTC>", 1), code::INVALID_DATETIME_FORMAT),
            ("unknown system", conference(60, 90, &tms(42)), code::SYSTEMNOTFOUND),
            ("system closed to booking", conference(60, 90, &tms(5)), code::SYSTEM_NOT_ALLOWED_IN_BOOKING),
            ("dial-out without number", conference(60, 90, &(tms(1) + "<Participant><ParticipantCallType>SIP -&gt;</ParticipantCallType></Participant>")), -2147218251),
            ("dial-in on Reservation Only", conference(60, 90, &(tms(1) + &external("IP Video <-", "x"))) + "<ConferenceType>Reservation Only</ConferenceType>", code::CANNOT_ADD_PARTICIPANT),
            ("master not a participant", conference(60, 90, &(tms(1) + "<Participant><ParticipantId>2</ParticipantId><ParticipantCallType>TMS Master Participant</ParticipantCallType></Participant>")), code::PARTICIPANT_ERROR),
            ("reserved source", conference(60, 90, &tms(1)) + "<ExternalSourceId>TMS</ExternalSourceId><ExternalPrimaryKey>k</ExternalPrimaryKey>", code::UNKNOWN),
            ("reserved meeting source", conference(60, 90, &tms(1)) + "<MeetingSource>EX:PROXY</MeetingSource>", code::UNKNOWN),
            ("title too long", conference(60, 90, &tms(1)).replace("Test meeting", &"t".repeat(256)), code::UNKNOWN),
            ("a never-ending series", conference(60, 90, &tms(1)) + &pattern("Daily", "<PatternEndType>EndNever</PatternEndType>"), code::NEVER_ENDING_RECURRENCE_NOT_SUPPORTED),
            ("an hourly series", conference(60, 90, &tms(1)) + &pattern("Hourly", "<PatternEndType>EndByInstances</PatternEndType><PatternInstances>3</PatternInstances>"), code::UNSUPPORTED_RECURRENCE),
            ("101 occurrences", conference(60, 90, &tms(1)) + &pattern("Daily", "<PatternEndType>EndByInstances</PatternEndType><PatternInstances>101</PatternInstances>"), code::UNSUPPORTED_RECURRENCE),
            ("both month day and position", conference(60, 90, &tms(1)) + &pattern("Monthly", "<BySetPosition>2</BySetPosition><ByMonthDay>3</ByMonthDay><DaysOfWeek><DayOfWeek>Monday</DayOfWeek></DaysOfWeek><PatternEndType>EndByInstances</PatternEndType><PatternInstances>3</PatternInstances>"), code::UNSUPPORTED_RECURRENCE),
            ("occurrences past the booking window", conference(60, 90, &tms(1)) + &pattern("Monthly", "<ByMonthDay>1</ByMonthDay><PatternEndType>EndByInstances</PatternEndType><PatternInstances>24</PatternInstances>"), code::START_TIME_AFTER_MAX_NUMBER_OF_DAYS_IN_FUTURE),
        ];
        for (name, conf, want) in &table {
            let a = c.save(conf, "BestEffortForced");
            assert_eq!(a.status, 500, "{name}: {}", a.body);
            assert_eq!(a.error_code(), Some(*want), "{name}: {}", a.body);
        }
        // Nothing of it was written.
        let t = c.call(
            "GetTransactionsSince",
            "<CurrentTransactionId>0</CurrentTransactionId>",
        );
        assert!(t.all("TransactionId").is_empty(), "{}", t.body);

        // Quotes are discarded from titles; an ongoing meeting cannot move its start.
        let q = c.save(
            &conference(60, 90, &tms(1)).replace("Test meeting", "Bob's \"big\" day"),
            "Strict",
        );
        assert_eq!(q.get("Title").as_deref(), Some("Bobs big day"));
        let running = c.save(&conference(-10, 30, &tms(2)), "Strict");
        let rid = running.get("ConferenceId").unwrap();
        c.save(
            &format!(
                "<ConferenceId>{rid}</ConferenceId><StartTimeUTC>{}</StartTimeUTC>",
                at(-5)
            ),
            "Strict",
        )
        .fault(code::MEETINGACTIVE);
        // Extending it is fine.
        c.save(
            &format!(
                "<ConferenceId>{rid}</ConferenceId><EndTimeUTC>{}</EndTimeUTC>",
                at(45)
            ),
            "Strict",
        )
        .ok();
    });
}

#[test]
fn external_ids_and_listings() {
    each_backend(|s| {
        let c = Client::new(s);
        let ext = "<ExternalSourceId>exchange-1</ExternalSourceId><ExternalPrimaryKey>AAMk-42</ExternalPrimaryKey>";
        let a = c.save(&(conference(60, 90, &tms(1)) + ext), "Strict");
        a.ok();
        let id = a.get("ConferenceId").unwrap();
        // Saving again with the same external ids updates, whatever ConferenceId says.
        let again = c.save(&(conference(60, 100, &tms(1)) + ext), "Strict");
        assert_eq!(again.get("ConferenceId"), Some(id.clone()));
        assert_eq!(again.get("Version").as_deref(), Some("2"));
        let by_ext = "<ExternalSourceId>exchange-1</ExternalSourceId><ExternalConferenceId>AAMk-42</ExternalConferenceId>";
        assert_eq!(
            c.call("GetConferenceIdByExternalId", by_ext)
                .get("GetConferenceIdByExternalIdResult"),
            Some(id.clone())
        );
        assert_eq!(
            c.call("GetConferenceByExternalId", by_ext)
                .get("ConferenceId"),
            Some(id.clone())
        );
        c.call(
            "GetConferenceIdByExternalId",
            "<ExternalSourceId>exchange-1</ExternalSourceId><ExternalConferenceId>nope</ExternalConferenceId>",
        )
        .fault(code::MEETINGNOTFOUND);
        c.call("EndConferenceByExternalId", by_ext)
            .fault(code::MEETINGNOTACTIVE);

        let other = c.save(&conference(200, 230, &tms(2)), "Strict");
        let other_id = other.get("ConferenceId").unwrap();
        let window = format!(
            "<StartTime>{}</StartTime><EndTime>{}</EndTime>",
            at(0).replace(' ', "T"),
            at(24 * 60).replace(' ', "T")
        );
        let for_sys = c.call(
            "GetConferencesForSystems",
            &format!("<SystemIds>1</SystemIds>{window}<ConferenceStatus>AllExceptDeleted</ConferenceStatus>"),
        );
        for_sys.ok();
        assert_eq!(for_sys.all("ConferenceId"), vec![id.clone()]);
        assert!(
            for_sys.get("Participants").is_none(),
            "listings leave participants out"
        );
        let for_user = c.call(
            "GetConferencesForUser",
            &format!("<UserName></UserName>{window}<ConferenceStatus>Pending</ConferenceStatus>"),
        );
        assert_eq!(
            for_user.all("ConferenceId"),
            vec![id.clone(), other_id.clone()]
        );
        c.call("DeleteConferenceByExternalId", by_ext).ok();
        let pending = c.call(
            "GetConferencesForUser",
            &format!("<UserName>svc</UserName>{window}<ConferenceStatus>PendingAndOngoing</ConferenceStatus>"),
        );
        assert_eq!(pending.all("ConferenceId"), vec![other_id.clone()]);
        let deleted = c.call(
            "GetConferencesForUser",
            &format!(
                "<UserName>svc</UserName>{window}<ConferenceStatus>Deleted</ConferenceStatus>"
            ),
        );
        assert_eq!(deleted.all("ConferenceId"), vec![id.clone()]);
        c.call(
            "GetConferencesForUser",
            &format!("<UserName>nobody</UserName>{window}<ConferenceStatus>All</ConferenceStatus>"),
        )
        .fault(code::ERR_USER_NOT_FOUND);
        c.call(
            "GetConferencesForSystems",
            &format!("<SystemIds>77</SystemIds>{window}<ConferenceStatus>All</ConferenceStatus>"),
        )
        .fault(code::SYSTEMNOTFOUND);

        // Owner looked up by user name.
        let owned = c.save(
            &(conference(400, 430, &tms(4))
                + "<OwnerId>-1</OwnerId><OwnerUserName>alice</OwnerUserName>"),
            "Strict",
        );
        assert_eq!(owned.get("OwnerUserName").as_deref(), Some("alice"));
        assert_eq!(
            owned.get("OwnerEmailAddress").as_deref(),
            Some("alice@example.com")
        );
    });
}

#[test]
fn default_conference_and_remote_setup() {
    each_backend(|s| {
        let c = Client::new(s);
        let d = c.call("GetDefaultConference", "");
        d.ok();
        assert_eq!(d.get("ConferenceId").as_deref(), Some("-1"));
        assert_eq!(
            d.get("ConferenceType").as_deref(),
            Some("Automatic Call Launch")
        );
        assert_eq!(d.get("ConfAPIVersion").as_deref(), Some("23"));
        assert_eq!(d.get("Participants").as_deref(), Some(""));
        assert!(c.remote("IsAlive", "").body.contains(">true<"));
        let systems = c.remote("GetSystems", "");
        assert_eq!(systems.all("SystemId"), vec!["1", "2", "3", "4", "5"]);
        assert_eq!(systems.all("systemCategory")[1], "Room");
        let mine = c.remote("GetSystemsForUser", "");
        assert_eq!(mine.all("SystemId"), vec!["1", "2", "3", "4"]);
        let one = c.remote("GetSystemById", "<TMSSystemId>1</TMSSystemId>");
        assert_eq!(one.get("SIPUri").as_deref(), Some("oslo@example.com"));
        // The reference's TimeZone object, filled from the system's zone (Europe/Oslo).
        assert_eq!(one.get("GMTOffset").as_deref(), Some("+01:00"));
        assert!(one.get("TimezoneName").unwrap().contains("Amsterdam"));
        let dst = one.get("StartTimeDTS").unwrap();
        assert!(dst.ends_with(" 01:00:00Z") && dst.contains("-03-"), "{dst}");
        assert_eq!(one.get("systemStatus").as_deref(), Some("Unknown"));
        // What administrators configure about a room.
        let room = c.remote("GetSystemById", "<TMSSystemId>4</TMSSystemId>");
        assert_eq!(
            room.get("Contact").as_deref(),
            Some("facilities@example.com")
        );
        assert_eq!(
            room.get("Location").as_deref(),
            Some("Stavanger, 2nd floor")
        );
        assert_eq!(room.get("ISDNNumber").as_deref(), Some("+4751000000"));
        assert_eq!(room.get("GMTOffset").as_deref(), Some("-06:00"));
        c.remote("GetSystemById", "<TMSSystemId>9</TMSSystemId>")
            .fault(code::SYSTEMNOTFOUND);
    });
}

#[test]
fn simultaneous_bookings_of_one_room() {
    const CLIENTS: usize = 8;
    each_backend(|s| {
        for (mode, start) in [("Strict", 300), ("BestEffortForced", 400)] {
            let barrier = std::sync::Barrier::new(CLIENTS);
            let answers: Vec<Answer> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..CLIENTS)
                    .map(|_| {
                        let barrier = &barrier;
                        scope.spawn(move || {
                            let c = Client::new(s);
                            let body = conference(start, start + 30, &tms(4));
                            barrier.wait();
                            c.save(&body, mode)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let won = answers
                .iter()
                .filter(|a| a.status == 200 && a.get("Status").as_deref() == Some("Pending"))
                .count();
            assert_eq!(won, 1, "{mode}: exactly one booking holds the room");
            for a in answers
                .iter()
                .filter(|a| a.get("Status").as_deref() != Some("Pending"))
            {
                match mode {
                    "Strict" => {
                        a.fault(code::SYSTEM_ALREADY_BOOKED);
                    }
                    _ => {
                        a.ok();
                        assert_eq!(a.get("Status").as_deref(), Some("Defective"), "{}", a.body);
                    }
                }
            }
        }
    });
}

#[test]
fn occurrences_named_by_recurrence_id() {
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    let saved = c.save(
        &format!(
            "{}<ExternalSourceId>exchange-1</ExternalSourceId><ExternalPrimaryKey>AAMk-7</ExternalPrimaryKey>",
            conference(-5, 30, &tms(1))
        ),
        "Strict",
    );
    saved.ok();
    let id = saved.get("ConferenceId").unwrap();
    let start = saved.get("StartTimeUTC").unwrap();
    let by = |op: &str, recurrence: &str| {
        c.call(
            op,
            &format!("<ExternalSourceId>exchange-1</ExternalSourceId><ExternalConferenceId>AAMk-7</ExternalConferenceId><RecurrenceIdUTC>{recurrence}</RecurrenceIdUTC>"),
        )
    };
    let other_day = "2031-01-01 00:00:00Z";
    by("GetConferenceIdByExternalId", other_day).fault(code::INSTANCE_NOT_FOUND_WITHIN_PATTERN);
    by("EndConferenceByExternalId", other_day).fault(code::INSTANCE_NOT_FOUND_WITHIN_PATTERN);
    assert_eq!(
        c.get(&id).get("Status").as_deref(),
        Some("Ongoing"),
        "not ended"
    );
    assert_eq!(
        by("GetConferenceIdByExternalId", &start).get("GetConferenceIdByExternalIdResult"),
        Some(id.clone())
    );
    by("EndConferenceByExternalId", &start).ok();
    assert_eq!(c.get(&id).get("Status").as_deref(), Some("Finished"));
}

/// ConferenceId and TransactionId are `xs:int` on the wire: the last id the contract
/// carries is handed out, the next save is refused whole, and the admin API warned first.
#[test]
fn no_id_is_handed_out_that_the_contract_cannot_carry() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    c.save(&conference(60, 90, &tms(1)), "Strict").ok();
    let mut db = diesel::sqlite::SqliteConnection::establish(s.database_url()).unwrap();
    db.batch_execute("UPDATE sqlite_sequence SET seq = 2147483646 WHERE name = 'conferences'")
        .unwrap();
    let ids = |s: &Server| -> serde_json::Value {
        let a = admin_call(s, USER, "GET", "/admin/api/ids", "");
        assert_eq!(a.status, 200, "{}", a.body);
        serde_json::from_str(&a.body).unwrap()
    };
    let last = c.save(&conference(120, 150, &tms(1)), "Strict");
    last.ok();
    assert_eq!(last.get("ConferenceId").as_deref(), Some("2147483647"));
    let v = ids(&s);
    assert_eq!(v["remaining"], 0, "{v}");
    assert_eq!(v["warning"], true, "{v}");
    let log = c.call(
        "GetTransactionsSince",
        "<CurrentTransactionId>0</CurrentTransactionId>",
    );
    let before = log.all("TransactionId").len();
    c.save(&conference(180, 210, &tms(2)), "Strict")
        .fault(code::DATABASE_DOWN);
    let after = c
        .call(
            "GetTransactionsSince",
            "<CurrentTransactionId>0</CurrentTransactionId>",
        )
        .all("TransactionId")
        .len();
    assert_eq!(after, before, "nothing written");
    assert!(c.get("-2147483648").body.contains("errorcode"));
}

/// A database that stays locked longer than the busy timeout is SERVER_BUSY, the code
/// clients retry on (the reference: "repeat the request at a later time"), not
/// DATABASE_DOWN; nothing is written, and the same save succeeds once the lock is gone.
#[test]
fn a_locked_database_is_server_busy() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let s = Server::start(Backend::Sqlite);
    let c = Client::new(&s);
    let mut db = diesel::sqlite::SqliteConnection::establish(s.database_url()).unwrap();
    db.batch_execute("BEGIN EXCLUSIVE").unwrap();
    let busy = c.save(&conference(60, 90, &tms(1)), "Strict");
    busy.fault(code::SERVER_BUSY);
    db.batch_execute("ROLLBACK").unwrap();
    let saved = c.save(&conference(60, 90, &tms(1)), "Strict");
    saved.ok();
    assert_eq!(
        saved.get("ConferenceId").as_deref(),
        Some("1"),
        "nothing was written before"
    );
}

/// A window in the middle of a long meeting lists it: the listing reads back as far as the
/// longest meeting stored, however short the others are.
#[test]
fn a_window_inside_a_long_meeting_lists_it() {
    for backend in backends() {
        let s = Server::start(backend);
        let c = Client::new(&s);
        let long = c.save(&conference(60, 60 + 3 * 24 * 60, &tms(1)), "Strict");
        long.ok();
        let long_id = long.get("ConferenceId").unwrap();
        let short = c.save(
            &conference(2 * 24 * 60, 2 * 24 * 60 + 30, &tms(2)),
            "Strict",
        );
        short.ok();
        let short_id = short.get("ConferenceId").unwrap();
        let window = |from: i64, to: i64| {
            format!(
                "<SystemIds>1</SystemIds><SystemIds>2</SystemIds><StartTime>{}</StartTime><EndTime>{}</EndTime><ConferenceStatus>All</ConferenceStatus>",
                at(from).replace(' ', "T"),
                at(to).replace(' ', "T")
            )
        };
        // Day 2, two days after the long one began: both.
        let day2 = c.call(
            "GetConferencesForSystems",
            &window(2 * 24 * 60 - 60, 2 * 24 * 60 + 60),
        );
        day2.ok();
        assert_eq!(
            day2.all("ConferenceId"),
            vec![long_id.clone(), short_id.clone()],
            "{backend:?}"
        );
        // After the long one ended: neither.
        let after = c.call(
            "GetConferencesForSystems",
            &window(4 * 24 * 60, 5 * 24 * 60),
        );
        assert!(after.all("ConferenceId").is_empty(), "{backend:?}");
    }
}
