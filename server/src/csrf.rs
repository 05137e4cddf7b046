//! Cross-site request forgery: a page on another site must not be able to make a signed-in
//! browser change anything here. Every state-changing request (anything but GET/HEAD/OPTIONS)
//! must come from this site, which browsers state in `Sec-Fetch-Site` (or, older ones, in
//! `Origin`). The session cookie's SameSite=Lax is the second line.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn refuse_cross_site_writes(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_same_site(&request) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site write refused");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

fn is_same_site(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none" is the person typing the address or using a bookmark.
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (Some(origin), Some(host)) => {
            let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else {
                return false;
            };
            origin.split_once("://").is_some_and(|(_, origin_host)| origin_host == host)
        }
        (Some(_), None) => false,
        // No browser sent this (browsers always send Origin on cross-site POSTs), so there is no
        // ambient cookie being abused: command-line clients and server-to-server calls pass.
        (None, _) => true,
    }
}
