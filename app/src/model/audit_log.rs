//! The admins' audit log viewer: what a search asks for and what it shows (shared with the
//! browser). The same filter drives the page and the CSV export.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Entries per page of the viewer.
pub const AUDIT_PAGE_SIZE: i64 = 50;
/// The most rows one CSV export holds (the export says so when it stops there).
pub const AUDIT_EXPORT_MAX_ROWS: i64 = 100_000;
/// The widest date range one search may cover.
pub const AUDIT_MAX_RANGE_DAYS: i64 = 366;

/// The tables the trail records, for the table filter.
pub const AUDITED_TABLES: &[&str] = &[
    "appointment_types",
    "appointments",
    "availability_blocks",
    "calendar_feeds",
    "care_team",
    "clinic_settings",
    "educational_materials",
    "emergency_access",
    "family_members",
    "medical_record_amendments",
    "medical_record_files",
    "medical_records",
    "patient_data_keys",
    "patient_material_assignments",
    "patients",
    "specialists",
    "template_versions",
    "templates",
    "users",
];

/// What to look for, as typed in the form (and carried in the page's address and the export's):
/// every field may be empty. Emails name people (the one who acted, the patient it concerns),
/// since an admin knows those and not ids; dates are clinic-local `YYYY-MM-DD`, both included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub actor_email: String,
    #[serde(default)]
    pub patient_email: String,
    #[serde(default)]
    pub table_name: String,
    #[serde(default)]
    pub record_id: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

impl AuditFilter {
    /// The filter as an address's query (`actor_email=…&…`), empty fields left out.
    pub fn query_string(&self) -> String {
        [
            ("actor_email", &self.actor_email),
            ("patient_email", &self.patient_email),
            ("table_name", &self.table_name),
            ("record_id", &self.record_id),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| format!("{name}={}", encode(value.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// Percent-encodes a query value (letters, digits and `-._~` stay as they are).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// One field that an event wrote or changed. Sealed clinical fields are shown opened for the
/// admin while the patient's key exists, and as "(erased)" once it was destroyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub sequence_no: i64,
    /// When, in the clinic's time zone.
    pub at: String,
    /// "Name <email>", or "system" for changes no signed-in person made.
    pub actor: String,
    pub action: String,
    pub table_name: String,
    pub record_id: Option<Uuid>,
    pub ip_address: Option<String>,
    pub changes: Vec<FieldChange>,
}

/// A page of entries, newest first; `older` continues after the last one (keyset on the
/// sequence number, so new events never shift what a page holds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub older: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_keeps_what_was_typed_and_encodes_it() {
        let filter = AuditFilter {
            patient_email: "ana+care@clinic.example".into(),
            action: "UPDATE".into(),
            from: "2026-11-01".into(),
            ..AuditFilter::default()
        };
        assert_eq!(filter.query_string(), "patient_email=ana%2Bcare%40clinic.example&action=UPDATE&from=2026-11-01");
        assert_eq!(AuditFilter::default().query_string(), "");
    }
}
