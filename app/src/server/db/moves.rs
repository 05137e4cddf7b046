//! Rescheduling: an appointment moves to another start and keeps its length. The same rules
//! as booking decide whether the new time is free, with the appointment's own time left out.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::home::when_label;
use super::scheduling::{
    check_booking_window, is_overlap, load_schedule, lock_appointment, notify_patient, notify_specialist,
    overbook_reason, rules, settings, unbookable_message,
};
use crate::domain::appointment_status::AppointmentStatus;
use crate::domain::slots::{explain, free_slots, Unbookable};
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::scheduling::SLOT_TAKEN;
use crate::server::audit::begin_as;
use crate::server::db_errors::{is_deadlock, retry_on_deadlock};
use crate::server::policy::appointment_rights;

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
    let appointment = lock_appointment(&mut tx, appointment_id).await?;
    let status: AppointmentStatus = appointment.status.parse().map_err(AppError::internal)?;
    if !status.holds_time() {
        return Err(AppError::Conflict("Only pending or confirmed appointments can be moved.".to_string()));
    }
    let settings = settings(&mut tx).await?;
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
    let (schedule, _, _) = load_schedule(
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
    let updated = sqlx::query!(
        r#"update appointments set start_datetime = $2, end_datetime = $3, status = $4, overbook_reason = $5
           where appointment_id = $1"#,
        appointment_id,
        new_start,
        new_start + duration,
        new_status.as_str(),
        overbook,
    )
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(_) => {}
        Err(e) if is_overlap(&e) => return Err(AppError::Conflict(SLOT_TAKEN.to_string())),
        Err(e) if is_deadlock(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let before = when_label(appointment.start_datetime, appointment.end_datetime, &appointment.time_zone);
    let after = when_label(new_start, new_start + duration, &appointment.time_zone);
    let message = format!("{} moved from {before} to {after}.", appointment.appointment_type);
    notify_patient(&mut tx, appointment.patient_id, "Appointment moved", &message).await?;
    notify_specialist(&mut tx, appointment.specialist_id, "Appointment moved", &message).await?;
    tx.commit().await?;
    Ok(Some(after))
}
