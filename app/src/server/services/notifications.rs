//! A person's notifications: keyset pages (newest first, a fixed size, optionally only the
//! unread ones) and marking one read. Everyone sees and marks only their own: the queries are
//! keyed by the caller, and another person's id answers like a missing one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::notifications::{NotificationItem, NotificationPage, NOTIFICATIONS_PAGE_SIZE};
use crate::model::portal::Cursor;
use crate::server::db::notifications as db;
use crate::server::state::AppState;

/// "Tue 1 Dec 2026, 10:00 (Europe/Madrid)", in the clinic's zone.
pub fn clinic_time_label(at: DateTime<Utc>, zone_name: &str) -> String {
    let zone: chrono_tz::Tz = zone_name.parse().unwrap_or(chrono_tz::UTC);
    format!("{} ({zone_name})", at.with_timezone(&zone).format("%a %-d %b %Y, %H:%M"))
}

pub async fn page(
    state: &AppState,
    user: &CurrentUser,
    before: Option<&str>,
    unread_only: bool,
) -> Result<NotificationPage, AppError> {
    let cursor = Cursor::from_before(before)?;
    let mut rows = db::page(&state.pool, user.user_id, unread_only, cursor, NOTIFICATIONS_PAGE_SIZE + 1).await?;
    let more = rows.len() as i64 > NOTIFICATIONS_PAGE_SIZE;
    rows.truncate(NOTIFICATIONS_PAGE_SIZE as usize);
    let older =
        more.then(|| rows.last().map(|row| Cursor { at: row.created_at, id: row.notification_id }.encode())).flatten();
    let unread = crate::server::db::home::unread_notifications(&state.pool, user.user_id).await?;
    let zone = crate::server::db::clinic::clinic_zone(&state.pool).await?;
    let items = rows
        .into_iter()
        .map(|row| NotificationItem {
            notification_id: row.notification_id,
            title: row.title,
            message: row.message,
            is_read: row.is_read,
            when: clinic_time_label(row.created_at, &zone),
        })
        .collect();
    Ok(NotificationPage { items, unread, older, newest: cursor.is_none(), unread_only })
}

/// Marks one of the caller's notifications read; someone else's (or no one's) is not found.
pub async fn mark_read(state: &AppState, user: &CurrentUser, notification_id: Uuid) -> Result<(), AppError> {
    if db::mark_read(&state.pool, user.user_id, notification_id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_labelled_in_the_clinic_zone() {
        let at = "2026-12-01T09:00:00Z".parse().unwrap();
        assert_eq!(clinic_time_label(at, "Europe/Madrid"), "Tue 1 Dec 2026, 10:00 (Europe/Madrid)");
    }
}
