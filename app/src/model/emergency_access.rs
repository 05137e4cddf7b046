//! Break-the-glass access to a chart, as the server functions send it (shared with the browser).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long an emergency access lasts.
pub const EMERGENCY_ACCESS_HOURS: i64 = 4;
/// A reason must say something: at least this many characters, at most `MAX`.
pub const EMERGENCY_REASON_MIN_CHARS: usize = 10;
pub const EMERGENCY_REASON_MAX_CHARS: usize = 1000;
/// At most this many unreviewed accesses are listed at once (the oldest first).
pub const EMERGENCY_REVIEW_LIST_LIMIT: i64 = 100;

/// An emergency access waiting for an admin's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyAccessItem {
    pub access_id: Uuid,
    pub specialist_name: String,
    pub patient_name: String,
    pub reason: String,
    /// When it was granted and until when, in the clinic's zone.
    pub granted: String,
    pub expires: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyReviews {
    pub items: Vec<EmergencyAccessItem>,
    /// All unreviewed, also beyond the list's limit.
    pub total: i64,
}
