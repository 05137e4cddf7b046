//! What the home server functions send and receive (shared with the browser).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::appointment_status::AppointmentStatus;

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
    pub status: AppointmentStatus,
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
    /// The patient's grant includes their signed clinical notes.
    pub sees_notes: bool,
}
