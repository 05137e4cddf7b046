//! What the clinical-notes server functions send and receive (shared with the browser). Note
//! text travels as Markdown for editing and as HTML rendered and cleaned on the server for
//! reading.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Bounds on what one note may hold (a 200 KB note must fit).
pub const NOTE_BODY_MAX_BYTES: usize = 300_000;
pub const NOTE_FIELD_MAX_CHARS: usize = 5_000;
pub const REASON_MIN_CHARS: usize = 3;
pub const REASON_MAX_CHARS: usize = 2_000;
/// Notes per page of a chart's notes list, newest first.
pub const NOTES_PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoteStatus {
    Draft,
    Signed,
    EnteredInError,
}

impl NoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteStatus::Draft => "Draft",
            NoteStatus::Signed => "Signed",
            NoteStatus::EnteredInError => "EnteredInError",
        }
    }

    pub fn parse(text: &str) -> Option<NoteStatus> {
        [NoteStatus::Draft, NoteStatus::Signed, NoteStatus::EnteredInError].into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            NoteStatus::Draft => "Draft",
            NoteStatus::Signed => "Signed",
            NoteStatus::EnteredInError => "Entered in error",
        }
    }
}

/// What a writer edits: the note's content, Markdown in `body`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteContent {
    pub record_date: chrono::NaiveDate,
    pub diagnosis: String,
    pub treatment: String,
    pub body: String,
}

/// A draft as its author edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteDraft {
    pub record_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    /// The revision this content is; a save names it, and is refused if it moved on.
    pub revision: i32,
    pub content: NoteContent,
    /// "Tue 24 Nov 2026, 10:00–11:00 (Europe/Madrid) · Acupuncture", when linked to a visit.
    pub appointment: Option<String>,
    /// "SOAP note, version 2", when the note started from a template.
    pub template: Option<String>,
    /// When it was last saved, in the clinic's zone ("10:42").
    pub saved_at: String,
    pub attachments: Vec<AttachmentView>,
}

/// The answer to a save: saved as a new revision, or refused because the draft changed
/// elsewhere since `revision` (the other version is sent so the writer can choose).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved { revision: i32, saved_at: String },
    Conflict { revision: i32, theirs: NoteContent, saved_at: String },
}

/// An amendment under a signed note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentView {
    pub amendment_id: Uuid,
    pub author: String,
    pub when: String,
    pub reason: String,
    pub body_html: String,
    pub hash_matches: bool,
}

/// What the caller may do with a note (decided on the server; the server checks again).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRights {
    pub edit: bool,
    pub amend: bool,
    pub mark_in_error: bool,
    pub withhold: bool,
}

/// A note to read: the content rendered on the server, its status and its amendments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    pub record_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub specialist: String,
    pub status: NoteStatus,
    pub record_date: chrono::NaiveDate,
    pub diagnosis: String,
    pub treatment: String,
    pub body_html: String,
    pub appointment: Option<String>,
    pub template: Option<String>,
    /// "Signed by Dr Marta Ruiz on 24 Nov 2026, 10:42 (Europe/Madrid)".
    pub signed: Option<String>,
    /// For a signed note: whether its content still matches the hash taken at signing.
    pub hash_matches: Option<bool>,
    /// Staff only: why the patient does not see this note.
    pub withheld_reason: Option<String>,
    /// Why (and by whom, when) the note was marked entered in error.
    pub error: Option<String>,
    pub amendments: Vec<AmendmentView>,
    pub attachments: Vec<AttachmentView>,
    pub rights: NoteRights,
    /// The patient's clinical data was erased (their key destroyed).
    pub erased: bool,
}

/// One note in a chart's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteListItem {
    pub record_id: Uuid,
    pub record_date: chrono::NaiveDate,
    pub specialist: String,
    pub status: NoteStatus,
    pub diagnosis: String,
    pub amendments: i64,
    pub hash_matches: Option<bool>,
    pub withheld: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotePage {
    pub patient_id: Uuid,
    pub patient_name: String,
    pub notes: Vec<NoteListItem>,
    pub page: i64,
    pub total: i64,
    /// The caller may start a note for this patient.
    pub can_write: bool,
}

/// A chart's Files view: every attachment of the notes the caller may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientFiles {
    pub files: Vec<AttachmentView>,
    /// More exist than are shown.
    pub more: bool,
}

impl NotePage {
    pub fn page_count(&self) -> i64 {
        ((self.total + NOTES_PAGE_SIZE - 1) / NOTES_PAGE_SIZE).max(1)
    }
}

/// Attachments: PDFs and images, each at most this big.
pub const ATTACHMENT_MAX_BYTES: usize = 20 * 1024 * 1024;
pub const ATTACHMENT_NAME_MAX_CHARS: usize = 200;
/// The most attachments one note may carry.
pub const ATTACHMENTS_PER_NOTE: i64 = 50;
/// Attachments shown in a chart's Files view, newest first.
pub const CHART_FILES_SHOWN: i64 = 200;

/// One attachment of a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub file_id: Uuid,
    pub record_id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub record_date: chrono::NaiveDate,
}

impl AttachmentView {
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }

    /// Where the file is served (inline, audited, never cached).
    pub fn href(&self) -> String {
        format!("/files/{}", self.file_id)
    }

    /// "2.4 MB", "830 KB".
    pub fn size_label(&self) -> String {
        let bytes = f64::from(self.size_bytes);
        if bytes >= 1_000_000.0 {
            format!("{:.1} MB", bytes / 1_000_000.0)
        } else {
            format!("{} KB", (bytes / 1000.0).ceil() as i64)
        }
    }
}
