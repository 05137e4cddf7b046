use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::navigation::home_path;
use crate::domain::role::Role;
use crate::error::AppError;

/// The signed-in person, as pages need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: Uuid,
    pub role: Role,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub must_change_password: bool,
}

impl CurrentUser {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Where to go after signing in: the role's home, or the password page first.
    pub fn landing_path(&self) -> &'static str {
        if self.must_change_password {
            "/account/password"
        } else {
            home_path(self.role)
        }
    }
}

/// The signed-in person with what the header shows about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub user: CurrentUser,
    pub unread_notifications: i64,
}

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
pub async fn login(email: String, password: String) -> Result<CurrentUser, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::optional_caller().await?;
        crate::server::auth::sign_in(&state, &email, password).await
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
