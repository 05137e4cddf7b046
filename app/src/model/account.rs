//! What the account server functions send and receive (shared with the browser).

use crate::model::auth::CurrentUser;
use serde::{Deserialize, Serialize};

/// The caller's own account, with the profile of their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountProfile {
    pub user: CurrentUser,
    pub phone: Option<String>,
    /// Role-specific lines to show, already labelled ("Specialty", "Acupuncture").
    pub details: Vec<(String, String)>,
}
