//! Account hardening, through the real router against real PostgreSQL: temporary passwords
//! expire, session ids are stored hashed, calendar feed links end with the person's sessions,
//! the account page's current-password check is throttled, and common passwords are refused.

use crate::common;

use axum::body::Body;
use axum::http::Request;
use common::clinic::{Clinic, PASSWORD};
use common::http::{app, Client, Response};
use common::scheduling::signed_in;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use app::server::auth::{CURRENT_PASSWORD_THROTTLED, SIGN_IN_FAILED};
use app::server::password::{is_common_password, COMMON_PASSWORD, TEMPORARY_PASSWORD_EXPIRED};

fn message(response: &Response) -> String {
    response.json()["Validation"][0]["message"].as_str().unwrap_or_default().to_string()
}

async fn reset_password(pool: &PgPool, clinic: &Clinic, user_id: Uuid) -> String {
    let mut admin = signed_in(pool, clinic.admin.email).await;
    let reset = admin.call("users/reset-password", &[("user_id", &user_id.to_string())]).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    reset.json()["temporary_password"].as_str().unwrap().to_string()
}

async fn age_password(pool: &PgPool, user_id: Uuid, hours: i64) {
    sqlx::query("update users set password_changed_at = now() - make_interval(hours => $2::int) where user_id = $1")
        .bind(user_id)
        .bind(hours as i32)
        .execute(pool)
        .await
        .unwrap();
}

async fn audit_reasons(pool: &PgPool, user_id: Uuid) -> Vec<String> {
    sqlx::query_scalar(
        "select coalesce(new_values->>'reason', '') from audit_logs
         where action = 'LOGIN_FAILED' and record_id = $1 order by sequence_no",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_temporary_password_expires_after_72_hours_and_says_so_only_to_who_knows_it(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let temporary = reset_password(&pool, &clinic, clinic.patient.user_id).await;
    assert!(!is_common_password(&temporary));

    // 71 hours on, it still signs in.
    age_password(&pool, clinic.patient.user_id, 71).await;
    let mut patient = Client::new(router.clone());
    let fresh = patient.login(clinic.patient.email, &temporary).await;
    assert_eq!(fresh.status, 200, "{}", fresh.body);
    assert_eq!(fresh.json()["SignedIn"]["must_change_password"], true);

    // 73 hours on, it does not. A wrong password gets the usual answer, the same as for an
    // email nobody has: the expiry is no hint to someone who does not know the password.
    age_password(&pool, clinic.patient.user_id, 73).await;
    let mut stranger = Client::new(router.clone());
    stranger.ip = "127.0.0.41".parse().unwrap();
    let wrong = stranger.login(clinic.patient.email, "not the temporary one").await;
    let unknown = stranger.login("nobody@clinic.example", "not the temporary one").await;
    assert_eq!((wrong.status.as_u16(), &wrong.body), (400, &unknown.body));
    assert_eq!(message(&wrong), SIGN_IN_FAILED);

    let mut patient = Client::new(router.clone());
    let expired = patient.login(clinic.patient.email, &temporary).await;
    assert_eq!(expired.status, 400, "{}", expired.body);
    assert_eq!(message(&expired), TEMPORARY_PASSWORD_EXPIRED);
    assert!(TEMPORARY_PASSWORD_EXPIRED.contains("ask an administrator"));
    assert!(patient.cookie.is_none(), "no session");
    assert_eq!(
        audit_reasons(&pool, clinic.patient.user_id).await,
        vec!["wrong password".to_string(), "temporary password expired".to_string()]
    );
    // Giving the right (expired) password is no failed guess: it does not count towards a lock.
    let failures: i32 =
        sqlx::query_scalar("select coalesce(sum(failures), 0)::int from login_throttles where user_id = $1")
            .bind(clinic.patient.user_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(failures, 1);

    // A new one from an admin works at once.
    let renewed = reset_password(&pool, &clinic, clinic.patient.user_id).await;
    assert_eq!(patient.login(clinic.patient.email, &renewed).await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_the_person_chose_does_not_expire(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    age_password(&pool, clinic.specialist.user_id, 24 * 400).await;
    let mut specialist = Client::new(app(pool.clone()));
    assert_eq!(specialist.login(clinic.specialist.email, PASSWORD).await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sessions_table_never_holds_the_cookies_id(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut client = Client::new(router.clone());
    assert_eq!(client.login(clinic.patient.email, PASSWORD).await.status, 200);
    let cookie = client.cookie.clone().unwrap();
    let (name, id) = cookie.split_once('=').unwrap();
    assert!(id.len() >= 16, "{cookie}");

    // The row is found by the SHA-256 of the id, and no column of any row holds the id itself.
    let by_hash: i64 =
        sqlx::query_scalar("select count(*) from sessions where id_hash = sha256(convert_to($1, 'UTF8'))")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(by_hash, 1);
    let holding_id: i64 = sqlx::query_scalar("select count(*) from sessions s where strpos(s::text, $1) > 0")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(holding_id, 0);

    // What a database read yields is no cookie: presenting it signs nobody in.
    let stored: Vec<u8> = sqlx::query_scalar("select id_hash from sessions").fetch_one(&pool).await.unwrap();
    for forged in [hex(&stored), base64_url(&stored[..16])] {
        let mut thief = Client { cookie: Some(format!("{name}={forged}")), ..Client::new(router.clone()) };
        let me = thief.call("auth/me", &[]).await;
        assert_eq!(me.json()["user"], Value::Null, "{}", me.body);
    }
    // The real cookie still works, and signing out removes its row.
    assert_eq!(client.call("auth/me", &[]).await.json()["user"]["email"], clinic.patient.email);
    assert_eq!(client.call("auth/logout", &[]).await.status, 200);
    assert_eq!(common::count(&pool, "sessions").await, 0);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// tower-sessions writes ids as unpadded URL-safe base64 of 16 bytes: a forged id of that shape.
fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

async fn get(client: &mut Client, path: &str) -> Response {
    client.send(Request::get(path).body(Body::empty()).unwrap()).await
}

/// Signs `email` in, makes a calendar link and checks that it serves the calendar.
async fn live_feed(pool: &PgPool, email: &str) -> (Client, String) {
    let mut person = signed_in(pool, email).await;
    let made = person.call("feeds/create", &[]).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let path = made.json().as_str().unwrap().to_string();
    let mut calendar_app = Client::new(common::scheduling::router(pool));
    assert_eq!(get(&mut calendar_app, &path).await.status, 200);
    (person, path)
}

async fn feed_status(pool: &PgPool, path: &str) -> u16 {
    let mut calendar_app = Client::new(common::scheduling::router(pool));
    get(&mut calendar_app, path).await.status.as_u16()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_change_ends_the_calendar_link(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let (mut patient, path) = live_feed(&pool, clinic.patient.email).await;
    // Signing out of one session is not ending them all: the link stays.
    let mut other_session = signed_in(&pool, clinic.patient.email).await;
    assert_eq!(other_session.call("auth/logout", &[]).await.status, 200);
    assert_eq!(feed_status(&pool, &path).await, 200);

    let new_password = "a brand new passphrase";
    let changed = patient
        .call(
            "account/change-password",
            &[("current_password", PASSWORD), ("new_password", new_password), ("confirm_password", new_password)],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(feed_status(&pool, &path).await, 404);
    // This session continues, and its page shows no live link.
    let status = patient.call("feeds/status", &[]).await;
    assert_eq!(status.status, 200, "{}", status.body);
    assert_eq!(status.json()["active_since"], Value::Null);
    // The revocation is in the audit trail, by the person.
    let by: Option<Uuid> = sqlx::query_scalar(
        "select user_id from audit_logs where table_name = 'calendar_feeds' and action = 'UPDATE'
           and new_values->>'revoked_at' is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(by, Some(clinic.patient.user_id));
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_out_everywhere_ends_the_calendar_link(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let (mut specialist, path) = live_feed(&pool, clinic.specialist.email).await;
    let (_, other_path) = live_feed(&pool, clinic.patient.email).await;
    assert_eq!(specialist.call("account/sign-out-everywhere", &[]).await.status, 200);
    assert_eq!(feed_status(&pool, &path).await, 404);
    assert_eq!(feed_status(&pool, &other_path).await, 200, "only the specialist's own link");
}

#[sqlx::test(migrations = "../migrations")]
async fn deactivation_ends_the_calendar_link_for_good(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let (_patient, path) = live_feed(&pool, clinic.patient.email).await;
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let user_id = clinic.patient.user_id.to_string();
    let off = admin.call("users/set-active", &[("user_id", &user_id), ("active", "false")]).await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(feed_status(&pool, &path).await, 404);
    // Coming back does not bring the old link back: the person makes a new one.
    let on = admin.call("users/set-active", &[("user_id", &user_id), ("active", "true")]).await;
    assert_eq!(on.status, 200, "{}", on.body);
    assert_eq!(feed_status(&pool, &path).await, 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_reset_ends_the_calendar_link(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let (_specialist, path) = live_feed(&pool, clinic.specialist.email).await;
    reset_password(&pool, &clinic, clinic.specialist.user_id).await;
    assert_eq!(feed_status(&pool, &path).await, 404);
}

async fn change_password(client: &mut Client, current: &str, new: &str) -> Response {
    client
        .call(
            "account/change-password",
            &[("current_password", current), ("new_password", new), ("confirm_password", new)],
        )
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn the_current_password_check_is_throttled_like_sign_in(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = common::scheduling::router(&pool);
    // Someone at an unattended, signed-in browser guesses the password to take the account.
    let mut intruder = Client::new(router.clone());
    intruder.ip = "127.0.0.51".parse().unwrap();
    assert_eq!(intruder.login(clinic.patient.email, PASSWORD).await.status, 200);
    for guess in 1..=5 {
        let wrong = change_password(&mut intruder, &format!("guess number {guess}"), "taken over for good").await;
        assert_eq!(wrong.status, 400, "{}", wrong.body);
        assert_eq!(wrong.json()["Validation"][0]["field"], "current_password");
        assert_eq!(message(&wrong), "The current password is not right.");
    }
    // Locked now: even the right password is refused from this address, with a clear message,
    // and the password is not changed.
    let locked = change_password(&mut intruder, PASSWORD, "taken over for good").await;
    assert_eq!(locked.status, 400, "{}", locked.body);
    assert_eq!(message(&locked), CURRENT_PASSWORD_THROTTLED);
    let mut check = Client::new(router.clone());
    check.ip = "127.0.0.52".parse().unwrap();
    assert_eq!(check.login(clinic.patient.email, PASSWORD).await.status, 200, "the password is unchanged");

    // The same counters as sign-in: this address cannot sign in to the account either.
    let mut again = Client::new(router.clone());
    again.ip = intruder.ip;
    assert_eq!(again.login(clinic.patient.email, PASSWORD).await.status, 400);
    let audited: Vec<Option<String>> = sqlx::query_scalar(
        "select host(ip_address) from audit_logs where action = 'REAUTH_FAILED' and user_id = $1 order by sequence_no",
    )
    .bind(clinic.patient.user_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited, vec![Some("127.0.0.51".to_string()); 5]);

    // The patient, from their own address, changes it as usual; that also ends the intruder's
    // session.
    let changed = change_password(&mut check, PASSWORD, "my own safer passphrase").await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(intruder.call("auth/me", &[]).await.json()["user"], Value::Null);
}

#[sqlx::test(migrations = "../migrations")]
async fn common_passwords_are_refused_when_a_password_is_chosen(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    for common in ["qwertyqwerty", "QwertyQwerty", "1qaz2wsx3edc"] {
        let refused = change_password(&mut patient, PASSWORD, common).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert_eq!(refused.json()["Validation"][0]["field"], "new_password");
        assert_eq!(message(&refused), COMMON_PASSWORD);
    }
    // Nothing changed, and refusing a new password costs no throttle: the old one still works.
    let mut elsewhere = Client::new(app(pool.clone()));
    assert_eq!(elsewhere.login(clinic.patient.email, PASSWORD).await.status, 200);
    assert_eq!(change_password(&mut patient, PASSWORD, "qwertyqwerty and more").await.status, 200);

    // The first administrator's password, set from the command line, follows the same rule.
    let refused = crate::create_admin_command::create_admin(&pool, "owner@clinic.example", "QAZWSXEDCRFV");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("most common"), "{refused:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_audit_trail_holds_no_password_or_session_id(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let temporary = reset_password(&pool, &clinic, clinic.patient.user_id).await;
    let mut patient = Client::new(app(pool.clone()));
    assert_eq!(patient.login(clinic.patient.email, &temporary).await.status, 200);
    let cookie = patient.cookie.clone().unwrap();
    let chosen = "a passphrase of my own";
    assert_eq!(change_password(&mut patient, &temporary, chosen).await.status, 200);
    let session_id = cookie.split_once('=').unwrap().1.to_string();
    for secret in [temporary.as_str(), chosen, session_id.as_str(), "$argon2id$"] {
        let found: i64 = sqlx::query_scalar("select count(*) from audit_logs a where strpos(a::text, $1) > 0")
            .bind(secret)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(found, 0, "{secret} in the audit trail");
    }
}
