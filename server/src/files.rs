//! Note attachments over HTTP, outside the server functions because they carry up to 20 MB:
//!
//! - `POST /files/notes/{record_id}`: a multipart form with one `file` field. The editor sends it
//!   with upload progress and gets the attachment as JSON; a plain form post (no JavaScript) is
//!   sent back to the editor, with the message in the address when it was refused.
//! - `GET /files/{file_id}`: the file, inline, never cached, with a safe `Content-Disposition`;
//!   every download is a READ in the audit trail.
//!
//! - `POST /files/materials/{material_id}` and `GET /files/materials/{material_id}`: an education
//!   material's PDF or image (not patient data; served to staff and to the patients it was
//!   released to).
//!
//! All need a signed-in session (and a password that need not be changed first); the services
//! decide who may touch which note. A refusal looks like a missing file.

use app::error::AppError;
use app::model::auth::CurrentUser;
use app::model::notes::ATTACHMENT_MAX_BYTES;
use app::server::auth::current_user_of;
use app::server::services::attachments;
use app::server::services::materials::{self, MATERIAL_FILE_MAX_BYTES};
use app::server::state::{AppState, ClientAddr};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use tower_sessions::Session;
use uuid::Uuid;

/// The routes, with a body limit of their own (the rest of the site keeps axum's 2 MB).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/files/notes/{record_id}",
            // Room for the multipart framing around a file of the largest allowed size.
            post(upload).layer(DefaultBodyLimit::max(ATTACHMENT_MAX_BYTES + 64 * 1024)),
        )
        .route("/files/{file_id}", get(download))
        .route(
            "/files/materials/{material_id}",
            get(material_download)
                .post(material_upload)
                .layer(DefaultBodyLimit::max(MATERIAL_FILE_MAX_BYTES + 64 * 1024)),
        )
}

pub(crate) async fn signed_in(state: &AppState, session: &Session) -> Result<CurrentUser, AppError> {
    match current_user_of(state, session).await? {
        Some(user) if user.must_change_password => Err(AppError::PasswordChangeRequired),
        Some(user) => Ok(user),
        None => Err(AppError::Unauthenticated),
    }
}

fn wants_page(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

pub(crate) fn error_response(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], serde_json::to_string(&error).unwrap_or_default())
        .into_response()
}

async fn upload(
    State(state): State<AppState>,
    session: Session,
    client: Option<Extension<ClientAddr>>,
    Path(record_id): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let page = wants_page(&headers);
    let result = store(&state, &session, client.map(|Extension(ClientAddr(ip))| ip), &record_id, multipart).await;
    match (result, page) {
        (Ok(attachment), false) => axum::Json(attachment).into_response(),
        (Err(error), false) => error_response(error),
        (Ok(_), true) => Redirect::to(&format!("/notes/{record_id}/edit")).into_response(),
        (Err(error @ (AppError::Validation(_) | AppError::Conflict(_))), true) => {
            let message: String = form_urlencoded::byte_serialize(error.to_string().as_bytes()).collect();
            Redirect::to(&format!("/notes/{record_id}/edit?file_error={message}")).into_response()
        }
        (Err(error), true) => error_response(error),
    }
}

async fn store(
    state: &AppState,
    session: &Session,
    ip: Option<std::net::IpAddr>,
    record_id: &str,
    multipart: Multipart,
) -> Result<app::model::notes::AttachmentView, AppError> {
    let user = signed_in(state, session).await?;
    let record_id: Uuid = record_id.parse().map_err(|_| AppError::NotFound)?;
    // The first field named `file`; anything else in the form is ignored.
    let (name, bytes) = file_field(multipart, "Choose a file to attach.").await?;
    attachments::upload(state, &user, record_id, &name, &bytes, ip).await
}

async fn download(
    State(state): State<AppState>,
    session: Session,
    client: Option<Extension<ClientAddr>>,
    Path(file_id): Path<String>,
) -> Response {
    let ip = client.map(|Extension(ClientAddr(ip))| ip);
    let result = async {
        let user = signed_in(&state, &session).await?;
        let file_id: Uuid = file_id.parse().map_err(|_| AppError::NotFound)?;
        attachments::download(&state, &user, file_id, ip).await
    }
    .await;
    match result {
        Ok(file) => file_response(file.bytes, &file.content_type, &file.name),
        Err(error) => error_response(error),
    }
}

/// The first field named `file` of a multipart form: its name and bytes.
async fn file_field(mut multipart: Multipart, missing: &str) -> Result<(String, axum::body::Bytes), AppError> {
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|_| AppError::invalid("file", "The upload was cut off or is larger than 20 MB."))?
            .ok_or_else(|| AppError::invalid("file", missing))?;
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("material").to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|_| AppError::invalid("file", "The upload was cut off or is larger than 20 MB."))?;
        return Ok((name, bytes));
    }
}

/// A material's PDF or image, uploaded by its author (or an admin). A plain form post goes
/// back to the material's page, with the message in the address when it was refused.
async fn material_upload(
    State(state): State<AppState>,
    session: Session,
    Path(material_id): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let page = wants_page(&headers);
    let result = async {
        let user = signed_in(&state, &session).await?;
        let material_id: Uuid = material_id.parse().map_err(|_| AppError::NotFound)?;
        let (name, bytes) = file_field(multipart, "Choose a file to upload.").await?;
        materials::upload_file(&state.pool, &user, material_id, &name, &bytes).await?;
        Ok::<_, AppError>(material_id)
    }
    .await;
    match (result, page) {
        (Ok(_), false) => StatusCode::NO_CONTENT.into_response(),
        (Err(error), false) => error_response(error),
        (Ok(id), true) => Redirect::to(&format!("/materials/{id}")).into_response(),
        (Err(error @ AppError::Validation(_)), true) => {
            let message: String = form_urlencoded::byte_serialize(error.to_string().as_bytes()).collect();
            Redirect::to(&format!("/materials/{material_id}?file_error={message}")).into_response()
        }
        (Err(error), true) => error_response(error),
    }
}

/// A material's file, for staff and the patients (and granted family) it was released to.
async fn material_download(
    State(state): State<AppState>,
    session: Session,
    Path(material_id): Path<String>,
) -> Response {
    let result = async {
        let user = signed_in(&state, &session).await?;
        let material_id: Uuid = material_id.parse().map_err(|_| AppError::NotFound)?;
        materials::file(&state.pool, &user, material_id).await
    }
    .await;
    match result {
        Ok(file) => file_response(file.file_data, &file.file_type, &file.file_name),
        Err(error) => error_response(error),
    }
}

/// Bytes served inline, never cached, typed as stored and never sniffed.
fn file_response(bytes: Vec<u8>, content_type: &str, name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(kind) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, kind);
    }
    if let Ok(disposition) = HeaderValue::from_str(&content_disposition(name)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// `inline`, an ASCII fallback name and the real one percent-encoded (RFC 6266): no quote,
/// line break or path in the header, whatever the name was.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn the_disposition_header_carries_no_quotes_or_line_breaks() {
        let header = content_disposition("résumé \"x\"\r\n.pdf");
        assert!(!header.contains('\r') && !header.contains('\n'));
        assert!(header.starts_with("inline; filename=\"r_sum_ _x___.pdf\""), "{header}");
        assert!(header.contains("filename*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22%0D%0A.pdf"), "{header}");
    }
}
