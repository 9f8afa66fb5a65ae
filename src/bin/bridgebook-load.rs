//! Load run of the HTTP path: starts `bridgebook serve` on a fresh database, then drives
//! GetConferenceById, SaveConferenceWithMode and the static /healthz baseline over kept-alive
//! connections, one scenario after the other, and prints requests/s and latency percentiles.
//! With `--flood N`, SaveConferenceWithMode is driven once more while N other connections,
//! from another loopback address, send wrong passwords as fast as they are answered; the
//! server's memory is read after each scenario.
use bridgebook::contract::BOOKING_NS;
use bridgebook::soap::server::BOOKING_PATH;
use clap::Parser;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader as AsyncBufReader};
use tokio::net::TcpStream;

#[derive(Parser)]
#[command(
    name = "bridgebook-load",
    about = "Measures bridgebook's HTTP path against its own static baseline."
)]
struct Args {
    /// Concurrent kept-alive connections per scenario.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Measured seconds per scenario (after one second of warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Run on PostgreSQL: an admin URL (postgres://user@host/db) under which a scratch
    /// database is created and dropped. Without it, a scratch SQLite file is used.
    #[arg(long)]
    postgres: Option<String>,
    /// Also book during a flood of wrong passwords from this many connections (0: not).
    #[arg(long, default_value_t = 0)]
    flood: usize,
    /// The bridgebook binary to start (default: the one beside this tool).
    #[arg(long)]
    server: Option<PathBuf>,
    /// The service's metrics listener: an address, or "off" to run without metrics (what
    /// their cost is measured against).
    #[arg(long, default_value = "127.0.0.1:0")]
    metrics_listen: String,
}

const USER: &str = "load";
const PASSWORD: &str = "load";

fn main() -> Result<(), String> {
    let args = Args::parse();
    let dir = std::env::temp_dir().join(format!("bridgebook-load-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let scratch = match &args.postgres {
        Some(admin) => Scratch::postgres(admin)?,
        None => Scratch::Sqlite(dir.join("load.db").display().to_string()),
    };
    let server = start_server(&args, &dir, scratch.url())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let outcome = runtime.block_on(run(&args, &server));
    drop(server);
    scratch.drop_it();
    let _ = std::fs::remove_dir_all(&dir);
    let (results, memory) = outcome?;
    print_table(&args, &scratch, &results);
    for line in memory {
        println!("{line}");
    }
    Ok(())
}

enum Scratch {
    Sqlite(String),
    Postgres {
        admin: String,
        name: String,
        url: String,
    },
}

impl Scratch {
    fn postgres(admin: &str) -> Result<Scratch, String> {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let name = format!("bb_load_{}", uuid::Uuid::new_v4().simple());
        let mut c = diesel::pg::PgConnection::establish(admin).map_err(|e| e.to_string())?;
        c.batch_execute(&format!("CREATE DATABASE {name}"))
            .map_err(|e| e.to_string())?;
        let (base, _) = admin.rsplit_once('/').ok_or("the URL names no database")?;
        Ok(Scratch::Postgres {
            admin: admin.into(),
            url: format!("{base}/{name}"),
            name,
        })
    }

    fn url(&self) -> &str {
        match self {
            Scratch::Sqlite(u) | Scratch::Postgres { url: u, .. } => u,
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Scratch::Sqlite(_) => "SQLite",
            Scratch::Postgres { .. } => "PostgreSQL",
        }
    }

    fn drop_it(&self) {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        if let Scratch::Postgres { admin, name, .. } = self {
            if let Ok(mut c) = diesel::pg::PgConnection::establish(admin) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two systems per connection, so every connection books its own rooms without conflicts.
fn start_server(args: &Args, dir: &std::path::Path, url: &str) -> Result<Server, String> {
    let hash = bridgebook::directory::password::hash(PASSWORD)?;
    let mut config = format!(
        "database_url = \"{url}\"\nmetrics_listen = \"{metrics}\"\n[booking]\nbooking_window_days = 3650\n\
         [[user]]\nusername = \"{USER}\"\npassword_hash = \"{hash}\"\nsite_admin = true\n",
        metrics = args.metrics_listen
    );
    for id in 1..=2 * args.connections {
        config.push_str(&format!("[[system]]\nid = {id}\nname = \"Room {id}\"\n"));
    }
    let path = dir.join("bridgebook.toml");
    std::fs::write(&path, config).map_err(|e| e.to_string())?;
    let binary = match &args.server {
        Some(b) => b.clone(),
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("bridgebook"),
    };
    let mut child = Command::new(&binary)
        .arg("--config")
        .arg(&path)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("BRIDGEBOOK_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let address = line
        .trim()
        .strip_prefix("bridgebook listening on http://")
        .ok_or_else(|| format!("unexpected first line: {line:?}"))?
        .to_string();
    Ok(Server { child, address })
}

#[derive(Clone, Copy, PartialEq)]
enum Scenario {
    Baseline,
    Read,
    Save,
    SaveFlooded,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Baseline => "GET /healthz (static baseline)",
            Scenario::Read => "GetConferenceById",
            Scenario::Save => "SaveConferenceWithMode",
            Scenario::SaveFlooded => "SaveConferenceWithMode, wrong passwords flooding",
        }
    }
}

struct Outcome {
    scenario: Scenario,
    latencies_us: Vec<u64>,
    errors: usize,
    elapsed: Duration,
    /// Wrong-password requests answered meanwhile (flooded scenario only).
    flood_answers: usize,
}

/// The server's resident and peak resident memory, from /proc (Linux).
fn memory_of(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| "?".into())
    };
    format!("resident {}, peak {}", field("VmRSS:"), field("VmHWM:"))
}

async fn run(args: &Args, server: &Server) -> Result<(Vec<Outcome>, Vec<String>), String> {
    let address = server.address.as_str();
    let mut conn = Connection::open(address).await?;
    let mut ids = Vec::new();
    for i in 0..200u64 {
        let body = conn.post(&save_envelope(1, 2, 100_000 + i)).await?;
        ids.push(field(&body, "ConferenceId").ok_or_else(|| format!("preload failed: {body}"))?);
    }
    let pid = server.child.id();
    let mut memory = vec![format!("server memory at start: {}", memory_of(pid))];
    let mut out = Vec::new();
    let mut scenarios = vec![Scenario::Baseline, Scenario::Read, Scenario::Save];
    if args.flood > 0 {
        scenarios.push(Scenario::SaveFlooded);
    }
    for scenario in scenarios {
        out.push(drive(args, address, scenario, &ids).await?);
        memory.push(format!(
            "server memory after {}: {}",
            scenario.name(),
            memory_of(pid)
        ));
    }
    Ok((out, memory))
}

/// Sends wrong passwords on one connection from 127.0.0.2 until `until`, reconnecting when
/// the server closes it; answers how many were answered.
async fn flood(address: String, until: Instant) -> usize {
    let mut answered = 0;
    while Instant::now() < until {
        let Ok(mut conn) = Connection::open_from(&address, "127.0.0.2", "not-the-password").await
        else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        while Instant::now() < until {
            match conn.post_raw(&save_envelope(1, 2, 0)).await {
                Ok(_) => answered += 1,
                Err(_) => break,
            }
        }
    }
    answered
}

async fn drive(
    args: &Args,
    address: &str,
    scenario: Scenario,
    ids: &[String],
) -> Result<Outcome, String> {
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(1);
    let until = measure_from + Duration::from_secs(args.seconds);
    let flooding: Vec<_> = if scenario == Scenario::SaveFlooded {
        (0..args.flood)
            .map(|_| tokio::spawn(flood(address.to_string(), until)))
            .collect()
    } else {
        Vec::new()
    };
    let mut tasks = Vec::new();
    for n in 0..args.connections {
        let address = address.to_string();
        let ids = ids.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut conn = Connection::open(&address).await?;
            let (mut lat, mut errors, mut k) = (Vec::new(), 0usize, 0u64);
            let (a, b) = (2 * n as u64 + 1, 2 * n as u64 + 2);
            loop {
                let sent = Instant::now();
                if sent >= until {
                    break;
                }
                k += 1;
                let ok = match scenario {
                    Scenario::Baseline => conn.get("/healthz").await?.0 == 200,
                    Scenario::Read => {
                        let id = &ids[(k as usize * 7 + n) % ids.len()];
                        let (status, body) = conn.post_raw(&read_envelope(id)).await?;
                        status == 200 && body.contains("<ConferenceId>")
                    }
                    Scenario::Save | Scenario::SaveFlooded => {
                        // The flooded run books later slots than the plain one.
                        let k = if scenario == Scenario::Save {
                            k
                        } else {
                            50_000 + k
                        };
                        let (status, body) = conn.post_raw(&save_envelope(a, b, k)).await?;
                        status == 200 && body.contains("<ConferenceId>")
                    }
                };
                if sent >= measure_from {
                    lat.push(sent.elapsed().as_micros() as u64);
                    errors += usize::from(!ok);
                }
            }
            Ok::<_, String>((lat, errors))
        }));
    }
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.map_err(|e| e.to_string())??;
        latencies_us.extend(l);
        errors += e;
    }
    latencies_us.sort_unstable();
    let mut flood_answers = 0;
    for f in flooding {
        flood_answers += f.await.map_err(|e| e.to_string())?;
    }
    Ok(Outcome {
        scenario,
        latencies_us,
        errors,
        elapsed: Duration::from_secs(args.seconds),
        flood_answers,
    })
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn print_table(args: &Args, scratch: &Scratch, results: &[Outcome]) {
    println!(
        "{} backend, {} connections, {} s per scenario\n",
        scratch.label(),
        args.connections,
        args.seconds
    );
    println!("| scenario | requests | errors | requests/s | p50 ms | p99 ms | of baseline |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let rate = |o: &Outcome| o.latencies_us.len() as f64 / o.elapsed.as_secs_f64();
    let base = results
        .iter()
        .find(|o| o.scenario == Scenario::Baseline)
        .map(rate)
        .unwrap_or(f64::NAN);
    for o in results {
        println!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.0}% |",
            o.scenario.name(),
            o.latencies_us.len(),
            o.errors,
            rate(o),
            percentile(&o.latencies_us, 0.50),
            percentile(&o.latencies_us, 0.99),
            100.0 * rate(o) / base
        );
    }
    for o in results.iter().filter(|o| o.flood_answers > 0) {
        println!(
            "\n{}: {} wrong passwords answered from {} connections",
            o.scenario.name(),
            o.flood_answers,
            args.flood
        );
    }
}

fn read_envelope(id: &str) -> String {
    envelope(&format!(
        "<GetConferenceById xmlns=\"{BOOKING_NS}\"><ConferenceId>{id}</ConferenceId></GetConferenceById>"
    ))
}

/// A two-room meeting in slot `k` (15 minutes apart, starting tomorrow) on systems a and b.
fn save_envelope(a: u64, b: u64, k: u64) -> String {
    let start = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        + chrono::Duration::days(1)
        + chrono::Duration::minutes(15 * k as i64);
    let end = start + chrono::Duration::minutes(10);
    let f = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%SZ").to_string();
    envelope(&format!(
        "<SaveConferenceWithMode xmlns=\"{BOOKING_NS}\"><Conference><ConferenceId>-1</ConferenceId>\
         <Title>Load {k}</Title><StartTimeUTC>{}</StartTimeUTC><EndTimeUTC>{}</EndTimeUTC>\
         <Participants><Participant><ParticipantId>{a}</ParticipantId><ParticipantCallType>TMS</ParticipantCallType></Participant>\
         <Participant><ParticipantId>{b}</ParticipantId><ParticipantCallType>TMS</ParticipantCallType></Participant></Participants>\
         </Conference><BookingMode>Strict</BookingMode></SaveConferenceWithMode>",
        f(start),
        f(end)
    ))
}

fn envelope(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\
         <soap:Header><ExternalAPIVersionSoapHeader xmlns=\"{BOOKING_NS}\"><ClientVersionIn>23</ClientVersionIn></ExternalAPIVersionSoapHeader></soap:Header>\
         <soap:Body>{body}</soap:Body></soap:Envelope>"
    )
}

fn field(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find('<')? + start;
    Some(xml[start..end].to_string())
}

/// One kept-alive HTTP/1.1 connection; answers are read by Content-Length.
struct Connection {
    stream: AsyncBufReader<TcpStream>,
    host: String,
    auth: String,
}

impl Connection {
    async fn open(address: &str) -> Result<Connection, String> {
        let stream = TcpStream::connect(address)
            .await
            .map_err(|e| e.to_string())?;
        Connection::over(stream, address, PASSWORD)
    }

    /// From another local address (another client, as far as the server can tell).
    async fn open_from(address: &str, local: &str, password: &str) -> Result<Connection, String> {
        let e = |e: std::io::Error| e.to_string();
        let socket = tokio::net::TcpSocket::new_v4().map_err(e)?;
        socket
            .bind(
                format!("{local}:0")
                    .parse()
                    .map_err(|_| "bad local address")?,
            )
            .map_err(e)?;
        let remote = address.parse().map_err(|_| "bad server address")?;
        let stream = socket.connect(remote).await.map_err(e)?;
        Connection::over(stream, address, password)
    }

    fn over(stream: TcpStream, address: &str, password: &str) -> Result<Connection, String> {
        use base64::Engine;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Connection {
            stream: AsyncBufReader::new(stream),
            host: address.to_string(),
            auth: base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{password}")),
        })
    }

    async fn get(&mut self, path: &str) -> Result<(u16, String), String> {
        let head = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.host);
        self.exchange(head.as_bytes()).await
    }

    async fn post(&mut self, envelope: &str) -> Result<String, String> {
        match self.post_raw(envelope).await? {
            (200, body) => Ok(body),
            (status, body) => Err(format!("HTTP {status}: {body}")),
        }
    }

    async fn post_raw(&mut self, envelope: &str) -> Result<(u16, String), String> {
        let mut req = format!(
            "POST {BOOKING_PATH} HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {}\r\n\
             Content-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            self.host,
            self.auth,
            envelope.len()
        )
        .into_bytes();
        req.extend_from_slice(envelope.as_bytes());
        self.exchange(&req).await
    }

    async fn exchange(&mut self, request: &[u8]) -> Result<(u16, String), String> {
        let io = |e: std::io::Error| e.to_string();
        self.stream.get_mut().write_all(request).await.map_err(io)?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await.map_err(io)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {line:?}"))?;
        let mut length = None;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.map_err(io)?;
            let h = line.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse::<usize>().ok();
                }
            }
        }
        let length = length.ok_or("answer without Content-Length")?;
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await.map_err(io)?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}
