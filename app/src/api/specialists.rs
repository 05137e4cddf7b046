use crate::error::AppError;
pub use crate::model::specialists::*;
use leptos::prelude::*;

/// The clinic's directory of active specialists. Public by design: it holds what the clinic
/// publishes about its staff (name, specialty, biography), never contact or licence details.
#[server(endpoint = "specialists/list")]
pub async fn list_specialists() -> Result<Vec<SpecialistSummary>, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::optional_caller().await?;
        crate::server::db::specialists::list_public(&state.pool).await
    })
    .await
}
