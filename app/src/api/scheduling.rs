//! Booking: free slots, booking, cancelling, status changes, the staff week, notifications.

use crate::domain::appointment_status::AppointmentStatus;
use crate::error::AppError;
pub use crate::model::scheduling::*;
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "scheduling/appointment-types")]
pub async fn appointment_types() -> Result<Vec<AppointmentType>, AppError> {
    crate::server::respond(async move {
        let (_, state) = crate::server::caller().await?;
        crate::server::db::scheduling::appointment_types(&state.pool).await
    })
    .await
}

/// Free starts of one specialist's week: the week of `week_start` (a date in their zone), or
/// the current week when it is not given (so the browser's clock never decides "today").
/// `weeks` asks for that many weeks from there (1 when not given, at most [`MAX_SLOT_WEEKS`]),
/// still read with one query each for hours and appointments. `moving` names an appointment
/// being rescheduled, whose own time then counts as free.
#[server(endpoint = "scheduling/slots")]
pub async fn get_week_slots(
    specialist_id: Uuid,
    appointment_type: String,
    week_start: Option<NaiveDate>,
    moving: Option<Uuid>,
    weeks: Option<u32>,
) -> Result<WeekSlots, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        if let Some(appointment_id) = moving {
            crate::server::policy::appointment_of_specialist(&state.pool, &user, appointment_id, specialist_id).await?;
        }
        if week_start.is_some_and(|date| !crate::domain::dates::is_plannable(date)) {
            return Err(AppError::invalid("week_start", crate::domain::dates::out_of_range_message()));
        }
        let weeks = weeks.unwrap_or(1);
        if !(1..=MAX_SLOT_WEEKS).contains(&weeks) {
            return Err(AppError::invalid("weeks", format!("Ask for 1 to {MAX_SLOT_WEEKS} weeks.")));
        }
        crate::server::services::slots::week_slots(
            &state.pool,
            specialist_id,
            &appointment_type,
            (week_start, weeks),
            moving,
            Utc::now(),
        )
        .await
    })
    .await
}

/// Books a free slot. A patient books for themself; a family member for the patient they help
/// when the grant allows; staff for any patient (`patient_id`), in their own calendar (admins:
/// anyone's), and only staff may overbook, with a reason.
#[server(endpoint = "appointments/book")]
pub async fn book_appointment(
    specialist_id: Uuid,
    appointment_type: String,
    start: DateTime<Utc>,
    patient_id: Option<Uuid>,
    overbook_reason: Option<String>,
) -> Result<Uuid, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let patient_id = crate::server::policy::patient_for_booking(&state.pool, &user, patient_id).await?;
        let as_staff = user.role.is_staff();
        if as_staff {
            crate::server::policy::specialist_to_manage(&state.pool, &user, Some(specialist_id)).await?;
        }
        let booked = crate::server::services::booking::book(
            &state.pool,
            &user,
            crate::server::services::booking::Booking {
                specialist_id,
                patient_id,
                appointment_type,
                start,
                overbook_reason,
            },
            as_staff,
            Utc::now(),
        )
        .await?;
        crate::server::show_after_plain_form_post("/book?done=booked");
        Ok(booked)
    })
    .await
}

/// Moves an appointment to another start, keeping its length. Patients (and family members
/// allowed to book) move their own to an offered time up to the change notice; its specialist
/// or an admin move it anywhere free, or, with a reason, overbook.
#[server(endpoint = "appointments/reschedule")]
pub async fn reschedule_appointment(
    appointment_id: Uuid,
    start: DateTime<Utc>,
    overbook_reason: Option<String>,
) -> Result<String, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let when = crate::server::services::booking::reschedule(
            &state.pool,
            &user,
            appointment_id,
            start,
            overbook_reason,
            Utc::now(),
        )
        .await?;
        crate::server::show_after_plain_form_post("/book?done=moved");
        Ok(when)
    })
    .await
}

#[server(endpoint = "appointments/mine")]
pub async fn my_appointments() -> Result<Vec<PatientAppointment>, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::booking::appointments_for(&state.pool, &user, Utc::now()).await
    })
    .await
}

#[server(endpoint = "appointments/cancel")]
pub async fn cancel_appointment(appointment_id: Uuid, reason: String) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::booking::cancel(&state.pool, &user, appointment_id, reason.trim(), Utc::now()).await?;
        crate::server::show_after_plain_form_post("/book?done=cancelled");
        Ok(())
    })
    .await
}

/// Confirm, complete or mark a no-show (the specialist's own appointments, or any for admins).
#[server(endpoint = "appointments/set-status")]
pub async fn set_appointment_status(appointment_id: Uuid, status: AppointmentStatus) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::booking::set_status(&state.pool, &user, appointment_id, status, Utc::now()).await
    })
    .await
}

/// The caller's latest notifications and unread count; none for anonymous visitors (so the
/// header can ask on every page without a refusal).
#[server(endpoint = "notifications/list")]
pub async fn my_notifications() -> Result<Notifications, AppError> {
    crate::server::respond(async move {
        let (Some(user), state) = crate::server::optional_caller().await? else {
            return Ok(Notifications { unread: 0, latest: Vec::new() });
        };
        crate::server::db::scheduling::notifications(&state.pool, user.user_id).await
    })
    .await
}

#[server(endpoint = "notifications/mark-read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::db::scheduling::mark_notifications_read(&state.pool, user.user_id).await
    })
    .await
}
