//! What each role sees first after signing in.

use crate::error::AppError;
pub use crate::model::home::*;
use leptos::prelude::*;

#[server(endpoint = "home/admin-summary")]
pub async fn admin_summary() -> Result<AdminOverview, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        crate::server::services::home::admin_summary(&state.pool).await
    })
    .await
}

#[server(endpoint = "home/specialist-today")]
pub async fn specialist_today() -> Result<SpecialistDay, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::home::specialist_today(&state.pool, user.user_id).await
    })
    .await
}

#[server(endpoint = "home/my-care")]
pub async fn my_care() -> Result<CareOverview, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::home::my_care(&state, &user).await
    })
    .await
}

/// The patients a family member helps, and one of them (`patient`, else the first) within
/// today's grant.
#[server(endpoint = "home/family")]
pub async fn family_home(patient: Option<uuid::Uuid>) -> Result<crate::model::family::FamilyOverview, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::family::overview(&state.pool, &user, patient).await
    })
    .await
}
