//! The mail worker: claims due mail from the outbox, sends it, and records the outcome. A
//! server that is down means another try later (doubling, up to an hour), never a lost or a
//! doubled mail; after the configured number of tries a mail is given up as failed, for the
//! admin API to show.
use super::smtp::{MailConfig, Smtp};
use crate::store::{mail_outbox, Store};
use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Mails taken per claim.
const BATCH: i64 = 10;
/// The longest wait between two tries.
const MAX_BACKOFF_SECONDS: i64 = 3600;

/// When a mail that failed its `attempts`th try is tried again, or None to give it up.
pub fn retry_at(
    now: DateTime<Utc>,
    attempts: i32,
    first_retry_seconds: i64,
    max_attempts: i32,
) -> Option<DateTime<Utc>> {
    if attempts >= max_attempts {
        return None;
    }
    let doublings = (attempts - 1).clamp(0, 20) as u32;
    let wait = first_retry_seconds
        .max(1)
        .saturating_mul(1i64 << doublings)
        .min(MAX_BACKOFF_SECONDS);
    Some(now + Duration::seconds(wait))
}

/// Sends what is due once; how many mails were tried.
pub fn work(store: &Store, smtp: &Smtp, c: &MailConfig) -> Result<usize, crate::domain::Error> {
    let now = Utc::now();
    if !store.read(|conn| mail_outbox::any_due(conn, now))? {
        return Ok(0);
    }
    // The lease outlasts one SMTP conversation per mail of the batch.
    let lease = Duration::seconds((c.timeout_seconds as i64 + 5) * BATCH);
    let claimed = store.write(|conn| mail_outbox::claim(conn, now, lease, BATCH))?;
    for m in &claimed {
        let outcome = smtp.send(m);
        store.write(|conn| match &outcome {
            Ok(()) => mail_outbox::finish(conn, m.id),
            Err(e) => {
                let again = retry_at(Utc::now(), m.attempts, c.retry_seconds, c.max_attempts);
                tracing::warn!(
                    mail = m.id,
                    attempt = m.attempts,
                    "mail not sent{}: {e}",
                    if again.is_some() {
                        ", to be tried again"
                    } else {
                        ", given up"
                    }
                );
                mail_outbox::fail(conn, m.id, e, again)
            }
        })?;
    }
    Ok(claimed.len())
}

/// Starts the mail worker thread; it stops when `stop` is set.
pub fn start(
    store: Arc<Store>,
    config: MailConfig,
    stop: Arc<AtomicBool>,
) -> Result<std::thread::JoinHandle<()>, String> {
    let smtp = Smtp::new(&config)?;
    let every = std::time::Duration::from_millis(config.poll_millis);
    Ok(std::thread::Builder::new()
        .name("mail".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match work(&store, &smtp, &config) {
                    Ok(n) if n > 0 => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!("mail outbox: {}", e.message),
                }
                std::thread::sleep(every);
            }
        })
        .expect("the mail thread starts"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_again_later_and_later_then_gives_up() {
        let now = Utc::now();
        let table = [
            (1, Some(30)),
            (2, Some(60)),
            (3, Some(120)),
            (7, Some(1920)),
            (8, Some(3600)),
            (9, Some(3600)),
            (10, None),
            (11, None),
        ];
        for (attempts, want) in table {
            let got = retry_at(now, attempts, 30, 10).map(|t| (t - now).num_seconds());
            assert_eq!(got, want, "after try {attempts}");
        }
    }
}
