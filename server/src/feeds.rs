//! Serves private calendar feeds (`/calendar/feed/<token>.ics`) to calendar apps, which fetch
//! them without a session: the unguessable token is the credential.

use app::server::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn calendar_feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let token = file.strip_suffix(".ics").unwrap_or_default();
    // Anything that cannot be a token is refused before touching the database.
    if token.len() != 40 || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return not_found();
    }
    match app::server::services::feeds::render(&state.pool, token, chrono::Utc::now()).await {
        Ok(Some(calendar)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
                (header::HeaderName::from_static("x-robots-tag"), "noindex"),
            ],
            calendar,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(error) => {
            // The error names no patient: the feed's owner and contents stay out of the logs.
            tracing::error!(%error, "calendar feed could not be built");
            (StatusCode::INTERNAL_SERVER_ERROR, "The calendar could not be built. Please try again later.")
                .into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "No such calendar. The link may have been replaced or revoked.").into_response()
}
