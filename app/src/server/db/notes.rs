//! Clinical notes (`medical_records`) and their amendments, as stored: sealed fields only. The
//! database refuses any change to a signed note's content (migration 10).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

/// The sealed content of a note (diagnosis, treatment, body).
pub struct SealedContent {
    pub diagnosis: Option<Vec<u8>>,
    pub treatment: Option<Vec<u8>>,
    pub body: Option<Vec<u8>>,
}

pub struct NoteRow {
    pub record_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub specialist_id: Uuid,
    pub specialist_user_id: Uuid,
    pub specialist_name: String,
    pub appointment_id: Option<Uuid>,
    pub appointment_start: Option<DateTime<Utc>>,
    pub appointment_end: Option<DateTime<Utc>>,
    pub appointment_type: Option<String>,
    pub appointment_zone: Option<String>,
    pub record_date: NaiveDate,
    pub status: String,
    pub revision: i32,
    pub diagnosis_sealed: Option<Vec<u8>>,
    pub treatment_sealed: Option<Vec<u8>>,
    pub body_sealed: Option<Vec<u8>>,
    pub template_name: Option<String>,
    pub template_version: Option<i32>,
    pub created_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
    pub signed_by_name: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
    pub content_sha256: Option<String>,
    pub withheld_reason_sealed: Option<Vec<u8>>,
    pub error_reason_sealed: Option<Vec<u8>>,
    pub error_by_name: Option<String>,
    pub error_at: Option<DateTime<Utc>>,
    pub attached_files_json: serde_json::Value,
}

/// One note with everything a reader or writer sees. `for update` locks the row for a save.
pub async fn find(conn: &mut PgConnection, record_id: Uuid, for_update: bool) -> Result<Option<NoteRow>, AppError> {
    if for_update {
        sqlx::query!("select record_id from medical_records where record_id = $1 for update", record_id)
            .fetch_optional(&mut *conn)
            .await?;
    }
    let row = sqlx::query_as!(
        NoteRow,
        r#"select r.record_id, r.patient_id, pu.first_name || ' ' || pu.last_name as "patient_name!",
                  r.specialist_id, s.user_id as specialist_user_id,
                  su.first_name || ' ' || su.last_name as "specialist_name!",
                  r.appointment_id, a.start_datetime as "appointment_start?", a.end_datetime as "appointment_end?",
                  a.appointment_type as "appointment_type?", s.time_zone as "appointment_zone?",
                  r.record_date, r.status, r.revision, r.diagnosis_sealed, r.treatment_sealed, r.body_sealed,
                  t.template_name as "template_name?", r.template_version, r.created_by, r.updated_at,
                  nullif(sb.first_name || ' ' || sb.last_name, '') as "signed_by_name?", r.signed_at,
                  r.content_sha256, r.withheld_reason_sealed, r.error_reason_sealed,
                  nullif(eb.first_name || ' ' || eb.last_name, '') as "error_by_name?", r.error_at,
                  r.attached_files_json
           from medical_records r
           join patients p on p.patient_id = r.patient_id
           join users pu on pu.user_id = p.user_id
           join specialists s on s.specialist_id = r.specialist_id
           join users su on su.user_id = s.user_id
           left join appointments a on a.appointment_id = r.appointment_id
           left join template_versions t on t.template_id = r.template_id and t.version = r.template_version
           left join users sb on sb.user_id = r.signed_by
           left join users eb on eb.user_id = r.error_by
           where r.record_id = $1"#,
        record_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub struct NewNote<'a> {
    pub patient_id: Uuid,
    pub specialist_id: Uuid,
    pub appointment_id: Option<Uuid>,
    pub record_date: NaiveDate,
    pub template: Option<(Uuid, i32)>,
    pub created_by: Uuid,
    pub sealed: &'a SealedContent,
}

pub async fn insert(conn: &mut PgConnection, record_id: Uuid, note: NewNote<'_>) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into medical_records
               (record_id, patient_id, specialist_id, appointment_id, record_date, template_id, template_version,
                created_by, diagnosis_sealed, treatment_sealed, body_sealed)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"#,
        record_id,
        note.patient_id,
        note.specialist_id,
        note.appointment_id,
        note.record_date,
        note.template.map(|(id, _)| id),
        note.template.map(|(_, version)| version),
        note.created_by,
        note.sealed.diagnosis.as_deref(),
        note.sealed.treatment.as_deref(),
        note.sealed.body.as_deref(),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Saves a draft's content as the next revision, only if it is still at `revision` and a draft.
/// Returns the new revision, or None when it moved on (or is no longer a draft).
pub async fn save_draft(
    conn: &mut PgConnection,
    record_id: Uuid,
    revision: i32,
    record_date: NaiveDate,
    sealed: &SealedContent,
) -> Result<Option<i32>, AppError> {
    let saved = sqlx::query_scalar!(
        r#"update medical_records
              set record_date = $3, diagnosis_sealed = $4, treatment_sealed = $5, body_sealed = $6,
                  revision = revision + 1
            where record_id = $1 and revision = $2 and status = 'Draft'
        returning revision"#,
        record_id,
        revision,
        record_date,
        sealed.diagnosis.as_deref(),
        sealed.treatment.as_deref(),
        sealed.body.as_deref(),
    )
    .fetch_optional(conn)
    .await?;
    Ok(saved)
}

/// Signs a draft at `revision`. False when it moved on or is no longer a draft.
pub async fn sign(
    conn: &mut PgConnection,
    record_id: Uuid,
    revision: i32,
    signer: Uuid,
    content_sha256: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query!(
        r#"update medical_records
              set status = 'Signed', signed_by = $3, signed_at = now(), content_sha256 = $4
            where record_id = $1 and revision = $2 and status = 'Draft'"#,
        record_id,
        revision,
        signer,
        content_sha256,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_in_error(
    conn: &mut PgConnection,
    record_id: Uuid,
    by: Uuid,
    reason: &[u8],
) -> Result<bool, AppError> {
    let done = sqlx::query!(
        r#"update medical_records
              set status = 'EnteredInError', error_by = $2, error_at = now(), error_reason_sealed = $3
            where record_id = $1 and status <> 'EnteredInError'"#,
        record_id,
        by,
        reason,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Withholds the note from the patient (with a sealed reason), or releases it (`None`).
pub async fn set_withheld(
    conn: &mut PgConnection,
    record_id: Uuid,
    by: Uuid,
    reason: Option<&[u8]>,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"update medical_records
              set withheld_reason_sealed = $3,
                  withheld_by = case when $3::bytea is null then null else $2::uuid end,
                  withheld_at = case when $3::bytea is null then null else now() end
            where record_id = $1"#,
        record_id,
        by,
        reason,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct AmendmentRow {
    pub amendment_id: Uuid,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    pub reason_sealed: Vec<u8>,
    pub body_sealed: Vec<u8>,
    pub content_sha256: String,
}

pub async fn amendments(conn: &mut PgConnection, record_id: Uuid) -> Result<Vec<AmendmentRow>, AppError> {
    let rows = sqlx::query_as!(
        AmendmentRow,
        r#"select m.amendment_id, nullif(u.first_name || ' ' || u.last_name, '') as author, m.created_at,
                  m.reason_sealed, m.body_sealed, m.content_sha256
           from medical_record_amendments m left join users u on u.user_id = m.author_id
           where m.record_id = $1
           order by m.created_at, m.amendment_id"#,
        record_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

pub struct NewAmendment<'a> {
    pub record_id: Uuid,
    pub patient_id: Uuid,
    pub author_id: Uuid,
    pub reason_sealed: &'a [u8],
    pub body_sealed: &'a [u8],
    pub content_sha256: &'a str,
}

pub async fn insert_amendment(conn: &mut PgConnection, amendment: NewAmendment<'_>) -> Result<Uuid, AppError> {
    let id = sqlx::query_scalar!(
        r#"insert into medical_record_amendments (record_id, patient_id, author_id, reason_sealed, body_sealed, content_sha256)
           values ($1, $2, $3, $4, $5, $6) returning amendment_id"#,
        amendment.record_id,
        amendment.patient_id,
        amendment.author_id,
        amendment.reason_sealed,
        amendment.body_sealed,
        amendment.content_sha256,
    )
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub struct NoteListRow {
    pub record_id: Uuid,
    pub record_date: NaiveDate,
    pub specialist: String,
    pub status: String,
    pub diagnosis_sealed: Option<Vec<u8>>,
    pub treatment_sealed: Option<Vec<u8>>,
    pub body_sealed: Option<Vec<u8>>,
    pub content_sha256: Option<String>,
    pub attached_files_json: serde_json::Value,
    pub withheld: bool,
    pub amendments: i64,
    pub total: i64,
}

/// Which notes of a patient a reader may list.
#[derive(Debug, Clone, Copy)]
pub enum NoteFilter {
    /// Staff: signed and in-error notes, and the drafts written by `author`.
    Staff { author: Uuid },
    /// The patient and their family: signed notes not withheld.
    OpenNotes,
}

/// A page of a patient's notes, newest first.
pub async fn list(
    conn: &mut PgConnection,
    patient_id: Uuid,
    filter: NoteFilter,
    page: i64,
    page_size: i64,
) -> Result<Vec<NoteListRow>, AppError> {
    let (author, open_only) = match filter {
        NoteFilter::Staff { author } => (Some(author), false),
        NoteFilter::OpenNotes => (None, true),
    };
    let rows = sqlx::query_as!(
        NoteListRow,
        r#"select r.record_id, r.record_date, su.first_name || ' ' || su.last_name as "specialist!", r.status,
                  r.diagnosis_sealed, r.treatment_sealed, r.body_sealed, r.content_sha256, r.attached_files_json,
                  r.withheld_at is not null as "withheld!",
                  (select count(*) from medical_record_amendments m where m.record_id = r.record_id) as "amendments!",
                  count(*) over () as "total!"
           from medical_records r
           join specialists s on s.specialist_id = r.specialist_id
           join users su on su.user_id = s.user_id
           where r.patient_id = $1
             and case when $3 then r.status = 'Signed' and r.withheld_at is null
                      else r.status <> 'Draft' or r.created_by = $2 end
           order by r.record_date desc, r.created_at desc, r.record_id
           limit $4 offset $5"#,
        patient_id,
        author,
        open_only,
        page_size,
        (page - 1) * page_size,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// The specialist row of a specialist's account.
pub async fn specialist_of(conn: &mut PgConnection, user_id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar!("select specialist_id from specialists where user_id = $1", user_id)
        .fetch_optional(conn)
        .await?)
}

/// An appointment a note may be linked to: the patient's, with this specialist.
pub async fn appointment_for_note(
    conn: &mut PgConnection,
    appointment_id: Uuid,
    patient_id: Uuid,
    specialist_id: Uuid,
) -> Result<Option<NaiveDate>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select (a.start_datetime at time zone s.time_zone)::date as "day!"
           from appointments a join specialists s on s.specialist_id = a.specialist_id
           where a.appointment_id = $1 and a.patient_id = $2 and a.specialist_id = $3"#,
        appointment_id,
        patient_id,
        specialist_id
    )
    .fetch_optional(conn)
    .await?)
}

/// Who an appointment is for (to start a note from the calendar or today's list).
pub async fn appointment_patient(conn: &mut PgConnection, appointment_id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar!("select patient_id from appointments where appointment_id = $1", appointment_id)
        .fetch_optional(conn)
        .await?)
}

/// The caller's draft already linked to this appointment, if any.
pub async fn open_draft_for_appointment(
    conn: &mut PgConnection,
    appointment_id: Uuid,
    author: Uuid,
) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select record_id from medical_records
           where appointment_id = $1 and created_by = $2 and status = 'Draft'
           order by created_at desc limit 1"#,
        appointment_id,
        author
    )
    .fetch_optional(conn)
    .await?)
}
