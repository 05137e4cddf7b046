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
/// so clients and monitoring see more than "500" for a refused or invalid call.
pub async fn respond<T>(body: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(error) = &result {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(error.status_code()) {
                response.set_status(status);
            }
        }
    }
    result
}
