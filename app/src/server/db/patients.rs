use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::patients::PatientSummary;
use crate::server::audit::{self, AuditEvent};

/// The chart header; reading it is audited (who read which patient's data, and whether the
/// clinical part was included). The caller has already been authorized.
pub async fn summary(
    pool: &PgPool,
    reader: &CurrentUser,
    patient_id: Uuid,
    include_clinical: bool,
) -> Result<PatientSummary, AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"select p.patient_id, u.first_name || ' ' || u.last_name as "name!", p.date_of_birth,
                  p.emergency_contact_name, p.emergency_contact_phone, p.base_medical_history
           from patients p join users u on u.user_id = p.user_id
           where p.patient_id = $1"#,
        patient_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
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
    Ok(PatientSummary {
        patient_id: row.patient_id,
        name: row.name,
        date_of_birth: row.date_of_birth,
        emergency_contact_name: row.emergency_contact_name,
        emergency_contact_phone: row.emergency_contact_phone,
        base_medical_history: if include_clinical { row.base_medical_history } else { None },
    })
}
