//! Security headers on every response. Pages get a Content-Security-Policy whose script nonce
//! is made here, per response, and handed to Leptos (through the request's extensions) so its
//! hydration scripts carry the same one: no inline script runs without it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

/// Whether we are served over https (then browsers are told to stay on it).
#[derive(Debug, Clone, Copy)]
pub struct HeaderSettings {
    pub https: bool,
}

/// The policy for a page whose inline scripts carry `nonce`. Styles may be inline (the
/// calendar positions appointments with `style`), scripts never; WASM needs 'wasm-unsafe-eval'.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// Hashed assets under /pkg/ may be cached; everything else (pages, server-function answers,
/// feeds) can carry health data or a temporary password, so it is never stored.
fn is_cacheable_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg"
}

pub async fn security_headers(
    State(settings): State<Arc<HeaderSettings>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    let cacheable = is_cacheable_asset(request.uri().path());
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce.to_string())) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !cacheable {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if settings.https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}
