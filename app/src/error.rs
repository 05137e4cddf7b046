//! The one error type every server function returns. It crosses the wire as JSON, so the
//! browser can show a clear message; internals (SQL, stack traces) never do.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// Also the answer to a record the caller may not see, so ids cannot be probed.
    #[error("We could not find that.")]
    NotFound,
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    /// Details are in the server log under `request_id`; the person sees only the reference.
    #[error("Something went wrong on our side. If it keeps happening, quote reference {request_id}.")]
    Internal { request_id: String },
    #[error("The request could not be completed ({0}).")]
    Request(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an unexpected failure with a fresh reference and returns the opaque error.
    pub fn internal(error: impl std::fmt::Display) -> AppError {
        let request_id = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(%request_id, %error, "internal error");
        AppError::Internal { request_id }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => AppError::internal(other),
        }
    }
}
