//! Reading the audit trail for the viewer and the export: newest first, keyset on the sequence
//! number. A patient's events are the rows about the patient record itself and every row that
//! names the patient (`patient_id` in its values).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// The filter with people resolved to ids and dates to instants.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor_id: Option<Uuid>,
    pub patient_id: Option<Uuid>,
    pub table_name: Option<String>,
    pub record_id: Option<Uuid>,
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub sequence_no: i64,
    pub created_at: DateTime<Utc>,
    pub action: String,
    pub table_name: String,
    pub record_id: Option<Uuid>,
    pub old_values: Option<Value>,
    pub new_values: Option<Value>,
    pub ip_address: Option<String>,
    pub actor_email: Option<String>,
    pub actor_name: Option<String>,
}

/// Up to `limit` rows older than `before` (the newest when None).
pub async fn page(
    pool: &PgPool,
    query: &AuditQuery,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as(
        "select a.sequence_no, a.created_at, a.action::text as action, a.table_name::text as table_name, a.record_id,
                a.old_values, a.new_values, host(a.ip_address) as ip_address,
                u.email::text as actor_email, u.first_name || ' ' || u.last_name as actor_name
           from audit_logs a
           left join users u on u.user_id = a.user_id
          where ($1::bigint is null or a.sequence_no < $1)
            and ($2::uuid is null or a.user_id = $2)
            and ($3::uuid is null or (a.table_name = 'patients' and a.record_id = $3)
                 or a.new_values ->> 'patient_id' = $3::text or a.old_values ->> 'patient_id' = $3::text)
            and ($4::text is null or a.table_name = $4)
            and ($5::uuid is null or a.record_id = $5)
            and ($6::text is null or a.action = $6)
            and ($7::timestamptz is null or a.created_at >= $7)
            and ($8::timestamptz is null or a.created_at < $8)
          order by a.sequence_no desc
          limit $9",
    )
    .bind(before)
    .bind(query.actor_id)
    .bind(query.patient_id)
    .bind(&query.table_name)
    .bind(query.record_id)
    .bind(&query.action)
    .bind(query.since)
    .bind(query.until)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The account with this email (any role), if there is one.
pub async fn user_id_by_email(pool: &PgPool, email: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("select user_id from users where email = lower(btrim($1))")
        .bind(email)
        .fetch_optional(pool)
        .await
}

/// The patient whose account has this email, if there is one.
pub async fn patient_id_by_email(pool: &PgPool, email: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "select p.patient_id from patients p join users u on u.user_id = p.user_id where u.email = lower(btrim($1))",
    )
    .bind(email)
    .fetch_optional(pool)
    .await
}
