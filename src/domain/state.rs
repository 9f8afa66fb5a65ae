//! Which state a client sees, derived from what is stored and the clock.
use super::conference::{Conference, ConferenceState, StatusFilter, StoredStatus};
use super::error::{Error, ErrorCode};
use chrono::{DateTime, Utc};

/// A single meeting has exactly one occurrence: the one on its own start day, which a
/// RecurrenceIdUTC naming that UTC day (or none at all) refers to.
pub fn check_occurrence(c: &Conference, occurrence: Option<DateTime<Utc>>) -> Result<(), Error> {
    match occurrence {
        Some(at) if at.date_naive() != c.start.date_naive() => Err(Error::new(
            ErrorCode::InstanceNotFoundWithinPattern,
            format!(
                "No such occurrence: conference {} has none on {}.",
                c.id,
                at.date_naive()
            ),
        )),
        _ => Ok(()),
    }
}

pub fn state_of(c: &Conference, now: DateTime<Utc>) -> ConferenceState {
    match c.status {
        StoredStatus::Deleted => ConferenceState::Deleted,
        StoredStatus::Defective => ConferenceState::Defective,
        StoredStatus::MeetingRequest => ConferenceState::MeetingRequest,
        StoredStatus::Rejected => ConferenceState::Rejected,
        StoredStatus::Booked if now < c.start => ConferenceState::Pending,
        StoredStatus::Booked if now < c.end => ConferenceState::Ongoing,
        StoredStatus::Booked => ConferenceState::Finished,
    }
}

/// The state of a series as a whole: Deleted when it was deleted; Defective when any
/// occurrence still to come is; otherwise Ongoing, Pending or Finished by its occurrences.
pub fn series_state(
    series: &Conference,
    occurrences: &[Conference],
    now: DateTime<Utc>,
) -> ConferenceState {
    if series.status == StoredStatus::Deleted {
        return ConferenceState::Deleted;
    }
    let states: Vec<ConferenceState> = occurrences
        .iter()
        .filter(|o| o.status == StoredStatus::Defective || o.end > now)
        .map(|o| state_of(o, now))
        .collect();
    [
        ConferenceState::Defective,
        ConferenceState::MeetingRequest,
        ConferenceState::Ongoing,
        ConferenceState::Pending,
        ConferenceState::Rejected,
    ]
    .into_iter()
    .find(|s| states.contains(s))
    .unwrap_or(ConferenceState::Finished)
}

/// Whether a conference in `state` is listed under `filter`.
pub fn matches(filter: StatusFilter, state: ConferenceState) -> bool {
    use ConferenceState as S;
    match filter {
        StatusFilter::All => true,
        StatusFilter::AllExceptDeleted => state != S::Deleted,
        StatusFilter::Pending => state == S::Pending,
        StatusFilter::Ongoing => state == S::Ongoing,
        StatusFilter::Finished => state == S::Finished,
        StatusFilter::PendingAndOngoing => matches!(state, S::Pending | S::Ongoing),
        StatusFilter::Defective => state == S::Defective,
        StatusFilter::Deleted => state == S::Deleted,
        // bridgebook keeps no approval queue and saves what it accepts.
        StatusFilter::MeetingRequest => state == S::MeetingRequest,
        StatusFilter::Rejected => state == S::Rejected,
        StatusFilter::NotSaved => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConferenceState as S;
    use StatusFilter as F;

    #[test]
    fn filters() {
        let table: &[(F, S, bool)] = &[
            (F::All, S::Deleted, true),
            (F::AllExceptDeleted, S::Deleted, false),
            (F::AllExceptDeleted, S::Defective, true),
            (F::Pending, S::Pending, true),
            (F::Pending, S::Ongoing, false),
            (F::PendingAndOngoing, S::Ongoing, true),
            (F::PendingAndOngoing, S::Finished, false),
            (F::Finished, S::Finished, true),
            (F::Defective, S::Defective, true),
            (F::Deleted, S::Deleted, true),
            (F::Deleted, S::Pending, false),
            (F::MeetingRequest, S::Pending, false),
        ];
        for (f, s, want) in table {
            assert_eq!(matches(*f, *s), *want, "{f:?} {s:?}");
        }
    }
}
