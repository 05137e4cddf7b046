//! Note templates: admins keep the global ones, specialists their own (and may copy a global
//! one to adapt it). Every save is a new version; notes name the version they started from.
//! Placeholders are filled on the server when a template goes into a note.

use chrono::Utc;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::model::auth::CurrentUser;
use crate::model::templates::*;
use crate::server::audit::begin_as;
use crate::server::db::templates::{self as db, TemplateRow};
use crate::server::policy::{authorize_patient, PatientData};
use crate::server::state::AppState;

/// Who may edit the template: an admin a global one, a specialist their own.
fn editable_by(user: &CurrentUser, row: &TemplateRow) -> bool {
    match user.role {
        Role::Admin => row.is_global,
        Role::Specialist => !row.is_global && row.specialist_user_id == Some(user.user_id),
        Role::Patient | Role::FamilyMember => false,
    }
}

fn usable_by(user: &CurrentUser, row: &TemplateRow) -> bool {
    row.is_global || row.specialist_user_id == Some(user.user_id)
}

fn staff_only(user: &CurrentUser) -> Result<(), AppError> {
    match user.role {
        Role::Admin | Role::Specialist => Ok(()),
        Role::Patient | Role::FamilyMember => Err(AppError::NotFound),
    }
}

pub async fn list(state: &AppState, user: &CurrentUser) -> Result<Vec<TemplateItem>, AppError> {
    staff_only(user)?;
    let mut conn = state.pool.acquire().await?;
    let rows = db::usable(&mut conn, user.user_id, TEMPLATES_LISTED).await?;
    Ok(rows
        .into_iter()
        .map(|row| TemplateItem {
            editable: editable_by(user, &row),
            template_id: row.template_id,
            name: row.template_name,
            template_type: row.template_type,
            version: row.version,
            is_global: row.is_global,
        })
        .collect())
}

pub async fn detail(state: &AppState, user: &CurrentUser, template_id: Uuid) -> Result<TemplateDetail, AppError> {
    staff_only(user)?;
    let mut tx = state.pool.begin().await?;
    let row = db::find(&mut tx, template_id).await?.filter(|row| usable_by(user, row)).ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(TemplateDetail {
        editable: editable_by(user, &row),
        template_id: row.template_id,
        name: row.template_name,
        template_type: row.template_type,
        content: row.content,
        version: row.version,
        is_global: row.is_global,
    })
}

/// The fields, checked; a message per field otherwise.
fn valid_fields<'a>(name: &'a str, template_type: &'a str, content: &'a str) -> Result<(&'a str, &'a str), AppError> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > TEMPLATE_NAME_MAX_CHARS {
        errors
            .push(FieldError::new("name", format!("Name the template (up to {TEMPLATE_NAME_MAX_CHARS} characters).")));
    }
    if !TEMPLATE_TYPES.contains(&template_type) {
        errors.push(FieldError::new("template_type", "Choose the kind of template."));
    }
    if content.len() > TEMPLATE_CONTENT_MAX_BYTES {
        errors.push(FieldError::new(
            "content",
            format!("Keep a template under {} KB.", TEMPLATE_CONTENT_MAX_BYTES / 1000),
        ));
    }
    if errors.is_empty() {
        Ok((name, template_type))
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Creates a template (global for an admin, personal for a specialist) or saves a new version
/// of one the caller may edit. Returns its id.
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    template_id: Option<Uuid>,
    name: &str,
    template_type: &str,
    content: &str,
) -> Result<Uuid, AppError> {
    staff_only(user)?;
    let (name, template_type) = valid_fields(name, template_type, content)?;
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let id = match template_id {
        Some(template_id) => {
            db::find(&mut tx, template_id).await?.filter(|row| editable_by(user, row)).ok_or(AppError::NotFound)?;
            db::update(&mut tx, template_id, name, template_type, content, user.user_id).await?;
            template_id
        }
        None => {
            let specialist_id = own_specialist_id(&mut tx, user).await?;
            db::insert(
                &mut tx,
                db::NewTemplate {
                    specialist_id,
                    name,
                    template_type,
                    content,
                    copied_from: None,
                    created_by: user.user_id,
                },
            )
            .await?
        }
    };
    tx.commit().await?;
    Ok(id)
}

/// None for an admin (a global template), the specialist's id for a specialist.
async fn own_specialist_id(conn: &mut PgConnection, user: &CurrentUser) -> Result<Option<Uuid>, AppError> {
    match user.role {
        Role::Admin => Ok(None),
        Role::Specialist => {
            Ok(Some(crate::server::db::notes::specialist_of(conn, user.user_id).await?.ok_or(AppError::NotFound)?))
        }
        Role::Patient | Role::FamilyMember => Err(AppError::NotFound),
    }
}

/// A specialist's own copy of a global template, to adapt.
pub async fn copy(state: &AppState, user: &CurrentUser, template_id: Uuid) -> Result<Uuid, AppError> {
    if user.role != Role::Specialist {
        return Err(AppError::NotFound);
    }
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let row = db::find(&mut tx, template_id).await?.filter(|row| row.is_global).ok_or(AppError::NotFound)?;
    let specialist_id = own_specialist_id(&mut tx, user).await?;
    let name = format!("{} (my copy)", row.template_name);
    let name: String = name.chars().take(TEMPLATE_NAME_MAX_CHARS).collect();
    let id = db::insert(
        &mut tx,
        db::NewTemplate {
            specialist_id,
            name: &name,
            template_type: &row.template_type,
            content: &row.content,
            copied_from: Some(template_id),
            created_by: user.user_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Retires a template: offered to nobody any more; notes that used it still name it.
pub async fn retire(state: &AppState, user: &CurrentUser, template_id: Uuid) -> Result<(), AppError> {
    staff_only(user)?;
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    db::find(&mut tx, template_id).await?.filter(|row| editable_by(user, row)).ok_or(AppError::NotFound)?;
    db::retire(&mut tx, template_id).await?;
    tx.commit().await?;
    Ok(())
}

/// A template's content with its placeholders filled, and its version.
pub struct Filled {
    pub content: String,
    pub version: i32,
}

pub fn fill(content: &str, values: &db::PlaceholderValues, today: &str) -> String {
    content
        .replace("{{patient_name}}", &values.patient_name)
        .replace("{{today}}", today)
        .replace("{{specialist}}", &values.specialist_name)
        .replace("{{appointment_type}}", values.appointment_type.as_deref().unwrap_or("visit"))
}

/// The template, filled in for this patient and appointment, when the caller may use it.
pub async fn filled_for(
    conn: &mut PgConnection,
    user: &CurrentUser,
    template_id: Uuid,
    patient_id: Uuid,
    appointment_id: Option<Uuid>,
) -> Result<Filled, AppError> {
    let row = db::find(conn, template_id)
        .await?
        .filter(|row| usable_by(user, row))
        .ok_or_else(|| AppError::invalid("template_id", "That template is not available."))?;
    let values = db::placeholder_values(conn, patient_id, user.user_id, appointment_id).await?;
    let today = Utc::now().format("%-d %B %Y").to_string();
    Ok(Filled { content: fill(&row.content, &values, &today), version: row.version })
}

/// A template filled in for an open draft, to insert at the cursor of its editor.
pub async fn fill_for_note(
    state: &AppState,
    user: &CurrentUser,
    template_id: Uuid,
    record_id: Uuid,
) -> Result<String, AppError> {
    if user.role != Role::Specialist {
        return Err(AppError::NotFound);
    }
    let mut tx = state.pool.begin().await?;
    let note = crate::server::db::notes::find(&mut tx, record_id, false)
        .await?
        .filter(|note| note.created_by == Some(user.user_id))
        .ok_or(AppError::NotFound)?;
    authorize_patient(&state.pool, user, note.patient_id, PatientData::Clinical).await?;
    let filled = filled_for(&mut tx, user, template_id, note.patient_id, note.appointment_id).await?;
    tx.commit().await?;
    Ok(filled.content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let values = db::PlaceholderValues {
            patient_name: "Leo Marín".into(),
            specialist_name: "Marta Ruiz".into(),
            appointment_type: None,
        };
        let text = fill(
            "{{patient_name}} seen by {{specialist}} on {{today}} for {{appointment_type}}",
            &values,
            "1 December 2026",
        );
        assert_eq!(text, "Leo Marín seen by Marta Ruiz on 1 December 2026 for visit");
    }
}
