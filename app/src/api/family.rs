//! Family access: the patient grants and revokes; admins link and unlink.

use crate::error::AppError;
pub use crate::model::family::*;
use leptos::prelude::*;
use uuid::Uuid;

/// The signed-in patient's family members and what each may do.
#[server(endpoint = "family/grants")]
pub async fn family_grants() -> Result<Vec<FamilyGrant>, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::family::grants(&state.pool, &user).await
    })
    .await
}

/// The patient sets one family member's grants. A checkbox sends a value when ticked (so the
/// same form works without JavaScript); an empty `access_until` means until revoked.
#[server(endpoint = "family/set-grant")]
pub async fn set_family_grant(
    family_member_id: Uuid,
    view_appointments: Option<String>,
    book_appointments: Option<String>,
    view_materials: Option<String>,
    view_notes: Option<String>,
    access_until: String,
) -> Result<FamilyGrant, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let request = crate::server::services::family::GrantRequest {
            view_appointments: view_appointments.is_some(),
            book_appointments: book_appointments.is_some(),
            view_materials: view_materials.is_some(),
            view_notes: view_notes.is_some(),
            access_until,
        };
        let grant = crate::server::services::family::set_grants(&state.pool, &user, family_member_id, request).await?;
        crate::server::show_after_plain_form_post("/my-care/family?done=saved");
        Ok(grant)
    })
    .await
}

#[server(endpoint = "family/links")]
pub async fn family_links(search: String, page: i64) -> Result<FamilyLinkPage, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        crate::server::services::family::links(&state.pool, &search, page).await
    })
    .await
}

#[server(endpoint = "family/link")]
pub async fn link_family_member(
    family_email: String,
    patient_email: String,
    relationship: String,
) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::family::link(&state.pool, &user, &family_email, &patient_email, &relationship).await?;
        crate::server::show_after_plain_form_post("/admin/family?done=linked");
        Ok(())
    })
    .await
}

#[server(endpoint = "family/unlink")]
pub async fn unlink_family_member(family_member_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::family::unlink(&state.pool, &user, family_member_id).await?;
        crate::server::show_after_plain_form_post("/admin/family?done=unlinked");
        Ok(())
    })
    .await
}
