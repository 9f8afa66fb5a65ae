//! Test harness: starts the real bridgebook binary on an ephemeral port with a fresh
//! database (SQLite, and PostgreSQL when BRIDGEBOOK_TEST_POSTGRES_URL names a server) and
//! speaks SOAP to it over HTTP, as a client would.
#![allow(dead_code)]
pub mod bare;
pub mod console_http;
pub mod slapd;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const NS: &str = "http://tandberg.net/2004/02/tms/external/booking/";
pub const RS_NS: &str = "http://tandberg.net/2004/02/tms/external/booking/remotesetup/";
pub const BOOKING: &str = "/tms/external/booking/bookingservice.asmx";
pub const REMOTE: &str = "/tms/external/booking/remotesetup/remotesetupservice.asmx";
pub const USER: &str = "svc";
pub const PASSWORD: &str = "s3cret!";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backends this run covers. CI must cover both: there a missing PostgreSQL is an error.
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    match std::env::var("BRIDGEBOOK_TEST_POSTGRES_URL") {
        Ok(_) => v.push(Backend::Postgres),
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("CI must set BRIDGEBOOK_TEST_POSTGRES_URL so PostgreSQL is tested too")
        }
        Err(_) => eprintln!("BRIDGEBOOK_TEST_POSTGRES_URL unset: PostgreSQL not tested here"),
    }
    v
}

pub struct Server {
    child: Child,
    pub base: String,
    /// The metrics listener's `/metrics` URL.
    pub metrics: String,
    pub backend: Backend,
    url: String,
    _dir: tempfile::TempDir,
    pg_db: Option<String>,
}

pub struct Options {
    pub transactions_page_size: i64,
    pub max_body_bytes: usize,
    pub booking_window_days: i64,
    /// Appended to the configuration file, e.g. `[[bridge]]` tables.
    pub extra_config: String,
    /// Run the launcher (off unless a test drives real bridges or simulators).
    pub launcher: bool,
    /// How long before their start meetings are provisioned.
    pub lead_seconds: i64,
    /// How often the launcher compares what should be live with what the bridges hold.
    pub reconcile_seconds: u64,
    /// Log at trace level into a file the test reads (`Server::log`), instead of warnings
    /// to the test's own output.
    pub capture_log: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            transactions_page_size: 1000,
            max_body_bytes: 1024 * 1024,
            booking_window_days: 365,
            extra_config: String::new(),
            launcher: false,
            lead_seconds: 2,
            reconcile_seconds: 60,
            capture_log: false,
        }
    }
}

pub fn password_hash() -> &'static str {
    use std::sync::OnceLock;
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| bridgebook::directory::password::hash(PASSWORD).unwrap())
}

pub fn fresh_postgres_database() -> (String, String) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let admin = std::env::var("BRIDGEBOOK_TEST_POSTGRES_URL").unwrap();
    let name = format!("bb_test_{}", uuid::Uuid::new_v4().simple());
    let mut c = diesel::pg::PgConnection::establish(&admin).expect("PostgreSQL reachable");
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    (name.clone(), format!("{base}/{name}"))
}

impl Server {
    pub fn start(backend: Backend) -> Server {
        Server::start_with(backend, Options::default())
    }

    pub fn start_with(backend: Backend, o: Options) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let (pg_db, url) = match backend {
            Backend::Sqlite => (None, dir.path().join("bb.db").display().to_string()),
            Backend::Postgres => {
                let (n, u) = fresh_postgres_database();
                (Some(n), u)
            }
        };
        let (child, base, metrics) = spawn(dir.path(), &url, &o);
        Server {
            child,
            base,
            metrics,
            backend,
            url,
            _dir: dir,
            pg_db,
        }
    }

    /// The service on a PostgreSQL database `name` (dropped at the end) reached at `url`,
    /// e.g. through a proxy the test controls.
    pub fn start_on_postgres(name: String, url: String, o: Options) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let (child, base, metrics) = spawn(dir.path(), &url, &o);
        Server {
            child,
            base,
            metrics,
            backend: Backend::Postgres,
            url,
            _dir: dir,
            pg_db: Some(name),
        }
    }

    /// The service's process id, for signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the service's process has ended.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// What the service logged so far (with `capture_log`).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("bridgebook.log")).unwrap_or_default()
    }

    /// A second instance of the service on the same database, as another node would run.
    pub fn beside(&self, o: Options) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let (child, base, metrics) = spawn(dir.path(), &self.url, &o);
        Server {
            child,
            base,
            metrics,
            backend: self.backend,
            url: self.url.clone(),
            _dir: dir,
            pg_db: None,
        }
    }

    /// Stops the service (as a crash would) and starts it again on the same database with
    /// `o`; it may listen on another port.
    pub fn restart(&mut self, o: Options) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, base, metrics) = spawn(self._dir.path(), &self.url, &o);
        self.child = child;
        self.base = base;
        self.metrics = metrics;
    }
}

/// Writes the configuration into `dir` and starts the service; answers its address.
fn spawn(dir: &std::path::Path, url: &str, o: &Options) -> (Child, String, String) {
    {
        let config = format!(
            r#"
listen = "127.0.0.1:0"
metrics_listen = "127.0.0.1:0"
database_url = "{url}"
max_body_bytes = {max}
workers = 2
[launcher]
enabled = {launcher}
lead_seconds = {lead}
poll_millis = 200
health_seconds = 1
retry_seconds = 1
reconcile_seconds = {reconcile}
[booking]
transactions_page_size = {page}
booking_window_days = {window}
[[system]]
id = 1
name = "Oslo Fjord"
sip_uri = "oslo@example.com"
time_zone = "Europe/Oslo"
[[system]]
id = 2
name = "Bergen Board"
category = "Room"
[[system]]
id = 3
name = "Tromso"
[[system]]
id = 4
name = "Stavanger"
time_zone = "America/Chicago"
contact = "facilities@example.com"
location = "Stavanger, 2nd floor"
isdn_number = "+4751000000"
[[system]]
id = 5
name = "Closed room"
allow_booking = false
[[user]]
username = "{USER}"
email = "svc@example.com"
first_name = "Service"
last_name = "Account"
password_hash = "{hash}"
site_admin = true
[[user]]
username = "alice"
email = "alice@example.com"
password_hash = "{hash}"
"#,
            max = o.max_body_bytes,
            page = o.transactions_page_size,
            window = o.booking_window_days,
            launcher = o.launcher,
            lead = o.lead_seconds,
            reconcile = o.reconcile_seconds,
            hash = password_hash(),
        ) + &o.extra_config;
        let cfg = dir.join("bridgebook.toml");
        std::fs::write(&cfg, config).unwrap();
        let (level, stderr) = if o.capture_log {
            let file = std::fs::File::create(dir.join("bridgebook.log")).unwrap();
            // ureq named: the bridge exchanges are in it (unnamed, it stays at warn).
            ("ureq=trace,trace", Stdio::from(file))
        } else {
            ("warn", Stdio::inherit())
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_bridgebook"))
            .arg("--config")
            .arg(&cfg)
            .arg("serve")
            .env("BRIDGEBOOK_LOG", level)
            .env_clear_test_settings()
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("bridgebook starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let base = line
            .trim()
            .strip_prefix("bridgebook listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let metrics = line
            .trim()
            .strip_prefix("bridgebook metrics on ")
            .unwrap_or_else(|| panic!("unexpected second line: {line:?}"))
            .to_string();
        (child, base, metrics)
    }
}

/// The tests' own settings are `BRIDGEBOOK_TEST_*` variables; the service would read them
/// as configuration keys and refuse them.
pub trait WithoutTestSettings {
    fn env_clear_test_settings(&mut self) -> &mut Self;
}

impl WithoutTestSettings for Command {
    fn env_clear_test_settings(&mut self) -> &mut Self {
        for (key, _) in std::env::vars() {
            if key.starts_with("BRIDGEBOOK_TEST_") {
                self.env_remove(key);
            }
        }
        self
    }
}

impl Server {
    /// The database the service runs on (a SQLite path or a PostgreSQL URL).
    pub fn database_url(&self) -> &str {
        &self.url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(db) = &self.pg_db {
            use diesel::connection::SimpleConnection;
            use diesel::Connection;
            if let Ok(admin) = std::env::var("BRIDGEBOOK_TEST_POSTGRES_URL") {
                if let Ok(mut c) = diesel::pg::PgConnection::establish(&admin) {
                    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
                }
            }
        }
    }
}

/// An HTTP answer: status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub content_type: String,
}

impl Answer {
    /// The text of the first element with this local name.
    pub fn get(&self, tag: &str) -> Option<String> {
        first(&self.body, tag)
    }

    pub fn all(&self, tag: &str) -> Vec<String> {
        all(&self.body, tag)
    }

    /// The TMSBA error code of a fault.
    pub fn error_code(&self) -> Option<i64> {
        self.get("errorcode").and_then(|s| s.parse().ok())
    }

    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.status, 200, "expected success, got {}", self.body);
        self
    }

    #[track_caller]
    pub fn fault(&self, code: i64) -> &Self {
        assert_eq!(self.status, 500, "expected a fault, got {}", self.body);
        assert_eq!(self.error_code(), Some(code), "{}", self.body);
        self
    }
}

pub fn first(xml: &str, tag: &str) -> Option<String> {
    all(xml, tag).into_iter().next()
}

/// Texts of elements with local name `tag` (any prefix), entity-decoded.
pub fn all(xml: &str, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(pos) = rest.find('<') {
        rest = &rest[pos + 1..];
        let end = match rest.find('>') {
            Some(e) => e,
            None => break,
        };
        let head = &rest[..end];
        if head.starts_with('/') || head.starts_with('?') {
            continue;
        }
        let name = head
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches('/');
        let local = name.rsplit(':').next().unwrap_or("");
        if local != tag {
            continue;
        }
        if head.ends_with('/') {
            out.push(String::new());
            continue;
        }
        let body = &rest[end + 1..];
        let close = format!("</{name}>");
        if let Some(c) = body.find(&close) {
            out.push(
                body[..c]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            );
        }
    }
    out
}

pub fn post_raw(url: &str, headers: &[(&str, &str)], body: &str, auth: bool) -> Answer {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build();
    let mut req = agent.post(url);
    if auth {
        req = req.set("Authorization", &basic(USER, PASSWORD));
    }
    for (k, v) in headers {
        req = req.set(k, v);
    }
    answer(req.send_string(body))
}

/// An admin API call as `user` (with the test password): method, path, JSON body.
pub fn admin_call(server: &Server, user: &str, method: &str, path: &str, body: &str) -> Answer {
    let req = ureq::request(method, &server.url(path))
        .set("Authorization", &basic(user, PASSWORD))
        .set("Content-Type", "application/json");
    answer(if body.is_empty() {
        req.call()
    } else {
        req.send_string(body)
    })
}

pub fn get_raw(url: &str, auth: bool) -> Answer {
    let mut req = ureq::get(url);
    if auth {
        req = req.set("Authorization", &basic(USER, PASSWORD));
    }
    answer(req.call())
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> Answer {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = resp.status();
    let content_type = resp.header("Content-Type").unwrap_or("").to_string();
    let body = resp.into_string().unwrap();
    Answer {
        status,
        body,
        content_type,
    }
}

pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

pub const SESSION: &str = "7d9e0b6e-1111-4a2a-9c4e-000000000001";

/// A SOAP 1.1 envelope as .NET sends it, announcing `version`.
pub fn envelope11(version: u32, body: &str) -> String {
    envelope_with_session(version, Some(SESSION), body)
}

pub fn envelope_with_session(version: u32, session: Option<&str>, body: &str) -> String {
    let session = session
        .map(|s| format!("<ClientSession>{s}</ClientSession>"))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><ExternalAPIVersionSoapHeader xmlns="{NS}"><ClientVersionIn>{version}</ClientVersionIn>{session}</ExternalAPIVersionSoapHeader></soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>"#
    )
}

/// A client of the booking service announcing API version `version`, logged in as `user`
/// and sending `session` as its ClientSession.
pub struct Client<'a> {
    pub server: &'a Server,
    pub version: u32,
    pub user: String,
    pub password: String,
    pub session: Option<String>,
}

impl<'a> Client<'a> {
    pub fn new(server: &'a Server) -> Self {
        Client::as_user(server, USER, PASSWORD)
    }

    pub fn as_user(server: &'a Server, user: &str, password: &str) -> Self {
        Client {
            server,
            version: 23,
            user: user.to_string(),
            password: password.to_string(),
            session: Some(SESSION.to_string()),
        }
    }

    /// Calls booking operation `op` with the inner XML `args`.
    pub fn call(&self, op: &str, args: &str) -> Answer {
        self.call_at(BOOKING, NS, op, args)
    }

    pub fn remote(&self, op: &str, args: &str) -> Answer {
        self.call_at(REMOTE, RS_NS, op, args)
    }

    fn call_at(&self, path: &str, ns: &str, op: &str, args: &str) -> Answer {
        let body = format!(r#"<{op} xmlns="{ns}">{args}</{op}>"#);
        let action = format!("\"{ns}{op}\"");
        let req = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build()
            .post(&self.server.url(path))
            .set("Authorization", &basic(&self.user, &self.password))
            .set("Content-Type", "text/xml; charset=utf-8")
            .set("SOAPAction", &action);
        answer(req.send_string(&envelope_with_session(
            self.version,
            self.session.as_deref(),
            &body,
        )))
    }

    /// Saves `conference` (inner XML of <Conference>) with `mode`.
    pub fn save(&self, conference: &str, mode: &str) -> Answer {
        self.call(
            "SaveConferenceWithMode",
            &format!("<Conference>{conference}</Conference><BookingMode>{mode}</BookingMode>"),
        )
    }

    pub fn get(&self, id: &str) -> Answer {
        self.call(
            "GetConferenceById",
            &format!("<ConferenceId>{id}</ConferenceId>"),
        )
    }
}

/// "YYYY-MM-DD HH:MM:SSZ", `minutes` from now.
pub fn seconds_from_now(s: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(s))
        .format("%Y-%m-%d %H:%M:%SZ")
        .to_string()
}

/// Waits up to `seconds` for `check` to hold.
pub fn eventually(seconds: u64, what: &str, check: impl Fn() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < until {
        if check() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("{what}: not within {seconds} s");
}

pub fn at(minutes: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(minutes))
        .format("%Y-%m-%d %H:%M:%SZ")
        .to_string()
}

/// Inner XML of a Conference from `start`..`end` minutes from now with these participants.
pub fn conference(start: i64, end: i64, participants: &str) -> String {
    format!(
        "<ConferenceId>-1</ConferenceId><Title>Test meeting</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC><Participants>{participants}</Participants>",
        at(start),
        at(end)
    )
}

pub fn tms(id: i64) -> String {
    format!("<Participant><ParticipantId>{id}</ParticipantId><ParticipantCallType>TMS</ParticipantCallType></Participant>")
}

pub fn external(kind: &str, name: &str) -> String {
    format!(
        "<Participant><NameOrNumber>{name}</NameOrNumber><ParticipantCallType>{}</ParticipantCallType></Participant>",
        kind.replace('<', "&lt;").replace('>', "&gt;")
    )
}

/// Error codes used in assertions.
pub mod code {
    pub const MEETINGNOTFOUND: i64 = -2147218302;
    pub const DATABASE_DOWN: i64 = -2147219500;
    pub const SERVER_BUSY: i64 = -2147218258;
    pub const SYSTEMNOTFOUND: i64 = -2147218301;
    pub const SYSTEM_ALREADY_BOOKED: i64 = -2147218300;
    pub const SYSTEM_NOT_ALLOWED_IN_BOOKING: i64 = -2147218262;
    pub const MEETINGNOTACTIVE: i64 = -2147218272;
    pub const MEETINGISDELETED: i64 = -2147218271;
    pub const MEETINGACTIVE: i64 = -2147218270;
    pub const CANNOTBOOKINTHEPAST: i64 = -2147218269;
    pub const START_TIME_AFTER_MAX_NUMBER_OF_DAYS_IN_FUTURE: i64 = -2147218265;
    pub const START_TIME_AFTER_END_TIME: i64 = -2147218263;
    pub const UNKNOWN: i64 = -2147218261;
    pub const CANNOT_ADD_PARTICIPANT: i64 = -2147218256;
    pub const INVALID_DATETIME_FORMAT: i64 = -2147218254;
    pub const DIAL_OUT_NUMBER_NOT_SET: i64 = -2147218251;
    pub const CONCURRENT_MODIFICATION: i64 = -2147218248;
    pub const NOT_ENOUGH_MCU_RESOURCES: i64 = -2147218250;
    pub const PARTICIPANT_ERROR: i64 = -2147218249;
    pub const WEBEX_ERROR: i64 = -2147218260;
    pub const INSTANCE_NOT_FOUND_WITHIN_PATTERN: i64 = -2147218252;
    pub const ERR_USER_NOT_FOUND: i64 = -2147218255;
    pub const UNSUPPORTED_RECURRENCE: i64 = -2147218257;
    pub const NEVER_ENDING_RECURRENCE_NOT_SUPPORTED: i64 = -2147218264;
    pub const SECURITY: i64 = -2147218259;
    pub const NO_ACCESS_TO_CONFERENCE: i64 = -2147218266;
    pub const LICENSE: i64 = -2147219503;
    pub const CLIENT_SESSION_BLANK: i64 = -2147218247;
    pub const CLIENT_SESSION_EXPIRED: i64 = -2147218253;
}

/// A `[[bridge]]` table of `family` at `address` (a simulator taking api / api-secret)
/// holding `total` units, its meetings numbered from 8100 in `domain`; `extra` adds lines
/// (priority, capabilities…).
pub fn bridge_table(
    name: &str,
    family: &str,
    address: &str,
    total: u32,
    domain: &str,
    extra: &str,
) -> String {
    format!(
        r#"
[[bridge]]
name = "{name}"
family = "{family}"
address = "{address}"
username = "api"
password = "api-secret"
capacity = {{ total = {total} }}
numbering = {{ first = 8100, last = 8999, sip_uri = "{{number}}@{domain}" }}
{extra}
"#
    )
}

impl Server {
    /// A service on an existing SQLite file (a restored backup), with the test
    /// configuration; the file is left in place when the service stops.
    pub fn start_on_sqlite_file(path: &std::path::Path, o: Options) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let url = path.display().to_string();
        let (child, base, metrics) = spawn(dir.path(), &url, &o);
        Server {
            child,
            base,
            metrics,
            backend: Backend::Sqlite,
            url,
            _dir: dir,
            pg_db: None,
        }
    }
}

/// The bridgebook command line, as an operator runs it: no configuration file unless one
/// is given, no test settings in the environment.
pub fn bridgebook_command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bridgebook"));
    c.env_remove("BRIDGEBOOK_CONFIG")
        .env_remove("BRIDGEBOOK_DATABASE_URL")
        .env("BRIDGEBOOK_LOG", "warn")
        .env_clear_test_settings();
    c
}

/// What a finished command printed, and how it ended.
#[derive(Debug)]
pub struct Ran {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `bridgebook ARGS` with `input` on standard input (not a terminal).
pub fn run_bridgebook(args: &[&str], input: &str) -> Ran {
    use std::io::Write;
    let mut child = bridgebook_command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bridgebook starts");
    // A command refused before it reads its input has closed the pipe already.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    Ran {
        success: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The JSON of a bridge added at runtime through the admin API: `family` at `address`
/// holding `total` units, its meetings numbered from `first` in `domain`.
pub fn bridge_json(
    name: &str,
    family: &str,
    address: &str,
    total: u32,
    first: u64,
    domain: &str,
    priority: i32,
) -> String {
    serde_json::json!({
        "name": name,
        "family": family,
        "address": address,
        "username": "api",
        "password": "api-secret",
        "priority": priority,
        "capacity": { "total": total },
        "numbering": { "first": first, "last": first + 99, "sip_uri": format!("{{number}}@{domain}") },
    })
    .to_string()
}

/// Adds a bridge through the admin API; answers its id.
pub fn add_bridge(server: &Server, json: &str) -> i64 {
    let a = admin_call(server, USER, "POST", "/admin/api/bridges", json);
    assert_eq!(a.status, 200, "{}", a.body);
    serde_json::from_str::<serde_json::Value>(&a.body).unwrap()["id"]
        .as_i64()
        .unwrap()
}
