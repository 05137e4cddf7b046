//! Clinical notes: start, edit (autosaved drafts with conflict detection), sign, amend, mark
//! entered in error, withhold from the patient, read.

use crate::error::AppError;
pub use crate::model::notes::*;
use leptos::prelude::*;
use uuid::Uuid;

/// Starts a draft (for the patient, or the appointment's patient) and answers its id. A plain
/// form post is taken to the editor.
#[server(endpoint = "notes/start")]
pub async fn start_note(
    patient_id: Option<Uuid>,
    appointment_id: Option<Uuid>,
    template_id: Option<Uuid>,
) -> Result<Uuid, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let id = crate::server::services::notes::start(&state, &user, patient_id, appointment_id, template_id).await?;
        crate::server::show_after_plain_form_post(&format!("/notes/{id}/edit"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "notes/draft")]
pub async fn get_draft(record_id: Uuid) -> Result<NoteDraft, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::notes::draft(&state, &user, record_id).await
    })
    .await
}

/// Saves a draft made from `revision`; a draft changed elsewhere answers `Conflict` with the
/// other version, and nothing is overwritten.
#[server(endpoint = "notes/save")]
pub async fn save_draft(
    record_id: Uuid,
    revision: i32,
    record_date: chrono::NaiveDate,
    diagnosis: String,
    treatment: String,
    body: String,
) -> Result<SaveOutcome, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let content = NoteContent { record_date, diagnosis, treatment, body };
        crate::server::services::notes::save(&state, &user, record_id, revision, content).await
    })
    .await
}

#[server(endpoint = "notes/sign")]
pub async fn sign_note(record_id: Uuid, revision: i32) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::notes::sign(&state, &user, record_id, revision).await?;
        crate::server::show_after_plain_form_post(&format!("/notes/{record_id}"));
        Ok(())
    })
    .await
}

/// A note to read (rendered on the server); audited.
#[server(endpoint = "notes/get")]
pub async fn get_note(record_id: Uuid) -> Result<NoteView, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::notes::view(&state, &user, record_id).await
    })
    .await
}

#[server(endpoint = "notes/amend")]
pub async fn amend_note(record_id: Uuid, reason: String, body: String) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::notes::amend(&state, &user, record_id, &reason, &body).await
    })
    .await
}

#[server(endpoint = "notes/entered-in-error")]
pub async fn mark_entered_in_error(record_id: Uuid, reason: String) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::notes::mark_in_error(&state, &user, record_id, &reason).await
    })
    .await
}

/// Withholds a signed note from the patient with a reason; an empty reason shows it again.
#[server(endpoint = "notes/withhold")]
pub async fn withhold_note(record_id: Uuid, reason: String) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let reason = Some(reason.as_str()).filter(|reason| !reason.trim().is_empty());
        crate::server::services::notes::withhold(&state, &user, record_id, reason).await
    })
    .await
}

/// The patient's open notes: their own for a patient, the helped patient's for a family member
/// with the clinical grant.
#[server(endpoint = "notes/open-notes")]
pub async fn open_notes(patient_id: Option<Uuid>, page: i64) -> Result<NotePage, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let patient_id = match patient_id {
            Some(patient_id) => patient_id,
            None => {
                crate::server::db::home::patient_of_user(&state.pool, user.user_id).await?.ok_or(AppError::NotFound)?
            }
        };
        crate::server::services::notes::page_of_notes(&state, &user, patient_id, page).await
    })
    .await
}

/// A page of a patient's notes for staff (the first page comes with the chart).
#[server(endpoint = "notes/for-patient")]
pub async fn notes_for_patient(patient_id: Uuid, page: i64) -> Result<NotePage, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::notes::page_of_notes(&state, &user, patient_id, page).await
    })
    .await
}

/// Removes a file from the caller's draft (a signed note's files stay).
#[server(endpoint = "notes/remove-attachment")]
pub async fn remove_attachment(file_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::attachments::remove(&state, &user, file_id).await
    })
    .await
}
