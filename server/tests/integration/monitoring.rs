//! `/metrics` through the real server: requests counted and timed by route, the pool, sign-in
//! failures and bookings; made-up paths do not become labels; only loopback callers or the
//! token holder may read it. Metrics are per process and tests run side by side, so counters
//! are compared before and after, never with exact totals.

use axum::body::Body;
use axum::http::{header, Request};
use sqlx::PgPool;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app, app_behind_proxy, Client, METRICS_TOKEN};
use crate::common::scheduling::{book, future_monday, madrid, open_every_day, signed_in};

/// The value of the sample whose line starts with `series` (name and labels), 0 when absent.
fn sample(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series).and_then(|rest| rest.trim().parse::<f64>().ok()))
        .unwrap_or(0.0)
}

async fn scrape(client: &mut Client) -> String {
    let response = client.get("/metrics").await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert!(response.header("content-type").unwrap().starts_with("text/plain"));
    response.body
}

#[sqlx::test(migrations = "../migrations")]
async fn requests_sign_in_failures_and_bookings_show_in_the_metrics(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    open_every_day(&pool, &clinic).await;
    let mut client = Client::new(app(pool.clone()));
    let healthz = r#"syei_http_requests_total{endpoint="/healthz",method="GET",status="200"}"#;
    let healthz_fast = r#"syei_http_request_duration_seconds_bucket{endpoint="/healthz",status="200",le="+Inf"}"#;
    let refused = r#"syei_sign_in_failures_total{reason="wrong password"}"#;
    let booked = r#"syei_bookings_total{channel="online"}"#;
    let before = scrape(&mut client).await;

    for _ in 0..3 {
        assert_eq!(client.get("/healthz").await.status, 200);
    }
    assert_eq!(client.get("/api/made-up/zq-path-7731").await.status.as_u16() / 100, 4);
    assert_eq!(client.get("/pkg/syei.zq7731.wasm").await.status, 404);
    assert_eq!(client.login(clinic.patient.email, "not the password").await.status, 400);
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    assert_eq!(book(&mut patient, &clinic, madrid(future_monday(), 10, 0), "Follow-up").await.status, 200);

    let after = scrape(&mut client).await;
    assert!(sample(&after, healthz) >= sample(&before, healthz) + 3.0, "{after}");
    assert!(sample(&after, healthz_fast) >= sample(&before, healthz_fast) + 3.0, "no latency histogram: {after}");
    assert!(sample(&after, refused) >= sample(&before, refused) + 1.0, "{after}");
    assert!(sample(&after, booked) >= sample(&before, booked) + 1.0, "{after}");
    let login = r#"syei_http_requests_total{endpoint="/api/auth/login",method="POST",status="400"}"#;
    assert!(sample(&after, login) >= 1.0, "server functions are counted by their path: {after}");
    assert!(after.contains(r#"syei_db_pool_connections{state="idle"}"#), "{after}");
    assert!(after.contains(r#"syei_db_pool_connections{state="in_use"}"#), "{after}");
    assert!(after.contains("syei_db_pool_max_connections"), "{after}");
    // A made-up path is counted, but not under its own name.
    assert!(!after.contains("zq-path-7731") && !after.contains("zq7731"), "a client's path became a label");
    assert!(after.contains(r#"endpoint="unmatched""#), "{after}");
    // The site's files are counted under one label, whatever their hashed names.
    assert!(after.contains(r#"syei_http_requests_total{endpoint="/pkg/*",method="GET",status="404"}"#), "{after}");
    // Nothing personal: no email, no password.
    assert!(!after.contains(clinic.patient.email) && !after.contains(PASSWORD));
}

#[sqlx::test(migrations = "../migrations")]
async fn only_loopback_callers_or_the_token_holder_read_the_metrics(pool: PgPool) {
    // Behind a proxy on this machine, a remote client looks like loopback to the socket: the
    // forwarded header gives it away.
    let mut proxied = Client::new(app_behind_proxy(pool.clone(), "127.0.0.1"));
    let with = |authorization: Option<&str>| {
        let mut request = Request::get("/metrics").header("x-forwarded-for", "203.0.113.9");
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        request.body(Body::empty()).unwrap()
    };
    assert_eq!(proxied.send(with(None)).await.status, 404);
    assert_eq!(proxied.send(with(Some("Bearer wrong-token"))).await.status, 404);
    assert_eq!(proxied.send(with(Some(METRICS_TOKEN))).await.status, 404, "the scheme is part of it");
    let allowed = proxied.send(with(Some(&format!("Bearer {METRICS_TOKEN}")))).await;
    assert_eq!(allowed.status, 200);
    assert!(allowed.body.contains("syei_http_requests_total"));

    // A forwarded header from a client that is not our proxy does not help either.
    let mut direct = Client::new(app(pool.clone()));
    assert_eq!(direct.send(with(None)).await.status, 404);
    assert_eq!(direct.get("/metrics").await.status, 200, "loopback, no proxy header");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_sees_the_database_health(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    // Statements are listed when the server loads pg_stat_statements and this database has it
    // (`make test`'s embedded cluster does both; another server may not).
    let statements_on: bool = sqlx::query_scalar(
        "select current_setting('shared_preload_libraries') like '%pg_stat_statements%'
            and exists (select 1 from pg_extension where extname = 'pg_stat_statements')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut admin = Client::new(app(pool.clone()));
    assert_eq!(admin.login(clinic.admin.email, PASSWORD).await.status, 200);
    let answer = admin.call("admin/database-health", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let health = answer.json();
    assert_eq!(health["top_queries"].is_array(), statements_on, "{health}");
    if let Some(queries) = health["top_queries"].as_array() {
        assert!(!queries.is_empty());
        // Normalised: the fixture's emails and the clinic's data are not in the statements.
        assert!(!answer.body.contains("@clinic.example"), "a statement carries data");
    }
    let tables: Vec<&str> = health["tables"].as_array().unwrap().iter().map(|t| t["table"].as_str().unwrap()).collect();
    for table in ["appointments", "audit_logs", "patients", "users"] {
        assert!(tables.contains(&table), "{table} missing from {tables:?}");
    }
    assert!(health["max_connections"].as_i64().unwrap() > 0);
    assert!(!health["connections"].as_array().unwrap().is_empty(), "this request's own connection counts");

    let page = admin.get("/admin/database").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Database health") && page.body.contains("audit_logs"));
    assert_eq!(page.body.contains("data-testid=\"top-queries\""), statements_on);

    // Nobody else gets it.
    let mut specialist = Client::new(app(pool.clone()));
    assert_eq!(specialist.login(clinic.specialist.email, PASSWORD).await.status, 200);
    assert_ne!(specialist.call("admin/database-health", &[]).await.status, 200);
    assert_eq!(specialist.get("/admin/database").await.status, 403);
}
