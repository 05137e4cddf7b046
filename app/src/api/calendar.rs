//! The staff calendar: day, week and month views of appointments, for a specialist their own,
//! for admins one specialist's or everyone's side by side.

use crate::error::AppError;
pub use crate::model::calendar::*;
use chrono::{NaiveDate, NaiveTime};
use leptos::prelude::*;
use uuid::Uuid;

/// The calendar for `view` ("day", "week", "month") around `anchor` (today when not given).
#[server(endpoint = "calendar/view")]
pub async fn get_staff_calendar(
    view: CalendarView,
    anchor: Option<NaiveDate>,
    specialist_id: Option<Uuid>,
) -> Result<StaffCalendar, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        if anchor.is_some_and(|date| !crate::domain::dates::is_plannable(date)) {
            return Err(AppError::invalid("anchor", crate::domain::dates::out_of_range_message()));
        }
        crate::server::services::calendar::staff_calendar(
            &state.pool,
            &user,
            view,
            anchor,
            specialist_id,
            chrono::Utc::now(),
        )
        .await
    })
    .await
}

/// The instant `date` at `time` is in `time_zone` (a time picked on the calendar, or where an
/// appointment was dropped): the zone rules live on the server only.
#[server(endpoint = "calendar/place-time")]
pub async fn place_time(time_zone: String, date: NaiveDate, time: NaiveTime) -> Result<PlacedTime, AppError> {
    crate::server::respond(async move {
        let _ = crate::server::caller().await?;
        if !crate::domain::dates::is_plannable(date) {
            return Err(AppError::invalid("date", crate::domain::dates::out_of_range_message()));
        }
        crate::server::services::zones::place_time(&time_zone, date.and_time(time))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn views_cover_whole_days_weeks_and_months() {
        assert_eq!(CalendarView::Day.range(date(2026, 12, 2)), (date(2026, 12, 2), 1));
        assert_eq!(CalendarView::Week.range(date(2026, 12, 2)), (date(2026, 11, 30), 7));
        // December 2026 starts on a Tuesday and ends on a Thursday: five whole weeks.
        assert_eq!(CalendarView::Month.range(date(2026, 12, 15)), (date(2026, 11, 30), 35));
        // February 2027 starts on a Monday: four weeks exactly.
        assert_eq!(CalendarView::Month.range(date(2027, 2, 10)), (date(2027, 2, 1), 28));
        // August 2026 starts on a Saturday and ends on a Monday: six weeks.
        assert_eq!(CalendarView::Month.range(date(2026, 8, 1)), (date(2026, 7, 27), 42));
    }

    #[test]
    fn stepping_moves_by_the_view() {
        assert_eq!(CalendarView::Day.step(date(2026, 12, 31), 1), date(2027, 1, 1));
        assert_eq!(CalendarView::Week.step(date(2026, 12, 2), -1), date(2026, 11, 25));
        assert_eq!(CalendarView::Month.step(date(2026, 1, 31), 1), date(2026, 2, 1));
        assert_eq!(CalendarView::Month.step(date(2026, 1, 31), -1), date(2025, 12, 1));
    }

    #[test]
    fn views_travel_by_their_lowercase_names() {
        for view in [CalendarView::Day, CalendarView::Week, CalendarView::Month] {
            let wire = serde_json::to_string(&view).unwrap();
            assert_eq!(wire, format!("\"{}\"", view.as_str()));
            assert_eq!(serde_json::from_str::<CalendarView>(&wire).unwrap(), view);
        }
        assert!(serde_json::from_str::<CalendarView>("\"year\"").is_err());
    }
}
