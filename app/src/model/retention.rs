//! Data retention: the periods (in the clinic settings), what a run removed or would remove,
//! and the runs so far. Shared with the browser (the "Data retention" section of the clinic
//! settings page).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, FieldError};

/// How long each class of data is kept. The migration (20261130000017) gives the defaults and
/// why; the bounds here are its CHECK constraints, said in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RetentionSettings {
    pub audit_years: i32,
    pub notification_days: i32,
    /// Expired sessions and the sign-in throttle's counters.
    pub sign_in_days: i32,
    pub cancelled_appointment_days: i32,
    /// After the patient's last activity.
    pub clinical_years: i32,
}

/// One bound per setting: (field, lowest, highest, message).
const BOUNDS: [(&str, i32, i32, &str); 5] = [
    ("audit_years", 1, 50, "Keep audit entries between 1 and 50 years."),
    ("notification_days", 30, 3650, "Keep notifications between 30 and 3650 days (10 years)."),
    ("sign_in_days", 1, 730, "Keep sessions and sign-in attempts between 1 and 730 days (2 years)."),
    ("cancelled_appointment_days", 30, 3650, "Keep cancelled appointments between 30 and 3650 days (10 years)."),
    (
        "clinical_years",
        5,
        100,
        "Keep clinical data between 5 and 100 years after the last activity (the law asks for at least 5).",
    ),
];

impl RetentionSettings {
    fn values(&self) -> [i32; 5] {
        [
            self.audit_years,
            self.notification_days,
            self.sign_in_days,
            self.cancelled_appointment_days,
            self.clinical_years,
        ]
    }

    /// Every setting out of its bounds, by field, or the settings as they are.
    pub fn validate(&self) -> Result<(), AppError> {
        let errors: Vec<FieldError> = BOUNDS
            .iter()
            .zip(self.values())
            .filter(|((_, low, high, _), value)| !(*low..=*high).contains(value))
            .map(|((field, _, _, message), _)| FieldError::new(field, *message))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// How many rows of each class a run removed (or a dry run would remove).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionCounts {
    pub audit_entries: i64,
    pub notifications: i64,
    pub sessions: i64,
    pub sign_in_attempts: i64,
    pub cancelled_appointments: i64,
    pub erased_patients: i64,
}

/// A patient whose clinical data is (or would be) erased: who, and since when inactive. No
/// clinical value, ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ErasureCandidate {
    pub patient_id: Uuid,
    pub name: String,
    pub email: String,
    pub last_activity: DateTime<Utc>,
}

/// What a run did, or what a dry run found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionReport {
    pub dry_run: bool,
    pub counts: RetentionCounts,
    /// The patients erased (or to be erased), oldest activity first; at most
    /// [`MAX_LISTED_PATIENTS`] (the count is exact).
    pub patients: Vec<ErasureCandidate>,
}

/// The longest list of patients a report carries.
pub const MAX_LISTED_PATIENTS: i64 = 500;

/// One line of the run log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRun {
    pub started_at: DateTime<Utc>,
    /// "schedule", "command" or "admin".
    pub started_by: String,
    /// The admin's name when an admin started it.
    pub admin: Option<String>,
    pub dry_run: bool,
    pub counts: RetentionCounts,
}

/// The "Data retention" section: the settings and the latest runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionOverview {
    pub settings: RetentionSettings,
    pub runs: Vec<RetentionRun>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> RetentionSettings {
        RetentionSettings {
            audit_years: 10,
            notification_days: 365,
            sign_in_days: 90,
            cancelled_appointment_days: 730,
            clinical_years: 10,
        }
    }

    #[test]
    fn the_defaults_are_valid_and_each_bound_is_named() {
        assert!(defaults().validate().is_ok());
        let too_short = RetentionSettings { clinical_years: 4, notification_days: 29, ..defaults() };
        let Err(AppError::Validation(errors)) = too_short.validate() else { panic!("must be refused") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["notification_days", "clinical_years"]);
        assert!(RetentionSettings { audit_years: 51, ..defaults() }.validate().is_err());
        assert!(RetentionSettings { sign_in_days: 0, ..defaults() }.validate().is_err());
        assert!(RetentionSettings { cancelled_appointment_days: 3651, ..defaults() }.validate().is_err());
        assert!(RetentionSettings { clinical_years: 5, audit_years: 1, sign_in_days: 730, ..defaults() }
            .validate()
            .is_ok());
    }
}
