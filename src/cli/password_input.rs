//! Passwords given to the command line: asked for without echo on a terminal, read as one
//! line of standard input otherwise (scripts, provisioning tools), never taken as an
//! argument, where `ps` and the shell history would show them.
use std::io::{BufRead, IsTerminal};

/// Reads a password; on a terminal it is asked for under `prompt` and, with `confirm`,
/// asked for again. An empty password is refused.
pub fn read(prompt: &str, confirm: bool) -> Result<String, String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("{prompt}: "))
            .map_err(|e| format!("cannot read the password: {e}"))?;
        if confirm {
            let again = rpassword::prompt_password(format!("{prompt} again: "))
                .map_err(|e| format!("cannot read the password: {e}"))?;
            if again != first {
                return Err("the two passwords differ; nothing was changed".into());
            }
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if password.is_empty() {
        return Err("the password is empty; nothing was changed".into());
    }
    Ok(password)
}
