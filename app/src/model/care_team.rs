//! What the care_team server functions send and receive (shared with the browser).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareTeamMember {
    pub specialist_id: Uuid,
    pub name: String,
    pub specialty: String,
    /// "since 3 Dec 2026"
    pub since: String,
    /// How they joined, as people say it ("Booked by the patient").
    pub how: String,
}
