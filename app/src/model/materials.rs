//! The education library and education plans (shared with the browser).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kinds of material the library offers (stored as text; the list a form shows).
pub const MATERIAL_TYPES: &[&str] = &["Article", "Video", "PDF", "Exercise", "Recipe", "Audio", "Worksheet", "Other"];
pub const MATERIALS_PER_PAGE: i64 = 20;
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 40;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
pub const MAX_COMMENT_CHARS: usize = 5_000;
pub const MAX_SEARCH_CHARS: usize = 100;

/// Where a patient is with one assigned material. The server moves it forward; nothing moves
/// it back except assigning again with a later release date (before it was released).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanStatus {
    /// Waiting for its release date.
    Assigned,
    /// The patient can see it and has not opened it yet.
    Released,
    /// Opened by the patient or a family member.
    Viewed,
    /// The patient marked it done.
    Completed,
}

impl PlanStatus {
    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Assigned => "Assigned",
            PlanStatus::Released => "Released",
            PlanStatus::Viewed => "Viewed",
            PlanStatus::Completed => "Completed",
        }
    }
}

/// The library's search: every field optional, bounded on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialFilter {
    pub query: String,
    pub material_type: String,
    pub tag: String,
    pub author: Option<Uuid>,
    pub include_retired: bool,
    pub page: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialListItem {
    pub material_id: Uuid,
    pub title: String,
    pub material_type: String,
    pub tags: Vec<String>,
    pub author: String,
    pub publish_date: NaiveDate,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialPage {
    pub items: Vec<MaterialListItem>,
    pub page: i64,
    pub page_count: i64,
    pub total: i64,
    /// Who wrote materials, for the author filter.
    pub authors: Vec<(Uuid, String)>,
}

/// An uploaded file of a material (its bytes are served by `/files/materials/<id>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialFile {
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

/// One patient's progress with a material, as their specialist sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engagement {
    pub assignment_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub status: PlanStatus,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialDetail {
    pub material_id: Uuid,
    pub title: String,
    /// Markdown, for the editor.
    pub description: String,
    /// Rendered and sanitised on the server.
    pub description_html: String,
    pub material_type: String,
    pub content_url: Option<String>,
    pub file: Option<MaterialFile>,
    pub publish_date: NaiveDate,
    pub tags: Vec<String>,
    pub author: String,
    pub retired: bool,
    /// The caller wrote it (or is an admin): may edit, upload and retire.
    pub may_edit: bool,
    /// The patients the caller may see who have it in their plan.
    pub engagement: Vec<Engagement>,
}

/// An assigned material in a patient's plan, for the patient, their family or their specialist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignedMaterial {
    pub assignment_id: Uuid,
    pub material_id: Uuid,
    pub title: String,
    pub material_type: String,
    pub status: PlanStatus,
    pub assigned_by: String,
    /// "Released 3 March", "Viewed 4 March by Marta Ruiz", "Completed 5 March".
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignedMaterialPage {
    pub items: Vec<AssignedMaterial>,
    pub page: i64,
    pub page_count: i64,
    pub total: i64,
}

/// A patient's plan as their specialist sees it: also the comment and the note back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    pub item: AssignedMaterial,
    pub comment: String,
    pub release_date: Option<NaiveDate>,
    pub completion_note: Option<String>,
}

/// A material opened from a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedMaterial {
    pub assignment_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub item: AssignedMaterial,
    pub description_html: String,
    pub content_url: Option<String>,
    pub file_url: Option<String>,
    pub comment_html: String,
    pub completion_note: Option<String>,
    /// The patient themself, before it is completed.
    pub may_complete: bool,
}

/// One page of a patient's plan, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientPlan {
    pub entries: Vec<PlanEntry>,
    pub page: i64,
    pub page_count: i64,
}
