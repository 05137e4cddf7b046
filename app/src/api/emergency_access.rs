//! Break-the-glass: a specialist opens a chart outside their care team by giving a reason; the
//! admins review every such access.

use crate::error::AppError;
pub use crate::model::emergency_access::*;
use leptos::prelude::*;
use uuid::Uuid;

/// Opens the patient's chart to the calling specialist for a few hours (audited; the admins are
/// told).
#[server(endpoint = "emergency-access/open")]
pub async fn open_emergency_access(patient_id: Uuid, reason: String) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::emergency_access::open(&state, &user, patient_id, &reason).await
    })
    .await
}

#[server(endpoint = "emergency-access/pending")]
pub async fn pending_emergency_access() -> Result<EmergencyReviews, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        crate::server::services::emergency_access::pending(&state).await
    })
    .await
}

#[server(endpoint = "emergency-access/review")]
pub async fn review_emergency_access(access_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (admin, state) = crate::server::caller().await?;
        crate::server::services::emergency_access::review(&state, &admin, access_id).await
    })
    .await
}
