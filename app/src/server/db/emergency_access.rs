//! Emergency ("break-the-glass") accesses to charts.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;

/// Whether the specialist whose account is `user_id` holds a live emergency access to the chart.
pub async fn is_live(pool: &PgPool, user_id: Uuid, patient_id: Uuid) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select exists (
               select 1 from emergency_access e join specialists s on s.specialist_id = e.specialist_id
               where s.user_id = $1 and e.patient_id = $2 and e.expires_at > now()
           ) as "ok!""#,
        user_id,
        patient_id
    )
    .fetch_one(pool)
    .await?)
}

pub async fn patient_name(conn: &mut PgConnection, patient_id: Uuid) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select u.first_name || ' ' || u.last_name as "name!" from patients p join users u on u.user_id = p.user_id
           where p.patient_id = $1"#,
        patient_id
    )
    .fetch_optional(conn)
    .await?)
}

/// Grants the access until `expires_at`; returns its id.
pub async fn grant(
    conn: &mut PgConnection,
    specialist_id: Uuid,
    patient_id: Uuid,
    reason: &str,
    expires_at: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into emergency_access (specialist_id, patient_id, reason, expires_at)
           values ($1, $2, $3, $4) returning access_id"#,
        specialist_id,
        patient_id,
        reason,
        expires_at
    )
    .fetch_one(conn)
    .await?)
}

/// Tells every active admin.
pub async fn notify_admins(conn: &mut PgConnection, title: &str, message: &str) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into notifications (user_id, title, message, notification_type)
           select user_id, $1, $2, 'EmergencyAccess' from users where role = 'Admin' and is_active"#,
        title,
        message
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct UnreviewedRow {
    pub access_id: Uuid,
    pub specialist_name: String,
    pub patient_name: String,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub total: i64,
}

/// The accesses no admin has reviewed yet, oldest first, at most `limit`.
pub async fn unreviewed(pool: &PgPool, limit: i64) -> Result<Vec<UnreviewedRow>, AppError> {
    Ok(sqlx::query_as!(
        UnreviewedRow,
        r#"select e.access_id, su.first_name || ' ' || su.last_name as "specialist_name!",
                  pu.first_name || ' ' || pu.last_name as "patient_name!", e.reason, e.granted_at, e.expires_at,
                  count(*) over () as "total!"
           from emergency_access e
           join specialists s on s.specialist_id = e.specialist_id join users su on su.user_id = s.user_id
           join patients p on p.patient_id = e.patient_id join users pu on pu.user_id = p.user_id
           where e.reviewed_at is null
           order by e.granted_at, e.access_id
           limit $1"#,
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// Marks an unreviewed access reviewed by `admin`; false when there is none with that id.
pub async fn mark_reviewed(conn: &mut PgConnection, access_id: Uuid, admin: Uuid) -> Result<bool, AppError> {
    let done = sqlx::query!(
        r#"update emergency_access set reviewed_by = $2, reviewed_at = now()
           where access_id = $1 and reviewed_at is null"#,
        access_id,
        admin
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
