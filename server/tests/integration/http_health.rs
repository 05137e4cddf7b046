//! The health probes, pages and a public endpoint through the real server.

use axum::http::StatusCode;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

use crate::common::http::{app, Client};

async fn get(app: crate::common::http::TestApp, path: &str) -> (StatusCode, String) {
    let response = Client::new(app).get(path).await;
    (response.status, response.body)
}

#[sqlx::test(migrations = "../migrations")]
async fn readyz_is_ok_when_the_database_answers(pool: PgPool) {
    assert_eq!(get(app(pool), "/readyz").await, (StatusCode::OK, "ready".to_string()));
}

#[tokio::test]
async fn readyz_is_unavailable_when_the_database_is_not() {
    // Nothing listens on port 1; the pool connects lazily, so only the probe notices.
    let pool = PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(2))
        .connect_lazy("postgres://nobody:nothing@127.0.0.1:1/none")
        .unwrap();
    assert_eq!(
        get(app(pool.clone()), "/readyz").await,
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable".to_string())
    );
    assert_eq!(get(app(pool), "/healthz").await, (StatusCode::OK, "ok".to_string()));
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_pages_get_the_404_page(pool: PgPool) {
    let (status, body) = get(app(pool), "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Page not found"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_specialist_list_endpoint_returns_active_specialists_only(pool: PgPool) {
    let active_user: uuid::Uuid = sqlx::query_scalar(
        "insert into users (email, password_hash, role, first_name, last_name)
         values ('mei@clinic.example', 'x', 'Specialist', 'Mei', 'Chen') returning user_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let gone_user: uuid::Uuid = sqlx::query_scalar(
        "insert into users (email, password_hash, role, first_name, last_name, is_active)
         values ('gone@clinic.example', 'x', 'Specialist', 'Gone', 'Away', false) returning user_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for (user, specialty) in [(active_user, "Acupuncture"), (gone_user, "Nutrition")] {
        sqlx::query("insert into specialists (user_id, specialty, professional_license) values ($1, $2, 'L')")
            .bind(user)
            .bind(specialty)
            .execute(&pool)
            .await
            .unwrap();
    }
    let response = Client::new(app(pool)).call("specialists/list", &[]).await;
    assert_eq!(response.status, StatusCode::OK);
    let list: Vec<serde_json::Value> = serde_json::from_str(&response.body).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["display_name"], "Mei Chen");
    assert_eq!(list[0]["specialty"], "Acupuncture");
    assert!(list[0].get("professional_license").is_none(), "licences are not published");
}
