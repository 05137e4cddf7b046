//! What the patients server functions send and receive (shared with the browser).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A patient's chart header. `base_medical_history` is present only for callers allowed to see
/// clinical data (never a family member without that grant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientSummary {
    pub patient_id: Uuid,
    pub name: String,
    pub date_of_birth: chrono::NaiveDate,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub base_medical_history: Option<String>,
    /// The patient's data key was destroyed (retention): their clinical details no longer
    /// exist anywhere.
    pub clinical_data_erased: bool,
}

/// Patients per page in "My patients".
pub const PATIENTS_PAGE_SIZE: i64 = 20;

/// One patient in "My patients": who, and when they were last and will next be seen (labels
/// written by the server in the specialist's zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientListItem {
    pub patient_id: Uuid,
    pub name: String,
    pub age: i32,
    pub last_visit: Option<String>,
    pub next_visit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientPage {
    pub patients: Vec<PatientListItem>,
    /// The page shown (clamped to the pages that exist).
    pub page: i64,
    pub total: i64,
}

impl PatientPage {
    pub fn page_count(&self) -> i64 {
        ((self.total + PATIENTS_PAGE_SIZE - 1) / PATIENTS_PAGE_SIZE).max(1)
    }
}

/// How many appointments a chart's timeline shows, newest first.
pub const CHART_VISITS_SHOWN: i64 = 200;

/// A patient's chart: the header (clinical details opened for staff allowed to see them), the
/// care team and the timeline of appointments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub summary: PatientSummary,
    pub age: i32,
    pub care_team: Vec<String>,
    /// The appointments, newest first (`with_name` is the specialist).
    pub visits: Vec<crate::model::home::AgendaItem>,
    /// More appointments exist than the timeline shows.
    pub more_visits: bool,
    /// The first page of the patient's notes (the caller's drafts, signed and in-error notes).
    pub notes: crate::model::notes::NotePage,
    /// Every attachment of those notes (the chart's Files view).
    pub files: crate::model::notes::PatientFiles,
    /// The first page of the patient's education plan.
    pub materials: crate::model::materials::PatientPlan,
}

/// Reads of a patient's record per page of "Who viewed my record".
pub const RECORD_VIEWS_PAGE_SIZE: i64 = 20;

/// Someone other than the patient opened their record (from the audit trail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordView {
    pub viewer: String,
    pub role: String,
    pub what: String,
    /// In the clinic's zone, labelled with it.
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordViews {
    pub views: Vec<RecordView>,
    pub page: i64,
    pub total: i64,
}

impl RecordViews {
    pub fn page_count(&self) -> i64 {
        ((self.total + RECORD_VIEWS_PAGE_SIZE - 1) / RECORD_VIEWS_PAGE_SIZE).max(1)
    }
}
