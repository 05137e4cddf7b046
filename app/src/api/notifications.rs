//! A person's notifications, a keyset page at a time, and marking one read. "Mark all as read"
//! is `scheduling::mark_notifications_read`; the header's unread count comes with the sign-in.

use crate::error::AppError;
pub use crate::model::notifications::*;
use leptos::prelude::*;
use uuid::Uuid;

/// The caller's notifications, newest first, 20 a page: the page before `before` (a cursor
/// from an earlier page's `older`; none or empty: the newest), only unread ones if asked.
#[server(endpoint = "notifications/page")]
pub async fn list_my_notifications(before: Option<String>, unread_only: bool) -> Result<NotificationPage, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::notifications::page(&state, &user, before.as_deref(), unread_only).await
    })
    .await
}

/// Marks one of the caller's own notifications read (anyone else's is "not found").
#[server(endpoint = "notifications/read-one")]
pub async fn mark_notification_read(notification_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::notifications::mark_read(&state, &user, notification_id).await
    })
    .await
}
