//! The patient portal through the real server and PostgreSQL: notifications in keyset pages
//! (no repeats or gaps while new ones arrive, the unread filter, marking one's own read and
//! nobody else's), the whole appointment history in keyset pages (who booked it, never another
//! patient's), and "My details" (validated, stored sealed: a marker typed into the address and
//! the emergency contact is nowhere in the patients table or the audit trail).

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{header, Request};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::common::clinic::{data_fingerprint, Clinic, PASSWORD};
use crate::common::http::{app, Client, TestApp};

async fn signed_in(server: &TestApp, email: &str) -> Client {
    let mut client = Client::new(server.clone());
    assert_eq!(client.login(email, PASSWORD).await.status, 200);
    client
}

/// Inserts a notification for `user_id`, `minutes_ago` minutes old.
async fn notify(pool: &PgPool, user_id: Uuid, title: &str, minutes_ago: i64) -> Uuid {
    sqlx::query_scalar(
        "insert into notifications (user_id, title, message, notification_type, created_at)
         values ($1, $2, 'Details', 'Test', date_trunc('minute', now()) - make_interval(mins => $3::int))
         returning notification_id",
    )
    .bind(user_id)
    .bind(title)
    .bind(minutes_ago as i32)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn notification_page(client: &mut Client, before: Option<&str>, unread_only: bool) -> Value {
    let unread = unread_only.to_string();
    let mut args = vec![("unread_only", unread.as_str())];
    if let Some(before) = before {
        args.push(("before", before));
    }
    let response = client.call("notifications/page", &args).await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()
}

fn ids(page: &Value) -> Vec<Uuid> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["notification_id"].as_str().unwrap().parse().unwrap())
        .collect()
}

/// The user's notification ids in the order the list must show them.
async fn expected_order(pool: &PgPool, user_id: Uuid, unread_only: bool) -> Vec<Uuid> {
    sqlx::query_scalar(
        "select notification_id from notifications where user_id = $1 and (not $2 or not is_read)
         order by created_at desc, notification_id desc",
    )
    .bind(user_id)
    .bind(unread_only)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn is_read(pool: &PgPool, id: Uuid) -> bool {
    sqlx::query_scalar("select is_read from notifications where notification_id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn notifications_page_by_keyset_without_repeats_or_gaps(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    // 25 notifications, two at each minute: pages must break ties by id.
    for n in 0..25 {
        notify(&pool, clinic.patient.user_id, &format!("Old {n}"), 10 + n / 2).await;
    }
    notify(&pool, clinic.other_patient.user_id, "Not yours", 5).await;
    let before_new = expected_order(&pool, clinic.patient.user_id, false).await;
    let server = app(pool.clone());
    let mut patient = signed_in(&server, clinic.patient.email).await;

    let first = notification_page(&mut patient, None, false).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert_eq!(first["newest"], true);
    assert_eq!(first["unread"], 25);
    let older = first["older"].as_str().expect("a second page").to_string();
    // Two arrive while the first page is read: the second page goes on where the first ended.
    let fresh = [
        notify(&pool, clinic.patient.user_id, "Fresh", 0).await,
        notify(&pool, clinic.patient.user_id, "Fresh", 0).await,
    ];
    let second = notification_page(&mut patient, Some(&older), false).await;
    assert_eq!(second["newest"], false);
    assert!(second["older"].is_null(), "the last page: {second}");
    let shown: Vec<Uuid> = ids(&first).into_iter().chain(ids(&second)).collect();
    assert_eq!(shown, before_new, "every notification once, newest first, none of the new ones");
    assert_eq!(shown.iter().collect::<HashSet<_>>().len(), 25);

    // The newest page now starts with the new ones; nobody else's are ever shown.
    let newest = notification_page(&mut patient, None, false).await;
    assert!(fresh.iter().all(|id| ids(&newest)[..2].contains(id)), "{newest}");
    let all = expected_order(&pool, clinic.patient.user_id, false).await;
    assert_eq!(ids(&newest), all[..20].to_vec());
    assert!(!newest.to_string().contains("Not yours"));

    // A cursor that is not one is a field error, not a 500 and not the first page.
    let bad = patient.call("notifications/page", &[("unread_only", "false"), ("before", "yesterday")]).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.json().pointer("/Validation/0/field").and_then(Value::as_str), Some("before"));
}

#[sqlx::test(migrations = "../migrations")]
async fn unread_filter_mark_one_and_mark_all_touch_only_the_callers_own(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut mine = Vec::new();
    for n in 0..33 {
        mine.push(notify(&pool, clinic.patient.user_id, &format!("Mine {n}"), n).await);
    }
    let theirs = notify(&pool, clinic.other_patient.user_id, "Theirs", 1).await;
    // Every third one is already read.
    for id in mine.iter().step_by(3) {
        sqlx::query("update notifications set is_read = true, read_at = now() where notification_id = $1")
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
    }
    let server = app(pool.clone());
    let mut patient = signed_in(&server, clinic.patient.email).await;

    let unread = expected_order(&pool, clinic.patient.user_id, true).await;
    assert_eq!(unread.len(), 22);
    let first = notification_page(&mut patient, None, true).await;
    assert_eq!(first["unread_only"], true);
    assert_eq!(first["unread"], 22);
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert!(first["items"].as_array().unwrap().iter().all(|item| item["is_read"] == false));
    let second = notification_page(&mut patient, Some(first["older"].as_str().unwrap()), true).await;
    assert!(second["older"].is_null());
    let shown: Vec<Uuid> = ids(&first).into_iter().chain(ids(&second)).collect();
    assert_eq!(shown, unread);

    // One of mine: marked; the others stay as they were.
    let target = unread[0];
    let marked = patient.call("notifications/read-one", &[("notification_id", &target.to_string())]).await;
    assert_eq!(marked.status, 200, "{}", marked.body);
    assert!(is_read(&pool, target).await);
    assert_eq!(expected_order(&pool, clinic.patient.user_id, true).await, unread[1..].to_vec());
    // Marking it again is harmless.
    let again = patient.call("notifications/read-one", &[("notification_id", &target.to_string())]).await;
    assert_eq!(again.status, 200, "{}", again.body);
    // The header's count follows.
    let me = patient.call("auth/me", &[]).await.json();
    assert_eq!(me["unread_notifications"], 21, "{me}");

    // Someone else's, or no one's: answered like a missing record, and nothing changes.
    let fingerprint = data_fingerprint(&pool).await;
    for id in [theirs, Uuid::new_v4()] {
        let refused = patient.call("notifications/read-one", &[("notification_id", &id.to_string())]).await;
        assert_eq!(refused.status, 404, "{}", refused.body);
    }
    assert_eq!(data_fingerprint(&pool).await, fingerprint);
    assert!(!is_read(&pool, theirs).await);
    // The other patient cannot mark mine either.
    let mut other = signed_in(&server, clinic.other_patient.email).await;
    let refused = other.call("notifications/read-one", &[("notification_id", &unread[1].to_string())]).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert!(!is_read(&pool, unread[1]).await);

    // Mark all: every one of mine, none of theirs.
    let all = patient.call("notifications/mark-read", &[]).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(expected_order(&pool, clinic.patient.user_id, true).await.is_empty());
    assert!(!is_read(&pool, theirs).await);
    let after = notification_page(&mut patient, None, true).await;
    assert_eq!(after["items"].as_array().unwrap().len(), 0);
    assert_eq!(after["unread"], 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_notifications_page_works_without_javascript(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    for n in 0..21 {
        notify(&pool, clinic.patient.user_id, &format!("Note {n}"), n).await;
    }
    let server = app(pool.clone());
    let mut patient = signed_in(&server, clinic.patient.email).await;
    let page = patient.get("/notifications").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Note 0") && !page.body.contains("Note 20"), "20 a page");
    let older = page.body.split("/notifications?before=").nth(1).expect("an Older link").split('"').next().unwrap();
    let next = patient.get(&format!("/notifications?before={older}")).await;
    assert_eq!(next.status, 200);
    assert!(next.body.contains("Note 20") && !next.body.contains("Note 0"), "{}", next.body);
    assert!(next.body.contains("Newest"));
    let unread = patient.get("/notifications?unread=1").await;
    assert!(unread.body.contains("Mark as read") && unread.body.contains("name=\"notification_id\""));
}

/// Inserts an appointment of the patient `days` days from now at `hour`:00 UTC.
async fn appointment(
    pool: &PgPool,
    specialist_id: Uuid,
    patient_id: Uuid,
    days: i64,
    hour: i32,
    status: &str,
    created_by: Option<Uuid>,
) -> Uuid {
    sqlx::query_scalar(
        "insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type, created_by)
         values ($1, $2, date_trunc('day', now()) + make_interval(days => $3::int, hours => $4),
                 date_trunc('day', now()) + make_interval(days => $3::int, hours => $4, mins => 45), $5, 'Follow-up', $6)
         returning appointment_id",
    )
    .bind(specialist_id)
    .bind(patient_id)
    .bind(days as i32)
    .bind(hour)
    .bind(status)
    .bind(created_by)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn history_page(client: &mut Client, before: Option<&str>) -> Value {
    let args: Vec<(&str, &str)> = before.map(|b| vec![("before", b)]).unwrap_or_default();
    let response = client.call("appointments/history", &args).await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()
}

fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().unwrap().clone()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_history_has_every_appointment_in_keyset_pages_with_who_booked_it(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    sqlx::query("update users set first_name = 'Lucía', last_name = 'Pérez' where user_id = $1")
        .bind(clinic.family.user_id)
        .execute(&pool)
        .await
        .unwrap();
    let other_specialist_id: Uuid = sqlx::query_scalar("select specialist_id from specialists where user_id = $1")
        .bind(clinic.other_specialist.user_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    // Past and future, every status; booked by the patient, by Lucía, by nobody recorded.
    let by_family =
        appointment(&pool, clinic.specialist_id, clinic.patient_id, -30, 9, "Completed", Some(clinic.family.user_id))
            .await;
    let by_self =
        appointment(&pool, clinic.specialist_id, clinic.patient_id, 10, 9, "Pending", Some(clinic.patient.user_id))
            .await;
    for day in 1..=20 {
        let status = if day % 5 == 0 { "Canceled" } else { "Completed" };
        appointment(&pool, clinic.specialist_id, clinic.patient_id, -day, 8, status, None).await;
    }
    // Two at the same instant (different specialists): pages must break the tie by id.
    appointment(&pool, clinic.specialist_id, clinic.patient_id, -25, 11, "NoShow", None).await;
    appointment(&pool, other_specialist_id, clinic.patient_id, -25, 11, "Completed", None).await;
    let theirs = appointment(&pool, other_specialist_id, clinic.other_patient_id, -3, 15, "Completed", None).await;
    let expected: Vec<Uuid> = sqlx::query_scalar(
        "select appointment_id from appointments where patient_id = $1 order by start_datetime desc, appointment_id desc",
    )
    .bind(clinic.patient_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(expected.len(), 25);

    let server = app(pool.clone());
    let mut patient = signed_in(&server, clinic.patient.email).await;
    let first = history_page(&mut patient, None).await;
    assert_eq!(items(&first).len(), 20);
    let second = history_page(&mut patient, first["older"].as_str()).await;
    assert!(second["older"].is_null());
    let shown: Vec<Value> = items(&first).into_iter().chain(items(&second)).collect();
    let shown_ids: Vec<Uuid> = shown.iter().map(|i| i["appointment_id"].as_str().unwrap().parse().unwrap()).collect();
    assert_eq!(shown_ids, expected, "every appointment once, newest first");
    assert!(!shown_ids.contains(&theirs));

    let item = |id: Uuid| shown.iter().find(|i| i["appointment_id"] == id.to_string()).unwrap().clone();
    let family = item(by_family);
    assert_eq!(family["booked_by"], "booked by Lucía Pérez");
    assert_eq!(family["status"], "Completed");
    assert_eq!(family["upcoming"], false);
    assert!(family["when"].as_str().unwrap().ends_with("(Europe/Madrid)"), "{family}");
    assert_eq!(family["specialist"], "Test Specialist");
    assert_eq!(family["specialty"], "Acupuncture");
    let own = item(by_self);
    assert!(own["booked_by"].is_null(), "the patient's own booking names nobody: {own}");
    assert_eq!(own["upcoming"], true);
    assert_eq!(item(clinic.appointment_id)["status"], "Confirmed");

    // The other patient sees their own history only, and the page shows it without scripts.
    let mut other = signed_in(&server, clinic.other_patient.email).await;
    let theirs_page = history_page(&mut other, None).await;
    let their_ids: Vec<String> =
        items(&theirs_page).iter().map(|i| i["appointment_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(their_ids.len(), 2, "{theirs_page}");
    assert!(their_ids.contains(&theirs.to_string()));
    assert!(!their_ids.iter().any(|id| expected.iter().any(|mine| mine.to_string() == *id)));
    let page = patient.get("/my-care/appointments").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Upcoming") && !page.body.contains("booked by Lucía Pérez"), "{}", page.body);
    let older =
        page.body.split("/my-care/appointments?before=").nth(1).expect("an Older link").split('"').next().unwrap();
    let next = patient.get(&format!("/my-care/appointments?before={older}")).await;
    assert_eq!(next.status, 200);
    assert!(next.body.contains("booked by Lucía Pérez") && next.body.contains("Newest"), "{}", next.body);
    let bad = patient.call("appointments/history", &[("before", "9999999999999999999999.x")]).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    // Not a portal for anyone else.
    for email in [clinic.family.email, clinic.specialist.email, clinic.admin.email] {
        let mut client = signed_in(&server, email).await;
        assert_eq!(client.call("appointments/history", &[]).await.status, 404);
    }
}

const ADDRESS_MARKER: &str = "Calle-Marcador-7Q2X";
const CONTACT_MARKER: &str = "Contacto-Marcador-K9PZ";

fn details_form<'a>(
    phone: &'a str,
    address: &'a str,
    name: &'a str,
    contact_phone: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("phone", phone),
        ("address", address),
        ("emergency_contact_name", name),
        ("emergency_contact_phone", contact_phone),
    ]
}

/// Where a marker appears in the patients table or the audit trail, as text (bytea shows as
/// hex there, so the raw bytes are searched too).
async fn plaintext_hits(pool: &PgPool, marker: &str) -> i64 {
    sqlx::query_scalar(
        "select (select count(*) from patients p where p::text like '%' || $1 || '%'
                    or position(convert_to($1, 'UTF8') in coalesce(p.address_sealed, ''::bytea)) > 0
                    or position(convert_to($1, 'UTF8') in coalesce(p.emergency_contact_sealed, ''::bytea)) > 0)
              + (select count(*) from audit_logs a where a::text like '%' || $1 || '%'
                    or a::text like '%' || encode(convert_to($1, 'UTF8'), 'hex') || '%')",
    )
    .bind(marker)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn patient_updates(pool: &PgPool, clinic: &Clinic) -> i64 {
    sqlx::query_scalar(
        "select count(*) from audit_logs where table_name = 'patients' and record_id = $1 and action = 'UPDATE' and user_id = $2",
    )
    .bind(clinic.patient_id)
    .bind(clinic.patient.user_id)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn my_details_are_validated_audited_and_stored_sealed(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let server = app(pool.clone());
    let mut patient = signed_in(&server, clinic.patient.email).await;
    let address = format!("{ADDRESS_MARKER} 12\n28013 Madrid");
    let saved = patient
        .call("patients/save-my-details", &details_form("+34 600 111 222", &address, CONTACT_MARKER, "+34 600 999 888"))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    let details = patient.call("patients/my-details", &[]).await;
    assert_eq!(details.status, 200, "{}", details.body);
    let details = details.json();
    assert_eq!(details["phone"], "+34 600 111 222");
    assert_eq!(details["address"], address.as_str());
    assert_eq!(details["emergency_contact_name"], CONTACT_MARKER);
    assert_eq!(details["emergency_contact_phone"], "+34 600 999 888");
    assert_eq!(details["erased"], false);
    let phone: Option<String> = sqlx::query_scalar("select phone from users where user_id = $1")
        .bind(clinic.patient.user_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(phone.as_deref(), Some("+34 600 111 222"));

    // Sealed: neither marker is anywhere in the table or its audit trail, which holds the change.
    assert_eq!(plaintext_hits(&pool, ADDRESS_MARKER).await, 0);
    assert_eq!(plaintext_hits(&pool, CONTACT_MARKER).await, 0);
    assert_eq!(plaintext_hits(&pool, "600 999 888").await, 0);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where table_name = 'patients' and record_id = $1 and user_id = $2
           and new_values ? 'address_sealed' and new_values ->> 'address_sealed' is not null",
    )
    .bind(clinic.patient_id)
    .bind(clinic.patient.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(audited >= 1, "the change is audited, attributed to the patient");
    // The staff screens open the contact the patient saved (sealed the way the vault seals it).
    let mut specialist = signed_in(&server, clinic.specialist.email).await;
    let summary = specialist.call("patients/get", &[("patient_id", &clinic.patient_id.to_string())]).await.json();
    assert_eq!(summary["emergency_contact_name"], CONTACT_MARKER, "{summary}");
    assert_eq!(summary["emergency_contact_phone"], "+34 600 999 888");
    assert_eq!(summary["base_medical_history"], "Migraines", "the history is left as it was");

    // Saving the same details again changes nothing, so nothing is audited.
    let updates = patient_updates(&pool, &clinic).await;
    let same = patient
        .call("patients/save-my-details", &details_form("+34 600 111 222", &address, CONTACT_MARKER, "+34 600 999 888"))
        .await;
    assert_eq!(same.status, 200, "{}", same.body);
    assert_eq!(patient_updates(&pool, &clinic).await, updates);

    // An invalid phone: a message on that field, and nothing stored (the valid address neither).
    let fingerprint = data_fingerprint(&pool).await;
    let refused =
        patient.call("patients/save-my-details", &details_form("call me maybe", "Somewhere else 1", "", "")).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.json().pointer("/Validation/0/field").and_then(Value::as_str), Some("phone"));
    let too_long = "a".repeat(501);
    let refused = patient.call("patients/save-my-details", &details_form("", &too_long, &"n".repeat(201), "12")).await;
    let fields: Vec<String> = refused.json()["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["address", "emergency_contact_name", "emergency_contact_phone"]);
    assert_eq!(data_fingerprint(&pool).await, fingerprint);
    assert_eq!(patient.call("patients/my-details", &[]).await.json()["address"], address.as_str());

    // Emptying the fields removes them.
    let cleared = patient.call("patients/save-my-details", &details_form("", "", "", "")).await;
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    let row: (Option<Vec<u8>>, Option<Vec<u8>>) =
        sqlx::query_as("select address_sealed, emergency_contact_sealed from patients where patient_id = $1")
            .bind(clinic.patient_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(row, (None, None));

    // Only the patient's own details, and only patients have them.
    for email in [clinic.family.email, clinic.specialist.email, clinic.admin.email] {
        let mut client = signed_in(&server, email).await;
        assert_eq!(client.call("patients/my-details", &[]).await.status, 404);
        let refused = client.call("patients/save-my-details", &details_form("600123456", "", "", "")).await;
        assert_eq!(refused.status, 404);
    }
}

/// A form post as a browser without the WASM sends it.
async fn plain_post(client: &mut Client, fields: &[(&str, &str)]) -> crate::common::http::Response {
    let request = Request::post("/api/patients/save-my-details")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, "https://clinic.example/my-care/details")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
        .unwrap();
    client.send(request).await
}

#[sqlx::test(migrations = "../migrations")]
async fn my_details_work_as_a_plain_html_form(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let server = app(pool.clone());
    let mut patient = signed_in(&server, clinic.patient.email).await;
    let page = patient.get("/my-care/details").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"emergency_contact_phone\""), "{}", page.body);

    let saved = plain_post(&mut patient, &details_form("600 123 456", "Plaza Mayor 3", "Pablo", "")).await;
    assert!(saved.status.is_redirection(), "{} {}", saved.status, saved.body);
    assert_eq!(saved.header("location"), Some("/my-care/details?saved=1"));
    let shown = patient.get("/my-care/details?saved=1").await;
    assert!(shown.body.contains("Your details were saved."), "{}", shown.body);
    assert!(shown.body.contains("value=\"600 123 456\"") && shown.body.contains("Plaza Mayor 3"), "{}", shown.body);

    let refused = plain_post(&mut patient, &details_form("not a phone", "", "", "")).await;
    assert!(refused.status.is_redirection(), "{} {}", refused.status, refused.body);
    let back = refused.header("location").unwrap().replace("https://clinic.example", "");
    assert!(back.starts_with("/my-care/details"), "{back}");
    let shown = patient.get(&back).await;
    assert!(shown.body.contains("Use only digits, spaces and + ( ) - . in a phone number."), "{}", shown.body);
    assert_eq!(patient.call("patients/my-details", &[]).await.json()["phone"], "600 123 456");
}
