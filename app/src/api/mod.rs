//! Server functions, one module per area. Each one is thin: authenticate, authorize,
//! validate, query, audit, return a DTO.
//!
//! Every server function has an explicit, stable endpoint `/api/<area>/<verb>`, written once, in
//! its `#[server]` attribute. [`ENDPOINTS`] names the function by its type (so its path cannot
//! be mistyped) and says who may call it. A layer in front of the server-function routes looks
//! the request's path up in that table before any body runs (deny by default: a path not in it
//! is refused), `server routes` prints it, and a test fails when a server function is missing
//! from it. Record-level rules (whose patient is this?) come on top, in the services.

pub mod account;
pub mod audit_log;
pub mod auth;
pub mod availability;
pub mod calendar;
pub mod care_team;
pub mod clinic;
pub mod database_health;
pub mod emergency_access;
pub mod family;
pub mod feeds;
pub mod home;
pub mod materials;
pub mod notes;
pub mod notifications;
pub mod patients;
pub mod portal;
pub mod retention;
pub mod scheduling;
pub mod specialists;
pub mod templates;
pub mod two_factor;
pub mod users;

use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;

use crate::domain::role::Role;

pub use crate::model::endpoint::{Access, Endpoint, API_PREFIX};

const ALL_ROLES: &[Role] = &Role::ALL;
const ADMIN: &[Role] = &[Role::Admin];
const STAFF: &[Role] = &[Role::Admin, Role::Specialist];
/// Who has a calendar feed of their own appointments.
const FEED_OWNERS: &[Role] = &[Role::Specialist, Role::Patient];

const fn public<F: ServerFn + DeserializeOwned>() -> Endpoint {
    Endpoint { access: Access::Public, allowed_before_password_change: true, ..roles::<F>(&[]) }
}

const fn roles<F: ServerFn + DeserializeOwned>(roles: &'static [Role]) -> Endpoint {
    Endpoint {
        path: F::PATH,
        access: Access::Roles(roles),
        allowed_before_password_change: false,
        #[cfg(feature = "ssr")]
        undecodable_field: crate::server::arguments::undecodable_field::<F>,
    }
}

const fn during_password_change(endpoint: Endpoint) -> Endpoint {
    Endpoint { allowed_before_password_change: true, ..endpoint }
}

pub const ENDPOINTS: &[Endpoint] = &[
    public::<specialists::ListSpecialists>(),
    public::<auth::GetCurrentUser>(),
    public::<auth::Login>(),
    during_password_change(roles::<auth::Logout>(ALL_ROLES)),
    during_password_change(roles::<account::MyProfile>(ALL_ROLES)),
    during_password_change(roles::<account::ChangePassword>(ALL_ROLES)),
    roles::<account::SignOutEverywhere>(ALL_ROLES),
    // Two-factor sign-in: the second step works from the pending state a right password left
    // in the session (no one is signed in yet), so those endpoints are public and refuse
    // (401) without it; setting it up and turning it off are the staff's own.
    public::<two_factor::SubmitSignInCode>(),
    public::<two_factor::StartSignInEnrolment>(),
    public::<two_factor::ConfirmSignInEnrolment>(),
    roles::<two_factor::MyTwoFactor>(STAFF),
    roles::<two_factor::StartTwoFactor>(STAFF),
    roles::<two_factor::ConfirmTwoFactor>(STAFF),
    roles::<two_factor::DisableTwoFactor>(STAFF),
    roles::<two_factor::NewRecoveryCodes>(STAFF),
    roles::<two_factor::ResetTwoFactor>(ADMIN),
    roles::<two_factor::ClinicTwoFactorRule>(ADMIN),
    roles::<two_factor::SetClinicTwoFactorRule>(ADMIN),
    roles::<home::AdminSummary>(ADMIN),
    roles::<home::SpecialistToday>(&[Role::Specialist]),
    roles::<home::MyCare>(&[Role::Patient]),
    roles::<home::FamilyHome>(&[Role::FamilyMember]),
    roles::<patients::GetPatient>(ALL_ROLES),
    roles::<patients::MyPatients>(STAFF),
    roles::<patients::GetChart>(STAFF),
    roles::<patients::WhoViewedMyRecord>(&[Role::Patient]),
    roles::<audit_log::SearchAuditLog>(ADMIN),
    roles::<database_health::ReadDatabaseHealth>(ADMIN),
    roles::<emergency_access::OpenEmergencyAccess>(&[Role::Specialist]),
    roles::<emergency_access::PendingEmergencyAccess>(ADMIN),
    roles::<emergency_access::ReviewEmergencyAccess>(ADMIN),
    roles::<users::ListUsers>(ADMIN),
    roles::<users::GetUser>(ADMIN),
    roles::<users::CreateUser>(ADMIN),
    roles::<users::UpdateUser>(ADMIN),
    roles::<users::SetUserActive>(ADMIN),
    roles::<users::ResetPassword>(ADMIN),
    roles::<users::PatientOptions>(STAFF),
    roles::<scheduling::AppointmentTypes>(ALL_ROLES),
    roles::<scheduling::GetWeekSlots>(ALL_ROLES),
    roles::<scheduling::BookAppointment>(ALL_ROLES),
    roles::<scheduling::MyAppointments>(&[Role::Patient, Role::FamilyMember]),
    roles::<scheduling::CancelAppointment>(ALL_ROLES),
    roles::<scheduling::RescheduleAppointment>(ALL_ROLES),
    roles::<scheduling::SetAppointmentStatus>(&[Role::Admin, Role::Specialist]),
    roles::<calendar::GetStaffCalendar>(STAFF),
    roles::<calendar::PlaceTime>(STAFF),
    public::<scheduling::MyNotifications>(),
    roles::<availability::GetAvailability>(STAFF),
    roles::<availability::SaveWeek>(STAFF),
    roles::<availability::AddException>(STAFF),
    roles::<availability::RemoveException>(STAFF),
    roles::<scheduling::MarkNotificationsRead>(ALL_ROLES),
    roles::<notifications::ListMyNotifications>(ALL_ROLES),
    roles::<notifications::MarkNotificationRead>(ALL_ROLES),
    roles::<portal::ListMyAppointments>(&[Role::Patient]),
    roles::<portal::GetMyDetails>(&[Role::Patient]),
    roles::<portal::SaveMyDetails>(&[Role::Patient]),
    roles::<clinic::GetClinicSetup>(ADMIN),
    roles::<clinic::SaveClinicRules>(ADMIN),
    roles::<clinic::SaveAppointmentType>(ADMIN),
    roles::<retention::GetRetentionOverview>(ADMIN),
    roles::<retention::SaveRetentionSettings>(ADMIN),
    roles::<retention::RetentionDryRun>(ADMIN),
    roles::<feeds::FeedStatus>(FEED_OWNERS),
    roles::<feeds::CreateFeed>(FEED_OWNERS),
    roles::<feeds::RevokeFeed>(FEED_OWNERS),
    roles::<care_team::CareTeam>(ADMIN),
    roles::<care_team::AssignToCareTeam>(ADMIN),
    roles::<care_team::RemoveFromCareTeam>(ADMIN),
    roles::<notes::StartNote>(&[Role::Specialist]),
    roles::<notes::GetDraft>(&[Role::Specialist]),
    roles::<notes::SaveDraft>(&[Role::Specialist]),
    roles::<notes::SignNote>(&[Role::Specialist]),
    roles::<notes::GetNote>(ALL_ROLES),
    roles::<notes::AmendNote>(&[Role::Specialist]),
    roles::<notes::MarkEnteredInError>(&[Role::Specialist]),
    roles::<notes::WithholdNote>(&[Role::Specialist]),
    roles::<notes::OpenNotes>(&[Role::Patient, Role::FamilyMember]),
    roles::<notes::NotesForPatient>(STAFF),
    roles::<notes::RemoveAttachment>(&[Role::Specialist]),
    roles::<templates::ListTemplates>(STAFF),
    roles::<templates::GetTemplate>(STAFF),
    roles::<templates::SaveTemplate>(STAFF),
    roles::<templates::CopyTemplate>(&[Role::Specialist]),
    roles::<templates::RetireTemplate>(STAFF),
    roles::<templates::FillTemplate>(&[Role::Specialist]),
    roles::<family::FamilyGrants>(&[Role::Patient]),
    roles::<family::SetFamilyGrant>(&[Role::Patient]),
    roles::<family::FamilyLinks>(ADMIN),
    roles::<family::LinkFamilyMember>(ADMIN),
    roles::<family::UnlinkFamilyMember>(ADMIN),
    roles::<materials::ListMaterials>(STAFF),
    roles::<materials::GetMaterial>(STAFF),
    roles::<materials::SaveMaterial>(STAFF),
    roles::<materials::RetireMaterial>(STAFF),
    roles::<materials::AssignMaterial>(&[Role::Specialist]),
    roles::<materials::PlanOfPatient>(STAFF),
    roles::<materials::MyMaterials>(&[Role::Patient, Role::FamilyMember]),
    roles::<materials::OpenMaterial>(ALL_ROLES),
    roles::<materials::CompleteMaterial>(&[Role::Patient]),
];

/// The endpoint a request path names, if it is one of ours.
pub fn endpoint(path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().find(|e| e.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_names_are_unique_and_area_slash_verb() {
        let mut names: Vec<_> = ENDPOINTS.iter().map(|e| e.name()).collect();
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
        assert!(endpoint("/api/users/drop-all").is_none());
        assert!(endpoint("users/list").is_none(), "only full paths match");
        let users = endpoint("/api/users/list").unwrap();
        assert!(users.allows(Some(Role::Admin)));
        for role in [None, Some(Role::Specialist), Some(Role::Patient), Some(Role::FamilyMember)] {
            assert!(!users.allows(role));
        }
    }
}
