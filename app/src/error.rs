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
    /// Bad input, one message per field, shown next to the fields. Nothing was changed.
    #[error("{}", summary(.0))]
    Validation(Vec<FieldError>),
    /// Accounts whose password was reset must choose a new one before anything else.
    #[error("Please choose a new password first.")]
    PasswordChangeRequired,
    #[error("Too many attempts. Please wait a minute and try again.")]
    TooManyRequests,
    /// The server turned the request away instead of queueing it (too many password checks
    /// at once); nothing was done.
    #[error("The server is busy right now. Please try again in a moment.")]
    Busy,
    #[error("{0}")]
    Conflict(String),
    /// Details are in the server log under `request_id`; the person sees only the reference.
    #[error("Something went wrong on our side. If it keeps happening, quote reference {request_id}.")]
    Internal { request_id: String },
    #[error("The request could not be completed ({0}).")]
    Request(String),
}

/// A message about one input field (`field` is the form field's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError { field: field.to_string(), message: message.into() }
    }
}

fn summary(errors: &[FieldError]) -> String {
    match errors {
        [only] => only.message.clone(),
        _ => "Please correct the highlighted fields.".to_string(),
    }
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    /// The message for one field, when this is a validation error about it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// The HTTP status that goes with the error (server functions set it on the response).
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::PasswordChangeRequired => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::Validation(_) | AppError::Request(_) => 400,
            AppError::TooManyRequests => 429,
            AppError::Busy => 503,
            AppError::Internal { .. } => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The arguments did not decode: the caller's mistake (a 400), about one field.
            // (JSON arguments that do not decode are reported as `Deserialization`.)
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::Deserialization(message)
                if cfg!(feature = "ssr") =>
            {
                let field = field_named_in(&message).unwrap_or("request");
                AppError::invalid(field, format!("This value could not be read ({message})."))
            }
            other => AppError::Request(other.to_string()),
        }
    }
}

/// The field a decoding message names: serde writes them in backticks (missing field `start`),
/// serde_qs after "at" or in brackets.
fn field_named_in(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("field `")?;
    rest.split_once('`').map(|(field, _)| field)
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
