//! Patients' own details. Clinical ones are stored sealed (`services::patient_vault`).

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;

/// The sealed clinical details of a patient, as stored.
#[derive(Default)]
pub struct SealedDetails {
    pub emergency_contact: Option<Vec<u8>>,
    pub base_medical_history: Option<Vec<u8>>,
}

pub struct PatientRow {
    pub patient_id: Uuid,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub emergency_contact_sealed: Option<Vec<u8>>,
    pub base_medical_history_sealed: Option<Vec<u8>>,
}

pub async fn find(conn: &mut PgConnection, patient_id: Uuid) -> Result<Option<PatientRow>, AppError> {
    let row = sqlx::query_as!(
        PatientRow,
        r#"select p.patient_id, u.first_name || ' ' || u.last_name as "name!", p.date_of_birth,
                  p.emergency_contact_sealed, p.base_medical_history_sealed
           from patients p join users u on u.user_id = p.user_id
           where p.patient_id = $1"#,
        patient_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn set_sealed_details(
    conn: &mut PgConnection,
    patient_id: Uuid,
    sealed: &SealedDetails,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"update patients set emergency_contact_sealed = $2, base_medical_history_sealed = $3,
                  emergency_contact_name = null, emergency_contact_phone = null, base_medical_history = null
           where patient_id = $1"#,
        patient_id,
        sealed.emergency_contact.as_deref(),
        sealed.base_medical_history.as_deref(),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A patient whose details were written before encryption at rest, still in plaintext.
pub struct LegacyPlaintext {
    pub patient_id: Uuid,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub base_medical_history: Option<String>,
}

pub async fn with_legacy_plaintext(pool: &PgPool, limit: i64) -> Result<Vec<LegacyPlaintext>, AppError> {
    let rows = sqlx::query_as!(
        LegacyPlaintext,
        r#"select patient_id, emergency_contact_name, emergency_contact_phone, base_medical_history from patients
           where emergency_contact_name is not null or emergency_contact_phone is not null
              or base_medical_history is not null
           order by patient_id limit $1"#,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
