//! The admins' audit log viewer and its CSV export through the real server: filters, keyset
//! pages, sealed fields opened for the admin (and "(erased)" once the patient's key is gone),
//! bounded input, every search and export audited, nobody else let in.

use serde_json::Value;
use sqlx::PgPool;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app, Client};

const ADDRESS_MARKER: &str = "Calle ZQX-AUDIT 7";

async fn signed_in(pool: &PgPool, email: &str) -> Client {
    let mut client = Client::new(app(pool.clone()));
    assert_eq!(client.login(email, PASSWORD).await.status, 200);
    client
}

async fn search(admin: &mut Client, fields: &[(&str, &str)], before: Option<i64>) -> (u16, Value) {
    let mut form: Vec<(String, String)> = fields.iter().map(|(k, v)| (format!("filter[{k}]"), v.to_string())).collect();
    if let Some(before) = before {
        form.push(("before".into(), before.to_string()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let answer = admin.call("audit/search", &pairs).await;
    let status = answer.status.as_u16();
    (status, if status == 200 { answer.json() } else { serde_json::from_str(&answer.body).unwrap_or(Value::Null) })
}

fn entries(page: &Value) -> &Vec<Value> {
    page["entries"].as_array().unwrap()
}

/// The patient changes their address (sealed), so the trail holds a sealed field.
async fn patient_moves(pool: &PgPool, clinic: &Clinic) {
    let mut patient = signed_in(pool, clinic.patient.email).await;
    let saved = patient
        .call(
            "patients/save-my-details",
            &[
                ("phone", ""),
                ("address", ADDRESS_MARKER),
                ("emergency_contact_name", ""),
                ("emergency_contact_phone", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_filters_to_one_patient_and_sees_sealed_fields_opened(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    patient_moves(&pool, &clinic).await;
    let mut admin = signed_in(&pool, clinic.admin.email).await;

    let (status, page) =
        search(&mut admin, &[("patient_email", clinic.patient.email), ("action", "update")], None).await;
    assert_eq!(status, 200, "{page}");
    let moved = entries(&page)
        .iter()
        .find(|e| {
            e["table_name"] == "patients" && e["changes"].as_array().unwrap().iter().any(|c| c["field"] == "address")
        })
        .unwrap_or_else(|| panic!("the address change is not listed: {page}"));
    let change = moved["changes"].as_array().unwrap().iter().find(|c| c["field"] == "address").unwrap();
    assert_eq!(change["new"], ADDRESS_MARKER, "the sealed address is opened for the admin");
    assert!(moved["actor"].as_str().unwrap().contains(clinic.patient.email));
    for entry in entries(&page) {
        assert_eq!(entry["action"], "UPDATE");
        assert!(!entry["changes"].as_array().unwrap().iter().any(|c| c["field"] == "updated_at"));
    }
    // The other patient's events are not in this patient's view.
    let (_, other) = search(&mut admin, &[("patient_email", clinic.other_patient.email)], None).await;
    assert!(!other.to_string().contains(ADDRESS_MARKER));
    // Nobody with that email: nothing, not an error.
    let (status, nobody) = search(&mut admin, &[("actor_email", "nobody@nowhere.example")], None).await;
    assert_eq!((status, entries(&nobody).len()), (200, 0));
    // By who acted, by table and by record.
    let (_, by_actor) =
        search(&mut admin, &[("actor_email", clinic.patient.email), ("table_name", "patients")], None).await;
    assert!(!entries(&by_actor).is_empty());
    assert!(entries(&by_actor).iter().all(|e| e["table_name"] == "patients"));
    let record = clinic.patient_id.to_string();
    let (_, by_record) = search(&mut admin, &[("record_id", &record)], None).await;
    assert!(entries(&by_record).iter().all(|e| e["record_id"] == record.as_str()) && !entries(&by_record).is_empty());

    // The marker is in the trail only sealed.
    let plaintext: i64 = sqlx::query_scalar("select count(*) from audit_logs a where a::text like '%ZQX-AUDIT%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(plaintext, 0);
    // Each search is recorded, with its filter and not what it showed.
    let searches: Vec<Value> = sqlx::query_scalar(
        "select new_values from audit_logs where table_name = 'audit_logs' and action = 'READ' and user_id = $1",
    )
    .bind(clinic.admin.user_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(searches.len(), 5);
    assert_eq!(searches[0]["filter"]["patient_email"], clinic.patient.email);

    // Once the patient's key is destroyed (retention), the field reads as erased.
    sqlx::query("update patient_data_keys set wrapped_key = null, destroyed_at = now() where patient_id = $1")
        .bind(clinic.patient_id)
        .execute(&pool)
        .await
        .unwrap();
    let (_, erased) = search(&mut admin, &[("patient_email", clinic.patient.email), ("action", "UPDATE")], None).await;
    assert!(!erased.to_string().contains(ADDRESS_MARKER));
    assert!(erased.to_string().contains("(erased)"), "{erased}");
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_follow_the_sequence_and_filters_are_bounded(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    sqlx::query(
        "insert into audit_logs (table_name, action, new_values, ip_address)
         select 'users', 'LOGIN_FAILED', jsonb_build_object('reason', 'try ' || n), '203.0.113.9' from generate_series(1, 73) n",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let filter = [("action", "LOGIN_FAILED"), ("table_name", "users")];
    let (_, first) = search(&mut admin, &filter, None).await;
    assert_eq!(entries(&first).len(), 50);
    let older = first["older"].as_i64().expect("a second page");
    let (_, second) = search(&mut admin, &filter, Some(older)).await;
    assert_eq!(entries(&second).len(), 23);
    assert!(second["older"].is_null());
    let sequence: Vec<i64> =
        entries(&first).iter().chain(entries(&second)).map(|e| e["sequence_no"].as_i64().unwrap()).collect();
    assert!(sequence.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats");
    assert_eq!(entries(&first)[0]["ip_address"], "203.0.113.9");
    assert_eq!(entries(&first)[0]["actor"], "system");

    let refused = |fields: &'static [(&'static str, &'static str)], field: &'static str| (fields, field);
    for (fields, field) in [
        refused(&[("record_id", "not-a-uuid")], "record_id"),
        refused(&[("from", "2026-05-01"), ("to", "2026-04-01")], "to"),
        refused(&[("from", "2024-01-01"), ("to", "2026-01-01")], "to"),
        refused(&[("from", "yesterday")], "from"),
        refused(&[("table_name", "pg_authid")], "table_name"),
        refused(&[("action", "UPDATE; drop table users")], "action"),
    ] {
        let (status, answer) = search(&mut admin, fields, None).await;
        assert_eq!(status, 400, "{fields:?}: {answer}");
        assert!(answer["Validation"].as_array().unwrap().iter().any(|e| e["field"] == field), "{fields:?}: {answer}");
    }
    let long = format!("{}@clinic.example", "a".repeat(300));
    assert_eq!(search(&mut admin, &[("actor_email", &long)], None).await.0, 400);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_export_streams_the_filtered_view_as_csv_and_is_audited(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    patient_moves(&pool, &clinic).await;
    let path = format!("/files/audit.csv?patient_email={}&action=UPDATE", clinic.patient.email.replace('@', "%40"));

    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let csv = admin.get(&path).await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.header("content-disposition"), Some("attachment; filename=\"audit-log.csv\""));
    assert_eq!(csv.header("cache-control"), Some("no-store"));
    let mut lines = csv.body.lines();
    assert_eq!(lines.next(), Some("sequence,at,actor,action,table,record,address,field,before,after"));
    assert!(csv.body.contains(&format!(",address,,{ADDRESS_MARKER}")), "{}", csv.body);
    assert!(lines.all(|line| line.contains(",UPDATE,")), "{}", csv.body);
    let exports: Vec<Value> = sqlx::query_scalar(
        "select new_values from audit_logs where table_name = 'audit_logs' and action = 'EXPORT' and user_id = $1",
    )
    .bind(clinic.admin.user_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0]["filter"]["action"], "UPDATE");
    let path = path.clone();

    // Compressed, as browsers ask for it, the stream ends cleanly too.
    let gzip = admin
        .send(
            axum::http::Request::get(&path)
                .header(axum::http::header::ACCEPT_ENCODING, "gzip")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(gzip.status, 200);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));

    // A bad filter is refused before anything streams; others get nothing.
    assert_eq!(admin.get("/files/audit.csv?record_id=nope").await.status, 400);
    for email in [clinic.specialist.email, clinic.patient.email, clinic.family.email] {
        let mut other = signed_in(&pool, email).await;
        assert_eq!(other.get(&path).await.status, 404, "{email}");
    }
    assert_eq!(Client::new(app(pool.clone())).get(&path).await.status, 401);
    let count: i64 =
        sqlx::query_scalar("select count(*) from audit_logs where action = 'EXPORT'").fetch_one(&pool).await.unwrap();
    assert_eq!(count, 2, "the two exports are recorded, the refused ones are not");
}
