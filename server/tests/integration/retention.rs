//! Data retention (migration 20261130000017, `services::retention`, `server retention run`):
//! on data of known ages, a dry run counts exactly what a run then removes and changes
//! nothing; a run removes exactly the expired rows of each class; a held advisory lock makes a
//! run skip; an erased patient reads as erased through the app and their ciphertext opens with
//! no key; the audit chain verifies after the purge; bad periods are refused.

use std::process::Command;

use app::model::retention::RetentionReport;
use app::server::services::audit_chain::{self, Verdict};
use app::server::services::patient_vault;
use app::server::services::retention::{self, Outcome, StartedBy, LOCK_KEY};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app, Client};
use crate::common::*;
use crate::create_admin_command::url_of;

/// Audit rows older than the default 10 years, written before anything else so they are the
/// start of the chain.
const OLD_AUDIT_ROWS: i64 = 3;

async fn exec(pool: &PgPool, sql: &str, ids: &[Uuid]) {
    let mut query = sqlx::query(sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.execute(pool).await.unwrap();
}

async fn scalar_i64(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Audit rows of known ages: three past retention, then one 9 years old (kept).
async fn seed_audit(pool: &PgPool) {
    for years in [12, 12, 11, 9] {
        sqlx::query(
            "insert into audit_logs (table_name, action, created_at)
             values ('retention_test', 'SEED', now() - make_interval(years => $1))",
        )
        .bind(years)
        .execute(pool)
        .await
        .unwrap();
    }
}

/// A patient registered and last seen `years` ago, with a sealed history, a past appointment
/// and a signed note (all as old), optionally booked again in a month. Returns (patient, note).
async fn old_patient(pool: &PgPool, clinic: &Clinic, email: &str, years: i32, booked: bool) -> (Uuid, Uuid) {
    let user_id = insert_user(pool, email, "Patient").await;
    let patient_id: Uuid = sqlx::query_scalar(
        "insert into patients (user_id, date_of_birth) values ($1, '1950-05-05') returning patient_id",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
    .unwrap();
    let keys = test_keys();
    let mut tx = pool.begin().await.unwrap();
    let details = patient_vault::ClinicalDetails {
        emergency_contact_name: Some("Luis Ortega".into()),
        emergency_contact_phone: Some("+34 600 000 111".into()),
        base_medical_history: Some("Chronic lumbago".into()),
    };
    patient_vault::save_details(&mut tx, &keys, patient_id, details).await.unwrap();
    let key = patient_vault::data_key(&mut tx, &keys, patient_id).await.unwrap();
    tx.commit().await.unwrap();
    let note_id: Uuid = sqlx::query_scalar(
        "insert into medical_records (patient_id, specialist_id, record_date, created_by, status, signed_by, signed_at,
                                      content_sha256, diagnosis_sealed, body_sealed, created_at, updated_at)
         values ($1, $2, (now() - make_interval(years => $4))::date, $3, 'Signed', $3, now() - make_interval(years => $4),
                 repeat('0', 64), $5, $6, now() - make_interval(years => $4), now() - make_interval(years => $4))
         returning record_id",
    )
    .bind(patient_id)
    .bind(clinic.specialist_id)
    .bind(clinic.specialist.user_id)
    .bind(years)
    .bind(key.seal("medical_records.diagnosis", "Lumbago").unwrap())
    .bind(key.seal("medical_records.body", "Heat and rest.").unwrap())
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type,
                                   created_at, updated_at)
         values ($1, $2, now() - make_interval(years => $3), now() - make_interval(years => $3) + interval '1 hour',
                 'Completed', 'Follow-up', now() - make_interval(years => $3), now() - make_interval(years => $3))",
    )
    .bind(clinic.specialist_id)
    .bind(patient_id)
    .bind(years)
    .execute(pool)
    .await
    .unwrap();
    if booked {
        let other_specialist: Uuid = sqlx::query_scalar("select specialist_id from specialists where user_id = $1")
            .bind(clinic.other_specialist.user_id)
            .fetch_one(pool)
            .await
            .unwrap();
        exec(
            pool,
            "insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type)
             values ($1, $2, now() + interval '30 days', now() + interval '30 days 1 hour', 'Pending', 'Follow-up')",
            &[other_specialist, patient_id],
        )
        .await;
    }
    exec(
        pool,
        "insert into care_team (patient_id, specialist_id, how) values ($1, $2, 'AdminAssigned')",
        &[patient_id, clinic.specialist_id],
    )
    .await;
    // Registration, details and last sign-in as old too (the row triggers would stamp "now":
    // they are off for this one superuser transaction).
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("set local session_replication_role = replica").execute(&mut *tx).await.unwrap();
    sqlx::query(
        "update patients set created_at = now() - make_interval(years => $2), updated_at = now() - make_interval(years => $2)
         where patient_id = $1",
    )
    .bind(patient_id)
    .bind(years)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("update users set last_login_at = now() - make_interval(years => $2) where user_id = $1")
        .bind(user_id)
        .bind(years)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (patient_id, note_id)
}

/// Everything else of known age: for each class, some rows past the default period and some
/// within it. Returns nothing: the counts below are the test's expectations.
async fn seed_classes(pool: &PgPool, clinic: &Clinic) {
    let patient = clinic.patient.user_id;
    // Notifications: 4 older than a year, 2 recent.
    for days in [400, 500, 366, 1000, 10, 300] {
        sqlx::query(
            "insert into notifications (user_id, title, message, notification_type, created_at)
             values ($1, 'Reminder', 'Your appointment', 'Reminder', now() - make_interval(days => $2))",
        )
        .bind(patient)
        .bind(days)
        .execute(pool)
        .await
        .unwrap();
    }
    // Sessions: 2 ended more than 90 days ago, 1 ended 10 days ago, 1 live.
    for (days, n) in [(-100, 1), (-200, 2), (-10, 3), (1, 4)] {
        sqlx::query(
            "insert into sessions (id_hash, data, expiry_date)
             values (sha256(convert_to('session ' || $2, 'UTF8')), '{}', now() + make_interval(days => $1))",
        )
        .bind(days)
        .bind(n)
        .execute(pool)
        .await
        .unwrap();
    }
    // Sign-in throttle rows: 2 old, 1 recent, 1 old but still locking its address (kept).
    for (days, ip, locked) in
        [(100, "10.0.0.1", false), (95, "10.0.0.2", false), (5, "10.0.0.3", false), (120, "10.0.0.4", true)]
    {
        sqlx::query(
            "insert into login_throttles (user_id, ip_address, failures, last_failure_at, locked_until)
             values ($1, $2::inet, 5, now() - make_interval(days => $3),
                     case when $4 then now() + interval '1 hour' end)",
        )
        .bind(patient)
        .bind(ip)
        .bind(days)
        .bind(locked)
        .execute(pool)
        .await
        .unwrap();
    }
    // Appointments: 2 cancelled 3 years ago (go), 1 cancelled a year ago and 1 completed
    // 3 years ago (kept).
    for (days, status) in [(1100, "Canceled"), (1200, "Canceled"), (365, "Canceled"), (1100, "Completed")] {
        sqlx::query(
            "insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type,
                                       created_at, updated_at)
             values ($1, $2, now() - make_interval(days => $3), now() - make_interval(days => $3) + interval '1 hour',
                     $4, 'Follow-up', now() - make_interval(days => $3), now() - make_interval(days => $3))",
        )
        .bind(clinic.specialist_id)
        .bind(clinic.patient_id)
        .bind(days)
        .bind(status)
        .execute(pool)
        .await
        .unwrap();
    }
}

/// The seeded clinic: old audit rows first, then the clinic, one patient inactive for 12 years
/// (erased), one for 9 (kept), one for 12 but booked again (kept).
struct Seeded {
    clinic: Clinic,
    erased: Uuid,
    erased_note: Uuid,
    kept_recent: Uuid,
    kept_booked: Uuid,
}

async fn seeded(pool: &PgPool) -> Seeded {
    seed_audit(pool).await;
    let clinic = Clinic::create(pool).await;
    let (erased, erased_note) = old_patient(pool, &clinic, "old@patients.example", 12, false).await;
    let (kept_recent, _) = old_patient(pool, &clinic, "nine@patients.example", 9, false).await;
    let (kept_booked, _) = old_patient(pool, &clinic, "booked@patients.example", 12, true).await;
    seed_classes(pool, &clinic).await;
    Seeded { clinic, erased, erased_note, kept_recent, kept_booked }
}

/// Row counts of every class (and the seeded audit rows), to compare before and after.
async fn class_counts(pool: &PgPool) -> [i64; 6] {
    [
        scalar_i64(pool, "select count(*) from audit_logs where action = 'SEED'").await,
        scalar_i64(pool, "select count(*) from notifications").await,
        scalar_i64(pool, "select count(*) from sessions").await,
        scalar_i64(pool, "select count(*) from login_throttles").await,
        scalar_i64(pool, "select count(*) from appointments where status = 'Canceled'").await,
        scalar_i64(pool, "select count(*) from patient_data_keys where wrapped_key is not null").await,
    ]
}

/// Everything a run could change, the run log aside.
async fn everything(pool: &PgPool) -> String {
    let mut parts = vec![crate::common::clinic::data_fingerprint(pool).await];
    for table in ["audit_logs", "audit_chain", "audit_chain_head", "sessions", "login_throttles"] {
        let digest: Option<String> =
            sqlx::query_scalar(&format!("select md5(string_agg(t::text, '|' order by t::text)) from {table} t"))
                .fetch_one(pool)
                .await
                .unwrap();
        parts.push(format!("{table}:{}", digest.unwrap_or_default()));
    }
    parts.join(",")
}

fn expected_counts(report: &RetentionReport) {
    let c = &report.counts;
    assert_eq!(c.audit_entries, OLD_AUDIT_ROWS, "audit entries");
    assert_eq!(c.notifications, 4, "notifications");
    assert_eq!(c.sessions, 2, "sessions");
    assert_eq!(c.sign_in_attempts, 2, "sign-in attempts");
    assert_eq!(c.cancelled_appointments, 2, "cancelled appointments");
    assert_eq!(c.erased_patients, 1, "erased patients");
}

fn server(pool: &PgPool, args: &[&str]) -> (Option<i32>, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_server")).args(args).env("DATABASE_URL", url_of(pool)).output().unwrap();
    let printed = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    (output.status.code(), printed)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dry_run_counts_exactly_what_a_run_then_removes(pool: PgPool) {
    let seeded = seeded(&pool).await;
    let before = class_counts(&pool).await;
    let untouched = everything(&pool).await;

    let dry = retention::dry_run(&pool, StartedBy::Command).await.unwrap();
    assert!(dry.dry_run);
    expected_counts(&dry);
    let listed: Vec<Uuid> = dry.patients.iter().map(|p| p.patient_id).collect();
    assert_eq!(listed, [seeded.erased], "only the patient inactive past the period");
    assert_eq!(dry.patients[0].email, "old@patients.example");
    assert_eq!(everything(&pool).await, untouched, "a dry run changes nothing");

    // The command line says the same, and changes nothing either.
    let (status, printed) = server(&pool, &["retention", "run", "--dry-run"]);
    assert_eq!(status, Some(0), "{printed}");
    assert!(printed.contains("notifications:           4"), "{printed}");
    assert!(printed.contains("cancelled appointments:  2"), "{printed}");
    assert!(printed.contains(&seeded.erased.to_string()), "{printed}");
    assert!(!printed.contains(&seeded.kept_recent.to_string()), "{printed}");
    assert_eq!(everything(&pool).await, untouched, "a dry run from the command line changes nothing");

    let Outcome::Done(report) = retention::run(&pool, StartedBy::Command).await.unwrap() else {
        panic!("nothing else holds the lock")
    };
    assert!(!report.dry_run);
    expected_counts(&report);
    let after = class_counts(&pool).await;
    let removed: Vec<i64> = before.iter().zip(after).map(|(b, a)| b - a).collect();
    assert_eq!(removed, [OLD_AUDIT_ROWS, 4, 2, 2, 2, 1], "exactly the expired rows of each class went");

    // And exactly those: what was within its period is still there.
    assert_eq!(
        scalar_i64(&pool, "select count(*) from notifications where created_at > now() - interval '365 days'").await,
        2
    );
    assert_eq!(
        scalar_i64(&pool, "select count(*) from notifications where created_at < now() - interval '365 days'").await,
        0
    );
    assert_eq!(
        scalar_i64(&pool, "select count(*) from sessions where expiry_date > now() - interval '90 days'").await,
        2
    );
    assert_eq!(
        scalar_i64(&pool, "select count(*) from login_throttles where ip_address in ('10.0.0.3', '10.0.0.4')").await,
        2
    );
    assert_eq!(
        scalar_i64(&pool, "select count(*) from appointments where status = 'Completed' and start_datetime between now() - interval '4 years' and now() - interval '2 years'").await,
        1,
        "only cancelled appointments go"
    );
    assert_eq!(
        scalar_i64(
            &pool,
            "select count(*) from audit_logs where action = 'SEED' and created_at > now() - interval '10 years'"
        )
        .await,
        1
    );
    for (patient, erased) in [(seeded.erased, true), (seeded.kept_recent, false), (seeded.kept_booked, false)] {
        let destroyed: bool =
            sqlx::query_scalar("select wrapped_key is null from patient_data_keys where patient_id = $1")
                .bind(patient)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(destroyed, erased, "patient {patient}");
    }
    // The erasure is audited, without a clinical value.
    let erasure: serde_json::Value = sqlx::query_scalar(
        "select new_values from audit_logs where action = 'ERASE' and table_name = 'patients' and record_id = $1",
    )
    .bind(seeded.erased)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(erasure["reason"], "retention");
    assert!(!erasure.to_string().contains("lumbago"));

    // The chain still verifies, from the moved anchor, in the app and on the command line.
    let Verdict::Intact(intact) = audit_chain::verify(&pool, 5, None).await.unwrap() else {
        panic!("the chain must verify after a purge")
    };
    assert_eq!(intact.anchor.seq, OLD_AUDIT_ROWS);
    let (status, printed) = server(&pool, &["audit", "verify"]);
    assert_eq!(status, Some(0), "{printed}");
    assert!(printed.contains("older rows were purged"), "{printed}");
    // The purge is in the trail.
    let purge: serde_json::Value =
        sqlx::query_scalar("select new_values from audit_logs where action = 'PURGE'").fetch_one(&pool).await.unwrap();
    assert_eq!(purge["purged"], OLD_AUDIT_ROWS);

    // The append-only guard still refuses everyone else, the superuser included.
    let refused = sqlx::query("delete from audit_logs where action = 'SEED'").execute(&pool).await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    // A role that may delete (granted here) but owns nothing is refused by the guard, flag or
    // not, and may not call the purge function at all.
    for statement in ["delete from audit_chain", "select audit_retention_purge(10, false)"] {
        let mut tx = pool.begin().await.unwrap();
        for setup in [
            "create role retention_intruder",
            "grant usage on schema public to retention_intruder",
            "grant select, delete on audit_logs, audit_chain to retention_intruder",
            "select set_config('syei.audit_purge', 'on', true)",
            "set local role retention_intruder",
        ] {
            sqlx::query(setup).execute(&mut *tx).await.unwrap();
        }
        let error = sqlx::query(statement).execute(&mut *tx).await.unwrap_err().to_string();
        assert!(
            error.contains("append-only") || error.contains("permission denied for function"),
            "{statement}: {error}"
        );
        tx.rollback().await.unwrap();
    }

    // A second run finds nothing; the log has the three runs.
    let Outcome::Done(again) = retention::run(&pool, StartedBy::Schedule).await.unwrap() else { panic!() };
    assert_eq!(again.counts, Default::default());
    let runs: Vec<(String, bool)> =
        sqlx::query_as("select started_by, dry_run from retention_runs order by started_at")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        runs,
        [
            ("command".to_string(), true),
            ("command".to_string(), true),
            ("command".to_string(), false),
            ("schedule".to_string(), false)
        ]
    );
    // The daily job does not run twice a day.
    assert_eq!(retention::run_if_due(&pool).await.unwrap(), Outcome::Skipped);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_skips_while_another_holds_the_lock(pool: PgPool) {
    let _seeded = seeded(&pool).await;
    let untouched = everything(&pool).await;
    let mut other = pool.acquire().await.unwrap().detach();
    let taken: bool =
        sqlx::query_scalar("select pg_try_advisory_lock($1)").bind(LOCK_KEY).fetch_one(&mut other).await.unwrap();
    assert!(taken);

    assert_eq!(retention::run(&pool, StartedBy::Command).await.unwrap(), Outcome::Skipped);
    assert_eq!(retention::run_if_due(&pool).await.unwrap(), Outcome::Skipped);
    let (status, printed) = server(&pool, &["retention", "run"]);
    assert_eq!(status, Some(3), "{printed}");
    assert!(printed.contains("another retention run is in progress"), "{printed}");
    assert_eq!(everything(&pool).await, untouched, "a skipped run changes nothing");
    assert_eq!(scalar_i64(&pool, "select count(*) from retention_runs").await, 0);

    // Once released, the next run goes ahead, and two at once do the work once.
    sqlx::query("select pg_advisory_unlock($1)").bind(LOCK_KEY).execute(&mut other).await.unwrap();
    let (first, second) =
        tokio::join!(retention::run(&pool, StartedBy::Command), retention::run(&pool, StartedBy::Command));
    let reports: Vec<RetentionReport> = [first.unwrap(), second.unwrap()]
        .into_iter()
        .filter_map(|outcome| match outcome {
            Outcome::Done(report) => Some(report),
            Outcome::Skipped => None,
        })
        .collect();
    let notifications: i64 = reports.iter().map(|r| r.counts.notifications).sum();
    let erased: i64 = reports.iter().map(|r| r.counts.erased_patients).sum();
    assert_eq!((notifications, erased), (4, 1), "whichever ran, the work was done once");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_erased_patient_reads_as_erased_and_their_ciphertext_opens_with_no_key(pool: PgPool) {
    let seeded = seeded(&pool).await;
    let clinic = &seeded.clinic;
    let wrapped_before: Vec<u8> = sqlx::query_scalar("select wrapped_key from patient_data_keys where patient_id = $1")
        .bind(seeded.erased)
        .fetch_one(&pool)
        .await
        .unwrap();
    let sealed_history: Vec<u8> =
        sqlx::query_scalar("select base_medical_history_sealed from patients where patient_id = $1")
            .bind(seeded.erased)
            .fetch_one(&pool)
            .await
            .unwrap();
    let sealed_body: Vec<u8> = sqlx::query_scalar("select body_sealed from medical_records where record_id = $1")
        .bind(seeded.erased_note)
        .fetch_one(&pool)
        .await
        .unwrap();

    let mut admin = Client::new(app(pool.clone()));
    assert_eq!(admin.login(clinic.admin.email, PASSWORD).await.status, 200);
    let patient = seeded.erased.to_string();
    let before = admin.call("patients/get", &[("patient_id", &patient)]).await;
    assert_eq!(before.json()["base_medical_history"], "Chronic lumbago");

    let Outcome::Done(report) = retention::run(&pool, StartedBy::Command).await.unwrap() else { panic!() };
    assert_eq!(report.counts.erased_patients, 1);

    // Through the app, as staff: the details and the note say "erased", and nothing fails.
    let after = admin.call("patients/get", &[("patient_id", &patient)]).await;
    assert_eq!(after.status, 200, "{}", after.body);
    assert_eq!(after.json()["clinical_data_erased"], true);
    assert_eq!(after.json()["base_medical_history"], serde_json::Value::Null);
    assert_eq!(after.json()["emergency_contact_name"], serde_json::Value::Null);
    let mut specialist = Client::new(app(pool.clone()));
    assert_eq!(specialist.login(clinic.specialist.email, PASSWORD).await.status, 200);
    for client in [&mut admin, &mut specialist] {
        let note = client.call("notes/get", &[("record_id", &seeded.erased_note.to_string())]).await;
        assert_eq!(note.status, 200, "{}", note.body);
        assert_eq!(note.json()["erased"], true);
        assert!(!note.body.contains("Heat and rest"));
        let chart = client.get(&format!("/patients/{patient}")).await;
        assert_eq!(chart.status, 200);
        assert!(chart.body.contains("Erased after the retention period"), "the chart says so");
        assert!(!chart.body.contains("Chronic lumbago"));
        let page = client.get(&format!("/notes/{}", seeded.erased_note)).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("erased after the retention period"), "the note page says so");
    }
    // A patient kept is still readable.
    let kept = admin.call("patients/get", &[("patient_id", &seeded.kept_recent.to_string())]).await;
    assert_eq!(kept.json()["base_medical_history"], "Chronic lumbago");

    // The key is gone from the database; no copy of the wrapped key is anywhere in it (the
    // audit trail never kept one), so nothing left can reopen the data.
    let mut conn = pool.acquire().await.unwrap();
    assert!(patient_vault::existing_key(&mut conn, &test_keys(), seeded.erased).await.unwrap().is_none());
    let wrapped_hex = hex_of(&wrapped_before);
    let copies = scalar_i64(
        &pool,
        &format!(
            "select (select count(*) from patient_data_keys where wrapped_key = '\\x{wrapped_hex}'::bytea)
                  + (select count(*) from audit_logs
                     where coalesce(old_values::text, '') || coalesce(new_values::text, '') ilike '%{wrapped_hex}%')"
        ),
    )
    .await;
    assert_eq!(copies, 0, "no copy of the destroyed key's wrapping is left");
    let key_audit: Vec<serde_json::Value> = sqlx::query_scalar(
        "select coalesce(old_values, '{}') || coalesce(new_values, '{}') from audit_logs
         where table_name = 'patient_data_keys' and (new_values ->> 'patient_id')::uuid = $1",
    )
    .bind(seeded.erased)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(!key_audit.is_empty());
    assert!(key_audit.iter().all(|values| values.get("wrapped_key").is_none()));

    // Every key there is: the master key, as a data key, does not open the ciphertext; the
    // other patients' keys do not either; the wrapped key material (as a key) neither.
    let master_hex = test_keys().current().to_hex();
    let master: Vec<u8> =
        (0..master_hex.len()).step_by(2).map(|i| u8::from_str_radix(&master_hex[i..i + 2], 16).unwrap()).collect();
    let mut candidates: Vec<Vec<u8>> = vec![master, wrapped_before[24..56].to_vec(), wrapped_before[..32].to_vec()];
    candidates.push(vec![0; 32]);
    for key in &candidates {
        for (field, sealed) in
            [("patients.base_medical_history", &sealed_history), ("medical_records.body", &sealed_body)]
        {
            assert!(open_with(key, seeded.erased, field, sealed).is_none(), "{field} must not open");
        }
    }
    // Kept patients' keys (live, unwrapped by the app) do not open it either.
    for other in [seeded.kept_recent, seeded.kept_booked, clinic.patient_id] {
        let key = patient_vault::existing_key(&mut conn, &test_keys(), other).await.unwrap().unwrap();
        assert!(key.open("patients.base_medical_history", &sealed_history).is_err());
    }
}

/// Opens a sealed field (format of app::server::crypto: version, key id, 24-byte nonce,
/// ciphertext) with raw key bytes, as an attacker holding them would.
fn open_with(key: &[u8], patient_id: Uuid, field: &str, sealed: &[u8]) -> Option<Vec<u8>> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    let aad = [b"syei/field/v1/".as_slice(), patient_id.as_bytes(), field.as_bytes()].concat();
    cipher.decrypt(XNonce::from_slice(&sealed[17..41]), Payload { msg: &sealed[41..], aad: &aad }).ok()
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn out_of_range_periods_are_refused_with_a_clear_message(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut admin = Client::new(app(pool.clone()));
    assert_eq!(admin.login(clinic.admin.email, PASSWORD).await.status, 200);
    let settings = |clinical_years: i32, notification_days: i32| {
        json!({ "settings": { "audit_years": 10, "notification_days": notification_days, "sign_in_days": 90,
                              "cancelled_appointment_days": 730, "clinical_years": clinical_years } })
    };

    let refused = admin.call_json("retention/save-settings", settings(2, 365)).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("the law asks for at least 5"), "{}", refused.body);
    let refused = admin.call_json("retention/save-settings", settings(2, 7)).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("between 30 and 3650 days"), "{}", refused.body);
    assert_eq!(scalar_i64(&pool, "select retention_clinical_years::bigint from clinic_settings").await, 10);

    let saved = admin.call_json("retention/save-settings", settings(15, 180)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let overview = admin.call("retention/overview", &[]).await;
    assert_eq!(overview.json()["settings"]["clinical_years"], 15);
    assert_eq!(overview.json()["settings"]["notification_days"], 180);

    // The database refuses them too, whoever writes.
    let violated =
        violated_constraint(sqlx::query("update clinic_settings set retention_audit_years = 0").execute(&pool).await);
    assert_eq!(violated, "clinic_settings_retention_audit_check");

    // The page's dry run is the admin's, logged with their name.
    let dry = admin.call("retention/dry-run", &[]).await;
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert_eq!(dry.json()["dry_run"], true);
    let overview = admin.call("retention/overview", &[]).await;
    assert_eq!(overview.json()["runs"][0]["started_by"], "admin");
    assert_eq!(overview.json()["runs"][0]["dry_run"], true);

    // The settings page shows the section, the saved periods and the run.
    let page = admin.get("/admin/settings").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Data retention"), "{}", page.body);
    assert!(
        page.body.contains("Clinical data, after the patient&#x27;s last activity (years)")
            || page.body.contains("Clinical data, after the patient's last activity (years)")
    );
    assert!(page.body.contains("(dry run)"), "the run log lists the dry run");

    // Nobody else reaches any of it (the authorization matrix checks every caller).
    let mut patient = Client::new(app(pool.clone()));
    patient.login(clinic.patient.email, PASSWORD).await;
    assert_eq!(patient.call("retention/dry-run", &[]).await.status, 404);
    assert_eq!(patient.call_json("retention/save-settings", settings(15, 180)).await.status, 404);
}
