//! What the scheduling server functions send and receive (shared with the browser).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::appointment_status::AppointmentStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentType {
    pub name: String,
    pub duration_minutes: i32,
}

/// One bookable start, with its label in the specialist's zone ("10:15").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub start: DateTime<Utc>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySlots {
    pub date: NaiveDate,
    /// "Tue 1 Dec"
    pub label: String,
    pub slots: Vec<SlotView>,
    /// The times that cannot be booked, and why ("12:00–13:00", "Booked").
    pub closed: Vec<ClosedView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedView {
    pub start: DateTime<Utc>,
    pub label: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekSlots {
    pub specialist_name: String,
    pub time_zone: String,
    pub week_start: NaiveDate,
    pub days: Vec<DaySlots>,
}

/// An appointment as its patient (or their family) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientAppointment {
    pub appointment_id: Uuid,
    pub patient_name: String,
    pub specialist_name: String,
    pub appointment_type: String,
    pub when: String,
    pub status: AppointmentStatus,
    /// The patient (or a family member allowed to book) may still cancel or move it.
    pub can_change: bool,
    /// What rescheduling needs: whose calendar and which type.
    pub specialist_id: Uuid,
    /// Who booked it, when not the patient themself ("Marta Ruiz").
    pub booked_by: Option<String>,
    pub start: DateTime<Utc>,
    /// Its date in the specialist's zone (the week the booking calendar opens on to move it).
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub notification_id: Uuid,
    pub title: String,
    pub message: String,
    pub is_read: bool,
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub unread: i64,
    pub latest: Vec<NotificationItem>,
}

/// The message for a booking that lost the race for its time.
pub const SLOT_TAKEN: &str = "That time was just taken by someone else. Please choose another time.";

/// The most weeks one slots call answers (a month view needs five or six).
pub const MAX_SLOT_WEEKS: u32 = 6;
