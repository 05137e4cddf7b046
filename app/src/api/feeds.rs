//! Private calendar feeds: a secret URL per specialist or patient that calendar apps
//! (Google, Apple, Outlook) subscribe to. Making a new link revokes the old one.

use crate::error::AppError;
pub use crate::model::feeds::*;
use leptos::prelude::*;

#[server(endpoint = "feeds/status")]
pub async fn feed_status() -> Result<FeedLink, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::feeds::status(&state.pool, &user).await
    })
    .await
}

/// Makes a new private link (revoking any old one) and returns its path, shown once.
#[server(endpoint = "feeds/create")]
pub async fn create_feed() -> Result<String, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let token = crate::server::services::feeds::create(&state.pool, &user).await?;
        Ok(format!("{FEED_PATH_PREFIX}{token}.ics"))
    })
    .await
}

#[server(endpoint = "feeds/revoke")]
pub async fn revoke_feed() -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::feeds::revoke(&state.pool, &user).await
    })
    .await
}
