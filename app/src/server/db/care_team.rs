//! The care team: which specialists treat which patient. Rows change through the audit trigger
//! on `care_team`, so every join and removal is recorded with the acting user.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;
use crate::server::audit::begin_as;

/// How a specialist joined a patient's care team (the `how` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// The patient, or family on their behalf, booked the specialist.
    PatientBooking,
    /// An admin booked the specialist for the patient.
    AdminBooking,
    /// An admin put the specialist on the team.
    AdminAssigned,
}

impl Joined {
    fn as_str(self) -> &'static str {
        match self {
            Joined::PatientBooking => "PatientBooking",
            Joined::AdminBooking => "AdminBooking",
            Joined::AdminAssigned => "AdminAssigned",
        }
    }
}

pub struct CareTeamRow {
    pub specialist_id: Uuid,
    pub name: String,
    pub specialty: String,
    pub since: DateTime<Utc>,
    pub how: String,
}

/// Adds the specialist to the patient's team (nothing happens when they are on it already).
pub async fn join(
    conn: &mut PgConnection,
    patient_id: Uuid,
    specialist_id: Uuid,
    added_by: Uuid,
    how: Joined,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into care_team (patient_id, specialist_id, added_by, how) values ($1, $2, $3, $4)
           on conflict do nothing"#,
        patient_id,
        specialist_id,
        added_by,
        how.as_str()
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn members(pool: &PgPool, patient_id: Uuid) -> Result<Vec<CareTeamRow>, AppError> {
    let rows = sqlx::query_as!(
        CareTeamRow,
        r#"select c.specialist_id, u.first_name || ' ' || u.last_name as "name!", s.specialty, c.since, c.how
           from care_team c join specialists s on s.specialist_id = c.specialist_id join users u on u.user_id = s.user_id
           where c.patient_id = $1
           order by u.last_name, u.first_name"#,
        patient_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// An admin's assignment; NotFound when the patient or the specialist does not exist.
pub async fn assign(pool: &PgPool, admin: Uuid, patient_id: Uuid, specialist_id: Uuid) -> Result<(), AppError> {
    let mut tx = begin_as(pool, admin).await?;
    let both_exist = sqlx::query_scalar!(
        r#"select exists (select 1 from patients where patient_id = $1)
              and exists (select 1 from specialists where specialist_id = $2) as "ok!""#,
        patient_id,
        specialist_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !both_exist {
        return Err(AppError::NotFound);
    }
    join(&mut tx, patient_id, specialist_id, admin, Joined::AdminAssigned).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes the specialist off the team: they no longer reach the patient's records. Their
/// appointments stay (they are the clinic's history), but give no access.
pub async fn remove(pool: &PgPool, admin: Uuid, patient_id: Uuid, specialist_id: Uuid) -> Result<(), AppError> {
    let mut tx = begin_as(pool, admin).await?;
    let removed =
        sqlx::query!("delete from care_team where patient_id = $1 and specialist_id = $2", patient_id, specialist_id)
            .execute(&mut *tx)
            .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
