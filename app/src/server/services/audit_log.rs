//! The admins' audit log viewer and its CSV export: the filter is checked and bounded, people
//! are found by email, each event's old and new values become a list of changed fields, and
//! sealed clinical fields are opened for the admin with the patient's key, or shown as
//! "(erased)" once that key was destroyed. Every search and every export is itself audited
//! (with the filter, never the values shown).

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::model::audit_log::{
    AuditEntry, AuditFilter, AuditPage, FieldChange, AUDITED_TABLES, AUDIT_MAX_RANGE_DAYS, AUDIT_PAGE_SIZE,
};
use crate::model::auth::CurrentUser;
use crate::server::audit::{self, AuditEvent};
use crate::server::crypto::DataKey;
use crate::server::db::audit_log::{self as db, AuditQuery, AuditRow};
use crate::server::services::{patient_vault, zones};
use crate::server::state::AppState;

/// Shown for a sealed field whose patient key was destroyed (retention) or never existed.
pub const ERASED: &str = "(erased)";
/// Columns that change on every write and say nothing to a reader of the trail.
const NOISE: &[&str] = &["updated_at"];
const MAX_EMAIL_CHARS: usize = 254;
const MAX_ACTION_CHARS: usize = 40;

/// A checked filter, ready to query, and the clinic's zone for dates and times.
pub struct CheckedFilter {
    pub query: AuditQuery,
    pub zone: String,
}

/// Only admins read the trail; anyone else is told there is nothing here.
fn admin_only(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The start of a clinic-local day (01:00 where the clocks skip midnight).
fn midnight(date: NaiveDate, zone: &str) -> Result<DateTime<Utc>, AppError> {
    zones::place_time(zone, date.and_time(chrono::NaiveTime::MIN))
        .or_else(|_| zones::place_time(zone, date.and_hms_opt(1, 0, 0).unwrap_or_default()))
        .map(|placed| placed.start)
}

/// Bounds every field and turns emails and dates into what the query needs. An email nobody
/// has matches nothing (rather than being an error that would confirm who has an account).
pub async fn check_filter(state: &AppState, filter: &AuditFilter) -> Result<CheckedFilter, AppError> {
    let mut errors = Vec::new();
    for (field, email) in [("actor_email", &filter.actor_email), ("patient_email", &filter.patient_email)] {
        if email.chars().count() > MAX_EMAIL_CHARS {
            errors.push((field, "An email has at most 254 characters."));
        }
    }
    let table = filter.table_name.trim();
    if !table.is_empty() && !AUDITED_TABLES.contains(&table) {
        errors.push(("table_name", "Choose one of the listed tables."));
    }
    let action = filter.action.trim().to_uppercase();
    let record_id = match filter.record_id.trim() {
        "" => None,
        id => match id.parse::<Uuid>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(("record_id", "A record id looks like 0f8c…-…; copy it from an entry."));
                None
            }
        },
    };
    let mut date = |field: &'static str, text: &str| match text.trim() {
        "" => None,
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.push((field, "Use a date such as 2026-11-27.")))
            .ok(),
    };
    let (from, to) = (date("from", &filter.from), date("to", &filter.to));
    if action.chars().count() > MAX_ACTION_CHARS || !action.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        errors.push(("action", "An action is a word such as UPDATE or LOGIN_FAILED."));
    }
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            errors.push(("to", "The end date is before the start date."));
        } else if (to - from).num_days() >= AUDIT_MAX_RANGE_DAYS {
            errors.push(("to", "Search at most a year at a time."));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(
            errors.into_iter().map(|(field, message)| FieldError::new(field, message)).collect(),
        ));
    }
    let (today, zone) = zones::clinic_today(&state.pool).await?;
    // Without dates: the last year. With one: a year from or up to it.
    let (from, to) = match (from, to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, from + Duration::days(AUDIT_MAX_RANGE_DAYS - 1)),
        (None, Some(to)) => (to - Duration::days(AUDIT_MAX_RANGE_DAYS - 1), to),
        (None, None) => (today - Duration::days(AUDIT_MAX_RANGE_DAYS - 1), today),
    };
    let nobody = Some(Uuid::nil());
    let actor_id = match filter.actor_email.trim() {
        "" => None,
        email => db::user_id_by_email(&state.pool, email).await?.or(nobody),
    };
    let patient_id = match filter.patient_email.trim() {
        "" => None,
        email => db::patient_id_by_email(&state.pool, email).await?.or(nobody),
    };
    let query = AuditQuery {
        actor_id,
        patient_id,
        table_name: (!table.is_empty()).then(|| table.to_string()),
        record_id,
        action: (!action.is_empty()).then_some(action),
        since: Some(midnight(from, &zone)?),
        until: Some(midnight(to + Duration::days(1), &zone)?),
    };
    Ok(CheckedFilter { query, zone })
}

/// A page of the viewer (newest first, before `before`), itself audited as a read.
pub async fn search(
    state: &AppState,
    user: &CurrentUser,
    filter: &AuditFilter,
    before: Option<i64>,
    ip: Option<IpAddr>,
) -> Result<AuditPage, AppError> {
    admin_only(user)?;
    let checked = check_filter(state, filter).await?;
    let (entries, older) = entries(state, &checked, before.filter(|b| *b > 0), AUDIT_PAGE_SIZE).await?;
    record(state, user, "READ", filter, ip).await?;
    Ok(AuditPage { entries, older })
}

/// Checks the caller and the filter before an export starts streaming, and audits it.
pub async fn start_export(
    state: &AppState,
    user: &CurrentUser,
    filter: &AuditFilter,
    ip: Option<IpAddr>,
) -> Result<CheckedFilter, AppError> {
    admin_only(user)?;
    let checked = check_filter(state, filter).await?;
    record(state, user, "EXPORT", filter, ip).await?;
    Ok(checked)
}

async fn record(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    filter: &AuditFilter,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    audit::record(
        &mut conn,
        AuditEvent {
            actor: Some(user.user_id),
            action,
            table_name: "audit_logs",
            record_id: None,
            details: Some(json!({ "filter": filter })),
            ip,
        },
    )
    .await
}

/// Up to `limit` entries before `before`, and the cursor for the next ones.
pub async fn entries(
    state: &AppState,
    checked: &CheckedFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<AuditEntry>, Option<i64>), AppError> {
    let rows = db::page(&state.pool, &checked.query, before, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    let mut opener = Opener { state, keys: HashMap::new() };
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows.into_iter().take(limit as usize) {
        entries.push(opener.entry(row, &checked.zone).await?);
    }
    let older = if more { entries.last().map(|e| e.sequence_no) } else { None };
    Ok((entries, older))
}

/// Opens sealed fields, each patient's key fetched once per page.
struct Opener<'a> {
    state: &'a AppState,
    keys: HashMap<Uuid, Option<DataKey>>,
}

impl Opener<'_> {
    async fn entry(&mut self, row: AuditRow, zone: &str) -> Result<AuditEntry, AppError> {
        let patient_id = if row.table_name == "patients" {
            row.record_id
        } else {
            [&row.new_values, &row.old_values]
                .into_iter()
                .flatten()
                .find_map(|values| values.get("patient_id")?.as_str()?.parse().ok())
        };
        let old = fields(row.old_values.as_ref());
        let new = fields(row.new_values.as_ref());
        let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
        names.sort();
        names.dedup();
        let mut changes = Vec::new();
        for name in names {
            let (before, after) = (old.get(name).filter(|v| !v.is_null()), new.get(name).filter(|v| !v.is_null()));
            if before == after && row.old_values.is_some() && row.new_values.is_some() {
                continue;
            }
            if NOISE.contains(&name.as_str()) {
                continue;
            }
            let field = name.strip_suffix("_sealed");
            let change = match field {
                Some(field) => {
                    let label = format!("{}.{field}", row.table_name);
                    FieldChange {
                        field: field.to_string(),
                        old: self.open(patient_id, &label, before).await?,
                        new: self.open(patient_id, &label, after).await?,
                    }
                }
                None => FieldChange { field: name.clone(), old: before.map(text), new: after.map(text) },
            };
            changes.push(change);
        }
        let actor = match (row.actor_name, row.actor_email) {
            (Some(name), Some(email)) => format!("{name} <{email}>"),
            _ => "system".to_string(),
        };
        Ok(AuditEntry {
            sequence_no: row.sequence_no,
            at: zones::moment_label(row.created_at, zone),
            actor,
            action: row.action,
            table_name: row.table_name,
            record_id: row.record_id,
            ip_address: row.ip_address,
            changes,
        })
    }

    /// A sealed value (bytea as `\x…` hex in the JSON) opened with the patient's key.
    async fn open(
        &mut self,
        patient_id: Option<Uuid>,
        label: &str,
        value: Option<&Value>,
    ) -> Result<Option<String>, AppError> {
        let Some(value) = value else { return Ok(None) };
        let sealed = value.as_str().and_then(|hex_text| hex::decode(hex_text.trim_start_matches("\\x")).ok());
        let (Some(patient_id), Some(sealed)) = (patient_id, sealed) else {
            return Ok(Some("(unreadable)".to_string()));
        };
        if !self.keys.contains_key(&patient_id) {
            let mut conn = self.state.pool.acquire().await?;
            let key = patient_vault::existing_key(&mut conn, &self.state.keys, patient_id).await?;
            self.keys.insert(patient_id, key);
        }
        Ok(Some(match self.keys.get(&patient_id).and_then(Option::as_ref) {
            Some(key) => key.open(label, &sealed).unwrap_or_else(|_| "(unreadable)".to_string()),
            None => ERASED.to_string(),
        }))
    }
}

fn fields(values: Option<&Value>) -> serde_json::Map<String, Value> {
    match values {
        Some(Value::Object(map)) => map.clone(),
        Some(other) => serde_json::Map::from_iter([("value".to_string(), other.clone())]),
        None => serde_json::Map::new(),
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
