//! Account administration rules: a new account gets a temporary password it must change, and
//! an account keeps the role it was created with (its profile table depends on it).

use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::user_form::{parse_user_form, UserForm, ValidUser};
use crate::error::AppError;
use crate::model::users::IssuedPassword;
use crate::server::audit::begin_as;
use crate::server::db::users as db;
use crate::server::password::{hash_password, temporary_password};

fn parse(form: &UserForm) -> Result<ValidUser, AppError> {
    parse_user_form(form, Utc::now().date_naive()).map_err(AppError::Validation)
}

/// Creates the account and its profile; the temporary password is shown once to the admin.
pub async fn create(pool: &PgPool, admin_id: Uuid, form: &UserForm) -> Result<IssuedPassword, AppError> {
    let user = parse(form)?;
    let temporary_password = temporary_password();
    let hash = hash_password(temporary_password.clone()).await?;
    let user_id = db::create(pool, admin_id, &user, &hash).await?;
    Ok(IssuedPassword { user_id, temporary_password })
}

pub async fn update(pool: &PgPool, admin_id: Uuid, user_id: Uuid, form: &UserForm) -> Result<(), AppError> {
    let user = parse(form)?;
    let current_role = db::role_of(pool, user_id).await?.ok_or(AppError::NotFound)?;
    if current_role != user.role {
        return Err(AppError::invalid("role", "The role of an account cannot change; create a new account instead."));
    }
    db::update(pool, admin_id, user_id, &user).await
}

/// Deactivating ends the person's sessions at once; an admin cannot lock themselves out.
pub async fn set_active(pool: &PgPool, admin_id: Uuid, user_id: Uuid, active: bool) -> Result<(), AppError> {
    if admin_id == user_id && !active {
        return Err(AppError::Conflict("You cannot deactivate your own account.".into()));
    }
    db::set_active(pool, admin_id, user_id, active).await
}

/// A new temporary password, which also ends the person's sessions (a new session epoch).
pub async fn reset_password(pool: &PgPool, admin_id: Uuid, user_id: Uuid) -> Result<IssuedPassword, AppError> {
    let temporary_password = temporary_password();
    let hash = hash_password(temporary_password.clone()).await?;
    let mut tx = begin_as(pool, admin_id).await?;
    db::set_password(&mut tx, user_id, &hash, true).await?;
    tx.commit().await?;
    Ok(IssuedPassword { user_id, temporary_password })
}
