//! What the auth server functions send and receive (shared with the browser).

use crate::domain::navigation::home_path;
use crate::domain::role::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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

/// Where a sign-in stands after the password was right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInStep {
    /// Signed in.
    SignedIn(CurrentUser),
    /// Staff with two-factor sign-in: a code from their app (or a recovery code) comes next.
    CodeNeeded,
    /// Staff without it while the clinic requires it: they set it up before they get a session.
    EnrolmentNeeded,
}

impl SignInStep {
    /// The page that comes next.
    pub fn next_path(&self) -> &'static str {
        match self {
            SignInStep::SignedIn(user) => user.landing_path(),
            SignInStep::CodeNeeded => "/login/code",
            SignInStep::EnrolmentNeeded => "/login/enrol",
        }
    }
}
