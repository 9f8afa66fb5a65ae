//! Persistence: a pool of SQLite or PostgreSQL connections chosen by URL, migrations, and
//! the repositories. Every writing call runs in one database transaction.
pub mod accounts;
pub mod bridge_loads;
pub mod bridge_owners;
pub mod bridges;
pub mod calendar_feeds;
pub mod calls;
pub mod conferences;
pub mod console_sessions;
pub mod database_url;
pub mod heal_queue;
pub mod ids;
pub mod installation;
pub mod jobs;
pub mod lock_order;
pub mod mail_outbox;
mod outbox;
pub mod schema;
pub mod sessions;
pub mod systems;
pub mod transactions;
pub mod users;
pub mod users_generation;

use crate::domain::{Error, ErrorCode};
use database_url::DatabaseUrl;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::Mutex;
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any key fits: it only has to be the same for every instance sharing one database.
const TRANSACTION_LOG_LOCK: i64 = 0x6272_6467_626b;
/// First key of the two-key advisory locks taken per system (the second is the system id).
const SYSTEM_LOCK_SPACE: i32 = 0x6262;
/// Advisory-lock space of the bridge-placement lock.
const ROUTING_LOCK_SPACE: i32 = 0x6263;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend of a URL `DatabaseUrl::parse` accepts (a refused one opens nothing).
    pub fn of_url(url: &str) -> Backend {
        DatabaseUrl::parse(url).map_or(Backend::Sqlite, |u| u.backend())
    }
}

/// Opens connections of the backend the URL names, never falling back to another.
pub struct Manager {
    /// The PostgreSQL URL, or the SQLite file's path.
    url: String,
    backend: Backend,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url).map(DbConnection::Pg),
            Backend::Sqlite => {
                let mut c = SqliteConnection::establish(&self.url)?;
                // The busy timeout covers other processes (a migration, an admin's
                // sqlite3 shell).
                c.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping()
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub struct Store {
    pool: Pool<Manager>,
    backend: Backend,
    /// SQLite has one writer; queueing writers here instead of in SQLite's busy loop keeps
    /// their order fair and their latency predictable.
    sqlite_writer: Mutex<()>,
    /// Bumped whenever users' groups or accounts change here, so remembered logins are
    /// checked again (another instance sharing the database notices within their lifetime).
    users_generation: std::sync::atomic::AtomicU64,
    /// The generation in the database, raised by changes made from the command line
    /// (`users_generation::watch` reads it).
    stored_users_generation: std::sync::atomic::AtomicU64,
    /// How long each connection was waited for: a pool too small for the load shows here
    /// first (exposed as a metric).
    pool_wait: prometheus_client::metrics::histogram::Histogram,
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as D};
        match &e {
            D::DatabaseError(_, info)
                if info.constraint_name() == Some("reservations_no_overlap") =>
            {
                Error {
                    retryable: true,
                    ..Error::new(
                        ErrorCode::SystemAlreadyBooked,
                        "A system was booked by another request at the same moment.",
                    )
                }
            }
            D::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => Error {
                retryable: true,
                ..Error::new(ErrorCode::ServerBusy, "The database is busy; try again.")
            },
            // A lost race, not a broken database: the reference's SERVER_BUSY ("a database
            // operation has timed out … repeat the request at a later time"). Nothing was
            // written, so the transaction is run again.
            D::DatabaseError(_, info) if busy(info.message()) => Error {
                retryable: true,
                ..Error::new(ErrorCode::ServerBusy, "The database is busy; try again.")
            },
            _ => Error::new(ErrorCode::DatabaseDown, format!("Database error: {e}")),
        }
    }
}

/// SQLite's "database is locked" / "database is busy" after its busy timeout, and
/// PostgreSQL's "deadlock detected" (one of the two transactions is rolled back).
fn busy(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("database is locked")
        || m.contains("database is busy")
        || m.contains("deadlock detected")
}

fn pool_error(e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::DatabaseDown,
        format!("The database is not reachable: {e}"),
    )
}

impl Store {
    /// Opens the database at `url` (a SQLite path or `sqlite://` URL, or `postgres://…`).
    /// Any other form is refused before anything is created (see `database_url`).
    pub fn open(url: &str, pool_size: u32) -> Result<Store, Error> {
        let parsed = DatabaseUrl::parse(url).map_err(|m| Error::new(ErrorCode::DatabaseDown, m))?;
        let backend = parsed.backend();
        let url = match &parsed {
            DatabaseUrl::Postgres(u) | DatabaseUrl::Sqlite(u) => u.as_str(),
        };
        if backend == Backend::Sqlite {
            let path = std::path::Path::new(url);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(pool_error)?;
            }
            // WAL lets readers run beside the single writer. It is a property of the file,
            // set once here rather than racing from every pooled connection.
            SqliteConnection::establish(url)
                .and_then(|mut c| {
                    c.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
                        .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
                })
                .map_err(pool_error)?;
        }
        let pool = Pool::builder()
            .max_size(pool_size)
            .connection_timeout(Duration::from_secs(10))
            // A ping per checkout doubles the round trips of a read; a connection that broke
            // is noticed by has_broken when it comes back and is then replaced.
            .test_on_check_out(false)
            .build(Manager {
                url: url.to_string(),
                backend,
            })
            .map_err(pool_error)?;
        Ok(Store {
            pool,
            backend,
            sqlite_writer: Mutex::new(()),
            users_generation: std::sync::atomic::AtomicU64::new(0),
            stored_users_generation: std::sync::atomic::AtomicU64::new(0),
            pool_wait: crate::metrics::pool_wait_histogram(),
        })
    }

    /// Marks remembered logins stale: a user's groups or account changed.
    pub fn users_changed(&self) {
        self.users_generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Changes whenever either generation does (both only grow).
    pub fn users_generation(&self) -> u64 {
        self.users_generation
            .load(std::sync::atomic::Ordering::SeqCst)
            .wrapping_add(
                self.stored_users_generation
                    .load(std::sync::atomic::Ordering::SeqCst),
            )
    }

    pub(crate) fn set_stored_users_generation(&self, g: u64) {
        self.stored_users_generation
            .store(g, std::sync::atomic::Ordering::SeqCst);
    }

    /// The histogram of connection waits, for the metrics registry.
    pub fn pool_wait(&self) -> prometheus_client::metrics::histogram::Histogram {
        self.pool_wait.clone()
    }

    fn connection(&self) -> Result<PooledConnection<Manager>, Error> {
        let asked = std::time::Instant::now();
        let conn = self.pool.get().map_err(pool_error);
        self.pool_wait.observe(asked.elapsed().as_secs_f64());
        conn
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations this binary carries that the database has not seen.
    pub fn migrate(&self) -> Result<Vec<String>, Error> {
        let mut conn = self.pool.get().map_err(pool_error)?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
            DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        }
        .map_err(|e| Error::new(ErrorCode::DatabaseDown, format!("Migration failed: {e}")))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    }

    /// Whether the database answers within `wait` and carries every migration of this
    /// binary: what `/readyz` reports.
    pub fn readiness(&self, wait: Duration) -> Result<(), Error> {
        let mut conn = self.pool.get_timeout(wait).map_err(pool_error)?;
        let pending = match &mut *conn {
            DbConnection::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|p| p.len()),
            DbConnection::Pg(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(|p| p.len()),
        }
        .map_err(pool_error)?;
        if pending > 0 {
            return Err(Error::new(
                ErrorCode::DatabaseDown,
                format!("{pending} database migration(s) not applied yet"),
            ));
        }
        Ok(())
    }

    /// Runs read-only work on a pooled connection.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut conn = self.connection()?;
        f(&mut conn)
    }

    /// Runs `f` in one database transaction: all of it is committed, or none of it. A
    /// transaction that lost a race with a concurrent writer is run again (a few times at
    /// most), so it is decided against what the other writer committed: a Strict booking
    /// then names the conflicting meeting, a BestEffortForced one is saved as Defective.
    pub fn write<T>(&self, f: impl Fn(&mut DbConnection) -> Result<T, Error>) -> Result<T, Error> {
        const ATTEMPTS: usize = 3;
        let mut conn = self.connection()?;
        let _guard = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        };
        let conn: &mut DbConnection = &mut conn;
        let mut attempt = 1;
        loop {
            lock_order::begin();
            match conn.transaction(&f) {
                Err(e) if e.retryable && attempt < ATTEMPTS => attempt += 1,
                outcome => return outcome,
            }
        }
    }
}

/// Serialises appends to the replication log so ids become visible in commit order
/// (design decision 4). The lock is released when the surrounding transaction ends.
pub(crate) fn lock_transaction_log(conn: &mut DbConnection) -> Result<(), Error> {
    lock_order::enter(lock_order::Lock::TransactionLog)?;
    if let DbConnection::Pg(c) = conn {
        c.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({TRANSACTION_LOG_LOCK})"
        ))?;
    }
    Ok(())
}

/// Serialises the PostgreSQL writers that place meetings on bridges, so two of them never
/// both take a bridge's last room. SQLite has one writer already.
pub(crate) fn lock_routing(conn: &mut DbConnection) -> Result<(), Error> {
    lock_order::enter(lock_order::Lock::Routing)?;
    if let DbConnection::Pg(c) = conn {
        c.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({ROUTING_LOCK_SPACE}, 0)"
        ))?;
    }
    Ok(())
}

/// Serialises writers that book the same systems, so each one checks for conflicts only
/// after the previous one has committed (SQLite has a single writer anyway). Locks are taken
/// in id order, so writers with overlapping sets never wait on each other crosswise; without
/// them, waiters on the exclusion constraint could deadlock. Released when the surrounding
/// transaction ends.
pub(crate) fn lock_systems(conn: &mut DbConnection, system_ids: &[i64]) -> Result<(), Error> {
    let new = lock_order::systems_not_held(system_ids);
    if new.is_empty() {
        return Ok(());
    }
    lock_order::enter(lock_order::Lock::Systems)?;
    lock_order::hold_systems(&new);
    if let DbConnection::Pg(c) = conn {
        let mut ids = new;
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            // Ids beyond i32 share a lock with another id: more waiting, never less safety.
            let key = (id & 0x7fff_ffff) as i32;
            c.batch_execute(&format!(
                "SELECT pg_advisory_xact_lock({SYSTEM_LOCK_SPACE}, {key})"
            ))?;
        }
    }
    Ok(())
}
