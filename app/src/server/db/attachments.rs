//! Note attachments as stored: sealed name and bytes, with the note's list kept beside them.

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

pub struct NewFile<'a> {
    pub file_id: Uuid,
    pub record_id: Uuid,
    pub patient_id: Uuid,
    pub name_sealed: &'a [u8],
    pub content_type: &'a str,
    pub size_bytes: i32,
    pub sha256: &'a str,
    pub data_sealed: &'a [u8],
    pub created_by: Uuid,
}

pub async fn insert(conn: &mut PgConnection, file: NewFile<'_>) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into medical_record_files
               (file_id, record_id, patient_id, name_sealed, content_type, size_bytes, sha256, data_sealed, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        file.file_id,
        file.record_id,
        file.patient_id,
        file.name_sealed,
        file.content_type,
        file.size_bytes,
        file.sha256,
        file.data_sealed,
        file.created_by,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn count_for_note(conn: &mut PgConnection, record_id: Uuid) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(r#"select count(*) as "n!" from medical_record_files where record_id = $1"#, record_id)
        .fetch_one(conn)
        .await?)
}

/// Rewrites the note's `attached_files_json` from its files (id, sealed name in hex, type,
/// size, SHA-256), in upload order.
pub async fn refresh_note_list(conn: &mut PgConnection, record_id: Uuid) -> Result<(), AppError> {
    sqlx::query!(
        r#"update medical_records r set attached_files_json = coalesce((
               select jsonb_agg(jsonb_build_object(
                          'id', f.file_id, 'name_sealed', encode(f.name_sealed, 'hex'), 'type', f.content_type,
                          'size', f.size_bytes, 'sha256', f.sha256) order by f.created_at, f.file_id)
               from medical_record_files f where f.record_id = r.record_id), '[]'::jsonb)
           where r.record_id = $1"#,
        record_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, file_id: Uuid) -> Result<(), AppError> {
    sqlx::query!("delete from medical_record_files where file_id = $1", file_id).execute(conn).await?;
    Ok(())
}

/// A file without its bytes.
pub struct FileRow {
    pub file_id: Uuid,
    pub record_id: Uuid,
    pub patient_id: Uuid,
    pub name_sealed: Vec<u8>,
    pub content_type: String,
    pub size_bytes: i32,
    pub sha256: String,
    pub record_date: NaiveDate,
}

pub async fn for_note(conn: &mut PgConnection, record_id: Uuid) -> Result<Vec<FileRow>, AppError> {
    Ok(sqlx::query_as!(
        FileRow,
        r#"select f.file_id, f.record_id, f.patient_id, f.name_sealed, f.content_type, f.size_bytes, f.sha256,
                  r.record_date
           from medical_record_files f join medical_records r on r.record_id = f.record_id
           where f.record_id = $1 order by f.created_at, f.file_id"#,
        record_id
    )
    .fetch_all(conn)
    .await?)
}

/// The files of a patient's notes that a reader may see (see `db::notes::list`'s filter: staff
/// see signed and in-error notes and their own drafts), newest first.
pub async fn for_patient(
    conn: &mut PgConnection,
    patient_id: Uuid,
    author: Uuid,
    limit: i64,
) -> Result<Vec<FileRow>, AppError> {
    Ok(sqlx::query_as!(
        FileRow,
        r#"select f.file_id, f.record_id, f.patient_id, f.name_sealed, f.content_type, f.size_bytes, f.sha256,
                  r.record_date
           from medical_record_files f join medical_records r on r.record_id = f.record_id
           where f.patient_id = $1 and (r.status <> 'Draft' or r.created_by = $2)
           order by r.record_date desc, f.created_at desc
           limit $3"#,
        patient_id,
        author,
        limit
    )
    .fetch_all(conn)
    .await?)
}

/// The note a file belongs to, and its sealed bytes (for a download).
pub async fn find_with_data(conn: &mut PgConnection, file_id: Uuid) -> Result<Option<(FileRow, Vec<u8>)>, AppError> {
    let row = sqlx::query!(
        r#"select f.file_id, f.record_id, f.patient_id, f.name_sealed, f.content_type, f.size_bytes, f.sha256,
                  r.record_date, f.data_sealed
           from medical_record_files f join medical_records r on r.record_id = f.record_id
           where f.file_id = $1"#,
        file_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        (
            FileRow {
                file_id: r.file_id,
                record_id: r.record_id,
                patient_id: r.patient_id,
                name_sealed: r.name_sealed,
                content_type: r.content_type,
                size_bytes: r.size_bytes,
                sha256: r.sha256,
                record_date: r.record_date,
            },
            r.data_sealed,
        )
    }))
}

pub async fn record_of(conn: &mut PgConnection, file_id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar!("select record_id from medical_record_files where file_id = $1", file_id)
        .fetch_optional(conn)
        .await?)
}
