//! The clinic's booking rules and appointment types, run by the admin.

use crate::error::AppError;
pub use crate::model::clinic::*;
use leptos::prelude::*;

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
            errors.push(crate::error::FieldError::new("name", "Give the type a name of up to 50 characters."));
        }
        if !(5..=480).contains(&duration_minutes) {
            errors.push(crate::error::FieldError::new("duration_minutes", "Between 5 and 480 minutes."));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        crate::server::db::clinic::save_type(&state.pool, user.user_id, &name, duration_minutes, is_active).await
    })
    .await
}
