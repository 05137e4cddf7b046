//! What the availability server functions send and receive (shared with the browser).

use crate::domain::availability::BlockInput;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionView {
    pub availability_block_id: Uuid,
    pub date: NaiveDate,
    /// "Day off" or "10:00-14:00"
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub specialist_id: Uuid,
    pub specialist_name: String,
    pub time_zone: String,
    pub weekly: Vec<BlockInput>,
    pub exceptions: Vec<ExceptionView>,
}
