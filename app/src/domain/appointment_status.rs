use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Where an appointment stands. Stored in `appointments.status` by these exact names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppointmentStatus {
    Pending,
    Confirmed,
    Canceled,
    Completed,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 5] = [
        AppointmentStatus::Pending,
        AppointmentStatus::Confirmed,
        AppointmentStatus::Canceled,
        AppointmentStatus::Completed,
        AppointmentStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Pending => "Pending",
            AppointmentStatus::Confirmed => "Confirmed",
            AppointmentStatus::Canceled => "Canceled",
            AppointmentStatus::Completed => "Completed",
            AppointmentStatus::NoShow => "NoShow",
        }
    }

    /// Active appointments hold their time: the database refuses two overlapping active
    /// appointments of one specialist (`appointments_no_overlap`).
    pub fn holds_time(self) -> bool {
        matches!(self, AppointmentStatus::Pending | AppointmentStatus::Confirmed)
    }
}

impl AppointmentStatus {
    /// The status as people read it ("NoShow" is shown as "No-show").
    pub fn label(self) -> &'static str {
        match self {
            AppointmentStatus::NoShow => "No-show",
            other => other.as_str(),
        }
    }

    /// What staff may turn the appointment into now, cancelling aside (it asks for a reason
    /// and has its own button): the state machine's answer, so no screen encodes it again.
    pub fn staff_changes(
        self,
        now: chrono::DateTime<chrono::Utc>,
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
    ) -> Vec<AppointmentStatus> {
        AppointmentStatus::ALL
            .into_iter()
            .filter(|&to| to != AppointmentStatus::Canceled && self.transition(to, now, start, end).is_ok())
            .collect()
    }
}

/// Why a status change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum TransitionError {
    #[error("A {from:?} appointment cannot become {to:?}.")]
    NotAllowed { from: AppointmentStatus, to: AppointmentStatus },
    #[error("An appointment can only be completed or marked as a no-show once it has started.")]
    NotStartedYet,
    #[error("An appointment that has ended cannot be canceled; mark it as completed or as a no-show.")]
    AlreadyOver,
}

impl AppointmentStatus {
    /// The one state machine for appointments: Pending is confirmed or canceled; Confirmed is
    /// canceled, completed or a no-show; Canceled, Completed and NoShow are final.
    pub fn transition(
        self,
        to: AppointmentStatus,
        now: chrono::DateTime<chrono::Utc>,
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
    ) -> Result<AppointmentStatus, TransitionError> {
        use AppointmentStatus::*;
        match (self, to) {
            (Pending, Confirmed) => Ok(to),
            (Pending | Confirmed, Canceled) if now >= end => Err(TransitionError::AlreadyOver),
            (Pending | Confirmed, Canceled) => Ok(to),
            (Confirmed, Completed | NoShow) if now < start => Err(TransitionError::NotStartedYet),
            (Confirmed, Completed | NoShow) => Ok(to),
            (from, to) => Err(TransitionError::NotAllowed { from, to }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown appointment status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for AppointmentStatus {
    type Err = UnknownStatus;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        AppointmentStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
            .ok_or_else(|| UnknownStatus(value.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pending_and_confirmed_hold_time() {
        let holding: Vec<_> = AppointmentStatus::ALL.into_iter().filter(|s| s.holds_time()).collect();
        assert_eq!(holding, vec![AppointmentStatus::Pending, AppointmentStatus::Confirmed]);
    }

    #[test]
    fn every_transition_is_allowed_or_refused_as_the_state_machine_says() {
        use AppointmentStatus::*;
        let start = chrono::DateTime::<chrono::Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let end = start + chrono::Duration::hours(1);
        let before = start - chrono::Duration::hours(1);
        let during = start + chrono::Duration::minutes(30);
        let after = end + chrono::Duration::hours(1);
        let allowed =
            |from: AppointmentStatus, to: AppointmentStatus, now| from.transition(to, now, start, end).is_ok();
        for from in AppointmentStatus::ALL {
            for to in AppointmentStatus::ALL {
                for now in [before, during, after] {
                    let expected = match (from, to) {
                        (Pending, Confirmed) => true,
                        (Pending | Confirmed, Canceled) => now < end,
                        (Confirmed, Completed | NoShow) => now >= start,
                        _ => false,
                    };
                    assert_eq!(allowed(from, to, now), expected, "{from:?} -> {to:?} at {now}");
                }
            }
        }
        assert_eq!(Confirmed.transition(Completed, before, start, end), Err(TransitionError::NotStartedYet));
        assert_eq!(Confirmed.transition(Canceled, after, start, end), Err(TransitionError::AlreadyOver));
        assert_eq!(
            Canceled.transition(Confirmed, before, start, end),
            Err(TransitionError::NotAllowed { from: Canceled, to: Confirmed })
        );
    }

    #[test]
    fn statuses_round_trip_and_reject_others() {
        for status in AppointmentStatus::ALL {
            assert_eq!(status.as_str().parse::<AppointmentStatus>(), Ok(status));
        }
        assert!("Cancelled".parse::<AppointmentStatus>().is_err());
    }
}
