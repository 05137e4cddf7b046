//! The staff calendar: whose calendar the caller may see, in which zone, and where each
//! appointment sits on the grid. Queries live in `db::staff_calendar`.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::appointment_status::AppointmentStatus;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::calendar::{CalendarAppointment, CalendarView, StaffCalendar};
use crate::server::db::staff_calendar as db;
use crate::server::services::zones::when_label;

/// Whose calendar the caller may see: a specialist only their own; an admin anyone's, or
/// everyone's (None).
async fn specialist_shown(
    pool: &PgPool,
    user: &CurrentUser,
    requested: Option<Uuid>,
) -> Result<Option<Uuid>, AppError> {
    match user.role {
        Role::Specialist => match (db::own_specialist_id(pool, user.user_id).await?, requested) {
            (Some(own), None) => Ok(Some(own)),
            (Some(own), Some(requested)) if own == requested => Ok(Some(own)),
            _ => {
                tracing::warn!(user_id = %user.user_id, "calendar of another specialist refused");
                Err(AppError::NotFound)
            }
        },
        Role::Admin => Ok(requested),
        Role::Patient | Role::FamilyMember => Err(AppError::NotFound),
    }
}

fn local_midnight(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    zone.from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        // No zone skips midnight for long; read it as UTC if it ever does.
        .unwrap_or_else(|| date.and_time(NaiveTime::MIN).and_utc())
}

fn minute_of_day(at: DateTime<Tz>) -> i64 {
    i64::from(at.hour()) * 60 + i64::from(at.minute())
}

fn minute_of(time: NaiveTime) -> i64 {
    i64::from(time.hour()) * 60 + i64::from(time.minute())
}

pub async fn staff_calendar(
    pool: &PgPool,
    user: &CurrentUser,
    view: CalendarView,
    anchor: Option<NaiveDate>,
    requested: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<StaffCalendar, AppError> {
    let specialist_id = specialist_shown(pool, user, requested).await?;
    let specialists = db::specialists(pool, specialist_id).await?;
    if specialist_id.is_some() && specialists.is_empty() {
        return Err(AppError::NotFound);
    }
    let time_zone = db::zone_name(pool, specialist_id).await?;
    let zone: Tz = time_zone.parse().map_err(AppError::internal)?;
    let local_now = now.with_timezone(&zone);
    let anchor = anchor.unwrap_or(local_now.date_naive());
    let (first_day, day_count) = view.range(anchor);
    let from = local_midnight(zone, first_day);
    let to = local_midnight(zone, first_day + Duration::days(day_count));
    let appointments = db::appointments_between(pool, specialist_id, from, to)
        .await?
        .into_iter()
        .map(|r| -> Result<CalendarAppointment, AppError> {
            let status: AppointmentStatus = r.status.parse().map_err(AppError::internal)?;
            let (start, end) = (r.start_datetime.with_timezone(&zone), r.end_datetime.with_timezone(&zone));
            let date = start.date_naive();
            let end_minute = if end.date_naive() > date { 24 * 60 } else { minute_of_day(end) };
            Ok(CalendarAppointment {
                appointment_id: r.appointment_id,
                specialist_id: r.specialist_id,
                specialist_name: r.specialist_name,
                patient_name: r.patient_name,
                appointment_type: r.appointment_type,
                status,
                staff_changes: status.staff_changes(now, r.start_datetime, r.end_datetime),
                start: r.start_datetime,
                end: r.end_datetime,
                date,
                start_minute: minute_of_day(start),
                end_minute,
                when: when_label(r.start_datetime, r.end_datetime, &time_zone),
                overbook_reason: r.overbook_reason,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The grid spans the weekly hours, stretched to fit any appointment outside them.
    let (first, last) = db::weekly_hours_span(pool, specialist_id).await?;
    let mut first_minute = first.map_or(8 * 60, minute_of);
    let mut last_minute = last.map_or(18 * 60, minute_of);
    for a in &appointments {
        first_minute = first_minute.min(a.start_minute);
        last_minute = last_minute.max(a.end_minute);
    }
    Ok(StaffCalendar {
        view,
        anchor,
        first_day,
        day_count,
        today: local_now.date_naive(),
        now_minute: minute_of_day(local_now),
        time_zone,
        specialist_id,
        specialists,
        hour_from: first_minute / 60,
        hour_to: ((last_minute + 59) / 60).clamp(first_minute / 60 + 1, 24),
        appointments,
    })
}
