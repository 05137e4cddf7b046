//! Encryption at rest: a patient's clinical details are sealed with their own data key before
//! they reach PostgreSQL, so neither a dump of the database nor its audit trail holds them in
//! plaintext; destroying the key erases them; the key file is checked at start-up, rotated
//! without re-encrypting, and details stored before encryption existed are sealed by `migrate`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use app::server::services::patient_vault;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app, Client};
use crate::common::test_keys;

/// The URL of the test's own database (same server as DATABASE_URL, the test database's name).
fn url_of(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").unwrap();
    let base = base.split('?').next().unwrap();
    let name = pool.connect_options().get_database().unwrap().to_string();
    format!("{}/{name}", base.rsplit_once('/').unwrap().0)
}

/// A `pg_dump` of the whole test database (schema and data, audit trail included).
pub(crate) fn pg_dump(pool: &PgPool) -> String {
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|version| version.path().join("bin/pg_dump"))
        .filter(|path| path.is_file())
        .max();
    let program = installed.unwrap_or_else(|| PathBuf::from("pg_dump"));
    let output = Command::new(&program).arg("--no-owner").arg(url_of(pool)).output().expect("run pg_dump");
    assert!(output.status.success(), "pg_dump failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn patient_form(email: &str, marker: &str) -> serde_json::Value {
    json!({ "form": { "role": "Patient", "email": email, "first_name": "Nora", "last_name": "Vidal",
        "phone": "", "specialty": "", "professional_license": "", "bio": "", "date_of_birth": "1990-05-01",
        "emergency_contact_name": format!("Contact {marker}"), "emergency_contact_phone": "+34 600 000 000",
        "base_medical_history": format!("History {marker}: asthma"),
        "linked_patient_id": "", "relationship": "" } })
}

#[sqlx::test(migrations = "../migrations")]
async fn clinical_details_reach_the_database_and_its_audit_trail_only_sealed(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut admin = Client::new(app(pool.clone()));
    admin.login(clinic.admin.email, PASSWORD).await;
    let marker = format!("MARKER{}", Uuid::new_v4().simple());
    let created = admin.call_json("users/create", patient_form("nora@patients.example", &marker)).await;
    assert!(created.status.is_success(), "{}", created.body);
    let user_id = created.json()["user_id"].as_str().unwrap().to_string();
    // And once more through an update, so old and new values both reach the audit trail.
    let mut updated_form = patient_form("nora@patients.example", &marker);
    updated_form["user_id"] = json!(user_id);
    updated_form["form"]["base_medical_history"] = json!(format!("Updated {marker}: asthma, hay fever"));
    let updated = admin.call_json("users/update", updated_form).await;
    assert!(updated.status.is_success(), "{}", updated.body);

    let dump = pg_dump(&pool);
    assert!(dump.contains("nora@patients.example"), "the dump holds the data");
    assert!(!dump.contains(&marker), "a clinical value is in the database dump in plaintext");

    // The admin's edit form opens them again.
    let detail = admin.call("users/get", &[("user_id", &user_id)]).await;
    assert_eq!(detail.json()["form"]["base_medical_history"], format!("Updated {marker}: asthma, hay fever"));
    assert_eq!(detail.json()["form"]["emergency_contact_name"], format!("Contact {marker}"));

    // One key per patient, wrapped by the current master key; the sealed values name it.
    let (data_key_id, master_key_id): (Uuid, String) = sqlx::query_as(
        "select k.data_key_id, k.master_key_id from patient_data_keys k join patients p using (patient_id)
         join users u using (user_id) where u.email = 'nora@patients.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(master_key_id, test_keys().current().id);
    let sealed: Vec<u8> = sqlx::query_scalar(
        "select base_medical_history_sealed from patients p join users u using (user_id) where u.email = $1",
    )
    .bind("nora@patients.example")
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(app::server::crypto::sealed_key_id(&sealed), Some(data_key_id));
}

#[sqlx::test(migrations = "../migrations")]
async fn destroying_a_patients_key_erases_their_clinical_details(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let keys = test_keys();
    let mut tx = pool.begin().await.unwrap();
    let details = patient_vault::ClinicalDetails {
        emergency_contact_name: Some("Pablo".into()),
        emergency_contact_phone: None,
        base_medical_history: Some("Migraines".into()),
    };
    patient_vault::save_details(&mut tx, &keys, clinic.patient_id, details).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from patient_data_keys where patient_id = $1")
            .bind(clinic.patient_id)
            .fetch_one(&pool)
            .await
            .unwrap(),
        1,
        "saving again keeps the patient's one key"
    );

    let mut admin = Client::new(app(pool.clone()));
    admin.login(clinic.admin.email, PASSWORD).await;
    let before = admin.call("patients/get", &[("patient_id", &clinic.patient_id.to_string())]).await;
    assert_eq!(before.json()["base_medical_history"], "Migraines");
    assert_eq!(before.json()["clinical_data_erased"], false);

    let mut conn = pool.acquire().await.unwrap();
    assert!(patient_vault::destroy_key(&mut conn, clinic.patient_id).await.unwrap());
    let after = admin.call("patients/get", &[("patient_id", &clinic.patient_id.to_string())]).await;
    assert!(after.status.is_success(), "{}", after.body);
    assert_eq!(after.json()["base_medical_history"], serde_json::Value::Null);
    assert_eq!(after.json()["emergency_contact_name"], serde_json::Value::Null);
    assert_eq!(after.json()["clinical_data_erased"], true);
    // Nothing new can be sealed for that patient under a fresh key by accident.
    let again = patient_vault::save_details(&mut conn, &keys, clinic.patient_id, Default::default()).await;
    assert!(again.is_err());
    // The audit trail never held the wrapped key, so nothing there reopens the data.
    let leaked: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where table_name = 'patient_data_keys'
           and (coalesce(old_values, '{}') ? 'wrapped_key' or coalesce(new_values, '{}') ? 'wrapped_key')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(leaked, 0);
}

fn server(pool: &PgPool, key_file: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", url_of(pool))
        .env("SYEI_MASTER_KEY_FILE", key_file)
        .env("SYEI_ADDR", "127.0.0.1:0")
        .output()
        .unwrap()
}

fn printed(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr)
}

fn temporary_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("syei-keys-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[sqlx::test(migrations = "../migrations")]
async fn migrate_seals_old_plaintext_and_keys_rotate_without_reencrypting(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let dir = temporary_dir();
    let key_file = dir.join("master.key");
    let init = server(&pool, &key_file, &["keys", "init"]);
    assert!(init.status.success(), "{}", printed(&init));

    // A database as it was before encryption at rest: no keys, details in plaintext (the
    // guard came with that migration).
    sqlx::raw_sql(
        "update patients set emergency_contact_sealed = null, base_medical_history_sealed = null;
         delete from patient_data_keys;
         alter table patients drop constraint patients_no_plaintext_clinical;
         update patients set base_medical_history = 'Old plaintext history', emergency_contact_name = 'Old contact';
         alter table patients add constraint patients_no_plaintext_clinical check (emergency_contact_name is null
             and emergency_contact_phone is null and base_medical_history is null) not valid;",
    )
    .execute(&pool)
    .await
    .unwrap();
    let migrate = server(&pool, &key_file, &["migrate"]);
    assert!(migrate.status.success(), "{}", printed(&migrate));
    let plaintext: i64 = sqlx::query_scalar(
        "select count(*) from patients where base_medical_history is not null or emergency_contact_name is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(plaintext, 0);
    assert!(!pg_dump(&pool).contains("Old plaintext history"));
    let opened = |keys: app::server::crypto::MasterKeys| {
        let pool = pool.clone();
        let patient_id = clinic.patient_id;
        async move {
            let mut conn = pool.acquire().await.unwrap();
            let row = app::server::db::patients::find(&mut conn, patient_id).await.unwrap().unwrap();
            let sealed = app::server::db::patients::SealedDetails {
                emergency_contact: row.emergency_contact_sealed,
                base_medical_history: row.base_medical_history_sealed,
            };
            patient_vault::open_details(&mut conn, &keys, patient_id, sealed).await.unwrap().or_empty()
        }
    };
    let before = opened(server::keys::load(&key_file).unwrap()).await;
    assert_eq!(before.base_medical_history.as_deref(), Some("Old plaintext history"));
    let sealed_before: Vec<u8> =
        sqlx::query_scalar("select base_medical_history_sealed from patients where patient_id = $1")
            .bind(clinic.patient_id)
            .fetch_one(&pool)
            .await
            .unwrap();

    // Rotation: a new current key; every patient key re-wrapped; sealed fields untouched.
    let rotate = server(&pool, &key_file, &["keys", "rotate"]);
    assert!(rotate.status.success(), "{}", printed(&rotate));
    let rotated = server::keys::load(&key_file).unwrap();
    let old_ids: i64 = sqlx::query_scalar("select count(*) from patient_data_keys where master_key_id <> $1")
        .bind(&rotated.current().id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(old_ids, 0, "{}", printed(&rotate));
    let sealed_after: Vec<u8> =
        sqlx::query_scalar("select base_medical_history_sealed from patients where patient_id = $1")
            .bind(clinic.patient_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(sealed_before, sealed_after, "rotation re-wraps keys, it does not re-encrypt data");
    // Only the new master key is needed now.
    let newest_only = app::server::crypto::MasterKeys::new(vec![rotated.current().clone()]).unwrap();
    let after = opened(newest_only).await;
    assert_eq!(after.base_medical_history.as_deref(), Some("Old plaintext history"));

    // Another key file cannot serve this database: the server refuses to start.
    let stranger = dir.join("stranger.key");
    assert!(server(&pool, &stranger, &["keys", "init"]).status.success());
    let refused = server(&pool, &stranger, &["serve"]);
    assert!(!refused.status.success());
    assert!(printed(&refused).contains("refusing to start"), "{}", printed(&refused));
    let missing = server(&pool, &dir.join("missing.key"), &["serve"]);
    assert!(!missing.status.success());
    assert!(printed(&missing).contains("not found"), "{}", printed(&missing));
    std::fs::remove_dir_all(dir).unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn keys_rotate_reseals_staff_two_factor_secrets_under_the_new_key(pool: PgPool) {
    use app::server::totp::{sealing_context, TotpSecret};
    let specialist = crate::common::insert_user(&pool, "rotating.specialist@clinic.example", "Specialist").await;
    let dir = temporary_dir();
    let key_file = dir.join("master.key");
    assert!(server(&pool, &key_file, &["keys", "init"]).status.success());
    let first = server::keys::load(&key_file).unwrap();
    // The specialist's two-factor secret, sealed as the set-up seals it, under the first key.
    let secret = TotpSecret::generate();
    let (first_id, sealed) = first.seal_secret(&sealing_context(specialist), secret.as_bytes()).unwrap();
    sqlx::query(
        "insert into staff_two_factor (user_id, secret_sealed, master_key_id, confirmed_at) values ($1, $2, $3, now())",
    )
    .bind(specialist)
    .bind(&sealed)
    .bind(&first_id)
    .execute(&pool)
    .await
    .unwrap();

    let rotate = server(&pool, &key_file, &["keys", "rotate"]);
    assert!(rotate.status.success(), "{}", printed(&rotate));
    assert!(printed(&rotate).contains("re-sealed 1 two-factor secrets"), "{}", printed(&rotate));
    let rotated = server::keys::load(&key_file).unwrap();
    let (sealed_by, resealed): (String, Vec<u8>) =
        sqlx::query_as("select master_key_id, secret_sealed from staff_two_factor where user_id = $1")
            .bind(specialist)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(sealed_by, rotated.current().id);
    assert_ne!(sealed_by, first_id);
    // The new key alone opens it, to the same secret (the app's codes keep working), and it is
    // still bound to its account.
    let newest_only = app::server::crypto::MasterKeys::new(vec![rotated.current().clone()]).unwrap();
    let opened = newest_only.open_secret(&sealed_by, &sealing_context(specialist), &resealed).unwrap();
    assert_eq!(opened, secret.as_bytes());
    assert!(newest_only.open_secret(&sealed_by, &sealing_context(Uuid::new_v4()), &resealed).is_err());

    let status = server(&pool, &key_file, &["keys", "status"]);
    let shown = printed(&status);
    assert!(
        shown.contains(&format!("{} (current): wraps 0 patient keys, seals 1 two-factor secrets", sealed_by)),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("{first_id} (older): wraps 0 patient keys, seals 0 two-factor secrets")),
        "{shown}"
    );
    assert!(shown.contains("older keys protect nothing now"), "{shown}");
    // Run again, nothing is left under the older key: a new rotation, and the secret follows.
    let again = server(&pool, &key_file, &["keys", "rotate"]);
    assert!(printed(&again).contains("re-sealed 1 two-factor secrets"), "{}", printed(&again));
    std::fs::remove_dir_all(dir).unwrap();
}
