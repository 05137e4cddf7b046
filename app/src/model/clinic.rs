//! What the clinic server functions send and receive (shared with the browser).

use crate::error::{AppError, FieldError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicRules {
    /// The zone new specialists start in, and everyone's calendar.
    pub time_zone: String,
    pub buffer_minutes: i32,
    pub minimum_notice_minutes: i32,
    pub patient_change_notice_hours: i32,
    pub auto_confirm: bool,
    pub slot_step_minutes: i32,
    /// How many months ahead anything may be booked.
    pub booking_horizon_months: i32,
    /// How many upcoming appointments a patient may hold at once (staff may book beyond it).
    pub max_upcoming_appointments: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentTypeRow {
    pub name: String,
    pub duration_minutes: i32,
    pub is_active: bool,
    /// Appointments that name it (a type in use is retired, never renamed or deleted).
    pub in_use: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicSetup {
    pub rules: ClinicRules,
    pub types: Vec<AppointmentTypeRow>,
}

/// Offered distances between start times (the database accepts exactly these).
pub const SLOT_STEPS: [i32; 6] = [5, 10, 15, 20, 30, 60];

impl ClinicRules {
    /// Every problem, by field, or the rules as they are.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors = Vec::new();
        // Zone names are checked on the server, which has the zone database (the browser has not).
        #[cfg(feature = "ssr")]
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            errors.push(("time_zone", "Choose a time zone such as Europe/Madrid."));
        }
        if !(0..=120).contains(&self.buffer_minutes) {
            errors.push(("buffer_minutes", "Between 0 and 120 minutes."));
        }
        if !(0..=10_080).contains(&self.minimum_notice_minutes) {
            errors.push(("minimum_notice_minutes", "Between 0 minutes and a week (10080)."));
        }
        if !(0..=720).contains(&self.patient_change_notice_hours) {
            errors.push(("patient_change_notice_hours", "Between 0 and 720 hours."));
        }
        if !SLOT_STEPS.contains(&self.slot_step_minutes) {
            errors.push(("slot_step_minutes", "Choose 5, 10, 15, 20, 30 or 60 minutes."));
        }
        if !(1..=36).contains(&self.booking_horizon_months) {
            errors.push(("booking_horizon_months", "Between 1 and 36 months."));
        }
        if !(1..=100).contains(&self.max_upcoming_appointments) {
            errors.push(("max_upcoming_appointments", "Between 1 and 100 appointments."));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(
                errors.into_iter().map(|(field, message)| FieldError::new(field, message)).collect(),
            ))
        }
    }
}
