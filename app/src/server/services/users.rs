//! Account administration rules: a new account gets a temporary password it must change, an
//! account keeps the role it was created with (its profile table depends on it), and a
//! patient's clinical details are sealed with their own key in the same transaction.

use chrono::Utc;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::user_form::{parse_user_form, Profile, UserForm, ValidUser};
use crate::error::AppError;
use crate::model::account::AccountProfile;
use crate::model::auth::CurrentUser;
use crate::model::users::{IssuedPassword, UserDetail};
use crate::server::audit::begin_as;
use crate::server::crypto::MasterKeys;
use crate::server::db::users as db;
use crate::server::password::{hash_password, temporary_password};
use crate::server::services::patient_vault::{self, ClinicalDetails};
use crate::server::state::AppState;

fn parse(form: &UserForm) -> Result<ValidUser, AppError> {
    parse_user_form(form, Utc::now().date_naive()).map_err(AppError::Validation)
}

/// The profile row, then (for a patient) the sealed clinical details.
async fn save_profile(
    tx: &mut PgConnection,
    keys: &MasterKeys,
    user_id: Uuid,
    profile: &Profile,
) -> Result<(), AppError> {
    let patient_id = db::save_profile(tx, user_id, profile).await?;
    if let (
        Some(patient_id),
        Profile::Patient { emergency_contact_name, emergency_contact_phone, base_medical_history, .. },
    ) = (patient_id, profile)
    {
        let details = ClinicalDetails {
            emergency_contact_name: emergency_contact_name.clone(),
            emergency_contact_phone: emergency_contact_phone.clone(),
            base_medical_history: base_medical_history.clone(),
        };
        patient_vault::save_details(tx, keys, patient_id, details).await?;
    }
    Ok(())
}

/// Creates the account and its profile in one transaction (nothing is half-saved); the
/// temporary password is shown once to the admin.
pub async fn create(state: &AppState, admin_id: Uuid, form: &UserForm) -> Result<IssuedPassword, AppError> {
    let user = parse(form)?;
    let temporary_password = temporary_password();
    let hash = hash_password(temporary_password.clone()).await?;
    let mut tx = begin_as(&state.pool, admin_id).await?;
    let user_id = db::insert(&mut tx, admin_id, &user, &hash).await?;
    save_profile(&mut tx, &state.keys, user_id, &user.profile).await?;
    tx.commit().await?;
    Ok(IssuedPassword { user_id, temporary_password })
}

pub async fn update(state: &AppState, admin_id: Uuid, user_id: Uuid, form: &UserForm) -> Result<(), AppError> {
    let user = parse(form)?;
    let current_role = db::role_of(&state.pool, user_id).await?.ok_or(AppError::NotFound)?;
    if current_role != user.role {
        return Err(AppError::invalid("role", "The role of an account cannot change; create a new account instead."));
    }
    let mut tx = begin_as(&state.pool, admin_id).await?;
    db::update(&mut tx, user_id, &user).await?;
    save_profile(&mut tx, &state.keys, user_id, &user.profile).await?;
    tx.commit().await?;
    Ok(())
}

/// The account as its edit form shows it, a patient's clinical details opened for the admin.
pub async fn detail(state: &AppState, user_id: Uuid) -> Result<UserDetail, AppError> {
    let row = db::detail(&state.pool, user_id).await?;
    let mut detail = row.detail;
    if let Some(patient_id) = detail.patient_id {
        let mut conn = state.pool.acquire().await?;
        let opened = patient_vault::open_details(&mut conn, &state.keys, patient_id, row.sealed).await?.or_empty();
        detail.form.emergency_contact_name = opened.emergency_contact_name.unwrap_or_default();
        detail.form.emergency_contact_phone = opened.emergency_contact_phone.unwrap_or_default();
        detail.form.base_medical_history = opened.base_medical_history.unwrap_or_default();
    }
    Ok(detail)
}

/// What the account page shows its owner (a patient sees their own emergency contact).
pub async fn own_profile(state: &AppState, user: CurrentUser) -> Result<AccountProfile, AppError> {
    let row = db::own_profile(&state.pool, user.user_id).await?;
    let mut details = row.details;
    if let Some(patient_id) = row.patient_id {
        let mut conn = state.pool.acquire().await?;
        let opened = patient_vault::open_details(&mut conn, &state.keys, patient_id, row.sealed).await?.or_empty();
        if let Some(name) = opened.emergency_contact_name {
            details.push(("Emergency contact".to_string(), name));
        }
    }
    Ok(AccountProfile { user, phone: row.phone, details })
}

/// Deactivating ends the person's sessions at once; an admin cannot lock themselves out.
pub async fn set_active(state: &AppState, admin_id: Uuid, user_id: Uuid, active: bool) -> Result<(), AppError> {
    if admin_id == user_id && !active {
        return Err(AppError::Conflict("You cannot deactivate your own account.".into()));
    }
    db::set_active(&state.pool, admin_id, user_id, active).await
}

/// A new temporary password, which also ends the person's sessions (a new session epoch).
pub async fn reset_password(state: &AppState, admin_id: Uuid, user_id: Uuid) -> Result<IssuedPassword, AppError> {
    let temporary_password = temporary_password();
    let hash = hash_password(temporary_password.clone()).await?;
    let mut tx = begin_as(&state.pool, admin_id).await?;
    db::set_password(&mut tx, user_id, &hash, true).await?;
    tx.commit().await?;
    Ok(IssuedPassword { user_id, temporary_password })
}
