use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// A practitioner as the public directory shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SpecialistSummary {
    pub specialist_id: Uuid,
    pub display_name: String,
    pub specialty: String,
    pub bio: Option<String>,
}

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
