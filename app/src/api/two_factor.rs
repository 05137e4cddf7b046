//! Two-factor sign-in for staff: set up and turned off on the account page, the second step of
//! sign-in (and set-up during sign-in when the clinic requires it), an admin's reset, and the
//! clinic's switch.

use crate::error::AppError;
pub use crate::model::auth::CurrentUser;
pub use crate::model::two_factor::*;
use leptos::prelude::*;
use uuid::Uuid;

/// Codes are short; anything longer is refused before it is looked at.
#[cfg(feature = "ssr")]
fn bounded(code: &str) -> Result<&str, AppError> {
    if code.len() > crate::domain::two_factor::MAX_CODE_INPUT {
        return Err(AppError::invalid("code", "That is not a code."));
    }
    Ok(code)
}

#[server(endpoint = "two-factor/status")]
pub async fn my_two_factor() -> Result<TwoFactorStatus, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::two_factor::status(&state, user.user_id).await
    })
    .await
}

/// A new secret to add to an authenticator app (replacing one not yet confirmed).
#[server(endpoint = "two-factor/start")]
pub async fn start_two_factor() -> Result<EnrolmentStart, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::two_factor::start_enrolment(&state, user.user_id, &user.email).await
    })
    .await
}

/// Confirms the set-up with the app's current code; answers the recovery codes, once.
#[server(endpoint = "two-factor/confirm")]
pub async fn confirm_two_factor(code: String) -> Result<RecoveryCodes, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let codes =
            crate::server::services::two_factor::confirm_enrolment(&state, user.user_id, bounded(&code)?).await?;
        Ok(RecoveryCodes { codes })
    })
    .await
}

/// Needs the current password and a code (from the app or a recovery code).
#[server(endpoint = "two-factor/disable")]
pub async fn disable_two_factor(current_password: String, code: String) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::auth::disable_two_factor(&state, &user, current_password, bounded(&code)?).await
    })
    .await
}

/// New recovery codes (the old ones stop working); needs the current password and a code.
/// Answers the new codes, once.
#[server(endpoint = "two-factor/new-recovery-codes")]
pub async fn new_recovery_codes(current_password: String, code: String) -> Result<RecoveryCodes, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let codes =
            crate::server::auth::replace_recovery_codes(&state, &user, current_password, bounded(&code)?).await?;
        Ok(RecoveryCodes { codes })
    })
    .await
}

/// For a staff member who lost their phone and their recovery codes: they sign in with their
/// password alone next time (and set it up again if the clinic requires it). Audited.
#[server(endpoint = "two-factor/reset")]
pub async fn reset_two_factor(user_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (admin, state) = crate::server::caller().await?;
        crate::server::services::two_factor::remove(&state, admin.user_id, user_id, "TWO_FACTOR_RESET").await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "clinic/two-factor-rule")]
pub async fn clinic_two_factor_rule() -> Result<bool, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        crate::server::db::two_factor::required_by_clinic(&state.pool).await
    })
    .await
}

#[server(endpoint = "clinic/set-two-factor-rule")]
pub async fn set_clinic_two_factor_rule(required: bool) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (admin, state) = crate::server::caller().await?;
        crate::server::services::two_factor::set_required_by_clinic(&state, admin.user_id, required).await
    })
    .await
}

/// The second step of a staff sign-in, after the right password.
#[server(endpoint = "auth/second-step")]
pub async fn submit_sign_in_code(code: String) -> Result<CurrentUser, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::optional_caller().await?;
        let user = crate::server::auth::second_step(&state, bounded(&code)?).await?;
        crate::server::show_after_plain_form_post(user.landing_path());
        Ok(user)
    })
    .await
}

/// Set-up during sign-in, when the clinic requires it: the secret for the app.
#[server(endpoint = "auth/enrol-start")]
pub async fn start_sign_in_enrolment() -> Result<EnrolmentStart, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::optional_caller().await?;
        crate::server::auth::start_pending_enrolment(&state).await
    })
    .await
}

/// Set-up during sign-in, confirmed: the session starts and the recovery codes are shown.
#[server(endpoint = "auth/enrol-confirm")]
pub async fn confirm_sign_in_enrolment(code: String) -> Result<EnrolledSignIn, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::optional_caller().await?;
        crate::server::auth::confirm_pending_enrolment(&state, bounded(&code)?).await
    })
    .await
}
