//! Booking queries. Availability and appointments for a range are read with one query each
//! (indexed by specialist and start), never one per day or per slot.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::care_team::{self, Joined};
use super::home::when_label;
use crate::domain::appointment_status::AppointmentStatus;
use crate::domain::role::Role;
use crate::domain::slots::{
    day_plan, explain, free_slots, windows_on, Busy, Exception, PlanEntry, Schedule, SlotRules, Unbookable, WeeklyBlock,
};
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::scheduling::{
    AppointmentType, ClosedView, DaySlots, NotificationItem, Notifications, PatientAppointment, SlotView, WeekSlots,
    SLOT_TAKEN,
};
use crate::server::audit::begin_as;
use crate::server::db_errors::{is_deadlock, retry_on_deadlock};
use crate::server::policy::appointment_rights;

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

/// Refuses a start outside the booking window before any date arithmetic runs on it.
pub(super) fn check_booking_window(
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    settings: &ClinicSettings,
) -> Result<(), AppError> {
    crate::domain::dates::check_booking_window(start, now, settings.booking_horizon_months)
        .map_err(|message| AppError::invalid("start", message))
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

pub(super) async fn duration_of(conn: &mut PgConnection, appointment_type: &str) -> Result<Duration, AppError> {
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
pub(super) async fn load_schedule(
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

pub(super) fn rules(settings: &ClinicSettings, duration: Duration, now: DateTime<Utc>) -> SlotRules {
    SlotRules { duration, step: settings.step, buffer: settings.buffer, now, minimum_notice: settings.minimum_notice }
}

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
    let duration = duration_of(&mut conn, appointment_type).await?;
    let settings = settings(&mut conn).await?;
    let zone_name = sqlx::query_scalar!("select time_zone from specialists where specialist_id = $1", specialist_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let week_start = monday_of(week_start, zone_name.parse().map_err(AppError::internal)?, now);
    let day_count = 7 * i64::from(weeks.max(1));
    let week_end = week_start + Duration::days(day_count - 1);
    let (schedule, time_zone, specialist_name) =
        load_schedule(&mut conn, specialist_id, week_start, week_end, moving).await?;
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

pub struct Booking {
    pub specialist_id: Uuid,
    pub patient_id: Uuid,
    pub appointment_type: String,
    pub start: DateTime<Utc>,
    /// Staff only: book although the time is not free, for this reason (audited on the row).
    pub overbook_reason: Option<String>,
}

/// A trimmed overbooking reason, or a clear message.
pub(super) fn overbook_reason(reason: Option<String>) -> Result<Option<String>, AppError> {
    match reason.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Err(AppError::invalid("overbook_reason", "Give a reason for booking outside the free times.")),
        Some(text) if text.chars().count() > 500 => {
            Err(AppError::invalid("overbook_reason", "Keep the reason under 500 characters."))
        }
        Some(text) => Ok(Some(text.to_string())),
    }
}

pub(super) fn unbookable_message(reason: Unbookable) -> AppError {
    match reason {
        Unbookable::Booked => AppError::Conflict(SLOT_TAKEN.to_string()),
        Unbookable::InThePast => AppError::invalid("start", "That time has passed. Please choose another time."),
        Unbookable::TooSoon => {
            AppError::invalid("start", "That time is too soon to book online. Please choose a later time.")
        }
        Unbookable::DayOff => AppError::invalid("start", "The specialist is not working that day."),
        Unbookable::OutsideWorkingHours => {
            AppError::invalid("start", "That time is outside the specialist's working hours.")
        }
    }
}

/// Books one of the offered times. The check below keeps to the slot grid and the rules; the
/// database's exclusion constraint settles races: of two bookings of one time, one wins and
/// the other gets the friendly "just taken" answer. Staff (`as_staff`) skip the online
/// minimum notice, and their bookings are confirmed at once; with an overbooking reason they
/// may book any future time, free or not.
pub async fn book(
    pool: &PgPool,
    user: &CurrentUser,
    booking: Booking,
    as_staff: bool,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let overbook = overbook_reason(booking.overbook_reason.clone())?;
    if overbook.is_some() && !as_staff {
        return Err(AppError::NotFound);
    }
    retry_on_deadlock(
        || book_once(pool, user, &booking, overbook.as_deref(), as_staff, now),
        || AppError::Conflict(SLOT_TAKEN.to_string()),
    )
    .await
}

/// A patient booking online holds at most the clinic's number of upcoming appointments. The
/// patient's row is locked first, so two bookings at once cannot both pass with one to spare.
async fn check_upcoming_limit(
    conn: &mut PgConnection,
    patient_id: Uuid,
    settings: &ClinicSettings,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
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
    if upcoming >= settings.max_upcoming_appointments {
        return Err(AppError::Conflict(format!(
            "There are already {upcoming} upcoming appointments. Please cancel one, or call the clinic to book more."
        )));
    }
    Ok(())
}

/// One try at booking: None when it lost a deadlock and should run again.
async fn book_once(
    pool: &PgPool,
    user: &CurrentUser,
    booking: &Booking,
    overbook: Option<&str>,
    as_staff: bool,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, AppError> {
    let mut tx = begin_as(pool, user.user_id).await?;
    let settings = settings(&mut tx).await?;
    check_booking_window(booking.start, now, &settings)?;
    let duration = duration_of(&mut tx, &booking.appointment_type).await?;
    if !as_staff {
        check_upcoming_limit(&mut tx, booking.patient_id, &settings, now).await?;
    }
    let (schedule, time_zone, specialist_name) = {
        let day = booking.start.date_naive();
        load_schedule(&mut tx, booking.specialist_id, day - Duration::days(1), day + Duration::days(1), None).await?
    };
    let mut rules = rules(&settings, duration, now);
    if as_staff {
        rules.minimum_notice = Duration::zero();
    }
    if overbook.is_some() {
        if booking.start < now {
            return Err(unbookable_message(Unbookable::InThePast));
        }
    } else {
        explain(&schedule, &rules, booking.start).map_err(unbookable_message)?;
        let local_date = booking.start.with_timezone(&schedule.zone).date_naive();
        if !as_staff && !free_slots(&schedule, &rules, local_date, local_date).contains(&booking.start) {
            return Err(AppError::invalid("start", "Please choose one of the offered times."));
        }
    }
    let status =
        if settings.auto_confirm || as_staff { AppointmentStatus::Confirmed } else { AppointmentStatus::Pending };
    let inserted = sqlx::query_scalar!(
        r#"insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type,
                                     created_by, overbook_reason)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning appointment_id"#,
        booking.specialist_id,
        booking.patient_id,
        booking.start,
        booking.start + duration,
        status.as_str(),
        booking.appointment_type,
        user.user_id,
        overbook,
    )
    .fetch_one(&mut *tx)
    .await;
    let appointment_id = match inserted {
        Ok(id) => id,
        Err(e) if is_overlap(&e) => return Err(AppError::Conflict(SLOT_TAKEN.to_string())),
        Err(e) if is_deadlock(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    // Booking a specialist puts them on the patient's care team; a specialist booking for a
    // patient (only one already on their team) adds nothing.
    let joined = match user.role {
        Role::Admin => Some(Joined::AdminBooking),
        Role::Patient | Role::FamilyMember => Some(Joined::PatientBooking),
        Role::Specialist => None,
    };
    if let Some(how) = joined {
        care_team::join(&mut tx, booking.patient_id, booking.specialist_id, user.user_id, how).await?;
    }
    let when = when_label(booking.start, booking.start + duration, &time_zone);
    let patient_name = patient_name(&mut tx, booking.patient_id).await?;
    let (patient_title, specialist_title) = match status {
        AppointmentStatus::Confirmed => ("Appointment booked", "New appointment"),
        _ => ("Appointment requested", "New booking request"),
    };
    notify_patient(
        &mut tx,
        booking.patient_id,
        patient_title,
        &format!("{} with {specialist_name}, {when}.", booking.appointment_type),
    )
    .await?;
    notify_specialist(
        &mut tx,
        booking.specialist_id,
        specialist_title,
        &format!("{} with {patient_name}, {when}.", booking.appointment_type),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(appointment_id))
}

/// The database refused an overlap (the no-double-booking rule).
pub(super) fn is_overlap(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.constraint() == Some("appointments_no_overlap"))
}

pub(super) async fn patient_name(conn: &mut PgConnection, patient_id: Uuid) -> Result<String, AppError> {
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
pub(super) async fn notify_patient(
    conn: &mut PgConnection,
    patient_id: Uuid,
    title: &str,
    message: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into notifications (user_id, title, message, notification_type)
           select user_id, $2, $3, 'Appointment' from patients where patient_id = $1
           union all
           select user_id, $2, $3, 'Appointment' from family_members where patient_id = $1 and can_view_appointments"#,
        patient_id,
        title,
        message
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn notify_specialist(
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

pub async fn appointments_of_patients_for(
    pool: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<Vec<PatientAppointment>, AppError> {
    let mut conn = pool.acquire().await?;
    let notice = settings(&mut conn).await?.patient_change_notice;
    let rows = sqlx::query!(
        r#"select a.appointment_id, a.specialist_id, a.start_datetime, a.end_datetime, a.status, a.appointment_type,
                  s.time_zone, pu.first_name || ' ' || pu.last_name as "patient_name!",
                  su.first_name || ' ' || su.last_name as "specialist_name!",
                  (p.user_id = $1 or coalesce(f.can_book_appointments, false)) as "may_change!"
           from appointments a
           join patients p on p.patient_id = a.patient_id
           join users pu on pu.user_id = p.user_id
           join specialists s on s.specialist_id = a.specialist_id
           join users su on su.user_id = s.user_id
           left join family_members f on f.patient_id = a.patient_id and f.user_id = $1
           where (p.user_id = $1 and $2) or (f.user_id = $1 and f.can_view_appointments)
           order by a.start_datetime desc
           limit 50"#,
        user.user_id,
        user.role == Role::Patient,
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let status: AppointmentStatus = r.status.parse().map_err(AppError::internal)?;
            let active = status.holds_time();
            Ok(PatientAppointment {
                appointment_id: r.appointment_id,
                patient_name: r.patient_name,
                specialist_name: r.specialist_name,
                appointment_type: r.appointment_type,
                when: when_label(r.start_datetime, r.end_datetime, &r.time_zone),
                status,
                can_change: active && r.may_change && r.start_datetime - now >= notice,
                specialist_id: r.specialist_id,
                start: r.start_datetime,
                date: r.start_datetime.with_timezone(&r.time_zone.parse().unwrap_or(chrono_tz::UTC)).date_naive(),
            })
        })
        .collect()
}

pub(super) struct LockedAppointment {
    pub status: String,
    pub start_datetime: DateTime<Utc>,
    pub end_datetime: DateTime<Utc>,
    pub patient_id: Uuid,
    pub specialist_id: Uuid,
    pub appointment_type: String,
    pub time_zone: String,
}

pub(super) async fn lock_appointment(
    conn: &mut PgConnection,
    appointment_id: Uuid,
) -> Result<LockedAppointment, AppError> {
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

fn transition(
    appointment: &LockedAppointment,
    to: AppointmentStatus,
    now: DateTime<Utc>,
) -> Result<AppointmentStatus, AppError> {
    let from: AppointmentStatus = appointment.status.parse().map_err(AppError::internal)?;
    from.transition(to, now, appointment.start_datetime, appointment.end_datetime)
        .map_err(|e| AppError::Conflict(e.to_string()))
}

pub async fn cancel(
    pool: &PgPool,
    user: &CurrentUser,
    appointment_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let rights = appointment_rights(pool, user, appointment_id).await?;
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", "Keep the reason under 500 characters."));
    }
    let mut tx = begin_as(pool, user.user_id).await?;
    let appointment = lock_appointment(&mut tx, appointment_id).await?;
    if !rights.as_staff {
        let notice = settings(&mut tx).await?.patient_change_notice;
        if appointment.start_datetime - now < notice {
            return Err(AppError::Conflict(format!(
                "Appointments can be canceled online up to {} hours before they start. Please call the clinic.",
                notice.num_hours()
            )));
        }
    }
    transition(&appointment, AppointmentStatus::Canceled, now)?;
    let reason = if reason.is_empty() { None } else { Some(reason) };
    sqlx::query!(
        "update appointments set status = 'Canceled', cancellation_reason = $2 where appointment_id = $1",
        appointment_id,
        reason
    )
    .execute(&mut *tx)
    .await?;
    let when = when_label(appointment.start_datetime, appointment.end_datetime, &appointment.time_zone);
    let message = format!("{} on {when} was canceled.", appointment.appointment_type);
    notify_patient(&mut tx, appointment.patient_id, "Appointment canceled", &message).await?;
    notify_specialist(&mut tx, appointment.specialist_id, "Appointment canceled", &message).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_status(
    pool: &PgPool,
    user: &CurrentUser,
    appointment_id: Uuid,
    status: AppointmentStatus,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let rights = appointment_rights(pool, user, appointment_id).await?;
    if !rights.as_staff {
        return Err(AppError::NotFound);
    }
    if status == AppointmentStatus::Canceled {
        return cancel(pool, user, appointment_id, "", now).await;
    }
    let mut tx = begin_as(pool, user.user_id).await?;
    let appointment = lock_appointment(&mut tx, appointment_id).await?;
    let status = transition(&appointment, status, now)?;
    sqlx::query!("update appointments set status = $2 where appointment_id = $1", appointment_id, status.as_str())
        .execute(&mut *tx)
        .await?;
    if status == AppointmentStatus::Confirmed {
        let when = when_label(appointment.start_datetime, appointment.end_datetime, &appointment.time_zone);
        let message = format!("{} on {when} is confirmed.", appointment.appointment_type);
        notify_patient(&mut tx, appointment.patient_id, "Appointment confirmed", &message).await?;
    }
    tx.commit().await?;
    Ok(())
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
