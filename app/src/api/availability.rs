//! Working hours: the weekly blocks and the exceptions of one specialist. A specialist edits
//! their own; an admin anyone's (`specialist_id`).

use crate::domain::availability::BlockInput;
use crate::error::AppError;
pub use crate::model::availability::*;
use chrono::NaiveDate;
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "availability/get")]
pub async fn get_availability(specialist_id: Option<Uuid>) -> Result<Availability, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let specialist_id = crate::server::policy::specialist_to_manage(&state.pool, &user, specialist_id).await?;
        crate::server::db::availability::load(&state.pool, specialist_id).await
    })
    .await
}

/// Replaces the weekly blocks as a whole (one transaction): the editor always sends the week.
#[server(endpoint = "availability/save-week", input = server_fn::codec::Json)]
pub async fn save_week(specialist_id: Option<Uuid>, blocks: Vec<BlockInput>) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let specialist_id = crate::server::policy::specialist_to_manage(&state.pool, &user, specialist_id).await?;
        let week = crate::domain::availability::parse_week(&blocks).map_err(AppError::Validation)?;
        crate::server::db::availability::replace_week(&state.pool, &user, specialist_id, &week).await
    })
    .await
}

/// A day off (no times) or other hours for one date.
#[server(endpoint = "availability/add-exception")]
pub async fn add_exception(
    specialist_id: Option<Uuid>,
    date: NaiveDate,
    day_off: bool,
    start: String,
    end: String,
) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let specialist_id = crate::server::policy::specialist_to_manage(&state.pool, &user, specialist_id).await?;
        if !crate::domain::dates::is_plannable(date) {
            return Err(AppError::invalid("date", crate::domain::dates::out_of_range_message()));
        }
        let hours = if day_off {
            None
        } else {
            use crate::domain::availability::parse_time;
            match (parse_time(&start), parse_time(&end)) {
                (Some(s), Some(e)) if e > s => Some((s, e)),
                (Some(_), Some(_)) => return Err(AppError::invalid("end", "The end must be after the start.")),
                _ => return Err(AppError::invalid("start", "Enter times as HH:MM, or mark the day off.")),
            }
        };
        crate::server::db::availability::add_exception(&state.pool, &user, specialist_id, date, hours).await
    })
    .await
}

#[server(endpoint = "availability/remove-exception")]
pub async fn remove_exception(availability_block_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::db::availability::remove_exception(&state.pool, &user, availability_block_id).await
    })
    .await
}
