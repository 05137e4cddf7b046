//! Two-factor sign-in for staff (TOTP), through the real server against real PostgreSQL:
//! enrolment, the second step at every sign-in, wrong codes refused and throttled, recovery
//! codes that work once, replays refused, the clinic's requirement, the admin's reset, and
//! patients and family members untouched.

use crate::common;

use app::server::auth::{CODE_THROTTLED, WRONG_CODE};
use app::server::totp::{TotpSecret, STEP_SECONDS};
use common::clinic::{Clinic, PASSWORD};
use common::http::{app, Client, Response, METRICS_TOKEN};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

fn message(response: &Response) -> String {
    response.json()["Validation"][0]["message"].as_str().unwrap_or_default().to_string()
}

fn unix_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap()
}

/// The code the person's app shows `ahead` steps from now.
fn code(secret: &TotpSecret, ahead: u64) -> String {
    secret.code_at(unix_now() + ahead * STEP_SECONDS).unwrap()
}

async fn signed_in(router: &common::http::TestApp, email: &str) -> Client {
    let mut client = Client::new(router.clone());
    let login = client.login(email, PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert!(login.json()["SignedIn"].is_object(), "{}", login.body);
    client
}

/// Enrols a signed-in staff member through the account endpoints; returns their secret (as
/// read from the manual-entry text) and their recovery codes.
async fn enrol(client: &mut Client) -> (TotpSecret, Vec<String>) {
    let start = client.call("two-factor/start", &[]).await;
    assert_eq!(start.status, 200, "{}", start.body);
    let shown = start.json();
    assert!(shown["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let secret = TotpSecret::from_base32(shown["manual_secret"].as_str().unwrap()).unwrap();
    let confirmed = client.call("two-factor/confirm", &[("code", &code(&secret, 0))]).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let codes: Vec<String> =
        confirmed.json()["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    (secret, codes)
}

async fn profile_status(client: &mut Client) -> u16 {
    client.call("account/profile", &[]).await.status.as_u16()
}

async fn audit_actions(pool: &PgPool, user_id: Uuid) -> Vec<(String, Value)> {
    sqlx::query_as::<_, (String, Option<Value>)>(
        "select action, new_values from audit_logs where record_id = $1 order by sequence_no",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(action, values)| (action, values.unwrap_or(Value::Null)))
    .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_specialist_enrols_and_then_every_sign_in_needs_a_code_used_once(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut specialist = signed_in(&router, clinic.specialist.email).await;
    let status = specialist.call("two-factor/status", &[]).await;
    assert_eq!(status.json()["enrolled"], false, "{}", status.body);

    // Set-up: a wrong code does not turn it on; the current one does, and ten codes come back.
    let start = specialist.call("two-factor/start", &[]).await;
    let manual = start.json()["manual_secret"].as_str().unwrap().to_string();
    let secret = TotpSecret::from_base32(&manual).unwrap();
    let wrong = specialist.call("two-factor/confirm", &[("code", "000000")]).await;
    if wrong.status == 200 {
        panic!("000000 happened to be the code; run again");
    }
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    let confirmed = specialist.call("two-factor/confirm", &[("code", &code(&secret, 0))]).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.json()["codes"].as_array().unwrap().len(), 10);
    let status = specialist.call("two-factor/status", &[]).await.json();
    assert_eq!((status["enrolled"].clone(), status["recovery_codes_left"].clone()), (Value::Bool(true), 10.into()));

    // The secret is stored sealed: neither its bytes nor its text are in the row or the audit log.
    let sealed: Vec<u8> = sqlx::query_scalar("select secret_sealed from staff_two_factor where user_id = $1")
        .bind(clinic.specialist.user_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!sealed.windows(secret.as_bytes().len()).any(|w| w == secret.as_bytes()));
    let compact = manual.replace(' ', "");
    let audit_text: String =
        sqlx::query_scalar("select coalesce(string_agg(new_values::text, ' '), '') from audit_logs")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!audit_text.contains(&compact) && !audit_text.contains(&manual));
    assert!(audit_actions(&pool, clinic.specialist.user_id).await.iter().any(|(a, _)| a == "TWO_FACTOR_ENABLED"));

    // The password alone is no longer a session.
    let mut browser = Client::new(router.clone());
    let login = browser.login(clinic.specialist.email, PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(login.json(), Value::String("CodeNeeded".into()));
    assert_eq!(profile_status(&mut browser).await, 401);
    assert_eq!(browser.call("auth/me", &[]).await.json(), Value::Null);

    // The next code (one step ahead is still accepted) completes it.
    let next = code(&secret, 1);
    let second = browser.call("auth/second-step", &[("code", &next)]).await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(second.json()["role"], "Specialist");
    assert_eq!(profile_status(&mut browser).await, 200);
    let actions = audit_actions(&pool, clinic.specialist.user_id).await;
    assert!(actions.iter().any(|(a, v)| a == "LOGIN" && v["second_factor"] == "authenticator app"), "{actions:?}");

    // The same code again, from another browser: refused (a code works once).
    let mut replayer = Client::new(router.clone());
    assert_eq!(replayer.login(clinic.specialist.email, PASSWORD).await.json(), Value::String("CodeNeeded".into()));
    let replay = replayer.call("auth/second-step", &[("code", &next)]).await;
    assert_eq!((replay.status.as_u16(), message(&replay)), (400, WRONG_CODE.to_string()));
    // An older code than the last one used is refused too.
    let older = replayer.call("auth/second-step", &[("code", &code(&secret, 0))]).await;
    assert_eq!(older.status, 400, "{}", older.body);
    assert_eq!(profile_status(&mut replayer).await, 401);
    // A code two steps away is outside the window.
    let far = replayer.call("auth/second-step", &[("code", &code(&secret, 3))]).await;
    assert_eq!(far.status, 400, "{}", far.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_codes_are_refused_counted_audited_and_throttled(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut specialist = signed_in(&router, clinic.specialist.email).await;
    let (secret, _) = enrol(&mut specialist).await;

    let mut attacker = Client::new(router.clone());
    attacker.ip = "127.0.0.9".parse().unwrap();
    assert_eq!(attacker.login(clinic.specialist.email, PASSWORD).await.json(), Value::String("CodeNeeded".into()));
    let right = code(&secret, 1);
    let wrong = if right == "123456" { "654321" } else { "123456" };
    for _ in 0..5 {
        let refused = attacker.call("auth/second-step", &[("code", wrong)]).await;
        assert_eq!((refused.status.as_u16(), message(&refused)), (400, WRONG_CODE.to_string()));
    }
    // Now locked out: even the right code is not looked at, and the password step refuses too.
    let locked = attacker.call("auth/second-step", &[("code", &right)]).await;
    assert_eq!((locked.status.as_u16(), message(&locked)), (400, CODE_THROTTLED.to_string()));
    assert_eq!(profile_status(&mut attacker).await, 401);
    assert_eq!(attacker.login(clinic.specialist.email, PASSWORD).await.status, 400);

    let reasons: Vec<String> = audit_actions(&pool, clinic.specialist.user_id)
        .await
        .into_iter()
        .filter(|(action, _)| action == "LOGIN_FAILED")
        .map(|(_, values)| values["reason"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        reasons,
        [vec!["wrong two-factor code"; 5], vec!["two-factor throttled", "throttled"]].concat(),
        "{reasons:?}"
    );
    let failures: i32 = sqlx::query_scalar("select failures from login_throttles where user_id = $1")
        .bind(clinic.specialist.user_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(failures, 5);

    // The metrics count them by reason.
    let mut scraper = Client::new(router.clone());
    let metrics = scraper
        .send(
            axum::http::Request::get("/metrics")
                .header("authorization", format!("Bearer {METRICS_TOKEN}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        metrics.body.contains(r#"syei_sign_in_failures_total{reason="wrong two-factor code"}"#),
        "{}",
        metrics.body
    );

    // Someone else's address is not locked: the owner signs in with the right code.
    let mut owner = Client::new(router.clone());
    assert_eq!(owner.login(clinic.specialist.email, PASSWORD).await.json(), Value::String("CodeNeeded".into()));
    assert_eq!(owner.call("auth/second-step", &[("code", &right)]).await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_recovery_code_signs_in_once(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut admin = signed_in(&router, clinic.admin.email).await;
    let (_, codes) = enrol(&mut admin).await;
    assert_eq!(codes.len(), 10);
    let stored: i64 = sqlx::query_scalar("select count(*) from staff_recovery_codes where user_id = $1")
        .bind(clinic.admin.user_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 10, "only their hashes are kept");

    let mut browser = Client::new(router.clone());
    assert_eq!(browser.login(clinic.admin.email, PASSWORD).await.json(), Value::String("CodeNeeded".into()));
    // Typed as people do: upper case, spaces instead of dashes.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let used = browser.call("auth/second-step", &[("code", &typed)]).await;
    assert_eq!(used.status, 200, "{}", used.body);
    assert_eq!(profile_status(&mut browser).await, 200);
    let actions = audit_actions(&pool, clinic.admin.user_id).await;
    assert!(actions.iter().any(|(a, v)| a == "LOGIN" && v["second_factor"] == "recovery code"), "{actions:?}");

    let mut again = Client::new(router.clone());
    again.login(clinic.admin.email, PASSWORD).await;
    let reused = again.call("auth/second-step", &[("code", &codes[3])]).await;
    assert_eq!((reused.status.as_u16(), message(&reused)), (400, WRONG_CODE.to_string()));
    let left = browser.call("two-factor/status", &[]).await.json();
    assert_eq!(left["recovery_codes_left"], 9);
    // Another one still works.
    assert_eq!(again.call("auth/second-step", &[("code", &codes[4])]).await.status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_pending_second_step_expires_and_is_not_a_session(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut specialist = signed_in(&router, clinic.specialist.email).await;
    let (secret, _) = enrol(&mut specialist).await;

    // Without a right password first, a code goes nowhere.
    let mut stranger = Client::new(router.clone());
    assert_eq!(stranger.call("auth/second-step", &[("code", &code(&secret, 1))]).await.status, 401);

    let mut browser = Client::new(router.clone());
    browser.login(clinic.specialist.email, PASSWORD).await;
    // Eleven minutes later (the pending state lasts ten), the right code is too late.
    sqlx::query(
        "update sessions set data = jsonb_set(data, '{second_step,started_at}',
                to_jsonb(extract(epoch from now())::bigint - 660))
         where data ? 'second_step'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let late = browser.call("auth/second-step", &[("code", &code(&secret, 1))]).await;
    assert_eq!(late.status, 401, "{}", late.body);
    assert_eq!(profile_status(&mut browser).await, 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_clinic_requirement_makes_staff_enrol_before_they_get_a_session(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut admin = signed_in(&router, clinic.admin.email).await;
    assert_eq!(admin.call("clinic/two-factor-rule", &[]).await.json(), Value::Bool(false));
    let set = admin.call("clinic/set-two-factor-rule", &[("required", "true")]).await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(admin.call("clinic/two-factor-rule", &[]).await.json(), Value::Bool(true));

    let mut specialist = Client::new(router.clone());
    let login = specialist.login(clinic.specialist.email, PASSWORD).await;
    assert_eq!(login.json(), Value::String("EnrolmentNeeded".into()), "{}", login.body);
    assert_eq!(profile_status(&mut specialist).await, 401);
    // Not a state that takes codes, nor one that opens the account page's set-up.
    assert_eq!(specialist.call("auth/second-step", &[("code", "123456")]).await.status, 401);
    assert_eq!(specialist.call("two-factor/start", &[]).await.status, 401);

    let start = specialist.call("auth/enrol-start", &[]).await;
    assert_eq!(start.status, 200, "{}", start.body);
    let secret = TotpSecret::from_base32(start.json()["manual_secret"].as_str().unwrap()).unwrap();
    let wrong = specialist.call("auth/enrol-confirm", &[("code", "abc")]).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(profile_status(&mut specialist).await, 401);
    let done = specialist.call("auth/enrol-confirm", &[("code", &code(&secret, 0))]).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.json()["user"]["role"], "Specialist");
    assert_eq!(done.json()["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(profile_status(&mut specialist).await, 200);

    // From now on it is an ordinary second step.
    let mut next_time = Client::new(router.clone());
    assert_eq!(next_time.login(clinic.specialist.email, PASSWORD).await.json(), Value::String("CodeNeeded".into()));
    assert_eq!(next_time.call("auth/second-step", &[("code", &code(&secret, 1))]).await.status, 200);

    // Patients and family members sign in as before.
    signed_in(&router, clinic.patient.email).await;
    signed_in(&router, clinic.family.email).await;
    let audit: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where table_name = 'clinic_settings'
           and new_values->>'require_staff_two_factor' = 'true' and user_id = $1",
    )
    .bind(clinic.admin.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audit, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn only_staff_reach_the_set_up_and_patients_are_unaffected(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut anonymous = Client::new(router.clone());
    for endpoint in ["two-factor/status", "two-factor/start", "two-factor/confirm", "two-factor/disable"] {
        assert_eq!(anonymous.call(endpoint, &[("code", "123456")]).await.status, 401, "{endpoint}");
    }
    for email in [clinic.patient.email, clinic.family.email] {
        let mut person = signed_in(&router, email).await;
        for endpoint in ["two-factor/status", "two-factor/start", "two-factor/confirm", "two-factor/reset"] {
            let refused = person.call(endpoint, &[("code", "123456")]).await;
            assert_eq!(refused.status, 404, "{email} {endpoint}");
        }
    }
    let mut specialist = signed_in(&router, clinic.specialist.email).await;
    let reset = specialist.call("two-factor/reset", &[("user_id", &clinic.admin.user_id.to_string())]).await;
    assert_eq!(reset.status, 404, "only admins reset");
    let rows: i64 = sqlx::query_scalar("select count(*) from staff_two_factor").fetch_one(&pool).await.unwrap();
    assert_eq!(rows, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn turning_it_off_needs_the_password_and_a_code_and_an_admin_can_reset_it(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut specialist = signed_in(&router, clinic.specialist.email).await;
    let (secret, codes) = enrol(&mut specialist).await;

    let wrong_password =
        specialist.call("two-factor/disable", &[("current_password", "not it"), ("code", &code(&secret, 1))]).await;
    assert_eq!(wrong_password.status, 400);
    let wrong_code = specialist.call("two-factor/disable", &[("current_password", PASSWORD), ("code", "000000")]).await;
    assert_eq!(wrong_code.status, 400);
    assert_eq!(specialist.call("two-factor/status", &[]).await.json()["enrolled"], true);
    let off = specialist.call("two-factor/disable", &[("current_password", PASSWORD), ("code", &codes[0])]).await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(specialist.call("two-factor/status", &[]).await.json()["enrolled"], false);
    signed_in(&router, clinic.specialist.email).await;

    // Enrolled again, then locked out (phone lost): the admin resets it, and it is audited.
    enrol(&mut specialist).await;
    let mut admin = signed_in(&router, clinic.admin.email).await;
    let reset = admin.call("two-factor/reset", &[("user_id", &clinic.specialist.user_id.to_string())]).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where action = 'TWO_FACTOR_RESET' and record_id = $1 and user_id = $2
           and new_values->>'had_two_factor' = 'true'",
    )
    .bind(clinic.specialist.user_id)
    .bind(clinic.admin.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    signed_in(&router, clinic.specialist.email).await;
    let left: i64 = sqlx::query_scalar("select count(*) from staff_recovery_codes").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn new_recovery_codes_need_the_password_and_a_code_and_replace_the_old_ones(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let router = app(pool.clone());
    let mut specialist = signed_in(&router, clinic.specialist.email).await;
    let (secret, old_codes) = enrol(&mut specialist).await;
    // One used up at a sign-in: nine left.
    let mut browser = Client::new(router.clone());
    browser.login(clinic.specialist.email, PASSWORD).await;
    assert_eq!(browser.call("auth/second-step", &[("code", &old_codes[0])]).await.status, 200);
    assert_eq!(specialist.call("two-factor/status", &[]).await.json()["recovery_codes_left"], 9);

    // Without the password, or without a right code, nothing changes.
    for (password, typed) in [("not it", code(&secret, 1)), (PASSWORD, "000000".to_string())] {
        let refused =
            specialist.call("two-factor/new-recovery-codes", &[("current_password", password), ("code", &typed)]).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
    }
    assert_eq!(specialist.call("two-factor/status", &[]).await.json()["recovery_codes_left"], 9);

    let made = specialist
        .call("two-factor/new-recovery-codes", &[("current_password", PASSWORD), ("code", &code(&secret, 1))])
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let new_codes: Vec<String> =
        made.json()["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    assert_eq!(new_codes.len(), 10);
    assert!(new_codes.iter().all(|code| !old_codes.contains(code)));
    assert_eq!(specialist.call("two-factor/status", &[]).await.json()["recovery_codes_left"], 10);

    // The old codes stopped working; a new one signs in.
    let mut later = Client::new(router.clone());
    later.login(clinic.specialist.email, PASSWORD).await;
    let old = later.call("auth/second-step", &[("code", &old_codes[1])]).await;
    assert_eq!((old.status.as_u16(), message(&old)), (400, WRONG_CODE.to_string()));
    assert_eq!(later.call("auth/second-step", &[("code", &new_codes[0])]).await.status, 200);

    // Audited with their number, never the codes.
    let actions = audit_actions(&pool, clinic.specialist.user_id).await;
    assert!(actions.iter().any(|(a, v)| a == "RECOVERY_CODES_NEW" && v["recovery_codes"] == 10), "{actions:?}");
    let trail: Vec<String> =
        sqlx::query_scalar("select coalesce(new_values::text, '') from audit_logs").fetch_all(&pool).await.unwrap();
    assert!(trail.iter().all(|row| new_codes.iter().all(|code| !row.contains(code.as_str()))));
}
