//! Dates a clinic plans with. Calendar arithmetic near chrono's limits (year 262143) would
//! overflow, so dates from requests are held to a sensible span before anything adds days.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};

pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2200;

pub fn is_plannable(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// The message for a date outside that span.
pub fn out_of_range_message() -> String {
    format!("Choose a date between {FIRST_YEAR} and {LAST_YEAR}.")
}

/// Whole years of age on `today` (a birthday on 29 February counts on 1 March in other years).
pub fn age_on(date_of_birth: NaiveDate, today: NaiveDate) -> i32 {
    let had_birthday = (today.month(), today.day()) >= (date_of_birth.month(), date_of_birth.day());
    (today.year() - date_of_birth.year() - if had_birthday { 0 } else { 1 }).max(0)
}

/// A booking (or a move) may start from a day ago (later rules say "that time has passed" more
/// precisely) up to `horizon_months` ahead. Nothing further is booked, so no feed or calendar
/// ever has to walk to the year 200000.
pub fn check_booking_window(start: DateTime<Utc>, now: DateTime<Utc>, horizon_months: u32) -> Result<(), String> {
    let latest = now.checked_add_months(Months::new(horizon_months)).unwrap_or(now);
    if start < now - Duration::days(1) {
        Err("That time has passed. Please choose another time.".to_string())
    } else if start > latest {
        Err(format!("Appointments can be booked up to {horizon_months} months ahead. Please choose an earlier time."))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookings_stay_within_the_horizon() {
        let now = DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap().with_timezone(&Utc);
        let at = |text: &str| DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc);
        assert!(check_booking_window(at("2026-11-27T09:00:00Z"), now, 12).is_ok());
        assert!(check_booking_window(at("2027-11-26T10:00:00Z"), now, 12).is_ok());
        assert!(check_booking_window(at("2027-11-26T10:00:01Z"), now, 12).unwrap_err().contains("12 months"));
        assert!(check_booking_window(DateTime::<Utc>::MAX_UTC, now, 12).is_err());
        assert!(check_booking_window(DateTime::<Utc>::MIN_UTC, now, 12).unwrap_err().contains("passed"));
    }

    #[test]
    fn only_dates_of_the_plannable_span_pass() {
        assert!(is_plannable(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
        assert!(!is_plannable(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()));
        assert!(!is_plannable(NaiveDate::MAX));
        assert!(!is_plannable(NaiveDate::MIN));
    }

    #[test]
    fn age_counts_whole_years_from_the_birthday() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(age_on(day(1984, 3, 14), day(2026, 3, 13)), 41);
        assert_eq!(age_on(day(1984, 3, 14), day(2026, 3, 14)), 42);
        assert_eq!(age_on(day(2000, 2, 29), day(2026, 2, 28)), 25);
        assert_eq!(age_on(day(2000, 2, 29), day(2026, 3, 1)), 26);
        assert_eq!(age_on(day(2030, 1, 1), day(2026, 3, 1)), 0);
    }
}
