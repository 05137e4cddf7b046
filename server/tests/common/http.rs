//! A cookie-keeping client for the real router (no socket: `tower::ServiceExt::oneshot`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use app::server::state::{AppState, AuthSettings};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde_json::Value;
use sqlx::PgPool;
use tower::ServiceExt;

pub fn app(pool: PgPool) -> axum::Router {
    app_with(pool, AuthSettings::default())
}

pub fn app_with(pool: PgPool, settings: AuthSettings) -> axum::Router {
    server::router(AppState::new(LeptosOptions::builder().output_name("syei").build(), pool, settings))
}

pub struct Response {
    pub status: StatusCode,
    pub set_cookie: Option<String>,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A browser stand-in: keeps the session cookie between calls, like a real one.
#[derive(Clone)]
pub struct Client {
    pub router: axum::Router,
    pub cookie: Option<String>,
    /// The address the server sees, as `axum::serve` with connect info would report it.
    pub ip: std::net::SocketAddr,
}

impl Client {
    pub fn new(router: axum::Router) -> Client {
        Client { router, cookie: None, ip: "198.51.100.7:50000".parse().unwrap() }
    }

    pub async fn send(&mut self, mut request: Request<Body>) -> Response {
        if let Some(cookie) = &self.cookie {
            request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
        }
        request.extensions_mut().insert(axum::extract::ConnectInfo(self.ip));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let set_cookie = response.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string());
        if let Some(set) = &set_cookie {
            let pair = set.split(';').next().unwrap().to_string();
            // An expired cookie (Max-Age=0) is the server ending the session.
            self.cookie = if set.contains("Max-Age=0") { None } else { Some(pair) };
        }
        let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        Response { status, set_cookie, body }
    }

    /// Calls a server function with form-encoded arguments (the default encoding).
    pub async fn call(&mut self, endpoint: &str, args: &[(&str, &str)]) -> Response {
        let body = serde_urlencoded::to_string(args).unwrap();
        let request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Calls a server function whose arguments are JSON-encoded.
    pub async fn call_json(&mut self, endpoint: &str, args: Value) -> Response {
        let request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(args.to_string()))
            .unwrap();
        self.send(request).await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Response {
        self.call("auth/login", &[("email", email), ("password", password)]).await
    }
}
