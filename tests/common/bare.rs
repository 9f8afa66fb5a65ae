//! The binary started with a configuration a test writes whole (no accounts, TLS, another
//! listen address), for what the common harness's fixed configuration cannot show: what a
//! start prints on standard output and logs.
use super::WithoutTestSettings;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};

pub struct Bare {
    pub child: Child,
    /// Standard output up to and including the "listening" line.
    pub printed: Vec<String>,
    pub base: String,
    stdout: Option<BufReader<ChildStdout>>,
}

impl Bare {
    /// Starts `serve` with `config` in `dir` (extra environment in `env`), logging at warn
    /// level into `dir/stderr.log`; waits for the "listening" line.
    // The child is waited for in Drop, which clippy cannot see.
    #[allow(clippy::zombie_processes)]
    pub fn start(dir: &std::path::Path, config: &str, env: &[(&str, &str)]) -> Bare {
        let cfg = dir.join("bridgebook.toml");
        std::fs::write(&cfg, config).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bridgebook"));
        cmd.arg("--config")
            .arg(&cfg)
            .arg("serve")
            .env("BRIDGEBOOK_LOG", "warn")
            .env("BRIDGEBOOK_METRICS_LISTEN", "127.0.0.1:0")
            .env_remove("BRIDGEBOOK_ADMIN_PASSWORD")
            .env_clear_test_settings()
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("bridgebook starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut printed = Vec::new();
        loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                let _ = child.kill();
                let _ = child.wait();
                let mut err = String::new();
                let _ = std::fs::File::open(dir.join("stderr.log"))
                    .and_then(|mut f| f.read_to_string(&mut err));
                panic!("bridgebook stopped before listening: {printed:?} {err}");
            }
            let line = line.trim().to_string();
            printed.push(line.clone());
            if let Some(base) = line.strip_prefix("bridgebook listening on ") {
                return Bare {
                    base: base.to_string(),
                    child,
                    printed,
                    stdout: Some(out),
                };
            }
        }
    }

    /// What the service logged (warnings and errors) so far.
    pub fn log(dir: &std::path::Path) -> String {
        std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default()
    }
}

impl Drop for Bare {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stdout.take();
    }
}
