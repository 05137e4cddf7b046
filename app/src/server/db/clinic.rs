//! The clinic's booking rules (one row) and its appointment types. Neither table has a row
//! trigger, so every change writes its audit entry here, with the acting admin.

use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;
use crate::model::clinic::{AppointmentTypeRow, ClinicRules, ClinicSetup};
use crate::server::audit::{begin_as, record, record_settings_change, AuditEvent};

pub async fn setup(pool: &PgPool) -> Result<ClinicSetup, AppError> {
    let rules = sqlx::query_as!(
        ClinicRules,
        r#"select time_zone, buffer_minutes, minimum_notice_minutes, patient_change_notice_hours, auto_confirm,
                  slot_step_minutes, booking_horizon_months, max_upcoming_appointments
           from clinic_settings"#
    )
    .fetch_one(pool)
    .await?;
    let types = sqlx::query_as!(
        AppointmentTypeRow,
        r#"select t.name, t.duration_minutes, t.is_active,
                  (select count(*) from appointments a where a.appointment_type = t.name) as "in_use!"
           from appointment_types t order by t.is_active desc, t.name"#
    )
    .fetch_all(pool)
    .await?;
    Ok(ClinicSetup { rules, types })
}

pub async fn save_rules(pool: &PgPool, admin: Uuid, rules: &ClinicRules) -> Result<(), AppError> {
    let mut tx = begin_as(pool, admin).await?;
    sqlx::query!(
        r#"update clinic_settings set time_zone = $1, buffer_minutes = $2, minimum_notice_minutes = $3,
                  patient_change_notice_hours = $4, auto_confirm = $5, slot_step_minutes = $6,
                  booking_horizon_months = $7, max_upcoming_appointments = $8, updated_at = now()"#,
        rules.time_zone,
        rules.buffer_minutes,
        rules.minimum_notice_minutes,
        rules.patient_change_notice_hours,
        rules.auto_confirm,
        rules.slot_step_minutes,
        rules.booking_horizon_months,
        rules.max_upcoming_appointments,
    )
    .execute(&mut *tx)
    .await?;
    let details = serde_json::to_value(rules).map_err(AppError::internal)?;
    record_settings_change(&mut tx, admin, details).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_type(
    pool: &PgPool,
    admin: Uuid,
    name: &str,
    duration_minutes: i32,
    is_active: bool,
) -> Result<(), AppError> {
    let mut tx = begin_as(pool, admin).await?;
    let type_id = sqlx::query_scalar!(
        r#"insert into appointment_types (name, duration_minutes, is_active) values ($1, $2, $3)
           on conflict (name) do update set duration_minutes = excluded.duration_minutes, is_active = excluded.is_active
           returning appointment_type_id"#,
        name,
        duration_minutes,
        is_active
    )
    .fetch_one(&mut *tx)
    .await?;
    record(
        &mut tx,
        AuditEvent {
            actor: Some(admin),
            action: "UPSERT",
            table_name: "appointment_types",
            record_id: Some(type_id),
            details: Some(json!({ "name": name, "duration_minutes": duration_minutes, "is_active": is_active })),
            ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The clinic's time zone: its dates (release dates, grant end dates, "today") are in it.
pub async fn clinic_zone(pool: &PgPool) -> Result<String, AppError> {
    Ok(sqlx::query_scalar!("select time_zone from clinic_settings").fetch_one(pool).await?)
}
