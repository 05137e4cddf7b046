//! What each kind of person reaches, beyond the endpoint table: family members within their
//! grants only, nothing after a link is removed or an account deactivated, and lists that hold
//! only the caller's own rows.

use chrono::Duration;
use serde_json::Value;
use sqlx::PgPool;

use crate::common::clinic::Clinic;
use crate::common::scheduling::{book, future_monday, madrid, open_every_day, signed_in};

fn appointment_ids(response: &Value) -> Vec<String> {
    response.as_array().unwrap().iter().map(|a| a["appointment_id"].as_str().unwrap().to_string()).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn family_members_act_within_their_grants_and_not_after_the_link_ends(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let day = future_monday() + Duration::days(2);
    let mut family = signed_in(&pool, clinic.family.email).await;

    // Seeing appointments is granted by default; booking is not.
    let mine = family.call("appointments/mine", &[]).await;
    assert_eq!(appointment_ids(&mine.json()), vec![clinic.appointment_id.to_string()]);
    assert_eq!(book(&mut family, &clinic, madrid(day, 10, 0), "Follow-up").await.status, 404);
    let chart = family.call("patients/get", &[("patient_id", &clinic.patient_id.to_string())]).await;
    assert_eq!(chart.status, 200);
    assert!(chart.json()["base_medical_history"].is_null(), "no clinical data without that grant");

    // With the booking grant, the family member books for the patient.
    sqlx::query("update family_members set can_book_appointments = true where user_id = $1")
        .bind(clinic.family.user_id)
        .execute(&pool)
        .await
        .unwrap();
    let booked = book(&mut family, &clinic, madrid(day, 10, 0), "Follow-up").await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    let booked_for: uuid::Uuid =
        sqlx::query_scalar("select patient_id from appointments where appointment_id = $1::uuid")
            .bind(booked.json().as_str().unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(booked_for, clinic.patient_id);

    // Without a grant to see or book appointments (booking includes seeing them) the list is
    // empty; the other family's patient is never in it.
    sqlx::query(
        "update family_members set can_view_appointments = false, can_book_appointments = false where user_id = $1",
    )
    .bind(clinic.family.user_id)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(appointment_ids(&family.call("appointments/mine", &[]).await.json()), Vec::<String>::new());

    // The link removed: nothing of the patient is reachable any more.
    sqlx::query("delete from family_members where user_id = $1")
        .bind(clinic.family.user_id)
        .execute(&pool)
        .await
        .unwrap();
    let chart = family.call("patients/get", &[("patient_id", &clinic.patient_id.to_string())]).await;
    assert_eq!(chart.status, 404);
    assert_eq!(book(&mut family, &clinic, madrid(day, 11, 0), "Follow-up").await.status, 404);
    assert_eq!(family.call("home/family", &[]).await.json(), serde_json::json!({ "patients": [], "selected": null }));
}

#[sqlx::test(migrations = "../migrations")]
async fn lists_hold_only_the_callers_rows(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let mine = patient.call("appointments/mine", &[]).await.json();
    assert_eq!(appointment_ids(&mine), vec![clinic.appointment_id.to_string()], "not the other patient's");
    let care = patient.call("home/my-care", &[]).await.json();
    let upcoming: Vec<&str> =
        care["upcoming"].as_array().unwrap().iter().map(|a| a["appointment_id"].as_str().unwrap()).collect();
    assert_eq!(upcoming, vec![clinic.appointment_id.to_string()]);

    let mut other_family = signed_in(&pool, clinic.other_family.email).await;
    let helped = other_family.call("home/family", &[]).await.json();
    let patients: Vec<&str> =
        helped["patients"].as_array().unwrap().iter().map(|p| p["patient_id"].as_str().unwrap()).collect();
    assert_eq!(patients, vec![clinic.other_patient_id.to_string()]);
    let theirs = other_family.call("appointments/mine", &[]).await.json();
    assert!(!appointment_ids(&theirs).contains(&clinic.appointment_id.to_string()));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deactivated_account_reaches_nothing(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let patient_id = clinic.patient_id.to_string();
    assert_eq!(specialist.call("patients/get", &[("patient_id", &patient_id)]).await.status, 200);
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let off = admin
        .call("users/set-active", &[("user_id", &clinic.specialist.user_id.to_string()), ("active", "false")])
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    for (endpoint, args) in [
        ("patients/get", vec![("patient_id", patient_id.as_str())]),
        ("calendar/view", vec![("view", "week")]),
        ("home/specialist-today", vec![]),
    ] {
        assert_eq!(specialist.call(endpoint, &args).await.status, 401, "{endpoint}");
    }
}
