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
        crate::server::services::availability::load(&state.pool, &user, specialist_id).await
    })
    .await
}

/// Replaces the weekly blocks as a whole (one transaction): the editor always sends the week.
#[server(endpoint = "availability/save-week", input = server_fn::codec::Json)]
pub async fn save_week(specialist_id: Option<Uuid>, blocks: Vec<BlockInput>) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::availability::save_week(&state.pool, &user, specialist_id, &blocks).await
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
        crate::server::services::availability::add_exception(
            &state.pool,
            &user,
            specialist_id,
            date,
            day_off,
            &start,
            &end,
        )
        .await
    })
    .await
}

#[server(endpoint = "availability/remove-exception")]
pub async fn remove_exception(availability_block_id: Uuid) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::availability::remove_exception(&state.pool, &user, availability_block_id).await
    })
    .await
}
