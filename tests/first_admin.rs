//! No default password: a first start with no account creates the site administrator
//! `admin` with a random password printed once (or the one of BRIDGEBOOK_ADMIN_PASSWORD);
//! later starts print none and the password keeps working.
mod common;
use common::bare::Bare;
use common::*;

fn config(dir: &std::path::Path) -> String {
    format!(
        "listen = \"127.0.0.1:0\"\ndatabase_url = \"{}\"\nworkers = 1\n",
        dir.join("bb.db").display()
    )
}

/// Whether `user`/`password` may call the admin API (site administrators only).
fn admin_works(base: &str, user: &str, password: &str) -> bool {
    match ureq::get(&format!("{base}/admin/api/bridges"))
        .set("Authorization", &basic(user, password))
        .call()
    {
        Ok(r) => r.status() == 200,
        Err(_) => false,
    }
}

const PRINTED: &str = "bridgebook created the site administrator 'admin' with the password: ";

#[test]
fn the_first_start_prints_an_administrator_password_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = Bare::start(dir.path(), &config(dir.path()), &[]);
    let shown: Vec<&String> = first
        .printed
        .iter()
        .filter(|l| l.starts_with(PRINTED))
        .collect();
    assert_eq!(shown.len(), 1, "{:?}", first.printed);
    let password = shown[0].strip_prefix(PRINTED).unwrap().to_string();
    assert!(password.len() >= 20, "a long random password: {password}");
    assert!(admin_works(&first.base, "admin", &password));
    assert!(!admin_works(&first.base, "admin", "admin"));
    drop(first);

    let second = Bare::start(dir.path(), &config(dir.path()), &[]);
    assert_eq!(
        second.printed.len(),
        1,
        "only the listening line: {:?}",
        second.printed
    );
    assert!(admin_works(&second.base, "admin", &password));
}

#[test]
fn the_password_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let s = Bare::start(
        dir.path(),
        &config(dir.path()),
        &[("BRIDGEBOOK_ADMIN_PASSWORD", "chosen by the operator")],
    );
    assert_eq!(s.printed.len(), 1, "nothing printed: {:?}", s.printed);
    assert!(admin_works(&s.base, "admin", "chosen by the operator"));
}

#[test]
fn a_configured_account_means_no_administrator_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let hash = bridgebook::directory::password::hash(PASSWORD).unwrap();
    let cfg = format!(
        "{}[[user]]\nusername = \"{USER}\"\npassword_hash = \"{hash}\"\nsite_admin = true\n",
        config(dir.path())
    );
    let s = Bare::start(dir.path(), &cfg, &[]);
    assert_eq!(s.printed.len(), 1, "{:?}", s.printed);
    assert!(admin_works(&s.base, USER, PASSWORD));
    assert!(!admin_works(&s.base, "admin", ""));
}
