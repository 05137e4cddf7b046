use crate::error::AppError;
pub use crate::model::auth::*;
use leptos::prelude::*;

/// Who is signed in on this browser, if anyone. One call for everything every page needs, so
/// pages wait on one thing only (two separately awaited values raced during server rendering
/// and broke hydration).
#[server(endpoint = "auth/me")]
pub async fn get_current_user() -> Result<Option<SignedIn>, AppError> {
    crate::server::respond(async move {
        let (Some(user), state) = crate::server::optional_caller().await? else {
            return Ok(None);
        };
        let unread_notifications = crate::server::db::scheduling::unread_count(&state.pool, user.user_id).await?;
        Ok(Some(SignedIn { user, unread_notifications }))
    })
    .await
}

#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<SignInStep, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::optional_caller().await?;
        let step = crate::server::auth::sign_in(&state, &email, password).await?;
        crate::server::show_after_plain_form_post(step.next_path());
        Ok(step)
    })
    .await
}

#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::auth::sign_out(&state, &user).await
    })
    .await
}
