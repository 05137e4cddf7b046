use super::role::Role;

use super::pages::{PageAccess, PAGES};

/// One entry of the main navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
}

/// Where each role lands after signing in.
pub fn home_path(role: Role) -> &'static str {
    match role {
        Role::Admin => "/admin",
        Role::Specialist => "/specialist",
        Role::Patient => "/my-care",
        Role::FamilyMember => "/family",
    }
}

/// What the header offers to each role: the pages of the page table that are in the navigation
/// and that the role may open (public pages for everyone, the signed-in pages not to visitors).
/// Showing a link is a convenience only: every page and server function checks the caller's
/// rights on the server again.
pub fn nav_items(role: Option<Role>) -> Vec<NavItem> {
    PAGES
        .iter()
        .filter(|page| page.admits(role))
        .filter(|page| role.is_some() || page.access == PageAccess::Anyone)
        // A family member books for one patient at a time, from their home page.
        .filter(|page| !(role == Some(Role::FamilyMember) && page.path == "/book"))
        .filter_map(|page| page.nav.map(|label| NavItem { label, href: page.path }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hrefs(role: Option<Role>) -> Vec<&'static str> {
        nav_items(role).into_iter().map(|i| i.href).collect()
    }

    #[test]
    fn each_role_sees_its_pages_in_order() {
        assert_eq!(
            hrefs(Some(Role::Admin)),
            vec![
                "/",
                "/admin",
                "/admin/users",
                "/calendar",
                "/patients",
                "/availability",
                "/templates",
                "/materials",
                "/admin/settings",
                "/admin/emergency-access",
                "/admin/family",
                "/account"
            ]
        );
        assert_eq!(
            hrefs(Some(Role::Specialist)),
            vec!["/", "/specialist", "/calendar", "/patients", "/availability", "/templates", "/materials", "/account"]
        );
        assert_eq!(hrefs(Some(Role::Patient)), vec!["/", "/my-care", "/book", "/account"]);
        // Family members book from their home page, for one patient at a time.
        assert_eq!(hrefs(Some(Role::FamilyMember)), vec!["/", "/family", "/account"]);
    }

    #[test]
    fn anonymous_visitors_see_only_public_pages() {
        assert_eq!(hrefs(None), vec!["/"]);
    }

    #[test]
    fn only_admins_see_administration() {
        for role in Role::ALL {
            let shows_admin = hrefs(Some(role)).iter().any(|h| h.starts_with("/admin"));
            assert_eq!(shows_admin, role == Role::Admin, "{role}");
        }
    }

    #[test]
    fn every_role_sees_its_home_and_its_account() {
        for role in Role::ALL {
            let links = hrefs(Some(role));
            assert!(links.contains(&home_path(role)), "{role}");
            assert!(links.contains(&"/account"), "{role}");
        }
    }
}
