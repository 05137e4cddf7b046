//! Clinical notes: drafts saved with optimistic concurrency, signing with a SHA-256 of the
//! canonical content, amendments, "entered in error", withholding from the patient, and the read
//! views. Every field is sealed with the patient's data key before it reaches the database, and
//! every read writes a READ audit row in the same transaction.
//!
//! Who may do what: only specialists write, on patients whose clinical data they may see (their
//! care team, or break-the-glass); a draft is its author's alone; admins and the care team read
//! signed notes; the patient (and family with the clinical grant) reads signed notes that were
//! not withheld, never drafts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::notes::*;
use crate::model::users::MAX_PAGE;
use crate::server::audit::{self, begin_as, AuditEvent};
use crate::server::crypto::{DataKey, MasterKeys};
use crate::server::db::notes::{self as db, NoteFilter, NoteRow, SealedContent};
use crate::server::policy::{authorize_patient, PatientData};
use crate::server::services::attachments;
use crate::server::services::markdown;
use crate::server::services::patient_vault;
use crate::server::services::zones::when_label;
use crate::server::state::AppState;

const DIAGNOSIS: &str = "medical_records.diagnosis";
const TREATMENT: &str = "medical_records.treatment";
const BODY: &str = "medical_records.body";
const WITHHELD_REASON: &str = "medical_records.withheld_reason";
const ERROR_REASON: &str = "medical_records.error_reason";
const AMENDMENT_REASON: &str = "medical_record_amendments.reason";
const AMENDMENT_BODY: &str = "medical_record_amendments.body";

/// What signing hashes: the note's identity and content, its attachments by their SHA-256, in
/// a fixed field order.
#[derive(Serialize)]
struct CanonicalNote<'a> {
    record_id: Uuid,
    patient_id: Uuid,
    record_date: NaiveDate,
    diagnosis: &'a str,
    treatment: &'a str,
    body: &'a str,
    attachments: &'a [String],
}

#[derive(Serialize)]
struct CanonicalAmendment<'a> {
    record_id: Uuid,
    reason: &'a str,
    body: &'a str,
}

fn sha256_hex(value: &impl Serialize) -> Result<String, AppError> {
    let bytes = serde_json::to_vec(value).map_err(AppError::internal)?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

fn note_hash(
    record_id: Uuid,
    patient_id: Uuid,
    content: &NoteContent,
    attachments: &serde_json::Value,
) -> Result<String, AppError> {
    sha256_hex(&CanonicalNote {
        record_id,
        patient_id,
        record_date: content.record_date,
        diagnosis: &content.diagnosis,
        treatment: &content.treatment,
        body: &content.body,
        attachments: &attachment_hashes(attachments),
    })
}

/// The SHA-256 of each attachment, in the note's order (`attached_files_json`).
fn attachment_hashes(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .map(|files| files.iter().filter_map(|f| f.get("sha256")?.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The content, checked against the bounds; trimmed where spaces mean nothing.
fn valid_content(content: NoteContent) -> Result<NoteContent, AppError> {
    let mut errors = Vec::new();
    for (field, text) in [("diagnosis", &content.diagnosis), ("treatment", &content.treatment)] {
        if text.chars().count() > NOTE_FIELD_MAX_CHARS {
            errors.push(crate::error::FieldError::new(
                field,
                format!("Keep this under {NOTE_FIELD_MAX_CHARS} characters; the note body has room for more."),
            ));
        }
    }
    if content.body.len() > NOTE_BODY_MAX_BYTES {
        errors.push(crate::error::FieldError::new(
            "body",
            format!("The note is longer than {} KB; split it into two notes.", NOTE_BODY_MAX_BYTES / 1000),
        ));
    }
    let today = Utc::now().date_naive();
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
    if content.record_date < earliest || content.record_date > today + chrono::Duration::days(1) {
        errors.push(crate::error::FieldError::new("record_date", "Choose the date of the visit, not a future one."));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(NoteContent {
        record_date: content.record_date,
        diagnosis: content.diagnosis.trim().to_string(),
        treatment: content.treatment.trim().to_string(),
        body: content.body,
    })
}

/// A reason (amendment, entered in error, withholding), trimmed and bounded.
fn valid_reason(reason: &str) -> Result<&str, AppError> {
    let reason = reason.trim();
    let length = reason.chars().count();
    if length < REASON_MIN_CHARS {
        return Err(AppError::invalid("reason", format!("Give a reason (at least {REASON_MIN_CHARS} characters).")));
    }
    if length > REASON_MAX_CHARS {
        return Err(AppError::invalid("reason", format!("Keep the reason under {REASON_MAX_CHARS} characters.")));
    }
    Ok(reason)
}

fn seal_optional(key: &DataKey, field: &str, text: &str) -> Result<Option<Vec<u8>>, AppError> {
    if text.is_empty() {
        Ok(None)
    } else {
        key.seal(field, text).map(Some)
    }
}

fn seal_content(key: &DataKey, content: &NoteContent) -> Result<SealedContent, AppError> {
    Ok(SealedContent {
        diagnosis: seal_optional(key, DIAGNOSIS, &content.diagnosis)?,
        treatment: seal_optional(key, TREATMENT, &content.treatment)?,
        body: seal_optional(key, BODY, &content.body)?,
    })
}

fn open_optional(key: &DataKey, field: &str, sealed: Option<&[u8]>) -> Result<String, AppError> {
    sealed.map(|bytes| key.open(field, bytes)).transpose().map(Option::unwrap_or_default)
}

fn open_content(key: &DataKey, row: &NoteRow) -> Result<NoteContent, AppError> {
    Ok(NoteContent {
        record_date: row.record_date,
        diagnosis: open_optional(key, DIAGNOSIS, row.diagnosis_sealed.as_deref())?,
        treatment: open_optional(key, TREATMENT, row.treatment_sealed.as_deref())?,
        body: open_optional(key, BODY, row.body_sealed.as_deref())?,
    })
}

/// The calling specialist's id, when they may write notes for this patient.
async fn writer(
    conn: &mut PgConnection,
    state: &AppState,
    user: &CurrentUser,
    patient_id: Uuid,
) -> Result<Uuid, AppError> {
    if user.role != Role::Specialist {
        return Err(AppError::NotFound);
    }
    authorize_patient(&state.pool, user, patient_id, PatientData::Clinical).await?;
    db::specialist_of(conn, user.user_id).await?.ok_or(AppError::NotFound)
}

async fn clinic_zone(conn: &mut PgConnection) -> Result<String, AppError> {
    Ok(sqlx::query_scalar!("select time_zone from clinic_settings").fetch_one(conn).await?)
}

fn local_label(at: DateTime<Utc>, zone_name: &str, format: &str) -> String {
    let zone: chrono_tz::Tz = zone_name.parse().unwrap_or(chrono_tz::UTC);
    at.with_timezone(&zone).format(format).to_string()
}

fn appointment_label(row: &NoteRow) -> Option<String> {
    match (row.appointment_start, row.appointment_end, &row.appointment_zone, &row.appointment_type) {
        (Some(start), Some(end), Some(zone), Some(kind)) => Some(format!("{} · {kind}", when_label(start, end, zone))),
        _ => None,
    }
}

fn template_label(row: &NoteRow) -> Option<String> {
    match (&row.template_name, row.template_version) {
        (Some(name), Some(version)) => Some(format!("{name}, version {version}")),
        _ => None,
    }
}

fn status_of(row: &NoteRow) -> Result<NoteStatus, AppError> {
    NoteStatus::parse(&row.status).ok_or_else(|| AppError::internal(format!("unknown note status {}", row.status)))
}

/// Starts a draft for the patient (or the appointment's patient), linked to the appointment
/// when given, from a template when given. An existing draft of the caller for the same
/// appointment is reopened instead of starting a second one.
pub async fn start(
    state: &AppState,
    user: &CurrentUser,
    patient_id: Option<Uuid>,
    appointment_id: Option<Uuid>,
    template_id: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let patient_id = match (patient_id, appointment_id) {
        (Some(patient_id), _) => patient_id,
        (None, Some(appointment_id)) => {
            db::appointment_patient(&mut tx, appointment_id).await?.ok_or(AppError::NotFound)?
        }
        (None, None) => return Err(AppError::invalid("patient_id", "Choose the patient.")),
    };
    let specialist_id = writer(&mut tx, state, user, patient_id).await?;
    let zone = clinic_zone(&mut tx).await?;
    let record_date = match appointment_id {
        Some(appointment_id) => {
            if let Some(existing) = db::open_draft_for_appointment(&mut tx, appointment_id, user.user_id).await? {
                return Ok(existing);
            }
            db::appointment_for_note(&mut tx, appointment_id, patient_id, specialist_id).await?.ok_or_else(|| {
                AppError::invalid("appointment_id", "That appointment is not one of yours with this patient.")
            })?
        }
        None => local_label(Utc::now(), &zone, "%Y-%m-%d").parse().unwrap_or_else(|_| Utc::now().date_naive()),
    };
    let (body, template) = match template_id {
        Some(template_id) => {
            let filled =
                crate::server::services::templates::filled_for(&mut tx, user, template_id, patient_id, appointment_id)
                    .await?;
            (filled.content, Some((template_id, filled.version)))
        }
        None => (String::new(), None),
    };
    let key = patient_vault::data_key(&mut tx, &state.keys, patient_id).await?;
    let content = NoteContent { record_date, body, ..NoteContent::default() };
    let sealed = seal_content(&key, &content)?;
    let record_id = Uuid::new_v4();
    db::insert(
        &mut tx,
        record_id,
        db::NewNote {
            patient_id,
            specialist_id,
            appointment_id,
            record_date,
            template,
            created_by: user.user_id,
            sealed: &sealed,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(record_id)
}

/// The row of a draft the caller wrote, or NotFound for anything else.
async fn own_draft(
    conn: &mut PgConnection,
    user: &CurrentUser,
    record_id: Uuid,
    lock: bool,
) -> Result<NoteRow, AppError> {
    let row = db::find(conn, record_id, lock).await?.ok_or(AppError::NotFound)?;
    if user.role != Role::Specialist || row.created_by != Some(user.user_id) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// A draft for its author to edit. A note that is no longer a draft is a conflict (it was
/// signed elsewhere): the page then shows the note instead.
pub async fn draft(state: &AppState, user: &CurrentUser, record_id: Uuid) -> Result<NoteDraft, AppError> {
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let row = own_draft(&mut tx, user, record_id, false).await?;
    authorize_patient(&state.pool, user, row.patient_id, PatientData::Clinical).await?;
    if status_of(&row)? != NoteStatus::Draft {
        return Err(AppError::Conflict("This note is no longer a draft.".into()));
    }
    let key = patient_vault::data_key(&mut tx, &state.keys, row.patient_id).await?;
    let content = open_content(&key, &row)?;
    let zone = clinic_zone(&mut tx).await?;
    let attachments = attachments::of_note(&mut tx, Some(&key), record_id).await?;
    read_audit(&mut tx, user, &row, "note").await?;
    tx.commit().await?;
    Ok(NoteDraft {
        record_id,
        patient_id: row.patient_id,
        patient_name: row.patient_name.clone(),
        revision: row.revision,
        appointment: appointment_label(&row),
        template: template_label(&row),
        saved_at: local_label(row.updated_at, &zone, "%H:%M"),
        content,
        attachments,
    })
}

/// Saves the draft if nobody saved it since `revision`; otherwise answers with their version.
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    record_id: Uuid,
    revision: i32,
    content: NoteContent,
) -> Result<SaveOutcome, AppError> {
    let content = valid_content(content)?;
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let row = own_draft(&mut tx, user, record_id, true).await?;
    authorize_patient(&state.pool, user, row.patient_id, PatientData::Clinical).await?;
    if status_of(&row)? != NoteStatus::Draft {
        return Err(AppError::Conflict("This note was signed in the meantime; it can only be amended now.".into()));
    }
    let key = patient_vault::data_key(&mut tx, &state.keys, row.patient_id).await?;
    let zone = clinic_zone(&mut tx).await?;
    if row.revision != revision {
        let theirs = open_content(&key, &row)?;
        tx.commit().await?;
        return Ok(SaveOutcome::Conflict {
            revision: row.revision,
            theirs,
            saved_at: local_label(row.updated_at, &zone, "%H:%M"),
        });
    }
    let sealed = seal_content(&key, &content)?;
    let saved = db::save_draft(&mut tx, record_id, revision, content.record_date, &sealed)
        .await?
        .ok_or_else(|| AppError::Conflict("This draft changed elsewhere; reload it.".into()))?;
    tx.commit().await?;
    Ok(SaveOutcome::Saved { revision: saved, saved_at: local_label(Utc::now(), &zone, "%H:%M") })
}

/// Signs the draft as it is at `revision`: the content can never change afterwards (the
/// database refuses), only be amended.
pub async fn sign(state: &AppState, user: &CurrentUser, record_id: Uuid, revision: i32) -> Result<(), AppError> {
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let row = own_draft(&mut tx, user, record_id, true).await?;
    authorize_patient(&state.pool, user, row.patient_id, PatientData::Clinical).await?;
    if status_of(&row)? != NoteStatus::Draft {
        return Err(AppError::Conflict("This note is already signed.".into()));
    }
    if row.revision != revision {
        return Err(AppError::Conflict(
            "This draft changed elsewhere since you last saved; check it before signing.".into(),
        ));
    }
    let key = patient_vault::data_key(&mut tx, &state.keys, row.patient_id).await?;
    let content = open_content(&key, &row)?;
    if content.body.trim().is_empty() && content.diagnosis.is_empty() && content.treatment.is_empty() {
        return Err(AppError::invalid("body", "Write the note before signing it."));
    }
    let hash = note_hash(record_id, row.patient_id, &content, &row.attached_files_json)?;
    if !db::sign(&mut tx, record_id, revision, user.user_id, &hash).await? {
        return Err(AppError::Conflict("This draft changed elsewhere; reload it.".into()));
    }
    tx.commit().await?;
    Ok(())
}

/// Whether `user` (already allowed to see the patient's clinical data) may read this note.
pub(crate) fn may_read(user: &CurrentUser, row: &NoteRow) -> Result<bool, AppError> {
    let status = status_of(row)?;
    Ok(match user.role {
        Role::Admin | Role::Specialist => status != NoteStatus::Draft || row.created_by == Some(user.user_id),
        // Open notes: signed, not withheld; never a draft or a note on the wrong patient.
        Role::Patient | Role::FamilyMember => status == NoteStatus::Signed && row.withheld_reason_sealed.is_none(),
    })
}

async fn read_audit(conn: &mut PgConnection, user: &CurrentUser, row: &NoteRow, what: &str) -> Result<(), AppError> {
    audit::record(
        conn,
        AuditEvent {
            actor: Some(user.user_id),
            action: "READ",
            table_name: "patients",
            record_id: Some(row.patient_id),
            details: Some(serde_json::json!({ "what": what, "record_id": row.record_id, "role": user.role })),
            ip: crate::server::auth::client_ip(),
        },
    )
    .await
}

/// A note to read, rendered; audited as a READ of the patient's record.
pub async fn view(state: &AppState, user: &CurrentUser, record_id: Uuid) -> Result<NoteView, AppError> {
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let row = db::find(&mut tx, record_id, false).await?.ok_or(AppError::NotFound)?;
    authorize_patient(&state.pool, user, row.patient_id, PatientData::Clinical).await?;
    let status = status_of(&row)?;
    if !may_read(user, &row)? {
        return Err(AppError::NotFound);
    }
    let zone = clinic_zone(&mut tx).await?;
    let key = patient_vault::existing_key(&mut tx, &state.keys, row.patient_id).await?;
    let amendments = db::amendments(&mut tx, record_id).await?;
    let attachments = attachments::of_note(&mut tx, key.as_ref(), record_id).await?;
    read_audit(&mut tx, user, &row, "note").await?;
    tx.commit().await?;

    let is_author = user.role == Role::Specialist && row.created_by == Some(user.user_id);
    let is_staff = matches!(user.role, Role::Admin | Role::Specialist);
    let rights = NoteRights {
        edit: is_author && status == NoteStatus::Draft,
        amend: user.role == Role::Specialist && status == NoteStatus::Signed,
        mark_in_error: is_author && status != NoteStatus::EnteredInError,
        withhold: is_author && status == NoteStatus::Signed,
    };
    let signed = match (&row.signed_by_name, row.signed_at) {
        (Some(name), Some(at)) => {
            Some(format!("Signed by {name} on {} ({zone})", local_label(at, &zone, "%-d %b %Y, %H:%M")))
        }
        _ => None,
    };
    let base = NoteView {
        record_id,
        patient_id: row.patient_id,
        patient_name: row.patient_name.clone(),
        specialist: row.specialist_name.clone(),
        status,
        record_date: row.record_date,
        diagnosis: String::new(),
        treatment: String::new(),
        body_html: String::new(),
        appointment: appointment_label(&row),
        template: template_label(&row),
        signed,
        hash_matches: None,
        withheld_reason: None,
        error: None,
        amendments: Vec::new(),
        attachments,
        rights,
        erased: false,
    };
    // The patient's key was destroyed: the note exists, its content no longer does.
    let Some(key) = key else { return Ok(NoteView { erased: true, rights: NoteRights::default(), ..base }) };
    let content = open_content(&key, &row)?;
    let hash_matches = match &row.content_sha256 {
        Some(stored) => Some(note_hash(record_id, row.patient_id, &content, &row.attached_files_json)? == *stored),
        None => None,
    };
    let withheld_reason = match (is_staff, row.withheld_reason_sealed.as_deref()) {
        (true, Some(sealed)) => Some(key.open(WITHHELD_REASON, sealed)?),
        _ => None,
    };
    let error = match (row.error_reason_sealed.as_deref(), row.error_at) {
        (Some(sealed), Some(at)) => Some(format!(
            "{} (marked by {} on {})",
            key.open(ERROR_REASON, sealed)?,
            row.error_by_name.as_deref().unwrap_or("a former user"),
            local_label(at, &zone, "%-d %b %Y, %H:%M")
        )),
        _ => None,
    };
    let amendments = amendments
        .into_iter()
        .map(|amendment| {
            let reason = key.open(AMENDMENT_REASON, &amendment.reason_sealed)?;
            let body = key.open(AMENDMENT_BODY, &amendment.body_sealed)?;
            let hash = sha256_hex(&CanonicalAmendment { record_id, reason: &reason, body: &body })?;
            Ok(AmendmentView {
                amendment_id: amendment.amendment_id,
                author: amendment.author.unwrap_or_else(|| "A former user".into()),
                when: format!("{} ({zone})", local_label(amendment.created_at, &zone, "%-d %b %Y, %H:%M")),
                body_html: markdown::render(&body),
                hash_matches: hash == amendment.content_sha256,
                reason,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(NoteView {
        diagnosis: content.diagnosis,
        treatment: content.treatment,
        body_html: markdown::render(&content.body),
        hash_matches,
        withheld_reason,
        error,
        amendments,
        ..base
    })
}

/// Loads a note for a change by a specialist allowed to see the patient's clinical data.
async fn note_for_change(
    conn: &mut PgConnection,
    state: &AppState,
    user: &CurrentUser,
    record_id: Uuid,
) -> Result<(NoteRow, NoteStatus), AppError> {
    let row = db::find(conn, record_id, true).await?.ok_or(AppError::NotFound)?;
    writer(conn, state, user, row.patient_id).await?;
    let status = status_of(&row)?;
    if status == NoteStatus::Draft && row.created_by != Some(user.user_id) {
        return Err(AppError::NotFound);
    }
    Ok((row, status))
}

/// Adds an amendment (its own content, reason and hash) under a signed note.
pub async fn amend(
    state: &AppState,
    user: &CurrentUser,
    record_id: Uuid,
    reason: &str,
    body: &str,
) -> Result<(), AppError> {
    let reason = valid_reason(reason)?;
    if body.trim().is_empty() {
        return Err(AppError::invalid("body", "Write the correction."));
    }
    if body.len() > NOTE_BODY_MAX_BYTES {
        return Err(AppError::invalid("body", "The amendment is too long."));
    }
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let (row, status) = note_for_change(&mut tx, state, user, record_id).await?;
    if status != NoteStatus::Signed {
        return Err(AppError::Conflict("Only a signed note can be amended; a draft can still be edited.".into()));
    }
    let key = patient_vault::data_key(&mut tx, &state.keys, row.patient_id).await?;
    let hash = sha256_hex(&CanonicalAmendment { record_id, reason, body })?;
    db::insert_amendment(
        &mut tx,
        db::NewAmendment {
            record_id,
            patient_id: row.patient_id,
            author_id: user.user_id,
            reason_sealed: &key.seal(AMENDMENT_REASON, reason)?,
            body_sealed: &key.seal(AMENDMENT_BODY, body)?,
            content_sha256: &hash,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks the note "entered in error" (kept, struck through, never deleted). Its author only.
pub async fn mark_in_error(
    state: &AppState,
    user: &CurrentUser,
    record_id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    let reason = valid_reason(reason)?;
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let (row, status) = note_for_change(&mut tx, state, user, record_id).await?;
    if row.created_by != Some(user.user_id) {
        return Err(AppError::NotFound);
    }
    if status == NoteStatus::EnteredInError {
        return Err(AppError::Conflict("This note is already marked as entered in error.".into()));
    }
    let key = patient_vault::data_key(&mut tx, &state.keys, row.patient_id).await?;
    db::mark_in_error(&mut tx, record_id, user.user_id, &key.seal(ERROR_REASON, reason)?).await?;
    tx.commit().await?;
    Ok(())
}

/// Withholds a signed note from the patient with a reason, or (`reason` empty) shows it again.
pub async fn withhold(
    state: &AppState,
    user: &CurrentUser,
    record_id: Uuid,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let reason = reason.map(valid_reason).transpose()?;
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let (row, status) = note_for_change(&mut tx, state, user, record_id).await?;
    if row.created_by != Some(user.user_id) || status != NoteStatus::Signed {
        return Err(AppError::NotFound);
    }
    let key = patient_vault::data_key(&mut tx, &state.keys, row.patient_id).await?;
    let sealed = reason.map(|reason| key.seal(WITHHELD_REASON, reason)).transpose()?;
    db::set_withheld(&mut tx, record_id, user.user_id, sealed.as_deref()).await?;
    tx.commit().await?;
    Ok(())
}

/// A page of the patient's notes for the caller (already authorized for the patient's clinical
/// data): staff see signed and in-error notes and their own drafts; the patient and family the
/// open notes. Signed notes say whether they still match their hash.
pub async fn list(
    conn: &mut PgConnection,
    state: &AppState,
    user: &CurrentUser,
    patient_id: Uuid,
    patient_name: String,
    page: i64,
) -> Result<NotePage, AppError> {
    let page = page.clamp(1, MAX_PAGE);
    let filter = match user.role {
        Role::Admin | Role::Specialist => NoteFilter::Staff { author: user.user_id },
        Role::Patient | Role::FamilyMember => NoteFilter::OpenNotes,
    };
    let rows = db::list(conn, patient_id, filter, page, NOTES_PAGE_SIZE).await?;
    let key = patient_vault::existing_key(conn, &state.keys, patient_id).await?;
    let total = rows.first().map_or(0, |row| row.total);
    let notes = rows
        .into_iter()
        .map(|row| {
            let status = NoteStatus::parse(&row.status).unwrap_or(NoteStatus::Draft);
            let (diagnosis, hash_matches) = match &key {
                Some(key) => {
                    let content = NoteContent {
                        record_date: row.record_date,
                        diagnosis: open_optional(key, DIAGNOSIS, row.diagnosis_sealed.as_deref())?,
                        treatment: open_optional(key, TREATMENT, row.treatment_sealed.as_deref())?,
                        body: open_optional(key, BODY, row.body_sealed.as_deref())?,
                    };
                    let matches = match &row.content_sha256 {
                        Some(stored) => {
                            Some(note_hash(row.record_id, patient_id, &content, &row.attached_files_json)? == *stored)
                        }
                        None => None,
                    };
                    (content.diagnosis, matches)
                }
                None => ("Erased after the retention period".to_string(), None),
            };
            Ok(NoteListItem {
                record_id: row.record_id,
                record_date: row.record_date,
                specialist: row.specialist,
                status,
                diagnosis,
                amendments: row.amendments,
                hash_matches,
                withheld: row.withheld,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let can_write = user.role == Role::Specialist;
    Ok(NotePage { patient_id, patient_name, notes, page, total, can_write })
}

/// A page of the patient's notes for a caller allowed to see their clinical data (which notes,
/// `list` decides by role: open notes for the patient and family); audited as a READ.
pub async fn page_of_notes(
    state: &AppState,
    user: &CurrentUser,
    patient_id: Uuid,
    page: i64,
) -> Result<NotePage, AppError> {
    authorize_patient(&state.pool, user, patient_id, PatientData::Clinical).await?;
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let patient = crate::server::db::patients::find(&mut tx, patient_id).await?.ok_or(AppError::NotFound)?;
    let notes = list(&mut tx, state, user, patient_id, patient.name, page).await?;
    list_audit(&mut tx, user, patient_id).await?;
    tx.commit().await?;
    Ok(notes)
}

/// A note written by trusted code (the demo seed, benchmarks), never from a request: sealed
/// and hashed exactly as the app does, signed when `signed`, with its amendments.
pub struct ImportedNote<'a> {
    pub patient_id: Uuid,
    pub specialist_id: Uuid,
    pub author: Uuid,
    pub appointment_id: Option<Uuid>,
    pub content: NoteContent,
    pub signed: bool,
    pub amendments: &'a [(&'a str, &'a str)],
    /// Attached before signing: (name, bytes).
    pub files: &'a [(&'a str, &'a [u8])],
}

pub async fn import(conn: &mut PgConnection, keys: &MasterKeys, note: ImportedNote<'_>) -> Result<Uuid, AppError> {
    let key = patient_vault::data_key(conn, keys, note.patient_id).await?;
    let record_id = Uuid::new_v4();
    let sealed = seal_content(&key, &note.content)?;
    db::insert(
        conn,
        record_id,
        db::NewNote {
            patient_id: note.patient_id,
            specialist_id: note.specialist_id,
            appointment_id: note.appointment_id,
            record_date: note.content.record_date,
            template: None,
            created_by: note.author,
            sealed: &sealed,
        },
    )
    .await?;
    for (name, bytes) in note.files {
        attachments::import(conn, keys, record_id, note.author, name, bytes).await?;
    }
    if note.signed {
        let listed = db::find(conn, record_id, false).await?.ok_or(AppError::NotFound)?.attached_files_json;
        let hash = note_hash(record_id, note.patient_id, &note.content, &listed)?;
        db::sign(conn, record_id, 1, note.author, &hash).await?;
        for (reason, body) in note.amendments {
            let hash = sha256_hex(&CanonicalAmendment { record_id, reason, body })?;
            db::insert_amendment(
                conn,
                db::NewAmendment {
                    record_id,
                    patient_id: note.patient_id,
                    author_id: note.author,
                    reason_sealed: &key.seal(AMENDMENT_REASON, reason)?,
                    body_sealed: &key.seal(AMENDMENT_BODY, body)?,
                    content_sha256: &hash,
                },
            )
            .await?;
        }
    }
    Ok(record_id)
}

async fn list_audit(conn: &mut PgConnection, user: &CurrentUser, patient_id: Uuid) -> Result<(), AppError> {
    audit::record(
        conn,
        AuditEvent {
            actor: Some(user.user_id),
            action: "READ",
            table_name: "patients",
            record_id: Some(patient_id),
            details: Some(serde_json::json!({ "what": "notes", "role": user.role })),
            ip: crate::server::auth::client_ip(),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(body: &str) -> NoteContent {
        NoteContent {
            record_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
            diagnosis: "Tension headache".into(),
            treatment: "Acupuncture".into(),
            body: body.into(),
        }
    }

    #[test]
    fn the_hash_covers_every_part_of_the_content_and_the_note_identity() {
        let (record, patient) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let files = serde_json::json!([{ "sha256": "ab" }]);
        let base = note_hash(record, patient, &content("Plan"), &files).unwrap_or_default();
        assert_eq!(base.len(), 64);
        assert_eq!(base, note_hash(record, patient, &content("Plan"), &files).unwrap_or_default());
        assert_ne!(base, note_hash(record, patient, &content("Plan."), &files).unwrap_or_default());
        assert_ne!(base, note_hash(Uuid::from_u128(3), patient, &content("Plan"), &files).unwrap_or_default());
        assert_ne!(base, note_hash(record, Uuid::from_u128(3), &content("Plan"), &files).unwrap_or_default());
        let mut other = content("Plan");
        other.diagnosis = "Migraine".into();
        assert_ne!(base, note_hash(record, patient, &other, &files).unwrap_or_default());
        let other_files = serde_json::json!([{ "sha256": "cd" }]);
        assert_ne!(base, note_hash(record, patient, &content("Plan"), &other_files).unwrap_or_default());
    }

    #[test]
    fn content_bounds_are_checked() {
        assert!(valid_content(content(&"x".repeat(200_000))).is_ok());
        let error = valid_content(content(&"x".repeat(NOTE_BODY_MAX_BYTES + 1))).unwrap_err();
        assert!(error.field_message("body").is_some());
        let mut future = content("x");
        future.record_date = Utc::now().date_naive() + chrono::Duration::days(5);
        assert!(valid_content(future).unwrap_err().field_message("record_date").is_some());
        assert!(valid_reason("  ").is_err());
        assert!(valid_reason(&"x".repeat(REASON_MAX_CHARS + 1)).is_err());
        assert_eq!(valid_reason("  wrong dose ").ok(), Some("wrong dose"));
    }
}
