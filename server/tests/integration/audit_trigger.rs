//! The audit trigger: one row per change, old and new values, the acting user, no secrets.

use crate::common;

use common::*;
use serde_json::Value;
use sqlx::{PgPool, Row};
use uuid::Uuid;

struct AuditRow {
    action: String,
    old_values: Option<Value>,
    new_values: Option<Value>,
    user_id: Option<Uuid>,
}

async fn audit_rows(pool: &PgPool, table: &str, record_id: Uuid) -> Vec<AuditRow> {
    sqlx::query(
        "select action, old_values, new_values, user_id from audit_logs
         where table_name = $1 and record_id = $2 order by sequence_no",
    )
    .bind(table)
    .bind(record_id)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|row| AuditRow {
        action: row.get("action"),
        old_values: row.get("old_values"),
        new_values: row.get("new_values"),
        user_id: row.get("user_id"),
    })
    .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn insert_update_delete_each_write_one_row_with_the_acting_user(pool: PgPool) {
    let admin = insert_user(&pool, "admin@clinic.example", "Admin").await;
    let specialist = insert_specialist(&pool, "s@clinic.example").await;
    let ana = insert_patient(&pool, "ana@example.org").await;

    // As the app does it: the actor is set for this transaction only.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("select set_config('app.user_id', $1, true)").bind(admin.to_string()).execute(&mut *tx).await.unwrap();
    let appointment = insert_appointment(&mut tx, specialist, ana, at(10, 0), at(11, 0), "Pending").await.unwrap();
    sqlx::query("update appointments set status = 'Confirmed' where appointment_id = $1")
        .bind(appointment)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("delete from appointments where appointment_id = $1")
        .bind(appointment)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let rows = audit_rows(&pool, "appointments", appointment).await;
    let actions: Vec<_> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["INSERT", "UPDATE", "DELETE"]);
    assert!(rows.iter().all(|r| r.user_id == Some(admin)), "every row names the admin");

    let (insert, update, delete) = (&rows[0], &rows[1], &rows[2]);
    assert!(insert.old_values.is_none());
    assert_eq!(insert.new_values.as_ref().unwrap()["status"], "Pending");
    assert_eq!(update.old_values.as_ref().unwrap()["status"], "Pending");
    assert_eq!(update.new_values.as_ref().unwrap()["status"], "Confirmed");
    assert_eq!(delete.old_values.as_ref().unwrap()["status"], "Confirmed");
    assert!(delete.new_values.is_none());
    assert_eq!(delete.old_values.as_ref().unwrap()["appointment_id"], appointment.to_string());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_actor_does_not_leak_into_the_next_transaction(pool: PgPool) {
    let admin = insert_user(&pool, "admin@clinic.example", "Admin").await;
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("begin").execute(&mut *conn).await.unwrap();
    sqlx::query("select set_config('app.user_id', $1, true)")
        .bind(admin.to_string())
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("commit").execute(&mut *conn).await.unwrap();

    // Same connection, a later statement without an actor: recorded as unknown, not as the admin.
    let later: Uuid = sqlx::query_scalar(
        "insert into users (email, password_hash, role, first_name, last_name)
         values ('later@example.org', 'x', 'Patient', 'L', 'M') returning user_id",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let rows = audit_rows(&pool, "users", later).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].user_id, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn password_hashes_never_reach_the_audit_log(pool: PgPool) {
    let user = insert_user(&pool, "ana@example.org", "Patient").await;
    sqlx::query("update users set password_hash = 'new-secret-hash', first_name = 'Ana' where user_id = $1")
        .bind(user)
        .execute(&pool)
        .await
        .unwrap();
    let rows = audit_rows(&pool, "users", user).await;
    assert_eq!(rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), ["INSERT", "UPDATE"]);
    for row in &rows {
        for values in [&row.old_values, &row.new_values].into_iter().flatten() {
            assert!(values.get("password_hash").is_none(), "{values}");
            assert!(values.get("email").is_some(), "the rest of the row is kept");
        }
    }
    assert_eq!(rows[1].new_values.as_ref().unwrap()["first_name"], "Ana");
    let anywhere: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where old_values::text like '%argon2%' or new_values::text like '%argon2%'
            or old_values::text like '%new-secret-hash%' or new_values::text like '%new-secret-hash%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(anywhere, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_sensitive_table_is_audited(pool: PgPool) {
    let tables = [
        "users",
        "specialists",
        "patients",
        "family_members",
        "appointments",
        "availability_blocks",
        "medical_records",
        "patient_material_assignments",
    ];
    for table in tables {
        let triggers: i64 = sqlx::query_scalar(
            "select count(*) from information_schema.triggers
             where event_object_table = $1 and action_statement like '%audit_row_change%'",
        )
        .bind(table)
        .fetch_one(&pool)
        .await
        .unwrap();
        // information_schema lists one row per event: INSERT, UPDATE and DELETE.
        assert_eq!(triggers, 3, "{table}");
    }
    let patient = insert_patient(&pool, "ana@example.org").await;
    let specialist = insert_specialist(&pool, "s@clinic.example").await;
    let record: Uuid = sqlx::query_scalar(
        "insert into medical_records (patient_id, specialist_id, record_date, diagnosis_sealed)
         values ($1, $2, '2026-11-20', '\\x01'::bytea) returning record_id",
    )
    .bind(patient)
    .bind(specialist)
    .fetch_one(&pool)
    .await
    .unwrap();
    let rows = audit_rows(&pool, "medical_records", record).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].action, "INSERT");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_audit_log_is_append_only(pool: PgPool) {
    let user = insert_user(&pool, "ana@example.org", "Patient").await;
    let before = count(&pool, "audit_logs").await;
    assert!(before >= 1);
    let update = sqlx::query("update audit_logs set action = 'DELETE'").execute(&pool).await;
    assert!(update.is_err());
    let delete = sqlx::query("delete from audit_logs").execute(&pool).await;
    assert!(delete.is_err());
    let truncate = sqlx::query("truncate audit_logs").execute(&pool).await;
    assert!(truncate.is_err());
    assert_eq!(count(&pool, "audit_logs").await, before);
    let action: String = sqlx::query_scalar("select action from audit_logs where record_id = $1")
        .bind(user)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(action, "INSERT");
}
