//! A person's notifications, a keyset page at a time (they grow without bound).

use serde::{Deserialize, Serialize};

pub use crate::model::scheduling::NotificationItem;

/// Notifications per page (fixed by the server).
pub const NOTIFICATIONS_PAGE_SIZE: i64 = 20;

/// A page of the caller's notifications, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPage {
    pub items: Vec<NotificationItem>,
    /// Unread notifications in all (not only on this page).
    pub unread: i64,
    /// The cursor of the next (older) page, when there is one.
    pub older: Option<String>,
    /// This is the newest page (no cursor was given).
    pub newest: bool,
    pub unread_only: bool,
}
