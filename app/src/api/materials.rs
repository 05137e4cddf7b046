//! The education library (staff) and education plans (specialists assign; patients and their
//! family open; patients complete).

use crate::error::AppError;
pub use crate::model::materials::*;
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "materials/list")]
pub async fn list_materials(
    query: String,
    material_type: String,
    tag: String,
    author: Option<Uuid>,
    include_retired: bool,
    page: i64,
) -> Result<MaterialPage, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        let filter = MaterialFilter { query, material_type, tag, author, include_retired, page };
        crate::server::services::materials::library(&state.pool, filter).await
    })
    .await
}

#[server(endpoint = "materials/get")]
pub async fn get_material(material_id: Uuid) -> Result<MaterialDetail, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::materials::detail(&state.pool, &user, material_id).await
    })
    .await
}

/// Creates (no `material_id`) or updates a material; answers its id. A plain form post is
/// taken to the material.
#[server(endpoint = "materials/save")]
pub async fn save_material(
    material_id: Option<Uuid>,
    title: String,
    description: String,
    material_type: String,
    content_url: String,
    publish_date: String,
    tags: String,
) -> Result<Uuid, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let input = crate::server::services::materials::MaterialInput {
            material_id,
            title,
            description,
            material_type,
            content_url,
            publish_date,
            tags,
        };
        let id = crate::server::services::materials::save(&state.pool, &user, input).await?;
        crate::server::show_after_plain_form_post(&format!("/materials/{id}"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "materials/retire")]
pub async fn retire_material(material_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::materials::retire(&state.pool, &user, material_id).await?;
        crate::server::show_after_plain_form_post(&format!("/materials/{material_id}"));
        Ok(())
    })
    .await
}

/// Puts a material in a patient's plan (or updates it there).
#[server(endpoint = "plans/assign")]
pub async fn assign_material(
    patient_id: Uuid,
    material_id: Uuid,
    comment: String,
    release_date: String,
) -> Result<Uuid, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let input = crate::server::services::materials::AssignInput { patient_id, material_id, comment, release_date };
        let id = crate::server::services::materials::assign(&state, &user, input).await?;
        crate::server::show_after_plain_form_post(&format!("/patients/{patient_id}?view=materials"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "plans/for-patient")]
pub async fn plan_of_patient(patient_id: Uuid, page: i64) -> Result<PatientPlan, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let (entries, page, page_count) =
            crate::server::services::materials::plan_for_staff(&state, &user, patient_id, page).await?;
        Ok(PatientPlan { entries, page, page_count })
    })
    .await
}

/// The released materials of the signed-in patient, or of the patient a family member names.
#[server(endpoint = "plans/mine")]
pub async fn my_materials(patient_id: Option<Uuid>, page: i64) -> Result<AssignedMaterialPage, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::materials::mine(&state.pool, &user, patient_id, page).await
    })
    .await
}

#[server(endpoint = "plans/open")]
pub async fn open_material(assignment_id: Uuid) -> Result<OpenedMaterial, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::materials::open(&state, &user, assignment_id).await
    })
    .await
}

#[server(endpoint = "plans/complete")]
pub async fn complete_material(assignment_id: Uuid, note: String) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::materials::complete(&state, &user, assignment_id, &note).await?;
        crate::server::show_after_plain_form_post(&format!("/my-care/materials/{assignment_id}"));
        Ok(())
    })
    .await
}
