//! The patient portal's queries: a patient's whole appointment history (keyset pages) and the
//! details they edit themselves (their phone; the address and emergency contact, sealed).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;
use crate::model::portal::Cursor;

pub struct HistoryRow {
    pub appointment_id: Uuid,
    pub start_datetime: DateTime<Utc>,
    pub end_datetime: DateTime<Utc>,
    pub appointment_type: String,
    pub status: String,
    pub time_zone: String,
    pub specialist: String,
    pub specialty: String,
    pub created_by: Option<Uuid>,
    pub created_by_name: Option<String>,
}

/// The patient's appointments (every status, past and future) before `before` (all when
/// None), newest first, at most `limit`.
pub async fn history(
    pool: &PgPool,
    patient_id: Uuid,
    before: Option<Cursor>,
    limit: i64,
) -> Result<Vec<HistoryRow>, AppError> {
    let rows = sqlx::query_as!(
        HistoryRow,
        r#"select a.appointment_id, a.start_datetime, a.end_datetime, a.appointment_type, a.status, s.time_zone,
                  su.first_name || ' ' || su.last_name as "specialist!", s.specialty,
                  a.created_by, cu.first_name || ' ' || cu.last_name as "created_by_name?"
           from appointments a
           join specialists s on s.specialist_id = a.specialist_id
           join users su on su.user_id = s.user_id
           left join users cu on cu.user_id = a.created_by
           where a.patient_id = $1
             and ($2::timestamptz is null or (a.start_datetime, a.appointment_id) < ($2, $3::uuid))
           order by a.start_datetime desc, a.appointment_id desc
           limit $4"#,
        patient_id,
        before.map(|c| c.at),
        before.map(|c| c.id),
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// What "My details" reads, as stored.
pub struct DetailsRow {
    pub patient_id: Uuid,
    pub phone: Option<String>,
    pub emergency_contact_sealed: Option<Vec<u8>>,
    pub address_sealed: Option<Vec<u8>>,
}

/// The details of the patient whose account is `user_id`; the patient row locked when
/// `for_update` (a save reads, compares and writes in one transaction).
pub async fn details(conn: &mut PgConnection, user_id: Uuid, for_update: bool) -> Result<Option<DetailsRow>, AppError> {
    let row = if for_update {
        sqlx::query_as!(
            DetailsRow,
            r#"select p.patient_id, u.phone, p.emergency_contact_sealed, p.address_sealed
               from patients p join users u on u.user_id = p.user_id
               where p.user_id = $1
               for update of p, u"#,
            user_id
        )
        .fetch_optional(conn)
        .await?
    } else {
        sqlx::query_as!(
            DetailsRow,
            r#"select p.patient_id, u.phone, p.emergency_contact_sealed, p.address_sealed
               from patients p join users u on u.user_id = p.user_id
               where p.user_id = $1"#,
            user_id
        )
        .fetch_optional(conn)
        .await?
    };
    Ok(row)
}

pub async fn set_phone(conn: &mut PgConnection, user_id: Uuid, phone: Option<&str>) -> Result<(), AppError> {
    sqlx::query!("update users set phone = $2 where user_id = $1", user_id, phone).execute(conn).await?;
    Ok(())
}

pub async fn set_sealed_contact(
    conn: &mut PgConnection,
    patient_id: Uuid,
    emergency_contact: Option<&[u8]>,
) -> Result<(), AppError> {
    sqlx::query!(
        "update patients set emergency_contact_sealed = $2 where patient_id = $1",
        patient_id,
        emergency_contact
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_sealed_address(
    conn: &mut PgConnection,
    patient_id: Uuid,
    address: Option<&[u8]>,
) -> Result<(), AppError> {
    sqlx::query!("update patients set address_sealed = $2 where patient_id = $1", patient_id, address)
        .execute(conn)
        .await?;
    Ok(())
}
