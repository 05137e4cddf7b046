//! Booking through the real router: free slots, the friendly conflict, cancellation rules,
//! status changes, notifications, and 100 simultaneous bookings of one slot.

use crate::common;

use std::time::{Duration as StdDuration, Instant};

use app::api::scheduling::SLOT_TAKEN;
use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Europe::Madrid;
use common::clinic::Clinic;
use common::scheduling::{book, future_monday, madrid, open_every_day, signed_in, slots};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn the_week_shows_free_slots_in_the_specialists_zone(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let monday = future_monday();
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let week = slots(&mut patient, clinic.specialist_id, "Initial consultation", monday, &[]).await;
    assert_eq!(week.status, 200, "{}", week.body);
    let week = week.json();
    assert_eq!(week["time_zone"], "Europe/Madrid");
    let days = week["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let monday_slots: Vec<&str> =
        days[0]["slots"].as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect();
    // 60-minute appointments every 15 minutes from 09:00, the last one ending at 17:00.
    assert_eq!(monday_slots.first(), Some(&"09:00"));
    assert_eq!(monday_slots.last(), Some(&"16:00"));
    assert_eq!(monday_slots.len(), 29);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_books_a_free_slot_and_both_sides_are_notified(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let start = madrid(future_monday(), 10, 0);
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let booked = book(&mut patient, &clinic, start, "Follow-up").await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    let id: uuid::Uuid = serde_json::from_value(booked.json()).unwrap();

    let (status, end, created_by): (String, DateTime<Utc>, Option<uuid::Uuid>) =
        sqlx::query_as("select status, end_datetime, created_by from appointments where appointment_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "Pending");
    assert_eq!(end - start, Duration::minutes(30));
    assert_eq!(created_by, Some(clinic.patient.user_id));
    let actor: Option<uuid::Uuid> =
        sqlx::query_scalar("select user_id from audit_logs where table_name = 'appointments' and record_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(actor, Some(clinic.patient.user_id));

    let titles: Vec<(uuid::Uuid, String)> =
        sqlx::query_as("select user_id, title from notifications order by title").fetch_all(&pool).await.unwrap();
    assert!(titles.contains(&(clinic.patient.user_id, "Appointment requested".into())), "{titles:?}");
    assert!(titles.contains(&(clinic.specialist.user_id, "New booking request".into())), "{titles:?}");
    assert!(titles.contains(&(clinic.family.user_id, "Appointment requested".into())), "family follows: {titles:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn taken_off_grid_and_closed_times_are_refused_clearly(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let monday = future_monday();
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    assert_eq!(book(&mut patient, &clinic, madrid(monday, 10, 0), "Initial consultation").await.status, 200);

    let taken = book(&mut patient, &clinic, madrid(monday, 10, 30), "Follow-up").await;
    assert_eq!(taken.status, 409);
    assert_eq!(taken.json()["Conflict"], SLOT_TAKEN);
    let off_grid = book(&mut patient, &clinic, madrid(monday, 11, 7), "Follow-up").await;
    assert_eq!(off_grid.status, 400, "{}", off_grid.body);
    let closed = book(&mut patient, &clinic, madrid(monday, 18, 0), "Follow-up").await;
    assert_eq!(closed.status, 400);
    assert!(closed.body.contains("outside the specialist's working hours"), "{}", closed.body);
    let unknown_type = book(&mut patient, &clinic, madrid(monday, 12, 0), "Massage").await;
    assert_eq!(unknown_type.status, 400);
    let rows: i64 =
        sqlx::query_scalar("select count(*) from appointments where start_datetime > now() + interval '7 days'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rows, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_hundred_simultaneous_bookings_of_one_slot_make_one_appointment(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let start = madrid(future_monday(), 11, 0);
    let patient = signed_in(&pool, clinic.patient.email).await;
    let clinic = std::sync::Arc::new(clinic);
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let mut client = patient.clone();
        let clinic = clinic.clone();
        tasks.push(tokio::spawn(async move {
            let began = Instant::now();
            let response = book(&mut client, &clinic, start, "Follow-up").await;
            (response.status.as_u16(), response.body, began.elapsed())
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let won = outcomes.iter().filter(|(status, _, _)| *status == 200).count();
    let taken = outcomes.iter().filter(|(status, body, _)| *status == 409 && body.contains(SLOT_TAKEN)).count();
    assert_eq!((won, taken), (1, 99), "{:?}", outcomes.iter().map(|o| o.0).collect::<Vec<_>>());
    let rows: i64 = sqlx::query_scalar("select count(*) from appointments where start_datetime = $1")
        .bind(start)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);

    let mut latencies: Vec<StdDuration> = outcomes.iter().map(|o| o.2).collect();
    latencies.sort();
    println!(
        "100 simultaneous bookings of one slot: p50 {:?}, p99 {:?}, max {:?}",
        latencies[49], latencies[98], latencies[99]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn patients_cancel_with_notice_and_staff_confirm_by_the_state_machine(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let booked = book(&mut patient, &clinic, madrid(future_monday(), 9, 0), "Follow-up").await;
    let id = booked.json().as_str().unwrap().to_string();

    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let confirm = specialist.call("appointments/set-status", &[("appointment_id", &id), ("status", "Confirmed")]).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    let early = specialist.call("appointments/set-status", &[("appointment_id", &id), ("status", "Completed")]).await;
    assert_eq!(early.status, 409, "not before it starts");
    let confirmed: i64 =
        sqlx::query_scalar("select count(*) from notifications where user_id = $1 and title = 'Appointment confirmed'")
            .bind(clinic.patient.user_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(confirmed, 1);

    let mine = patient.call("appointments/mine", &[]).await.json();
    let listed = mine.as_array().unwrap().iter().find(|a| a["appointment_id"] == id.as_str()).unwrap().clone();
    assert_eq!(listed["status"], "Confirmed");
    assert_eq!(listed["can_change"], true);
    let cancel = patient.call("appointments/cancel", &[("appointment_id", &id), ("reason", "Travelling")]).await;
    assert_eq!(cancel.status, 200, "{}", cancel.body);
    let (status, reason): (String, Option<String>) =
        sqlx::query_as("select status, cancellation_reason from appointments where appointment_id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), reason.as_deref()), ("Canceled", Some("Travelling")));
    let again = specialist.call("appointments/set-status", &[("appointment_id", &id), ("status", "Confirmed")]).await;
    assert_eq!(again.status, 409, "nothing leaves Canceled");

    // Tomorrow's appointment is inside the 24-hour notice: the patient must call instead.
    let late = clinic.appointment_id.to_string();
    let refused = patient.call("appointments/cancel", &[("appointment_id", &late), ("reason", "")]).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("24 hours"), "{}", refused.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_staff_week_shows_only_the_specialists_own_appointments(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let tomorrow = (Utc::now() + Duration::days(1)).with_timezone(&Madrid).date_naive();
    let monday = tomorrow - Duration::days(tomorrow.weekday().num_days_from_monday().into());
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let week = specialist.call("calendar/view", &[("view", "week"), ("anchor", &monday.to_string())]).await;
    assert_eq!(week.status, 200, "{}", week.body);
    let appointments = week.json()["appointments"].as_array().unwrap().clone();
    assert_eq!(appointments.len(), 1);
    assert_eq!(appointments[0]["appointment_id"], clinic.appointment_id.to_string());
    let other = clinic.specialist_id.to_string();
    let mut someone_else = signed_in(&pool, clinic.other_specialist.email).await;
    let peek = someone_else
        .call("calendar/view", &[("view", "week"), ("anchor", &monday.to_string()), ("specialist_id", &other)])
        .await;
    assert_eq!(peek.status, 404);
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let everyone = admin.call("calendar/view", &[("view", "week"), ("anchor", &monday.to_string())]).await.json();
    assert_eq!(everyone["appointments"].as_array().unwrap().len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn specialists_edit_their_hours_and_bad_weeks_change_nothing(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let before: i64 = sqlx::query_scalar("select count(*) from availability_blocks").fetch_one(&pool).await.unwrap();

    let overlapping = serde_json::json!({ "specialist_id": null, "blocks": [
        { "day_of_week": 1, "start": "09:00", "end": "12:00" },
        { "day_of_week": 1, "start": "11:00", "end": "14:00" },
    ]});
    let refused = specialist.call_json("availability/save-week", overlapping).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("overlaps another block on Monday"), "{}", refused.body);
    let after: i64 = sqlx::query_scalar("select count(*) from availability_blocks").fetch_one(&pool).await.unwrap();
    assert_eq!(after, before, "nothing changed");

    let week = serde_json::json!({ "specialist_id": null, "blocks": [
        { "day_of_week": 1, "start": "09:00", "end": "12:00" },
        { "day_of_week": 3, "start": "15:00", "end": "18:30" },
    ]});
    assert_eq!(specialist.call_json("availability/save-week", week).await.status, 200);
    let loaded = specialist.call("availability/get", &[]).await.json();
    assert_eq!(loaded["weekly"].as_array().unwrap().len(), 2);
    assert_eq!(loaded["weekly"][1]["end"], "18:30");

    // A day off removes that Monday's slots.
    let monday = future_monday();
    let off = specialist
        .call(
            "availability/add-exception",
            &[("date", &monday.to_string()), ("day_off", "true"), ("start", ""), ("end", "")],
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    let week = slots(&mut specialist, clinic.specialist_id, "Follow-up", monday, &[]).await.json();
    assert_eq!(week["days"][0]["slots"].as_array().unwrap().len(), 0, "Monday is off");
    assert!(!week["days"][2]["slots"].as_array().unwrap().is_empty(), "Wednesday afternoon is open");
    assert_eq!(week["days"][1]["slots"].as_array().unwrap().len(), 0, "Tuesday is no longer a working day");

    // Another specialist cannot touch these hours.
    let mut other = signed_in(&pool, clinic.other_specialist.email).await;
    let specialist_id = clinic.specialist_id.to_string();
    let peek = other.call("availability/get", &[("specialist_id", &specialist_id)]).await;
    assert_eq!(peek.status, 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn admins_set_the_booking_rules_and_types_and_bad_input_changes_nothing(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let before = common::clinic::data_fingerprint(&pool).await;
    let bad = serde_json::json!({ "rules": { "time_zone": "Mars/Olympus", "buffer_minutes": 500,
        "minimum_notice_minutes": 0, "patient_change_notice_hours": 24, "auto_confirm": false, "slot_step_minutes": 7, "booking_horizon_months": 12, "max_upcoming_appointments": 10 } });
    let refused = admin.call_json("clinic/save-rules", bad).await;
    assert_eq!(refused.status, 400);
    for field in ["time_zone", "buffer_minutes", "slot_step_minutes"] {
        assert!(refused.body.contains(field), "{field} is named: {}", refused.body);
    }
    let short =
        admin.call("clinic/save-type", &[("name", " "), ("duration_minutes", "2"), ("is_active", "true")]).await;
    assert_eq!(short.status, 400);
    assert_eq!(common::clinic::data_fingerprint(&pool).await, before, "nothing changed");

    // Hour-long steps: the free starts of a 09:00-17:00 day fall on the hour.
    let hourly = serde_json::json!({ "rules": { "time_zone": "Europe/Madrid", "buffer_minutes": 0,
        "minimum_notice_minutes": 0, "patient_change_notice_hours": 24, "auto_confirm": true, "slot_step_minutes": 60, "booking_horizon_months": 12, "max_upcoming_appointments": 10 } });
    assert_eq!(admin.call_json("clinic/save-rules", hourly).await.status, 200);
    let added =
        admin.call("clinic/save-type", &[("name", "Cupping"), ("duration_minutes", "45"), ("is_active", "true")]).await;
    assert_eq!(added.status, 200, "{}", added.body);
    let setup = admin.call("clinic/setup", &[]).await.json();
    assert_eq!(setup["rules"]["slot_step_minutes"], 60);
    assert!(setup["types"].as_array().unwrap().iter().any(|t| t["name"] == "Cupping" && t["duration_minutes"] == 45));
    let monday = future_monday();
    let week = slots(&mut admin, clinic.specialist_id, "Cupping", monday, &[]).await.json();
    let labels: Vec<&str> =
        week["days"][0]["slots"].as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]);

    // Retired types can no longer be booked.
    let retired = admin
        .call("clinic/save-type", &[("name", "Cupping"), ("duration_minutes", "45"), ("is_active", "false")])
        .await;
    assert_eq!(retired.status, 200);
    let refused = book(&mut admin, &clinic, madrid(monday, 9, 0), "Cupping").await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where table_name in ('clinic_settings', 'appointment_types')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 3, "every change is audited");
}
