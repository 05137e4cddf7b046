//! The audit hash chain (migration 20261129000013): the head, the links in chain order with the
//! audit rows they seal, and audit rows that no link seals. Read only; sealing is the
//! database's job (the `audit_logs_chain` trigger), checking is `services::audit_chain`'s.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

pub struct ChainHeadRow {
    pub anchor_seq: i64,
    pub anchor_hash: Vec<u8>,
    pub last_seq: i64,
    pub last_hash: Vec<u8>,
}

/// One link and the audit row it names; the row's fields are None when the row is gone. The
/// jsonb and inet columns come as PostgreSQL's text rendering, which is what was hashed.
pub struct ChainLinkRow {
    pub chain_seq: i64,
    pub log_id: Uuid,
    pub prev_hash: Vec<u8>,
    pub row_hash: Vec<u8>,
    pub found: bool,
    pub sequence_no: Option<i64>,
    pub table_name: Option<String>,
    pub record_id: Option<Uuid>,
    pub action: Option<String>,
    pub old_values: Option<String>,
    pub new_values: Option<String>,
    pub user_id: Option<Uuid>,
    pub ip_address: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

pub struct UnchainedRow {
    pub log_id: Uuid,
    pub sequence_no: i64,
}

pub async fn head(conn: &mut PgConnection) -> Result<Option<ChainHeadRow>, AppError> {
    let row = sqlx::query_as!(
        ChainHeadRow,
        "select anchor_seq, anchor_hash, last_seq, last_hash from audit_chain_head where only_row"
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// The next `limit` links after position `after`, in chain order (keyset: memory stays bounded
/// however long the trail is).
pub async fn links_after(conn: &mut PgConnection, after: i64, limit: i64) -> Result<Vec<ChainLinkRow>, AppError> {
    let rows = sqlx::query_as!(
        ChainLinkRow,
        r#"select c.chain_seq, c.log_id, c.prev_hash, c.row_hash,
                  (a.log_id is not null) as "found!",
                  a.sequence_no as "sequence_no?", a.table_name as "table_name?", a.record_id,
                  a.action as "action?", a.old_values::text as old_values, a.new_values::text as new_values,
                  a.user_id, a.ip_address::text as ip_address, a.created_at as "created_at?"
           from audit_chain c
           left join audit_logs a on a.log_id = c.log_id
           where c.chain_seq > $1
           order by c.chain_seq
           limit $2"#,
        after,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// The oldest audit row no link seals (written with the sealing trigger switched off), if any.
pub async fn first_unchained(conn: &mut PgConnection) -> Result<Option<UnchainedRow>, AppError> {
    let row = sqlx::query_as!(
        UnchainedRow,
        r#"select a.log_id, a.sequence_no from audit_logs a
           where not exists (select 1 from audit_chain c where c.log_id = a.log_id)
           order by a.sequence_no
           limit 1"#
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}
