use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The four roles of the clinic. Stored in `users.role` by these exact names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Specialist,
    Patient,
    FamilyMember,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Specialist, Role::Patient, Role::FamilyMember];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Specialist => "Specialist",
            Role::Patient => "Patient",
            Role::FamilyMember => "FamilyMember",
        }
    }

    /// The clinic's own people (they run calendars), as opposed to patients and their family.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Specialist)
    }

    /// How the role is named to people on screen.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Specialist => "Specialist",
            Role::Patient => "Patient",
            Role::FamilyMember => "Family member",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected Admin, Specialist, Patient or FamilyMember")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|role| role.as_str() == value).ok_or_else(|| UnknownRole(value.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }

    #[test]
    fn stored_names_are_case_sensitive_and_exact() {
        assert!("admin".parse::<Role>().is_err());
        assert!("Family Member".parse::<Role>().is_err());
        assert!("".parse::<Role>().is_err());
    }
}
