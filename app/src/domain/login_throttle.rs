//! The login throttle, as pure rules (the counters live in `login_throttles` and `users`).
//!
//! Per account and address: the first few failures are free (people mistype); after that each
//! failure locks that address out of that account for a doubling delay, capped so nobody is
//! locked out for long: 30 s, 1 min, 2 min, 4 min, 8 min, then 15 min at most. Failures older
//! than an hour are forgotten. Per account, whatever the address: at most 100 failures an hour.

use chrono::{DateTime, Duration, Utc};

pub const FREE_FAILURES: i32 = 5;
pub const FIRST_LOCK_SECONDS: i64 = 30;
pub const LONGEST_LOCK_MINUTES: i64 = 15;
pub const WINDOW_HOURS: i64 = 1;
pub const ACCOUNT_FAILURES_PER_WINDOW: i32 = 100;

/// How long an address stays locked out after its `failures`-th consecutive failure.
pub fn lock_after_failure(failures: i32) -> Option<Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(10) as u32;
    let seconds = FIRST_LOCK_SECONDS.saturating_mul(1_i64 << doublings);
    Some(Duration::seconds(seconds).min(Duration::minutes(LONGEST_LOCK_MINUTES)))
}

/// Whether a count that started (or last grew) at `since` still counts at `now`.
pub fn still_counting(since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    matches!(since, Some(at) if now - at < Duration::hours(WINDOW_HOURS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failures_are_free() {
        for failures in 0..FREE_FAILURES {
            assert_eq!(lock_after_failure(failures), None);
        }
    }

    #[test]
    fn locks_double_and_stop_at_fifteen_minutes() {
        let locks: Vec<i64> = (5..12).map(|n| lock_after_failure(n).unwrap().num_seconds()).collect();
        assert_eq!(locks, vec![30, 60, 120, 240, 480, 900, 900]);
        assert_eq!(lock_after_failure(i32::MAX), Some(Duration::minutes(15)));
    }

    #[test]
    fn one_address_gets_far_fewer_than_100_guesses_an_hour() {
        // Guess as fast as the locks allow for one hour and count the guesses.
        let mut elapsed = Duration::zero();
        let mut failures = 0;
        while elapsed < Duration::hours(1) {
            failures += 1;
            elapsed += lock_after_failure(failures).unwrap_or(Duration::seconds(1));
        }
        assert!(failures <= 15, "{failures}");
    }

    #[test]
    fn counts_are_forgotten_after_an_hour() {
        let now = Utc::now();
        assert!(still_counting(Some(now - Duration::minutes(59)), now));
        assert!(!still_counting(Some(now - Duration::minutes(61)), now));
        assert!(!still_counting(None, now));
    }
}
