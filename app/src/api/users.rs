//! Account administration (admins only).

use crate::domain::user_form::UserForm;
use crate::error::AppError;
pub use crate::model::users::*;
use leptos::prelude::*;
use uuid::Uuid;

/// `search` matches name or email; `role` and `status` ("active"/"inactive") filter when set.
#[server(endpoint = "users/list")]
pub async fn list_users(search: String, role: String, status: String, page: i64) -> Result<UserPage, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        if search.chars().count() > MAX_SEARCH_CHARS {
            return Err(AppError::invalid("search", format!("Search with at most {MAX_SEARCH_CHARS} characters.")));
        }
        let page = page.clamp(1, MAX_PAGE);
        crate::server::db::users::list(&state.pool, &search, &role, &status, page).await
    })
    .await
}

#[server(endpoint = "users/get")]
pub async fn get_user(user_id: Uuid) -> Result<UserDetail, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        crate::server::services::users::detail(&state, user_id).await
    })
    .await
}

/// Patients to choose from (linking a family member, booking on someone's behalf): admins see
/// every active patient, a specialist the patients they treat.
#[server(endpoint = "users/patient-options")]
pub async fn patient_options() -> Result<Vec<PatientOption>, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::db::users::patient_options(&state.pool, &user).await
    })
    .await
}

#[server(endpoint = "users/create", input = server_fn::codec::Json)]
pub async fn create_user(form: UserForm) -> Result<IssuedPassword, AppError> {
    crate::server::respond(async move {
        let (admin, state) = crate::server::caller().await?;
        crate::server::services::users::create(&state, admin.user_id, &form).await
    })
    .await
}

#[server(endpoint = "users/update", input = server_fn::codec::Json)]
pub async fn update_user(user_id: Uuid, form: UserForm) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (admin, state) = crate::server::caller().await?;
        crate::server::services::users::update(&state, admin.user_id, user_id, &form).await
    })
    .await
}

/// Deactivating ends the person's sessions at once; their history stays.
#[server(endpoint = "users/set-active")]
pub async fn set_user_active(user_id: Uuid, active: bool) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (admin, state) = crate::server::caller().await?;
        crate::server::services::users::set_active(&state, admin.user_id, user_id, active).await
    })
    .await
}

/// Issues a temporary password; the person must choose a new one at next sign-in.
#[server(endpoint = "users/reset-password")]
pub async fn reset_password(user_id: Uuid) -> Result<IssuedPassword, AppError> {
    crate::server::respond(async move {
        let (admin, state) = crate::server::caller().await?;
        crate::server::services::users::reset_password(&state, admin.user_id, user_id).await
    })
    .await
}
