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

/// Where each role lands after signing in.
pub fn home_path(role: Role) -> &'static str {
    match role {
        Role::Admin => "/admin",
        Role::Specialist => "/specialist",
        Role::Patient => "/my-care",
        Role::FamilyMember => "/family",
    }
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
            item("Hours", "/availability"),
            item("Settings", "/admin/settings"),
        ]),
        Some(Role::Specialist) => {
            items.extend([item("Today", "/specialist"), item("Calendar", "/calendar"), item("Hours", "/availability")])
        }
        Some(Role::Patient) => items.extend([item("My care", "/my-care"), item("Book", "/book")]),
        Some(Role::FamilyMember) => items.push(item("The person I help", "/family")),
    }
    if role.is_some() {
        items.push(item("My account", "/account"));
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
    fn every_role_sees_its_home_and_its_account() {
        for role in Role::ALL {
            let links = hrefs(Some(role));
            assert!(links.contains(&home_path(role)), "{role}");
            assert!(links.contains(&"/account"), "{role}");
        }
    }
}
