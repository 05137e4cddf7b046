//! Calendar feed links and what a feed shows. Tokens are random and only their SHA-256 is
//! stored, so neither the table nor a backup of it holds a working URL.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::domain::ical::{render_feed, FeedEvent, FeedStatus};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::feeds::FeedLink;
use crate::server::db::feeds as db;

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
    let since = db::live_since(pool, user.user_id).await?;
    Ok(FeedLink { active_since: since.map(|at| at.format("%-d %b %Y").to_string()) })
}

/// A new link for the caller (the old one stops working); the token is returned once.
pub async fn create(pool: &PgPool, user: &CurrentUser) -> Result<String, AppError> {
    let token = new_token();
    db::replace(pool, user.user_id, &token_hash(&token)).await?;
    Ok(token)
}

pub async fn revoke(pool: &PgPool, user: &CurrentUser) -> Result<(), AppError> {
    db::revoke(pool, user.user_id).await
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
    let Some(owner) = db::owner(pool, &token_hash(token)).await? else { return Ok(None) };
    let role: Role = owner.role.parse().map_err(AppError::internal)?;
    let as_specialist = match role {
        Role::Specialist => true,
        Role::Patient => false,
        Role::Admin | Role::FamilyMember => return Ok(None),
    };
    let since = now - Duration::days(FEED_HISTORY_DAYS);
    // A bounded window ahead too (the longest booking horizon the clinic can set): the time-zone
    // rules written into the feed span the events, so no event may sit in the year 200000.
    let until = now + Duration::days(FEED_FUTURE_DAYS);
    let rows = db::appointments(pool, owner.user_id, as_specialist, since, until, FEED_MAX_EVENTS).await?;
    // A specialist's feed is in their zone; a patient's in the zone of their (first) specialist,
    // or the clinic's.
    let zone_name = match rows.first() {
        Some(first) => first.time_zone.clone(),
        None => crate::server::db::clinic::clinic_zone(pool).await?,
    };
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
