//! Patients' own details. Clinical ones are stored sealed (`services::patient_vault`).

use chrono::{DateTime, NaiveDate, Utc};
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

/// A patient in "My patients", with their last and next visits (any specialist).
pub struct PatientListRow {
    pub patient_id: Uuid,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub last_start: Option<DateTime<Utc>>,
    pub last_end: Option<DateTime<Utc>>,
    pub last_zone: Option<String>,
    pub next_start: Option<DateTime<Utc>>,
    pub next_end: Option<DateTime<Utc>>,
    pub next_zone: Option<String>,
    pub total: i64,
}

/// The patients on the care team of the specialist who is `specialist_user` (every patient when
/// None: an admin), whose name matches `search`, one page of `page_size`.
pub async fn list(
    pool: &PgPool,
    specialist_user: Option<Uuid>,
    search: &str,
    page: i64,
    page_size: i64,
) -> Result<Vec<PatientListRow>, AppError> {
    let rows = sqlx::query_as!(
        PatientListRow,
        r#"select p.patient_id, u.first_name || ' ' || u.last_name as "name!", p.date_of_birth,
                  lv.start_datetime as "last_start?", lv.end_datetime as "last_end?", lv.time_zone as "last_zone?",
                  nv.start_datetime as "next_start?", nv.end_datetime as "next_end?", nv.time_zone as "next_zone?",
                  count(*) over () as "total!"
           from patients p join users u on u.user_id = p.user_id
           left join lateral (
               select a.start_datetime, a.end_datetime, s.time_zone from appointments a
               join specialists s on s.specialist_id = a.specialist_id
               where a.patient_id = p.patient_id and a.status in ('Confirmed', 'Completed') and a.start_datetime < now()
               order by a.start_datetime desc limit 1) lv on true
           left join lateral (
               select a.start_datetime, a.end_datetime, s.time_zone from appointments a
               join specialists s on s.specialist_id = a.specialist_id
               where a.patient_id = p.patient_id and a.status in ('Pending', 'Confirmed') and a.start_datetime >= now()
               order by a.start_datetime limit 1) nv on true
           where ($1::uuid is null or (u.is_active and exists (
                   select 1 from care_team c join specialists s on s.specialist_id = c.specialist_id
                   where c.patient_id = p.patient_id and s.user_id = $1)))
             and ($2 = '%%' or (u.first_name || ' ' || u.last_name) ilike $2)
           order by u.last_name, u.first_name, p.patient_id
           limit $3 offset $4"#,
        specialist_user,
        crate::server::db::like_pattern(search),
        page_size,
        (page - 1) * page_size,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// A patient's appointments, newest first, at most `limit`.
pub async fn timeline(
    conn: &mut PgConnection,
    patient_id: Uuid,
    limit: i64,
) -> Result<Vec<crate::server::db::home::AgendaRow>, AppError> {
    let rows = sqlx::query_as!(
        crate::server::db::home::AgendaRow,
        r#"select a.appointment_id, a.start_datetime, a.end_datetime, a.appointment_type, a.status, s.time_zone,
                  u.first_name || ' ' || u.last_name as "with_name!"
           from appointments a join specialists s on s.specialist_id = a.specialist_id
           join users u on u.user_id = s.user_id
           where a.patient_id = $1
           order by a.start_datetime desc limit $2"#,
        patient_id,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// The names of the specialists on the patient's care team.
pub async fn care_team_names(conn: &mut PgConnection, patient_id: Uuid) -> Result<Vec<String>, AppError> {
    let names = sqlx::query_scalar!(
        r#"select u.first_name || ' ' || u.last_name || ' (' || s.specialty || ')' as "name!"
           from care_team c join specialists s on s.specialist_id = c.specialist_id
           join users u on u.user_id = s.user_id
           where c.patient_id = $1 order by u.last_name, u.first_name"#,
        patient_id
    )
    .fetch_all(conn)
    .await?;
    Ok(names)
}

/// Someone other than the patient read their record (a READ row of the audit trail).
pub struct RecordViewRow {
    pub viewer: String,
    pub role: String,
    pub what: Option<String>,
    pub viewed_at: DateTime<Utc>,
    pub total: i64,
}

/// Reads of the patient's record by anyone but the patient, newest first, one page.
pub async fn record_views(
    pool: &PgPool,
    patient_id: Uuid,
    patient_user_id: Uuid,
    page: i64,
    page_size: i64,
) -> Result<Vec<RecordViewRow>, AppError> {
    let rows = sqlx::query_as!(
        RecordViewRow,
        r#"select u.first_name || ' ' || u.last_name as "viewer!", u.role, a.new_values ->> 'what' as what,
                  a.created_at as viewed_at, count(*) over () as "total!"
           from audit_logs a join users u on u.user_id = a.user_id
           where a.table_name = 'patients' and a.record_id = $1 and a.action = 'READ' and a.user_id <> $2
           order by a.sequence_no desc
           limit $3 offset $4"#,
        patient_id,
        patient_user_id,
        page_size,
        (page - 1) * page_size,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
