//! Cross-site request forgery: a page on another site must not be able to make a signed-in
//! browser change anything here. A state-changing request (anything but GET/HEAD/OPTIONS) that
//! carries a cookie must say it comes from this site: `Sec-Fetch-Site: same-origin` (every
//! current browser sends it), or an `Origin` equal to the configured public origin, scheme
//! included. The session cookie's SameSite=Lax is the second line.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The origin people reach us on, e.g. `https://clinic.example` (no trailing slash).
#[derive(Debug, Clone)]
pub struct PublicOrigin(pub String);

pub async fn refuse_cross_site_writes(
    State(origin): State<Arc<PublicOrigin>>,
    request: Request,
    next: Next,
) -> Response {
    let safe_method = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe_method || !request.headers().contains_key(header::COOKIE) || is_same_origin(request.headers(), &origin) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site write refused");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

fn is_same_origin(headers: &HeaderMap, public: &PublicOrigin) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site.as_bytes() == b"same-origin";
    }
    headers
        .get(header::ORIGIN)
        .and_then(|origin| origin.to_str().ok())
        .is_some_and(|origin| origin.trim_end_matches('/').eq_ignore_ascii_case(public.0.trim_end_matches('/')))
}
