//! `bridgebook serve --demo`, as the README tells a newcomer to run it: a meeting of three
//! demo rooms booked over SOAP goes live on the simulated bridge, which calls the three rooms.
//! Run with the example configuration from a directory of its own, it uses a temporary
//! database (no `./data`), only its own bridges, and the account it prints logs in.
mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn the_demo_puts_a_booked_meeting_on_its_bridge() {
    let cwd = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bridgebook"))
        .arg("--config")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/bridgebook.example.toml"
        ))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .current_dir(cwd.path())
        .env("BRIDGEBOOK_LOG", "warn")
        .env("BRIDGEBOOK_METRICS_LISTEN", "127.0.0.1:0")
        .env_remove("BRIDGEBOOK_CONFIG")
        // Test settings, not configuration keys.
        .env_clear_test_settings()
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let base = loop {
        let line = lines.next().expect("the demo prints its address").unwrap();
        if let Some(b) = line.strip_prefix("bridgebook listening on ") {
            break b.to_string();
        }
        assert!(line.starts_with("demo: "), "{line}");
        printed.push(line);
    };
    let printed = printed.join("\n");
    // "log in as demo/demo;": the account the demo tells of is the one used below.
    let (user, password) = printed
        .split("log in as ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|account| account.split_once('/'))
        .unwrap_or_else(|| panic!("no account printed: {printed}"));
    let database = printed
        .split("temporary database, removed at exit (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("no database printed: {printed}"))
        .to_string();
    assert!(std::path::Path::new(&database).exists(), "{database}");
    let auth = basic(user, password);
    let url = format!("{base}{BOOKING}");
    let start = (chrono::Utc::now() + chrono::Duration::seconds(5)).format("%Y-%m-%d %H:%M:%SZ");
    let end = (chrono::Utc::now() + chrono::Duration::minutes(30)).format("%Y-%m-%d %H:%M:%SZ");
    let rooms: String = (1..=3).map(tms).collect();
    let body = format!(
        r#"<SaveConferenceWithMode xmlns="{NS}"><Conference><ConferenceId>-1</ConferenceId><Title>Demo</Title><StartTimeUTC>{start}</StartTimeUTC><EndTimeUTC>{end}</EndTimeUTC><Participants>{rooms}</Participants></Conference><BookingMode>Strict</BookingMode></SaveConferenceWithMode>"#
    );
    let answer = ureq::post(&url)
        .set("Authorization", &auth)
        .set("Content-Type", "text/xml; charset=utf-8")
        .set("SOAPAction", &format!("\"{NS}SaveConferenceWithMode\""))
        .send_string(&envelope11(23, &body))
        .unwrap()
        .into_string()
        .unwrap();
    let id = first(&answer, "ConferenceId").unwrap();
    assert_eq!(
        first(&answer, "JoinUri").as_deref(),
        Some("sip:7000@demo.example.com")
    );
    // Provisioned at once: the start is within the lead time.
    let jobs_url = format!("{base}/admin/api/conferences/{id}/jobs");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let jobs = ureq::get(&jobs_url)
            .set("Authorization", &auth)
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        let list: serde_json::Value = serde_json::from_str(&jobs).unwrap();
        let done = list
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["kind"] == "provision" && j["state"] == "done");
        if done {
            break;
        }
        assert!(std::time::Instant::now() < until, "not provisioned: {jobs}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // One bridge of each family, each answering its health poll.
    let bridges: serde_json::Value = serde_json::from_str(
        &ureq::get(&format!("{base}/admin/api/bridges"))
            .set("Authorization", &auth)
            .call()
            .unwrap()
            .into_string()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(bridges.as_array().unwrap().len(), 4, "{bridges}");
    let mut families: Vec<&str> = bridges
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["reachable"] == true)
        .map(|b| b["family"].as_str().unwrap())
        .collect();
    families.sort();
    assert_eq!(
        families,
        [
            "conductor",
            "meeting-server",
            "pexip",
            "telepresence-server"
        ],
        "{bridges}"
    );
    // At the start the bridge calls the three rooms, as the README shows.
    let calls_url = format!("{base}/admin/api/conferences/{id}/calls");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let calls = ureq::get(&calls_url)
            .set("Authorization", &auth)
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        let list: serde_json::Value = serde_json::from_str(&calls).unwrap();
        let mut connected: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["state"] == "connected")
            .map(|c| c["address"].as_str().unwrap())
            .collect();
        connected.sort();
        if connected
            == [
                "room1@demo.example.com",
                "room2@demo.example.com",
                "room3@demo.example.com",
            ]
        {
            break;
        }
        assert!(
            std::time::Instant::now() < until,
            "three rooms not called: {calls}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // Stopped as a service manager stops it: the temporary database goes with it.
    let pid = child.id().to_string();
    Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(
        !std::path::Path::new(&database).exists(),
        "{database} left behind"
    );
    assert!(
        !cwd.path().join("data").exists(),
        "the demo made ./data in its working directory"
    );
}
