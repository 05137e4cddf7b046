//! Sign-in, sessions, throttling and cross-site protection, through the real router.

use crate::common;

use std::time::Duration;

use app::server::state::AuthSettings;
use axum::body::Body;
use axum::http::{header, Request};
use common::clinic::{data_fingerprint, Clinic, PASSWORD};
use common::http::{app, app_with, Client};
use serde_json::{json, Value};
use sqlx::PgPool;

async fn signed_in_email(client: &mut Client) -> Value {
    let me = client.call("auth/me", &[]).await;
    assert_eq!(me.status, 200, "{}", me.body);
    me.json().pointer("/user/email").cloned().unwrap_or(Value::Null)
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_issues_a_new_session_id_and_the_old_one_dies(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut client = Client::new(app(pool.clone()));
    let first = client.login(clinic.patient.email, PASSWORD).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["SignedIn"]["role"], "Patient");
    let first_cookie = client.cookie.clone().unwrap();
    let set_cookie = first.set_cookie.unwrap();
    assert!(set_cookie.starts_with("__Host-syei_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");

    let second = client.login(clinic.patient.email, PASSWORD).await;
    assert_eq!(second.status, 200);
    let second_cookie = client.cookie.clone().unwrap();
    assert_ne!(first_cookie, second_cookie, "the session id changes at every sign-in");

    let mut stale = Client { cookie: Some(first_cookie), ..client.clone() };
    assert_eq!(signed_in_email(&mut stale).await, Value::Null);
    assert_eq!(signed_in_email(&mut client).await, clinic.patient.email);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_cookie_is_host_prefixed_and_secure_unless_development_opts_out(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut client = Client::new(app(pool.clone()));
    let set_cookie = client.login(clinic.admin.email, PASSWORD).await.set_cookie.unwrap();
    assert!(set_cookie.starts_with("__Host-syei_session="), "{set_cookie}");
    assert!(set_cookie.contains("Secure") && set_cookie.contains("Path=/"), "{set_cookie}");

    let development = AuthSettings { secure_cookies: false, ..AuthSettings::default() };
    let mut client = Client::new(app_with(pool, development));
    let set_cookie = client.login(clinic.admin.email, PASSWORD).await.set_cookie.unwrap();
    assert!(set_cookie.starts_with("syei_session=") && !set_cookie.contains("Secure"), "{set_cookie}");
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_email_and_wrong_password_get_the_same_answer(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut client = Client::new(app(pool.clone()));
    let wrong_password = client.login(clinic.patient.email, "not the password").await;
    let unknown_email = client.login("nobody@clinic.example", "not the password").await;
    let malformed_email = client.login("not an email", "not the password").await;
    assert_eq!(wrong_password.status, 400);
    assert_eq!(wrong_password.status, unknown_email.status);
    assert_eq!(wrong_password.body, unknown_email.body);
    assert_eq!(wrong_password.body, malformed_email.body);
    assert!(client.cookie.is_none(), "no session for a failed sign-in");
    let failures: i64 = sqlx::query_scalar("select count(*) from audit_logs where action = 'LOGIN_FAILED'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(failures, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_and_sign_out_are_audited_with_the_address(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut client = Client::new(app(pool.clone()));
    client.login(clinic.specialist.email, PASSWORD).await;
    client.call("auth/logout", &[]).await;
    let rows: Vec<(String, Option<uuid::Uuid>, Option<String>)> = sqlx::query_as(
        "select action, user_id, host(ip_address) from audit_logs where action in ('LOGIN', 'LOGOUT') order by sequence_no",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let who = Some(clinic.specialist.user_id);
    let from = Some("127.0.0.1".to_string());
    assert_eq!(rows, vec![("LOGIN".into(), who, from.clone()), ("LOGOUT".into(), who, from)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn logging_out_destroys_the_server_side_session(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut client = Client::new(app(pool.clone()));
    client.login(clinic.family.email, PASSWORD).await;
    let cookie = client.cookie.clone();
    let sessions_before: i64 = sqlx::query_scalar("select count(*) from sessions").fetch_one(&pool).await.unwrap();
    assert_eq!(sessions_before, 1);

    assert_eq!(client.call("auth/logout", &[]).await.status, 200);
    let sessions_after: i64 = sqlx::query_scalar("select count(*) from sessions").fetch_one(&pool).await.unwrap();
    assert_eq!(sessions_after, 0);

    // Replaying the old cookie gets nowhere.
    let mut replay = Client { cookie, ..client.clone() };
    assert_eq!(signed_in_email(&mut replay).await, Value::Null);
    assert_eq!(replay.call("home/family", &[]).await.status, 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn idle_sessions_end(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let settings = AuthSettings { idle_timeout: chrono::Duration::seconds(1), ..AuthSettings::default() };
    let mut client = Client::new(app_with(pool, settings));
    client.login(clinic.patient.email, PASSWORD).await;
    assert_eq!(signed_in_email(&mut client).await, clinic.patient.email);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(signed_in_email(&mut client).await, Value::Null);
    assert_eq!(client.call("home/my-care", &[]).await.status, 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn sessions_end_after_their_absolute_lifetime_however_busy(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let settings = AuthSettings { absolute_lifetime: chrono::Duration::seconds(2), ..AuthSettings::default() };
    let mut client = Client::new(app_with(pool, settings));
    client.login(clinic.patient.email, PASSWORD).await;
    for _ in 0..3 {
        assert_eq!(signed_in_email(&mut client).await, clinic.patient.email);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Session clocks count whole seconds.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(signed_in_email(&mut client).await, Value::Null);
}

#[sqlx::test(migrations = "../migrations")]
async fn deactivation_ends_the_users_sessions_at_once(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut patient = Client::new(router.clone());
    patient.login(clinic.patient.email, PASSWORD).await;
    assert_eq!(patient.call("home/my-care", &[]).await.status, 200);

    let mut admin = Client::new(router.clone());
    admin.login(clinic.admin.email, PASSWORD).await;
    let user_id = clinic.patient.user_id.to_string();
    let deactivate = admin.call("users/set-active", &[("user_id", &user_id), ("active", "false")]).await;
    assert_eq!(deactivate.status, 200, "{}", deactivate.body);

    assert_eq!(patient.call("home/my-care", &[]).await.status, 401);
    let mut again = Client::new(router);
    let refused = again.login(clinic.patient.email, PASSWORD).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("do not match an active account"), "{}", refused.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_cannot_deactivate_themself(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut admin = Client::new(app(pool.clone()));
    admin.login(clinic.admin.email, PASSWORD).await;
    let before = data_fingerprint(&pool).await;
    let response =
        admin.call("users/set-active", &[("user_id", &clinic.admin.user_id.to_string()), ("active", "false")]).await;
    assert_eq!(response.status, 409);
    assert_eq!(data_fingerprint(&pool).await, before);
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_lock_that_address_out_but_not_the_real_user(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut attacker = Client::new(router.clone());
    attacker.ip = "127.0.0.66".parse().unwrap();
    for _ in 0..5 {
        assert_eq!(attacker.login(clinic.patient.email, "guess").await.status, 400);
    }
    // Locked now: even the right password is refused from this address, with the same message.
    let locked = attacker.login(clinic.patient.email, PASSWORD).await;
    assert_eq!(locked.status, 400);
    assert!(locked.body.contains("do not match an active account"));
    let locked_until: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select locked_until from login_throttles where user_id = $1 and ip_address = '127.0.0.66'")
            .bind(clinic.patient.user_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let lock = locked_until.unwrap() - chrono::Utc::now();
    assert!(lock > chrono::Duration::seconds(20) && lock <= chrono::Duration::seconds(30), "{lock}");

    // The patient, from their own address, signs in as usual.
    let mut patient = Client::new(router);
    assert_eq!(patient.login(clinic.patient.email, PASSWORD).await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_account_takes_at_most_100_failures_an_hour_from_all_addresses(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    // 99 failures already this hour, from anywhere.
    sqlx::query("update users set failed_login_count = 99, failed_login_window_started_at = now() - interval '10 minutes' where user_id = $1")
        .bind(clinic.patient.user_id)
        .execute(&pool)
        .await
        .unwrap();
    let mut client = Client::new(app(pool.clone()));
    client.login(clinic.patient.email, "guess 100").await;
    let correct = client.login(clinic.patient.email, PASSWORD).await;
    assert_eq!(correct.status, 400, "the 100th failure closes the account for the rest of the hour");
    let mut elsewhere = Client::new(app(pool.clone()));
    elsewhere.ip = "127.0.0.21".parse().unwrap();
    assert_eq!(elsewhere.login(clinic.patient.email, PASSWORD).await.status, 400);
    // The lock ends with the window: at most 50 more minutes here.
    let open_again: bool = sqlx::query_scalar(
        "select locked_until <= now() + interval '50 minutes' and locked_until > now() from users where user_id = $1",
    )
    .bind(clinic.patient.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(open_again);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_address_may_only_try_so_often(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let settings = AuthSettings { login_attempts_per_minute: 3, ..AuthSettings::default() };
    let mut client = Client::new(app_with(pool, settings));
    for _ in 0..3 {
        assert_eq!(client.login("nobody@clinic.example", "guess").await.status, 400);
    }
    let limited = client.login(clinic.admin.email, PASSWORD).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json(), "TooManyRequests");
    assert!(client.cookie.is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn each_address_has_its_own_sign_in_limit(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let settings = AuthSettings { login_attempts_per_minute: 2, ..AuthSettings::default() };
    let app = app_with(pool, settings);
    let mut busy = Client::new(app.clone());
    busy.ip = "127.0.0.31".parse().unwrap();
    for _ in 0..2 {
        assert_eq!(busy.login("nobody@clinic.example", "guess").await.status, 400);
    }
    assert_eq!(busy.login(clinic.admin.email, PASSWORD).await.status, 429);
    // Another caller, whose connection comes from another address, is not held up.
    let mut other = Client::new(app);
    other.ip = "127.0.0.32".parse().unwrap();
    assert_eq!(other.login(clinic.admin.email, PASSWORD).await.status, 200);
}

async fn failed_sign_in_addresses(pool: &PgPool) -> Vec<Option<String>> {
    sqlx::query_scalar("select host(ip_address) from audit_logs where action = 'LOGIN_FAILED' order by sequence_no")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failed_sign_in_is_audited_with_the_address_it_came_from(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut client = Client::new(app(pool.clone()));
    client.ip = "127.0.0.44".parse().unwrap();
    client.login(clinic.patient.email, "guess").await;
    client.login("nobody@clinic.example", "guess").await;
    assert_eq!(failed_sign_in_addresses(&pool).await, vec![Some("127.0.0.44".to_string()); 2]);
}

#[sqlx::test(migrations = "../migrations")]
async fn forwarded_for_names_the_client_only_behind_a_trusted_proxy(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let forged = |ip: &str| {
        Request::post("/api/auth/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", ip)
            .body(Body::from(format!("email={}&password=guess", clinic.patient.email)))
            .unwrap()
    };
    // Straight from the internet: the header is the caller's own claim and is ignored.
    let mut direct = Client::new(app(pool.clone()));
    direct.ip = "127.0.0.50".parse().unwrap();
    direct.send(forged("203.0.113.5")).await;
    // Behind the clinic's proxy (127.0.0.60), the proxy's word counts.
    let mut via_proxy = Client::new(crate::common::http::app_behind_proxy(pool.clone(), "127.0.0.60"));
    via_proxy.ip = "127.0.0.60".parse().unwrap();
    via_proxy.send(forged("203.0.113.5")).await;
    assert_eq!(
        failed_sign_in_addresses(&pool).await,
        vec![Some("127.0.0.50".to_string()), Some("203.0.113.5".to_string())]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_writes_are_refused(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut admin = Client::new(app(pool.clone()));
    admin.login(clinic.admin.email, PASSWORD).await;
    let before = data_fingerprint(&pool).await;
    let body = format!("user_id={}&active=false", clinic.patient.user_id);
    let forged = |site: Option<&str>, origin: Option<&str>| {
        let mut request =
            Request::post("/api/users/set-active").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        request.body(Body::from(body.clone())).unwrap()
    };
    for (site, origin) in [
        (Some("cross-site"), None),
        (Some("same-site"), None),
        (Some("none"), None),
        (None, Some("https://evil.example")),
        (None, Some("null")),
        // The right host on the wrong scheme is another origin.
        (None, Some("http://clinic.example")),
        // A cookie-bearing write that says nothing about where it comes from.
        (None, None),
    ] {
        let response = admin.send(forged(site, origin)).await;
        assert_eq!(response.status, 403, "{site:?} {origin:?}");
    }
    assert_eq!(data_fingerprint(&pool).await, before, "nothing changed");

    let same_origin = admin.send(forged(Some("same-origin"), Some("https://clinic.example"))).await;
    assert_eq!(same_origin.status, 200, "{}", same_origin.body);
    let old_browser = admin.send(forged(None, Some("https://clinic.example"))).await;
    assert_eq!(old_browser.status, 200, "{}", old_browser.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_temporary_password_must_be_replaced_before_anything_else(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut admin = Client::new(router.clone());
    admin.login(clinic.admin.email, PASSWORD).await;
    let reset = admin.call("users/reset-password", &[("user_id", &clinic.patient.user_id.to_string())]).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    let temporary = reset.json()["temporary_password"].as_str().unwrap().to_string();

    let mut patient = Client::new(router);
    assert_eq!(patient.login(clinic.patient.email, PASSWORD).await.status, 400, "the old password is gone");
    let signed_in = patient.login(clinic.patient.email, &temporary).await;
    assert_eq!(signed_in.json()["SignedIn"]["must_change_password"], true);
    assert_eq!(patient.call("home/my-care", &[]).await.status, 403);

    let mismatch = patient
        .call(
            "account/change-password",
            &[("current_password", &temporary), ("new_password", "my own new password"), ("confirm_password", "typo")],
        )
        .await;
    assert_eq!(mismatch.status, 400);
    assert!(mismatch.body.contains("confirm_password"), "{}", mismatch.body);
    let changed = patient
        .call(
            "account/change-password",
            &[
                ("current_password", &temporary),
                ("new_password", "my own new password"),
                ("confirm_password", "my own new password"),
            ],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(patient.call("home/my-care", &[]).await.status, 200, "this session continues");
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_out_everywhere_ends_every_session(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut laptop = Client::new(router.clone());
    let mut phone = Client::new(router);
    laptop.login(clinic.specialist.email, PASSWORD).await;
    phone.login(clinic.specialist.email, PASSWORD).await;
    assert_eq!(laptop.call("account/sign-out-everywhere", &[]).await.status, 200);
    assert_eq!(signed_in_email(&mut phone).await, Value::Null);
    assert_eq!(signed_in_email(&mut laptop).await, Value::Null);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_user_forms_get_field_messages_and_save_nothing(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut admin = Client::new(app(pool.clone()));
    admin.login(clinic.admin.email, PASSWORD).await;
    let form = |overrides: Value| {
        let mut form = json!({ "role": "Patient", "email": "someone@patients.example", "first_name": "Some", "last_name": "One",
            "phone": "", "specialty": "", "professional_license": "", "bio": "", "date_of_birth": "1990-01-01",
            "emergency_contact_name": "", "emergency_contact_phone": "", "base_medical_history": "",
            "linked_patient_id": "", "relationship": "" });
        for (key, value) in overrides.as_object().unwrap() {
            form[key] = value.clone();
        }
        json!({ "form": form })
    };
    let cases = [
        (json!({ "email": clinic.patient.email }), "email", "already exists"),
        (json!({ "email": "ANA@patients.example".replace("ANA", "Ana") }), "email", "already exists"),
        (json!({ "date_of_birth": "2099-01-01" }), "date_of_birth", "future"),
        (json!({ "date_of_birth": "31/12/1990" }), "date_of_birth", "YYYY-MM-DD"),
        (json!({ "role": "Specialist", "specialty": "Reiki" }), "professional_license", "licence"),
        // The account row is inserted before the link fails: the transaction must undo it.
        (
            json!({ "role": "FamilyMember", "linked_patient_id": uuid::Uuid::new_v4().to_string(), "relationship": "Son" }),
            "linked_patient_id",
            "does not exist",
        ),
    ];
    for (overrides, field, message) in cases {
        let before = data_fingerprint(&pool).await;
        let response = admin.call_json("users/create", form(overrides.clone())).await;
        assert_eq!(response.status, 400, "{overrides}: {}", response.body);
        let errors = &response.json()["Validation"];
        let found = errors
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("{field}: {errors}"));
        assert!(found["message"].as_str().unwrap().contains(message), "{found}");
        assert_eq!(data_fingerprint(&pool).await, before, "{overrides}: nothing saved");
    }
    let created = admin.call_json("users/create", form(json!({}))).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let actor: Option<uuid::Uuid> = sqlx::query_scalar(
        "select user_id from audit_logs where table_name = 'patients' and action = 'INSERT' order by sequence_no desc limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(actor, Some(clinic.admin.user_id), "the change is audited with the acting admin");
}
