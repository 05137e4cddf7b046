//! Record-level authorization: may this caller touch this record? The endpoint gate
//! (`auth::authorize`) has already checked the role; these rules check the relationship.
//!
//! The spec's rules: Admin everything; a Specialist the patients they treat (an appointment or
//! a record with them); a Patient their own data; a FamilyMember the linked patient, and
//! clinical data only when the patient's grant allows it.

use sqlx::PgPool;
use uuid::Uuid;

use crate::api::auth::CurrentUser;
use crate::domain::role::Role;
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientData {
    /// Name, date of birth, contacts, appointments.
    Summary,
    /// Medical history and records.
    Clinical,
}

pub async fn can_view_patient(
    pool: &PgPool,
    user: &CurrentUser,
    patient_id: Uuid,
    data: PatientData,
) -> Result<bool, AppError> {
    let allowed = match user.role {
        Role::Admin => true,
        Role::Patient => sqlx::query_scalar!(
            r#"select exists (select 1 from patients where patient_id = $1 and user_id = $2) as "ok!""#,
            patient_id,
            user.user_id
        )
        .fetch_one(pool)
        .await?,
        Role::Specialist => sqlx::query_scalar!(
            r#"select exists (
                   select 1 from specialists s
                   where s.user_id = $2
                     and (exists (select 1 from appointments a where a.specialist_id = s.specialist_id and a.patient_id = $1)
                       or exists (select 1 from medical_records r where r.specialist_id = s.specialist_id and r.patient_id = $1))
               ) as "ok!""#,
            patient_id,
            user.user_id
        )
        .fetch_one(pool)
        .await?,
        Role::FamilyMember => sqlx::query_scalar!(
            r#"select exists (
                   select 1 from family_members
                   where patient_id = $1 and user_id = $2 and ($3 or can_view_medical_records)
               ) as "ok!""#,
            patient_id,
            user.user_id,
            data == PatientData::Summary,
        )
        .fetch_one(pool)
        .await?,
    };
    Ok(allowed)
}

/// Refuses with the same answer as a missing record, and logs the refusal.
pub async fn authorize_patient(
    pool: &PgPool,
    user: &CurrentUser,
    patient_id: Uuid,
    data: PatientData,
) -> Result<(), AppError> {
    if can_view_patient(pool, user, patient_id, data).await? {
        Ok(())
    } else {
        tracing::warn!(user_id = %user.user_id, role = %user.role, %patient_id, ?data, "patient access denied");
        Err(AppError::NotFound)
    }
}
