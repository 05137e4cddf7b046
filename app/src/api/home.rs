//! What each role sees first after signing in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    /// Active accounts per role, in the order of `Role::ALL`.
    pub active_by_role: Vec<(String, i64)>,
    pub inactive_accounts: i64,
    pub appointments_today: i64,
    pub pending_appointments: i64,
}

/// One appointment in a list. `when` is formatted on the server in the specialist's zone, so
/// the page shows the same text before and after hydration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub appointment_id: Uuid,
    pub when: String,
    pub with_name: String,
    pub appointment_type: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialistDay {
    pub date_label: String,
    pub time_zone: String,
    pub appointments: Vec<AgendaItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialItem {
    pub title: String,
    pub material_type: String,
    pub content_url: String,
    pub specialist_comments: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareOverview {
    pub upcoming: Vec<AgendaItem>,
    pub materials: Vec<MaterialItem>,
    pub unread_notifications: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpedPatient {
    pub patient_id: Uuid,
    pub name: String,
    pub relationship: String,
    /// None when the patient's grant does not include appointments.
    pub upcoming: Option<Vec<AgendaItem>>,
}

#[server(endpoint = "home/admin-summary")]
pub async fn admin_summary() -> Result<AdminOverview, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        crate::server::db::home::admin_summary(&state.pool).await
    })
    .await
}

#[server(endpoint = "home/specialist-today")]
pub async fn specialist_today() -> Result<SpecialistDay, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::db::home::specialist_today(&state.pool, user.user_id).await
    })
    .await
}

#[server(endpoint = "home/my-care")]
pub async fn my_care() -> Result<CareOverview, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::db::home::my_care(&state.pool, user.user_id).await
    })
    .await
}

#[server(endpoint = "home/family")]
pub async fn family_home() -> Result<Vec<HelpedPatient>, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::db::home::family_home(&state.pool, user.user_id).await
    })
    .await
}
