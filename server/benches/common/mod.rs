//! What the benchmarks share: a scratch database, calls through the real router, percentiles.
#![allow(dead_code)]

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tower::ServiceExt;

/// The value at `p` (0..=1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// A fresh, migrated database named `name` beside `DATABASE_URL`'s, and the server's pool to
/// drop it with afterwards. None when DATABASE_URL is not set.
pub async fn scratch_database(name: &str) -> Option<(PgPool, PgPool)> {
    let url = std::env::var("DATABASE_URL").ok()?;
    let name = database_name(name);
    let admin = PgPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&admin).await.unwrap();
    sqlx::query(&format!("create database {name}")).execute(&admin).await.unwrap();
    let bench_url = format!("{}/{name}", url.rsplit_once('/').unwrap().0);
    let pool = PgPoolOptions::new().max_connections(20).connect(&bench_url).await.unwrap();
    server::MIGRATOR.run(&pool).await.unwrap();
    Some((admin, pool))
}

/// The scratch database's name: engineers sharing one PostgreSQL keep their benchmark
/// databases apart with `SYEI_BENCH_DATABASE_PREFIX`.
fn database_name(name: &str) -> String {
    match std::env::var("SYEI_BENCH_DATABASE_PREFIX") {
        Ok(prefix) if !prefix.is_empty() => format!("{prefix}_{name}"),
        _ => name.to_string(),
    }
}

/// Closes the pool and drops the scratch database.
pub async fn drop_database(admin: &PgPool, pool: PgPool, name: &str) {
    pool.close().await;
    let name = database_name(name);
    sqlx::query(&format!("drop database if exists {name} with (force)")).execute(admin).await.unwrap();
}

/// Calls a server function through the router with form-encoded arguments, as the browser does.
pub async fn post_form(
    router: axum::Router,
    cookie: Option<&str>,
    endpoint: &str,
    body: String,
) -> axum::response::Response {
    // From a page of this site, as a browser says (the cross-site check wants it with a cookie).
    let mut request = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    router.oneshot(request.body(Body::from(body)).unwrap()).await.unwrap()
}

/// The whole body of a response.
pub async fn body_of(response: axum::response::Response) -> axum::body::Bytes {
    http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes()
}

/// Signs in through the router (every benchmark account has the same password) and returns
/// the session cookie.
pub async fn sign_in(router: &axum::Router, encoded_email: &str) -> String {
    let body = format!("email={encoded_email}&password=benchmark+password+1");
    let login = post_form(router.clone(), None, "auth/login", body).await;
    login.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string()
}
