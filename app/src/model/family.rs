//! Family access the patient controls, and the links admins keep (shared with the browser).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::home::AgendaItem;
use crate::model::materials::AssignedMaterial;

/// What one family member may see and do for the patient, as the patient sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyGrant {
    pub family_member_id: Uuid,
    pub name: String,
    pub relationship: String,
    pub view_appointments: bool,
    /// Book, move and cancel on the patient's behalf (includes seeing the appointments).
    pub book_appointments: bool,
    pub view_materials: bool,
    pub view_notes: bool,
    /// The last day the grant is in force; None: until revoked.
    pub access_until: Option<NaiveDate>,
    /// The end date has passed: nothing is in force.
    pub ended: bool,
}

impl FamilyGrant {
    /// A short sentence of what is in force ("Appointments, booking").
    pub fn summary(&self) -> String {
        let scopes: Vec<&str> = [
            (self.view_appointments || self.book_appointments, "appointments"),
            (self.book_appointments, "booking for you"),
            (self.view_materials, "materials"),
            (self.view_notes, "signed clinical notes"),
        ]
        .into_iter()
        .filter_map(|(on, label)| on.then_some(label))
        .collect();
        if self.ended {
            "Ended: nothing is shared.".to_string()
        } else if scopes.is_empty() {
            "Nothing is shared.".to_string()
        } else {
            format!("Shared: {}.", scopes.join(", "))
        }
    }
}

/// One family member linked to a patient, as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyLinkItem {
    pub family_member_id: Uuid,
    pub family_name: String,
    pub family_email: String,
    pub patient_name: String,
    pub patient_email: String,
    pub relationship: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyLinkPage {
    pub items: Vec<FamilyLinkItem>,
    pub page: i64,
    pub page_count: i64,
    pub total: i64,
}

pub const FAMILY_LINKS_PER_PAGE: i64 = 25;

/// A patient a family member helps (for switching between them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpedPatientName {
    pub patient_id: Uuid,
    pub name: String,
    pub relationship: String,
}

/// The family member's home: whom they help, and the chosen patient within the grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyOverview {
    pub patients: Vec<HelpedPatientName>,
    pub selected: Option<HelpedPatient>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpedPatient {
    pub patient_id: Uuid,
    pub name: String,
    pub relationship: String,
    /// None when the grant does not include appointments.
    pub upcoming: Option<Vec<AgendaItem>>,
    /// None when the grant does not include materials.
    pub materials: Option<Vec<AssignedMaterial>>,
    pub can_book: bool,
    pub sees_notes: bool,
    pub access_until: Option<NaiveDate>,
}
