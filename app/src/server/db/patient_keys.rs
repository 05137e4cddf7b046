//! Patients' wrapped data keys. Only `services::patient_vault` uses these, and only it ever
//! holds a key unwrapped.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;

pub struct WrappedKeyRow {
    pub data_key_id: Uuid,
    pub patient_id: Uuid,
    pub master_key_id: String,
    /// None once destroyed.
    pub wrapped_key: Option<Vec<u8>>,
}

pub async fn find(conn: &mut PgConnection, patient_id: Uuid) -> Result<Option<WrappedKeyRow>, AppError> {
    let row = sqlx::query_as!(
        WrappedKeyRow,
        "select data_key_id, patient_id, master_key_id, wrapped_key from patient_data_keys where patient_id = $1",
        patient_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Stores a new wrapped key unless the patient already has one (two first writes racing: the
/// loser reads the winner's key back with `find`).
pub async fn insert(
    conn: &mut PgConnection,
    data_key_id: Uuid,
    patient_id: Uuid,
    master_key_id: &str,
    wrapped_key: &[u8],
) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into patient_data_keys (data_key_id, patient_id, master_key_id, wrapped_key)
           values ($1, $2, $3, $4) on conflict (patient_id) do nothing"#,
        data_key_id,
        patient_id,
        master_key_id,
        wrapped_key
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One live key per master key id in use, to prove at start-up that the key file opens them.
pub async fn one_per_master_key(pool: &PgPool) -> Result<Vec<WrappedKeyRow>, AppError> {
    let rows = sqlx::query_as!(
        WrappedKeyRow,
        r#"select distinct on (master_key_id) data_key_id, patient_id, master_key_id, wrapped_key
           from patient_data_keys where wrapped_key is not null order by master_key_id, created_at"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Live keys not yet wrapped by `current`, a batch at a time.
pub async fn wrapped_by_others(pool: &PgPool, current: &str, limit: i64) -> Result<Vec<WrappedKeyRow>, AppError> {
    let rows = sqlx::query_as!(
        WrappedKeyRow,
        r#"select data_key_id, patient_id, master_key_id, wrapped_key from patient_data_keys
           where master_key_id <> $1 and wrapped_key is not null order by data_key_id limit $2"#,
        current,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Replaces a wrapped key, only if it is still wrapped by `old_master` (a concurrent rotation
/// or destruction wins).
pub async fn rewrap(
    conn: &mut PgConnection,
    data_key_id: Uuid,
    old_master: &str,
    new_master: &str,
    wrapped_key: &[u8],
) -> Result<bool, AppError> {
    let done = sqlx::query!(
        r#"update patient_data_keys set master_key_id = $3, wrapped_key = $4, rewrapped_at = now()
           where data_key_id = $1 and master_key_id = $2 and wrapped_key is not null"#,
        data_key_id,
        old_master,
        new_master,
        wrapped_key
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Destroys a patient's key: their sealed data can no longer be read, anywhere.
pub async fn destroy(conn: &mut PgConnection, patient_id: Uuid) -> Result<bool, AppError> {
    let done = sqlx::query!(
        r#"update patient_data_keys set wrapped_key = null, destroyed_at = now()
           where patient_id = $1 and wrapped_key is not null"#,
        patient_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_by_master_key(pool: &PgPool) -> Result<Vec<(String, i64)>, AppError> {
    let rows = sqlx::query!(
        r#"select master_key_id, count(*) as "n!" from patient_data_keys where wrapped_key is not null
           group by master_key_id order by master_key_id"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.master_key_id, r.n)).collect())
}
