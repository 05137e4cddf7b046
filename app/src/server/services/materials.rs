//! The education library and education plans: who may write, assign, open and complete what,
//! and where each assignment stands (assigned → released → viewed → completed). The comment
//! and the patient's note back are sealed with the patient's data key.

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::model::auth::CurrentUser;
use crate::model::materials::*;
use crate::server::audit::begin_as;
use crate::server::crypto::DataKey;
use crate::server::db::materials::{self as db, ListQuery, MaterialFields, MaterialRow, PlanRow};
use crate::server::policy::{authorize_patient, can_view_patient, PatientData};
use crate::server::services::{attachments, markdown, patient_vault, zones};
use crate::server::state::AppState;

/// The field name sealed into a comment (a value sealed for another field cannot pass for it).
pub const COMMENT_FIELD: &str = "patient_material_assignments.comment";
const NOTE_FIELD: &str = "patient_material_assignments.completion_note";
/// Longest list of a material's patients shown to its specialist.
const ENGAGEMENT_SHOWN: i64 = 200;
pub const MATERIAL_FILE_MAX_BYTES: usize = 20 * 1024 * 1024;

fn bounded(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

/// The field errors of a failed parse go with the others, so a form shows them all at once.
fn collect<T>(result: Result<T, AppError>, errors: &mut Vec<FieldError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(AppError::Validation(found)) => {
            errors.extend(found);
            None
        }
        Err(_) => None,
    }
}

fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}

pub async fn library(pool: &PgPool, filter: MaterialFilter) -> Result<MaterialPage, AppError> {
    let search = bounded(&filter.query, MAX_SEARCH_CHARS);
    // Empty: no search (the query skips the condition).
    let pattern = if search.is_empty() { String::new() } else { crate::server::db::like_pattern(&search) };
    let material_type = bounded(&filter.material_type, 50);
    let tag = bounded(&filter.tag, MAX_TAG_CHARS).to_lowercase();
    let query = ListQuery {
        pattern: &pattern,
        material_type: &material_type,
        tag: &tag,
        author: filter.author,
        include_retired: filter.include_retired,
    };
    let total = db::count(pool, &query).await?;
    let pages = page_count(total, MATERIALS_PER_PAGE);
    let page = filter.page.clamp(1, pages);
    let rows = db::page(pool, &query, MATERIALS_PER_PAGE, (page - 1) * MATERIALS_PER_PAGE).await?;
    Ok(MaterialPage {
        items: rows
            .into_iter()
            .map(|m| MaterialListItem {
                material_id: m.material_id,
                title: m.title,
                material_type: m.material_type,
                tags: m.tags,
                author: m.author,
                publish_date: m.publish_date,
                retired: m.retired_at.is_some(),
            })
            .collect(),
        page,
        page_count: pages,
        total,
        authors: db::authors(pool).await?,
    })
}

fn may_edit(user: &CurrentUser, material: &MaterialRow) -> bool {
    user.role == Role::Admin || material.specialist_user_id == Some(user.user_id)
}

fn status_of(row: &PlanRow, today: NaiveDate) -> PlanStatus {
    if row.completed_at.is_some() {
        PlanStatus::Completed
    } else if row.viewed_at.is_some() {
        PlanStatus::Viewed
    } else if row.release_date.is_some_and(|d| d > today) {
        PlanStatus::Assigned
    } else {
        PlanStatus::Released
    }
}

fn assigned_material(row: &PlanRow, today: NaiveDate, zone: &str) -> AssignedMaterial {
    let status = status_of(row, today);
    let released_on = row.release_date.unwrap_or(row.assignment_date);
    let detail = match status {
        PlanStatus::Assigned => format!("Released on {}", released_on.format("%-d %b %Y")),
        PlanStatus::Released => format!("Released {}", released_on.format("%-d %b %Y")),
        PlanStatus::Viewed => format!(
            "Viewed {}{}",
            row.viewed_at.map(|at| zones::moment_label(at, zone)).unwrap_or_default(),
            row.viewed_by.as_ref().map(|name| format!(" by {name}")).unwrap_or_default()
        ),
        PlanStatus::Completed => {
            format!("Completed {}", row.completed_at.map(|at| zones::moment_label(at, zone)).unwrap_or_default())
        }
    };
    AssignedMaterial {
        assignment_id: row.assignment_id,
        material_id: row.material_id,
        title: row.title.clone(),
        material_type: row.material_type.clone(),
        status,
        assigned_by: row.assigned_by.clone(),
        detail,
    }
}

pub async fn detail(pool: &PgPool, user: &CurrentUser, material_id: Uuid) -> Result<MaterialDetail, AppError> {
    let m = db::get(pool, material_id).await?.ok_or(AppError::NotFound)?;
    let (today, zone) = zones::clinic_today(pool).await?;
    let viewer = (user.role != Role::Admin).then_some(user.user_id);
    let engagement = db::engagement(pool, material_id, viewer, ENGAGEMENT_SHOWN)
        .await?
        .iter()
        .map(|row| {
            let item = assigned_material(row, today, &zone);
            Engagement {
                assignment_id: row.assignment_id,
                patient_id: row.patient_id,
                patient_name: row.patient_name.clone(),
                status: item.status,
                detail: item.detail,
            }
        })
        .collect();
    let description = m.description.clone().unwrap_or_default();
    Ok(MaterialDetail {
        material_id: m.material_id,
        title: m.title.clone(),
        description_html: markdown::render(&description),
        description,
        material_type: m.material_type.clone(),
        content_url: m.content_url.clone(),
        file: m.file_name.clone().map(|name| MaterialFile {
            name,
            content_type: m.file_type.clone().unwrap_or_default(),
            size: m.file_size.unwrap_or(0).into(),
        }),
        publish_date: m.publish_date,
        tags: m.tags.clone(),
        author: m.author.clone(),
        retired: m.retired_at.is_some(),
        may_edit: may_edit(user, &m),
        engagement,
    })
}

/// The tags typed as "sleep, Back pain": trimmed, lower case, unique, at most ten.
pub fn parse_tags(text: &str) -> Result<Vec<String>, AppError> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split(',').map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()) {
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(AppError::invalid("tags", format!("A tag has at most {MAX_TAG_CHARS} characters.")));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(AppError::invalid("tags", format!("At most {MAX_TAGS} tags.")));
    }
    Ok(tags)
}

/// A web link: http or https only, never a script or data URL.
pub fn parse_link(text: &str) -> Result<Option<String>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let lower = text.to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && text.len() <= 2000
        && text.len() > lower.find("://").unwrap_or(0) + 3
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(Some(text.to_string()))
    } else {
        Err(AppError::invalid("content_url", "Give a web address starting with https:// (or http://)."))
    }
}

pub struct MaterialInput {
    pub material_id: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub material_type: String,
    pub content_url: String,
    pub publish_date: String,
    pub tags: String,
}

/// Creates or updates a material. A specialist writes their own; an admin any (their new
/// ones are the clinic's). Without a link, a material needs an uploaded file (added after
/// saving), so a new one needs a link.
pub async fn save(pool: &PgPool, user: &CurrentUser, input: MaterialInput) -> Result<Uuid, AppError> {
    let mut errors = Vec::new();
    let title = input.title.trim().to_string();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        errors.push(FieldError::new("title", format!("Give a title of up to {MAX_TITLE_CHARS} characters.")));
    }
    if input.description.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.push(FieldError::new("description", format!("At most {MAX_DESCRIPTION_CHARS} characters.")));
    }
    if !MATERIAL_TYPES.contains(&input.material_type.as_str()) {
        errors.push(FieldError::new("material_type", "Choose a type."));
    }
    let link = collect(parse_link(&input.content_url), &mut errors).flatten();
    let tags = collect(parse_tags(&input.tags), &mut errors).unwrap_or_default();
    let (today, _) = zones::clinic_today(pool).await?;
    let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(today);
    let publish_date = match input.publish_date.trim() {
        "" => Some(today),
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|d| *d >= earliest && *d <= today + chrono::Days::new(3660)),
    };
    if publish_date.is_none() {
        errors.push(FieldError::new(
            "publish_date",
            "Give the publish date as a date (from 1990, up to ten years ahead).",
        ));
    }
    let existing = match input.material_id {
        Some(id) => {
            let m = db::get(pool, id).await?.filter(|m| may_edit(user, m)).ok_or(AppError::NotFound)?;
            Some(m)
        }
        None => None,
    };
    let has_file = existing.as_ref().is_some_and(|m| m.file_name.is_some());
    if link.is_none() && !has_file && !errors.iter().any(|e| e.field == "content_url") {
        errors.push(FieldError::new("content_url", "Give a web link, or save first and then upload a PDF or image."));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let fields = MaterialFields {
        title: &title,
        description: &input.description,
        material_type: &input.material_type,
        content_url: link.as_deref(),
        publish_date: publish_date.unwrap_or(today),
        tags: &tags,
    };
    let mut tx = begin_as(pool, user.user_id).await?;
    let id = match existing {
        Some(m) => {
            db::update(&mut tx, m.material_id, &fields).await?;
            m.material_id
        }
        None => {
            let specialist_id = match user.role {
                Role::Specialist => Some(
                    crate::server::db::home::specialist_of_user(pool, user.user_id)
                        .await?
                        .ok_or(AppError::NotFound)?
                        .specialist_id,
                ),
                _ => None,
            };
            db::insert(&mut tx, specialist_id, user.user_id, &fields).await?
        }
    };
    tx.commit().await?;
    Ok(id)
}

pub async fn retire(pool: &PgPool, user: &CurrentUser, material_id: Uuid) -> Result<(), AppError> {
    let m = db::get(pool, material_id).await?.filter(|m| may_edit(user, m)).ok_or(AppError::NotFound)?;
    let mut tx = begin_as(pool, user.user_id).await?;
    db::retire(&mut tx, m.material_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Stores an uploaded PDF or image as the material's file (replacing one before), typed by
/// its content.
pub async fn upload_file(
    pool: &PgPool,
    user: &CurrentUser,
    material_id: Uuid,
    name: &str,
    bytes: &[u8],
) -> Result<(), AppError> {
    let m = db::get(pool, material_id).await?.filter(|m| may_edit(user, m)).ok_or(AppError::NotFound)?;
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "The file is empty."));
    }
    if bytes.len() > MATERIAL_FILE_MAX_BYTES {
        return Err(AppError::invalid("file", "A file can be at most 20 MB."));
    }
    let content_type = attachments::sniff(bytes)
        .ok_or_else(|| AppError::invalid("file", "Only PDF, JPEG, PNG or WebP files can be uploaded."))?;
    let name = attachments::clean_file_name(name);
    let mut tx = begin_as(pool, user.user_id).await?;
    db::set_file(&mut tx, m.material_id, &name, content_type, bytes).await?;
    tx.commit().await?;
    Ok(())
}

/// A material's file, for staff and for the patients (and their family with the materials
/// grant) who have it in their plan, released.
pub async fn file(pool: &PgPool, user: &CurrentUser, material_id: Uuid) -> Result<db::FileRow, AppError> {
    let allowed = match user.role {
        Role::Admin | Role::Specialist => true,
        Role::Patient | Role::FamilyMember => {
            let (today, _) = zones::clinic_today(pool).await?;
            sqlx::query_scalar!(
                r#"select exists (
                       select 1 from patient_material_assignments a
                       where a.material_id = $1 and coalesce(a.release_date, a.assignment_date) <= $3
                         and (a.patient_id in (select patient_id from patients where user_id = $2)
                              or a.patient_id in (select patient_id from live_family_grants
                                                  where user_id = $2 and can_view_materials))
                   ) as "ok!""#,
                material_id,
                user.user_id,
                today
            )
            .fetch_one(pool)
            .await?
        }
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    db::file(pool, material_id).await?.ok_or(AppError::NotFound)
}

// Plans -------------------------------------------------------------------------------------

fn open_text(key: Option<&DataKey>, field: &str, sealed: Option<&[u8]>) -> Result<Option<String>, AppError> {
    match (key, sealed) {
        (Some(key), Some(sealed)) => key.open(field, sealed).map(Some),
        (None, Some(_)) => Ok(Some("(erased)".to_string())),
        (_, None) => Ok(None),
    }
}

async fn patient_key(state: &AppState, patient_id: Uuid) -> Result<Option<DataKey>, AppError> {
    let mut conn = state.pool.acquire().await?;
    patient_vault::existing_key(&mut conn, &state.keys, patient_id).await
}

pub struct AssignInput {
    pub patient_id: Uuid,
    pub material_id: Uuid,
    pub comment: String,
    pub release_date: String,
}

/// A specialist puts a material in the plan of a patient on their care team (assigning again
/// updates the comment and release date). Released today, the patient is told at once.
pub async fn assign(state: &AppState, user: &CurrentUser, input: AssignInput) -> Result<Uuid, AppError> {
    let pool = &state.pool;
    authorize_patient(pool, user, input.patient_id, PatientData::Clinical).await?;
    let specialist =
        crate::server::db::home::specialist_of_user(pool, user.user_id).await?.ok_or(AppError::NotFound)?;
    let material = db::get(pool, input.material_id).await?.ok_or(AppError::NotFound)?;
    if material.retired_at.is_some() {
        return Err(AppError::invalid("material_id", "This material is retired; it is offered to nobody new."));
    }
    if input.comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::invalid("comment", format!("A comment has at most {MAX_COMMENT_CHARS} characters.")));
    }
    let (today, _) = zones::clinic_today(pool).await?;
    let release_date = match input.release_date.trim() {
        "" => None,
        text => {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                AppError::invalid("release_date", "Give the release date as a date, or leave it empty.")
            })?;
            if date < today || date > today + chrono::Days::new(366) {
                return Err(AppError::invalid("release_date", "Choose a release date from today to a year ahead."));
            }
            Some(date)
        }
    };
    let mut tx = begin_as(pool, user.user_id).await?;
    let key = patient_vault::data_key(&mut tx, &state.keys, input.patient_id).await?;
    let comment = key.seal(COMMENT_FIELD, input.comment.trim())?;
    let id = db::assign(
        &mut tx,
        input.patient_id,
        material.material_id,
        specialist.specialist_id,
        &comment,
        release_date,
        today,
    )
    .await?;
    db::release_due(&mut tx, today).await?;
    tx.commit().await?;
    Ok(id)
}

/// Sends the notifications of every release date that has come (run daily by the server, and
/// after every assignment).
pub async fn release_due(pool: &PgPool) -> Result<u64, AppError> {
    let (today, _) = zones::clinic_today(pool).await?;
    let mut tx = pool.begin().await?;
    let sent = db::release_due(&mut tx, today).await?;
    tx.commit().await?;
    Ok(sent)
}

/// A patient's whole plan, for their specialist or an admin: comments and notes back included.
pub async fn plan_for_staff(
    state: &AppState,
    user: &CurrentUser,
    patient_id: Uuid,
    page: i64,
) -> Result<(Vec<PlanEntry>, i64, i64), AppError> {
    authorize_patient(&state.pool, user, patient_id, PatientData::Clinical).await?;
    let (today, zone) = zones::clinic_today(&state.pool).await?;
    let (_, total) = db::plan_page(&state.pool, patient_id, None, 0, 0).await?;
    let pages = page_count(total, MATERIALS_PER_PAGE);
    let page = page.clamp(1, pages);
    let (rows, _) =
        db::plan_page(&state.pool, patient_id, None, MATERIALS_PER_PAGE, (page - 1) * MATERIALS_PER_PAGE).await?;
    let key = patient_key(state, patient_id).await?;
    let entries = rows
        .iter()
        .map(|row| {
            Ok(PlanEntry {
                item: assigned_material(row, today, &zone),
                comment: open_text(key.as_ref(), COMMENT_FIELD, row.comment_sealed.as_deref())?.unwrap_or_default(),
                release_date: row.release_date,
                completion_note: open_text(key.as_ref(), NOTE_FIELD, row.completion_note_sealed.as_deref())?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((entries, page, pages))
}

/// The released part of a patient's plan, one page (the caller's right to see it is checked
/// before).
pub async fn released_for_patient(
    pool: &PgPool,
    patient_id: Uuid,
    page: i64,
) -> Result<AssignedMaterialPage, AppError> {
    let (today, zone) = zones::clinic_today(pool).await?;
    let (_, total) = db::plan_page(pool, patient_id, Some(today), 0, 0).await?;
    let pages = page_count(total, MATERIALS_PER_PAGE);
    let page = page.clamp(1, pages);
    let (rows, _) =
        db::plan_page(pool, patient_id, Some(today), MATERIALS_PER_PAGE, (page - 1) * MATERIALS_PER_PAGE).await?;
    Ok(AssignedMaterialPage {
        items: rows.iter().map(|row| assigned_material(row, today, &zone)).collect(),
        page,
        page_count: pages,
        total,
    })
}

/// Whether the caller may see this patient's materials: the patient, a family member with the
/// materials grant today, or staff who may see the patient's clinical data.
async fn may_see_materials(pool: &PgPool, user: &CurrentUser, patient_id: Uuid) -> Result<bool, AppError> {
    Ok(match user.role {
        Role::FamilyMember => crate::server::db::family::live_grant(pool, user.user_id, patient_id)
            .await?
            .is_some_and(|g| g.can_view_materials),
        _ => can_view_patient(pool, user, patient_id, PatientData::Clinical).await?,
    })
}

/// "My materials": the patient's own, or (for a family member) those of the patient named.
pub async fn mine(
    pool: &PgPool,
    user: &CurrentUser,
    patient_id: Option<Uuid>,
    page: i64,
) -> Result<AssignedMaterialPage, AppError> {
    let patient_id = match (user.role, patient_id) {
        // A patient's own (naming another patient finds nothing).
        (Role::Patient, requested) => crate::server::db::home::patient_of_user(pool, user.user_id)
            .await?
            .filter(|own| requested.is_none_or(|r| r == *own)),
        (Role::FamilyMember, Some(id)) => Some(id),
        _ => None,
    }
    .ok_or(AppError::NotFound)?;
    if !may_see_materials(pool, user, patient_id).await? {
        tracing::warn!(user_id = %user.user_id, %patient_id, "materials access denied");
        return Err(AppError::NotFound);
    }
    released_for_patient(pool, patient_id, page).await
}

/// Opens an assigned material. The first opening by the patient or a family member marks it
/// viewed (by whom); staff opening it change nothing.
pub async fn open(state: &AppState, user: &CurrentUser, assignment_id: Uuid) -> Result<OpenedMaterial, AppError> {
    let pool = &state.pool;
    let row = db::assignment(pool, assignment_id).await?.ok_or(AppError::NotFound)?;
    let (today, zone) = zones::clinic_today(pool).await?;
    let for_patient = matches!(user.role, Role::Patient | Role::FamilyMember);
    let released = row.release_date.unwrap_or(row.assignment_date) <= today;
    if !may_see_materials(pool, user, row.patient_id).await? || (for_patient && !released) {
        tracing::warn!(user_id = %user.user_id, %assignment_id, "material access denied");
        return Err(AppError::NotFound);
    }
    let row = if for_patient && row.viewed_at.is_none() {
        let mut tx = begin_as(pool, user.user_id).await?;
        db::mark_viewed(&mut tx, assignment_id, user.user_id).await?;
        tx.commit().await?;
        db::assignment(pool, assignment_id).await?.ok_or(AppError::NotFound)?
    } else {
        row
    };
    let material = db::get(pool, row.material_id).await?.ok_or(AppError::NotFound)?;
    let key = patient_key(state, row.patient_id).await?;
    let comment = open_text(key.as_ref(), COMMENT_FIELD, row.comment_sealed.as_deref())?.unwrap_or_default();
    let item = assigned_material(&row, today, &zone);
    Ok(OpenedMaterial {
        assignment_id,
        patient_id: row.patient_id,
        patient_name: row.patient_name.clone(),
        description_html: markdown::render(material.description.as_deref().unwrap_or_default()),
        content_url: material.content_url.clone(),
        file_url: material.file_name.as_ref().map(|_| format!("/files/materials/{}", material.material_id)),
        comment_html: markdown::render(&comment),
        completion_note: open_text(key.as_ref(), NOTE_FIELD, row.completion_note_sealed.as_deref())?,
        may_complete: user.role == Role::Patient && item.status != PlanStatus::Completed,
        item,
    })
}

/// The patient marks a released material done, with an optional note back to the specialist.
pub async fn complete(state: &AppState, user: &CurrentUser, assignment_id: Uuid, note: &str) -> Result<(), AppError> {
    let pool = &state.pool;
    let row = db::assignment(pool, assignment_id).await?.ok_or(AppError::NotFound)?;
    let own = crate::server::db::home::patient_of_user(pool, user.user_id).await? == Some(row.patient_id);
    let (today, _) = zones::clinic_today(pool).await?;
    if user.role != Role::Patient || !own || row.release_date.unwrap_or(row.assignment_date) > today {
        tracing::warn!(user_id = %user.user_id, %assignment_id, "completing a material refused");
        return Err(AppError::NotFound);
    }
    if note.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::invalid("note", format!("A note has at most {MAX_COMMENT_CHARS} characters.")));
    }
    let mut tx = begin_as(pool, user.user_id).await?;
    let note = note.trim();
    let sealed = if note.is_empty() {
        None
    } else {
        Some(patient_vault::data_key(&mut tx, &state.keys, row.patient_id).await?.seal(NOTE_FIELD, note)?)
    };
    db::complete(&mut tx, assignment_id, user.user_id, sealed.as_deref()).await?;
    tx.commit().await?;
    Ok(())
}
