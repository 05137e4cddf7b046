//! The admin's user form, parsed into an account with its role's profile. Pure, so the browser
//! could check the same rules; the server always checks them again.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::email::Email;
use super::role::Role;
use crate::error::FieldError;

/// What the form sends: every field as typed (the role decides which ones matter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserForm {
    pub role: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub specialty: String,
    pub professional_license: String,
    pub bio: String,
    pub date_of_birth: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub base_medical_history: String,
    pub linked_patient_id: String,
    pub relationship: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Profile {
    Admin,
    Specialist {
        specialty: String,
        professional_license: String,
        bio: Option<String>,
    },
    Patient {
        date_of_birth: NaiveDate,
        emergency_contact_name: Option<String>,
        emergency_contact_phone: Option<String>,
        base_medical_history: Option<String>,
    },
    FamilyMember {
        patient_id: Uuid,
        relationship: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUser {
    pub role: Role,
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub profile: Profile,
}

fn optional(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn required(errors: &mut Vec<FieldError>, field: &str, value: &str, label: &str, max: usize) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new(field, format!("Enter the {label}.")));
    } else if trimmed.chars().count() > max {
        errors.push(FieldError::new(field, format!("The {label} is at most {max} characters.")));
    }
    trimmed.to_string()
}

fn limited(errors: &mut Vec<FieldError>, field: &str, value: &str, label: &str, max: usize) -> Option<String> {
    let value = optional(value);
    if value.as_ref().is_some_and(|v| v.chars().count() > max) {
        errors.push(FieldError::new(field, format!("The {label} is at most {max} characters.")));
    }
    value
}

/// Checks every field and reports all problems at once. `today` bounds the date of birth.
pub fn parse_user_form(form: &UserForm, today: NaiveDate) -> Result<ValidUser, Vec<FieldError>> {
    let mut errors = Vec::new();
    let role = form.role.parse::<Role>().map_err(|_| FieldError::new("role", "Choose a role."));
    let email = Email::parse(&form.email).map_err(|e| FieldError::new("email", e.to_string()));
    let first_name = required(&mut errors, "first_name", &form.first_name, "first name", 100);
    let last_name = required(&mut errors, "last_name", &form.last_name, "last name", 100);
    let phone = limited(&mut errors, "phone", &form.phone, "phone number", 40);

    let profile = match role {
        Err(ref e) => {
            errors.push(e.clone());
            None
        }
        Ok(Role::Admin) => Some(Profile::Admin),
        Ok(Role::Specialist) => Some(Profile::Specialist {
            specialty: required(&mut errors, "specialty", &form.specialty, "specialty", 100),
            professional_license: required(
                &mut errors,
                "professional_license",
                &form.professional_license,
                "licence number",
                100,
            ),
            bio: optional(&form.bio),
        }),
        Ok(Role::Patient) => {
            let date_of_birth = match NaiveDate::parse_from_str(form.date_of_birth.trim(), "%Y-%m-%d") {
                Ok(date) if date > today => {
                    errors.push(FieldError::new("date_of_birth", "The date of birth cannot be in the future."));
                    None
                }
                Ok(date) if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(date) => {
                    errors.push(FieldError::new("date_of_birth", "Enter a date of birth after 1900."));
                    None
                }
                Ok(date) => Some(date),
                Err(_) => {
                    errors.push(FieldError::new("date_of_birth", "Enter the date of birth as YYYY-MM-DD."));
                    None
                }
            };
            let emergency_contact_name =
                limited(&mut errors, "emergency_contact_name", &form.emergency_contact_name, "contact name", 200);
            let emergency_contact_phone =
                limited(&mut errors, "emergency_contact_phone", &form.emergency_contact_phone, "contact phone", 40);
            date_of_birth.map(|date_of_birth| Profile::Patient {
                date_of_birth,
                emergency_contact_name,
                emergency_contact_phone,
                base_medical_history: optional(&form.base_medical_history),
            })
        }
        Ok(Role::FamilyMember) => {
            let patient_id = Uuid::parse_str(form.linked_patient_id.trim()).ok();
            if patient_id.is_none() {
                errors.push(FieldError::new("linked_patient_id", "Choose the patient this person helps."));
            }
            let relationship = required(&mut errors, "relationship", &form.relationship, "relationship", 50);
            patient_id.map(|patient_id| Profile::FamilyMember { patient_id, relationship })
        }
    };
    if let Err(e) = &email {
        errors.push(e.clone());
    }
    match (role, email, profile) {
        (Ok(role), Ok(email), Some(profile)) if errors.is_empty() => {
            Ok(ValidUser { role, email, first_name, last_name, phone, profile })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn patient() -> UserForm {
        UserForm {
            role: "Patient".into(),
            email: " New.Patient@Example.org ".into(),
            first_name: "Nora".into(),
            last_name: "Vidal".into(),
            date_of_birth: "1990-04-01".into(),
            ..UserForm::default()
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_patient_form_parses_and_normalises() {
        let user = parse_user_form(&patient(), today()).unwrap();
        assert_eq!(user.role, Role::Patient);
        assert_eq!(user.email.as_str(), "new.patient@example.org");
        assert!(matches!(user.profile, Profile::Patient { .. }));
    }

    #[test]
    fn dates_of_birth_must_be_real_and_not_in_the_future() {
        for bad in ["", "01/04/1990", "2026-13-01", "2027-01-01", "1850-01-01"] {
            let form = UserForm { date_of_birth: bad.into(), ..patient() };
            assert_eq!(fields(parse_user_form(&form, today()).unwrap_err()), vec!["date_of_birth"], "{bad}");
        }
    }

    #[test]
    fn specialists_need_specialty_and_licence() {
        let form = UserForm { role: "Specialist".into(), ..patient() };
        assert_eq!(fields(parse_user_form(&form, today()).unwrap_err()), vec!["specialty", "professional_license"]);
    }

    #[test]
    fn family_members_need_a_patient_and_a_relationship() {
        let form = UserForm { role: "FamilyMember".into(), linked_patient_id: "not-a-uuid".into(), ..patient() };
        assert_eq!(fields(parse_user_form(&form, today()).unwrap_err()), vec!["linked_patient_id", "relationship"]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let form = UserForm { role: "Receptionist".into(), email: "nope".into(), ..UserForm::default() };
        assert_eq!(
            fields(parse_user_form(&form, today()).unwrap_err()),
            vec!["first_name", "last_name", "role", "email"]
        );
    }
}
