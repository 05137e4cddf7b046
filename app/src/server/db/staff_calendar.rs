//! The staff calendar's reads: the specialists it can show, one query for the appointments of
//! the range, one for the hours the grid spans. `services::calendar` lays them out.

use chrono::{DateTime, NaiveTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;
use crate::model::calendar::CalendarSpecialist;

pub async fn own_specialist_id(pool: &PgPool, user_id: Uuid) -> Result<Option<Uuid>, AppError> {
    let id = sqlx::query_scalar!("select specialist_id from specialists where user_id = $1", user_id)
        .fetch_optional(pool)
        .await?;
    Ok(id)
}

/// The one specialist asked for, or every active one (None).
pub async fn specialists(pool: &PgPool, specialist_id: Option<Uuid>) -> Result<Vec<CalendarSpecialist>, AppError> {
    let specialists = sqlx::query_as!(
        CalendarSpecialist,
        r#"select s.specialist_id, u.first_name || ' ' || u.last_name as "name!"
           from specialists s join users u on u.user_id = s.user_id
           where ($1::uuid is null and u.is_active) or s.specialist_id = $1
           order by u.last_name, u.first_name"#,
        specialist_id
    )
    .fetch_all(pool)
    .await?;
    Ok(specialists)
}

/// One specialist's calendar is in their zone; everyone's in the clinic's.
pub async fn zone_name(pool: &PgPool, specialist_id: Option<Uuid>) -> Result<String, AppError> {
    let zone = match specialist_id {
        Some(id) => {
            sqlx::query_scalar!("select time_zone from specialists where specialist_id = $1", id)
                .fetch_one(pool)
                .await?
        }
        None => sqlx::query_scalar!("select time_zone from clinic_settings").fetch_one(pool).await?,
    };
    Ok(zone)
}

pub struct CalendarRow {
    pub appointment_id: Uuid,
    pub specialist_id: Uuid,
    pub start_datetime: DateTime<Utc>,
    pub end_datetime: DateTime<Utc>,
    pub status: String,
    pub appointment_type: String,
    pub overbook_reason: Option<String>,
    pub specialist_name: String,
    pub patient_name: String,
}

/// Appointments that overlap [from, to), of one specialist or of everyone.
pub async fn appointments_between(
    pool: &PgPool,
    specialist_id: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalendarRow>, AppError> {
    let rows = sqlx::query_as!(
        CalendarRow,
        r#"select a.appointment_id, a.specialist_id, a.start_datetime, a.end_datetime, a.status, a.appointment_type,
                  a.overbook_reason,
                  su.first_name || ' ' || su.last_name as "specialist_name!",
                  pu.first_name || ' ' || pu.last_name as "patient_name!"
           from appointments a
           join specialists s on s.specialist_id = a.specialist_id join users su on su.user_id = s.user_id
           join patients p on p.patient_id = a.patient_id join users pu on pu.user_id = p.user_id
           where ($1::uuid is null or a.specialist_id = $1) and a.start_datetime < $3 and a.end_datetime > $2
           order by a.start_datetime, su.last_name"#,
        specialist_id,
        from,
        to
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// The earliest start and latest end of the weekly hours shown.
pub async fn weekly_hours_span(
    pool: &PgPool,
    specialist_id: Option<Uuid>,
) -> Result<(Option<NaiveTime>, Option<NaiveTime>), AppError> {
    let hours = sqlx::query!(
        r#"select min(start_time) as first, max(end_time) as last from availability_blocks
           where ($1::uuid is null or specialist_id = $1) and exception_date is null"#,
        specialist_id
    )
    .fetch_one(pool)
    .await?;
    Ok((hours.first, hours.last))
}
