//! Dates a clinic plans with. Calendar arithmetic near chrono's limits (year 262143) would
//! overflow, so dates from requests are held to a sensible span before anything adds days.

use chrono::{Datelike, NaiveDate};

pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2200;

pub fn is_plannable(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// The message for a date outside that span.
pub fn out_of_range_message() -> String {
    format!("Choose a date between {FIRST_YEAR} and {LAST_YEAR}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dates_of_the_plannable_span_pass() {
        assert!(is_plannable(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
        assert!(!is_plannable(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()));
        assert!(!is_plannable(NaiveDate::MAX));
        assert!(!is_plannable(NaiveDate::MIN));
    }
}
