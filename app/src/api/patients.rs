use crate::error::AppError;
pub use crate::model::patients::*;
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "patients/get")]
pub async fn get_patient(patient_id: Uuid) -> Result<PatientSummary, AppError> {
    use crate::server::policy::{authorize_patient, can_view_patient, PatientData};
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        authorize_patient(&state.pool, &user, patient_id, PatientData::Summary).await?;
        let clinical = can_view_patient(&state.pool, &user, patient_id, PatientData::Clinical).await?;
        crate::server::services::patients::summary(&state, &user, patient_id, clinical).await
    })
    .await
}
