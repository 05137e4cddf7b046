use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

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
}

#[server(endpoint = "patients/get")]
pub async fn get_patient(patient_id: Uuid) -> Result<PatientSummary, AppError> {
    use crate::server::policy::{authorize_patient, can_view_patient, PatientData};
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        authorize_patient(&state.pool, &user, patient_id, PatientData::Summary).await?;
        let clinical = can_view_patient(&state.pool, &user, patient_id, PatientData::Clinical).await?;
        crate::server::db::patients::summary(&state.pool, &user, patient_id, clinical).await
    })
    .await
}
