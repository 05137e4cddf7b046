use chrono::{Datelike, NaiveDate, NaiveTime};
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::availability::{BlockInput, ValidBlock};
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::availability::{Availability, ExceptionView};
use crate::server::audit::begin_as;
use crate::server::policy::specialist_to_manage;

pub async fn load(pool: &PgPool, specialist_id: Uuid) -> Result<Availability, AppError> {
    let specialist = sqlx::query!(
        r#"select s.time_zone, u.first_name || ' ' || u.last_name as "name!"
           from specialists s join users u on u.user_id = s.user_id where s.specialist_id = $1"#,
        specialist_id
    )
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query!(
        r#"select availability_block_id, day_of_week, start_time, end_time, exception_date
           from availability_blocks where specialist_id = $1
             and (exception_date is null or exception_date >= current_date - 1)
           order by exception_date nulls first, day_of_week, start_time"#,
        specialist_id
    )
    .fetch_all(pool)
    .await?;
    let mut weekly = Vec::new();
    let mut exceptions = Vec::new();
    let hhmm = |t: Option<NaiveTime>| t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
    for row in rows {
        match row.exception_date {
            None => weekly.push(BlockInput {
                day_of_week: row.day_of_week,
                start: hhmm(row.start_time),
                end: hhmm(row.end_time),
            }),
            Some(date) => exceptions.push(ExceptionView {
                availability_block_id: row.availability_block_id,
                date,
                hours: match (row.start_time, row.end_time) {
                    (Some(_), Some(_)) => format!("{}-{}", hhmm(row.start_time), hhmm(row.end_time)),
                    _ => "Day off".to_string(),
                },
            }),
        }
    }
    Ok(Availability {
        specialist_id,
        specialist_name: specialist.name,
        time_zone: specialist.time_zone,
        weekly,
        exceptions,
    })
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

pub async fn remove_exception(pool: &PgPool, user: &CurrentUser, availability_block_id: Uuid) -> Result<(), AppError> {
    let owner = sqlx::query_scalar!(
        "select specialist_id from availability_blocks where availability_block_id = $1 and exception_date is not null",
        availability_block_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    // Same rule as editing: own hours, or an admin.
    specialist_to_manage(pool, user, Some(owner)).await?;
    let mut tx = begin_as(pool, user.user_id).await?;
    sqlx::query!("delete from availability_blocks where availability_block_id = $1", availability_block_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
