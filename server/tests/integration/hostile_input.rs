//! Every server function, called as an attacker would: fields missing, of the wrong type, with
//! NUL characters, absurd dates and numbers, huge strings, bodies that do not parse. None of
//! it may get a 5xx (a 500 says "our bug"); a refusal of bad input is a 400 naming a field.

use app::server::state::AuthSettings;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::authorization_matrix::{allowed, arguments, email, send, Arguments, Caller};
use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app_with, Client, Response};

/// Values that are wrong for almost every field, each for a reason.
fn hostile_values() -> Vec<String> {
    vec![
        String::new(),
        "not a value".into(),
        "nul\0inside".into(),
        "-5000-01-01T00:00:00Z".into(),
        "+200000-01-01T00:00:00Z".into(),
        "200000-01-01".into(),
        "9223372036854775807".into(),
        "-9223372036854775808".into(),
        "99999999999999999999999".into(),
        "-1".into(),
        "1e308".into(),
        "x".repeat(20_000),
    ]
}

fn hostile_json_values() -> Vec<Value> {
    let mut values: Vec<Value> = hostile_values().into_iter().map(Value::String).collect();
    values.extend([
        Value::Null,
        json!(-1),
        json!(9_223_372_036_854_775_807_i64),
        json!(1e308),
        json!([]),
        json!({}),
        json!(true),
    ]);
    values
}

/// The valid arguments with one thing broken at a time.
fn variants(valid: &Arguments) -> Vec<Arguments> {
    let mut out = Vec::new();
    match valid {
        Arguments::Form(pairs) => {
            for index in 0..pairs.len() {
                let mut missing = pairs.clone();
                missing.remove(index);
                out.push(Arguments::Form(missing));
                for value in hostile_values() {
                    let mut changed = pairs.clone();
                    changed[index].1 = value;
                    out.push(Arguments::Form(changed));
                }
            }
            let mut extra = pairs.clone();
            extra.push(("page".into(), "9223372036854775807".into()));
            out.push(Arguments::Form(extra));
        }
        Arguments::Json(value) => {
            out.extend([json!({}), json!([]), json!("x"), Value::Null].map(Arguments::Json));
            for path in json_paths(value, Vec::new()) {
                out.push(Arguments::Json(removed(value, &path)));
                for hostile in hostile_json_values() {
                    out.push(Arguments::Json(replaced(value, &path, hostile)));
                }
            }
        }
    }
    out
}

/// Every key path in an object (nested objects included), e.g. ["form", "email"].
fn json_paths(value: &Value, prefix: Vec<String>) -> Vec<Vec<String>> {
    let Value::Object(map) = value else { return Vec::new() };
    let mut paths = Vec::new();
    for (key, inner) in map {
        let mut path = prefix.clone();
        path.push(key.clone());
        paths.push(path.clone());
        paths.extend(json_paths(inner, path));
    }
    paths
}

fn replaced(value: &Value, path: &[String], new: Value) -> Value {
    let mut value = value.clone();
    let pointer = format!("/{}", path.join("/"));
    if let Some(slot) = value.pointer_mut(&pointer) {
        *slot = new;
    }
    value
}

fn removed(value: &Value, path: &[String]) -> Value {
    let mut value = value.clone();
    let (last, parent) = path.split_last().unwrap();
    let parent_pointer = if parent.is_empty() { String::new() } else { format!("/{}", parent.join("/")) };
    if let Some(Value::Object(map)) = value.pointer_mut(&parent_pointer) {
        map.remove(last);
    }
    value
}

fn assert_sound(endpoint: &str, arguments: &Arguments, response: &Response) {
    let shown = format!("{arguments:?}").chars().take(300).collect::<String>();
    assert!(response.status.as_u16() < 500, "{endpoint} {shown}: {} {}", response.status, response.body);
    if response.status == 400 {
        let errors = response.json().get("Validation").cloned().unwrap_or(Value::Null);
        let field = errors.pointer("/0/field").and_then(Value::as_str).unwrap_or_default();
        assert!(!field.is_empty(), "{endpoint} {shown}: a 400 names the field: {}", response.body);
    }
}

async fn hostile_calls(pool: PgPool, endpoint: &str) {
    let clinic = Clinic::create(&pool).await;
    let app = app_with(pool.clone(), AuthSettings { login_attempts_per_minute: 100_000, ..AuthSettings::default() });
    // The most trusted caller the endpoint admits, so the arguments are what gets tested.
    let callers = allowed(endpoint);
    let caller = if callers.contains(&Caller::Admin) { Caller::Admin } else { callers[0] };
    let mut client = Client::new(app);
    let sign_in = |client: &mut Client| {
        let email = email(&clinic, caller);
        let mut client = client.clone();
        async move {
            if let Some(email) = email {
                assert_eq!(client.login(email, PASSWORD).await.status, 200);
            }
            client
        }
    };
    client = sign_in(&mut client).await;
    let valid = arguments(&clinic, endpoint);
    for (number, arguments) in variants(&valid).iter().enumerate() {
        let response = send(&mut client, endpoint, arguments).await;
        assert_sound(endpoint, arguments, &response);
        // Some calls end the session (sign out, a password change): sign in again.
        if response.status == 401 || number % 50 == 49 {
            client = sign_in(&mut client).await;
        }
    }
    for (content_type, body) in [
        ("application/x-www-form-urlencoded", "%%%&&==%zz"),
        ("application/json", "{\"unterminated"),
        ("application/json", "{\"a\": \"\\u0000\"}"),
        ("text/plain", "hello"),
    ] {
        let response = client.call_raw(endpoint, content_type, body.to_string()).await;
        assert_sound(endpoint, &Arguments::Form(vec![(content_type.into(), body.into())]), &response);
    }
}

macro_rules! hostile {
    ($($test:ident => $endpoint:literal,)*) => {
        $(
            #[sqlx::test(migrations = "../migrations")]
            async fn $test(pool: PgPool) {
                hostile_calls(pool, $endpoint).await;
            }
        )*
    };
}

with_every_endpoint!(hostile);

#[sqlx::test(migrations = "../migrations")]
async fn undecodable_arguments_get_a_400_that_names_the_field(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut client = Client::new(app_with(pool.clone(), AuthSettings::default()));
    assert_eq!(client.login(clinic.admin.email, PASSWORD).await.status, 200);
    let field_of = |response: &Response| {
        assert_eq!(response.status, 400, "{}", response.body);
        response.json().pointer("/Validation/0/field").and_then(Value::as_str).unwrap_or_default().to_string()
    };
    let bad_id = client.call("appointments/cancel", &[("appointment_id", "not-an-id"), ("reason", "x")]).await;
    assert_eq!(field_of(&bad_id), "appointment_id");
    let missing = client.call("appointments/cancel", &[("reason", "x")]).await;
    assert_eq!(field_of(&missing), "appointment_id");
    let bad_date = client.call("calendar/view", &[("view", "week"), ("anchor", "31/12/2026")]).await;
    assert_eq!(field_of(&bad_date), "anchor");
    let rules = json!({ "time_zone": "Europe/Madrid", "buffer_minutes": "ten", "minimum_notice_minutes": 60,
        "patient_change_notice_hours": 12, "auto_confirm": true, "slot_step_minutes": 30, "booking_horizon_months": 12, "max_upcoming_appointments": 10 });
    let wrong_type = client.call_json("clinic/save-rules", json!({ "rules": rules })).await;
    assert_eq!(field_of(&wrong_type), "rules.buffer_minutes");
    let nul = client
        .call("appointments/cancel", &[("appointment_id", &clinic.appointment_id.to_string()), ("reason", "a\0b")])
        .await;
    assert_eq!(field_of(&nul), "reason");
}
