//! Clinical-records benchmarks, printed as a table (run: `make bench`, numbers in
//! docs/benchmarks.md):
//!
//! 1. A chart with 500 signed notes and 200 attachments, opened over HTTP through the real router
//!    (session, audit row, decryption of the shown notes and their hash checks included).
//! 2. A 200 KB note: saved as a draft and read back rendered (decrypted, Markdown to clean HTML).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use app::model::notes::NoteContent;
use app::server::crypto::{MasterKey, MasterKeys};
use app::server::services::notes::{import, ImportedNote};
use app::server::state::{AppState, AuthSettings};
use chrono::{Duration as Days, Utc};
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use uuid::Uuid;

use common::{body_of, percentile, post_form, sign_in};

const NOTES: usize = 500;
const ATTACHMENTS: usize = 200;

/// A PDF of about `size` bytes (the type is read from the first bytes).
fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(size, b'x');
    bytes
}

/// A realistic note body of ~1.5 KB.
fn body(n: usize) -> String {
    format!(
        "## Subjective\n\nVisit {n}: sleeps **better**, headaches twice a week.\n\n## Objective\n\nTongue pale, pulse thin.\n\n## Plan\n\n- Points LI4, LV3, GB20, retained *20 minutes*\n- [x] Handout on sleep hygiene\n- [ ] Review in two weeks\n\n| Week | Treatment | Goal |\n| --- | --- | --- |\n| 1 | Acupuncture | Fewer headaches |\n| 2 | Acupuncture | Better sleep |\n\n{}",
        "Notes on the patient's progress and the plan agreed together. ".repeat(12)
    )
}

struct Clinic {
    patient_id: Uuid,
    specialist_user: Uuid,
}

async fn seed(pool: &PgPool, keys: &MasterKeys) -> Clinic {
    let hash = app::server::password::hash_password_blocking("benchmark password 1").unwrap();
    let specialist_user: Uuid = sqlx::query_scalar(
        "insert into users (email, password_hash, role, first_name, last_name)
         values ('bench.specialist@example.org', $1, 'Specialist', 'Bench', 'Specialist') returning user_id",
    )
    .bind(&hash)
    .fetch_one(pool)
    .await
    .unwrap();
    let specialist_id: Uuid = sqlx::query_scalar(
        "insert into specialists (user_id, specialty, professional_license) values ($1, 'Acupuncture', 'B1') returning specialist_id",
    )
    .bind(specialist_user)
    .fetch_one(pool)
    .await
    .unwrap();
    let patient_id: Uuid = sqlx::query_scalar(
        "with u as (insert into users (email, password_hash, role, first_name, last_name)
                    values ('bench.patient@example.org', $1, 'Patient', 'Bench', 'Patient') returning user_id)
         insert into patients (user_id, date_of_birth) select user_id, '1980-01-01' from u returning patient_id",
    )
    .bind(&hash)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("insert into care_team (patient_id, specialist_id, how) values ($1, $2, 'AdminAssigned')")
        .bind(patient_id)
        .bind(specialist_id)
        .execute(pool)
        .await
        .unwrap();
    let attachment = pdf(50_000);
    let today = Utc::now().date_naive();
    let mut tx = pool.begin().await.unwrap();
    for n in 0..NOTES {
        let files: Vec<(&str, &[u8])> = if n < ATTACHMENTS { vec![("scan.pdf", &attachment)] } else { Vec::new() };
        import(
            &mut tx,
            keys,
            ImportedNote {
                patient_id,
                specialist_id,
                author: specialist_user,
                appointment_id: None,
                content: NoteContent {
                    record_date: today - Days::days(n as i64),
                    diagnosis: "Tension-type headache".into(),
                    treatment: "Acupuncture".into(),
                    body: body(n),
                },
                signed: true,
                amendments: &[],
                files: &files,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("analyze").execute(pool).await.unwrap();
    Clinic { patient_id, specialist_user }
}

async fn timed(rounds: usize, mut call: impl AsyncFnMut() -> usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..rounds {
        let began = Instant::now();
        size = call().await;
        times.push(began.elapsed());
    }
    times.sort();
    (times, size)
}

fn row(label: &str, times: &[Duration]) {
    println!(
        "| {label} | {:?} | {:?} | {:?} |",
        percentile(times, 0.5),
        percentile(times, 0.95),
        times[times.len() - 1]
    );
}

async fn bench_charts(pool: &PgPool) {
    let keys = MasterKeys::new(vec![MasterKey::generate("mk-bench".into())]).unwrap();
    let began = Instant::now();
    let clinic = seed(pool, &keys).await;
    let seeded = began.elapsed();
    let state = AppState::new(
        LeptosOptions::builder().output_name("syei").build(),
        pool.clone(),
        AuthSettings { login_attempts_per_minute: 10_000, ..AuthSettings::default() },
        keys,
    );
    let http = server::startup::HttpSettings::direct("127.0.0.1:3000".parse().unwrap(), false);
    let router = server::router(state, std::sync::Arc::new(http));
    let cookie = sign_in(&router, "bench.specialist%40example.org").await;

    let chart_body = format!("patient_id={}", clinic.patient_id);
    let (chart_times, chart_bytes) = timed(200, async || {
        let response = post_form(router.clone(), Some(&cookie), "patients/chart", chart_body.clone()).await;
        assert!(response.status().is_success());
        body_of(response).await.len()
    })
    .await;

    // A 200 KB draft: saved again and again (each save a new revision), then read rendered.
    let started = post_form(router.clone(), Some(&cookie), "notes/start", chart_body.clone()).await;
    let record_id: Uuid = serde_json::from_slice(&body_of(started).await).unwrap();
    let big = body(0).repeat(200_000 / body(0).len());
    let mut revision = 1;
    let (save_times, _) = timed(30, async || {
        let form = serde_urlencoded::to_string([
            ("record_id", record_id.to_string()),
            ("revision", revision.to_string()),
            ("record_date", Utc::now().date_naive().to_string()),
            ("diagnosis", "Tension-type headache".to_string()),
            ("treatment", "Acupuncture".to_string()),
            ("body", big.clone()),
        ])
        .unwrap();
        let response = post_form(router.clone(), Some(&cookie), "notes/save", form).await;
        assert!(response.status().is_success());
        revision += 1;
        body_of(response).await.len()
    })
    .await;
    let sign = format!("record_id={record_id}&revision={revision}");
    assert!(post_form(router.clone(), Some(&cookie), "notes/sign", sign).await.status().is_success());
    let (read_times, read_bytes) = timed(30, async || {
        let response = post_form(router.clone(), Some(&cookie), "notes/get", format!("record_id={record_id}")).await;
        assert!(response.status().is_success());
        body_of(response).await.len()
    })
    .await;
    let _ = clinic.specialist_user;

    println!("\n## Clinical records ({NOTES} signed notes, {ATTACHMENTS} attachments of 50 KB, one patient)");
    println!("seeded (sealed, hashed, signed) in {seeded:?}");
    println!("| measure | p50 | p95 | max |");
    println!("|---|---|---|---|");
    row(
        &format!(
            "patients/chart over HTTP (newest 50 notes decrypted and hash-checked, 200 files listed; {} KB)",
            chart_bytes / 1024
        ),
        &chart_times,
    );
    row(&format!("notes/save of a {} KB draft over HTTP", big.len() / 1024), &save_times);
    row(&format!("notes/get of that note, signed, rendered to HTML ({} KB)", read_bytes / 1024), &read_times);
}

#[tokio::main]
async fn main() {
    let Some((admin, pool)) = common::scratch_database("syei_bench_charts").await else {
        println!("\n(DATABASE_URL not set: the clinical-records benchmarks were skipped; run `make bench`)");
        return;
    };
    bench_charts(&pool).await;
    common::drop_database(&admin, pool, "syei_bench_charts").await;
}
