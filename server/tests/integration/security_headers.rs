//! Every answer carries the security headers; a page's inline scripts carry the nonce its
//! Content-Security-Policy allows, and nothing else inline may run.

use app::server::state::AuthSettings;
use sqlx::PgPool;

use crate::common::http::{app, app_with, Client};

#[sqlx::test(migrations = "../migrations")]
async fn pages_and_server_functions_carry_the_security_headers(pool: PgPool) {
    let mut client = Client::new(app(pool.clone()));
    let page = client.get("/login").await;
    let policy = page.header("content-security-policy").unwrap().to_string();
    for part in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "'wasm-unsafe-eval'"] {
        assert!(policy.contains(part), "{policy}");
    }
    assert!(!policy.contains("script-src 'self' 'unsafe-inline'") && !policy.contains("'unsafe-eval'"), "{policy}");
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap().to_string();
    assert!(nonce.len() >= 16, "{policy}");
    // Every inline script of the page is the one the policy allows.
    let scripts = page.body.matches("<script").count();
    assert!(scripts > 0, "{}", page.body);
    assert!(page.body.matches(&format!("nonce=\"{nonce}\"")).count() >= scripts, "{}", page.body);
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.header("referrer-policy").is_some());
    assert_eq!(page.header("strict-transport-security"), Some("max-age=31536000"), "served as https by default");

    // Another response, another nonce.
    let again = client.get("/login").await;
    assert_ne!(again.header("content-security-policy"), Some(policy.as_str()));

    let answer = client.call("specialists/list", &[]).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));

    // Development over plain http: no HSTS.
    let mut local = Client::new(app_with(pool, AuthSettings { secure_cookies: false, ..AuthSettings::default() }));
    assert_eq!(local.get("/login").await.header("strict-transport-security"), None);
}
