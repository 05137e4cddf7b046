//! Calendar feed links and the appointments a feed shows. Tokens are random and only their
//! SHA-256 is stored, so neither the table nor a backup of it holds a working URL.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::ical::{render_feed, FeedEvent, FeedStatus};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::feeds::FeedLink;
use crate::server::audit::begin_as;

/// How far back a feed reaches.
const FEED_HISTORY_DAYS: i64 = 90;
const FEED_MAX_EVENTS: i64 = 2000;
/// Three years ahead: the longest booking horizon clinic settings allow (36 months).
const FEED_FUTURE_DAYS: i64 = 3 * 366;

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn new_token() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    // 40 characters from a CSPRNG: about 238 bits, not guessable.
    rand::thread_rng().sample_iter(&Alphanumeric).take(40).map(char::from).collect()
}

pub async fn status(pool: &PgPool, user: &CurrentUser) -> Result<FeedLink, AppError> {
    let since = sqlx::query_scalar!(
        "select created_at from calendar_feeds where user_id = $1 and revoked_at is null",
        user.user_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(FeedLink { active_since: since.map(|at| at.format("%-d %b %Y").to_string()) })
}

/// Ends the caller's live link, if any (inside the caller's transaction, so it is audited).
async fn end_live_link(conn: &mut PgConnection, user_id: Uuid) -> Result<(), AppError> {
    sqlx::query!("update calendar_feeds set revoked_at = now() where user_id = $1 and revoked_at is null", user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A new link for the caller; the old one stops working in the same transaction.
pub async fn create(pool: &PgPool, user: &CurrentUser) -> Result<String, AppError> {
    let token = new_token();
    let mut tx = begin_as(pool, user.user_id).await?;
    end_live_link(&mut tx, user.user_id).await?;
    sqlx::query!("insert into calendar_feeds (user_id, token_hash) values ($1, $2)", user.user_id, token_hash(&token))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn revoke(pool: &PgPool, user: &CurrentUser) -> Result<(), AppError> {
    let mut tx = begin_as(pool, user.user_id).await?;
    end_live_link(&mut tx, user.user_id).await?;
    tx.commit().await?;
    Ok(())
}

fn feed_status(status: &str) -> FeedStatus {
    match status {
        "Pending" => FeedStatus::Tentative,
        "Canceled" => FeedStatus::Cancelled,
        _ => FeedStatus::Confirmed,
    }
}

/// The iCalendar text for a live feed token, or None for an unknown, revoked or inactive one.
pub async fn render(pool: &PgPool, token: &str, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
    let owner = sqlx::query!(
        r#"select u.user_id, u.role, u.first_name || ' ' || u.last_name as "name!"
           from calendar_feeds f join users u on u.user_id = f.user_id
           where f.token_hash = $1 and f.revoked_at is null and u.is_active"#,
        token_hash(token)
    )
    .fetch_optional(pool)
    .await?;
    let Some(owner) = owner else { return Ok(None) };
    let role: Role = owner.role.parse().map_err(AppError::internal)?;
    let since = now - Duration::days(FEED_HISTORY_DAYS);
    // A bounded window ahead too (the longest booking horizon the clinic can set): the time-zone
    // rules written into the feed span the events, so no event may sit in the year 200000.
    let until = now + Duration::days(FEED_FUTURE_DAYS);
    let as_specialist = match role {
        Role::Specialist => true,
        Role::Patient => false,
        Role::Admin | Role::FamilyMember => return Ok(None),
    };
    let rows = sqlx::query!(
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
        owner.user_id,
        as_specialist,
        since,
        FEED_MAX_EVENTS,
        until,
    )
    .fetch_all(pool)
    .await?;
    let clinic_zone = sqlx::query_scalar!("select time_zone from clinic_settings").fetch_one(pool).await?;
    // A specialist's feed is in their zone; a patient's in the zone of their (first) specialist,
    // or the clinic's.
    let zone_name = rows.first().map_or(clinic_zone, |r| r.time_zone.clone());
    let zone: Tz = zone_name.parse().map_err(AppError::internal)?;
    let events: Vec<FeedEvent> = rows
        .into_iter()
        .map(|r| FeedEvent {
            uid: r.appointment_id,
            start: r.start_datetime,
            end: r.end_datetime,
            summary: if as_specialist {
                format!("{} with {}", r.appointment_type, r.patient_name)
            } else {
                format!("{} with {}", r.appointment_type, r.specialist_name)
            },
            description: Some(format!("Status: {}", r.status)),
            status: feed_status(&r.status),
            last_modified: r.updated_at,
        })
        .collect();
    let name = format!("SyEI · {}", owner.name);
    // Writing the calendar is CPU work: keep it off the async threads that serve everyone else.
    let calendar = tokio::task::spawn_blocking(move || render_feed(&name, zone, &events, now))
        .await
        .map_err(AppError::internal)?;
    Ok(Some(calendar))
}
