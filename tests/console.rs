//! The web console as a person uses it: headless Chromium driven through chromedriver logs
//! in, follows meetings booked over SOAP from the day view to their page (route, calls,
//! jobs), disables a bridge and sees the meeting move, approves a request; forms without
//! their CSRF token are refused and users without rights see no admin actions. Plain HTTP
//! checks the cookie, the redirects and the idle timeout.
#[path = "common/browser.rs"]
mod browser;
mod common;

use bridgebook::sim::cms::CmsSim;
use browser::{click, has, log_in, page_text, run, run_with, snapshot, text};
use common::console_http::*;
use common::*;
use fantoccini::Locator;

/// The UTC date of a time `minutes` from now ("YYYY-MM-DD"): the day view to look at.
fn day_of(minutes: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(minutes))
        .format("%Y-%m-%d")
        .to_string()
}

fn titled(title: &str, start: i64, end: i64, participants: &str) -> String {
    conference(start, end, participants).replace("Test meeting", title)
}

/// Reloads `path` until its text holds `what` (the launcher works in the background).
async fn reload_until(c: &fantoccini::Client, url: &str, what: &str) {
    for _ in 0..100 {
        c.goto(url).await.unwrap();
        if page_text(c).await.contains(what) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("{url} never showed {what:?}: {}", page_text(c).await);
}

#[test]
fn an_administrator_follows_a_meeting_and_moves_it_off_a_disabled_bridge() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let osl = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let ber = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    // The bridges are the database's, added at runtime; one from the file is read-only.
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: bridge_table(
                "pexip-file",
                "pexip",
                "http://127.0.0.1:9",
                4,
                "file.example.com",
                "priority = 9",
            ),
            launcher: true,
            ..Options::default()
        },
    );
    add_bridge(
        &s,
        &bridge_json(
            "cms-osl",
            "meeting-server",
            &osl.base,
            40,
            8100,
            "osl.example.com",
            1,
        ),
    );
    add_bridge(
        &s,
        &bridge_json(
            "cms-ber",
            "meeting-server",
            &ber.base,
            40,
            8200,
            "ber.example.com",
            2,
        ),
    );
    let soap = Client::new(&s);
    // Live in a few seconds: the bridge calls Oslo's room and the dial-out.
    let live = format!(
        "<ConferenceId>-1</ConferenceId><Title>Board review</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{}</Participants>",
        seconds_from_now(3),
        seconds_from_now(1200),
        tms(1) + &external("SIP ->", "bob@partner.example")
    );
    let live_id = soap.save(&live, "Strict").ok().get("ConferenceId").unwrap();
    let later = soap
        .save(
            &titled("Planning", 60, 120, &(tms(2) + &external("SIP <-", ""))),
            "Strict",
        )
        .ok()
        .get("ConferenceId")
        .unwrap();
    let dial_ins = soap
        .save(
            &titled(
                "Dial-ins only",
                90,
                150,
                &(external("SIP <-", "") + &external("SIP <-", "")),
            ),
            "Strict",
        )
        .ok()
        .get("ConferenceId")
        .unwrap();
    let base = s.base.clone();
    let later2 = later.clone();
    run(async move {
        let later = later2;
        let c = browser::browser(&driver).await;
        log_in(&c, &base, USER, PASSWORD).await;

        // The day view lists every meeting, the one without a room in a lane of its own.
        c.goto(&format!("{base}/admin/?date={}", day_of(0)))
            .await
            .unwrap();
        assert!(page_text(&c).await.contains("Board review"));
        snapshot(&c, "console-day").await;
        c.goto(&format!("{base}/admin/?date={}", day_of(90)))
            .await
            .unwrap();
        let day = page_text(&c).await;
        assert!(day.contains("Dial-ins only"), "{day}");
        let source = c.source().await.unwrap();
        assert!(
            source.contains("No room (dial-in and dial-out only)"),
            "{source}"
        );
        // Searched for, only it is left.
        c.goto(&format!("{base}/admin/?date={}&q=dial-ins", day_of(90)))
            .await
            .unwrap();
        assert!(has(&c, &format!("a.meeting-link[data-id='{dial_ins}']")).await);
        assert!(!has(&c, &format!("a.meeting-link[data-id='{later}']")).await);

        // From the day view to the live meeting's page: its route, its jobs and its calls.
        c.goto(&format!("{base}/admin/?date={}", day_of(0)))
            .await
            .unwrap();
        click(&c, &format!("a.meeting-link[data-id='{live_id}']")).await;
        assert_eq!(text(&c, "#route-bridge").await, "cms-osl");
        let page = format!("{base}/admin/meetings/{live_id}");
        reload_until(&c, &page, "oslo@example.com").await;
        let calls = text(&c, "#calls").await;
        assert!(calls.contains("bob@partner.example"), "{calls}");
        assert!(text(&c, "#jobs").await.contains("provision"));
        assert!(text(&c, "#history").await.contains("New"));
        assert!(text(&c, "#dial-in").await.contains("osl.example.com"));
        snapshot(&c, "console-meeting").await;

        // Disabling Oslo's bridge moves the later meeting to Bergen's.
        let later_page = format!("{base}/admin/meetings/{later}");
        c.goto(&later_page).await.unwrap();
        assert_eq!(text(&c, "#route-bridge").await, "cms-osl");
        c.goto(&format!("{base}/admin/bridges")).await.unwrap();
        // Each bridge's planned load over the week, drawn: Oslo's holds the meetings,
        // Bergen's nothing yet.
        let charts = c.source().await.unwrap();
        assert_eq!(charts.matches("<svg class=\"load\"").count(), 3, "{charts}");
        assert_eq!(
            charts.matches("aria-label=\"peak 0 of 40\"").count(),
            1,
            "{charts}"
        );
        assert_eq!(charts.matches(" of 40\"").count(), 2, "{charts}");
        click(&c, "button.disable[data-name='cms-osl']").await;
        assert!(
            has(&c, "button.enable[data-name='cms-osl']").await,
            "{}",
            page_text(&c).await
        );
        // The file's bridge is shown, and only the file changes it.
        assert!(text(&c, "#bridges").await.contains("pexip-file"));
        assert!(!has(&c, "button[data-name='pexip-file']").await);
        snapshot(&c, "console-bridges").await;
        c.goto(&later_page).await.unwrap();
        assert_eq!(text(&c, "#route-bridge").await, "cms-ber");
        assert!(text(&c, "#history").await.contains("Updated"));

        // A form posted without its CSRF token changes nothing.
        c.execute(
            "document.querySelector('form[action$=\"/delete\"] input[name=_csrf]').remove()",
            vec![],
        )
        .await
        .unwrap();
        click(&c, "#delete").await;
        assert!(text(&c, "#problem").await.contains("security token"));
        c.goto(&later_page).await.unwrap();
        assert_eq!(text(&c, "#state").await, "pending");
        // With it, the meeting is deleted.
        click(&c, "#delete").await;
        assert_eq!(text(&c, "#state").await, "deleted");

        // Logged out, the console asks for a login again.
        click(&c, "#logout").await;
        assert!(has(&c, "#login").await);
        c.goto(&format!("{base}/admin/")).await.unwrap();
        assert!(has(&c, "#login").await);
        c.close().await.unwrap();
    });
    assert_eq!(
        soap.get(&later).get("Status").as_deref(),
        Some("Deleted"),
        "deleted for SOAP clients too"
    );
}

/// Users without Approve Meeting book requests; alice is one of them.
const REQUESTERS: &str = r#"
[[group]]
name = "Users"
permissions = ["booking"]
default = true
"#;

#[test]
fn requests_are_approved_and_plain_users_see_only_their_own_meetings() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: REQUESTERS.into(),
            ..Options::default()
        },
    );
    let admins = Client::new(&s)
        .save(&titled("Admin meeting", 60, 90, &tms(3)), "Strict")
        .ok()
        .get("ConferenceId")
        .unwrap();
    let alice = Client::as_user(&s, "alice", PASSWORD);
    let request = alice
        .save(&titled("Alice request", 60, 90, &tms(2)), "Strict")
        .ok()
        .get("ConferenceId")
        .unwrap();
    let base = s.base.clone();
    let request2 = request.clone();
    run(async move {
        let request = request2;
        // The administrator approves the request from the day view.
        let c = browser::browser(&driver).await;
        log_in(&c, &base, USER, PASSWORD).await;
        c.goto(&format!("{base}/admin/?date={}", day_of(60)))
            .await
            .unwrap();
        assert!(text(&c, "#requests").await.contains("Alice request"));
        snapshot(&c, "console-requests").await;
        click(
            &c,
            &format!("#requests a.meeting-link[data-id='{request}']"),
        )
        .await;
        assert_eq!(text(&c, "#state").await, "meeting_request");
        click(&c, "#approve").await;
        assert_eq!(text(&c, "#state").await, "pending");
        c.close().await.unwrap();

        // Alice sees her own meeting, nobody else's, and no action.
        let a = browser::browser(&driver).await;
        log_in(&a, &base, "alice", PASSWORD).await;
        a.goto(&format!("{base}/admin/?date={}", day_of(60)))
            .await
            .unwrap();
        let day = page_text(&a).await;
        assert!(day.contains("Alice request"), "{day}");
        assert!(!day.contains("Admin meeting"), "{day}");
        a.goto(&format!("{base}/admin/meetings/{request}"))
            .await
            .unwrap();
        assert_eq!(text(&a, "#state").await, "pending");
        assert!(!has(&a, "#actions").await, "no actions for a plain user");
        a.goto(&format!("{base}/admin/meetings/{admins}"))
            .await
            .unwrap();
        assert!(text(&a, "#problem").await.contains("not found"));
        a.goto(&format!("{base}/admin/bridges")).await.unwrap();
        assert!(!has(&a, "button.disable").await);
        assert!(has(&a, "#problem").await);
        // A change posted with her own valid token is still refused.
        a.goto(&format!("{base}/admin/meetings/{request}"))
            .await
            .unwrap();
        a.execute(
            &format!(
                "const f = document.createElement('form'); f.method = 'post';
                 f.action = '/admin/meetings/{request}/delete';
                 const t = document.querySelector('input[name=_csrf]').cloneNode();
                 f.appendChild(t); document.body.appendChild(f); f.submit();"
            ),
            vec![],
        )
        .await
        .unwrap();
        let refused = a
            .wait()
            .for_element(Locator::Css("#problem"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(refused.contains("Only site administrators"), "{refused}");
        a.close().await.unwrap();
    });
    assert_eq!(
        alice.get(&request).get("Status").as_deref(),
        Some("Pending")
    );
}

/// A plain HTTP client: no redirects followed, cookies handled by the test.
#[test]
fn logins_set_a_strict_cookie_and_idle_sessions_end() {
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: "[console]\nidle_seconds = 1\n".into(),
            ..Options::default()
        },
    );
    let a = agent();
    // The root and /admin lead to the console, which asks for a login first.
    let root = status_and(a.get(&s.url("/")).call());
    assert_eq!(
        (root.status(), root.header("Location")),
        (303, Some("/admin/"))
    );
    let day = status_and(a.get(&s.url("/admin/?date=2026-12-02")).call());
    assert_eq!(day.status(), 303);
    assert_eq!(
        day.header("Location"),
        Some("/admin/login?next=/admin/%3Fdate%3D2026-12-02")
    );
    let form = status_and(a.get(&s.url("/admin/login")).call());
    let (_, line) = set_cookie(&form, "bridgebook_login").unwrap();
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Strict"),
        "{line}"
    );
    assert_eq!(
        form.header("Content-Security-Policy")
            .map(|p| p.contains("script-src 'none'")),
        Some(true)
    );

    assert_eq!(http_login(&s, USER, "wrong").0, 401);
    let (status, cookie) = http_login(&s, USER, PASSWORD);
    assert_eq!(status, 303);
    let (session, line) = cookie.expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert!(!line.contains("Secure"), "not over plain HTTP: {line}");
    let week = status_and(
        a.get(&s.url("/admin/week"))
            .set("Cookie", &format!("bridgebook_session={session}"))
            .call(),
    );
    assert_eq!(week.status(), 200);
    // A form from a browser without a login is refused before its body is read.
    let anonymous = status_and(a.post(&s.url("/admin/logout")).send_form(&[("_csrf", "x")]));
    assert_eq!(anonymous.status(), 403);
    // Unused for longer than the idle time, the session is gone.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let later = status_and(
        a.get(&s.url("/admin/week"))
            .set("Cookie", &format!("bridgebook_session={session}"))
            .call(),
    );
    assert_eq!(later.status(), 303, "idle session ended");
}

#[test]
fn rooms_are_added_and_users_disabled_from_the_console() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let s = Server::start(Backend::Sqlite);
    let svc = Client::new(&s);
    // An integration's account, the database's (not the file's).
    svc.remote(
        "GenerateConferenceAPIUser",
        "<userNameBase>integ</userNameBase><encPassword>QXBpLXB3LTE=</encPassword><sendNotifications>false</sendNotifications>",
    )
    .ok();
    let integ = Client::as_user(&s, "BRIDGEBOOK\\integ", "Api-pw-1");
    assert_eq!(integ.call("GetDefaultConference", "").status, 200);
    let base = s.base.clone();
    let room_id = |name: &str| -> Option<String> {
        let systems = svc.remote("GetSystems", "");
        all(&systems.body, "TMSSystem")
            .into_iter()
            .find(|x| first(x, "SystemName").as_deref() == Some(name))
            .and_then(|x| first(&x, "SystemId"))
    };
    run({
        let base = base.clone();
        async move {
            let c = browser::browser(&driver).await;
            log_in(&c, &base, USER, PASSWORD).await;
            c.goto(&format!("{base}/admin/rooms")).await.unwrap();
            // The file's rooms are read-only.
            assert!(text(&c, "#rooms").await.contains("Oslo Fjord"));
            assert!(!has(&c, "button.retire[data-name='Oslo Fjord']").await);
            // A room the form refuses, with the reason; then a good one.
            let fill = |css: &'static str, value: &'static str| {
                let c = c.clone();
                async move {
                    c.find(Locator::Css(css))
                        .await
                        .unwrap()
                        .send_keys(value)
                        .await
                        .unwrap()
                }
            };
            fill("#room-name", "Hamar").await;
            fill("#room-sip", "not an address").await;
            click(&c, "#add").await;
            assert!(text(&c, "#problem").await.contains("SIP address"));
            c.goto(&format!("{base}/admin/rooms")).await.unwrap();
            fill("#room-name", "Hamar").await;
            fill("#room-sip", "hamar@example.com").await;
            click(&c, "#add").await;
            assert!(text(&c, "#rooms").await.contains("hamar@example.com"));
            snapshot(&c, "console-rooms").await;
            // Edited: a zone that does not exist is refused, the form kept; then saved.
            assert!(
                !has(&c, "a.edit[data-name='Oslo Fjord']").await,
                "the file's"
            );
            click(&c, "a.edit[data-name='Hamar']").await;
            let replace = |css: &'static str, value: &'static str| {
                let c = c.clone();
                async move {
                    let field = c.find(Locator::Css(css)).await.unwrap();
                    field.clear().await.unwrap();
                    field.send_keys(value).await.unwrap()
                }
            };
            replace("#room-sip", "hamar.room@example.com").await;
            replace("#room-zone", "Europe/Hamar").await;
            click(&c, "#save").await;
            assert!(text(&c, "#refused").await.contains("Europe/Hamar"));
            replace("#room-zone", "Europe/Oslo").await;
            click(&c, "#save").await;
            let rooms = text(&c, "#rooms").await;
            assert!(
                rooms.contains("hamar.room@example.com") && rooms.contains("Europe/Oslo"),
                "{rooms}"
            );

            // Disabling the integration's account.
            c.goto(&format!("{base}/admin/users")).await.unwrap();
            assert!(
                !has(&c, "button.disable[data-name='svc']").await,
                "the file's"
            );
            click(&c, "button.disable[data-name='integ']").await;
            assert!(has(&c, "button.enable[data-name='integ']").await);
            snapshot(&c, "console-users").await;
            c.close().await.unwrap();
        }
    });
    // The new room is booked over SOAP; the disabled account is refused at once.
    let hamar = room_id("Hamar").expect("the room added is listed");
    svc.save(&conference(60, 90, &tms(hamar.parse().unwrap())), "Strict")
        .ok();
    assert_eq!(integ.call("GetDefaultConference", "").status, 401);

    // Retired, the room is no longer listed.
    run(async move {
        let driver = browser::driver().unwrap();
        let c = browser::browser(&driver).await;
        log_in(&c, &base, USER, PASSWORD).await;
        c.goto(&format!("{base}/admin/rooms")).await.unwrap();
        click(&c, "button.retire[data-name='Hamar']").await;
        assert!(!text(&c, "#rooms").await.contains("Hamar"));
        c.close().await.unwrap();
    });
    assert_eq!(room_id("Hamar"), None);
}

#[test]
fn the_replication_log_and_the_licences_are_shown_to_readers() {
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            extra_config: "[licensing]\napplication_integration = 3\n".into(),
            ..Options::default()
        },
    );
    let c = Client::new(&s);
    let first = c
        .save(&titled("First", 60, 90, &tms(1)), "Strict")
        .ok()
        .get("ConferenceId")
        .unwrap();
    let second = c
        .save(&titled("Second", 60, 90, &tms(2)), "Strict")
        .ok()
        .get("ConferenceId")
        .unwrap();
    let (_, cookie) = http_login(&s, USER, PASSWORD);
    let (session, _) = cookie.unwrap();
    let (status, all) = page_as(&s, &session, "/admin/log");
    assert_eq!(status, 200);
    for id in [&first, &second] {
        assert!(all.contains(&format!("/admin/meetings/{id}\"")), "{all}");
    }
    let (_, one) = page_as(&s, &session, &format!("/admin/log?conference={first}"));
    assert!(one.contains(&format!("/admin/meetings/{first}\"")));
    assert!(
        !one.contains(&format!("/admin/meetings/{second}\"")),
        "{one}"
    );
    assert_eq!(page_as(&s, &session, "/admin/log?conference=x").0, 400);
    let (status, licences) = page_as(&s, &session, "/admin/licences");
    assert_eq!(status, 200);
    assert!(licences.contains("of 3 in use"), "{licences}");
    assert!(
        licences.contains(common::SESSION),
        "the SOAP client's session: {licences}"
    );
    // The settings in effect, each with where it came from, secrets hidden.
    let (status, settings) = page_as(&s, &session, "/admin/settings");
    assert_eq!(status, 200);
    assert!(
        settings.contains("<code>licensing.application_integration</code></td><td>3</td><td class=\"origin\">file</td>"),
        "{settings}"
    );
    assert!(settings.contains(
        "<code>console.idle_seconds</code></td><td>1800</td><td class=\"origin\">default</td>"
    ));
    assert!(!settings.contains("argon2"), "no password hash");
    // Not for users who only read their own meetings.
    let (_, cookie) = http_login(&s, "alice", PASSWORD);
    let (alice, _) = cookie.unwrap();
    assert_eq!(page_as(&s, &alice, "/admin/log").0, 403);
    assert_eq!(page_as(&s, &alice, "/admin/licences").0, 403);
    assert_eq!(page_as(&s, &alice, "/admin/settings").0, 403);
}

/// Ticks or unticks checkbox `css` (no page follows).
async fn tick(c: &fantoccini::Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The bridges as the admin API lists them, by name.
fn listed_bridge(s: &Server, name: &str) -> Option<serde_json::Value> {
    let a = admin_call(s, USER, "GET", "/admin/api/bridges", "");
    serde_json::from_str::<Vec<serde_json::Value>>(&a.body)
        .unwrap()
        .into_iter()
        .find(|b| b["name"] == name)
}

#[test]
fn bridges_are_added_and_edited_through_a_validating_form_and_a_dead_one_says_why() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let cms = CmsSim::start("127.0.0.1:0", "api", "api-secret").unwrap();
    let s = Server::start_with(
        Backend::Sqlite,
        Options {
            launcher: true,
            ..Options::default()
        },
    );
    // Nothing listens on the discard port: this bridge never answers.
    add_bridge(
        &s,
        &bridge_json(
            "dead",
            "pexip",
            "http://127.0.0.1:9",
            10,
            9000,
            "dead.example.com",
            5,
        ),
    );
    let base = s.base.clone();
    let cms_base = cms.base.clone();
    run(async move {
        let c = browser::browser(&driver).await;
        log_in(&c, &base, USER, PASSWORD).await;
        c.goto(&format!("{base}/admin/bridges")).await.unwrap();
        click(&c, "#add-bridge").await;
        let fill = |css: String, value: String| {
            let c = c.clone();
            async move {
                let field = c.find(Locator::Css(&css)).await.unwrap();
                field.clear().await.unwrap();
                field.send_keys(&value).await.unwrap()
            }
        };
        for (css, value) in [
            ("#bridge-name", "cms-form"),
            ("#bridge-address", cms_base.as_str()),
            ("#bridge-username", "api"),
            ("#bridge-password", "api-secret"),
            ("#bridge-capacity", "30"),
            ("#bridge-first", "7000"),
            ("#bridge-last", "70x9"),
            ("#bridge-sip-uri", "{number}@form.example.com"),
        ] {
            fill(css.into(), value.into()).await;
        }
        // Refused with the field named, and what was typed kept (the password is not).
        click(&c, "#save").await;
        assert!(text(&c, "#refused").await.contains("Last number"));
        snapshot(&c, "console-bridge-form").await;
        let name = c.find(Locator::Css("#bridge-name")).await.unwrap();
        assert_eq!(
            name.prop("value").await.unwrap().as_deref(),
            Some("cms-form")
        );
        fill("#bridge-last".into(), "7099".into()).await;
        fill("#bridge-password".into(), "api-secret".into()).await;
        click(&c, "#save").await;
        assert!(text(&c, "#bridges").await.contains("cms-form"));

        // Edited without its credentials: they are kept, so it still answers.
        click(&c, "tr:has(button[data-name='cms-form']) a.edit").await;
        assert_eq!(
            c.find(Locator::Css("#bridge-password"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some(""),
            "a stored password is never sent to the browser"
        );
        fill("#bridge-priority".into(), "3".into()).await;
        click(&c, "#save").await;
        reload_until(&c, &format!("{base}/admin/bridges"), "down since").await;
        snapshot(&c, "console-bridge-health").await;
        c.close().await.unwrap();
    });
    let added = listed_bridge(&s, "cms-form").expect("the bridge the form added");
    assert_eq!(added["family"], "meeting-server");
    assert_eq!(added["priority"], 3);
    assert_eq!(added["numbering"]["last"], 7099);
    // The kept credentials still log in: the bridge answers its health polls.
    for _ in 0..100 {
        if !listed_bridge(&s, "cms-form").unwrap()["health"].is_null() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let kept = listed_bridge(&s, "cms-form").unwrap();
    assert!(!kept["health"].is_null(), "{kept}");
    assert!(kept["down_since"].is_null(), "{kept}");
    // The dead one: since when, and why.
    let dead = listed_bridge(&s, "dead").unwrap();
    assert!(dead["down_since"].is_string(), "{dead}");
    assert!(
        dead["last_failure"]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty()),
        "{dead}"
    );
}

#[test]
fn users_are_added_put_in_groups_and_given_passwords_from_the_console() {
    let Some(driver) = browser::driver() else {
        return;
    };
    let s = Server::start(Backend::Sqlite);
    let base = s.base.clone();
    let carol_id = run_with(async move {
        let c = browser::browser(&driver).await;
        log_in(&c, &base, USER, PASSWORD).await;
        let fill = |css: &'static str, value: &'static str| {
            let c = c.clone();
            async move {
                let field = c.find(Locator::Css(css)).await.unwrap();
                field.clear().await.unwrap();
                field.send_keys(value).await.unwrap()
            }
        };
        // A group of readers; a second of the same name is refused.
        c.goto(&format!("{base}/admin/groups")).await.unwrap();
        assert!(!has(&c, "button.save-group[data-name='Site Administrators']").await);
        for _ in 0..2 {
            fill("#group-name", "Readers").await;
            tick(&c, "#add-group input[data-permission='read_all']").await;
            click(&c, "#add").await;
        }
        assert!(text(&c, "#refused").await.contains("exists already"));
        assert!(
            has(
                &c,
                "td input[data-group='Readers'][data-permission='read_all']:checked"
            )
            .await
        );
        snapshot(&c, "console-groups").await;

        // A user whose two passwords differ is refused, what was typed kept.
        c.goto(&format!("{base}/admin/users")).await.unwrap();
        click(&c, "#add-user").await;
        fill("#user-username", "carol").await;
        fill("#user-email", "carol@example.com").await;
        fill("#user-password", "Carol-pw-1").await;
        fill("#user-password-again", "Carol-pw-2").await;
        tick(&c, "input[data-name='Readers']").await;
        click(&c, "#add").await;
        assert!(text(&c, "#refused").await.contains("differ"));
        let name = c.find(Locator::Css("#user-username")).await.unwrap();
        assert_eq!(name.prop("value").await.unwrap().as_deref(), Some("carol"));
        assert!(has(&c, "input[data-name='Readers']:checked").await);
        fill("#user-password", "Carol-pw-1").await;
        fill("#user-password-again", "Carol-pw-1").await;
        click(&c, "#add").await;
        assert!(text(&c, "#done").await.contains("User added"));
        assert!(text(&c, "#permissions").await.contains("read_all"));
        let id = c
            .current_url()
            .await
            .unwrap()
            .path()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        snapshot(&c, "console-user").await;

        // The file's account is read-only here.
        c.goto(&format!("{base}/admin/users")).await.unwrap();
        click(&c, &format!("a.user[data-name='{USER}']")).await;
        assert!(!has(&c, "#user-groups").await && !has(&c, "#user-password").await);
        c.close().await.unwrap();
        id
    });
    let carol = |password: &str| Client::as_user(&s, "carol", password);
    assert_eq!(
        carol("Carol-pw-1").call("GetDefaultConference", "").status,
        200
    );

    let base = s.base.clone();
    run(async move {
        let driver = browser::driver().unwrap();
        let c = browser::browser(&driver).await;
        log_in(&c, &base, USER, PASSWORD).await;
        c.goto(&format!("{base}/admin/users/{carol_id}"))
            .await
            .unwrap();
        // Out of the readers: the permission goes with the group.
        tick(&c, "input[data-name='Readers']").await;
        click(&c, "#save-groups").await;
        assert!(text(&c, "#done").await.contains("Groups saved"));
        assert!(!text(&c, "#permissions").await.contains("read_all"));
        for (css, value) in [
            ("#new-password", "Carol-pw-3"),
            ("#new-password-again", "Carol-pw-3"),
        ] {
            c.find(Locator::Css(css))
                .await
                .unwrap()
                .send_keys(value)
                .await
                .unwrap();
        }
        click(&c, "#set-password").await;
        assert!(text(&c, "#done").await.contains("Password set"));
        c.close().await.unwrap();
    });
    // The old password stops working at once; the new one works.
    assert_eq!(
        carol("Carol-pw-1").call("GetDefaultConference", "").status,
        401
    );
    assert_eq!(
        carol("Carol-pw-3").call("GetDefaultConference", "").status,
        200
    );
    let listed = admin_call(&s, USER, "GET", "/admin/api/groups", "");
    assert!(listed.body.contains("Readers"), "{}", listed.body);
}

/// A login is kept in the database: it outlives a restart, another instance on the same
/// database knows it, and a logout on one ends it on every one.
#[test]
fn sessions_outlive_a_restart_and_are_known_to_every_instance() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let mut a = Server::start_on_sqlite_file(&db, Options::default());
    let (status, session) = http_login(&a, USER, PASSWORD);
    assert_eq!(status, 303);
    let (session, _) = session.expect("a session cookie");
    assert_eq!(page_as(&a, &session, "/admin/week").0, 200);

    a.restart(Options::default());
    let (status, html) = page_as(&a, &session, "/admin/week");
    assert_eq!(status, 200, "after a restart: {html}");

    let b = Server::start_on_sqlite_file(&db, Options::default());
    let (status, html) = page_as(&b, &session, "/admin/week");
    assert_eq!(status, 200, "on another instance: {html}");
    // Logged out on the second instance, the session is gone on the first too.
    let csrf = hidden(&html, "_csrf");
    let out = status_and(
        agent()
            .post(&b.url("/admin/logout"))
            .set("Cookie", &format!("bridgebook_session={session}"))
            .send_form(&[("_csrf", &csrf)]),
    );
    assert_eq!(out.status(), 303);
    let (status, _) = page_as(&a, &session, "/admin/week");
    assert_eq!(status, 303, "logged out everywhere: sent to log in");
}
