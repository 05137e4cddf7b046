//! What the calendar server functions send and receive (shared with the browser).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::appointment_status::AppointmentStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CalendarView {
    Day,
    #[default]
    Week,
    Month,
}

impl CalendarView {
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarView::Day => "day",
            CalendarView::Week => "week",
            CalendarView::Month => "month",
        }
    }

    /// The first day shown and how many days, for a view around `anchor`. Weeks start on
    /// Monday; a month shows the whole weeks that hold its days.
    pub fn range(self, anchor: NaiveDate) -> (NaiveDate, i64) {
        let monday = |date: NaiveDate| date - Duration::days(date.weekday().num_days_from_monday().into());
        match self {
            CalendarView::Day => (anchor, 1),
            CalendarView::Week => (monday(anchor), 7),
            CalendarView::Month => {
                let first = anchor.with_day(1).unwrap_or(anchor);
                let next_month = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
                let start = monday(first);
                let weeks = ((next_month - start).num_days() + 6) / 7;
                (start, weeks * 7)
            }
        }
    }

    /// The anchor one view earlier (`-1`) or later (`1`).
    pub fn step(self, anchor: NaiveDate, direction: i32) -> NaiveDate {
        match self {
            CalendarView::Day => anchor + Duration::days(direction.into()),
            CalendarView::Week => anchor + Duration::days(7 * i64::from(direction)),
            CalendarView::Month => {
                let first = anchor.with_day(1).unwrap_or(anchor);
                let months = chrono::Months::new(direction.unsigned_abs());
                if direction < 0 { first.checked_sub_months(months) } else { first.checked_add_months(months) }
                    .unwrap_or(first)
            }
        }
    }
}

/// An appointment as the staff calendar places and shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarAppointment {
    pub appointment_id: Uuid,
    pub specialist_id: Uuid,
    pub specialist_name: String,
    pub patient_name: String,
    pub appointment_type: String,
    pub status: AppointmentStatus,
    /// What staff may change the status to now (from the state machine; cancelling aside).
    pub staff_changes: Vec<AppointmentStatus>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Local date and minutes since local midnight in the calendar's zone (the end is cut at
    /// midnight for display).
    pub date: NaiveDate,
    pub start_minute: i64,
    pub end_minute: i64,
    /// "Tue 1 Dec, 10:00–10:30 (Europe/Madrid)"
    pub when: String,
    pub overbook_reason: Option<String>,
}

impl CalendarAppointment {
    pub fn is_active(&self) -> bool {
        self.status.holds_time()
    }

    /// "10:00–10:30", in the calendar's zone.
    pub fn time_range(&self) -> String {
        let clock = |minute: i64| format!("{:02}:{:02}", minute / 60, minute % 60);
        format!("{}–{}", clock(self.start_minute), clock(self.end_minute))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSpecialist {
    pub specialist_id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCalendar {
    pub view: CalendarView,
    pub anchor: NaiveDate,
    pub first_day: NaiveDate,
    pub day_count: i64,
    /// Today and the current minute in the calendar's zone (the server's clock decides).
    pub today: NaiveDate,
    pub now_minute: i64,
    pub time_zone: String,
    /// The one specialist shown, or None for everyone.
    pub specialist_id: Option<Uuid>,
    /// Everyone shown (one entry when a single specialist is shown).
    pub specialists: Vec<CalendarSpecialist>,
    /// Hours the day grid spans: working hours and appointments, whole hours.
    pub hour_from: i64,
    pub hour_to: i64,
    pub appointments: Vec<CalendarAppointment>,
}

impl StaffCalendar {
    pub fn days(&self) -> Vec<NaiveDate> {
        (0..self.day_count).map(|offset| self.first_day + Duration::days(offset)).collect()
    }
}

/// A wall-clock time the server placed in a zone (the browser has no time-zone database): the
/// instant, and how to say it ("Tue 1 Dec, 10:00").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedTime {
    pub start: DateTime<Utc>,
    pub label: String,
}
