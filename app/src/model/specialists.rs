//! What the specialists server functions send and receive (shared with the browser).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A practitioner as the public directory shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SpecialistSummary {
    pub specialist_id: Uuid,
    pub display_name: String,
    pub specialty: String,
    pub bio: Option<String>,
}
