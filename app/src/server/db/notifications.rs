//! A person's notifications: keyset pages and marking one read. Always by the owner's user id,
//! so no query here can reach someone else's.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;
use crate::model::portal::Cursor;

pub struct NotificationRow {
    pub notification_id: Uuid,
    pub title: String,
    pub message: String,
    pub is_read: bool,
    pub created_at: DateTime<Utc>,
}

/// The user's notifications before `before` (all when None), newest first, at most `limit`;
/// only unread ones when `unread_only`.
pub async fn page(
    pool: &PgPool,
    user_id: Uuid,
    unread_only: bool,
    before: Option<Cursor>,
    limit: i64,
) -> Result<Vec<NotificationRow>, AppError> {
    let rows = sqlx::query_as!(
        NotificationRow,
        r#"select notification_id, title, message, is_read, created_at from notifications
           where user_id = $1
             and (not $2 or not is_read)
             and ($3::timestamptz is null or (created_at, notification_id) < ($3, $4::uuid))
           order by created_at desc, notification_id desc
           limit $5"#,
        user_id,
        unread_only,
        before.map(|c| c.at),
        before.map(|c| c.id),
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Marks one of the user's notifications read (it stays read if it was). False when the user
/// has no notification with that id.
pub async fn mark_read(pool: &PgPool, user_id: Uuid, notification_id: Uuid) -> Result<bool, AppError> {
    let found = sqlx::query_scalar!(
        r#"update notifications set is_read = true, read_at = coalesce(read_at, now())
           where notification_id = $1 and user_id = $2
           returning notification_id"#,
        notification_id,
        user_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}
