//! Patients: the chart header any related caller may read, and for staff "My patients" and the
//! whole chart.

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

/// A specialist's patients (their care team), or every patient for an admin; `search` matches
/// the name.
#[server(endpoint = "patients/mine")]
pub async fn my_patients(search: String, page: i64) -> Result<PatientPage, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::patients::my_patients(&state, &user, &search, page).await
    })
    .await
}

/// A patient's chart: header, care team and appointments (opening it is audited).
#[server(endpoint = "patients/chart")]
pub async fn get_chart(patient_id: Uuid) -> Result<Chart, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::patients::chart(&state, &user, patient_id).await
    })
    .await
}

/// "Who viewed my record": for a patient, every read of their record by someone else.
#[server(endpoint = "patients/record-views")]
pub async fn who_viewed_my_record(page: i64) -> Result<RecordViews, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::patients::who_viewed_my_record(&state, &user, page).await
    })
    .await
}
