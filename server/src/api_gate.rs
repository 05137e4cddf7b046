//! The gate in front of every server function. Before any body runs it looks the request's
//! path up in `api::ENDPOINTS` (a path not there is refused: deny by default), finds the caller
//! from the session and asks the table whether they may call it; the verdict travels to the
//! body as a request extension (`app::server::optional_caller`). It also turns what the
//! framework answers to arguments it cannot decode (a 500) into the 400 it is, and refuses
//! NUL characters in arguments with a message naming the field.

use app::api::endpoint;
use app::error::AppError;
use app::server::auth::{admit, current_user_of};
use app::server::state::AppState;
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

/// The largest argument body a server function accepts (forms and JSON; no uploads yet).
pub const MAX_ARGUMENTS_BYTES: usize = 256 * 1024;

pub async fn gate_server_functions(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if !path.starts_with(app::api::API_PREFIX) {
        return next.run(request).await;
    }
    let Some(endpoint) = endpoint(&path) else {
        tracing::warn!(%path, "unknown server function refused");
        return error_response(AppError::NotFound);
    };
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return error_response(AppError::internal("the session layer must wrap the server-function gate"));
    };
    let user = match current_user_of(&state, &session).await {
        Ok(user) => user,
        Err(error) => return error_response(error),
    };
    let caller = match admit(endpoint, user) {
        Ok(caller) => caller,
        Err(error) => return error_response(error),
    };

    let (mut parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_ARGUMENTS_BYTES).await else {
        return error_response(AppError::invalid("request", "The request is too large."));
    };
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let content_type = content_type.to_string();
    if let Some(field) = field_with_nul(&content_type, &body) {
        return error_response(AppError::invalid(&field, "This field contains a character that is not allowed."));
    }
    parts.extensions.insert(caller);
    let response = next.run(Request::from_parts(parts, Body::from(body.clone()))).await;
    let name_the_field = |error: AppError| match error {
        AppError::Validation(mut errors) if errors.len() == 1 => {
            if let Some(field) = (endpoint.undecodable_field)(&content_type, &body) {
                errors[0].field = field;
            }
            AppError::Validation(errors)
        }
        other => other,
    };
    with_status_of_its_error(response, name_the_field).await
}

/// An error as the browser's server-function client expects it: the JSON of the error, with its
/// status (and the header that marks a server-function error).
fn error_response(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&error).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.headers_mut().insert("serverfnerror", HeaderValue::from_static("1"));
    response
}

/// Errors raised before our code runs (arguments that do not decode) reach the framework as a
/// 500; they carry our error type, which knows its real status, and get the field named.
async fn with_status_of_its_error(response: Response, name_the_field: impl FnOnce(AppError) -> AppError) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_ARGUMENTS_BYTES).await.unwrap_or_else(|_| Bytes::new());
    match serde_json::from_slice::<AppError>(&bytes) {
        Ok(error) if !matches!(error, AppError::Internal { .. }) => error_response(name_the_field(error)),
        _ => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// The first argument holding a NUL character, which PostgreSQL text cannot store.
fn field_with_nul(content_type: &str, body: &[u8]) -> Option<String> {
    if content_type.starts_with("application/json") {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        return json_field_with_nul(&value, "");
    }
    form_urlencoded::parse(body).find(|(_, value)| value.contains('\0')).map(|(key, _)| key.into_owned())
}

fn json_field_with_nul(value: &serde_json::Value, path: &str) -> Option<String> {
    let name = |key: &str| if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    match value {
        serde_json::Value::String(text) if text.contains('\0') => {
            Some(if path.is_empty() { "request".into() } else { path.into() })
        }
        serde_json::Value::Object(map) => map.iter().find_map(|(key, value)| json_field_with_nul(value, &name(key))),
        serde_json::Value::Array(items) => items.iter().find_map(|item| json_field_with_nul(item, path)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_characters_are_found_in_forms_and_json() {
        let form = "application/x-www-form-urlencoded";
        assert_eq!(field_with_nul(form, b"a=1&reason=x%00y"), Some("reason".to_string()));
        assert_eq!(field_with_nul(form, b"a=1&reason=fine"), None);
        let json = "application/json";
        let body = br#"{"form":{"first_name":"Ana\u0000","last_name":"B"}}"#;
        assert_eq!(field_with_nul(json, body), Some("form.first_name".to_string()));
        assert_eq!(field_with_nul(json, br#"{"form":{"first_name":"Ana"}}"#), None);
    }
}
