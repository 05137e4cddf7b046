//! What each role sees first: the rows of `db::home`, counted and labelled for people.

use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::home::{AdminOverview, AgendaItem, CareOverview, SpecialistDay};
use crate::server::db::home::{self as db, AgendaRow};
use crate::server::services::zones::when_label;
use crate::server::state::AppState;

/// An agenda row labelled in its zone.
pub fn agenda_item(row: AgendaRow) -> Result<AgendaItem, AppError> {
    Ok(AgendaItem {
        appointment_id: row.appointment_id,
        when: when_label(row.start_datetime, row.end_datetime, &row.time_zone),
        with_name: row.with_name,
        appointment_type: row.appointment_type,
        status: row.status.parse().map_err(AppError::internal)?,
    })
}

fn agenda(rows: Vec<AgendaRow>) -> Result<Vec<AgendaItem>, AppError> {
    rows.into_iter().map(agenda_item).collect()
}

pub async fn admin_summary(pool: &PgPool) -> Result<AdminOverview, AppError> {
    let counts = db::accounts_by_role(pool).await?;
    let active_by_role = Role::ALL
        .iter()
        .map(|role| {
            let active = counts.iter().find(|c| c.role == role.as_str()).map(|c| c.active).unwrap_or(0);
            (role.label().to_string(), active)
        })
        .collect();
    let appointments = db::appointment_counts(pool).await?;
    Ok(AdminOverview {
        active_by_role,
        inactive_accounts: counts.iter().map(|c| c.inactive).sum(),
        appointments_today: appointments.today,
        pending_appointments: appointments.pending,
    })
}

/// The signed-in specialist's appointments of today, today being in their own zone.
pub async fn specialist_today(pool: &PgPool, user_id: Uuid) -> Result<SpecialistDay, AppError> {
    let specialist = db::specialist_of_user(pool, user_id).await?.ok_or(AppError::NotFound)?;
    let zone: chrono_tz::Tz = specialist.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let today = Utc::now().with_timezone(&zone).date_naive();
    let rows = db::specialist_day(pool, &specialist, today).await?;
    Ok(SpecialistDay {
        date_label: today.format("%A %-d %B %Y").to_string(),
        time_zone: specialist.time_zone,
        appointments: agenda(rows)?,
    })
}

/// Signed notes shown on "My care" (the rest are at `/my-care/notes`).
const RECENT_NOTES_SHOWN: usize = 3;

pub async fn my_care(state: &AppState, user: &CurrentUser) -> Result<CareOverview, AppError> {
    let pool = &state.pool;
    let patient_id = db::patient_of_user(pool, user.user_id).await?.ok_or(AppError::NotFound)?;
    let mut recent_notes = crate::server::services::notes::page_of_notes(state, user, patient_id, 1).await?.notes;
    recent_notes.truncate(RECENT_NOTES_SHOWN);
    Ok(CareOverview {
        upcoming: agenda(db::upcoming_for_patient(pool, patient_id).await?)?,
        materials: crate::server::services::materials::released_for_patient(pool, patient_id, 1).await?.items,
        unread_notifications: db::unread_notifications(pool, user.user_id).await?,
        recent_notes,
    })
}
