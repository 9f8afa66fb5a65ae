//! `bridgebook backup FILE`: a consistent copy of the SQLite database, taken while the
//! service keeps serving and writing. The database runs in WAL mode, where the `.db` file
//! alone misses what is still in `-wal`; `VACUUM INTO` instead copies one read snapshot,
//! committed transactions only, into a single self-contained file. PostgreSQL is backed up
//! with its own tools.
use bridgebook::config::Config;
use bridgebook::store::database_url::DatabaseUrl;
use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use std::path::Path;

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    quick_check: String,
}

pub fn run(c: &Config, file: &Path) -> Result<(), String> {
    let source = match DatabaseUrl::parse(&c.database_url)? {
        DatabaseUrl::Postgres(_) => {
            return Err(
                "bridgebook backup copies a SQLite database; back PostgreSQL up with \
                        pg_dump (docs/backup.md)"
                    .into(),
            )
        }
        DatabaseUrl::Sqlite(path) => path,
    };
    // Opening a missing file would create an empty database and copy that.
    if !Path::new(&source).is_file() {
        return Err(format!("there is no database at {source}"));
    }
    if file.exists() {
        return Err(format!(
            "{} exists already; name a new file",
            file.display()
        ));
    }
    let target = file
        .to_str()
        .ok_or_else(|| format!("{} is not a UTF-8 path", file.display()))?;
    // Written under another name and renamed when complete and checked: FILE is either the
    // whole copy or absent.
    let partial = format!("{target}.partial");
    let _ = std::fs::remove_file(&partial);
    let outcome = copy(&source, &partial).and_then(|()| {
        std::fs::rename(&partial, file)
            .map_err(|e| format!("cannot rename {partial} to {target}: {e}"))
    });
    if outcome.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    outcome?;
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!("backed up {source} to {target} ({bytes} bytes)");
    Ok(())
}

fn copy(source: &str, partial: &str) -> Result<(), String> {
    let mut conn =
        SqliteConnection::establish(source).map_err(|e| format!("cannot open {source}: {e}"))?;
    // The service's writers hold the write lock only briefly; a snapshot needs no more.
    conn.batch_execute("PRAGMA busy_timeout = 10000;")
        .map_err(|e| e.to_string())?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(partial)
        .execute(&mut conn)
        .map_err(|e| format!("cannot copy {source} to {partial}: {e}"))?;
    let mut copy = SqliteConnection::establish(partial)
        .map_err(|e| format!("cannot open the copy {partial}: {e}"))?;
    let checks: Vec<Check> = diesel::sql_query("PRAGMA quick_check")
        .load(&mut copy)
        .map_err(|e| format!("cannot check the copy {partial}: {e}"))?;
    match checks.first() {
        Some(c) if c.quick_check == "ok" => Ok(()),
        other => Err(format!(
            "the copy {partial} does not pass SQLite's quick_check: {}",
            other.map_or("no answer", |c| c.quick_check.as_str())
        )),
    }
}
