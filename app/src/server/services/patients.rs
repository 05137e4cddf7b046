//! A patient's chart header: read in one transaction with its READ audit row, clinical details
//! opened only for callers allowed to see them.

use uuid::Uuid;

use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::patients::PatientSummary;
use crate::server::audit::{self, AuditEvent};
use crate::server::db::patients::{self as db, SealedDetails};
use crate::server::services::patient_vault::{self, Opened};
use crate::server::state::AppState;

/// The chart header; reading it is audited (who read which patient's data, and whether the
/// clinical part was included). The caller has already been authorized.
pub async fn summary(
    state: &AppState,
    reader: &CurrentUser,
    patient_id: Uuid,
    include_clinical: bool,
) -> Result<PatientSummary, AppError> {
    let mut tx = state.pool.begin().await?;
    let row = db::find(&mut tx, patient_id).await?.ok_or(AppError::NotFound)?;
    let sealed = SealedDetails {
        emergency_contact: row.emergency_contact_sealed,
        base_medical_history: row.base_medical_history_sealed,
    };
    let details = patient_vault::open_details(&mut tx, &state.keys, patient_id, sealed).await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor: Some(reader.user_id),
            action: "READ",
            table_name: "patients",
            record_id: Some(patient_id),
            details: Some(serde_json::json!({ "clinical": include_clinical })),
            ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    let erased = details == Opened::Erased;
    let details = details.or_empty();
    Ok(PatientSummary {
        patient_id: row.patient_id,
        name: row.name,
        date_of_birth: row.date_of_birth,
        emergency_contact_name: details.emergency_contact_name,
        emergency_contact_phone: details.emergency_contact_phone,
        base_medical_history: if include_clinical { details.base_medical_history } else { None },
        clinical_data_erased: erased,
    })
}
