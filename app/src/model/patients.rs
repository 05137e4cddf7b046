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
