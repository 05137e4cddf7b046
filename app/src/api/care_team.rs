//! A patient's care team, as admins see and edit it.

use crate::error::AppError;
pub use crate::model::care_team::*;
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "care-team/list")]
pub async fn care_team(patient_id: Uuid) -> Result<Vec<CareTeamMember>, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        let rows = crate::server::db::care_team::members(&state.pool, patient_id).await?;
        Ok(rows
            .into_iter()
            .map(|row| CareTeamMember {
                specialist_id: row.specialist_id,
                name: row.name,
                specialty: row.specialty,
                since: format!("since {}", row.since.format("%-d %b %Y")),
                how: match row.how.as_str() {
                    "PatientBooking" => "Booked by the patient",
                    "AdminBooking" => "Booked by the clinic",
                    "AdminAssigned" => "Assigned by the clinic",
                    _ => "Treated before the care team existed",
                }
                .to_string(),
            })
            .collect())
    })
    .await
}

#[server(endpoint = "care-team/assign")]
pub async fn assign_to_care_team(patient_id: Uuid, specialist_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (admin, state) = crate::server::caller().await?;
        crate::server::db::care_team::assign(&state.pool, admin.user_id, patient_id, specialist_id).await
    })
    .await
}

#[server(endpoint = "care-team/remove")]
pub async fn remove_from_care_team(patient_id: Uuid, specialist_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (admin, state) = crate::server::caller().await?;
        crate::server::db::care_team::remove(&state.pool, admin.user_id, patient_id, specialist_id).await
    })
    .await
}
