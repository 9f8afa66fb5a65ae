//! Mail through the outbox to a real SMTP server (aiosmtpd, run from the tests' Python): a
//! confirmation after a save that asks for one, none after a refused save, routing and rooms
//! left out when the client says so, and a server that is down at first receiving the mail
//! once it is up, with the admin API showing what waited.
mod common;
use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// An SMTP server that writes each message it receives to a directory, parsed.
struct Sink {
    child: Child,
    dir: tempfile::TempDir,
}

impl Sink {
    /// Listens on `port`; None where the tests' Python is not set up (and this is not CI).
    fn start(port: u16) -> Option<Sink> {
        Sink::start_with(port, &[])
    }

    /// With `args` after the port and directory (a TLS mode, its files and a login).
    fn start_with(port: u16, args: &[&str]) -> Option<Sink> {
        let python = match std::env::var("BRIDGEBOOK_TEST_PYTHON") {
            Ok(p) => p,
            Err(_) if std::env::var("CI").is_ok() => {
                panic!("CI must set BRIDGEBOOK_TEST_PYTHON to a Python with aiosmtpd (see .ci/run)")
            }
            Err(_) => {
                eprintln!("BRIDGEBOOK_TEST_PYTHON unset: no SMTP server, mail not tested");
                return None;
            }
        };
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/smtp_sink.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the SMTP server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.contains("smtp listening"), "SMTP server: {line:?}");
        Some(Sink { child, dir })
    }

    /// The messages received so far, in order.
    fn mails(&self) -> Vec<Value> {
        let mut numbered: Vec<(u32, Value)> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let n = name.strip_suffix(".json")?.parse().ok()?;
                let text = std::fs::read_to_string(e.path()).ok()?;
                Some((n, serde_json::from_str(&text).unwrap()))
            })
            .collect();
        numbered.sort_by_key(|(n, _)| *n);
        numbered.into_iter().map(|(_, v)| v).collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn with_mail(port: u16) -> Options {
    Options {
        extra_config: format!(
            "[mail]\nserver = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nsender = \"bridgebook@example.com\"\npoll_millis = 100\nretry_seconds = 1\n"
        ),
        ..Options::default()
    }
}

/// Operation `op` with inner XML `args` and a ContextHeader holding `context`.
fn call_with_context(s: &Server, op: &str, args: &str, context: &str) -> Answer {
    let envelope = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><ExternalAPIVersionSoapHeader xmlns="{NS}"><ClientVersionIn>23</ClientVersionIn><ClientSession>{SESSION}</ClientSession></ExternalAPIVersionSoapHeader><ContextHeader xmlns="{NS}">{context}</ContextHeader></soap:Header><soap:Body><{op} xmlns="{NS}">{args}</{op}></soap:Body></soap:Envelope>"#
    );
    post_raw(
        &s.url(BOOKING),
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            ("SOAPAction", &format!("\"{NS}{op}\"")),
        ],
        &envelope,
        true,
    )
}

/// SaveConferenceWithMode with a ContextHeader holding `context`.
fn save_with_context(s: &Server, conference: &str, context: &str) -> Answer {
    call_with_context(
        s,
        "SaveConferenceWithMode",
        &format!("<Conference>{conference}</Conference><BookingMode>Strict</BookingMode>"),
        context,
    )
}

fn outbox(s: &Server) -> Value {
    let a = admin_call(s, USER, "GET", "/admin/api/mail", "");
    assert_eq!(a.status, 200, "{}", a.body);
    serde_json::from_str(&a.body).unwrap()
}

fn count(v: &Value, list: &str) -> usize {
    v[list].as_array().map_or(0, Vec::len)
}

fn text(mail: &Value, part: &str) -> String {
    mail["parts"][part].as_str().unwrap_or("").to_string()
}

const CONFIRM: &str = "<SendConfirmationMail>true</SendConfirmationMail>";

#[test]
fn a_save_that_asks_for_it_is_confirmed_and_a_refused_one_sends_nothing() {
    for backend in backends() {
        let port = free_port();
        let Some(sink) = Sink::start(port) else {
            return;
        };
        let s = Server::start_with(backend, with_mail(port));
        let meeting = |title: &str, start: i64, extra: &str| {
            format!(
                "<ConferenceId>-1</ConferenceId><Title>{title}</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC>{extra}<Participants>{}{}</Participants>",
                at(start),
                at(start + 60),
                tms(1),
                tms(2)
            )
        };
        let email_to = "<EmailTo>anna@example.com; bo@example.com, anna@example.com</EmailTo>";
        save_with_context(&s, &meeting("Board meeting", 120, email_to), CONFIRM).ok();
        // The same rooms at the same time: refused, and nothing written to the outbox.
        save_with_context(&s, &meeting("Clash", 120, ""), CONFIRM)
            .fault(code::SYSTEM_ALREADY_BOOKED);
        // Not asked for: no mail.
        save_with_context(&s, &meeting("Quiet", 300, ""), "").ok();
        // Asked for without conference information.
        save_with_context(
            &s,
            &meeting("Private", 500, ""),
            &format!("{CONFIRM}<ExcludeConferenceInformation>true</ExcludeConferenceInformation>"),
        )
        .ok();
        eventually(30, "two mails sent", || count(&outbox(&s), "sent") == 2);
        let o = outbox(&s);
        assert_eq!(count(&o, "waiting") + count(&o, "failed"), 0, "{o}");
        eventually(10, "two mails received", || sink.mails().len() == 2);
        let mails = sink.mails();
        let (board, private) = (&mails[0], &mails[1]);

        let mut to: Vec<&str> = board["envelope_to"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        to.sort();
        assert_eq!(
            to,
            ["anna@example.com", "bo@example.com", "svc@example.com"],
            "{backend:?}: the owner and EmailTo, each once"
        );
        assert_eq!(board["from"], "bridgebook@example.com");
        let subject = board["subject"].as_str().unwrap();
        assert!(subject.starts_with("Confirmed: Board meeting"), "{subject}");
        assert_eq!(board["top"], "multipart/mixed");
        let plain = text(board, "text/plain");
        let html = text(board, "text/html");
        for body in [&plain, &html] {
            assert!(
                body.contains("Oslo Fjord") && body.contains("Bergen Board"),
                "{body}"
            );
        }
        assert!(html.contains("<h2>Board meeting</h2>"), "{html}");
        let ics = text(board, "text/calendar");
        assert!(
            ics.contains("METHOD:REQUEST") && ics.contains("SUMMARY:Board meeting"),
            "{ics}"
        );

        assert!(private["subject"].as_str().unwrap().contains("Private"));
        let plain = text(private, "text/plain");
        assert!(
            !plain.contains("Oslo Fjord") && !plain.contains("Bergen Board"),
            "{backend:?}: ExcludeConferenceInformation leaves the rooms out:\n{plain}"
        );
        let ids: Vec<i64> = o["sent"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["conference_id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 2);
    }
}

#[test]
fn mail_waits_while_the_smtp_server_is_down_and_goes_once_it_is_up() {
    for backend in backends() {
        let port = free_port();
        if std::env::var("BRIDGEBOOK_TEST_PYTHON").is_err() && std::env::var("CI").is_err() {
            eprintln!("BRIDGEBOOK_TEST_PYTHON unset: no SMTP server, mail not tested");
            return;
        }
        // Nothing listens on the port yet.
        let s = Server::start_with(backend, with_mail(port));
        save_with_context(
            &s,
            &format!(
                "<ConferenceId>-1</ConferenceId><Title>Retried</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{}</Participants>",
                at(60),
                at(120),
                tms(3)
            ),
            CONFIRM,
        )
        .ok();
        eventually(30, "a failed try recorded", || {
            let o = outbox(&s);
            o["waiting"]
                .as_array()
                .and_then(|l| l.first())
                .is_some_and(|m| m["attempts"].as_i64() >= Some(1) && m["last_error"].is_string())
        });
        assert_eq!(count(&outbox(&s), "sent"), 0);
        let sink = Sink::start(port).unwrap();
        eventually(60, "the mail sent once the server is up", || {
            count(&outbox(&s), "sent") == 1
        });
        eventually(10, "the mail received", || sink.mails().len() == 1);
        let o = outbox(&s);
        assert_eq!(count(&o, "waiting") + count(&o, "failed"), 0, "{o}");
        assert!(o["sent"][0]["attempts"].as_i64().unwrap() >= 2, "{o}");
        assert!(sink.mails()[0]["subject"]
            .as_str()
            .unwrap()
            .contains("Retried"));
    }
}

/// A bridge added through the admin API: one the configuration file defines is the file's,
/// and cannot be disabled at run time.
fn one_bridge(s: &Server) -> i64 {
    add_bridge(
        s,
        &bridge_json(
            "pexip-osl",
            "pexip",
            "https://pexip-osl.example.com",
            10,
            8100,
            "osl.example.com",
            0,
        ),
    )
}

#[test]
fn the_owner_is_told_when_a_meeting_becomes_defective_and_when_it_heals() {
    for backend in backends() {
        let port = free_port();
        let Some(sink) = Sink::start(port) else {
            return;
        };
        let s = Server::start_with(backend, with_mail(port));
        let bridge_id = one_bridge(&s);
        let c = Client::new(&s);
        let saved = c.save(
            &conference(
                60,
                120,
                &(tms(1) + &external("SIP <-", "") + &external("SIP <-", "")),
            )
            .replace("Test meeting", "Needs a bridge"),
            "Strict",
        );
        let id = saved.get("ConferenceId").unwrap();
        assert!(saved.get("JoinUri").is_some(), "{}", saved.body);
        let post = |path: &str| {
            let a = admin_call(&s, USER, "POST", path, "");
            assert_eq!(a.status, 200, "{path}: {}", a.body);
        };
        post(&format!("/admin/api/bridges/{bridge_id}/disable"));
        assert_eq!(c.get(&id).get("Status").as_deref(), Some("Defective"));
        eventually(30, "the Defective notice received", || {
            sink.mails().len() == 1
        });
        let notice = &sink.mails()[0];
        assert_eq!(notice["envelope_to"][0], "svc@example.com");
        let subject = notice["subject"].as_str().unwrap();
        assert!(
            subject.starts_with("Not ready: Needs a bridge"),
            "{subject}"
        );
        let plain = text(notice, "text/plain");
        assert!(
            plain.contains("[Error] This meeting cannot take place as booked.")
                && plain.contains("What went wrong"),
            "{backend:?}:\n{plain}"
        );
        assert!(text(notice, "text/html").contains("#f2dede"));

        post(&format!("/admin/api/bridges/{bridge_id}/enable"));
        eventually(30, "the healed notice received", || sink.mails().len() == 2);
        let healed = &sink.mails()[1];
        let plain = text(healed, "text/plain");
        assert!(
            plain.contains("[Information] This meeting can take place as booked again."),
            "{backend:?}:\n{plain}"
        );
        assert!(text(healed, "text/html").contains("#dff0d8"));
        let kinds: Vec<String> = outbox(&s)["sent"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["kind"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(kinds, ["healed", "defective"], "newest first");
    }
}

#[test]
fn approvers_are_told_when_a_meeting_request_waits() {
    for backend in backends() {
        let port = free_port();
        let Some(sink) = Sink::start(port) else {
            return;
        };
        let mut o = with_mail(port);
        // alice's bookings wait for someone with Approve Meeting (svc, a site administrator).
        o.extra_config.push_str(
            "\n[[group]]\nname = \"Users\"\npermissions = [\"booking\"]\ndefault = true\n",
        );
        let s = Server::start_with(backend, o);
        let alice = Client::as_user(&s, "alice", PASSWORD);
        let request = alice.save(
            &conference(60, 120, &tms(1)).replace("Test meeting", "Offsite"),
            "Strict",
        );
        assert_eq!(request.get("Status").as_deref(), Some("MeetingRequest"));
        eventually(30, "the approvers' notice received", || {
            sink.mails().len() == 1
        });
        let notice = &sink.mails()[0];
        assert_eq!(
            notice["envelope_to"],
            serde_json::json!(["svc@example.com"])
        );
        let subject = notice["subject"].as_str().unwrap();
        assert!(subject.starts_with("Attention: Offsite"), "{subject}");
        let plain = text(notice, "text/plain");
        assert!(
            plain.contains("[Warning] This meeting request is waiting for approval."),
            "{backend:?}:\n{plain}"
        );
        assert_eq!(outbox(&s)["sent"][0]["kind"], "approval");
    }
}

#[test]
fn a_delete_that_asks_for_it_sends_the_cancellation_once() {
    for backend in backends() {
        let port = free_port();
        let Some(sink) = Sink::start(port) else {
            return;
        };
        let s = Server::start_with(backend, with_mail(port));
        let meeting = |title: &str, start: i64| {
            conference(start, start + 60, &tms(1)).replace("Test meeting", title)
        };
        let saved = save_with_context(&s, &meeting("Called off", 120), CONFIRM);
        let id = saved.get("ConferenceId").unwrap();
        let delete = || {
            call_with_context(
                &s,
                "DeleteConferenceById",
                &format!("<ConferenceId>{id}</ConferenceId>"),
                CONFIRM,
            )
            .ok();
        };
        delete();
        // A retried delete: nothing more to cancel.
        delete();
        save_with_context(&s, &meeting("Next one", 300), CONFIRM).ok();
        eventually(30, "three mails received", || sink.mails().len() == 3);
        let mails = sink.mails();
        let subjects: Vec<&str> = mails
            .iter()
            .map(|m| m["subject"].as_str().unwrap())
            .collect();
        assert!(
            subjects[0].starts_with("Confirmed: Called off"),
            "{subjects:?}"
        );
        assert!(
            subjects[1].starts_with("Cancelled: Called off"),
            "{subjects:?}"
        );
        assert!(
            subjects[2].starts_with("Confirmed: Next one"),
            "{subjects:?}"
        );
        let ics = text(&mails[1], "text/calendar");
        assert!(
            ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED"),
            "{ics}"
        );
        let uid = |ics: &str| {
            ics.lines()
                .find(|l| l.starts_with("UID:"))
                .map(String::from)
        };
        assert_eq!(
            uid(&ics),
            uid(&text(&mails[0], "text/calendar")),
            "{backend:?}: the cancellation names the invitation's event"
        );
        assert_eq!(count(&outbox(&s), "sent"), 3);
    }
}

/// A CA and a certificate for 127.0.0.1 signed by it, written to `dir`: (ca, cert, key).
fn pki(dir: &Path) -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let files = [
        ("ca.pem", ca.pem()),
        ("cert.pem", cert.pem()),
        ("key.pem", key.serialize_pem()),
    ];
    for (name, pem) in &files {
        std::fs::write(dir.join(name), pem).unwrap();
    }
    let path = |n: &str| dir.join(n).display().to_string();
    (path("ca.pem"), path("cert.pem"), path("key.pem"))
}

#[test]
fn mail_goes_over_starttls_and_implicit_tls_with_credentials() {
    let pki_dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = pki(pki_dir.path());
    for mode in ["starttls", "tls"] {
        let port = free_port();
        let Some(sink) = Sink::start_with(port, &[mode, &cert, &key, "bridgebook", "mail-secret"])
        else {
            return;
        };
        let s = Server::start_with(
            Backend::Sqlite,
            Options {
                extra_config: format!(
                    "[mail]\nserver = \"127.0.0.1\"\nport = {port}\nsecurity = \"{mode}\"\nusername = \"bridgebook\"\npassword = \"mail-secret\"\nca_file = \"{ca}\"\nsender = \"bridgebook@example.com\"\npoll_millis = 100\nretry_seconds = 1\n"
                ),
                ..Options::default()
            },
        );
        save_with_context(
            &s,
            &conference(60, 120, &tms(1)).replace("Test meeting", "Over TLS"),
            CONFIRM,
        )
        .ok();
        eventually(30, "the mail received over TLS", || sink.mails().len() == 1);
        let mail = &sink.mails()[0];
        assert_eq!(mail["login"], "bridgebook", "{mode}: logged in");
        assert!(mail["subject"].as_str().unwrap().contains("Over TLS"));
    }
}

#[test]
fn mail_is_given_up_after_its_last_try_and_shown_as_failed() {
    for backend in backends() {
        // Nothing ever listens on the port.
        let port = free_port();
        let mut o = with_mail(port);
        o.extra_config.push_str("max_attempts = 2\n");
        let s = Server::start_with(backend, o);
        save_with_context(
            &s,
            &conference(60, 120, &tms(1)).replace("Test meeting", "Undeliverable"),
            CONFIRM,
        )
        .ok();
        eventually(30, "the mail given up", || {
            count(&outbox(&s), "failed") == 1
        });
        let o = outbox(&s);
        let failed = &o["failed"][0];
        assert_eq!(failed["attempts"], 2, "{o}");
        assert!(
            failed["last_error"].as_str().unwrap().contains("onnect"),
            "{o}"
        );
        assert!(failed["subject"]
            .as_str()
            .unwrap()
            .contains("Undeliverable"));
        assert_eq!(count(&o, "waiting") + count(&o, "sent"), 0, "{o}");
    }
}
