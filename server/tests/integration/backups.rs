//! Backups that restore, through the real `server` binary: `server backup` writes a sealed,
//! checksummed dump; `server restore` loads it into an empty database, where the app serves the
//! clinic again; `server backup verify` restores it into a scratch database and checks it;
//! damaged files and wrong keys are refused before anything is loaded. And the server's own
//! daily backups, which keep the newest N.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use server::backup::daily::DailyBackups;
use sqlx::PgPool;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app, Client};
use crate::common::*;
use crate::create_admin_command::url_of;

/// A directory of its own for one test, deleted when it ends (also when it fails).
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!("syei-backups-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the server binary against `database_url` with the backup key file `key`.
fn server(args: &[&str], database_url: &str, key: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("SYEI_BACKUP_KEY_FILE", key)
        .env_remove("SYEI_BACKUP_DIR")
        .output()
        .unwrap()
}

fn said(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn make_key(scratch: &Scratch, name: &str) -> PathBuf {
    let key = scratch.path(name);
    let made = server(&["keys", "init-backup"], "postgres://unused/unused", &key);
    assert!(made.status.success(), "{}", said(&made));
    key
}

fn backup(pool: &PgPool, key: &Path, out: &Path) {
    let written = server(&["backup", "--out", out.to_str().unwrap()], &url_of(pool), key);
    assert!(written.status.success(), "{}", said(&written));
    assert!(said(&written).contains("wrote"), "{}", said(&written));
}

/// An empty database beside the test's own, dropped when the guard goes.
struct EmptyDatabase {
    owner: PgPool,
    name: String,
    url: String,
}

impl EmptyDatabase {
    async fn create(pool: &PgPool, suffix: &str) -> EmptyDatabase {
        // Test databases' names are already near PostgreSQL's 63-byte limit: a name of its own.
        let name = format!("backups_{suffix}_{:016x}", rand::random::<u64>());
        sqlx::query(&format!("drop database if exists \"{name}\" with (force)")).execute(pool).await.unwrap();
        sqlx::query(&format!("create database \"{name}\"")).execute(pool).await.unwrap();
        let url = url_of(pool).rsplit_once('/').map(|(server, _)| format!("{server}/{name}")).unwrap();
        EmptyDatabase { owner: pool.clone(), name, url }
    }

    async fn pool(&self) -> PgPool {
        PgPool::connect(&self.url).await.unwrap()
    }

    async fn tables(&self) -> i64 {
        let pool = self.pool().await;
        let tables = sqlx::query_scalar(
            "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        tables
    }

    async fn drop(self) {
        sqlx::query(&format!("drop database if exists \"{}\" with (force)", self.name))
            .execute(&self.owner)
            .await
            .unwrap();
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_backup_restores_into_an_empty_database_verifies_and_the_app_serves_it(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let scratch = Scratch::new();
    let key = make_key(&scratch, "backup.key");
    let file = scratch.path("clinic.sbk");
    backup(&pool, &key, &file);

    // Sealed: neither an email nor the dump's own signature reads in the file.
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"SYEI-BAK"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("ana@patients.example") && !text.contains("PGDMP"), "the dump is encrypted");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);

    // Verify: restored into a scratch database, compared and dropped again.
    let verified = server(&["backup", "verify", file.to_str().unwrap()], &url_of(&pool), &key);
    let report = said(&verified);
    assert!(verified.status.success(), "{report}");
    assert!(report.contains("checksum matches"), "{report}");
    let users = count(&pool, "users").await;
    assert!(
        report.lines().any(|line| line.split_whitespace().eq(["users".to_string(), users.to_string()])),
        "{report}"
    );
    assert!(report.contains("audit chain intact"), "{report}");
    let scratch_left: i64 = sqlx::query_scalar("select count(*) from pg_database where starts_with(datname, $1)")
        .bind(format!("{}_verify_", &pool.connect_options().get_database().unwrap()[..40]))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(scratch_left, 0, "the scratch database is dropped");

    // The clinic is lost; the backup is loaded into a new, empty database.
    let restored = EmptyDatabase::create(&pool, "restored").await;
    let loaded = server(&["restore", file.to_str().unwrap()], &restored.url, &key);
    assert!(loaded.status.success(), "{}", said(&loaded));
    let restored_pool = restored.pool().await;
    for table in ["users", "patients", "patient_data_keys", "appointments", "audit_logs", "audit_chain"] {
        assert_eq!(count(&restored_pool, table).await, count(&pool, table).await, "{table}");
    }

    // The app, on the restored database, signs the specialist in and opens the sealed chart.
    let mut specialist = Client::new(app(restored_pool.clone()));
    assert_eq!(specialist.login(clinic.specialist.email, PASSWORD).await.status, 200);
    let chart = specialist.call("patients/chart", &[("patient_id", &clinic.patient_id.to_string())]).await;
    assert_eq!(chart.status, 200, "{}", chart.body);
    assert_eq!(chart.json()["summary"]["base_medical_history"], "Migraines");
    // And the audit chain the restored database carries on with still verifies.
    let chain = app::server::services::audit_chain::verify(&restored_pool, 500, None).await.unwrap();
    assert!(matches!(chain, app::server::services::audit_chain::Verdict::Intact(_)), "{chain:?}");
    restored_pool.close().await;
    restored.drop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_corrupted_backup_or_a_wrong_key_is_refused_before_anything_is_loaded(pool: PgPool) {
    insert_user(&pool, "admin@clinic.example", "Admin").await;
    insert_patient(&pool, "p@example.org").await;
    let scratch = Scratch::new();
    let key = make_key(&scratch, "backup.key");
    let file = scratch.path("clinic.sbk");
    backup(&pool, &key, &file);
    let target = EmptyDatabase::create(&pool, "target").await;

    // One flipped bit in the middle of the file.
    let good = std::fs::read(&file).unwrap();
    let mut bad = good.clone();
    let middle = bad.len() / 2;
    bad[middle] ^= 0x04;
    let corrupted = scratch.path("corrupted.sbk");
    std::fs::write(&corrupted, &bad).unwrap();
    for args in [vec!["restore", corrupted.to_str().unwrap()], vec!["backup", "verify", corrupted.to_str().unwrap()]] {
        let refused = server(&args, &target.url, &key);
        assert!(!refused.status.success(), "{args:?}");
        let message = said(&refused);
        assert!(message.contains("is corrupted") && message.contains("checksum"), "{message}");
    }
    assert_eq!(target.tables().await, 0, "nothing was restored");

    // Another backup key file: the backup names a key it does not have.
    let other = make_key(&scratch, "other.key");
    let refused = server(&["restore", file.to_str().unwrap()], &target.url, &other);
    assert!(!refused.status.success());
    assert!(said(&refused).contains("which is not in the backup key file"), "{}", said(&refused));

    // The same key id with other key bytes (a mixed-up copy of the key file).
    let key_id = std::fs::read_to_string(&key)
        .unwrap()
        .lines()
        .find(|line| !line.starts_with('#'))
        .and_then(|line| line.split_once(' ').map(|(id, _)| id.to_string()))
        .unwrap();
    let impostor = scratch.path("impostor.key");
    std::fs::write(&impostor, format!("{key_id} {}\n", "5a".repeat(32))).unwrap();
    std::fs::set_permissions(&impostor, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    for args in [vec!["restore", file.to_str().unwrap()], vec!["backup", "verify", file.to_str().unwrap()]] {
        let refused = server(&args, &target.url, &impostor);
        assert!(!refused.status.success(), "{args:?}");
        assert!(said(&refused).contains("does not decrypt with backup key"), "{}", said(&refused));
    }
    assert_eq!(target.tables().await, 0, "nothing was restored");

    // The untouched file, with the right key, still loads.
    let loaded = server(&["restore", file.to_str().unwrap()], &target.url, &key);
    assert!(loaded.status.success(), "{}", said(&loaded));
    assert!(target.tables().await > 10);
    target.drop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn restore_refuses_a_database_that_already_has_tables(pool: PgPool) {
    insert_user(&pool, "admin@clinic.example", "Admin").await;
    let scratch = Scratch::new();
    let key = make_key(&scratch, "backup.key");
    let file = scratch.path("clinic.sbk");
    backup(&pool, &key, &file);
    sqlx::query("insert into users (email, password_hash, role, first_name, last_name) values ('after@clinic.example', 'x', 'Admin', 'A', 'B')")
        .execute(&pool)
        .await
        .unwrap();

    let refused = server(&["restore", file.to_str().unwrap()], &url_of(&pool), &key);
    assert!(!refused.status.success());
    let message = said(&refused);
    assert!(message.contains("refusing to restore") && message.contains("already has"), "{message}");
    assert_eq!(count(&pool, "users").await, 2, "the database is as it was");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_server_takes_its_daily_backup_keeps_the_newest_and_shows_it_in_metrics(pool: PgPool) {
    insert_user(&pool, "admin@clinic.example", "Admin").await;
    let scratch = Scratch::new();
    let key = make_key(&scratch, "backup.key");
    let dir = scratch.path("daily");
    std::fs::create_dir_all(&dir).unwrap();
    let database = pool.connect_options().get_database().unwrap().to_string();
    // Three old backups of this database, and a file that is none of its business.
    for day in 1..=3 {
        std::fs::write(dir.join(format!("syei-{database}-2026010{day}T020000Z.sbk")), b"old").unwrap();
    }
    std::fs::write(dir.join("syei-another-20260101T020000Z.sbk"), b"other").unwrap();

    let keys = server::backup::key::load(&key).unwrap();
    let daily = DailyBackups::new(dir.clone(), 2, url_of(&pool), keys).unwrap();
    let mut options = leptos::prelude::LeptosOptions::builder().output_name("syei").build();
    options.site_addr = "127.0.0.1:0".parse().unwrap();
    let http = server::startup::HttpSettings::direct(options.site_addr, false);
    let application = server::startup::Application::build(options, pool.clone(), Default::default(), http, test_keys())
        .unwrap()
        .with_daily_backups(daily);
    let addr = application.local_addr();
    tokio::spawn(application.run_until_stopped(std::future::pending()));

    let ours_in = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .filter(|name| name.starts_with(&format!("syei-{database}-")) && name.ends_with(".sbk"))
            .cloned()
            .collect()
    };
    let mut names = Vec::new();
    for _ in 0..240 {
        names = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        let ours = ours_in(&names);
        if ours.len() == 2 && !ours[1].contains("T020000Z") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let ours = ours_in(&names);
    assert_eq!(ours.len(), 2, "the new one and the newest old one: {names:?}");
    assert!(ours[0].contains("20260103"), "{names:?}");
    assert!(names.contains(&"syei-another-20260101T020000Z.sbk".to_string()), "{names:?}");
    // The new file is a whole, sealed backup.
    let header = server::backup::format::check(&dir.join(&ours[1])).unwrap().header;
    assert_eq!(header.database, database);

    let metrics = reqwest::get(format!("http://{addr}/metrics")).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("syei_backup_last_success_timestamp_seconds"), "{metrics}");
}
