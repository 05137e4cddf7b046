//! The admins' audit log viewer (the CSV export is a plain download: `GET /files/audit.csv`).

use crate::error::AppError;
pub use crate::model::audit_log::*;
use leptos::prelude::*;

#[server(endpoint = "audit/search")]
pub async fn search_audit_log(filter: AuditFilter, before: Option<i64>) -> Result<AuditPage, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let ip = crate::server::auth::client_ip();
        crate::server::services::audit_log::search(&state, &user, &filter, before, ip).await
    })
    .await
}
