//! The role homes' queries. They return rows; `services::home` labels them.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;

/// Accounts of one role, active and not.
pub struct RoleCount {
    pub role: String,
    pub active: i64,
    pub inactive: i64,
}

pub async fn accounts_by_role(pool: &PgPool) -> Result<Vec<RoleCount>, AppError> {
    let counts = sqlx::query_as!(
        RoleCount,
        r#"select role, count(*) filter (where is_active) as "active!", count(*) filter (where not is_active) as "inactive!"
           from users group by role"#
    )
    .fetch_all(pool)
    .await?;
    Ok(counts)
}

pub struct AppointmentCounts {
    pub today: i64,
    pub pending: i64,
}

/// Today's active appointments (today in the clinic's zone) and the pending future ones.
pub async fn appointment_counts(pool: &PgPool) -> Result<AppointmentCounts, AppError> {
    let counts = sqlx::query_as!(
        AppointmentCounts,
        r#"select count(*) filter (where (a.start_datetime at time zone c.time_zone)::date
                                           = (now() at time zone c.time_zone)::date
                                     and a.status in ('Pending', 'Confirmed')) as "today!",
                  count(*) filter (where a.status = 'Pending' and a.start_datetime > now()) as "pending!"
           from appointments a cross join clinic_settings c"#
    )
    .fetch_one(pool)
    .await?;
    Ok(counts)
}

/// One appointment of an agenda, with the zone it is shown in and the other person's name.
pub struct AgendaRow {
    pub appointment_id: Uuid,
    pub start_datetime: DateTime<Utc>,
    pub end_datetime: DateTime<Utc>,
    pub appointment_type: String,
    pub status: String,
    pub time_zone: String,
    pub with_name: String,
}

pub struct SpecialistRow {
    pub specialist_id: Uuid,
    pub time_zone: String,
}

pub async fn specialist_of_user(pool: &PgPool, user_id: Uuid) -> Result<Option<SpecialistRow>, AppError> {
    let row =
        sqlx::query_as!(SpecialistRow, "select specialist_id, time_zone from specialists where user_id = $1", user_id)
            .fetch_optional(pool)
            .await?;
    Ok(row)
}

/// A specialist's appointments that start on `day` in `time_zone`, every status.
pub async fn specialist_day(
    pool: &PgPool,
    specialist: &SpecialistRow,
    day: chrono::NaiveDate,
) -> Result<Vec<AgendaRow>, AppError> {
    let rows = sqlx::query_as!(
        AgendaRow,
        r#"select a.appointment_id, a.start_datetime, a.end_datetime, a.appointment_type, a.status,
                  $2::text as "time_zone!", u.first_name || ' ' || u.last_name as "with_name!"
           from appointments a join patients p on p.patient_id = a.patient_id join users u on u.user_id = p.user_id
           where a.specialist_id = $1 and (a.start_datetime at time zone $2)::date = $3
           order by a.start_datetime"#,
        specialist.specialist_id,
        specialist.time_zone,
        day,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// A patient's next ten active appointments, with their specialist.
pub async fn upcoming_for_patient(pool: &PgPool, patient_id: Uuid) -> Result<Vec<AgendaRow>, AppError> {
    let rows = sqlx::query_as!(
        AgendaRow,
        r#"select a.appointment_id, a.start_datetime, a.end_datetime, a.appointment_type, a.status, s.time_zone,
                  u.first_name || ' ' || u.last_name || ' (' || s.specialty || ')' as "with_name!"
           from appointments a join specialists s on s.specialist_id = a.specialist_id
           join users u on u.user_id = s.user_id
           where a.patient_id = $1 and a.end_datetime > now() and a.status in ('Pending', 'Confirmed')
           order by a.start_datetime limit 10"#,
        patient_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

pub async fn patient_of_user(pool: &PgPool, user_id: Uuid) -> Result<Option<Uuid>, AppError> {
    let id =
        sqlx::query_scalar!("select patient_id from patients where user_id = $1", user_id).fetch_optional(pool).await?;
    Ok(id)
}

pub async fn unread_notifications(pool: &PgPool, user_id: Uuid) -> Result<i64, AppError> {
    let unread = sqlx::query_scalar!(
        r#"select count(*) as "n!" from notifications where user_id = $1 and not is_read"#,
        user_id
    )
    .fetch_one(pool)
    .await?;
    Ok(unread)
}
