//! Rows for tests, inserted with plain SQL so each test states only what it is about.
#![allow(dead_code)]

pub mod clinic;
pub mod http;
pub mod scheduling;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The master keys of this test process: every test server and every direct vault call use
/// the same ones, as one clinic's servers would.
pub fn test_keys() -> app::server::crypto::MasterKeys {
    use app::server::crypto::{MasterKey, MasterKeys};
    static KEYS: std::sync::OnceLock<MasterKeys> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| MasterKeys::new(vec![MasterKey::generate("mk-test".into())]).unwrap()).clone()
}

/// The pool on the same test database as `owner_pool`, logged in as the app role `syei_app`
/// (from SYEI_APP_DATABASE_URL, which `make test` sets up): the server under test runs with the
/// rights it has in production, so every HTTP test also proves the app needs no more.
/// One pool per test database, shared by all the servers a test starts (as they share the test's
/// own pool), so a test with many servers does not open ten connections for each. It closes when
/// the test's own pool closes, so the test database can be dropped.
pub fn app_role_pool(owner_pool: &PgPool) -> PgPool {
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static APP_POOLS: LazyLock<Mutex<HashMap<String, PgPool>>> = LazyLock::new(Default::default);

    let database = owner_pool.connect_options().get_database().expect("the test database's name").to_string();
    let mut pools = APP_POOLS.lock().unwrap();
    if let Some(pool) = pools.get(&database).filter(|pool| !pool.is_closed()) {
        return pool.clone();
    }
    let url = std::env::var("SYEI_APP_DATABASE_URL")
        .expect("SYEI_APP_DATABASE_URL is not set: run the tests with `make test` (it creates the app role)");
    let options =
        url.parse::<PgConnectOptions>().expect("SYEI_APP_DATABASE_URL is a PostgreSQL URL").database(&database);
    let app_pool = PgPoolOptions::new().max_connections(10).connect_lazy_with(options);
    pools.insert(database.clone(), app_pool.clone());
    let (owner, app) = (owner_pool.clone(), app_pool.clone());
    tokio::spawn(async move {
        owner.close_event().await;
        APP_POOLS.lock().unwrap().remove(&database);
        app.close().await;
    });
    app_pool
}

pub async fn insert_user(pool: &PgPool, email: &str, role: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into users (email, password_hash, role, first_name, last_name)
         values ($1, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', $2, 'Test', 'Person')
         returning user_id",
    )
    .bind(email)
    .bind(role)
    .fetch_one(pool)
    .await
    .expect("insert user")
}

pub async fn insert_specialist(pool: &PgPool, email: &str) -> Uuid {
    let user_id = insert_user(pool, email, "Specialist").await;
    sqlx::query_scalar(
        "insert into specialists (user_id, specialty, professional_license)
         values ($1, 'Acupuncture', 'LIC-1') returning specialist_id",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
    .expect("insert specialist")
}

pub async fn insert_patient(pool: &PgPool, email: &str) -> Uuid {
    let user_id = insert_user(pool, email, "Patient").await;
    sqlx::query_scalar("insert into patients (user_id, date_of_birth) values ($1, '1990-01-01') returning patient_id")
        .bind(user_id)
        .fetch_one(pool)
        .await
        .expect("insert patient")
}

pub fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, hour, minute, 0).unwrap()
}

pub async fn insert_appointment(
    conn: &mut PgConnection,
    specialist_id: Uuid,
    patient_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    status: &str,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type)
         values ($1, $2, $3, $4, $5, 'Follow-up') returning appointment_id",
    )
    .bind(specialist_id)
    .bind(patient_id)
    .bind(start)
    .bind(end)
    .bind(status)
    .fetch_one(conn)
    .await
}

/// The name of the constraint a failed statement violated.
pub fn violated_constraint(result: Result<impl std::fmt::Debug, sqlx::Error>) -> String {
    match result {
        Err(sqlx::Error::Database(e)) => e.constraint().expect("a named constraint").to_string(),
        other => panic!("expected a constraint violation, got {other:?}"),
    }
}

pub async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(pool).await.unwrap()
}
