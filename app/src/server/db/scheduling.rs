//! Booking queries (the rules that use them are in `services::booking` and `services::slots`).
//! Availability and appointments for a range are read with one query each (indexed by
//! specialist and start), never one per day or per slot.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::appointment_status::AppointmentStatus;
use crate::domain::role::Role;
use crate::domain::slots::{Busy, Exception, Schedule, WeeklyBlock};
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::scheduling::{AppointmentType, NotificationItem, Notifications};

pub struct ClinicSettings {
    pub buffer: Duration,
    pub minimum_notice: Duration,
    pub patient_change_notice: Duration,
    pub auto_confirm: bool,
    pub step: Duration,
    /// How many months ahead anything may be booked or moved to.
    pub booking_horizon_months: u32,
    /// How many upcoming appointments one patient may hold (bookings by staff are not held to it).
    pub max_upcoming_appointments: i64,
}

pub async fn settings(conn: &mut PgConnection) -> Result<ClinicSettings, AppError> {
    let row = sqlx::query!(
        r#"select buffer_minutes, minimum_notice_minutes, patient_change_notice_hours, auto_confirm, slot_step_minutes,
                  booking_horizon_months, max_upcoming_appointments
           from clinic_settings"#
    )
    .fetch_one(conn)
    .await?;
    Ok(ClinicSettings {
        buffer: Duration::minutes(row.buffer_minutes.into()),
        minimum_notice: Duration::minutes(row.minimum_notice_minutes.into()),
        patient_change_notice: Duration::hours(row.patient_change_notice_hours.into()),
        auto_confirm: row.auto_confirm,
        step: Duration::minutes(row.slot_step_minutes.into()),
        booking_horizon_months: row.booking_horizon_months.try_into().unwrap_or(12),
        max_upcoming_appointments: row.max_upcoming_appointments.into(),
    })
}

pub async fn appointment_types(pool: &PgPool) -> Result<Vec<AppointmentType>, AppError> {
    let types = sqlx::query_as!(
        AppointmentType,
        "select name, duration_minutes from appointment_types where is_active order by duration_minutes desc, name"
    )
    .fetch_all(pool)
    .await?;
    Ok(types)
}

pub async fn duration_of(conn: &mut PgConnection, appointment_type: &str) -> Result<Duration, AppError> {
    let minutes = sqlx::query_scalar!(
        "select duration_minutes from appointment_types where name = $1 and is_active",
        appointment_type
    )
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| AppError::invalid("appointment_type", "Choose a type of appointment."))?;
    Ok(Duration::minutes(minutes.into()))
}

/// A specialist's schedule around `from..=to` (local dates), and their name. `moving` leaves
/// one appointment out of the busy times, so it can move to a time that overlaps its own.
pub async fn load_schedule(
    conn: &mut PgConnection,
    specialist_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    moving: Option<Uuid>,
) -> Result<(Schedule, String, String), AppError> {
    let specialist = sqlx::query!(
        r#"select s.time_zone, u.first_name || ' ' || u.last_name as "name!"
           from specialists s join users u on u.user_id = s.user_id
           where s.specialist_id = $1 and u.is_active"#,
        specialist_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let zone: Tz = specialist.time_zone.parse().map_err(AppError::internal)?;
    let blocks = sqlx::query!(
        r#"select day_of_week, start_time, end_time, exception_date, is_available
           from availability_blocks
           where specialist_id = $1 and (exception_date is null or exception_date between $2 and $3)"#,
        specialist_id,
        from,
        to
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut weekly = Vec::new();
    let mut exceptions = Vec::new();
    for block in blocks {
        match (block.exception_date, block.start_time, block.end_time) {
            (None, Some(start), Some(end)) => {
                let weekday = Weekday::try_from((block.day_of_week - 1) as u8).map_err(AppError::internal)?;
                weekly.push(WeeklyBlock { weekday, start, end });
            }
            (Some(date), Some(start), Some(end)) if block.is_available => {
                exceptions.push(Exception::Hours { date, start, end })
            }
            (Some(date), _, _) => exceptions.push(Exception::DayOff(date)),
            (None, _, _) => {}
        }
    }
    // A day either side, so appointments crossing the range's edges in any zone are seen.
    let range_start = Utc.from_utc_datetime(&(from - Duration::days(1)).and_time(NaiveTime::MIN));
    let range_end = Utc.from_utc_datetime(&(to + Duration::days(2)).and_time(NaiveTime::MIN));
    let busy = sqlx::query_as!(
        Busy,
        r#"select start_datetime as start, end_datetime as end from appointments
           where specialist_id = $1 and status in ('Pending', 'Confirmed')
             and start_datetime < $3 and end_datetime > $2
             and ($4::uuid is null or appointment_id <> $4)"#,
        specialist_id,
        range_start,
        range_end,
        moving
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok((Schedule { zone, weekly, exceptions, busy }, specialist.time_zone, specialist.name))
}

/// The database refused an overlap (the no-double-booking rule).
pub fn is_overlap(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.constraint() == Some("appointments_no_overlap"))
}

pub async fn patient_name(conn: &mut PgConnection, patient_id: Uuid) -> Result<String, AppError> {
    let name = sqlx::query_scalar!(
        r#"select u.first_name || ' ' || u.last_name as "name!" from patients p join users u on u.user_id = p.user_id
           where p.patient_id = $1"#,
        patient_id
    )
    .fetch_one(conn)
    .await?;
    Ok(name)
}

/// To the patient and to family members who follow their appointments.
pub async fn notify_patient(
    conn: &mut PgConnection,
    patient_id: Uuid,
    title: &str,
    message: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into notifications (user_id, title, message, notification_type)
           select user_id, $2, $3, 'Appointment' from patients where patient_id = $1
           union all
           select user_id, $2, $3, 'Appointment' from live_family_grants where patient_id = $1 and can_view_appointments"#,
        patient_id,
        title,
        message
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn notify_specialist(
    conn: &mut PgConnection,
    specialist_id: Uuid,
    title: &str,
    message: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into notifications (user_id, title, message, notification_type)
           select user_id, $2, $3, 'Appointment' from specialists where specialist_id = $1"#,
        specialist_id,
        title,
        message
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An appointment of a patient the caller may see: their own (as a patient) or one they help
/// with a grant to view appointments. `may_change` says the caller may also change it.
pub struct PatientAppointmentRow {
    pub appointment_id: Uuid,
    pub specialist_id: Uuid,
    pub start_datetime: DateTime<Utc>,
    pub end_datetime: DateTime<Utc>,
    pub status: String,
    pub appointment_type: String,
    pub time_zone: String,
    pub patient_name: String,
    pub specialist_name: String,
    pub booked_by: Option<String>,
    pub may_change: bool,
}

pub async fn appointments_of_patients_for(
    pool: &PgPool,
    user: &CurrentUser,
) -> Result<Vec<PatientAppointmentRow>, AppError> {
    let rows = sqlx::query_as!(
        PatientAppointmentRow,
        r#"select a.appointment_id, a.specialist_id, a.start_datetime, a.end_datetime, a.status, a.appointment_type,
                  s.time_zone, pu.first_name || ' ' || pu.last_name as "patient_name!",
                  su.first_name || ' ' || su.last_name as "specialist_name!",
                  case when a.created_by <> p.user_id then bu.first_name || ' ' || bu.last_name end as "booked_by?",
                  (p.user_id = $1 or coalesce(f.can_book_appointments, false)) as "may_change!"
           from appointments a
           join patients p on p.patient_id = a.patient_id
           join users pu on pu.user_id = p.user_id
           left join users bu on bu.user_id = a.created_by
           join specialists s on s.specialist_id = a.specialist_id
           join users su on su.user_id = s.user_id
           left join live_family_grants f on f.patient_id = a.patient_id and f.user_id = $1
           where (p.user_id = $1 and $2) or (f.user_id = $1 and f.can_view_appointments)
           order by a.start_datetime desc
           limit 50"#,
        user.user_id,
        user.role == Role::Patient,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

pub struct LockedAppointment {
    pub status: String,
    pub start_datetime: DateTime<Utc>,
    pub end_datetime: DateTime<Utc>,
    pub patient_id: Uuid,
    pub specialist_id: Uuid,
    pub appointment_type: String,
    pub time_zone: String,
}

pub async fn lock_appointment(conn: &mut PgConnection, appointment_id: Uuid) -> Result<LockedAppointment, AppError> {
    let row = sqlx::query_as!(
        LockedAppointment,
        r#"select a.status, a.start_datetime, a.end_datetime, a.patient_id, a.specialist_id, a.appointment_type, s.time_zone
           from appointments a join specialists s on s.specialist_id = a.specialist_id
           where a.appointment_id = $1 for update of a"#,
        appointment_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(row)
}

pub async fn notifications(pool: &PgPool, user_id: Uuid) -> Result<Notifications, AppError> {
    let rows = sqlx::query!(
        r#"select notification_id, title, message, is_read, created_at from notifications
           where user_id = $1 order by created_at desc limit 20"#,
        user_id
    )
    .fetch_all(pool)
    .await?;
    let unread = unread_count(pool, user_id).await?;
    Ok(Notifications {
        unread,
        latest: rows
            .into_iter()
            .map(|r| NotificationItem {
                notification_id: r.notification_id,
                title: r.title,
                message: r.message,
                is_read: r.is_read,
                when: r.created_at.format("%-d %b %H:%M UTC").to_string(),
            })
            .collect(),
    })
}

pub async fn unread_count(pool: &PgPool, user_id: Uuid) -> Result<i64, AppError> {
    let unread = sqlx::query_scalar!(
        r#"select count(*) as "n!" from notifications where user_id = $1 and not is_read"#,
        user_id
    )
    .fetch_one(pool)
    .await?;
    Ok(unread)
}

pub async fn mark_notifications_read(pool: &PgPool, user_id: Uuid) -> Result<(), AppError> {
    sqlx::query!(
        "update notifications set is_read = true, read_at = now() where user_id = $1 and not is_read",
        user_id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Locks the patient's row (so concurrent bookings for them queue) and counts their upcoming
/// active appointments.
pub async fn lock_patient_and_count_upcoming(
    conn: &mut PgConnection,
    patient_id: Uuid,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    sqlx::query_scalar!("select patient_id from patients where patient_id = $1 for update", patient_id)
        .fetch_one(&mut *conn)
        .await?;
    let upcoming = sqlx::query_scalar!(
        r#"select count(*) as "count!" from appointments
           where patient_id = $1 and status in ('Pending', 'Confirmed') and end_datetime > $2"#,
        patient_id,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(upcoming)
}

pub struct NewAppointment<'a> {
    pub specialist_id: Uuid,
    pub patient_id: Uuid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: AppointmentStatus,
    pub appointment_type: &'a str,
    pub created_by: Uuid,
    pub overbook_reason: Option<&'a str>,
}

/// Inserts an appointment. The error stays a database error: the caller tells an overlap (the
/// exclusion constraint) and a deadlock from other failures.
pub async fn insert_appointment(conn: &mut PgConnection, new: NewAppointment<'_>) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type,
                                     created_by, overbook_reason)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning appointment_id"#,
        new.specialist_id,
        new.patient_id,
        new.start,
        new.end,
        new.status.as_str(),
        new.appointment_type,
        new.created_by,
        new.overbook_reason,
    )
    .fetch_one(conn)
    .await
}

/// Moves an appointment (same caveat on errors as [`insert_appointment`]).
pub async fn move_appointment(
    conn: &mut PgConnection,
    appointment_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    status: AppointmentStatus,
    overbook_reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update appointments set start_datetime = $2, end_datetime = $3, status = $4, overbook_reason = $5
           where appointment_id = $1"#,
        appointment_id,
        start,
        end,
        status.as_str(),
        overbook_reason,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn mark_canceled(
    conn: &mut PgConnection,
    appointment_id: Uuid,
    reason: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "update appointments set status = 'Canceled', cancellation_reason = $2 where appointment_id = $1",
        appointment_id,
        reason
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_status(
    conn: &mut PgConnection,
    appointment_id: Uuid,
    status: AppointmentStatus,
) -> Result<(), AppError> {
    sqlx::query!("update appointments set status = $2 where appointment_id = $1", appointment_id, status.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn specialist_zone(conn: &mut PgConnection, specialist_id: Uuid) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar!("select time_zone from specialists where specialist_id = $1", specialist_id)
        .fetch_optional(conn)
        .await?)
}
