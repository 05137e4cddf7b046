//! What the users server functions send and receive (shared with the browser).

use crate::domain::user_form::UserForm;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const USERS_PAGE_SIZE: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListItem {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub is_active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<UserListItem>,
    pub page: i64,
    pub total: i64,
}

impl UserPage {
    pub fn page_count(&self) -> i64 {
        ((self.total + USERS_PAGE_SIZE - 1) / USERS_PAGE_SIZE).max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user_id: Uuid,
    /// Set for patients: whose care team the page shows.
    pub patient_id: Option<Uuid>,
    pub form: UserForm,
    pub is_active: bool,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientOption {
    pub patient_id: Uuid,
    pub name: String,
}

/// A new account and its one-time password, shown once to the admin to hand over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPassword {
    pub user_id: Uuid,
    pub temporary_password: String,
}

/// The longest search text, and the last page anyone may ask for (more is clamped to it).
pub const MAX_SEARCH_CHARS: usize = 100;

pub const MAX_PAGE: i64 = 10_000;
