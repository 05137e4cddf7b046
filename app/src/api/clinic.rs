//! The clinic's booking rules and appointment types, run by the admin.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicRules {
    /// The zone new specialists start in, and everyone's calendar.
    pub time_zone: String,
    pub buffer_minutes: i32,
    pub minimum_notice_minutes: i32,
    pub patient_change_notice_hours: i32,
    pub auto_confirm: bool,
    pub slot_step_minutes: i32,
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
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(
                errors.into_iter().map(|(field, message)| FieldError::new(field, message)).collect(),
            ))
        }
    }
}

#[server(endpoint = "clinic/setup")]
pub async fn get_clinic_setup() -> Result<ClinicSetup, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        crate::server::db::clinic::setup(&state.pool).await
    })
    .await
}

#[server(endpoint = "clinic/save-rules", input = server_fn::codec::Json)]
pub async fn save_clinic_rules(rules: ClinicRules) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        rules.validate()?;
        crate::server::db::clinic::save_rules(&state.pool, user.user_id, &rules).await
    })
    .await
}

/// Adds a type, or changes an existing type's duration or whether it can be booked.
#[server(endpoint = "clinic/save-type")]
pub async fn save_appointment_type(name: String, duration_minutes: i32, is_active: bool) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let name = name.trim().to_string();
        let mut errors = Vec::new();
        if name.is_empty() || name.chars().count() > 50 {
            errors.push(FieldError::new("name", "Give the type a name of up to 50 characters."));
        }
        if !(5..=480).contains(&duration_minutes) {
            errors.push(FieldError::new("duration_minutes", "Between 5 and 480 minutes."));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        crate::server::db::clinic::save_type(&state.pool, user.user_id, &name, duration_minutes, is_active).await
    })
    .await
}
