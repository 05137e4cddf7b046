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
    fn statuses_round_trip_and_reject_others() {
        for status in AppointmentStatus::ALL {
            assert_eq!(status.as_str().parse::<AppointmentStatus>(), Ok(status));
        }
        assert!("Cancelled".parse::<AppointmentStatus>().is_err());
    }
}
