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
pub struct CareOverview {
    pub upcoming: Vec<AgendaItem>,
    /// The first page of released materials.
    pub materials: Vec<crate::model::materials::AssignedMaterial>,
    pub unread_notifications: i64,
    /// The newest signed notes the patient may read (open notes).
    pub recent_notes: Vec<crate::model::notes::NoteListItem>,
}
