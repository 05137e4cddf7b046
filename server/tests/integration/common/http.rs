//! The real server (`Application`, on port 0) and a cookie-keeping client that talks to it over
//! TCP, like a browser: the server learns the client's address from the socket.
#![allow(dead_code)]

use std::net::{IpAddr, SocketAddr};

use app::server::state::AuthSettings;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde_json::Value;
use server::client_addr::TrustedProxies;
use server::monitoring::MonitoringSettings;
use server::startup::{Application, HttpSettings};
use sqlx::PgPool;

/// The token that opens the test server's `/metrics` from any address.
pub const METRICS_TOKEN: &str = "test-metrics-token";

/// The origin the test server believes it is served on.
pub const PUBLIC_ORIGIN: &str = "https://clinic.example";

/// A running server: where to reach it.
#[derive(Clone, Debug)]
pub struct TestApp {
    pub addr: SocketAddr,
}

pub fn app(pool: PgPool) -> TestApp {
    app_with(pool, AuthSettings::default())
}

/// A server on exactly `pool` (not the app role's shared one): for a server on a runtime of its
/// own, whose connections must be its own.
pub fn app_on_pool(pool: PgPool) -> TestApp {
    let options = LeptosOptions::builder().output_name("syei").build();
    start(options, pool, AuthSettings::default(), TrustedProxies::none())
}

pub fn app_with(pool: PgPool, settings: AuthSettings) -> TestApp {
    spawn(pool, settings, TrustedProxies::none())
}

/// A server behind a reverse proxy at `proxies`.
pub fn app_behind_proxy(pool: PgPool, proxies: &str) -> TestApp {
    spawn(pool, AuthSettings::default(), proxies.parse().unwrap())
}

/// A server whose built site (hashed asset names) is in `site_root`.
pub fn app_with_site(pool: PgPool, site_root: &std::path::Path) -> TestApp {
    let mut options = LeptosOptions::builder().output_name("syei").build();
    options.site_root = site_root.to_string_lossy().into();
    options.hash_files = true;
    spawn_with(options, pool, AuthSettings::default(), TrustedProxies::none())
}

/// Starts the production entry point on a free port, served until the test ends.
fn spawn(pool: PgPool, settings: AuthSettings, trusted_proxies: TrustedProxies) -> TestApp {
    spawn_with(LeptosOptions::builder().output_name("syei").build(), pool, settings, trusted_proxies)
}

fn spawn_with(
    options: LeptosOptions,
    pool: PgPool,
    settings: AuthSettings,
    trusted_proxies: TrustedProxies,
) -> TestApp {
    let pool = super::app_role_pool(&pool);
    start(options, pool, settings, trusted_proxies)
}

fn start(mut options: LeptosOptions, pool: PgPool, settings: AuthSettings, trusted_proxies: TrustedProxies) -> TestApp {
    options.site_addr = "127.0.0.1:0".parse().unwrap();
    let http = HttpSettings {
        public_origin: PUBLIC_ORIGIN.to_string(),
        trusted_proxies,
        monitoring: MonitoringSettings { metrics_token: Some(METRICS_TOKEN.to_string()), ..Default::default() },
    };
    let application = Application::build(options, pool, settings, http, super::test_keys()).expect("bind a free port");
    let addr = application.local_addr();
    tokio::spawn(application.run_until_stopped(std::future::pending()));
    TestApp { addr }
}

pub struct Response {
    pub status: StatusCode,
    pub set_cookie: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A browser stand-in: keeps the session cookie between calls, like a real one, and connects
/// from `ip` (any 127.x.y.z address reaches the server from a different client address).
#[derive(Clone)]
pub struct Client {
    pub app: TestApp,
    pub cookie: Option<String>,
    pub ip: IpAddr,
}

impl Client {
    pub fn new(app: TestApp) -> Client {
        Client { app, cookie: None, ip: "127.0.0.1".parse().unwrap() }
    }

    /// Sends a request as built, adding only the session cookie.
    pub async fn send(&mut self, request: Request<Body>) -> Response {
        let (parts, body) = request.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        // A request that never ends fails the test that made it (naming it), rather than hold
        // up the whole run until CI's limit.
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .local_address(self.ip)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut headers = parts.headers;
        if let Some(cookie) = &self.cookie {
            headers.insert(header::COOKIE, cookie.parse().unwrap());
        }
        let url = format!("http://{}{}", self.app.addr, parts.uri);
        let response = http.request(parts.method, url).headers(headers).body(body).send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let set_cookie = headers.get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string());
        if let Some(set) = &set_cookie {
            let pair = set.split(';').next().unwrap().to_string();
            // An expired cookie (Max-Age=0) is the server ending the session.
            self.cookie = if set.contains("Max-Age=0") { None } else { Some(pair) };
        }
        let body = response.text().await.unwrap();
        Response { status, set_cookie, headers, body }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    /// Calls a server function with form-encoded arguments (the default encoding), from a page
    /// of this site, as a browser does.
    pub async fn call(&mut self, endpoint: &str, args: &[(&str, &str)]) -> Response {
        let body = serde_urlencoded::to_string(args).unwrap();
        self.call_raw(endpoint, "application/x-www-form-urlencoded", body).await
    }

    /// Calls a server function whose arguments are JSON-encoded.
    pub async fn call_json(&mut self, endpoint: &str, args: Value) -> Response {
        self.call_raw(endpoint, "application/json", args.to_string()).await
    }

    /// Calls a server function with a body exactly as given (for malformed arguments).
    pub async fn call_raw(&mut self, endpoint: &str, content_type: &str, body: String) -> Response {
        let request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, content_type)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// A browser's file upload: a multipart form whose one field `file` holds `bytes` named
    /// `name`, posted to `path`; `accept` says whether a page or JSON is wanted back.
    pub async fn upload(&mut self, path: &str, name: &str, bytes: &[u8], accept: &str) -> Response {
        const BOUNDARY: &str = "syei-test-boundary";
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .header(header::ACCEPT, accept)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Response {
        self.call("auth/login", &[("email", email), ("password", password)]).await
    }
}
