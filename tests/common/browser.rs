//! Headless Chromium driven through chromedriver (WebDriver) with fantoccini, for the web
//! console's tests. Without chromedriver the tests skip with a message, except in CI
//! (`CI` set), where a missing browser is a failure.
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// chromedriver, where Debian's chromium-driver puts it (or on PATH).
fn chromedriver() -> Option<String> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join("chromedriver"))
                    .find(|p| p.exists())
                    .map(|p| p.display().to_string())
            })
        })
}

/// A running chromedriver; killed when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver on a free loopback port, or None (with a message) when it is not
/// installed outside CI.
pub fn driver() -> Option<Driver> {
    let Some(path) = chromedriver() else {
        if std::env::var_os("CI").is_some() {
            panic!("CI must have chromedriver (Debian: chromium-driver) for the console tests");
        }
        eprintln!("chromedriver not found: the console's browser tests are skipped here");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let until = std::time::Instant::now() + Duration::from_secs(20);
    while ureq::get(&format!("{url}/status")).call().is_err() {
        assert!(
            std::time::Instant::now() < until,
            "chromedriver did not answer"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Driver { child, url })
}

/// A fresh headless browser (its own profile, so its own cookies).
pub async fn browser(d: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    let mut chrome = serde_json::json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000"]
    });
    if std::path::Path::new("/usr/bin/chromium").exists() {
        chrome["binary"] = "/usr/bin/chromium".into();
    }
    caps.insert("goog:chromeOptions".into(), chrome);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&d.url)
        .await
        .expect("a browser session")
}

/// The text of the element `css` names, waiting for it to appear.
pub async fn text(c: &Client, css: &str) -> String {
    let until = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let found = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.ok(),
            Err(_) => None,
        };
        match found {
            Some(t) => return t,
            None if std::time::Instant::now() < until => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            None => panic!("{css}: not on {}", c.source().await.unwrap_or_default()),
        }
    }
}

/// Clicks the element `css` names (a link or a form's button) and waits for the page it
/// leads to.
pub async fn click(c: &Client, css: &str) {
    let before = c.find(Locator::Css("html")).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
    // The old page's root goes stale once the next page has replaced it.
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while before.tag_name().await.is_ok() {
        assert!(std::time::Instant::now() < until, "{css} led nowhere");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn has(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css)).await.is_ok()
}

/// The whole text the page shows.
pub async fn page_text(c: &Client) -> String {
    text(c, "body").await
}

/// Logs in through the form as `user`.
pub async fn log_in(c: &Client, base: &str, user: &str, password: &str) {
    c.goto(&format!("{base}/admin/")).await.unwrap();
    let form = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#login"))
        .await
        .expect("the login form");
    form.find(Locator::Css("#username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    form.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    click(c, "#submit").await;
    assert_eq!(text(c, "#who").await, user, "logged in");
}

/// Saves a screenshot of the page into the folder `BRIDGEBOOK_TEST_SCREENSHOTS` names, when
/// it names one (the pictures in docs/ are made this way).
pub async fn snapshot(c: &Client, name: &str) {
    let Ok(dir) = std::env::var("BRIDGEBOOK_TEST_SCREENSHOTS") else {
        return;
    };
    let png = c.screenshot().await.expect("a screenshot");
    std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).unwrap();
}

/// Runs an async browser test on a runtime of its own.
pub fn run<F: std::future::Future<Output = ()>>(f: F) {
    run_with(f)
}

/// Runs an async browser test on a runtime of its own; answers what it found.
pub fn run_with<T, F: std::future::Future<Output = T>>(f: F) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}
