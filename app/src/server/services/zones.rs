//! Time zones, on the server only: the browser shows labels the server wrote and asks the server
//! to place a wall-clock time it picked, so the IANA database never ships in the WASM.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::AppError;
use crate::model::calendar::PlacedTime;

/// The zone named `name`, or a field error on `time_zone`.
pub fn zone(name: &str) -> Result<Tz, AppError> {
    name.parse::<Tz>().map_err(|_| AppError::invalid("time_zone", "Choose a time zone such as Europe/Madrid."))
}

/// The instant `local` is in the zone named `zone_name`. A time the clocks skip does not exist;
/// a time they repeat is the earlier one.
pub fn place_time(zone_name: &str, local: NaiveDateTime) -> Result<PlacedTime, AppError> {
    let zone = zone(zone_name)?;
    let at = zone
        .from_local_datetime(&local)
        .earliest()
        .ok_or_else(|| AppError::invalid("time", "That time does not exist on that day (the clocks change)."))?;
    Ok(PlacedTime { start: at.with_timezone(&Utc), label: at.format("%a %-d %b, %H:%M").to_string() })
}

/// "Tue 1 Dec, 10:00–11:00 (Europe/Madrid)": in the specialist's zone, labelled with it.
pub fn when_label(start: DateTime<Utc>, end: DateTime<Utc>, zone_name: &str) -> String {
    let tz: Tz = zone_name.parse().unwrap_or(chrono_tz::UTC);
    let (start, end) = (start.with_timezone(&tz), end.with_timezone(&tz));
    format!("{}–{} ({zone_name})", start.format("%a %-d %b, %H:%M"), end.format("%H:%M"))
}

/// Today's date in the zone named `zone_name`.
pub fn today_in(zone_name: &str) -> chrono::NaiveDate {
    let tz: Tz = zone_name.parse().unwrap_or(chrono_tz::UTC);
    Utc::now().with_timezone(&tz).date_naive()
}

/// "4 Mar 2027, 10:42" in the zone named `zone_name`.
pub fn moment_label(at: DateTime<Utc>, zone_name: &str) -> String {
    let tz: Tz = zone_name.parse().unwrap_or(chrono_tz::UTC);
    at.with_timezone(&tz).format("%-d %b %Y, %H:%M").to_string()
}

/// The clinic's date today (its zone from the settings).
pub async fn clinic_today(pool: &sqlx::PgPool) -> Result<(chrono::NaiveDate, String), AppError> {
    let zone_name = crate::server::db::clinic::clinic_zone(pool).await?;
    Ok((today_in(&zone_name), zone_name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn wall_times_are_placed_in_their_zone() {
        let winter = place_time("Europe/Madrid", local(2026, 12, 1, 10, 0)).unwrap();
        assert_eq!(winter.start.to_rfc3339(), "2026-12-01T09:00:00+00:00");
        assert_eq!(winter.label, "Tue 1 Dec, 10:00");
        let summer = place_time("Europe/Madrid", local(2026, 7, 1, 10, 0)).unwrap();
        assert_eq!(summer.start.to_rfc3339(), "2026-07-01T08:00:00+00:00");
    }

    #[test]
    fn labels_are_in_the_named_zone() {
        let start = "2026-12-01T09:00:00Z".parse().unwrap();
        let end = "2026-12-01T10:00:00Z".parse().unwrap();
        assert_eq!(when_label(start, end, "Europe/Madrid"), "Tue 1 Dec, 10:00–11:00 (Europe/Madrid)");
        assert_eq!(when_label(start, end, "America/New_York"), "Tue 1 Dec, 04:00–05:00 (America/New_York)");
    }

    #[test]
    fn skipped_times_and_unknown_zones_are_refused_by_field() {
        // Madrid's clocks jump from 02:00 to 03:00 on 29 March 2026.
        let gap = place_time("Europe/Madrid", local(2026, 3, 29, 2, 30)).unwrap_err();
        assert!(gap.field_message("time").is_some(), "{gap}");
        let unknown = place_time("Mars/Olympus_Mons", local(2026, 3, 29, 10, 0)).unwrap_err();
        assert!(unknown.field_message("time_zone").is_some(), "{unknown}");
        // A repeated hour (25 October 2026, 02:30 happens twice) is the earlier one.
        let repeated = place_time("Europe/Madrid", local(2026, 10, 25, 2, 30)).unwrap();
        assert_eq!(repeated.start.to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }
}
