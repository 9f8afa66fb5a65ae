//! What every booking change leaves behind: one info line (action, conference, user,
//! outcome) and a count by action and outcome, whichever way the change came in.
use super::lifecycle::Target;
use super::series::OccurrenceTarget;
use super::Booking;
use crate::domain::{Error, User};

/// The outcome of a change that failed: the caller's mistake, or the service's.
pub fn failed_outcome(e: &Error) -> &'static str {
    if e.malformed || e.code.is_client_fault() {
        "refused"
    } else {
        "failed"
    }
}

impl Target<'_> {
    pub(super) fn id(&self) -> Option<i64> {
        match self {
            Target::Id(id) => Some(*id),
            Target::External { .. } => None,
        }
    }
}

impl OccurrenceTarget<'_> {
    pub(super) fn id(&self) -> Option<i64> {
        match self {
            OccurrenceTarget::Id(id) => Some(*id),
            OccurrenceTarget::External { .. } => None,
        }
    }
}

impl Booking {
    /// Records a change `by` made: `done` is the conference changed and its outcome (its
    /// stored status, or what was done), or the error it was refused with. `named` is the
    /// conference the request named, when it named one by id (0 for a new booking).
    pub(super) fn changed(
        &self,
        action: &'static str,
        named: Option<i64>,
        by: &User,
        done: Result<(i64, &str), &Error>,
    ) {
        match done {
            Ok((conference, outcome)) => {
                self.metrics.booking(action, outcome);
                tracing::info!(action, conference, user = %by.username, outcome, "booking {action}: {outcome}");
            }
            Err(e) => {
                let outcome = failed_outcome(e);
                self.metrics.booking(action, outcome);
                tracing::info!(action, conference = named, user = %by.username, outcome, code = ?e.code, "booking {action}: {outcome}: {}", e.message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::failed_outcome;
    use crate::domain::{Error, ErrorCode};

    #[test]
    fn outcomes_of_failures() {
        let table = [
            (ErrorCode::ConcurrentModification, "refused"),
            (ErrorCode::MeetingNotFound, "refused"),
            (ErrorCode::SystemAlreadyBooked, "refused"),
            (ErrorCode::DatabaseDown, "failed"),
        ];
        for (code, want) in table {
            assert_eq!(failed_outcome(&Error::new(code, "x")), want, "{code:?}");
        }
    }
}
