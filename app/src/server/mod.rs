//! Server-only code (compiled with `ssr`): state, sessions and authorization, database
//! access, passwords, audit.

pub mod arguments;
pub mod audit;
pub mod auth;
pub mod crypto;
pub mod db;
pub mod db_errors;
pub mod password;
pub mod policy;
pub mod services;
pub mod session_store;
pub mod state;
pub mod telemetry;
pub mod totp;

use crate::error::AppError;
use crate::model::auth::CurrentUser;
use state::AppState;

/// The caller and the state, for the first line of a server function that needs a signed-in
/// caller: `let (user, state) = crate::server::caller().await?;`.
pub async fn caller() -> Result<(CurrentUser, AppState), AppError> {
    let (user, state) = optional_caller().await?;
    Ok((user.ok_or(AppError::Unauthenticated)?, state))
}

/// The caller (None when signed out) and the state.
///
/// Called over HTTP, the gate in front of the server-function routes has already looked the
/// path up in `api::ENDPOINTS` and admitted this caller before the body runs; its verdict is
/// in the request. Called in-process while a page renders on the server, the page's own role
/// gate (the page table) stands in front instead, and the caller is the page's signed-in user.
pub async fn optional_caller() -> Result<(Option<CurrentUser>, AppState), AppError> {
    let state = state::app_state()?;
    let admitted = leptos::prelude::use_context::<http::request::Parts>()
        .filter(|parts| parts.uri.path().starts_with(crate::model::endpoint::API_PREFIX))
        .map(|parts| parts.extensions.get::<auth::Caller>().cloned());
    let user = match admitted {
        Some(Some(auth::Caller(user))) => user,
        // An /api request the gate did not see: never run the body.
        Some(None) => return Err(AppError::internal("server function called without the endpoint gate")),
        None => auth::current_user(&state).await?,
    };
    Ok((user, state))
}

/// Runs a server function's body and gives its error the matching HTTP status (401, 404, ...),
/// so clients and monitoring see more than "500" for a refused or invalid call. Only when the
/// function was called over HTTP: called in-process while a page renders, its error belongs to
/// that part of the page, not to the page's status.
pub async fn respond<T>(body: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    let called_over_http = leptos::prelude::use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with(crate::model::endpoint::API_PREFIX));
    // A plain form post is answered with a redirect back to its page, the error in the
    // address (the framework does it): an error status would replace that redirect.
    let called_over_http = called_over_http && !is_plain_form_post();
    if let (Err(error), true) = (&result, called_over_http) {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(error.status_code()) {
                response.set_status(status);
            }
        }
    }
    result
}

/// Whether this call is a plain HTML form post (a browser without the WASM, or before it
/// loaded): it wants a page back, so the framework redirects it to the page it came from.
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// After a plain form post succeeded, shows `path` (a page with the result) instead of the page
/// the form was on. Calls from the hydrated app are not redirected: the page updates itself.
pub fn show_after_plain_form_post(path: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(path);
    }
}
