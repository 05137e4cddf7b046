//! Queries, one module per table. SQL lives where it is used and is checked at compile time
//! against the committed `.sqlx/` data.

pub mod attachments;
pub mod audit_chain;
pub mod audit_log;
pub mod availability;
pub mod care_team;
pub mod clinic;
pub mod database_health;
pub mod emergency_access;
pub mod family;
pub mod feeds;
pub mod home;
pub mod materials;
pub mod notes;
pub mod notifications;
pub mod patient_keys;
pub mod patients;
pub mod portal;
pub mod retention;
pub mod scheduling;
pub mod specialists;
pub mod staff_calendar;
pub mod templates;
pub mod two_factor;
pub mod users;

/// A search box's text as an `ilike ... escape '\\'` pattern: `%` and `_` typed into it are
/// searched for, not wildcards.
pub fn like_pattern(search: &str) -> String {
    let escaped = search.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}
