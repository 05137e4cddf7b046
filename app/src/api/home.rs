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
        crate::server::services::home::my_care(&state.pool, user.user_id).await
    })
    .await
}

#[server(endpoint = "home/family")]
pub async fn family_home() -> Result<Vec<HelpedPatient>, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::home::family_home(&state.pool, user.user_id).await
    })
    .await
}
