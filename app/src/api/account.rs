use crate::error::AppError;
pub use crate::model::account::*;
use leptos::prelude::*;

#[server(endpoint = "account/profile")]
pub async fn my_profile() -> Result<AccountProfile, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::users::own_profile(&state, user).await
    })
    .await
}

/// Needs the current password, so a session left open cannot be turned into a takeover; that
/// check is throttled like sign-in. Other sessions of the account end, and so does its calendar
/// feed link; this session continues.
#[server(endpoint = "account/change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::server::password::{check_chosen_password, hash_password};
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        check_chosen_password(&new_password).map_err(|message| AppError::invalid("new_password", message))?;
        if new_password != confirm_password {
            return Err(AppError::invalid("confirm_password", "The two new passwords differ."));
        }
        if new_password == current_password {
            return Err(AppError::invalid("new_password", "Choose a password different from the current one."));
        }
        crate::server::auth::check_current_password(&state, &user, current_password).await?;
        let hash = hash_password(new_password).await?;
        let mut tx = crate::server::audit::begin_as(&state.pool, user.user_id).await?;
        let epoch = crate::server::db::users::set_password(&mut tx, user.user_id, &hash, false).await?;
        tx.commit().await?;
        crate::server::auth::keep_this_session(user.user_id, epoch).await
    })
    .await
}

/// Ends every session of the account, this one included, and its calendar feed link.
#[server(endpoint = "account/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let mut tx = crate::server::audit::begin_as(&state.pool, user.user_id).await?;
        crate::server::db::users::bump_session_epoch(&mut tx, user.user_id).await?;
        tx.commit().await?;
        crate::server::auth::sign_out(&state, &user).await
    })
    .await
}
