//! `server create-admin`: the first administrator of a production install, from the real binary.

use std::io::Write;
use std::process::{Command, Stdio};

use sqlx::PgPool;

/// The URL of the test's own database (same server as DATABASE_URL, the test database's name).
pub(crate) fn url_of(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").unwrap();
    let base = base.split('?').next().unwrap();
    let name = pool.connect_options().get_database().unwrap().to_string();
    format!("{}/{name}", base.rsplit_once('/').unwrap().0)
}

pub(crate) fn create_admin(pool: &PgPool, email: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["create-admin", "--email", email, "--password-stdin"])
        .env("DATABASE_URL", url_of(pool))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn create_admin_makes_an_active_admin_with_an_argon2id_hash(pool: PgPool) {
    let output = create_admin(&pool, " Owner@Clinic.Example ", "a long enough password");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (role, active, hash): (String, bool, String) =
        sqlx::query_as("select role, is_active, password_hash from users where email = 'owner@clinic.example'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((role.as_str(), active), ("Admin", true));
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let printed = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    assert!(!printed.contains("a long enough password"), "the password is never printed");
}

#[sqlx::test(migrations = "../migrations")]
async fn create_admin_refuses_short_passwords_and_existing_emails(pool: PgPool) {
    let short = create_admin(&pool, "owner@clinic.example", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    assert!(create_admin(&pool, "owner@clinic.example", "a long enough password").status.success());
    let again = create_admin(&pool, "owner@clinic.example", "another long password");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let admins: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&pool).await.unwrap();
    assert_eq!(admins, 1);
}
