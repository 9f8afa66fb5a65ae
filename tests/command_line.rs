//! The operator's commands, run as an operator runs them: `user` against a running service,
//! `backup` while clients keep booking (then restored and served), `check-config`,
//! `hash-password` and `sim`.
mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A SOAP call as `user` that needs nothing but a login.
fn login_status(server: &Server, user: &str, password: &str) -> u16 {
    Client::as_user(server, user, password)
        .call("GetDefaultConference", "")
        .status
}

/// Calls until the answer is no longer 200 (a remembered login is checked again within
/// about a second of a change), then answers that status.
fn status_once_refused(server: &Server, user: &str, password: &str) -> u16 {
    let until = Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let status = login_status(server, user, password);
        if status != 200 || Instant::now() > until {
            return status;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn accounts_change_under_a_running_service() {
    for backend in backends() {
        let server = Server::start(backend);
        let db = server.database_url().to_string();
        let user = |args: &[&str], input: &str| {
            let mut all = vec!["user", "--database-url", &db];
            all.extend_from_slice(args);
            run_bridgebook(&all, input)
        };
        // Remembered from now on.
        assert_eq!(login_status(&server, USER, PASSWORD), 200);

        let added = user(&["add", "bob", "--email", "bob@example.com"], "b0b-pass\n");
        assert!(added.success, "{added:?}");
        assert!(!added.stdout.contains("b0b-pass"), "{added:?}");
        assert_eq!(login_status(&server, "bob", "b0b-pass"), 200);

        let listed = user(&["list"], "");
        assert!(listed.success, "{listed:?}");
        let bob = listed
            .stdout
            .lines()
            .find(|l| l.starts_with("bob "))
            .unwrap_or_else(|| panic!("{listed:?}"));
        assert!(
            bob.contains("enabled") && bob.contains("bob@example.com"),
            "{bob}"
        );
        assert!(!listed.stdout.contains("$argon2"), "{listed:?}");

        let disabled = user(&["disable", USER], "");
        assert!(disabled.success, "{disabled:?}");
        assert_eq!(status_once_refused(&server, USER, PASSWORD), 401);
        let listed = user(&["list"], "").stdout;
        let svc = listed.lines().find(|l| l.starts_with("svc ")).unwrap();
        assert!(svc.contains("disabled"), "{listed}");

        let enabled = user(&["enable", USER], "");
        assert!(enabled.success, "{enabled:?}");
        assert_eq!(login_status(&server, USER, PASSWORD), 200);

        let changed = user(&["passwd", "bob"], "n3w-pass\n");
        assert!(changed.success, "{changed:?}");
        assert_eq!(status_once_refused(&server, "bob", "b0b-pass"), 401);
        assert_eq!(login_status(&server, "bob", "n3w-pass"), 200);

        // Mistakes are named, exit non-zero and change nothing.
        let again = user(&["add", "BOB"], "x\n");
        assert!(
            !again.success && again.stderr.contains("exists already"),
            "{again:?}"
        );
        let nobody = user(&["disable", "nobody"], "");
        assert!(
            !nobody.success && nobody.stderr.contains("nobody"),
            "{nobody:?}"
        );
        let no_group = user(&["add", "carol", "--group", "Nope"], "c4rol\n");
        assert!(
            !no_group.success && no_group.stderr.contains("Nope"),
            "{no_group:?}"
        );
        let empty = user(&["add", "dave"], "\n");
        assert!(
            !empty.success && empty.stderr.contains("empty"),
            "{empty:?}"
        );
        let listed = user(&["list"], "").stdout;
        assert!(
            !listed.contains("carol") && !listed.contains("dave"),
            "{listed}"
        );
        assert_eq!(login_status(&server, "carol", "c4rol"), 401);
    }
}

#[test]
fn a_backup_taken_while_clients_book_holds_every_acknowledged_meeting() {
    let server = Server::start(Backend::Sqlite);
    let acknowledged: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("copy.db");
    let (ran, before) = std::thread::scope(|s| {
        for room in 1..=4i64 {
            let (server, acknowledged, failures, stop) = (&server, &acknowledged, &failures, &stop);
            s.spawn(move || {
                let client = Client::new(server);
                let mut k = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let start = 60 + k * 2;
                    let answer = client.save(&conference(start, start + 1, &tms(room)), "Strict");
                    match (answer.status, answer.get("ConferenceId")) {
                        (200, Some(id)) => acknowledged.lock().unwrap().push((Instant::now(), id)),
                        _ => failures.lock().unwrap().push(answer.body),
                    }
                    k += 1;
                }
            });
        }
        eventually(60, "meetings booked before the backup", || {
            acknowledged.lock().unwrap().len() >= 40
        });
        let started = Instant::now();
        let before: Vec<String> = acknowledged
            .lock()
            .unwrap()
            .iter()
            .filter(|(at, _)| *at < started)
            .map(|(_, id)| id.clone())
            .collect();
        let ran = run_bridgebook(
            &[
                "backup",
                "--database-url",
                server.database_url(),
                copy.to_str().unwrap(),
            ],
            "",
        );
        // Bookings go on after it, too.
        let after = acknowledged.lock().unwrap().len();
        eventually(60, "meetings booked after the backup", || {
            acknowledged.lock().unwrap().len() >= after + 10
        });
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        (ran, before)
    });
    assert!(ran.success, "{ran:?}");
    assert!(
        failures.lock().unwrap().is_empty(),
        "saves failed beside the backup: {:?}",
        failures.lock().unwrap()
    );
    drop(server);
    let restored = Server::start_on_sqlite_file(&copy, Options::default());
    let client = Client::new(&restored);
    for id in &before {
        let got = client.get(id);
        assert_eq!(
            got.status, 200,
            "meeting {id} is not in the copy: {}",
            got.body
        );
        assert_eq!(got.get("Title").as_deref(), Some("Test meeting"));
    }
}

#[test]
fn backup_refuses_what_it_cannot_copy() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("copy.db");
    let target = target.to_str().unwrap();
    let pg = run_bridgebook(
        &[
            "backup",
            "--database-url",
            "postgres://bb@127.0.0.1/bb",
            target,
        ],
        "",
    );
    assert!(!pg.success && pg.stderr.contains("pg_dump"), "{pg:?}");
    let missing = dir.path().join("missing.db");
    let none = run_bridgebook(
        &[
            "backup",
            "--database-url",
            missing.to_str().unwrap(),
            target,
        ],
        "",
    );
    assert!(
        !none.success && none.stderr.contains("no database"),
        "{none:?}"
    );
    assert!(
        !missing.exists(),
        "the backup created the database it was to copy"
    );
    assert!(!std::path::Path::new(target).exists());
}

#[test]
fn check_config_names_each_source_and_hides_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bridgebook.toml");
    std::fs::write(
        &file,
        r#"
listen = "0.0.0.0:9000"
[[user]]
username = "booking-service"
password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
[[bridge]]
name = "ts1"
family = "telepresence-server"
address = "https://ts1.example.com"
username = "api"
password = "bridge-pass-123"
capacity = { total = 24 }
numbering = { first = 1000, last = 1999, sip_uri = "{number}@example.com" }
"#,
    )
    .unwrap();
    let out = bridgebook_command()
        .args(["check-config", "--config"])
        .arg(&file)
        .env("BRIDGEBOOK_BOOKING__BOOKING_WINDOW_DAYS", "90")
        .env(
            "BRIDGEBOOK_DATABASE_URL",
            "postgres://bb:db-pass-456@db.example.com/bb",
        )
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("no {key} in {text}"))
            .to_string()
    };
    assert!(line("listen").ends_with("# file"), "{text}");
    assert!(line("pool_size").ends_with("# default"), "{text}");
    let window = line("booking.booking_window_days");
    assert!(
        window.starts_with("booking.booking_window_days = 90"),
        "{window}"
    );
    assert!(
        window.ends_with("# environment BRIDGEBOOK_BOOKING__BOOKING_WINDOW_DAYS"),
        "{window}"
    );
    assert!(line("database_url").contains("environment BRIDGEBOOK_DATABASE_URL"));
    assert!(line("bridge[0].name").ends_with("# file"), "{text}");
    for secret in ["bridge-pass-123", "db-pass-456", "$argon2id"] {
        assert!(!text.contains(secret), "{secret} shown: {text}");
    }
    // The command line beats the environment; a mistake is named.
    let flagged = run_bridgebook(
        &[
            "check-config",
            "--config",
            file.to_str().unwrap(),
            "--database-url",
            "/var/lib/bridgebook/bridgebook.db",
        ],
        "",
    );
    assert!(flagged.success, "{flagged:?}");
    assert!(
        flagged
            .stdout
            .contains("database_url = \"/var/lib/bridgebook/bridgebook.db\""),
        "{flagged:?}"
    );
    assert!(flagged.stdout.contains("# command line --database-url"));
    std::fs::write(&file, "lisen = \"0.0.0.0:9000\"\n").unwrap();
    let wrong = run_bridgebook(&["check-config", "--config", file.to_str().unwrap()], "");
    assert!(
        !wrong.success && wrong.stderr.contains("lisen"),
        "{wrong:?}"
    );
}

#[test]
fn hash_password_reads_standard_input_and_prints_only_the_hash() {
    let ran = run_bridgebook(&["hash-password"], "correct horse\n");
    assert!(ran.success, "{ran:?}");
    let hash = ran.stdout.trim();
    assert!(!ran.stdout.contains("correct horse"));
    assert!(bridgebook::directory::password::verify(
        hash,
        "correct horse"
    ));
    let empty = run_bridgebook(&["hash-password"], "");
    assert!(
        !empty.success && empty.stderr.contains("empty"),
        "{empty:?}"
    );
    // Flags that mean nothing to a command are refused, not ignored.
    let config = run_bridgebook(&["--config", "x.toml", "hash-password"], "pw\n");
    assert!(
        !config.success && config.stderr.contains("--config"),
        "{config:?}"
    );
}

#[test]
fn a_simulator_stops_on_sigterm() {
    for family in [
        "meeting-server",
        "telepresence-server",
        "conductor",
        "pexip",
    ] {
        let mut child = bridgebook_command()
            .args(["sim", "--family", family, "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert!(line.contains("simulator listening on"), "{family}: {line}");
        std::process::Command::new("sh")
            .args(["-c", &format!("kill -TERM {}", child.id())])
            .status()
            .unwrap();
        let child = Mutex::new(child);
        eventually(20, &format!("{family} simulator stopped"), || {
            child.lock().unwrap().try_wait().unwrap().is_some()
        });
        let status = child.lock().unwrap().wait().unwrap();
        assert!(status.success(), "{family}: {status}");
        line.clear();
        out.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "SIGTERM: simulator stopped", "{family}");
    }
    let unknown = run_bridgebook(&["sim", "--family", "mcu"], "");
    assert!(!unknown.success, "{unknown:?}");
    assert!(unknown.stderr.contains("conductor"), "{unknown:?}");
}

/// The binary carries PostgreSQL's client library and OpenSSL inside it: the shared
/// libraries it asks the system for are the C runtime's alone.
#[test]
fn the_binary_needs_nothing_but_the_c_runtime() {
    let Ok(out) = std::process::Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_bridgebook"))
        .output()
    else {
        eprintln!("no ldd here: not checked");
        return;
    };
    let listed = String::from_utf8_lossy(&out.stdout);
    let needed: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|lib| lib.contains(".so"))
        .collect();
    assert!(!needed.is_empty(), "ldd printed nothing: {listed}");
    let libc = [
        "linux-vdso",
        "libc.so",
        "libm.so",
        "libgcc_s.so",
        "ld-linux",
        "libpthread",
        "libdl.so",
        "librt.so",
    ];
    for lib in &needed {
        assert!(
            libc.iter().any(|ok| lib.contains(ok)),
            "the binary needs {lib} at run time: {listed}"
        );
    }
}
