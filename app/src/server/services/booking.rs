//! The booking rules: what may be booked, moved, cancelled or confirmed, by whom, with which
//! message; each change is one transaction (retried when PostgreSQL breaks a deadlock) that
//! also writes the notifications. Queries live in `db::scheduling`.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::appointment_status::AppointmentStatus;
use crate::domain::role::Role;
use crate::domain::slots::{explain, free_slots, SlotRules, Unbookable};
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::scheduling::{PatientAppointment, SLOT_TAKEN};
use crate::server::audit::begin_as;
use crate::server::db::care_team::{self, Joined};
use crate::server::db::scheduling::{self as db, ClinicSettings, LockedAppointment};
use crate::server::db_errors::{is_deadlock, retry_on_deadlock};
use crate::server::policy::appointment_rights;
use crate::server::services::zones::when_label;

/// The slot engine's rules for an appointment of `duration`, from the clinic's settings.
pub fn rules(settings: &ClinicSettings, duration: Duration, now: DateTime<Utc>) -> SlotRules {
    SlotRules { duration, step: settings.step, buffer: settings.buffer, now, minimum_notice: settings.minimum_notice }
}

/// Refuses a start outside the booking window before any date arithmetic runs on it.
pub fn check_booking_window(
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    settings: &ClinicSettings,
) -> Result<(), AppError> {
    crate::domain::dates::check_booking_window(start, now, settings.booking_horizon_months)
        .map_err(|message| AppError::invalid("start", message))
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
fn overbook_reason(reason: Option<String>) -> Result<Option<String>, AppError> {
    match reason.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Err(AppError::invalid("overbook_reason", "Give a reason for booking outside the free times.")),
        Some(text) if text.chars().count() > 500 => {
            Err(AppError::invalid("overbook_reason", "Keep the reason under 500 characters."))
        }
        Some(text) => Ok(Some(text.to_string())),
    }
}

fn unbookable_message(reason: Unbookable) -> AppError {
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
    let booked = retry_on_deadlock(
        || book_once(pool, user, &booking, overbook.as_deref(), as_staff, now),
        || AppError::Conflict(SLOT_TAKEN.to_string()),
    )
    .await?;
    crate::server::telemetry::appointment_booked(as_staff);
    Ok(booked)
}

/// A patient booking online holds at most the clinic's number of upcoming appointments. The
/// patient's row is locked first, so two bookings at once cannot both pass with one to spare.
async fn check_upcoming_limit(
    conn: &mut PgConnection,
    patient_id: Uuid,
    settings: &ClinicSettings,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let upcoming = db::lock_patient_and_count_upcoming(conn, patient_id, now).await?;
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
    let settings = db::settings(&mut tx).await?;
    check_booking_window(booking.start, now, &settings)?;
    let duration = db::duration_of(&mut tx, &booking.appointment_type).await?;
    if !as_staff {
        check_upcoming_limit(&mut tx, booking.patient_id, &settings, now).await?;
    }
    let (schedule, time_zone, specialist_name) = {
        let day = booking.start.date_naive();
        db::load_schedule(&mut tx, booking.specialist_id, day - Duration::days(1), day + Duration::days(1), None)
            .await?
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
    let inserted = db::insert_appointment(
        &mut tx,
        db::NewAppointment {
            specialist_id: booking.specialist_id,
            patient_id: booking.patient_id,
            start: booking.start,
            end: booking.start + duration,
            status,
            appointment_type: &booking.appointment_type,
            created_by: user.user_id,
            overbook_reason: overbook,
        },
    )
    .await;
    let appointment_id = match inserted {
        Ok(id) => id,
        Err(e) if db::is_overlap(&e) => return Err(AppError::Conflict(SLOT_TAKEN.to_string())),
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
    let patient_name = db::patient_name(&mut tx, booking.patient_id).await?;
    // A family member books on the patient's behalf: said in both notifications and recorded as
    // such in the audit trail (the row itself is attributed to the family member).
    let on_behalf = if user.role == Role::FamilyMember {
        crate::server::audit::record(
            &mut tx,
            crate::server::audit::AuditEvent {
                actor: Some(user.user_id),
                action: "BOOK_ON_BEHALF",
                table_name: "appointments",
                record_id: Some(appointment_id),
                details: Some(serde_json::json!({ "patient_id": booking.patient_id })),
                ip: None,
            },
        )
        .await?;
        format!(" Booked by {} for {patient_name}.", user.display_name())
    } else {
        String::new()
    };
    let (patient_title, specialist_title) = match status {
        AppointmentStatus::Confirmed => ("Appointment booked", "New appointment"),
        _ => ("Appointment requested", "New booking request"),
    };
    db::notify_patient(
        &mut tx,
        booking.patient_id,
        patient_title,
        &format!("{} with {specialist_name}, {when}.{on_behalf}", booking.appointment_type),
    )
    .await?;
    db::notify_specialist(
        &mut tx,
        booking.specialist_id,
        specialist_title,
        &format!("{} with {patient_name}, {when}.{on_behalf}", booking.appointment_type),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(appointment_id))
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
    let appointment = db::lock_appointment(&mut tx, appointment_id).await?;
    if !rights.as_staff {
        let notice = db::settings(&mut tx).await?.patient_change_notice;
        if appointment.start_datetime - now < notice {
            return Err(AppError::Conflict(format!(
                "Appointments can be canceled online up to {} hours before they start. Please call the clinic.",
                notice.num_hours()
            )));
        }
    }
    transition(&appointment, AppointmentStatus::Canceled, now)?;
    let reason = if reason.is_empty() { None } else { Some(reason) };
    db::mark_canceled(&mut tx, appointment_id, reason).await?;
    let when = when_label(appointment.start_datetime, appointment.end_datetime, &appointment.time_zone);
    let message = format!("{} on {when} was canceled.", appointment.appointment_type);
    db::notify_patient(&mut tx, appointment.patient_id, "Appointment canceled", &message).await?;
    db::notify_specialist(&mut tx, appointment.specialist_id, "Appointment canceled", &message).await?;
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
    let appointment = db::lock_appointment(&mut tx, appointment_id).await?;
    let status = transition(&appointment, status, now)?;
    db::update_status(&mut tx, appointment_id, status).await?;
    if status == AppointmentStatus::Confirmed {
        let when = when_label(appointment.start_datetime, appointment.end_datetime, &appointment.time_zone);
        let message = format!("{} on {when} is confirmed.", appointment.appointment_type);
        db::notify_patient(&mut tx, appointment.patient_id, "Appointment confirmed", &message).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Moves the appointment and returns its new "when" label. Patients move to offered times, up
/// to the change notice before the current start, and their appointment waits for the clinic
/// to confirm again (unless the clinic confirms automatically); staff keep its status.
pub async fn reschedule(
    pool: &PgPool,
    user: &CurrentUser,
    appointment_id: Uuid,
    new_start: DateTime<Utc>,
    overbook: Option<String>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    retry_on_deadlock(
        || reschedule_once(pool, user, appointment_id, new_start, overbook.clone(), now),
        || AppError::Conflict(SLOT_TAKEN.to_string()),
    )
    .await
}

/// One try at moving: None when it lost a deadlock to a concurrent write and should run again.
async fn reschedule_once(
    pool: &PgPool,
    user: &CurrentUser,
    appointment_id: Uuid,
    new_start: DateTime<Utc>,
    overbook: Option<String>,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let rights = appointment_rights(pool, user, appointment_id).await?;
    let overbook = overbook_reason(overbook)?;
    if overbook.is_some() && !rights.as_staff {
        return Err(AppError::NotFound);
    }
    let mut tx = begin_as(pool, user.user_id).await?;
    let appointment = db::lock_appointment(&mut tx, appointment_id).await?;
    let status: AppointmentStatus = appointment.status.parse().map_err(AppError::internal)?;
    if !status.holds_time() {
        return Err(AppError::Conflict("Only pending or confirmed appointments can be moved.".to_string()));
    }
    let settings = db::settings(&mut tx).await?;
    check_booking_window(new_start, now, &settings)?;
    if !rights.as_staff && appointment.start_datetime - now < settings.patient_change_notice {
        return Err(AppError::Conflict(format!(
            "Appointments can be moved online up to {} hours before they start. Please call the clinic.",
            settings.patient_change_notice.num_hours()
        )));
    }
    if new_start == appointment.start_datetime {
        return Err(AppError::invalid("start", "That is the appointment's current time. Choose another time."));
    }
    let duration = appointment.end_datetime - appointment.start_datetime;
    let day = new_start.date_naive();
    let (schedule, _, _) = db::load_schedule(
        &mut tx,
        appointment.specialist_id,
        day - Duration::days(1),
        day + Duration::days(1),
        Some(appointment_id),
    )
    .await?;
    let mut rules = rules(&settings, duration, now);
    if rights.as_staff {
        rules.minimum_notice = Duration::zero();
    }
    if overbook.is_some() {
        if new_start < now {
            return Err(unbookable_message(Unbookable::InThePast));
        }
    } else {
        explain(&schedule, &rules, new_start).map_err(unbookable_message)?;
        let local_date = new_start.with_timezone(&schedule.zone).date_naive();
        // Staff may drop an appointment on any free quarter; patients pick an offered time.
        if !rights.as_staff && !free_slots(&schedule, &rules, local_date, local_date).contains(&new_start) {
            return Err(AppError::invalid("start", "Please choose one of the offered times."));
        }
    }
    let new_status = if rights.as_staff || settings.auto_confirm { status } else { AppointmentStatus::Pending };
    let updated =
        db::move_appointment(&mut tx, appointment_id, new_start, new_start + duration, new_status, overbook.as_deref())
            .await;
    match updated {
        Ok(_) => {}
        Err(e) if db::is_overlap(&e) => return Err(AppError::Conflict(SLOT_TAKEN.to_string())),
        Err(e) if is_deadlock(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let before = when_label(appointment.start_datetime, appointment.end_datetime, &appointment.time_zone);
    let after = when_label(new_start, new_start + duration, &appointment.time_zone);
    let message = format!("{} moved from {before} to {after}.", appointment.appointment_type);
    db::notify_patient(&mut tx, appointment.patient_id, "Appointment moved", &message).await?;
    db::notify_specialist(&mut tx, appointment.specialist_id, "Appointment moved", &message).await?;
    tx.commit().await?;
    Ok(Some(after))
}

/// The appointments of the patients the caller may see (their own, or the ones they help),
/// newest first, each saying whether the caller may still change it: an active appointment,
/// a caller allowed to change it, and at least the clinic's notice before it starts.
pub async fn appointments_for(
    pool: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<Vec<PatientAppointment>, AppError> {
    let notice = {
        let mut conn = pool.acquire().await?;
        db::settings(&mut conn).await?.patient_change_notice
    };
    db::appointments_of_patients_for(pool, user)
        .await?
        .into_iter()
        .map(|r| {
            let status: AppointmentStatus = r.status.parse().map_err(AppError::internal)?;
            let zone: chrono_tz::Tz = r.time_zone.parse().unwrap_or(chrono_tz::UTC);
            Ok(PatientAppointment {
                appointment_id: r.appointment_id,
                patient_name: r.patient_name,
                specialist_name: r.specialist_name,
                appointment_type: r.appointment_type,
                when: when_label(r.start_datetime, r.end_datetime, &r.time_zone),
                status,
                can_change: status.holds_time() && r.may_change && r.start_datetime - now >= notice,
                specialist_id: r.specialist_id,
                booked_by: r.booked_by,
                start: r.start_datetime,
                date: r.start_datetime.with_timezone(&zone).date_naive(),
            })
        })
        .collect()
}
