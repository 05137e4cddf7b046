//! Calendar feed queries: live links (stored as token hashes) and the appointments a feed
//! shows. `services::feeds` makes the tokens and writes the calendar.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;
use crate::server::audit::begin_as;

/// When the caller's live link was made, if they have one.
pub async fn live_since(pool: &PgPool, user_id: Uuid) -> Result<Option<DateTime<Utc>>, AppError> {
    let since =
        sqlx::query_scalar!("select created_at from calendar_feeds where user_id = $1 and revoked_at is null", user_id)
            .fetch_optional(pool)
            .await?;
    Ok(since)
}

/// Ends the caller's live link, if any (inside the caller's transaction, so it is audited).
async fn end_live_link(conn: &mut PgConnection, user_id: Uuid) -> Result<(), AppError> {
    sqlx::query!("update calendar_feeds set revoked_at = now() where user_id = $1 and revoked_at is null", user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a new link for the user; the old one stops working in the same transaction.
pub async fn replace(pool: &PgPool, user_id: Uuid, token_hash: &[u8]) -> Result<(), AppError> {
    let mut tx = begin_as(pool, user_id).await?;
    end_live_link(&mut tx, user_id).await?;
    sqlx::query!("insert into calendar_feeds (user_id, token_hash) values ($1, $2)", user_id, token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn revoke(pool: &PgPool, user_id: Uuid) -> Result<(), AppError> {
    let mut tx = begin_as(pool, user_id).await?;
    end_live_link(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The active account a live link belongs to.
pub struct FeedOwner {
    pub user_id: Uuid,
    pub role: String,
    pub name: String,
}

pub async fn owner(pool: &PgPool, token_hash: &[u8]) -> Result<Option<FeedOwner>, AppError> {
    let owner = sqlx::query_as!(
        FeedOwner,
        r#"select u.user_id, u.role, u.first_name || ' ' || u.last_name as "name!"
           from calendar_feeds f join users u on u.user_id = f.user_id
           where f.token_hash = $1 and f.revoked_at is null and u.is_active"#,
        token_hash
    )
    .fetch_optional(pool)
    .await?;
    Ok(owner)
}

pub struct FeedRow {
    pub appointment_id: Uuid,
    pub start_datetime: DateTime<Utc>,
    pub end_datetime: DateTime<Utc>,
    pub status: String,
    pub appointment_type: String,
    pub updated_at: DateTime<Utc>,
    pub time_zone: String,
    pub specialist_name: String,
    pub patient_name: String,
}

/// The owner's appointments (as specialist or as patient) that overlap [since, until), at most
/// `limit` of them.
pub async fn appointments(
    pool: &PgPool,
    owner_id: Uuid,
    as_specialist: bool,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<FeedRow>, AppError> {
    let rows = sqlx::query_as!(
        FeedRow,
        r#"select a.appointment_id, a.start_datetime, a.end_datetime, a.status, a.appointment_type, a.updated_at,
                  s.time_zone,
                  su.first_name || ' ' || su.last_name as "specialist_name!",
                  pu.first_name || ' ' || pu.last_name as "patient_name!"
           from appointments a
           join specialists s on s.specialist_id = a.specialist_id join users su on su.user_id = s.user_id
           join patients p on p.patient_id = a.patient_id join users pu on pu.user_id = p.user_id
           where (($2 and s.user_id = $1) or (not $2 and p.user_id = $1))
             and a.end_datetime > $3 and a.start_datetime < $5
           order by a.start_datetime
           limit $4"#,
        owner_id,
        as_specialist,
        since,
        limit,
        until,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
