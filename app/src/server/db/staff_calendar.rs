//! The staff calendar's reads: one query for the appointments of the range, one for the
//! hours the grid spans.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use uuid::Uuid;

use super::home::when_label;
use crate::domain::appointment_status::AppointmentStatus;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::calendar::{CalendarAppointment, CalendarSpecialist, CalendarView, StaffCalendar};

/// Whose calendar the caller may see: a specialist only their own; an admin anyone's, or
/// everyone's (None).
async fn specialist_shown(
    pool: &PgPool,
    user: &CurrentUser,
    requested: Option<Uuid>,
) -> Result<Option<Uuid>, AppError> {
    match user.role {
        Role::Specialist => {
            let own = sqlx::query_scalar!("select specialist_id from specialists where user_id = $1", user.user_id)
                .fetch_optional(pool)
                .await?;
            match (own, requested) {
                (Some(own), None) => Ok(Some(own)),
                (Some(own), Some(requested)) if own == requested => Ok(Some(own)),
                _ => {
                    tracing::warn!(user_id = %user.user_id, "calendar of another specialist refused");
                    Err(AppError::NotFound)
                }
            }
        }
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

pub async fn calendar(
    pool: &PgPool,
    user: &CurrentUser,
    view: CalendarView,
    anchor: Option<NaiveDate>,
    requested: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<StaffCalendar, AppError> {
    let specialist_id = specialist_shown(pool, user, requested).await?;
    let specialists = sqlx::query_as!(
        CalendarSpecialist,
        r#"select s.specialist_id, u.first_name || ' ' || u.last_name as "name!"
           from specialists s join users u on u.user_id = s.user_id
           where ($1::uuid is null and u.is_active) or s.specialist_id = $1
           order by u.last_name, u.first_name"#,
        specialist_id
    )
    .fetch_all(pool)
    .await?;
    if specialist_id.is_some() && specialists.is_empty() {
        return Err(AppError::NotFound);
    }
    // One specialist's calendar is in their zone; everyone's in the clinic's.
    let time_zone = match specialist_id {
        Some(id) => {
            sqlx::query_scalar!("select time_zone from specialists where specialist_id = $1", id)
                .fetch_one(pool)
                .await?
        }
        None => sqlx::query_scalar!("select time_zone from clinic_settings").fetch_one(pool).await?,
    };
    let zone: Tz = time_zone.parse().map_err(AppError::internal)?;
    let local_now = now.with_timezone(&zone);
    let anchor = anchor.unwrap_or(local_now.date_naive());
    let (first_day, day_count) = view.range(anchor);
    let from = local_midnight(zone, first_day);
    let to = local_midnight(zone, first_day + Duration::days(day_count));
    let rows = sqlx::query!(
        r#"select a.appointment_id, a.specialist_id, a.start_datetime, a.end_datetime, a.status, a.appointment_type,
                  a.overbook_reason,
                  su.first_name || ' ' || su.last_name as "specialist_name!",
                  pu.first_name || ' ' || pu.last_name as "patient_name!"
           from appointments a
           join specialists s on s.specialist_id = a.specialist_id join users su on su.user_id = s.user_id
           join patients p on p.patient_id = a.patient_id join users pu on pu.user_id = p.user_id
           where ($1::uuid is null or a.specialist_id = $1) and a.start_datetime < $3 and a.end_datetime > $2
           order by a.start_datetime, su.last_name"#,
        specialist_id,
        from,
        to
    )
    .fetch_all(pool)
    .await?;
    let appointments = rows
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
    let hours = sqlx::query!(
        r#"select min(start_time) as first, max(end_time) as last from availability_blocks
           where ($1::uuid is null or specialist_id = $1) and exception_date is null"#,
        specialist_id
    )
    .fetch_one(pool)
    .await?;
    let mut first_minute = hours.first.map_or(8 * 60, |t| i64::from(t.hour()) * 60 + i64::from(t.minute()));
    let mut last_minute = hours.last.map_or(18 * 60, |t| i64::from(t.hour()) * 60 + i64::from(t.minute()));
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
