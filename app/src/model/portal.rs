//! The patient portal's own lists and forms (shared with the browser): the whole appointment
//! history, a keyset page at a time, and "My details". Also the cursor that keyset lists carry
//! in their address.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::appointment_status::AppointmentStatus;
use crate::error::AppError;

/// A place in a list ordered newest first by (instant, id): the last row of the page shown.
/// The next page is the rows strictly before it, so rows added meanwhile (all newer) neither
/// repeat a row nor skip one, however long the list grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

/// The longest cursor text worth reading ("<microseconds>.<uuid>" is under 60).
pub const CURSOR_MAX_CHARS: usize = 80;
/// 9999-12-31T23:59:59.999999Z: cursors are read between 1970 and this (PostgreSQL's range is
/// wider than chrono's on one side and narrower on the other; this is inside both).
const LATEST_MICROS: i64 = 253_402_300_799_999_999;

impl Cursor {
    /// The text in the address: microseconds since 1970 (PostgreSQL keeps microseconds, so the
    /// instant comes back exactly) and the id.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.timestamp_micros(), self.id.simple())
    }

    /// The cursor `text` names, or None for anything else (too long, malformed, out of range).
    pub fn parse(text: &str) -> Option<Cursor> {
        if text.len() > CURSOR_MAX_CHARS {
            return None;
        }
        let (micros, id) = text.split_once('.')?;
        if micros.is_empty() || !micros.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let micros = micros.parse::<i64>().ok().filter(|m| (0..=LATEST_MICROS).contains(m))?;
        let at = DateTime::<Utc>::from_timestamp_micros(micros)?;
        let id = Uuid::try_parse(id).ok()?;
        Some(Cursor { at, id })
    }

    /// The cursor in an address's `before` (absent or empty: the newest page), or an error on
    /// the `before` field.
    pub fn from_before(before: Option<&str>) -> Result<Option<Cursor>, AppError> {
        match before.map(str::trim).filter(|text| !text.is_empty()) {
            None => Ok(None),
            Some(text) => Cursor::parse(text).map(Some).ok_or_else(|| {
                AppError::invalid("before", "That page of the list does not exist; start from the newest.")
            }),
        }
    }
}

/// Appointments per page of the history.
pub const HISTORY_PAGE_SIZE: i64 = 20;

/// One appointment of the history, labelled by the server (the time in the specialist's zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub appointment_id: Uuid,
    pub when: String,
    pub specialist: String,
    pub specialty: String,
    pub appointment_type: String,
    pub status: AppointmentStatus,
    /// "booked by Lucía Pérez", when someone other than the patient booked it.
    pub booked_by: Option<String>,
    /// It has not started yet.
    pub upcoming: bool,
}

/// A page of the history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentHistory {
    pub items: Vec<HistoryItem>,
    /// The cursor of the next (older) page, when there is one.
    pub older: Option<String>,
    /// This is the newest page (no cursor was given).
    pub newest: bool,
}

/// "My details" as the patient sees and edits them (empty text: not given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyDetails {
    pub phone: String,
    pub address: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    /// The patient's data key was destroyed: the sealed details no longer exist and cannot be
    /// written again.
    pub erased: bool,
}

pub const PHONE_MIN_CHARS: usize = 6;
pub const PHONE_MAX_CHARS: usize = 40;
pub const ADDRESS_MAX_CHARS: usize = 500;
pub const CONTACT_NAME_MAX_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_comes_back_exactly_from_its_text() {
        let at = DateTime::<Utc>::from_timestamp_micros(1_764_331_200_123_456).unwrap();
        let cursor = Cursor { at, id: Uuid::from_u128(42) };
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        assert!(cursor.encode().len() < CURSOR_MAX_CHARS);
    }

    #[test]
    fn an_empty_before_is_the_newest_page_and_a_bad_one_is_a_field_error() {
        assert_eq!(Cursor::from_before(None).unwrap(), None);
        assert_eq!(Cursor::from_before(Some("  ")).unwrap(), None);
        let error = Cursor::from_before(Some("yesterday")).unwrap_err();
        assert!(error.field_message("before").is_some(), "{error}");
    }

    #[test]
    fn anything_else_is_no_cursor() {
        let id = Uuid::from_u128(42).to_string();
        for bad in [
            String::new(),
            "12345".into(),
            format!(".{id}"),
            format!("-1.{id}"),
            format!("+1.{id}"),
            format!("99999999999999999999.{id}"),
            format!("253402300800000000.{id}"),
            "1764331200123456.not-an-id".into(),
            format!("1764331200123456.{id}{}", "0".repeat(80)),
        ] {
            assert_eq!(Cursor::parse(&bad), None, "{bad}");
        }
    }
}
