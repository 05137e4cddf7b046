//! What the triggers cannot see: who signed in or failed to, from where, and who read what.
//! Row changes are audited by the database triggers (migration 3); the app only names the actor.

use std::net::IpAddr;

use serde_json::Value;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::error::AppError;

/// A transaction whose changes the audit triggers attribute to `actor`.
pub async fn begin_as(pool: &PgPool, actor: Uuid) -> Result<Transaction<'static, Postgres>, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query_scalar!("select set_config('app.user_id', $1, true)", actor.to_string()).fetch_one(&mut *tx).await?;
    Ok(tx)
}

pub struct AuditEvent<'a> {
    pub actor: Option<Uuid>,
    pub action: &'a str,
    pub table_name: &'a str,
    pub record_id: Option<Uuid>,
    pub details: Option<Value>,
    pub ip: Option<IpAddr>,
}

pub async fn record(conn: &mut PgConnection, event: AuditEvent<'_>) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into audit_logs (table_name, record_id, action, new_values, user_id, ip_address)
           values ($1, $2, $3, $4, $5, ($6::text)::inet)"#,
        event.table_name,
        event.record_id,
        event.action,
        event.details,
        event.actor,
        event.ip.map(|ip| ip.to_string()) as Option<String>,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An admin's change to the clinic settings; `details` holds what was set (settings only, never
/// anyone's health data). The settings row has no id of its own, so the record has none.
pub async fn record_settings_change(conn: &mut PgConnection, admin: Uuid, details: Value) -> Result<(), AppError> {
    record(
        conn,
        AuditEvent {
            actor: Some(admin),
            action: "UPDATE",
            table_name: "clinic_settings",
            record_id: None,
            details: Some(details),
            ip: None,
        },
    )
    .await
}
