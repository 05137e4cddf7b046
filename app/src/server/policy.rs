//! Record-level authorization: may this caller touch this record? The endpoint gate
//! (`auth::authorize`) has already checked the role; these rules check the relationship.
//!
//! The spec's rules: Admin everything; a Specialist the patients they treat, which means the
//! patients on their care team (`care_team`; never a booking or a cancelled appointment by
//! itself); a Patient their own data; a FamilyMember the linked patient, and clinical data only
//! when the patient's grant allows it.

use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;

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
        Role::Patient => {
            sqlx::query_scalar!(
                r#"select exists (select 1 from patients where patient_id = $1 and user_id = $2) as "ok!""#,
                patient_id,
                user.user_id
            )
            .fetch_one(pool)
            .await?
        }
        // The care team; or, for a few hours, a specialist who gave a reason (break-the-glass).
        Role::Specialist => {
            on_care_team(pool, user.user_id, patient_id).await?
                || crate::server::db::emergency_access::is_live(pool, user.user_id, patient_id).await?
        }
        Role::FamilyMember => {
            sqlx::query_scalar!(
                r#"select exists (
                   select 1 from live_family_grants
                   where patient_id = $1 and user_id = $2
                     and (can_view_medical_records or ($3 and (can_view_appointments or can_view_materials)))
               ) as "ok!""#,
                patient_id,
                user.user_id,
                data == PatientData::Summary,
            )
            .fetch_one(pool)
            .await?
        }
    };
    Ok(allowed)
}

/// Whether the patient is on the care team of the specialist whose account is `user_id`.
async fn on_care_team(pool: &PgPool, user_id: Uuid, patient_id: Uuid) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select exists (
               select 1 from care_team c join specialists s on s.specialist_id = c.specialist_id
               where s.user_id = $1 and c.patient_id = $2
           ) as "ok!""#,
        user_id,
        patient_id
    )
    .fetch_one(pool)
    .await?)
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

/// Whose appointment a booking is for: a patient books for themself, a family member for the
/// patient they help when the grant allows, an admin for any patient, a specialist only for a
/// patient on their care team.
pub async fn patient_for_booking(pool: &PgPool, user: &CurrentUser, requested: Option<Uuid>) -> Result<Uuid, AppError> {
    let allowed = match user.role {
        Role::Patient => {
            let own = sqlx::query_scalar!("select patient_id from patients where user_id = $1", user.user_id)
                .fetch_optional(pool)
                .await?;
            own.filter(|own| requested.is_none_or(|r| r == *own))
        }
        Role::FamilyMember => match requested {
            Some(patient_id) => {
                sqlx::query_scalar!(
                    r#"select patient_id as "patient_id!" from live_family_grants
                   where user_id = $1 and patient_id = $2 and can_book_appointments"#,
                    user.user_id,
                    patient_id
                )
                .fetch_optional(pool)
                .await?
            }
            None => None,
        },
        Role::Admin => match requested {
            Some(patient_id) => {
                sqlx::query_scalar!("select patient_id from patients where patient_id = $1", patient_id)
                    .fetch_optional(pool)
                    .await?
            }
            None => return Err(AppError::invalid("patient_id", "Choose the patient.")),
        },
        Role::Specialist => match requested {
            Some(patient_id) => on_care_team(pool, user.user_id, patient_id).await?.then_some(patient_id),
            None => return Err(AppError::invalid("patient_id", "Choose the patient.")),
        },
    };
    allowed.ok_or_else(|| {
        tracing::warn!(user_id = %user.user_id, role = %user.role, "booking for a patient refused");
        AppError::NotFound
    })
}

/// What the caller may do with one appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppointmentRights {
    /// Its patient, or a family member allowed to book for them: the patient notice applies.
    pub as_patient: bool,
    /// Its specialist, or an admin: may also confirm, complete, mark no-show.
    pub as_staff: bool,
}

pub async fn appointment_rights(
    pool: &PgPool,
    user: &CurrentUser,
    appointment_id: Uuid,
) -> Result<AppointmentRights, AppError> {
    let row = sqlx::query!(
        r#"select
             exists (select 1 from patients p where p.patient_id = a.patient_id and p.user_id = $2) as "own!",
             exists (select 1 from live_family_grants f where f.patient_id = a.patient_id and f.user_id = $2
                     and f.can_book_appointments) as "family!",
             exists (select 1 from specialists s where s.specialist_id = a.specialist_id and s.user_id = $2) as "specialist!"
           from appointments a where a.appointment_id = $1"#,
        appointment_id,
        user.user_id
    )
    .fetch_optional(pool)
    .await?;
    let rights = row.map(|r| AppointmentRights {
        as_patient: (user.role == Role::Patient && r.own) || (user.role == Role::FamilyMember && r.family),
        as_staff: user.role == Role::Admin || (user.role == Role::Specialist && r.specialist),
    });
    match rights {
        Some(rights) if rights.as_patient || rights.as_staff => Ok(rights),
        _ => {
            tracing::warn!(user_id = %user.user_id, role = %user.role, %appointment_id, "appointment access denied");
            Err(AppError::NotFound)
        }
    }
}

/// An appointment the caller may change, in `specialist_id`'s calendar (for showing the free
/// times it could move to).
pub async fn appointment_of_specialist(
    pool: &PgPool,
    user: &CurrentUser,
    appointment_id: Uuid,
    specialist_id: Uuid,
) -> Result<AppointmentRights, AppError> {
    let rights = appointment_rights(pool, user, appointment_id).await?;
    let same = sqlx::query_scalar!(
        r#"select exists (select 1 from appointments where appointment_id = $1 and specialist_id = $2) as "same!""#,
        appointment_id,
        specialist_id
    )
    .fetch_one(pool)
    .await?;
    if same {
        Ok(rights)
    } else {
        Err(AppError::NotFound)
    }
}

/// Whose working hours the caller may manage: a specialist their own, an admin the one named.
pub async fn specialist_to_manage(
    pool: &PgPool,
    user: &CurrentUser,
    requested: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let allowed = match user.role {
        Role::Specialist => {
            let own = sqlx::query_scalar!("select specialist_id from specialists where user_id = $1", user.user_id)
                .fetch_optional(pool)
                .await?;
            own.filter(|own| requested.is_none_or(|r| r == *own))
        }
        Role::Admin => match requested {
            Some(id) => {
                sqlx::query_scalar!("select specialist_id from specialists where specialist_id = $1", id)
                    .fetch_optional(pool)
                    .await?
            }
            None => return Err(AppError::invalid("specialist_id", "Choose a specialist.")),
        },
        Role::Patient | Role::FamilyMember => None,
    };
    allowed.ok_or_else(|| {
        tracing::warn!(user_id = %user.user_id, role = %user.role, "availability access denied");
        AppError::NotFound
    })
}
