//! The admins' "Database health" page.

use crate::error::AppError;
pub use crate::model::database_health::*;
use leptos::prelude::*;

#[server(endpoint = "admin/database-health")]
pub async fn read_database_health() -> Result<DatabaseHealth, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::database_health::database_health(&state.pool, &user).await
    })
    .await
}
