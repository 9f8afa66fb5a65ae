//! The commands of the command line besides `serve`, and what they share: the flags that say
//! where the configuration and the database are.
pub mod backup;
pub mod check_config;
pub mod import_tms;
pub mod password_input;
pub mod sim;
pub mod user;

use bridgebook::config::Config;
use clap::Args;
use std::path::PathBuf;

/// Where the configuration and the database are, for the commands that use them. Global, so
/// `bridgebook user --config … add` and `bridgebook user add --config …` both work.
#[derive(Args, Clone, Default)]
pub struct Settings {
    /// Path of bridgebook.toml. Without it, only the defaults and the environment apply.
    #[arg(long, global = true, env = "BRIDGEBOOK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database to use: a SQLite file path (default ./data/bridgebook.db) or a
    /// postgres:// URL. Overrides database_url of the configuration.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

impl Settings {
    /// The configuration file and environment, with --database-url applied.
    pub fn load(&self) -> Result<Config, String> {
        let mut c = Config::load(self.config.as_deref())?;
        if let Some(url) = &self.database_url {
            c.database_url = url.clone();
        }
        Ok(c)
    }
}

/// Writes a command's report to standard output; a reader that went away early (`| head`)
/// is no error.
pub fn print(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
