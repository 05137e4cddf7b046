//! The care team decides which patients a specialist reaches: booking makes it (for patients,
//! their family and admins), a specialist's own booking or a cancelled appointment never does,
//! and admins see and edit it.

use chrono::Duration;
use serde_json::Value;
use sqlx::PgPool;

use crate::common::clinic::Clinic;
use crate::common::scheduling::{book, future_monday, madrid, open_every_day, signed_in};

async fn team_of(pool: &PgPool, patient_id: uuid::Uuid) -> Vec<(uuid::Uuid, String)> {
    sqlx::query_as("select specialist_id, how from care_team where patient_id = $1 order by specialist_id")
        .bind(patient_id)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_specialist_cannot_book_their_way_into_a_patients_history(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let day = future_monday() + Duration::days(2);
    // The other patient is not on this specialist's team.
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let stranger = clinic.other_patient_id.to_string();
    let attempt = specialist
        .call(
            "appointments/book",
            &[
                ("specialist_id", &clinic.specialist_id.to_string()),
                ("appointment_type", "Follow-up"),
                ("start", &madrid(day, 10, 0).to_rfc3339()),
                ("patient_id", &stranger),
            ],
        )
        .await;
    assert_eq!(attempt.status, 404, "refused like a missing record: {}", attempt.body);
    assert_eq!(team_of(&pool, clinic.other_patient_id).await.len(), 1, "only the other specialist");

    // Even an appointment that exists (made some other way) and was cancelled opens nothing.
    sqlx::query(
        "insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type)
         values ($1, $2, now() + interval '3 days', now() + interval '3 days 30 minutes', 'Canceled', 'Follow-up')",
    )
    .bind(clinic.specialist_id)
    .bind(clinic.other_patient_id)
    .execute(&pool)
    .await
    .unwrap();
    let chart = specialist.call("patients/get", &[("patient_id", &stranger)]).await;
    assert_eq!(chart.status, 404, "{}", chart.body);
    let options = specialist.call("users/patient-options", &[]).await.json();
    let names: Vec<&str> = options.as_array().unwrap().iter().filter_map(|o| o["patient_id"].as_str()).collect();
    assert_eq!(names, vec![clinic.patient_id.to_string()], "only the patients on the team");
}

#[sqlx::test(migrations = "../migrations")]
async fn booking_puts_the_specialist_on_the_team_and_admins_edit_it(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    sqlx::query("delete from care_team").execute(&pool).await.unwrap();
    let day = future_monday() + Duration::days(3);

    // The specialist has no access until the patient books them.
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let patient_id = clinic.patient_id.to_string();
    assert_eq!(specialist.call("patients/get", &[("patient_id", &patient_id)]).await.status, 404);
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let booked = book(&mut patient, &clinic, madrid(day, 10, 0), "Follow-up").await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    assert_eq!(team_of(&pool, clinic.patient_id).await, vec![(clinic.specialist_id, "PatientBooking".to_string())]);
    let chart = specialist.call("patients/get", &[("patient_id", &patient_id)]).await;
    assert_eq!(chart.status, 200, "{}", chart.body);
    assert_eq!(chart.json()["base_medical_history"], "Migraines");

    // Admins see the team, take a specialist off it (access ends) and put them back.
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let listed = admin.call("care-team/list", &[("patient_id", &patient_id)]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.json()[0]["how"], "Booked by the patient");
    let pair = [("patient_id", patient_id.as_str()), ("specialist_id", &clinic.specialist_id.to_string())];
    assert_eq!(admin.call("care-team/remove", &pair).await.status, 200);
    assert_eq!(specialist.call("patients/get", &[("patient_id", &patient_id)]).await.status, 404);
    assert_eq!(admin.call("care-team/remove", &pair).await.status, 404, "nothing left to remove");
    assert_eq!(admin.call("care-team/assign", &pair).await.status, 200);
    assert_eq!(team_of(&pool, clinic.patient_id).await, vec![(clinic.specialist_id, "AdminAssigned".to_string())]);
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_logs where table_name = 'care_team' and user_id = $1")
            .bind(clinic.admin.user_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 2, "the removal and the assignment, with the admin who made them");
    let unknown = [("patient_id", patient_id.as_str()), ("specialist_id", "4f9d2b1c-7a0e-4c1b-9a59-2f7f4b8b2c11")];
    assert_eq!(admin.call("care-team/assign", &unknown).await.status, 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn bookings_stay_within_the_horizon_and_the_upcoming_limit(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let far = future_monday() + Duration::days(7 * 60);
    let too_far = book(&mut patient, &clinic, madrid(far, 10, 0), "Follow-up").await;
    assert_eq!(too_far.status, 400, "{}", too_far.body);
    assert_eq!(too_far.json()["Validation"][0]["field"], "start");
    assert!(too_far.body.contains("12 months ahead"), "{}", too_far.body);
    for absurd in ["+200000-01-01T10:00:00Z", "-5000-01-01T10:00:00Z"] {
        let response = patient
            .call(
                "appointments/book",
                &[
                    ("specialist_id", &clinic.specialist_id.to_string()),
                    ("appointment_type", "Follow-up"),
                    ("start", absurd),
                ],
            )
            .await;
        assert_eq!(response.status, 400, "{absurd}: {}", response.body);
    }
    // The admin widens the horizon; the far date is then fine.
    sqlx::query("update clinic_settings set booking_horizon_months = 24, max_upcoming_appointments = 2")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(book(&mut patient, &clinic, madrid(far, 10, 0), "Follow-up").await.status, 200);
    // The patient already holds one appointment (the clinic's) and now this one: the limit is 2.
    let day = future_monday() + Duration::days(1);
    let third = book(&mut patient, &clinic, madrid(day, 11, 0), "Follow-up").await;
    assert_eq!(third.status, 409, "{}", third.body);
    assert!(third.body.contains("2 upcoming appointments"), "{}", third.body);
    // Staff may still book for the patient.
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    assert_eq!(book(&mut admin, &clinic, madrid(day, 11, 0), "Follow-up").await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_relinked_family_member_starts_without_grants(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    sqlx::query("update family_members set can_book_appointments = true, can_view_medical_records = true")
        .execute(&pool)
        .await
        .unwrap();
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let detail = admin.call("users/get", &[("user_id", &clinic.family.user_id.to_string())]).await.json();
    let mut form = detail["form"].clone();
    form["linked_patient_id"] = Value::String(clinic.other_patient_id.to_string());
    let saved =
        admin.call_json("users/update", serde_json::json!({ "user_id": clinic.family.user_id, "form": form })).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let grants: (uuid::Uuid, bool, bool, bool, bool) = sqlx::query_as(
        "select patient_id, can_view_appointments, can_book_appointments, can_view_materials, can_view_medical_records
         from family_members where user_id = $1",
    )
    .bind(clinic.family.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(grants, (clinic.other_patient_id, false, false, false, false));
}

#[sqlx::test(migrations = "../migrations")]
async fn new_specialists_start_in_the_clinics_zone(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    sqlx::query("update clinic_settings set time_zone = 'America/Bogota'").execute(&pool).await.unwrap();
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let created = admin
        .call_json(
            "users/create",
            serde_json::json!({ "form": { "role": "Specialist", "email": "lin@clinic.example", "first_name": "Lin",
                "last_name": "Wu", "phone": "", "specialty": "Naturopathy", "professional_license": "N-1", "bio": "",
                "date_of_birth": "", "emergency_contact_name": "", "emergency_contact_phone": "",
                "base_medical_history": "", "linked_patient_id": "", "relationship": "" } }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let zone: String = sqlx::query_scalar(
        "select s.time_zone from specialists s join users u on u.user_id = s.user_id where u.email = 'lin@clinic.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(zone, "America/Bogota");
}
