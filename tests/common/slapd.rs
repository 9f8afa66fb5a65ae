//! Test harness: a private OpenLDAP `slapd` for the LDAP integration tests.
//!
//! Everything lives in a temporary directory (config, database, pid/args files, log); no
//! system configuration is read or written apart from the stock schema files in
//! `/etc/ldap/schema` and the modules in `/usr/lib/ldap`. The directory is loaded from
//! `tests/fixtures/directory.ldif` with `slapadd` before the server starts, and the server
//! listens on a free port on 127.0.0.1, so several instances can run in parallel.
//!
//! Needs the Debian/Ubuntu packages `slapd` and `ldap-utils`. On Ubuntu, the AppArmor profile
//! of `/usr/sbin/slapd` forbids files outside its own directories: CI must disable it
//! (`sudo apparmor_parser -R /etc/apparmor.d/usr.sbin.slapd`) or put it in complain mode.
#![allow(dead_code)]
use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SLAPD: &str = "/usr/sbin/slapd";
pub const SLAPADD: &str = "/usr/sbin/slapadd";
pub const SCHEMA_DIR: &str = "/etc/ldap/schema";
pub const MODULE_DIR: &str = "/usr/lib/ldap";
pub const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/directory.ldif");

pub const BASE_DN: &str = "dc=example,dc=com";
pub const ADMIN_DN: &str = "cn=admin,dc=example,dc=com";
pub const ADMIN_PASSWORD: &str = "admin-pw";
pub const PEOPLE_DN: &str = "ou=people,dc=example,dc=com";
pub const GROUPS_DN: &str = "ou=groups,dc=example,dc=com";

/// How long to wait for slapd to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts with a fresh port, should another process grab the chosen port first.
const START_ATTEMPTS: usize = 3;

/// A running private slapd, killed when dropped.
pub struct Slapd {
    /// `ldap://127.0.0.1:PORT`
    pub url: String,
    pub base_dn: String,
    pub admin_dn: String,
    pub admin_password: String,
    child: Child,
    // Dropped after `child` has been killed (see `Drop`).
    dir: tempfile::TempDir,
}

impl Slapd {
    /// Starts a fresh slapd loaded with the test fixture. Panics with a clear message if
    /// slapd is not installed or does not come up.
    pub fn start() -> Slapd {
        for tool in [SLAPD, SLAPADD] {
            if !Path::new(tool).exists() {
                panic!(
                    "{tool} not found: the LDAP tests need OpenLDAP \
                     (Debian/Ubuntu: `apt-get install slapd ldap-utils`)"
                );
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("bridgebook-slapd-")
            .tempdir()
            .expect("create temporary directory for slapd");
        let conf = write_config(dir.path());
        load_fixture(&conf);

        let log_path = dir.path().join("slapd.log");
        let mut last_log = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port();
            let url = format!("ldap://127.0.0.1:{port}");
            let log = File::create(&log_path).expect("create slapd log file");
            let log_err = log.try_clone().expect("clone slapd log file handle");
            let mut child = Command::new(SLAPD)
                .arg("-f")
                .arg(&conf)
                .arg("-h")
                .arg(format!("{url}/"))
                // Foreground; "none" still logs errors, whereas "-d 0" logs nothing at all.
                .arg("-d")
                .arg("none")
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log_err)
                .spawn()
                .unwrap_or_else(|e| panic!("failed to run {SLAPD}: {e}"));

            match wait_ready(&mut child, port) {
                Ok(()) => {
                    return Slapd {
                        url,
                        base_dn: BASE_DN.to_string(),
                        admin_dn: ADMIN_DN.to_string(),
                        admin_password: ADMIN_PASSWORD.to_string(),
                        child,
                        dir,
                    };
                }
                Err(reason) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    last_log = fs::read_to_string(&log_path).unwrap_or_default();
                    eprintln!("slapd attempt {attempt} on port {port} failed: {reason}");
                    if reason == Failure::Timeout {
                        break;
                    }
                }
            }
        }
        panic!(
            "slapd did not start (config {}); its log:\n{last_log}",
            conf.display()
        );
    }

    /// DN of a person in the fixture, e.g. `user_dn("alice")`.
    pub fn user_dn(&self, uid: &str) -> String {
        format!("uid={uid},{PEOPLE_DN}")
    }

    /// DN of a group in the fixture, e.g. `group_dn("video-bookers")`.
    pub fn group_dn(&self, cn: &str) -> String {
        format!("cn={cn},{GROUPS_DN}")
    }

    /// The temporary directory holding config, database and log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// slapd's output so far (useful when a test fails).
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("slapd.log")).unwrap_or_default()
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Failure {
    Exited(String),
    Timeout,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Exited(status) => write!(f, "slapd exited ({status})"),
            Failure::Timeout => write!(f, "no connection within {START_TIMEOUT:?}"),
        }
    }
}

fn write_config(dir: &Path) -> PathBuf {
    let db = dir.join("db");
    fs::create_dir(&db).expect("create slapd database directory");
    let conf = dir.join("slapd.conf");
    let q = |p: &Path| format!("\"{}\"", p.display());
    let text = format!(
        "\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema

modulepath {MODULE_DIR}
moduleload back_mdb

pidfile {pid}
argsfile {args}

database mdb
maxsize 104857600
suffix \"{BASE_DN}\"
rootdn \"{ADMIN_DN}\"
rootpw {ADMIN_PASSWORD}
directory {db}

access to attrs=userPassword
    by self write
    by anonymous auth
    by * none
access to *
    by * read
",
        schema = SCHEMA_DIR,
        pid = q(&dir.join("slapd.pid")),
        args = q(&dir.join("slapd.args")),
        db = q(&db),
    );
    fs::write(&conf, text).expect("write slapd.conf");
    conf
}

fn load_fixture(conf: &Path) {
    let out = Command::new(SLAPADD)
        .arg("-f")
        .arg(conf)
        .arg("-l")
        .arg(FIXTURE)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("failed to run {SLAPADD}: {e}"));
    if !out.status.success() {
        panic!(
            "slapadd -f {} -l {FIXTURE} failed ({}):\n{}{}",
            conf.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral port on 127.0.0.1")
        .port()
}

/// Waits until the port accepts connections while our child is still alive.
fn wait_ready(child: &mut Child, port: u16) -> Result<(), Failure> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(Failure::Exited(status.to_string()));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            // If another process owned the port, slapd fails to bind and exits at once.
            std::thread::sleep(Duration::from_millis(50));
            return match child.try_wait() {
                Ok(Some(status)) => Err(Failure::Exited(status.to_string())),
                _ => Ok(()),
            };
        }
        if Instant::now() >= deadline {
            return Err(Failure::Timeout);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
