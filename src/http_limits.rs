//! Limits that keep slow or idle clients from holding the service: a deadline for a whole
//! request body, a cap on open connections below the process's open-files limit (each
//! connection is a descriptor; at the limit the service can accept nothing, not even a
//! database connection), and the raise of that limit to its hard maximum at start.
use actix_web::web::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use std::time::Duration;

/// `[http]` of bridgebook.toml.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpLimits {
    /// A request body must have arrived completely this many seconds after the handler
    /// started reading it, else 408 and the connection is closed.
    pub body_timeout_seconds: u64,
    /// The request line and headers must have arrived this many seconds after the
    /// connection opened (or after the previous request on it), else 408.
    pub head_timeout_seconds: u64,
    /// Open connections at most, over all workers; 0 derives it from the open-files limit.
    pub max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            body_timeout_seconds: 30,
            head_timeout_seconds: 5,
            max_connections: 0,
        }
    }
}

impl HttpLimits {
    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.body_timeout_seconds.max(1))
    }

    pub fn head_timeout(&self) -> Duration {
        Duration::from_secs(self.head_timeout_seconds.max(1))
    }
}

/// Raises the soft open-files limit to the hard one and answers the soft limit now in force
/// (None where the platform has no such limit).
pub fn raise_open_files_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!("cannot raise the open-files limit: {e}");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(soft, _)| soft)
        }
    }
}

/// Connections each HTTP worker accepts at most (actix counts per worker). `configured` is
/// the administrator's total (0: derived). Derived, it leaves a tenth of the descriptors
/// (at least 64) plus the database pool for everything else: database connections, bridge
/// calls, LDAP, log and SQLite files.
pub fn connections_per_worker(
    open_files: Option<u64>,
    configured: usize,
    workers: usize,
    pool_size: u32,
) -> usize {
    let workers = workers.max(1);
    let total = if configured > 0 {
        configured
    } else {
        match open_files {
            // No limit known: actix's own default per worker.
            None => return 25_000,
            Some(n) => {
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                let reserved = (n / 10).max(64).saturating_add(pool_size as usize);
                n.saturating_sub(reserved)
            }
        }
    };
    (total / workers).max(1)
}

#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the limit.
    TooLarge,
    /// Not complete before the deadline.
    TimedOut,
    /// The client broke off or sent something unreadable.
    Broken,
}

/// Reads a whole body of at most `max` bytes, complete within `deadline`.
pub async fn read_body<E>(
    mut payload: impl Stream<Item = Result<Bytes, E>> + Unpin,
    max: usize,
    deadline: Duration,
) -> Result<Bytes, BodyError> {
    let read = async {
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| BodyError::Broken)?;
            if body.len() + chunk.len() > max {
                return Err(BodyError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    actix_web::rt::time::timeout(deadline, read)
        .await
        .unwrap_or(Err(BodyError::TimedOut))
}

/// 408, closing the connection: the rest of the body is not worth waiting for.
pub fn body_timed_out() -> actix_web::HttpResponse {
    actix_web::HttpResponse::RequestTimeout()
        .force_close()
        .content_type("text/plain; charset=utf-8")
        .body("The request body did not arrive in time.\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_caps() {
        let table = [
            // (open files, configured, workers, pool) → per worker
            (Some(1024), 0, 2, 8, (1024 - 102 - 8) / 2),
            (Some(1024), 0, 1, 8, 1024 - 102 - 8),
            (Some(256), 0, 2, 8, (256 - 64 - 8) / 2),
            (Some(1_048_576), 0, 4, 8, (1_048_576 - 104_857 - 8) / 4),
            (Some(50), 0, 2, 8, 1),
            (Some(1024), 300, 2, 8, 150),
            (Some(1024), 1, 4, 8, 1),
            (None, 0, 2, 8, 25_000),
            (None, 400, 2, 8, 200),
            (Some(1024), 0, 0, 8, 1024 - 102 - 8),
        ];
        for (files, configured, workers, pool, want) in table {
            assert_eq!(
                connections_per_worker(files, configured, workers, pool),
                want,
                "{files:?} {configured} {workers} {pool}"
            );
        }
    }

    fn stream(chunks: Vec<(u64, &'static [u8])>) -> impl Stream<Item = Result<Bytes, ()>> + Unpin {
        Box::pin(futures_util::stream::unfold(
            chunks.into_iter(),
            |mut it| async move {
                let (wait, bytes) = it.next()?;
                actix_web::rt::time::sleep(Duration::from_millis(wait)).await;
                Some((Ok(Bytes::from_static(bytes)), it))
            },
        ))
    }

    #[test]
    fn bodies() {
        let ms = Duration::from_millis;
        actix_web::rt::System::new().block_on(async {
            let got = read_body(stream(vec![(0, b"ab"), (0, b"cd")]), 4, ms(1000)).await;
            assert_eq!(got, Ok(Bytes::from_static(b"abcd")));
            let got = read_body(stream(vec![(0, b"ab"), (0, b"cde")]), 4, ms(1000)).await;
            assert_eq!(got, Err(BodyError::TooLarge));
            let got = read_body(stream(vec![(0, b"ab"), (5_000, b"c")]), 4, ms(50)).await;
            assert_eq!(got, Err(BodyError::TimedOut));
        });
    }
}
