//! Data retention on the clinic settings page (admins): the periods, the latest runs and a dry
//! run. The real run is the daily job's (and `server retention run`'s), not a button's.

use crate::error::AppError;
pub use crate::model::retention::*;
use leptos::prelude::*;

#[server(endpoint = "retention/overview")]
pub async fn get_retention_overview() -> Result<RetentionOverview, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::retention::overview(&state.pool, &user).await
    })
    .await
}

#[server(endpoint = "retention/save-settings", input = server_fn::codec::Json)]
pub async fn save_retention_settings(settings: RetentionSettings) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::retention::save_settings(&state.pool, &user, &settings).await
    })
    .await
}

/// What a run would remove now (counts per class and the patients whose clinical data would
/// be erased); changes nothing but the run log.
#[server(endpoint = "retention/dry-run")]
pub async fn retention_dry_run() -> Result<RetentionReport, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::retention::preview(&state.pool, &user).await
    })
    .await
}
