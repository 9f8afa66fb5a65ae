//! Users over SOAP: logins against a real LDAP server (slapd) and local accounts, owners
//! resolved the way the spec says, permissions, meeting requests and their approval.
mod common;
use common::slapd::Slapd;
use common::*;

/// Groups mapped from the test directory; the default group may book systems 1–3 only and
/// its bookings wait for approval.
fn groups() -> String {
    r#"
[[group]]
name = "Users"
permissions = ["booking"]
systems = [1, 2, 3]
default = true

[[group]]
name = "Video bookers"
permissions = ["booking", "approve"]
ldap_group = "cn=video-bookers,ou=groups,dc=example,dc=com"

[[group]]
name = "Booking services"
permissions = ["booking", "book_on_behalf", "update", "approve", "read_all"]
ldap_group = "cn=video-admins,ou=groups,dc=example,dc=com"

[[group]]
name = "Approvers"
permissions = ["booking", "approve", "read_all"]
ldap_group = "cn=approvers,ou=groups,dc=example,dc=com"
"#
    .to_string()
}

fn with_directory(slapd: &Slapd) -> String {
    format!(
        r#"
[directory]
domain = "EXAMPLE"
[directory.ldap]
url = "{}"
service_dn = "{}"
service_password = "{}"
search_base = "dc=example,dc=com"
user_filter = "(&(objectClass=inetOrgPerson)(uid={{user}}))"
mail_filter = "(&(objectClass=inetOrgPerson)(mail={{mail}}))"
"#,
        slapd.url,
        common::slapd::ADMIN_DN,
        common::slapd::ADMIN_PASSWORD
    ) + &groups()
}

/// These tests try wrong logins on purpose, more than the login throttle lets pass.
fn start(backend: Backend, extra: String) -> Server {
    Server::start_with(
        backend,
        Options {
            extra_config: extra + "\n[logins]\nfree_failures = 1000\n",
            ..Options::default()
        },
    )
}

fn owner(email: &str) -> String {
    format!("<OwnerEmailAddress>{email}</OwnerEmailAddress>")
}

fn meeting(start: i64, systems: &[i64], owner_xml: &str) -> String {
    let ps: String = systems.iter().map(|s| tms(*s)).collect();
    conference(start, start + 30, &ps)
        .replace("<Participants>", &format!("{owner_xml}<Participants>"))
}

fn status_of(c: &Client, id: &str) -> String {
    c.get(id).get("Status").unwrap_or_default()
}

#[test]
fn directory_logins_and_owners() {
    let slapd = Slapd::start();
    for backend in backends() {
        let s = start(backend, with_directory(&slapd));
        let bob = Client::as_user(&s, "bob", "bob-pw");
        // A directory login, in NT4 style too; wrong passwords, unknown users and filter
        // tricks are all 401.
        bob.remote("IsAlive", "").ok();
        Client::as_user(&s, "EXAMPLE\\bob", "bob-pw")
            .remote("IsAlive", "")
            .ok();
        for (user, pw) in [
            ("bob", "wrong"),
            ("bob", ""),
            ("nobody", "bob-pw"),
            ("*)(uid=*", "bob-pw"),
            ("*", "x"),
        ] {
            let a = Client::as_user(&s, user, pw).remote("IsAlive", "");
            assert_eq!(a.status, 401, "{user}");
        }
        // Bob is a video booker: he books for himself and needs no approval.
        assert_eq!(
            bob.remote("IsTMSBookOnBehalfUser", "")
                .get("IsTMSBookOnBehalfUserResult")
                .as_deref(),
            Some("false")
        );
        let own = bob.save(&meeting(60, &[1], ""), "Strict");
        own.ok();
        assert_eq!(own.get("OwnerUserName").as_deref(), Some("bob"));
        assert_eq!(own.get("Status").as_deref(), Some("Pending"));
        // ...but not for someone else.
        bob.save(&meeting(120, &[1], &owner("carol@example.com")), "Strict")
            .fault(code::SECURITY);

        // The booking service account books on behalf of people found in the directory.
        let svc = Client::as_user(&s, "svc-booking", "svc-pw");
        assert_eq!(
            svc.remote("IsTMSBookOnBehalfUser", "")
                .get("IsTMSBookOnBehalfUserResult")
                .as_deref(),
            Some("true")
        );
        let for_carol = svc.save(
            &meeting(120, &[2], &owner("c.danvers@example.com")),
            "Strict",
        );
        for_carol.ok();
        assert_eq!(for_carol.get("OwnerUserName").as_deref(), Some("carol"));
        assert_eq!(for_carol.get("OwnerFirstName").as_deref(), Some("Carol"));
        let by_name = svc.save(
            &meeting(
                180,
                &[2],
                "<OwnerId>-1</OwnerId><OwnerUserName>EXAMPLE\\bob</OwnerUserName>",
            ),
            "Strict",
        );
        assert_eq!(by_name.get("OwnerUserName").as_deref(), Some("bob"));
        svc.save(
            &meeting(
                240,
                &[2],
                "<OwnerId>-1</OwnerId><OwnerUserName>nobody</OwnerUserName>",
            ),
            "Strict",
        )
        .fault(code::ERR_USER_NOT_FOUND);
        svc.save(&meeting(240, &[2], "<OwnerId>99999</OwnerId>"), "Strict")
            .fault(code::ERR_USER_NOT_FOUND);
        // Someone the directory does not know: a user made from the address, in the
        // default group.
        let newcomer = svc.save(
            &meeting(
                300,
                &[3],
                "<OwnerFirstName>Nina</OwnerFirstName><OwnerLastName>New</OwnerLastName><OwnerEmailAddress>nina@partner.example</OwnerEmailAddress>",
            ),
            "Strict",
        );
        newcomer.ok();
        assert_eq!(
            newcomer.get("OwnerUserName").as_deref(),
            Some("nina@partner.example")
        );
        // A filter trick in an address finds nobody in the directory.
        let tricky = svc.save(
            &meeting(360, &[3], &owner("x*)(mail=*@example.com")),
            "Strict",
        );
        tricky.ok();
        assert_eq!(
            tricky.get("OwnerUserName").as_deref(),
            Some("x*)(mail=*@example.com")
        );

        let users = svc.remote("GetUsers", "");
        let names = users.all("UserName");
        for n in [
            "svc",
            "alice",
            "bob",
            "carol",
            "svc-booking",
            "nina@partner.example",
        ] {
            assert!(names.iter().any(|u| u == n), "{n} in {names:?}");
        }
        assert!(
            !users.body.contains("argon2") && !users.body.contains("pw"),
            "no secrets"
        );
    }
}

#[test]
fn permissions_and_meeting_requests() {
    for backend in backends() {
        let s = start(backend, groups());
        let svc = Client::new(&s);
        // alice is in the default group only: she may book systems 1–3, and her bookings
        // wait for approval, holding nothing.
        let alice = Client::as_user(&s, "alice", PASSWORD);
        let listed = alice.remote("GetSystemsForUser", "").all("SystemId");
        assert_eq!(listed, vec!["1", "2", "3"]);
        alice
            .save(&meeting(60, &[4], ""), "Strict")
            .fault(code::SYSTEM_NOT_ALLOWED_IN_BOOKING);
        let request = alice.save(&meeting(60, &[1], ""), "Strict");
        request.ok();
        assert_eq!(request.get("Status").as_deref(), Some("MeetingRequest"));
        let rid = request.get("ConferenceId").unwrap();
        // It holds nothing: the site administrator books the same system then.
        let taken = svc.save(&meeting(60, &[1], ""), "Strict");
        taken.ok();
        let tid = taken.get("ConferenceId").unwrap();
        // alice may neither read nor end nor delete someone else's booking (the reference:
        // NO_ACCESS_TO_CONFERENCE for a read, SECURITY for a change or a delete).
        alice.get(&tid).fault(code::NO_ACCESS_TO_CONFERENCE);
        for op in ["DeleteConferenceById", "EndConferenceById"] {
            alice
                .call(op, &format!("<ConferenceId>{tid}</ConferenceId>"))
                .fault(code::SECURITY);
        }
        // ...nor list someone else's bookings.
        alice
            .call(
                "GetConferencesForUser",
                &format!(
                    "<UserName>svc</UserName><StartTime>{}</StartTime><EndTime>{}</EndTime><ConferenceStatus>All</ConferenceStatus>",
                    at(0),
                    at(600)
                ),
            )
            .fault(code::NO_ACCESS_TO_CONFERENCE);
        // ...nor approve her own request.
        let refused = admin_call(
            &s,
            "alice",
            "POST",
            &format!("/admin/api/conferences/{rid}/approve"),
            "",
        );
        assert_eq!(refused.status, 403);
        // Approved now, it is checked as any booking: its system is taken, so Defective.
        let listed = admin_call(&s, USER, "GET", "/admin/api/requests", "");
        assert!(
            listed.body.contains(&format!("\"id\":{rid}")),
            "{}",
            listed.body
        );
        let approved = admin_call(
            &s,
            USER,
            "POST",
            &format!("/admin/api/conferences/{rid}/approve"),
            "",
        );
        assert_eq!(approved.status, 200, "{}", approved.body);
        assert_eq!(status_of(&alice, &rid), "Defective");

        // Another request, rejected.
        let second = alice.save(&meeting(200, &[2], ""), "Strict");
        let sid = second.get("ConferenceId").unwrap();
        admin_call(
            &s,
            USER,
            "POST",
            &format!("/admin/api/conferences/{sid}/reject"),
            "",
        );
        assert_eq!(status_of(&alice, &sid), "Rejected");
        let again = admin_call(
            &s,
            USER,
            "POST",
            &format!("/admin/api/conferences/{sid}/approve"),
            "",
        );
        assert_eq!(again.status, 400, "a rejected request is settled");

        // Remote setup: permission checks and API users.
        let r = |op: &str, args: &str| svc.remote(op, args).get(&format!("{op}Result"));
        assert_eq!(r("IsTMSSiteAdmin", "").as_deref(), Some("true"));
        assert_eq!(
            alice
                .remote("IsTMSSiteAdmin", "")
                .get("IsTMSSiteAdminResult")
                .as_deref(),
            Some("false")
        );
        let pw = "<encPassword>QXBpLXB3LTE=</encPassword><emailAddress>api@example.com</emailAddress><sendNotifications>false</sendNotifications>";
        let first = r(
            "GenerateConferenceAPIUser",
            &format!("<userNameBase>tms-api</userNameBase>{pw}"),
        );
        let second = r(
            "GenerateConferenceAPIUser",
            &format!("<userNameBase>tms-api</userNameBase>{pw}"),
        );
        assert_eq!(first.as_deref(), Some("BRIDGEBOOK\\tms-api"));
        assert_eq!(second.as_deref(), Some("BRIDGEBOOK\\tms-api1"));
        alice
            .remote(
                "GenerateConferenceAPIUser",
                &format!("<userNameBase>x</userNameBase>{pw}"),
            )
            .fault(code::SECURITY);
        // The generated account logs in with the decoded password, as a hidden site
        // administrator that may book on behalf of others.
        let api = Client::as_user(&s, "BRIDGEBOOK\\tms-api1", "Api-pw-1");
        assert_eq!(
            api.remote("IsTMSSiteAdmin", "")
                .get("IsTMSSiteAdminResult")
                .as_deref(),
            Some("true")
        );
        let id_of = |name: &str| {
            let users = svc.remote("GetUsers", "");
            all(&users.body, "User")
                .into_iter()
                .find(|u| first_tag(u, "UserName").as_deref() == Some(name))
                .map(|u| first_tag(&u, "IsHiddenUser"))
        };
        assert_eq!(id_of("tms-api1"), Some(Some("true".into())));
        svc.remote(
            "DisableConferenceAPIUser",
            "<userName>BRIDGEBOOK\\tms-api1</userName>",
        )
        .ok();
        // Disabled, as the name says, it can no longer log in, at once; it stays listed,
        // so references to it stay valid.
        assert_eq!(api.remote("IsTMSSiteAdmin", "").status, 401);
        assert_eq!(id_of("tms-api1"), Some(Some("true".into())));
        svc.remote(
            "DisableConferenceAPIUser",
            "<userName>BRIDGEBOOK\\nobody</userName>",
        )
        .fault(code::ERR_USER_NOT_FOUND);
        assert_eq!(
            r("SetPrimarySystem", "<primSys>2</primSys>").as_deref(),
            Some("true")
        );
        assert_eq!(
            r("SetPrimarySystem", "<primSys>77</primSys>").as_deref(),
            Some("false")
        );
        let languages = svc.remote("GetConferenceLanguages", "");
        assert!(languages.all("CultureInfo").contains(&"en-US".to_string()));
    }
}

fn first_tag(xml: &str, tag: &str) -> Option<String> {
    first(xml, tag)
}

#[test]
fn recording_aliases_follow_booking_rights() {
    let extra = groups()
        + r#"
[[system]]
id = 20
name = "Content Server"
category = "Recording"
sip_uri = "record@example.com"
e164_alias = "8800"
[[system]]
id = 21
name = "Archive recorder"
category = "Recording"
h323_id = "archive"
"#;
    let s = start(
        Backend::Sqlite,
        extra.replace("systems = [1, 2, 3]", "systems = [1, 2, 3, 20]"),
    );
    let svc = Client::new(&s);
    let all_devices = svc.call("GetRecordingAliases", "<UserName></UserName>");
    assert_eq!(
        all_devices.all("Name"),
        vec!["Content Server", "Archive recorder"]
    );
    assert_eq!(
        all_devices.all("AliasId"),
        vec!["record@example.com", "8800", "archive"]
    );
    assert_eq!(all_devices.all("SystemId"), vec!["20", "20", "21"]);
    // alice's groups may book the content server only.
    let alice = Client::as_user(&s, "alice", PASSWORD);
    let hers = alice.call("GetRecordingAliases", "<UserName></UserName>");
    assert_eq!(hers.all("Name"), vec!["Content Server"]);
    // The service account may ask on her behalf; she may not ask for it.
    let for_alice = svc.call("GetRecordingAliases", "<UserName>alice</UserName>");
    assert_eq!(for_alice.all("Name"), vec!["Content Server"]);
    alice
        .call("GetRecordingAliases", "<UserName>svc</UserName>")
        .fault(code::SECURITY);
}

/// A directory user's groups and password are the directory's: the console shows them and
/// offers no form, and a form posted anyway is refused with nothing changed.
#[test]
fn directory_users_are_read_only_in_the_console() {
    use common::console_http::*;
    let slapd = Slapd::start();
    let s = start(Backend::Sqlite, with_directory(&slapd));
    let bob = Client::as_user(&s, "bob", "bob-pw");
    bob.remote("IsAlive", "").ok();
    let users = admin_call(&s, USER, "GET", "/admin/api/users", "");
    let bob_id = serde_json::from_str::<Vec<serde_json::Value>>(&users.body)
        .unwrap()
        .into_iter()
        .find(|u| u["username"] == "bob")
        .and_then(|u| u["id"].as_i64())
        .expect("bob is remembered after his login");

    let (status, session) = http_login(&s, USER, PASSWORD);
    assert_eq!(status, 303);
    let (session, _) = session.expect("a session cookie");
    let (status, html) = page_as(&s, &session, &format!("/admin/users/{bob_id}"));
    assert_eq!(status, 200);
    assert!(html.contains("comes from the directory"), "{html}");
    assert!(
        html.contains("Video bookers"),
        "his directory group is shown: {html}"
    );
    assert!(!html.contains("id=\"user-groups\"") && !html.contains("id=\"user-password\""));
    let csrf = hidden(&html, "_csrf");
    for (path, form) in [
        (
            "password",
            vec![
                ("_csrf", csrf.as_str()),
                ("password", "new-pw"),
                ("again", "new-pw"),
            ],
        ),
        ("groups", vec![("_csrf", csrf.as_str())]),
    ] {
        let r = status_and(
            agent()
                .post(&s.url(&format!("/admin/users/{bob_id}/{path}")))
                .set("Cookie", &format!("bridgebook_session={session}"))
                .send_form(&form),
        );
        assert_eq!(r.status(), 403, "{path}");
        assert!(r.into_string().unwrap().contains("directory"), "{path}");
    }
    // Nothing changed: his directory password still works, the posted one does not.
    bob.remote("IsAlive", "").ok();
    assert_eq!(
        Client::as_user(&s, "bob", "new-pw")
            .remote("IsAlive", "")
            .status,
        401
    );
}
