//! Weekly working hours as an editor sends them, checked before anything is saved.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// One row of the week editor, as typed ("09:00").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInput {
    /// 1 = Monday .. 7 = Sunday.
    pub day_of_week: i16,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidBlock {
    pub day_of_week: i16,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

pub const DAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

pub fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

/// Checks every row; errors name the row (`blocks.3`) so the editor can show them beside it.
pub fn parse_week(blocks: &[BlockInput]) -> Result<Vec<ValidBlock>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut valid: Vec<(usize, ValidBlock)> = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        let field = format!("blocks.{index}");
        if !(1..=7).contains(&block.day_of_week) {
            errors.push(FieldError::new(&field, "Choose a day of the week."));
            continue;
        }
        match (parse_time(&block.start), parse_time(&block.end)) {
            (Some(start), Some(end)) if end > start => {
                valid.push((index, ValidBlock { day_of_week: block.day_of_week, start, end }))
            }
            (Some(_), Some(_)) => errors.push(FieldError::new(&field, "The end must be after the start.")),
            _ => errors.push(FieldError::new(&field, "Enter times as HH:MM, for example 09:30.")),
        }
    }
    let mut sorted = valid.clone();
    sorted.sort_by_key(|(_, b)| (b.day_of_week, b.start));
    for pair in sorted.windows(2) {
        let ((_, earlier), (index, later)) = (pair[0], pair[1]);
        if earlier.day_of_week == later.day_of_week && later.start < earlier.end {
            let day = DAY_NAMES[(later.day_of_week - 1) as usize];
            errors.push(FieldError::new(
                &format!("blocks.{index}"),
                format!(
                    "This overlaps another block on {day} ({}-{}).",
                    earlier.start.format("%H:%M"),
                    earlier.end.format("%H:%M")
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(valid.into_iter().map(|(_, b)| b).collect())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(day: i16, start: &str, end: &str) -> BlockInput {
        BlockInput { day_of_week: day, start: start.into(), end: end.into() }
    }

    #[test]
    fn a_normal_week_parses() {
        let week = [block(1, "09:00", "13:00"), block(1, "15:00", "19:00"), block(7, "10:00", "12:00")];
        assert_eq!(parse_week(&week).unwrap().len(), 3);
    }

    #[test]
    fn back_to_back_blocks_are_fine_but_overlaps_are_named() {
        assert!(parse_week(&[block(2, "09:00", "12:00"), block(2, "12:00", "14:00")]).is_ok());
        let errors = parse_week(&[block(2, "09:00", "12:00"), block(3, "09:00", "12:00"), block(2, "11:00", "14:00")])
            .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "blocks.2");
        assert!(errors[0].message.contains("Tuesday (09:00-12:00)"), "{}", errors[0].message);
    }

    #[test]
    fn bad_rows_are_reported_each() {
        let errors = parse_week(&[block(1, "13:00", "09:00"), block(8, "09:00", "10:00"), block(3, "9am", "10:00")])
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["blocks.0", "blocks.1", "blocks.2"]);
    }
}
