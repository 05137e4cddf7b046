//! Break-the-glass: a specialist outside a patient's care team opens the chart only by giving a
//! reason. The access lasts `EMERGENCY_ACCESS_HOURS`, is recorded in the audit trail (the row,
//! and an EMERGENCY event on the patient), tells every admin, and waits in the admins' review
//! list until one of them marks it reviewed.

use chrono::{Duration, Utc};
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::emergency_access::{
    EmergencyAccessItem, EmergencyReviews, EMERGENCY_ACCESS_HOURS, EMERGENCY_REASON_MAX_CHARS,
    EMERGENCY_REASON_MIN_CHARS, EMERGENCY_REVIEW_LIST_LIMIT,
};
use crate::server::audit::{self, begin_as, AuditEvent};
use crate::server::db::emergency_access as db;
use crate::server::policy::{can_view_patient, PatientData};
use crate::server::state::AppState;

/// The reason, trimmed, or a message naming the field.
fn valid_reason(reason: &str) -> Result<&str, AppError> {
    let reason = reason.trim();
    let length = reason.chars().count();
    if length < EMERGENCY_REASON_MIN_CHARS {
        return Err(AppError::invalid(
            "reason",
            format!("Say why you need this chart now (at least {EMERGENCY_REASON_MIN_CHARS} characters)."),
        ));
    }
    if length > EMERGENCY_REASON_MAX_CHARS {
        return Err(AppError::invalid(
            "reason",
            format!("Keep the reason under {EMERGENCY_REASON_MAX_CHARS} characters."),
        ));
    }
    Ok(reason)
}

/// Opens the chart to the calling specialist for a few hours. For a specialist already on the
/// care team it changes nothing (they need no reason).
pub async fn open(state: &AppState, user: &CurrentUser, patient_id: Uuid, reason: &str) -> Result<(), AppError> {
    if user.role != Role::Specialist {
        return Err(AppError::NotFound);
    }
    let reason = valid_reason(reason)?;
    let specialist_id = crate::server::db::staff_calendar::own_specialist_id(&state.pool, user.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if can_view_patient(&state.pool, user, patient_id, PatientData::Clinical).await? {
        return Ok(());
    }
    let mut tx = begin_as(&state.pool, user.user_id).await?;
    let patient = db::patient_name(&mut tx, patient_id).await?.ok_or(AppError::NotFound)?;
    let expires_at = Utc::now() + Duration::hours(EMERGENCY_ACCESS_HOURS);
    let access_id = db::grant(&mut tx, specialist_id, patient_id, reason, expires_at).await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor: Some(user.user_id),
            action: "EMERGENCY",
            table_name: "patients",
            record_id: Some(patient_id),
            details: Some(serde_json::json!({ "access_id": access_id, "hours": EMERGENCY_ACCESS_HOURS })),
            ip: crate::server::auth::client_ip(),
        },
    )
    .await?;
    let who = user.display_name();
    db::notify_admins(
        &mut tx,
        "Emergency access to a chart",
        &format!(
            "{who} opened the chart of {patient} outside the care team: \u{201c}{reason}\u{201d}. Please review it."
        ),
    )
    .await?;
    tx.commit().await?;
    tracing::warn!(user_id = %user.user_id, %patient_id, %access_id, "emergency access to a chart");
    Ok(())
}

/// The accesses waiting for review, oldest first, times in the clinic's zone.
pub async fn pending(state: &AppState) -> Result<EmergencyReviews, AppError> {
    let rows = db::unreviewed(&state.pool, EMERGENCY_REVIEW_LIST_LIMIT).await?;
    let zone_name = crate::server::db::clinic::clinic_zone(&state.pool).await?;
    let zone: chrono_tz::Tz = zone_name.parse().unwrap_or(chrono_tz::UTC);
    let label =
        |at: chrono::DateTime<Utc>| format!("{} ({zone_name})", at.with_timezone(&zone).format("%a %-d %b, %H:%M"));
    let total = rows.first().map_or(0, |row| row.total);
    let items = rows
        .into_iter()
        .map(|row| EmergencyAccessItem {
            access_id: row.access_id,
            specialist_name: row.specialist_name,
            patient_name: row.patient_name,
            reason: row.reason,
            granted: label(row.granted_at),
            expires: label(row.expires_at),
        })
        .collect();
    Ok(EmergencyReviews { items, total })
}

pub async fn review(state: &AppState, admin: &CurrentUser, access_id: Uuid) -> Result<(), AppError> {
    let mut tx = begin_as(&state.pool, admin.user_id).await?;
    if !db::mark_reviewed(&mut tx, access_id, admin.user_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_must_say_something_and_not_everything() {
        assert!(valid_reason("   short  ").unwrap_err().field_message("reason").is_some());
        assert_eq!(valid_reason("  Covering for Dr Chen tonight  ").unwrap(), "Covering for Dr Chen tonight");
        assert!(valid_reason(&"x".repeat(1001)).is_err());
    }
}
