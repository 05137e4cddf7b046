//! Moving appointments (patients within the rules, staff anywhere free, overbooking only with
//! a reason), booking on a patient's behalf, the staff calendar's views, and the private
//! calendar feeds, all through the real router against real PostgreSQL.

use crate::common;

use app::api::scheduling::SLOT_TAKEN;
use axum::body::Body;
use axum::http::Request;
use chrono::{DateTime, Duration, Utc};
use common::clinic::Clinic;
use common::http::Client;
use common::scheduling::{book, future_monday, madrid, open_every_day, signed_in, slots};
use common::{count, insert_appointment};
use sqlx::PgPool;
use uuid::Uuid;

async fn times_of(pool: &PgPool, id: Uuid) -> (DateTime<Utc>, DateTime<Utc>, String, Option<String>) {
    sqlx::query_as(
        "select start_datetime, end_datetime, status, overbook_reason from appointments where appointment_id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn reschedule(
    client: &mut Client,
    id: Uuid,
    start: DateTime<Utc>,
    reason: Option<&str>,
) -> common::http::Response {
    let id = id.to_string();
    let start = start.to_rfc3339();
    let mut args = vec![("appointment_id", id.as_str()), ("start", start.as_str())];
    if let Some(reason) = reason {
        args.push(("overbook_reason", reason));
    }
    client.call("appointments/reschedule", &args).await
}

/// A confirmed appointment of the clinic's patient with its specialist.
async fn appointment(pool: &PgPool, clinic: &Clinic, start: DateTime<Utc>, minutes: i64) -> Uuid {
    let mut conn = pool.acquire().await.unwrap();
    insert_appointment(
        &mut conn,
        clinic.specialist_id,
        clinic.patient_id,
        start,
        start + Duration::minutes(minutes),
        "Confirmed",
    )
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_moves_their_appointment_to_a_free_time(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let day = future_monday() + Duration::days(1);
    let id = appointment(&pool, &clinic, madrid(day, 10, 0), 30).await;
    let mut patient = signed_in(&pool, clinic.patient.email).await;

    let moved = reschedule(&mut patient, id, madrid(day, 11, 30), None).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert!(moved.body.contains("11:30–12:00"), "{}", moved.body);
    let (start, end, status, reason) = times_of(&pool, id).await;
    assert_eq!((start, end), (madrid(day, 11, 30), madrid(day, 12, 0)), "same length, new time");
    assert_eq!(status, "Pending", "the clinic confirms the new time again");
    assert_eq!(reason, None);
    let notified: i64 = sqlx::query_scalar("select count(*) from notifications where title = 'Appointment moved'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(notified, 3, "the patient, the family member who follows them, the specialist");
    let audited: (Option<Uuid>, serde_json::Value) = sqlx::query_as(
        "select user_id, new_values from audit_logs where table_name = 'appointments' and action = 'UPDATE' and record_id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited.0, Some(clinic.patient.user_id), "the move is audited with its actor");

    // A move that overlaps its own old time is fine (its own time counts as free).
    let shifted = reschedule(&mut patient, id, madrid(day, 11, 45), None).await;
    assert_eq!(shifted.status, 200, "{}", shifted.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn patients_cannot_take_busy_times_overbook_or_move_late(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let day = future_monday() + Duration::days(2);
    let id = appointment(&pool, &clinic, madrid(day, 10, 0), 30).await;
    appointment(&pool, &clinic, madrid(day, 12, 0), 60).await;
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let mut other = signed_in(&pool, clinic.other_patient.email).await;
    let before = common::clinic::data_fingerprint(&pool).await;

    let busy = reschedule(&mut patient, id, madrid(day, 12, 30), None).await;
    assert_eq!(busy.status, 409, "{}", busy.body);
    assert!(busy.body.contains(SLOT_TAKEN), "{}", busy.body);
    let closed = reschedule(&mut patient, id, madrid(day, 20, 0), None).await;
    assert_eq!(closed.status, 400);
    assert!(closed.body.contains("outside the specialist's working hours"), "{}", closed.body);
    let off_grid = reschedule(&mut patient, id, madrid(day, 14, 7), None).await;
    assert_eq!(off_grid.status, 400);
    let overbook = reschedule(&mut patient, id, madrid(day, 12, 0), Some("I insist")).await;
    assert_eq!(overbook.status, 404, "only staff may overbook: {}", overbook.body);
    // Tomorrow's appointment is inside the 24-hour notice.
    let late = reschedule(&mut patient, clinic.appointment_id, madrid(day, 15, 0), None).await;
    assert_eq!(late.status, 409);
    assert!(late.body.contains("24 hours"), "{}", late.body);
    // Someone else's appointment: as if it did not exist.
    assert_eq!(reschedule(&mut other, id, madrid(day, 15, 0), None).await.status, 404);
    assert_eq!(common::clinic::data_fingerprint(&pool).await, before, "nothing changed");
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_overbook_only_with_a_reason_and_it_is_audited(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let day = future_monday() + Duration::days(3);
    let first = appointment(&pool, &clinic, madrid(day, 10, 0), 60).await;
    let second = appointment(&pool, &clinic, madrid(day, 12, 0), 30).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;

    // Staff may drop on any free quarter, not only the slot grid.
    let free = reschedule(&mut specialist, second, madrid(day, 13, 15), None).await;
    assert_eq!(free.status, 200, "{}", free.body);
    assert_eq!(times_of(&pool, second).await.2, "Confirmed", "staff moves keep the status");

    let overlap = reschedule(&mut specialist, second, madrid(day, 10, 30), None).await;
    assert_eq!(overlap.status, 409, "{}", overlap.body);
    let blank = reschedule(&mut specialist, second, madrid(day, 10, 30), Some("   ")).await;
    assert_eq!(blank.status, 400);
    assert!(blank.body.contains("Give a reason"), "{}", blank.body);

    let overbooked = reschedule(&mut specialist, second, madrid(day, 10, 30), Some("Urgent pain, squeezed in")).await;
    assert_eq!(overbooked.status, 200, "{}", overbooked.body);
    let (start, _, status, reason) = times_of(&pool, second).await;
    assert_eq!((start, status.as_str()), (madrid(day, 10, 30), "Confirmed"));
    assert_eq!(reason.as_deref(), Some("Urgent pain, squeezed in"));
    let first_still = times_of(&pool, first).await;
    assert_eq!(first_still.2, "Confirmed", "both stay active, knowingly overlapping");
    let audited: serde_json::Value = sqlx::query_scalar(
        "select new_values from audit_logs where record_id = $1 and action = 'UPDATE' order by created_at desc limit 1",
    )
    .bind(second)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited["overbook_reason"], "Urgent pain, squeezed in");

    // The other specialist cannot move it at all.
    let mut other = signed_in(&pool, clinic.other_specialist.email).await;
    assert_eq!(reschedule(&mut other, first, madrid(day, 15, 0), None).await.status, 404);
    // A canceled appointment does not move.
    sqlx::query("update appointments set status = 'Canceled' where appointment_id = $1")
        .bind(first)
        .execute(&pool)
        .await
        .unwrap();
    let canceled = reschedule(&mut specialist, first, madrid(day, 15, 0), None).await;
    assert_eq!(canceled.status, 409);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_book_for_a_patient_in_their_own_calendar(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let day = future_monday() + Duration::days(4);
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;

    let booked = book(&mut specialist, &clinic, madrid(day, 9, 0), "Follow-up").await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    let id: Uuid = booked.json().as_str().unwrap().parse().unwrap();
    assert_eq!(times_of(&pool, id).await.2, "Confirmed", "staff bookings are confirmed at once");

    let evening = book(&mut specialist, &clinic, madrid(day, 19, 0), "Follow-up").await;
    assert_eq!(evening.status, 400, "outside hours needs an overbooking reason");
    let appointments_before = count(&pool, "appointments").await;
    let specialist_id = clinic.specialist_id.to_string();
    let patient_id = clinic.patient_id.to_string();
    let start = madrid(day, 19, 0).to_rfc3339();
    let overbooked = specialist
        .call(
            "appointments/book",
            &[
                ("specialist_id", &specialist_id),
                ("appointment_type", "Follow-up"),
                ("start", &start),
                ("patient_id", &patient_id),
                ("overbook_reason", "Only evening works for the patient"),
            ],
        )
        .await;
    assert_eq!(overbooked.status, 200, "{}", overbooked.body);
    assert_eq!(count(&pool, "appointments").await, appointments_before + 1);

    // Another specialist cannot book into this calendar, and patients cannot overbook.
    let mut other = signed_in(&pool, clinic.other_specialist.email).await;
    assert_eq!(book(&mut other, &clinic, madrid(day, 11, 0), "Follow-up").await.status, 404);
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let sneaky = patient
        .call(
            "appointments/book",
            &[
                ("specialist_id", &specialist_id),
                ("appointment_type", "Follow-up"),
                ("start", &start),
                ("overbook_reason", "please"),
            ],
        )
        .await;
    assert_eq!(sneaky.status, 404);
    assert_eq!(count(&pool, "appointments").await, appointments_before + 1, "nothing more was booked");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_calendar_has_day_week_and_month_views(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let monday = future_monday();
    appointment(&pool, &clinic, madrid(monday, 9, 0), 30).await;
    appointment(&pool, &clinic, madrid(monday + Duration::days(1), 9, 0), 30).await;
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let anchor = monday.to_string();

    let day = admin.call("calendar/view", &[("view", "day"), ("anchor", &anchor)]).await.json();
    assert_eq!(day["day_count"], 1);
    assert_eq!(day["appointments"].as_array().unwrap().len(), 1);
    assert_eq!(day["appointments"][0]["start_minute"], 9 * 60, "placed at 09:00 local time");
    assert_eq!(day["specialists"].as_array().unwrap().len(), 2, "everyone side by side");
    assert_eq!(day["hour_from"], 9);
    assert_eq!(day["hour_to"], 17);

    let week = admin.call("calendar/view", &[("view", "week"), ("anchor", &anchor)]).await.json();
    assert_eq!((week["day_count"].as_i64(), week["appointments"].as_array().unwrap().len()), (Some(7), 2));
    let month = admin.call("calendar/view", &[("view", "month"), ("anchor", &anchor)]).await.json();
    assert!(month["appointments"].as_array().unwrap().len() >= 2, "{month}");
    assert!([28, 35, 42].contains(&month["day_count"].as_i64().unwrap()));

    let nonsense = admin.call("calendar/view", &[("view", "year")]).await;
    assert_eq!(nonsense.status, 400);
    let far = admin.call("calendar/view", &[("view", "month"), ("anchor", "2500-01-01")]).await;
    assert_eq!(far.status, 400);
    assert!(far.body.contains("between 1900 and 2200"), "{}", far.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_slots_explain_what_cannot_be_booked(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let monday = future_monday();
    appointment(&pool, &clinic, madrid(monday, 10, 0), 60).await;
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let week = slots(&mut patient, clinic.specialist_id, "Follow-up", monday, &[]).await.json();
    let closed = week["days"][0]["closed"].as_array().unwrap();
    // Starts from 09:45 would run into the 10:00-11:00 appointment (30-minute follow-up).
    assert!(
        closed.iter().any(|c| c["label"] == "09:45–11:00" && c["reason"] == "Booked"),
        "the booked hour is explained: {closed:?}"
    );
    assert!(closed.iter().any(|c| c["reason"] == "Outside working hours"), "{closed:?}");

    // A month in one call; more than six weeks is refused clearly.
    let month = slots(&mut patient, clinic.specialist_id, "Follow-up", monday, &[("weeks", "5")]).await.json();
    assert_eq!(month["days"].as_array().unwrap().len(), 35);
    let too_many = slots(&mut patient, clinic.specialist_id, "Follow-up", monday, &[("weeks", "9")]).await;
    assert_eq!(too_many.status, 400);
    assert!(too_many.body.contains("1 to 6 weeks"), "{}", too_many.body);
    // Another patient's appointment cannot be used to peek at "moving" it.
    let mut other = signed_in(&pool, clinic.other_patient.email).await;
    let moving = clinic.appointment_id.to_string();
    let peek = slots(&mut other, clinic.specialist_id, "Follow-up", monday, &[("moving", &moving)]).await;
    assert_eq!(peek.status, 404);
}

async fn get(client: &mut Client, path: &str) -> common::http::Response {
    client.send(Request::get(path).body(Body::empty()).unwrap()).await
}

#[sqlx::test(migrations = "../migrations")]
async fn calendar_feeds_are_private_valid_and_revocable(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let made = patient.call("feeds/create", &[]).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let path = made.json().as_str().unwrap().to_string();
    assert!(path.starts_with("/calendar/feed/") && path.ends_with(".ics"), "{path}");

    // Calendar apps fetch without a session.
    let mut app = Client::new(common::scheduling::router(&pool));
    let feed = get(&mut app, &path).await;
    assert_eq!(feed.status, 200);
    assert!(feed.body.starts_with("BEGIN:VCALENDAR\r\n") && feed.body.ends_with("END:VCALENDAR\r\n"));
    assert!(feed.body.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Madrid"), "{}", feed.body);
    assert!(feed.body.contains(&format!("UID:{}@syei", clinic.appointment_id)), "{}", feed.body);
    assert!(feed.body.contains("DTSTART;TZID=Europe/Madrid:"));
    let not_theirs: Uuid = sqlx::query_scalar("select appointment_id from appointments where patient_id = $1")
        .bind(clinic.other_patient_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!feed.body.contains(&not_theirs.to_string()), "only the owner's appointments");
    // An appointment far beyond any booking horizon (written before the horizon existed) stays
    // out of the feed, so building it never walks the calendar to that year.
    let far: Uuid = sqlx::query_scalar(
        "insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type)
         values ($1, $2, '2199-01-05 10:00Z', '2199-01-05 10:30Z', 'Confirmed', 'Follow-up') returning appointment_id",
    )
    .bind(clinic.specialist_id)
    .bind(clinic.patient_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    let bounded = get(&mut app, &path).await;
    assert_eq!(bounded.status, 200);
    assert!(!bounded.body.contains(&far.to_string()), "{}", bounded.body);
    let stored: Vec<u8> = sqlx::query_scalar("select token_hash from calendar_feeds where revoked_at is null")
        .fetch_one(&pool)
        .await
        .unwrap();
    let token = path.trim_start_matches("/calendar/feed/").trim_end_matches(".ics");
    assert_ne!(stored, token.as_bytes(), "only a hash of the token is kept");

    // A new link replaces the old; revoking ends it; guesses find nothing.
    let newer = patient.call("feeds/create", &[]).await.json().as_str().unwrap().to_string();
    assert_eq!(get(&mut app, &path).await.status, 404);
    assert_eq!(get(&mut app, &newer).await.status, 200);
    assert_eq!(patient.call("feeds/revoke", &[]).await.status, 200);
    assert_eq!(get(&mut app, &newer).await.status, 404);
    assert_eq!(get(&mut app, "/calendar/feed/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics").await.status, 404);
    assert_eq!(get(&mut app, "/calendar/feed/x.ics").await.status, 404);

    // The specialist's feed names the patient.
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let theirs = specialist.call("feeds/create", &[]).await.json().as_str().unwrap().to_string();
    let feed = get(&mut app, &theirs).await;
    assert!(feed.body.contains("SUMMARY:Follow-up with Test Patient"), "{}", feed.body);
    assert!(feed.body.contains("STATUS:CONFIRMED"));
}
