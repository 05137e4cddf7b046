//! The authorization matrix: every server function, called by every kind of caller, through
//! the real server against real PostgreSQL. Allowed calls must succeed; refused calls
//! must answer like a missing record (401 for anonymous, 404 otherwise) and change nothing.

use crate::common;

use app::api::ENDPOINTS;
use app::server::state::AuthSettings;
use common::clinic::{data_fingerprint, Clinic, PASSWORD};
use common::http::{app_with, Client, Response};
use common::scheduling::{future_monday, madrid, open_every_day};
use serde_json::json;
use sqlx::PgPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    Specialist,
    OtherSpecialist,
    Patient,
    OtherPatient,
    Family,
    OtherFamily,
    /// Last: some admin calls change the records the others are tested against.
    Admin,
}

use Caller::*;
const EVERY_CALLER: [Caller; 8] =
    [Anonymous, Specialist, OtherSpecialist, Patient, OtherPatient, Family, OtherFamily, Admin];
const EXCEPTION_ID: uuid::Uuid = uuid::Uuid::from_u128(0x5e1_0ff);
/// The patient's notification that the matrix marks read.
const NOTIFICATION_ID: uuid::Uuid = uuid::Uuid::from_u128(0x4071_f1ed);
/// The emergency access an admin reviews in the matrix.
const ACCESS_ID: uuid::Uuid = uuid::Uuid::from_u128(0xb4ea_c61a55);
const SIGNED_IN: &[Caller] = &[Specialist, OtherSpecialist, Patient, OtherPatient, Family, OtherFamily, Admin];

pub fn email(clinic: &Clinic, caller: Caller) -> Option<&'static str> {
    Some(match caller {
        Anonymous => return None,
        Admin => clinic.admin.email,
        Specialist => clinic.specialist.email,
        OtherSpecialist => clinic.other_specialist.email,
        Patient => clinic.patient.email,
        OtherPatient => clinic.other_patient.email,
        Family => clinic.family.email,
        OtherFamily => clinic.other_family.email,
    })
}

/// Who may call each endpoint (with the arguments `call` sends: records of "the patient").
pub fn allowed(endpoint: &str) -> &'static [Caller] {
    match endpoint {
        "specialists/list" | "auth/me" | "auth/login" => &EVERY_CALLER,
        // Public: they act on the pending second step a right password left (401 without one).
        "auth/second-step" | "auth/enrol-start" | "auth/enrol-confirm" => &EVERY_CALLER,
        // Two-factor sign-in is for staff; the admin resets it and sets the clinic's rule.
        "two-factor/status"
        | "two-factor/start"
        | "two-factor/confirm"
        | "two-factor/disable"
        | "two-factor/new-recovery-codes" => &[Specialist, OtherSpecialist, Admin],
        "two-factor/reset" | "clinic/two-factor-rule" | "clinic/set-two-factor-rule" => &[Admin],
        "auth/logout" | "account/profile" | "account/change-password" | "account/sign-out-everywhere" => SIGNED_IN,
        "home/admin-summary" => &[Admin],
        "home/specialist-today" => &[Specialist, OtherSpecialist],
        "home/my-care" => &[Patient, OtherPatient],
        "home/family" => &[Family, OtherFamily],
        // Record-level: only those related to the patient.
        "patients/get" => &[Specialist, Patient, Family, Admin],
        // Staff: every specialist has a list (their own care team); a chart only on the care team.
        "patients/mine" => &[Specialist, OtherSpecialist, Admin],
        "patients/chart" => &[Specialist, Admin],
        // Each patient sees who read their own record.
        "patients/record-views" => &[Patient, OtherPatient],
        // Break-the-glass is a specialist's (one on the care team needs none: nothing happens);
        // admins review it.
        "emergency-access/open" => &[Specialist, OtherSpecialist],
        "emergency-access/pending" | "emergency-access/review" => &[Admin],
        "clinic/setup" | "clinic/save-rules" | "clinic/save-type" => &[Admin],
        "retention/overview" | "retention/save-settings" | "retention/dry-run" => &[Admin],
        "care-team/list" | "care-team/assign" | "care-team/remove" => &[Admin],
        "users/list" | "users/get" | "users/create" | "users/update" | "users/set-active" | "users/reset-password" => {
            &[Admin]
        }
        // Admins choose from every patient, a specialist from the patients they treat.
        "users/patient-options" => &[Specialist, OtherSpecialist, Admin],
        // Anonymous callers get an empty list (the header asks on every page).
        "notifications/list" => &EVERY_CALLER,
        "scheduling/appointment-types" | "scheduling/slots" | "notifications/mark-read" => SIGNED_IN,
        // Everyone pages through their own notifications; only its owner marks one read.
        "notifications/page" => SIGNED_IN,
        "notifications/read-one" => &[Patient],
        // The patient portal: each patient their own history and details.
        "appointments/history" | "patients/my-details" | "patients/save-my-details" => &[Patient, OtherPatient],
        // Staff book for any patient, a specialist only in their own calendar; a patient for
        // themself; this family member's grant does not include booking.
        "appointments/book" => &[Specialist, Patient, Admin],
        "appointments/mine" => &[Patient, OtherPatient, Family, OtherFamily],
        "appointments/cancel" | "appointments/reschedule" => &[Specialist, Patient, Admin],
        "appointments/set-status" => &[Specialist, Admin],
        // A specialist sees their own calendar (the other specialist too: theirs).
        "calendar/view" => &[Specialist, OtherSpecialist, Admin],
        // Placing a picked time in a zone reveals nothing; it serves the staff calendar only.
        "calendar/place-time" => &[Specialist, OtherSpecialist, Admin],
        // Everyone with appointments of their own has a feed link.
        "feeds/status" | "feeds/create" | "feeds/revoke" => &[Specialist, OtherSpecialist, Patient, OtherPatient],
        // The specialist's own hours, or an admin; never another specialist's.
        "availability/get"
        | "availability/save-week"
        | "availability/add-exception"
        | "availability/remove-exception" => &[Specialist, Admin],
        // Notes are written by the patient's specialist; a draft is its author's alone.
        "notes/start"
        | "notes/draft"
        | "notes/save"
        | "notes/sign"
        | "notes/amend"
        | "notes/entered-in-error"
        | "notes/withhold"
        | "notes/remove-attachment" => &[Specialist],
        // A signed note: the care team, admins and the patient (this family member has no
        // clinical grant; tests/integration/clinical_notes.rs covers one with it).
        "notes/get" => &[Specialist, Patient, Admin],
        "notes/open-notes" => &[Patient],
        "notes/for-patient" => &[Specialist, Admin],
        "templates/list" | "templates/get" | "templates/save" => &[Specialist, OtherSpecialist, Admin],
        "templates/copy" => &[Specialist, OtherSpecialist],
        // A clinic template is the admins' to change.
        "templates/retire" => &[Admin],
        "templates/fill" => &[Specialist],
        // Each patient decides for their own family links (this one is the patient's).
        "family/grants" => &[Patient, OtherPatient],
        "family/set-grant" => &[Patient],
        "family/links" | "family/link" | "family/unlink" | "admin/database-health" | "audit/search" => &[Admin],
        // The library is the staff's; a material is edited by its author or an admin.
        "materials/list" | "materials/get" => &[Specialist, OtherSpecialist, Admin],
        "materials/save" | "materials/retire" => &[Specialist, Admin],
        // Assigning is the care team's specialist's; the plan is read by the care team and admins.
        "plans/assign" => &[Specialist],
        "plans/for-patient" => &[Specialist, Admin],
        // The patient, and this family member (whose grant includes materials).
        "plans/mine" => &[Patient, Family],
        "plans/open" => &[Specialist, Patient, Family, Admin],
        "plans/complete" => &[Patient],
        other => panic!("the authorization matrix does not cover {other}: add it here"),
    }
}

/// A free time in the specialist's week three weeks ahead (they work every day, 09-17).
fn bookable_start(hour: u32) -> chrono::DateTime<chrono::Utc> {
    madrid(future_monday() + chrono::Duration::days(1), hour, 0)
}

/// Calls that an allowed caller makes and that, by design, do not succeed: the reason is the
/// test's point, and it is the same for every caller.
fn refused_by_design(endpoint: &str) -> Option<u16> {
    match endpoint {
        // A wrong password: refused alike for everyone (the refusal must not tell who exists).
        "auth/login" => Some(400),
        // No right password came first: there is no pending second step to act on.
        "auth/second-step" | "auth/enrol-start" | "auth/enrol-confirm" => Some(401),
        // Nothing set up to confirm / not turned on: a code cannot be right.
        "two-factor/confirm" | "two-factor/disable" | "two-factor/new-recovery-codes" => Some(400),
        _ => None,
    }
}

/// Puts back what an allowed caller's call changed, so the next caller finds the same state:
/// the appointment Pending, at its time, and no appointment booked at the matrix's time.
async fn reset_between_callers(pool: &PgPool, clinic: &Clinic) {
    sqlx::query(
        "update appointments set status = 'Pending', cancellation_reason = null,
                start_datetime = now() + interval '1 day', end_datetime = now() + interval '1 day 1 hour'
         where appointment_id = $1",
    )
    .bind(clinic.appointment_id)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("delete from appointments where appointment_id <> $1 and specialist_id = $2")
        .bind(clinic.appointment_id)
        .bind(clinic.specialist_id)
        .execute(pool)
        .await
        .unwrap();
}

/// A server function's arguments, as its client encodes them.
#[derive(Debug, Clone)]
pub enum Arguments {
    Form(Vec<(String, String)>),
    Json(serde_json::Value),
}

fn form(pairs: &[(&str, &str)]) -> Arguments {
    Arguments::Form(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

pub async fn send(client: &mut Client, endpoint: &str, arguments: &Arguments) -> Response {
    match arguments {
        Arguments::Form(pairs) => {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            client.call(endpoint, &pairs).await
        }
        Arguments::Json(value) => client.call_json(endpoint, value.clone()).await,
    }
}

async fn call(client: &mut Client, clinic: &Clinic, endpoint: &str) -> Response {
    send(client, endpoint, &arguments(clinic, endpoint)).await
}

/// Valid arguments for each endpoint, about "the patient" and "the specialist".
pub fn arguments(clinic: &Clinic, endpoint: &str) -> Arguments {
    let patient_user = clinic.patient.user_id.to_string();
    let patient_id = clinic.patient_id.to_string();
    match endpoint {
        "auth/login" => form(&[("email", "nobody@clinic.example"), ("password", "wrong password")]),
        "auth/second-step" | "auth/enrol-confirm" | "two-factor/confirm" => form(&[("code", "123456")]),
        "two-factor/disable" | "two-factor/new-recovery-codes" => {
            form(&[("current_password", PASSWORD), ("code", "123456")])
        }
        "two-factor/reset" => form(&[("user_id", &clinic.specialist.user_id.to_string())]),
        "clinic/set-two-factor-rule" => form(&[("required", "false")]),
        "account/change-password" => form(&[
            ("current_password", PASSWORD),
            ("new_password", "a new password 123"),
            ("confirm_password", "a new password 123"),
        ]),
        "patients/get" | "patients/chart" | "care-team/list" => form(&[("patient_id", &patient_id)]),
        "patients/mine" => form(&[("search", ""), ("page", "1")]),
        "patients/record-views" => form(&[("page", "1")]),
        "notifications/page" => form(&[("before", ""), ("unread_only", "false")]),
        "notifications/read-one" => form(&[("notification_id", &NOTIFICATION_ID.to_string())]),
        "appointments/history" => form(&[("before", "")]),
        "patients/save-my-details" => form(&[
            ("phone", "+34 600 111 222"),
            ("address", "Calle Mayor 1, Madrid"),
            ("emergency_contact_name", "Pablo Ruiz"),
            ("emergency_contact_phone", "+34 600 999 888"),
        ]),
        "emergency-access/open" => form(&[("patient_id", &patient_id), ("reason", "Covering the clinic tonight")]),
        "emergency-access/review" => form(&[("access_id", &ACCESS_ID.to_string())]),
        "care-team/assign" | "care-team/remove" => {
            form(&[("patient_id", &patient_id), ("specialist_id", &clinic.specialist_id.to_string())])
        }
        "users/get" | "users/reset-password" => form(&[("user_id", &patient_user)]),
        "users/set-active" => form(&[("user_id", &patient_user), ("active", "false")]),
        "users/list" => form(&[("search", ""), ("role", ""), ("status", ""), ("page", "1")]),
        "scheduling/slots" => {
            let specialist_id = clinic.specialist_id.to_string();
            form(&[("specialist_id", &specialist_id), ("appointment_type", "Follow-up"), ("week_start", "2030-01-07")])
        }
        "appointments/book" => {
            let specialist_id = clinic.specialist_id.to_string();
            let start = bookable_start(10).to_rfc3339();
            let args = [
                ("specialist_id", specialist_id.as_str()),
                ("appointment_type", "Follow-up"),
                ("start", start.as_str()),
                ("patient_id", patient_id.as_str()),
            ];
            form(&args)
        }
        "appointments/cancel" => {
            let id = clinic.appointment_id.to_string();
            form(&[("appointment_id", &id), ("reason", "Matrix")])
        }
        "appointments/set-status" => {
            let id = clinic.appointment_id.to_string();
            form(&[("appointment_id", &id), ("status", "Confirmed")])
        }
        "calendar/view" => form(&[("view", "week"), ("anchor", "2030-01-07")]),
        "calendar/place-time" => form(&[("time_zone", "Europe/Madrid"), ("date", "2030-01-07"), ("time", "10:00")]),
        "clinic/save-rules" => {
            let rules = json!({ "time_zone": "Europe/Madrid", "buffer_minutes": 10, "minimum_notice_minutes": 60,
                "patient_change_notice_hours": 12, "auto_confirm": true, "slot_step_minutes": 30, "booking_horizon_months": 12, "max_upcoming_appointments": 10 });
            Arguments::Json(json!({ "rules": rules }))
        }
        "clinic/save-type" => form(&[("name", "Cupping"), ("duration_minutes", "45"), ("is_active", "true")]),
        "retention/save-settings" => {
            Arguments::Json(json!({ "settings": { "audit_years": 10, "notification_days": 365,
            "sign_in_days": 90, "cancelled_appointment_days": 730, "clinical_years": 10 } }))
        }
        "appointments/reschedule" => {
            let id = clinic.appointment_id.to_string();
            form(&[("appointment_id", &id), ("start", &bookable_start(11).to_rfc3339())])
        }
        "availability/get" => form(&[("specialist_id", &clinic.specialist_id.to_string())]),
        "availability/save-week" => {
            let blocks = json!([{ "day_of_week": 1, "start": "09:00", "end": "12:00" }]);
            Arguments::Json(json!({ "specialist_id": clinic.specialist_id, "blocks": blocks }))
        }
        "availability/add-exception" => {
            let id = clinic.specialist_id.to_string();
            let args = [
                ("specialist_id", id.as_str()),
                ("date", "2031-01-07"),
                ("day_off", "true"),
                ("start", ""),
                ("end", ""),
            ];
            form(&args)
        }
        "availability/remove-exception" => form(&[("availability_block_id", &EXCEPTION_ID.to_string())]),
        "notes/start" => form(&[("patient_id", &patient_id)]),
        "notes/draft" => form(&[("record_id", &clinic.draft_note_id.to_string())]),
        "notes/save" => {
            let id = clinic.draft_note_id.to_string();
            let today = chrono::Utc::now().date_naive().to_string();
            let args = [
                ("record_id", id.as_str()),
                ("revision", "1"),
                ("record_date", today.as_str()),
                ("diagnosis", "Tension headache"),
                ("treatment", "Acupuncture"),
                ("body", "## Plan\n\nRest."),
            ];
            form(&args)
        }
        "notes/sign" => form(&[("record_id", &clinic.draft_note_id.to_string()), ("revision", "1")]),
        "notes/get" | "notes/entered-in-error" => {
            form(&[("record_id", &clinic.signed_note_id.to_string()), ("reason", "Wrong patient")])
        }
        "notes/amend" => form(&[
            ("record_id", &clinic.signed_note_id.to_string()),
            ("reason", "Dose corrected"),
            ("body", "The dose was 2 mg."),
        ]),
        "notes/withhold" => {
            form(&[("record_id", &clinic.signed_note_id.to_string()), ("reason", "Third-party information")])
        }
        "notes/open-notes" | "notes/for-patient" => form(&[("patient_id", &patient_id), ("page", "1")]),
        "notes/remove-attachment" => form(&[("file_id", &clinic.draft_file_id.to_string())]),
        "templates/get" | "templates/copy" | "templates/retire" => {
            form(&[("template_id", &clinic.template_id.to_string())])
        }
        "templates/save" => {
            form(&[("name", "Follow-up visit"), ("template_type", "Follow-up"), ("content", "## Since last time")])
        }
        "templates/fill" => {
            form(&[("template_id", &clinic.template_id.to_string()), ("record_id", &clinic.draft_note_id.to_string())])
        }
        "family/set-grant" => form(&[
            ("family_member_id", &clinic.family_member_id.to_string()),
            ("view_appointments", "on"),
            ("view_materials", "on"),
            ("access_until", ""),
        ]),
        "family/links" => form(&[("search", ""), ("page", "1")]),
        "admin/database-health" => form(&[]),
        "audit/search" => form(&[("filter[action]", "UPDATE")]),
        "family/link" => form(&[
            ("family_email", clinic.other_family.email),
            ("patient_email", clinic.patient.email),
            ("relationship", "Aunt"),
        ]),
        "family/unlink" => form(&[("family_member_id", &clinic.family_member_id.to_string())]),
        "materials/list" => {
            form(&[("query", "sleep"), ("material_type", ""), ("tag", ""), ("include_retired", "false"), ("page", "1")])
        }
        "materials/get" | "materials/retire" => form(&[("material_id", &clinic.material_id.to_string())]),
        "materials/save" => form(&[
            ("material_id", &clinic.material_id.to_string()),
            ("title", "Sleep hygiene, revised"),
            ("description", "Dim the lights an hour before bed."),
            ("material_type", "Article"),
            ("content_url", "https://materials.example/sleep"),
            ("publish_date", ""),
            ("tags", "sleep, routine"),
        ]),
        "plans/assign" => form(&[
            ("patient_id", &patient_id),
            ("material_id", &clinic.material_id.to_string()),
            ("comment", "Every evening."),
            ("release_date", ""),
        ]),
        "plans/for-patient" | "plans/mine" => form(&[("patient_id", &patient_id), ("page", "1")]),
        "plans/open" => form(&[("assignment_id", &clinic.assignment_id.to_string())]),
        "plans/complete" => form(&[("assignment_id", &clinic.assignment_id.to_string()), ("note", "Done, thanks.")]),
        "users/create" => Arguments::Json(
            json!({ "form": { "role": "Patient", "email": "new.patient@patients.example", "first_name": "New", "last_name": "Patient",
                        "phone": "", "specialty": "", "professional_license": "", "bio": "", "date_of_birth": "2000-01-01",
                        "emergency_contact_name": "", "emergency_contact_phone": "", "base_medical_history": "",
                        "linked_patient_id": "", "relationship": "" } }),
        ),
        "users/update" => Arguments::Json(
            json!({ "user_id": patient_user, "form": { "role": "Patient", "email": clinic.patient.email, "first_name": "Renamed", "last_name": "Patient",
                        "phone": "", "specialty": "", "professional_license": "", "bio": "", "date_of_birth": "1984-03-14",
                        "emergency_contact_name": "", "emergency_contact_phone": "", "base_medical_history": "",
                        "linked_patient_id": "", "relationship": "" } }),
        ),
        _ => form(&[]),
    }
}

async fn check_endpoint(pool: PgPool, endpoint: &str) {
    let clinic = Clinic::create(&pool).await;
    let router = app_with(pool.clone(), AuthSettings { login_attempts_per_minute: 10_000, ..AuthSettings::default() });
    let may_call = allowed(endpoint);
    // The specialist works every day and patients may change appointments up to their start,
    // so the allowed calls below can all succeed.
    open_every_day(&pool, &clinic).await;
    sqlx::query("update clinic_settings set patient_change_notice_hours = 0, minimum_notice_minutes = 0")
        .execute(&pool)
        .await
        .unwrap();
    for caller in EVERY_CALLER {
        reset_between_callers(&pool, &clinic).await;
        let mut client = Client::new(router.clone());
        if let Some(email) = email(&clinic, caller) {
            let login = client.login(email, PASSWORD).await;
            assert_eq!(login.status, 200, "{caller:?} signs in: {}", login.body);
        }
        if endpoint == "availability/remove-exception" {
            // Each caller gets the exception to remove (an allowed one removes it).
            sqlx::query(
                "insert into availability_blocks (availability_block_id, specialist_id, day_of_week, exception_date, is_available)
                 values ($1, $2, 1, '2031-01-06', false) on conflict do nothing",
            )
            .bind(EXCEPTION_ID)
            .bind(clinic.specialist_id)
            .execute(&pool)
            .await
            .unwrap();
        }
        if endpoint == "notifications/read-one" {
            // Each caller finds the patient's notification unread (the patient marks it).
            sqlx::query(
                "insert into notifications (notification_id, user_id, title, message, notification_type)
                 values ($1, $2, 'Matrix', 'Matrix notification', 'Test')
                 on conflict (notification_id) do update set is_read = false, read_at = null",
            )
            .bind(NOTIFICATION_ID)
            .bind(clinic.patient.user_id)
            .execute(&pool)
            .await
            .unwrap();
        }
        if endpoint == "emergency-access/review" {
            // Each caller finds the access waiting for review (an allowed one marks it).
            sqlx::query(
                "insert into emergency_access (access_id, specialist_id, patient_id, reason, expires_at)
                 values ($1, $2, $3, 'Matrix emergency reason', now() + interval '4 hours')
                 on conflict (access_id) do update set reviewed_by = null, reviewed_at = null",
            )
            .bind(ACCESS_ID)
            .bind(clinic.specialist_id)
            .bind(clinic.other_patient_id)
            .execute(&pool)
            .await
            .unwrap();
        }
        let before = data_fingerprint(&pool).await;
        let response = call(&mut client, &clinic, endpoint).await;
        if may_call.contains(&caller) {
            // Allowed means it works: the call succeeds (with its effect, which the other tests
            // check in detail), not merely "was not refused".
            let expected = refused_by_design(endpoint);
            let status = response.status.as_u16();
            assert!(
                expected.map_or((200..300).contains(&status), |code| code == status),
                "{endpoint}: {caller:?} must succeed, got {status} {}",
                response.body
            );
        } else {
            let expected = if caller == Anonymous { 401 } else { 404 };
            assert_eq!(response.status.as_u16(), expected, "{endpoint}: {caller:?} must be refused: {}", response.body);
            assert_eq!(data_fingerprint(&pool).await, before, "{endpoint}: a refused {caller:?} changed data");
        }
    }
}

macro_rules! matrix {
    ($($test:ident => $endpoint:literal,)*) => {
        $(
            #[sqlx::test(migrations = "../migrations")]
            async fn $test(pool: PgPool) {
                check_endpoint(pool, $endpoint).await;
            }
        )*

        const COVERED: &[&str] = &[$($endpoint),*];
    };
}

with_every_endpoint!(matrix);

#[test]
fn every_server_function_is_in_the_endpoint_table_and_the_matrix() {
    let mut registered: Vec<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    registered.sort();
    registered.dedup();
    let mut declared: Vec<String> = ENDPOINTS.iter().map(|e| e.path.to_string()).collect();
    declared.sort();
    assert_eq!(registered, declared, "server functions and api::ENDPOINTS differ");
    let mut covered: Vec<String> = COVERED.iter().map(|e| format!("/api/{e}")).collect();
    covered.sort();
    assert_eq!(covered, declared, "the matrix must cover every endpoint");
}
