//! Working hours: a specialist manages their own, an admin anyone's (`policy`); the week is
//! replaced whole, an exception states one date's hours or a day off.

use chrono::{NaiveDate, NaiveTime};
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::availability::{parse_time, parse_week, BlockInput};
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::availability::{Availability, ExceptionView};
use crate::server::db::availability as db;
use crate::server::policy::specialist_to_manage;

fn hhmm(time: Option<NaiveTime>) -> String {
    time.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
}

pub async fn load(pool: &PgPool, user: &CurrentUser, requested: Option<Uuid>) -> Result<Availability, AppError> {
    let specialist_id = specialist_to_manage(pool, user, requested).await?;
    let header = db::specialist_header(pool, specialist_id).await?;
    let mut weekly = Vec::new();
    let mut exceptions = Vec::new();
    for row in db::blocks(pool, specialist_id).await? {
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
    Ok(Availability { specialist_id, specialist_name: header.name, time_zone: header.time_zone, weekly, exceptions })
}

pub async fn save_week(
    pool: &PgPool,
    user: &CurrentUser,
    requested: Option<Uuid>,
    blocks: &[BlockInput],
) -> Result<(), AppError> {
    let specialist_id = specialist_to_manage(pool, user, requested).await?;
    let week = parse_week(blocks).map_err(AppError::Validation)?;
    db::replace_week(pool, user, specialist_id, &week).await
}

/// The hours of an exception as the form sent them: None is a day off.
fn exception_hours(day_off: bool, start: &str, end: &str) -> Result<Option<(NaiveTime, NaiveTime)>, AppError> {
    if day_off {
        return Ok(None);
    }
    match (parse_time(start), parse_time(end)) {
        (Some(s), Some(e)) if e > s => Ok(Some((s, e))),
        (Some(_), Some(_)) => Err(AppError::invalid("end", "The end must be after the start.")),
        _ => Err(AppError::invalid("start", "Enter times as HH:MM, or mark the day off.")),
    }
}

pub async fn add_exception(
    pool: &PgPool,
    user: &CurrentUser,
    requested: Option<Uuid>,
    date: NaiveDate,
    day_off: bool,
    start: &str,
    end: &str,
) -> Result<(), AppError> {
    let specialist_id = specialist_to_manage(pool, user, requested).await?;
    if !crate::domain::dates::is_plannable(date) {
        return Err(AppError::invalid("date", crate::domain::dates::out_of_range_message()));
    }
    let hours = exception_hours(day_off, start, end)?;
    db::add_exception(pool, user, specialist_id, date, hours).await
}

/// Same rule as editing: own hours, or an admin. An unknown id looks like a refused one.
pub async fn remove_exception(pool: &PgPool, user: &CurrentUser, availability_block_id: Uuid) -> Result<(), AppError> {
    let owner = db::exception_owner(pool, availability_block_id).await?.ok_or(AppError::NotFound)?;
    specialist_to_manage(pool, user, Some(owner)).await?;
    db::remove_exception(pool, user, availability_block_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_hours_are_a_day_off_or_an_ordered_pair() {
        assert_eq!(exception_hours(true, "", "").unwrap(), None);
        let hours = exception_hours(false, "09:00", "13:30").unwrap().unwrap();
        assert_eq!((hours.0.to_string(), hours.1.to_string()), ("09:00:00".into(), "13:30:00".into()));
        assert!(exception_hours(false, "13:00", "09:00").unwrap_err().field_message("end").is_some());
        assert!(exception_hours(false, "nine", "13:00").unwrap_err().field_message("start").is_some());
    }
}
