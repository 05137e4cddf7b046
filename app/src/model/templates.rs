//! Note templates: global ones (admins) and each specialist's own. Versioned: a note keeps the
//! version it started from.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const TEMPLATE_NAME_MAX_CHARS: usize = 200;
pub const TEMPLATE_CONTENT_MAX_BYTES: usize = 100_000;
/// No clinic needs more; the list is one page.
pub const TEMPLATES_LISTED: i64 = 200;

/// The kinds of template a clinic writes.
pub const TEMPLATE_TYPES: [&str; 6] =
    ["SOAP note", "Initial assessment", "Follow-up", "Treatment plan", "Intake", "Clinical note"];

/// Filled in when a template is inserted into a note.
pub const PLACEHOLDERS: [(&str, &str); 4] = [
    ("{{patient_name}}", "the patient's name"),
    ("{{today}}", "today's date"),
    ("{{specialist}}", "your name"),
    ("{{appointment_type}}", "the appointment's type"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateItem {
    pub template_id: Uuid,
    pub name: String,
    pub template_type: String,
    pub version: i32,
    pub is_global: bool,
    /// The caller may edit it (an admin a global one, a specialist their own).
    pub editable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDetail {
    pub template_id: Uuid,
    pub name: String,
    pub template_type: String,
    pub content: String,
    pub version: i32,
    pub is_global: bool,
    pub editable: bool,
}
