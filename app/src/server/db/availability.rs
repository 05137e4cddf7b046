//! Working-hours queries. `services::availability` decides who may change which and shapes
//! the rows for the editor.

use chrono::{Datelike, NaiveDate, NaiveTime};
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::availability::ValidBlock;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::server::audit::begin_as;

pub struct SpecialistHeader {
    pub time_zone: String,
    pub name: String,
}

pub async fn specialist_header(pool: &PgPool, specialist_id: Uuid) -> Result<SpecialistHeader, AppError> {
    let header = sqlx::query_as!(
        SpecialistHeader,
        r#"select s.time_zone, u.first_name || ' ' || u.last_name as "name!"
           from specialists s join users u on u.user_id = s.user_id where s.specialist_id = $1"#,
        specialist_id
    )
    .fetch_one(pool)
    .await?;
    Ok(header)
}

/// A weekly block (no date) or an exception for one date (no times: a day off).
pub struct BlockRow {
    pub availability_block_id: Uuid,
    pub day_of_week: i16,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub exception_date: Option<NaiveDate>,
}

/// The weekly blocks, then the exceptions from yesterday on.
pub async fn blocks(pool: &PgPool, specialist_id: Uuid) -> Result<Vec<BlockRow>, AppError> {
    let rows = sqlx::query_as!(
        BlockRow,
        r#"select availability_block_id, day_of_week, start_time, end_time, exception_date
           from availability_blocks where specialist_id = $1
             and (exception_date is null or exception_date >= current_date - 1)
           order by exception_date nulls first, day_of_week, start_time"#,
        specialist_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

pub async fn replace_week(
    pool: &PgPool,
    user: &CurrentUser,
    specialist_id: Uuid,
    week: &[ValidBlock],
) -> Result<(), AppError> {
    let mut tx = begin_as(pool, user.user_id).await?;
    sqlx::query!("delete from availability_blocks where specialist_id = $1 and exception_date is null", specialist_id)
        .execute(&mut *tx)
        .await?;
    for block in week {
        sqlx::query!(
            r#"insert into availability_blocks (specialist_id, day_of_week, start_time, end_time)
               values ($1, $2, $3, $4)"#,
            specialist_id,
            block.day_of_week,
            block.start,
            block.end
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn add_exception(
    pool: &PgPool,
    user: &CurrentUser,
    specialist_id: Uuid,
    date: NaiveDate,
    hours: Option<(NaiveTime, NaiveTime)>,
) -> Result<(), AppError> {
    let mut tx = begin_as(pool, user.user_id).await?;
    // A new exception for a date replaces the old ones: the form states the whole day.
    sqlx::query!(
        "delete from availability_blocks where specialist_id = $1 and exception_date = $2",
        specialist_id,
        date
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into availability_blocks (specialist_id, day_of_week, start_time, end_time, exception_date, is_available)
           values ($1, $2, $3, $4, $5, $6)"#,
        specialist_id,
        date.weekday().number_from_monday() as i16,
        hours.map(|h| h.0),
        hours.map(|h| h.1),
        date,
        hours.is_some(),
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The specialist an exception belongs to (None for a weekly block or an unknown id).
pub async fn exception_owner(pool: &PgPool, availability_block_id: Uuid) -> Result<Option<Uuid>, AppError> {
    let owner = sqlx::query_scalar!(
        "select specialist_id from availability_blocks where availability_block_id = $1 and exception_date is not null",
        availability_block_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(owner)
}

pub async fn remove_exception(pool: &PgPool, user: &CurrentUser, availability_block_id: Uuid) -> Result<(), AppError> {
    let mut tx = begin_as(pool, user.user_id).await?;
    sqlx::query!("delete from availability_blocks where availability_block_id = $1", availability_block_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
