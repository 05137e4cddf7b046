//! The endpoint table's entries: a server function's path and who may call it. The table itself
//! (`api::ENDPOINTS`) names each function by its type; the gate reads these entries.

use crate::domain::role::Role;

/// Who may call an endpoint at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Only these roles (record-level rules may narrow it further).
    Roles(&'static [Role]),
}

#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// The full path, `/api/<area>/<verb>`, taken from the server function itself.
    pub path: &'static str,
    pub access: Access,
    /// Callable while the account must still replace a temporary password.
    pub allowed_before_password_change: bool,
    /// Names the argument that made a request body undecodable (the framework's own message
    /// does not say which one).
    #[cfg(feature = "ssr")]
    pub undecodable_field: fn(content_type: &str, body: &[u8]) -> Option<String>,
}

pub const API_PREFIX: &str = "/api";

impl Endpoint {
    /// The part after `/api/`.
    pub fn name(&self) -> &'static str {
        self.path.strip_prefix(API_PREFIX).and_then(|p| p.strip_prefix('/')).unwrap_or(self.path)
    }

    pub fn allows(&self, role: Option<Role>) -> bool {
        match (self.access, role) {
            (Access::Public, _) => true,
            (Access::Roles(allowed), Some(role)) => allowed.contains(&role),
            (Access::Roles(_), None) => false,
        }
    }

    /// How `server routes` names the callers: `public`, or the roles.
    pub fn callers(&self) -> String {
        match self.access {
            Access::Public => "public".to_string(),
            Access::Roles(roles) => roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","),
        }
    }
}
