//! Pages and server-function answers are compressed per response (brotli or gzip, whichever the
//! browser accepts; the static assets are compressed once, at build time, and served as files).
//!
//! Compression leaks the size of a response, and a response that mixes a secret with text an
//! attacker chose lets the attacker guess the secret from sizes (BREACH). The attacker's
//! requests come from another site, so a request a browser marks as cross-site is answered
//! uncompressed.

use axum::extract::Request;
use axum::http::header::ACCEPT_ENCODING;
use axum::middleware::Next;
use axum::response::Response;

pub async fn no_compression_for_cross_site_requests(mut request: Request, next: Next) -> Response {
    let cross_site = request
        .headers()
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|site| site == "cross-site" || site == "same-site");
    if cross_site {
        request.headers_mut().remove(ACCEPT_ENCODING);
    }
    next.run(request).await
}
