//! Server functions, one module per area. Each one is thin: authenticate, authorize,
//! validate, query, audit, return a DTO.
//!
//! Every server function has an explicit, stable endpoint `/api/<area>/<verb>` and an entry in
//! [`ENDPOINTS`], which says who may call it. The server enforces that table before anything
//! else (`server::auth::authorize`), `server routes` prints it, and a test fails when a server
//! function is missing from it. Record-level rules (whose patient is this?) come on top, in
//! `server::policy`.

pub mod account;
pub mod auth;
pub mod availability;
pub mod calendar;
pub mod clinic;
pub mod feeds;
pub mod home;
pub mod patients;
pub mod scheduling;
pub mod specialists;
pub mod users;

use crate::domain::role::Role;

/// Who may call an endpoint at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Only these roles (record-level rules may narrow it further).
    Roles(&'static [Role]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The part after `/api/`.
    pub name: &'static str,
    pub access: Access,
    /// Callable while the account must still replace a temporary password.
    pub allowed_before_password_change: bool,
}

pub const API_PREFIX: &str = "/api";

const ALL_ROLES: &[Role] = &Role::ALL;
const ADMIN: &[Role] = &[Role::Admin];
const STAFF: &[Role] = &[Role::Admin, Role::Specialist];
/// Who has a calendar feed of their own appointments.
const FEED_OWNERS: &[Role] = &[Role::Specialist, Role::Patient];

const fn public(name: &'static str) -> Endpoint {
    Endpoint { name, access: Access::Public, allowed_before_password_change: true }
}

const fn roles(name: &'static str, roles: &'static [Role]) -> Endpoint {
    Endpoint { name, access: Access::Roles(roles), allowed_before_password_change: false }
}

const fn during_password_change(endpoint: Endpoint) -> Endpoint {
    Endpoint { allowed_before_password_change: true, ..endpoint }
}

pub const ENDPOINTS: &[Endpoint] = &[
    public("specialists/list"),
    public("auth/me"),
    public("auth/login"),
    during_password_change(roles("auth/logout", ALL_ROLES)),
    during_password_change(roles("account/profile", ALL_ROLES)),
    during_password_change(roles("account/change-password", ALL_ROLES)),
    roles("account/sign-out-everywhere", ALL_ROLES),
    roles("home/admin-summary", ADMIN),
    roles("home/specialist-today", &[Role::Specialist]),
    roles("home/my-care", &[Role::Patient]),
    roles("home/family", &[Role::FamilyMember]),
    roles("patients/get", ALL_ROLES),
    roles("users/list", ADMIN),
    roles("users/get", ADMIN),
    roles("users/create", ADMIN),
    roles("users/update", ADMIN),
    roles("users/set-active", ADMIN),
    roles("users/reset-password", ADMIN),
    roles("users/patient-options", STAFF),
    roles("scheduling/appointment-types", ALL_ROLES),
    roles("scheduling/slots", ALL_ROLES),
    roles("appointments/book", ALL_ROLES),
    roles("appointments/mine", &[Role::Patient, Role::FamilyMember]),
    roles("appointments/cancel", ALL_ROLES),
    roles("appointments/reschedule", ALL_ROLES),
    roles("appointments/set-status", &[Role::Admin, Role::Specialist]),
    roles("calendar/view", STAFF),
    public("notifications/list"),
    roles("availability/get", STAFF),
    roles("availability/save-week", STAFF),
    roles("availability/add-exception", STAFF),
    roles("availability/remove-exception", STAFF),
    roles("notifications/mark-read", ALL_ROLES),
    roles("clinic/setup", ADMIN),
    roles("clinic/save-rules", ADMIN),
    roles("clinic/save-type", ADMIN),
    roles("feeds/status", FEED_OWNERS),
    roles("feeds/create", FEED_OWNERS),
    roles("feeds/revoke", FEED_OWNERS),
];

pub fn endpoint(name: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().find(|e| e.name == name)
}

impl Endpoint {
    pub fn path(&self) -> String {
        format!("{API_PREFIX}/{}", self.name)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_names_are_unique_and_area_slash_verb() {
        let mut names: Vec<_> = ENDPOINTS.iter().map(|e| e.name).collect();
        for name in &names {
            let parts: Vec<_> = name.split('/').collect();
            assert_eq!(parts.len(), 2, "{name}");
            assert!(
                parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '-')),
                "{name}"
            );
        }
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }

    #[test]
    fn unknown_and_role_restricted_endpoints_deny_by_default() {
        assert!(endpoint("users/drop-all").is_none());
        let users = endpoint("users/list").unwrap();
        assert!(users.allows(Some(Role::Admin)));
        for role in [None, Some(Role::Specialist), Some(Role::Patient), Some(Role::FamilyMember)] {
            assert!(!users.allows(role));
        }
    }
}
