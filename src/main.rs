//! The bridgebook command line: serve, migrate, users, configuration check, backup,
//! import from TMS, hash-password and the bridge simulators.
mod cli;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use bridgebook::app;
use bridgebook::config::Config;
use bridgebook::logging::LogLevel;
use bridgebook::soap::server;
use bridgebook::soap::tls as server_tls;
use bridgebook::store::Backend;
use clap::{Parser, Subcommand};
use cli::Settings;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "bridgebook",
    version,
    about = "A booking engine that serves the Cisco TMS Extension Booking API (TMSBA).",
    long_about = "A booking engine that serves the Cisco TMS Extension Booking API (TMSBA).\n\n\
Configuration comes from bridgebook.toml (see --config) and BRIDGEBOOK_* environment \
variables, which override any key (nested keys joined by a double underscore)."
)]
struct Cli {
    /// The --config of the commands that read the configuration, given before the command.
    #[arg(long, hide = true)]
    config: Option<PathBuf>,
    /// The --database-url of the commands that open the database, given before the command.
    #[arg(long, hide = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the SOAP services (migrating the database first) until interrupted.
    Serve {
        #[command(flatten)]
        settings: Settings,
        /// Address to listen on, e.g. 0.0.0.0:8080 (port 0 picks a free port). Overrides
        /// listen of the configuration.
        #[arg(long)]
        listen: Option<String>,
        /// Also runs bridge simulators, with demo rooms and a demo account, on a temporary
        /// database of its own, so a meeting booked over SOAP goes live on a (simulated)
        /// bridge. Never for real bookings.
        #[arg(long)]
        demo: bool,
    },
    /// Applies pending database migrations and exits.
    Migrate {
        #[command(flatten)]
        settings: Settings,
    },
    /// Adds, disables, enables, lists local accounts and sets their passwords; a running
    /// service sees the change within seconds.
    User {
        #[command(flatten)]
        settings: Settings,
        #[command(subcommand)]
        action: cli::user::Action,
    },
    /// Reads and checks the configuration, then shows every value in effect and where it
    /// comes from (file, environment, command line or default), secrets hidden.
    CheckConfig {
        #[command(flatten)]
        settings: Settings,
    },
    /// Writes a consistent copy of the SQLite database to FILE, also while the service is
    /// running and writing (PostgreSQL: use pg_dump).
    Backup {
        #[command(flatten)]
        settings: Settings,
        /// The copy to write; it must not exist yet.
        file: PathBuf,
    },
    /// Moves rooms and the meetings still to happen from a live TMS, read through its own
    /// booking API, keeping their ids, external ids and versions; run again to finish an
    /// interrupted import.
    ImportTms {
        #[command(flatten)]
        settings: Settings,
        #[command(flatten)]
        source: cli::import_tms::Source,
    },
    /// Asks for a password (read from standard input when it is not a terminal) and prints
    /// its argon2 hash for a [[user]] table's password_hash.
    HashPassword,
    /// Runs a bridge simulator standalone, speaking that family's management API, until
    /// SIGTERM or Ctrl-C.
    Sim {
        /// The bridge family.
        #[arg(long, value_enum)]
        family: cli::sim::Family,
        #[arg(long, default_value = "127.0.0.1:9443")]
        listen: String,
        /// API credentials the simulator accepts.
        #[arg(long, default_value = "admin")]
        username: String,
        #[arg(long, default_value = "admin")]
        password: String,
    },
}

impl Command {
    /// The configuration and database flags, for the commands that use them.
    fn settings(&mut self) -> Option<&mut Settings> {
        match self {
            Command::Serve { settings, .. }
            | Command::Migrate { settings }
            | Command::User { settings, .. }
            | Command::CheckConfig { settings }
            | Command::Backup { settings, .. }
            | Command::ImportTms { settings, .. } => Some(settings),
            Command::HashPassword | Command::Sim { .. } => None,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Command::Serve { .. } => "serve",
            Command::Migrate { .. } => "migrate",
            Command::User { .. } => "user",
            Command::CheckConfig { .. } => "check-config",
            Command::Backup { .. } => "backup",
            Command::ImportTms { .. } => "import-tms",
            Command::HashPassword => "hash-password",
            Command::Sim { .. } => "sim",
        }
    }
}

fn main() {
    let log = bridgebook::logging::init();
    let cli = Cli::parse();
    if let Err(e) = run(cli, log) {
        eprintln!("bridgebook: {e}");
        std::process::exit(1);
    }
}

/// Moves --config and --database-url given before the command into the command's own, and
/// refuses them for a command that reads neither.
fn settle_flags(cli: &mut Cli) -> Result<(), String> {
    let name = cli.command.name();
    match cli.command.settings() {
        Some(s) => {
            if let Some(c) = cli.config.take() {
                s.config = Some(c);
            }
            if let Some(u) = cli.database_url.take() {
                s.database_url = Some(u);
            }
            Ok(())
        }
        None if cli.config.is_some() => Err(format!("--config means nothing to `{name}`")),
        None if cli.database_url.is_some() => {
            Err(format!("--database-url means nothing to `{name}`"))
        }
        None => Ok(()),
    }
}

fn run(mut cli: Cli, log: LogLevel) -> Result<(), String> {
    settle_flags(&mut cli)?;
    // `demo`: the database is the demo's own, named when it is made.
    let load_for = |settings: &Settings, demo: bool| -> Result<Config, String> {
        let c = settings.load()?;
        if let Err(e) = log.apply_format(c.log_format) {
            tracing::warn!("{e}");
        }
        if let Err(e) = log.apply(&c.log) {
            tracing::warn!("{e}");
        }
        // Refused before anything is opened or created; the log names what is used.
        let db = bridgebook::store::database_url::DatabaseUrl::parse(&c.database_url)?;
        if !demo {
            tracing::info!("database: {}", db.describe());
        }
        Ok(c)
    };
    let load = |settings: &Settings| load_for(settings, false);
    match cli.command {
        Command::HashPassword => {
            let password = cli::password_input::read("Password", true)?;
            println!("{}", bridgebook::directory::password::hash(&password)?);
            Ok(())
        }
        Command::Sim {
            family,
            listen,
            username,
            password,
        } => cli::sim::run(family, &listen, &username, &password),
        Command::Migrate { settings } => {
            let c = load(&settings)?;
            let store =
                bridgebook::store::Store::open(&c.database_url, 1).map_err(|e| e.message)?;
            let applied = store.migrate().map_err(|e| e.message)?;
            println!("{} migration(s) applied", applied.len());
            Ok(())
        }
        Command::User { settings, action } => cli::user::run(&load(&settings)?, action),
        Command::CheckConfig { settings } => cli::check_config::run(&settings),
        Command::Backup { settings, file } => cli::backup::run(&load(&settings)?, &file),
        Command::ImportTms { settings, source } => cli::import_tms::run(&load(&settings)?, &source),
        Command::Serve {
            settings,
            listen,
            demo,
        } => {
            if demo && settings.database_url.is_some() {
                return Err("--demo runs on a temporary database of its own: leave out \
                            --database-url"
                    .into());
            }
            let mut c = load_for(&settings, demo)?;
            if let Some(l) = listen {
                c.listen = l;
            }
            // The simulators and the demo's database live as long as the service.
            let _demo = if demo {
                Some(bridgebook::demo::prepare(&mut c)?)
            } else {
                None
            };
            // SIGHUP reads the configuration again for what can change while running.
            let path = settings.config.clone();
            let log = log.clone();
            let reload_log: bridgebook::hangup::Hook = (
                "log level",
                Box::new(move || log.apply(&Config::load(path.as_deref())?.log)),
            );
            let reload_certificate: bridgebook::hangup::Hook = (
                "TLS certificate",
                Box::new(|| {
                    server_tls::reload().map(|renewed| {
                        if renewed {
                            "read again".to_string()
                        } else {
                            "none served".to_string()
                        }
                    })
                }),
            );
            serve(
                c,
                settings.config.as_deref(),
                vec![reload_log, reload_certificate],
            )
        }
    }
}

/// Threads per HTTP worker that run database work. PostgreSQL serves at most pool_size calls
/// at once, so more would only queue on the pool. SQLite work is CPU-bound in this process:
/// beyond about one thread per core, threads only add context switches (measured in
/// docs/performance.md).
fn blocking_threads(c: &Config, workers: usize) -> usize {
    let wanted = match Backend::of_url(&c.database_url) {
        Backend::Postgres => c.pool_size as usize,
        Backend::Sqlite => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .min(c.pool_size as usize),
    };
    wanted.div_ceil(workers).max(1)
}

fn serve(
    c: Config,
    config_file: Option<&std::path::Path>,
    reloads: Vec<bridgebook::hangup::Hook>,
) -> Result<(), String> {
    let tls = c.tls.as_ref().map(server_tls::install).transpose()?;
    if let Some(w) = server_tls::plain_http_warning(&c.listen, tls.is_some()) {
        tracing::warn!("{w}");
    }
    let open_files = bridgebook::http_limits::raise_open_files_limit();
    let app = Arc::new(app::build(&c)?);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let launcher = c.launcher.enabled.then(|| {
        bridgebook::launcher::start(
            app.clone(),
            bridgebook::launcher::Timing {
                poll: std::time::Duration::from_millis(c.launcher.poll_millis),
                health: std::time::Duration::from_secs(c.launcher.health_seconds),
                first_retry: chrono::Duration::seconds(c.launcher.retry_seconds),
                reconcile: std::time::Duration::from_secs(c.launcher.reconcile_seconds),
            },
            stop.clone(),
        )
    });
    let healer = bridgebook::launcher::healer::start(
        app.clone(),
        std::time::Duration::from_millis(c.launcher.poll_millis),
        stop.clone(),
    );
    let mailer = match c.mail.server {
        Some(_) => Some(bridgebook::mail::outbox::start(
            app.booking.store.clone(),
            c.mail.clone(),
            stop.clone(),
        )?),
        None => None,
    };
    let workers = if c.workers == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    } else {
        c.workers
    };
    let per_worker = bridgebook::http_limits::connections_per_worker(
        open_files,
        c.http.max_connections,
        workers,
        c.pool_size,
    );
    bridgebook::http_accept::set_lingering_limit(per_worker.saturating_mul(workers));
    let limit = open_files.map_or("unknown".to_string(), |n| n.to_string());
    tracing::info!(
        "open files limit {limit}: at most {per_worker} connections per worker, {workers} worker(s)"
    );
    actix_web::rt::System::new().block_on(async move {
        bridgebook::hangup::on_hangup(reloads)
            .map_err(|e| format!("cannot take over SIGHUP: {e}"))?;
        let metrics = match c.metrics_address() {
            Some(a) => Some(bridgebook::metrics_listener::bind(a, app.metrics.clone())?),
            None => None,
        };
        let summary_app = app.clone();
        let data = actix_web::web::Data::new(app);
        let http = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .wrap(actix_web::middleware::from_fn(
                    bridgebook::request_id::with_request_id,
                ))
                .app_data(data.clone())
                .configure(bridgebook::admin::configure)
                .configure(server::configure)
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads(&c, workers))
        .max_connections(per_worker)
        .on_connect(bridgebook::http_accept::on_connect)
        .client_request_timeout(c.http.head_timeout());
        let http = match &tls {
            Some(cert) => http.bind_rustls_0_23(&c.listen, cert.server_config()),
            None => http.bind(&c.listen),
        }
        .map_err(|e| format!("cannot listen on {}: {e}", c.listen))?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let metrics_addrs = metrics.as_ref().map(|(_, a)| a.clone()).unwrap_or_default();
        // Tests and scripts read these lines to find ephemeral ports: the SOAP address
        // first, as always; written at once, so a reader that stops after the first line
        // has not closed the pipe before the rest is written.
        let mut printed = String::new();
        for addr in http.addrs() {
            printed.push_str(&format!("bridgebook listening on {scheme}://{addr}\n"));
        }
        for addr in &metrics_addrs {
            printed.push_str(&format!("bridgebook metrics on http://{addr}/metrics\n"));
        }
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(printed.as_bytes()).and_then(|()| out.flush());
        drop(out);
        bridgebook::startup::log_summary(
            &summary_app,
            &c,
            config_file,
            (scheme, &http.addrs()),
            &metrics_addrs,
        );
        drop(summary_app);
        if let Some((server, _)) = metrics {
            actix_web::rt::spawn(server);
        }
        http.run().await.map_err(|e| e.to_string())
    })?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(l) = launcher {
        let _ = l.join();
    }
    let _ = healer.join();
    if let Some(m) = mailer {
        let _ = m.join();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
