//! Attachments of notes: PDFs and images up to 20 MB. The type is read from the content (never
//! the name or the browser's word); name and bytes are sealed with the patient's data key; the
//! note's list holds each file's SHA-256, so a signature covers them. A draft's files can be
//! removed by its author; a signed note's never (the database refuses too). Every download is a
//! READ in the audit trail.

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::notes::{
    AttachmentView, NoteStatus, PatientFiles, ATTACHMENTS_PER_NOTE, ATTACHMENT_MAX_BYTES, ATTACHMENT_NAME_MAX_CHARS,
    CHART_FILES_SHOWN,
};
use crate::server::audit::{self, begin_as, AuditEvent};
use crate::server::crypto::DataKey;
use crate::server::db::attachments::{self as db, FileRow};
use crate::server::db::notes as notes_db;
use crate::server::policy::{authorize_patient, PatientData};
use crate::server::services::notes::may_read;
use crate::server::services::patient_vault;
use crate::server::state::AppState;

const FILE_NAME: &str = "medical_record_files.name";
const FILE_DATA: &str = "medical_record_files.data";

/// The accepted types, told by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes)?.mime_type() {
        "application/pdf" => Some("application/pdf"),
        "image/jpeg" => Some("image/jpeg"),
        "image/png" => Some("image/png"),
        "image/webp" => Some("image/webp"),
        _ => None,
    }
}

/// The name as shown and offered for saving: no folders, no control characters, bounded.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
        .take(ATTACHMENT_NAME_MAX_CHARS)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "attachment".to_string()
    } else {
        cleaned
    }
}

fn view(key: &DataKey, row: FileRow) -> Result<AttachmentView, AppError> {
    Ok(AttachmentView {
        file_id: row.file_id,
        record_id: row.record_id,
        name: key.open(FILE_NAME, &row.name_sealed)?,
        content_type: row.content_type,
        size_bytes: row.size_bytes,
        record_date: row.record_date,
    })
}

/// The attachments of one note, names opened (empty when the patient's data was erased).
pub async fn of_note(
    conn: &mut PgConnection,
    key: Option<&DataKey>,
    record_id: Uuid,
) -> Result<Vec<AttachmentView>, AppError> {
    let Some(key) = key else { return Ok(Vec::new()) };
    db::for_note(conn, record_id).await?.into_iter().map(|row| view(key, row)).collect()
}

/// Attaches a file to the caller's draft. Refused with a message, storing nothing, when it is
/// empty, too big, of another type, or one too many.
pub async fn upload(
    state: &AppState,
    user: &CurrentUser,
    record_id: Uuid,
    name: &str,
    bytes: &[u8],
    ip: Option<IpAddr>,
) -> Result<AttachmentView, AppError> {
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "The file is empty."));
    }
    if bytes.len() > ATTACHMENT_MAX_BYTES {
        return Err(AppError::invalid("file", "The file is larger than 20 MB."));
    }
    let content_type = sniff(bytes)
        .ok_or_else(|| AppError::invalid("file", "Only PDF documents and JPEG, PNG or WebP images can be attached."))?;
    let name = clean_file_name(name);
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let note = own_draft(&mut tx, state, user, record_id).await?;
    if db::count_for_note(&mut tx, record_id).await? >= ATTACHMENTS_PER_NOTE {
        return Err(AppError::invalid("file", format!("A note holds at most {ATTACHMENTS_PER_NOTE} files.")));
    }
    let key = patient_vault::data_key(&mut tx, &state.keys, note.patient_id).await?;
    let attachment = attach(&mut tx, &key, &note, user.user_id, &name, content_type, bytes).await?;
    tx.commit().await?;
    tracing::info!(%record_id, file_id = %attachment.file_id, size = bytes.len(), content_type, ?ip, "attachment stored");
    Ok(attachment)
}

/// Seals and stores a checked file on a draft, and lists it on the note.
async fn attach(
    conn: &mut PgConnection,
    key: &DataKey,
    note: &notes_db::NoteRow,
    author: Uuid,
    name: &str,
    content_type: &'static str,
    bytes: &[u8],
) -> Result<AttachmentView, AppError> {
    let file_id = Uuid::new_v4();
    let sha256 = hex::encode(Sha256::digest(bytes));
    let size_bytes = i32::try_from(bytes.len()).map_err(AppError::internal)?;
    db::insert(
        conn,
        db::NewFile {
            file_id,
            record_id: note.record_id,
            patient_id: note.patient_id,
            name_sealed: &key.seal(FILE_NAME, name)?,
            content_type,
            size_bytes,
            sha256: &sha256,
            data_sealed: &key.seal_bytes(FILE_DATA, bytes)?,
            created_by: author,
        },
    )
    .await?;
    db::refresh_note_list(conn, note.record_id).await?;
    Ok(AttachmentView {
        file_id,
        record_id: note.record_id,
        name: name.to_string(),
        content_type: content_type.into(),
        size_bytes,
        record_date: note.record_date,
    })
}

/// Attaches a file to a draft for trusted code (the demo seed), with the same checks.
pub async fn import(
    conn: &mut PgConnection,
    keys: &crate::server::crypto::MasterKeys,
    record_id: Uuid,
    author: Uuid,
    name: &str,
    bytes: &[u8],
) -> Result<(), AppError> {
    let content_type = sniff(bytes).ok_or_else(|| AppError::invalid("file", "not a PDF or an image"))?;
    let note = notes_db::find(conn, record_id, true).await?.ok_or(AppError::NotFound)?;
    let key = patient_vault::data_key(conn, keys, note.patient_id).await?;
    attach(conn, &key, &note, author, &clean_file_name(name), content_type, bytes).await?;
    Ok(())
}

/// The caller's own draft (locked for the change), or NotFound.
async fn own_draft(
    conn: &mut PgConnection,
    state: &AppState,
    user: &CurrentUser,
    record_id: Uuid,
) -> Result<notes_db::NoteRow, AppError> {
    let note = notes_db::find(conn, record_id, true).await?.ok_or(AppError::NotFound)?;
    if user.role != Role::Specialist || note.created_by != Some(user.user_id) {
        return Err(AppError::NotFound);
    }
    authorize_patient(&state.pool, user, note.patient_id, PatientData::Clinical).await?;
    if note.status != NoteStatus::Draft.as_str() {
        return Err(AppError::Conflict("The note is signed: its files can no longer change.".into()));
    }
    Ok(note)
}

/// Removes a file from the caller's draft.
pub async fn remove(state: &AppState, user: &CurrentUser, file_id: Uuid) -> Result<(), AppError> {
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let record_id = db::record_of(&mut tx, file_id).await?.ok_or(AppError::NotFound)?;
    own_draft(&mut tx, state, user, record_id).await?;
    db::delete(&mut tx, file_id).await?;
    db::refresh_note_list(&mut tx, record_id).await?;
    tx.commit().await?;
    Ok(())
}

/// A file to send: its name, type and bytes.
pub struct Download {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A file for someone who may read its note; audited as a READ of the patient's record.
pub async fn download(
    state: &AppState,
    user: &CurrentUser,
    file_id: Uuid,
    ip: Option<IpAddr>,
) -> Result<Download, AppError> {
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let (row, sealed) = db::find_with_data(&mut tx, file_id).await?.ok_or(AppError::NotFound)?;
    let note = notes_db::find(&mut tx, row.record_id, false).await?.ok_or(AppError::NotFound)?;
    authorize_patient(&state.pool, user, note.patient_id, PatientData::Clinical).await?;
    if !may_read(user, &note)? {
        return Err(AppError::NotFound);
    }
    let key = patient_vault::existing_key(&mut tx, &state.keys, note.patient_id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor: Some(user.user_id),
            action: "READ",
            table_name: "patients",
            record_id: Some(note.patient_id),
            details: Some(serde_json::json!({
                "what": "attachment", "file_id": file_id, "record_id": row.record_id, "role": user.role
            })),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Download {
        name: key.open(FILE_NAME, &row.name_sealed)?,
        content_type: row.content_type,
        bytes: key.open_bytes(FILE_DATA, &sealed)?,
    })
}

/// The chart's Files view: the attachments of every note the caller may read, newest first.
/// Part of the chart (its opening is the audited READ).
pub async fn for_patient(
    conn: &mut PgConnection,
    state: &AppState,
    user: &CurrentUser,
    patient_id: Uuid,
) -> Result<PatientFiles, AppError> {
    let Some(key) = patient_vault::existing_key(conn, &state.keys, patient_id).await? else {
        return Ok(PatientFiles { files: Vec::new(), more: false });
    };
    let mut rows = db::for_patient(conn, patient_id, user.user_id, CHART_FILES_SHOWN + 1).await?;
    let more = rows.len() as i64 > CHART_FILES_SHOWN;
    rows.truncate(CHART_FILES_SHOWN as usize);
    let files = rows.into_iter().map(|row| view(&key, row)).collect::<Result<_, _>>()?;
    Ok(PatientFiles { files, more })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_told_by_content_not_name() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), None, "an executable named .pdf is refused");
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), None);
    }

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(clean_file_name("C:\\\\Users\\\\x\\\\scan.pdf"), "scan.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\r\nb\"c.pdf"), "abc.pdf");
        assert_eq!(clean_file_name("..."), "attachment");
        assert_eq!(clean_file_name(&"x".repeat(500)).chars().count(), ATTACHMENT_NAME_MAX_CHARS);
    }
}
