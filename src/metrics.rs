//! The service's Prometheus metrics: one registry per running service, handed down through
//! `App`, so two services in one process never share counts. Served in the text exposition
//! format on a listener of its own (`metrics_listen`).
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub operation: String,
    /// The fault's TMSBA code name, or "none" for an answer.
    pub fault: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabels {
    pub operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BookingLabels {
    /// save, delete or end.
    pub action: String,
    /// booked, defective, meeting_request, deleted, ended or refused.
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    /// provision, dial_out or tear_down.
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    /// connected or failed.
    pub state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BridgeLabels {
    pub bridge: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LoginLabels {
    /// credentials (a wrong name or password) or throttled (refused unchecked).
    pub reason: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn request_histogram() -> Histogram {
    // 1 ms to about 16 s: a cached read answers in a millisecond, a series save of
    // hundreds of occurrences in seconds.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// A job run later than this after its due time counts as late (the launcher polls every
/// second by default; a minute means it fell behind, not that it was between polls).
pub const LATE_AFTER: chrono::Duration = chrono::Duration::seconds(60);

/// Whether a job due at `due` and started at `started` is late.
pub fn is_late(due: chrono::DateTime<chrono::Utc>, started: chrono::DateTime<chrono::Utc>) -> bool {
    started - due > LATE_AFTER
}

pub struct Metrics {
    registry: Registry,
    /// Off when no listener serves the metrics: nothing is counted then.
    recording: bool,
    pub soap_requests: Family<RequestLabels, Counter>,
    pub soap_duration: HistogramFamily<OperationLabels>,
    pub bookings: Family<BookingLabels, Counter>,
    pub jobs_due: Family<JobLabels, Counter>,
    pub jobs_late: Family<JobLabels, Counter>,
    pub jobs_failed: Family<JobLabels, Counter>,
    pub calls: Family<CallLabels, Counter>,
    pub bridge_reachable: Family<BridgeLabels, Gauge>,
    pub login_failures: Family<LoginLabels, Counter>,
}

impl Metrics {
    /// A registry with every metric, and `pool_wait` (the store's own histogram of how long
    /// a database connection was waited for).
    pub fn new(pool_wait: Histogram) -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("bridgebook"),
            recording: true,
            soap_requests: Family::default(),
            soap_duration: Family::new_with_constructor(request_histogram),
            bookings: Family::default(),
            jobs_due: Family::default(),
            jobs_late: Family::default(),
            jobs_failed: Family::default(),
            calls: Family::default(),
            bridge_reachable: Family::default(),
            login_failures: Family::default(),
        };
        // Families are shared handles: the registry reads what the fields count.
        let registry = &mut m.registry;
        registry.register(
            "soap_requests",
            "SOAP calls answered, by operation and fault code (none: answered)",
            m.soap_requests.clone(),
        );
        registry.register(
            "soap_request_duration_seconds",
            "Time from a SOAP request to its answer, login included, by operation",
            m.soap_duration.clone(),
        );
        registry.register(
            "bookings",
            "Booking changes by action and outcome",
            m.bookings.clone(),
        );
        registry.register(
            "bridge_jobs_due",
            "Bridge jobs taken up by the launcher, by kind",
            m.jobs_due.clone(),
        );
        registry.register(
            "bridge_jobs_late",
            "Bridge jobs taken up more than a minute after their due time, by kind",
            m.jobs_late.clone(),
        );
        registry.register(
            "bridge_jobs_failed",
            "Bridge jobs the bridge did not carry out, by kind",
            m.jobs_failed.clone(),
        );
        registry.register(
            "calls",
            "Calls of meetings that reached a state, by state (connected or failed)",
            m.calls.clone(),
        );
        registry.register(
            "bridge_reachable",
            "Whether a bridge answered its last request or health poll (1) or not (0)",
            m.bridge_reachable.clone(),
        );
        registry.register(
            "login_failures",
            "Refused logins: wrong credentials, or refused unchecked while throttled",
            m.login_failures.clone(),
        );
        registry.register(
            "db_pool_wait_seconds",
            "Time spent waiting for a database connection from the pool",
            pool_wait,
        );
        m
    }

    /// The same metrics, counting only when `on` (a service serving no metrics spends
    /// nothing on them).
    pub fn recording(self, on: bool) -> Metrics {
        Metrics {
            recording: on,
            ..self
        }
    }

    /// The exposition text of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    pub fn soap_request(&self, operation: &str, fault: Option<&str>, seconds: f64) {
        if !self.recording {
            return;
        }
        self.soap_requests
            .get_or_create(&RequestLabels {
                operation: operation.to_string(),
                fault: fault.unwrap_or("none").to_string(),
            })
            .inc();
        self.soap_duration
            .get_or_create(&OperationLabels {
                operation: operation.to_string(),
            })
            .observe(seconds);
    }

    pub fn booking(&self, action: &str, outcome: &str) {
        if !self.recording {
            return;
        }
        self.bookings
            .get_or_create(&BookingLabels {
                action: action.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
    }

    pub fn job(&self, family: &Family<JobLabels, Counter>, kind: &str) {
        if !self.recording {
            return;
        }
        family
            .get_or_create(&JobLabels {
                kind: kind.to_string(),
            })
            .inc();
    }

    pub fn call(&self, state: &str) {
        if !self.recording {
            return;
        }
        self.calls
            .get_or_create(&CallLabels {
                state: state.to_string(),
            })
            .inc();
    }

    pub fn reachable(&self, bridge: &str, up: bool) {
        if !self.recording {
            return;
        }
        self.bridge_reachable
            .get_or_create(&BridgeLabels {
                bridge: bridge.to_string(),
            })
            .set(up as i64);
    }

    pub fn login_failed(&self, reason: &str) {
        if !self.recording {
            return;
        }
        self.login_failures
            .get_or_create(&LoginLabels {
                reason: reason.to_string(),
            })
            .inc();
    }
}

/// The store's histogram of connection waits: 0.1 ms to about 7 s.
pub fn pool_wait_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 4.0, 9))
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new(pool_wait_histogram())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn lateness() {
        let due = Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap();
        let table = [
            (0, false),
            (59, false),
            (60, false),
            (61, true),
            (-5, false),
        ];
        for (after, late) in table {
            assert_eq!(
                is_late(due, due + chrono::Duration::seconds(after)),
                late,
                "{after}"
            );
        }
    }
}
