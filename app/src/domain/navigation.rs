use super::role::Role;

/// One entry of the main navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
}

const fn item(label: &'static str, href: &'static str) -> NavItem {
    NavItem { label, href }
}

/// What the header offers to each role. Showing a link is a convenience only: every page and
/// server function checks the caller's rights on the server again.
pub fn nav_items(role: Option<Role>) -> Vec<NavItem> {
    let mut items = vec![item("Our specialists", "/")];
    match role {
        None => {}
        Some(Role::Admin) => items.extend([
            item("Dashboard", "/admin"),
            item("Users", "/admin/users"),
            item("Calendar", "/calendar"),
            item("Audit log", "/admin/audit"),
        ]),
        Some(Role::Specialist) => items.extend([
            item("Today", "/specialist"),
            item("Calendar", "/calendar"),
            item("Patients", "/patients"),
            item("Templates", "/templates"),
        ]),
        Some(Role::Patient) => {
            items.extend([item("My care", "/my-care"), item("Book", "/book"), item("Materials", "/materials")])
        }
        Some(Role::FamilyMember) => items.extend([item("The person I help", "/family")]),
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hrefs(role: Option<Role>) -> Vec<&'static str> {
        nav_items(role).into_iter().map(|i| i.href).collect()
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
    fn family_members_never_see_clinical_areas() {
        let family = hrefs(Some(Role::FamilyMember));
        assert!(!family.contains(&"/patients"));
        assert!(!family.contains(&"/templates"));
    }
}
