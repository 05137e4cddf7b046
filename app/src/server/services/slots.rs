//! The booking calendar's week: free times and, for every closed stretch, why, labelled in the
//! specialist's zone. The pure slot engine decides; this reads what it needs and labels it.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use uuid::Uuid;

use super::booking::rules;
use crate::domain::slots::{day_plan, windows_on, PlanEntry, Schedule, Unbookable};
use crate::error::AppError;
use crate::model::scheduling::{ClosedView, DaySlots, SlotView, WeekSlots};
use crate::server::db::scheduling::{self as db};

/// The Monday of the week `date` falls in, or of the current week in `zone`.
pub fn monday_of(date: Option<NaiveDate>, zone: Tz, now: DateTime<Utc>) -> NaiveDate {
    let date = date.unwrap_or_else(|| now.with_timezone(&zone).date_naive());
    date - Duration::days(date.weekday().num_days_from_monday().into())
}

/// Free times and explained closed times of `weeks` weeks from the week of `week_start`.
pub async fn week_slots(
    pool: &PgPool,
    specialist_id: Uuid,
    appointment_type: &str,
    (week_start, weeks): (Option<NaiveDate>, u32),
    moving: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<WeekSlots, AppError> {
    let mut conn = pool.acquire().await?;
    let duration = db::duration_of(&mut conn, appointment_type).await?;
    let settings = db::settings(&mut conn).await?;
    let zone_name = db::specialist_zone(&mut conn, specialist_id).await?.ok_or(AppError::NotFound)?;
    let week_start = monday_of(week_start, zone_name.parse().map_err(AppError::internal)?, now);
    let day_count = 7 * i64::from(weeks.max(1));
    let week_end = week_start + Duration::days(day_count - 1);
    let (schedule, time_zone, specialist_name) =
        db::load_schedule(&mut conn, specialist_id, week_start, week_end, moving).await?;
    let rules = rules(&settings, duration, now);
    let (open, close) = display_hours(&schedule, week_start, week_end);
    let days = (0..day_count)
        .map(|offset| {
            let date = week_start + Duration::days(offset);
            let label = |at: DateTime<Utc>| at.with_timezone(&schedule.zone).format("%H:%M").to_string();
            let mut slots = Vec::new();
            let mut closed = Vec::new();
            for entry in day_plan(&schedule, &rules, date, open, close) {
                match entry {
                    PlanEntry::Free(start) => slots.push(SlotView { start, label: label(start) }),
                    PlanEntry::Closed { start, end, reason } => closed.push(ClosedView {
                        start,
                        label: format!("{}–{}", label(start), label(end)),
                        reason: reason_text(reason).to_string(),
                    }),
                }
            }
            DaySlots { date, label: date.format("%a %-d %b").to_string(), slots, closed }
        })
        .collect();
    Ok(WeekSlots { specialist_name, time_zone, week_start, days })
}

/// The wall-clock hours a week's calendar spans: its earliest opening to its latest closing.
fn display_hours(schedule: &Schedule, from: NaiveDate, to: NaiveDate) -> (NaiveTime, NaiveTime) {
    let windows: Vec<(NaiveTime, NaiveTime)> =
        from.iter_days().take_while(|d| *d <= to).flat_map(|d| windows_on(schedule, d)).collect();
    let open = windows.iter().map(|w| w.0).min();
    let close = windows.iter().map(|w| w.1).max();
    match (open, close) {
        (Some(open), Some(close)) => (open, close),
        _ => (
            NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap_or(NaiveTime::MIN),
        ),
    }
}

/// The calendar's explanation of a time that cannot be booked.
pub fn reason_text(reason: Unbookable) -> &'static str {
    match reason {
        Unbookable::InThePast => "Past",
        Unbookable::TooSoon => "Too soon to book online",
        Unbookable::DayOff => "Day off",
        Unbookable::OutsideWorkingHours => "Outside working hours",
        Unbookable::Booked => "Booked",
    }
}
