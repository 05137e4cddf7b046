//! `GET /files/audit.csv?<filter>`: the audit log viewer's filtered entries as CSV, for admins.
//!
//! Streamed a page at a time (newest first, keyset on the sequence number), so memory stays
//! flat however much matches; it stops at `AUDIT_EXPORT_MAX_ROWS` and says so in a last line.
//! The export is audited before the first byte goes out (who, when, which filter). Cells that a
//! spreadsheet would run as a formula are prefixed with `'`.

use app::model::audit_log::{AuditEntry, AuditFilter, AUDIT_EXPORT_MAX_ROWS};
use app::server::services::audit_log::{self, CheckedFilter};
use app::server::state::{AppState, ClientAddr};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use futures_util::{stream, StreamExt};
use tower_sessions::Session;

use crate::files::{error_response, signed_in};

/// Rows fetched (and decrypted) per step of the stream.
const ROWS_PER_STEP: i64 = 500;

pub fn routes() -> Router<AppState> {
    Router::new().route("/files/audit.csv", get(export))
}

async fn export(
    State(state): State<AppState>,
    session: Session,
    client: Option<Extension<ClientAddr>>,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let ip = client.map(|Extension(ClientAddr(ip))| ip);
    let checked = async {
        let user = signed_in(&state, &session).await?;
        audit_log::start_export(&state, &user, &filter, ip).await
    }
    .await;
    let checked = match checked {
        Ok(checked) => checked,
        Err(error) => return error_response(error),
    };
    // Fused: the compression layer polls once more after the end, which a bare unfold forbids.
    let chunks = stream::unfold(Export::new(state, checked), Export::next_chunk).fuse();
    let body = Body::from_stream(chunks);
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"audit-log.csv\""));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Where the stream is: the next page starts before `before`; `written` rows so far.
struct Export {
    state: AppState,
    checked: CheckedFilter,
    before: Option<i64>,
    written: i64,
    header_sent: bool,
    done: bool,
}

impl Export {
    fn new(state: AppState, checked: CheckedFilter) -> Export {
        Export { state, checked, before: None, written: 0, header_sent: false, done: false }
    }

    async fn next_chunk(mut self) -> Option<(Result<Bytes, std::io::Error>, Export)> {
        if self.done {
            return None;
        }
        let mut out = csv::Writer::from_writer(Vec::new());
        if !self.header_sent {
            self.header_sent = true;
            let header =
                ["sequence", "at", "actor", "action", "table", "record", "address", "field", "before", "after"];
            if let Err(error) = out.write_record(header) {
                return Some((Err(std::io::Error::other(error)), self));
            }
        }
        let room = (AUDIT_EXPORT_MAX_ROWS - self.written).min(ROWS_PER_STEP);
        if room <= 0 {
            self.done = true;
            let _ = out.write_record([format!("(stopped after {AUDIT_EXPORT_MAX_ROWS} entries: narrow the filter)")]);
            return Some((finish(out), self));
        }
        match audit_log::entries(&self.state, &self.checked, self.before, room).await {
            Ok((entries, older)) => {
                for entry in &entries {
                    if let Err(error) = write_entry(&mut out, entry) {
                        return Some((Err(error), self));
                    }
                }
                self.written += entries.len() as i64;
                self.before = older;
                self.done = older.is_none();
                Some((finish(out), self))
            }
            Err(error) => {
                // The status is already sent: end the file with a line that says it is cut short.
                tracing::warn!(%error, "audit export stopped");
                self.done = true;
                let _ = out.write_record(["(the export stopped early: a database error; try again)"]);
                Some((finish(out), self))
            }
        }
    }
}

fn finish(out: csv::Writer<Vec<u8>>) -> Result<Bytes, std::io::Error> {
    out.into_inner().map(Bytes::from).map_err(|error| std::io::Error::other(error.to_string()))
}

/// One line per changed field (one line with empty field columns when nothing changed).
fn write_entry(out: &mut csv::Writer<Vec<u8>>, entry: &AuditEntry) -> Result<(), std::io::Error> {
    let record = entry.record_id.map(|id| id.to_string()).unwrap_or_default();
    let address = entry.ip_address.clone().unwrap_or_default();
    let head = [
        entry.sequence_no.to_string(),
        entry.at.clone(),
        entry.actor.clone(),
        entry.action.clone(),
        entry.table_name.clone(),
        record,
        address,
    ];
    let lines: Vec<[String; 3]> = if entry.changes.is_empty() {
        vec![Default::default()]
    } else {
        entry
            .changes
            .iter()
            .map(|c| [c.field.clone(), c.old.clone().unwrap_or_default(), c.new.clone().unwrap_or_default()])
            .collect()
    };
    for line in lines {
        let cells = head.iter().chain(line.iter()).map(|cell| no_formula(cell));
        out.write_record(cells).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// A cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, return) is kept as text.
fn no_formula(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::no_formula;

    #[test]
    fn formulas_are_kept_as_text() {
        assert_eq!(no_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(no_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(no_formula("Ana García"), "Ana García");
        assert_eq!(no_formula(""), "");
    }
}
