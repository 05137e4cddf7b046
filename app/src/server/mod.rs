//! Server-only code (compiled with `ssr`): state, sessions and authorization, database
//! access, passwords, audit.

pub mod audit;
pub mod auth;
pub mod db;
pub mod password;
pub mod policy;
pub mod session_store;
pub mod state;

use crate::error::AppError;

/// Runs a server function's body and gives its error the matching HTTP status (401, 404, ...),
/// so clients and monitoring see more than "500" for a refused or invalid call. Only when the
/// function was called over HTTP: called in-process while a page renders, its error belongs to
/// that part of the page, not to the page's status.
pub async fn respond<T>(body: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    let called_over_http = leptos::prelude::use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with(crate::api::API_PREFIX));
    if let (Err(error), true) = (&result, called_over_http) {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(error.status_code()) {
                response.set_status(status);
            }
        }
    }
    result
}
