//! Security headers on every response. Pages get a Content-Security-Policy whose script nonce
//! is made here, per response, and handed to Leptos (through the request's extensions) so its
//! hydration scripts carry the same one: no inline script runs without it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

#[derive(Debug, Clone, Copy)]
pub struct HeaderSettings {
    /// Whether we are served over https (then browsers are told to stay on it).
    pub https: bool,
    /// Whether the assets under /pkg/ carry a content hash in their names (a new build makes
    /// new names, so browsers may keep each one for good).
    pub hashed_assets: bool,
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

/// How long browsers may keep a response. Only static assets are cached; everything else
/// (pages, server-function answers, feeds) can carry health data or a temporary password.
fn cache_policy(path: &str, hashed_assets: bool) -> &'static str {
    if path.starts_with("/pkg/") && hashed_assets {
        "public, max-age=31536000, immutable"
    } else if path.starts_with("/pkg/") || path == "/favicon.svg" {
        // Unhashed names (a development build) change content under the same name.
        "public, max-age=300"
    } else if path.starts_with("/editor/") {
        // The note editor's bundle keeps its name across builds: kept, but checked each time
        // (a 304 when unchanged).
        "public, no-cache"
    } else {
        "no-store"
    }
}

pub async fn security_headers(
    State(settings): State<Arc<HeaderSettings>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    let cache = cache_policy(request.uri().path(), settings.hashed_assets);
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    // A missing asset's 404 page is not cached.
    let status = response.status();
    let cache = if status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED { cache } else { "no-store" };
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce.to_string())) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if settings.https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}
