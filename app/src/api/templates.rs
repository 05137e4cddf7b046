//! Note templates: global (admins) and personal (specialists), versioned.

use crate::error::AppError;
pub use crate::model::templates::*;
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "templates/list")]
pub async fn list_templates() -> Result<Vec<TemplateItem>, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::templates::list(&state, &user).await
    })
    .await
}

#[server(endpoint = "templates/get")]
pub async fn get_template(template_id: Uuid) -> Result<TemplateDetail, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::templates::detail(&state, &user, template_id).await
    })
    .await
}

/// Creates a template (no id) or saves a new version of one; answers its id.
#[server(endpoint = "templates/save")]
pub async fn save_template(
    template_id: Option<Uuid>,
    name: String,
    template_type: String,
    content: String,
) -> Result<Uuid, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let id = crate::server::services::templates::save(&state, &user, template_id, &name, &template_type, &content)
            .await?;
        crate::server::show_after_plain_form_post("/templates");
        Ok(id)
    })
    .await
}

/// A specialist's own copy of a global template.
#[server(endpoint = "templates/copy")]
pub async fn copy_template(template_id: Uuid) -> Result<Uuid, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let id = crate::server::services::templates::copy(&state, &user, template_id).await?;
        crate::server::show_after_plain_form_post(&format!("/templates/{id}"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "templates/retire")]
pub async fn retire_template(template_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::templates::retire(&state, &user, template_id).await?;
        crate::server::show_after_plain_form_post("/templates");
        Ok(())
    })
    .await
}

/// The template filled in for a draft (patient, today, specialist, appointment type), to insert
/// at the editor's cursor.
#[server(endpoint = "templates/fill")]
pub async fn fill_template(template_id: Uuid, record_id: Uuid) -> Result<String, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::templates::fill_for_note(&state, &user, template_id, record_id).await
    })
    .await
}
