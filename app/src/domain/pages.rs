//! The one table of pages: path, title, who may open it, and its label in the main navigation.
//! The page wrapper (`components::page::Page`) takes its title and role gate from here, and the
//! header's navigation is derived from it, so a page's roles are written once.

use super::role::Role;

/// Who may open a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAccess {
    /// Anyone, signed in or not (or the page decides itself, as the forced password change does).
    Anyone,
    /// Signed-in people with one of these roles; others see "not allowed" (or "please sign in").
    Roles(&'static [Role]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// The route, as the router writes it (`:id` for a parameter).
    pub path: &'static str,
    pub title: &'static str,
    pub access: PageAccess,
    /// The label in the main navigation, for pages that are in it.
    pub nav: Option<&'static str>,
}

const ADMIN: &[Role] = &[Role::Admin];
const STAFF: &[Role] = &[Role::Specialist, Role::Admin];
const SIGNED_IN: &[Role] = &Role::ALL;

const fn page(path: &'static str, title: &'static str, access: PageAccess, nav: Option<&'static str>) -> PageInfo {
    PageInfo { path, title, access, nav }
}

use PageAccess::{Anyone, Roles};

/// Every page, in the order the navigation shows them.
pub const PAGES: &[PageInfo] = &[
    page("/", "Our specialists", Anyone, Some("Our specialists")),
    page("/admin", "Dashboard", Roles(ADMIN), Some("Dashboard")),
    page("/specialist", "Today", Roles(&[Role::Specialist]), Some("Today")),
    page("/my-care", "My care", Roles(&[Role::Patient]), Some("My care")),
    page("/family", "The people I help", Roles(&[Role::FamilyMember]), Some("The people I help")),
    page("/admin/users", "Users", Roles(ADMIN), Some("Users")),
    // Family members book from their home, for one patient at a time (`/book?for=…`).
    page("/book", "Book an appointment", Roles(&[Role::Patient, Role::FamilyMember]), Some("Book")),
    page("/calendar", "Calendar", Roles(STAFF), Some("Calendar")),
    page("/patients", "Patients", Roles(STAFF), Some("Patients")),
    page("/availability", "Working hours", Roles(STAFF), Some("Hours")),
    page("/templates", "Note templates", Roles(STAFF), Some("Templates")),
    page("/materials", "Education library", Roles(STAFF), Some("Library")),
    page("/admin/settings", "Clinic settings", Roles(ADMIN), Some("Settings")),
    page("/admin/emergency-access", "Emergency access", Roles(ADMIN), Some("Emergency access")),
    page("/admin/family", "Family links", Roles(ADMIN), Some("Family links")),
    page("/account", "My account", Roles(SIGNED_IN), Some("My account")),
    page("/admin/users/new", "New user", Roles(ADMIN), None),
    page("/admin/database", "Database health", Roles(ADMIN), None),
    page("/admin/audit", "Audit log", Roles(ADMIN), None),
    page("/admin/users/:id", "Edit user", Roles(ADMIN), None),
    page("/patients/:id", "Chart", Roles(STAFF), None),
    page("/my-care/record-views", "Who viewed my record", Roles(&[Role::Patient]), None),
    page("/my-care/appointments", "My appointments", Roles(&[Role::Patient]), None),
    page("/my-care/details", "My details", Roles(&[Role::Patient]), None),
    page("/my-care/notes", "Clinical notes", Roles(&[Role::Patient, Role::FamilyMember]), None),
    page("/notes/:id", "Clinical note", Roles(SIGNED_IN), None),
    page("/notes/:id/edit", "Write a note", Roles(&[Role::Specialist]), None),
    page("/notes/:id/print", "Print a note", Roles(SIGNED_IN), None),
    page("/templates/:id", "Edit a template", Roles(STAFF), None),
    page("/materials/:id", "Material", Roles(STAFF), None),
    page("/materials/:id/edit", "Edit a material", Roles(STAFF), None),
    page("/my-care/materials", "Materials", Roles(&[Role::Patient, Role::FamilyMember]), None),
    page("/my-care/materials/:id", "Material", Roles(SIGNED_IN), None),
    page("/my-care/family", "Family access", Roles(&[Role::Patient]), None),
    page("/notifications", "Notifications", Roles(SIGNED_IN), None),
    page("/login", "Sign in", Anyone, None),
    // The second step of a staff sign-in, and set-up during sign-in: nobody is signed in yet.
    page("/login/code", "Two-factor sign-in", Anyone, None),
    page("/login/enrol", "Set up two-factor sign-in", Anyone, None),
    // For every signed-in account, but it decides itself: the role gate sends accounts that must
    // change their password here, so it cannot stand in front of this page.
    page("/account/password", "Choose a new password", Anyone, None),
];

/// The page registered at `path` (the route pattern, not a concrete address).
pub fn page_info(path: &str) -> Option<&'static PageInfo> {
    PAGES.iter().find(|p| p.path == path)
}

impl PageInfo {
    /// Whether someone with `role` (None: signed out) may open the page.
    pub fn admits(&self, role: Option<Role>) -> bool {
        match (self.access, role) {
            (Anyone, _) => true,
            (Roles(roles), Some(role)) => roles.contains(&role),
            (Roles(_), None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_absolute() {
        let mut paths: Vec<_> = PAGES.iter().map(|p| p.path).collect();
        assert!(paths.iter().all(|p| p.starts_with('/')));
        paths.sort();
        let count = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), count);
    }

    #[test]
    fn every_route_is_in_the_table_and_every_page_has_a_route() {
        // The router (lib.rs) and the table must name the same paths.
        let router = include_str!("../lib.rs");
        let mut routed: Vec<String> = router
            .split("<Route")
            .skip(1)
            // `<Route` and then a space or a line break (the formatter breaks long ones); not `<Routes`.
            .filter(|route| route.starts_with(char::is_whitespace))
            .filter_map(|route| route.split_once("path!(\"").map(|(_, rest)| rest))
            .filter_map(|rest| rest.split_once('"').map(|(path, _)| path))
            .map(|path| if path.is_empty() { "/".to_string() } else { path.to_string() })
            .collect();
        routed.sort();
        let mut table: Vec<String> = PAGES.iter().map(|p| p.path.to_string()).collect();
        table.sort();
        assert_eq!(routed, table);
    }

    #[test]
    fn administration_is_for_admins_only() {
        for page in PAGES.iter().filter(|p| p.path.starts_with("/admin")) {
            for role in Role::ALL {
                assert_eq!(page.admits(Some(role)), role == Role::Admin, "{} {role}", page.path);
            }
            assert!(!page.admits(None));
        }
    }
}
