//! Booking helpers shared by the scheduling tests: a specialist who works every day, dates
//! far enough ahead that notice rules never interfere, signed-in clients.
#![allow(dead_code)]

use app::server::state::AuthSettings;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Madrid;
use sqlx::PgPool;

use super::clinic::{Clinic, PASSWORD};
use super::http::{app_with, Client, Response};

/// The specialist works 09:00-17:00 every day (Madrid).
pub async fn open_every_day(pool: &PgPool, clinic: &Clinic) {
    for day in 1..=7i16 {
        sqlx::query("insert into availability_blocks (specialist_id, day_of_week, start_time, end_time) values ($1, $2, '09:00', '17:00')")
            .bind(clinic.specialist_id)
            .bind(day)
            .execute(pool)
            .await
            .unwrap();
    }
}

/// A Monday well ahead, so notice rules never interfere.
pub fn future_monday() -> NaiveDate {
    let in_three_weeks = Utc::now().date_naive() + Duration::days(21);
    in_three_weeks - Duration::days(in_three_weeks.weekday().num_days_from_monday().into())
}

pub fn madrid(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    Madrid.from_local_datetime(&date.and_hms_opt(hour, minute, 0).unwrap()).unwrap().with_timezone(&Utc)
}

pub fn router(pool: &PgPool) -> super::http::TestApp {
    app_with(pool.clone(), AuthSettings { login_attempts_per_minute: 10_000, ..AuthSettings::default() })
}

pub async fn signed_in(pool: &PgPool, email: &str) -> Client {
    let mut client = Client::new(router(pool));
    assert_eq!(client.login(email, PASSWORD).await.status, 200);
    client
}

pub async fn book(client: &mut Client, clinic: &Clinic, start: DateTime<Utc>, kind: &str) -> Response {
    let specialist = clinic.specialist_id.to_string();
    let patient = clinic.patient_id.to_string();
    let start = start.to_rfc3339();
    client
        .call(
            "appointments/book",
            &[("specialist_id", &specialist), ("appointment_type", kind), ("start", &start), ("patient_id", &patient)],
        )
        .await
}

/// `scheduling/slots` for the week of `monday`, with any further arguments (`weeks`, `moving`).
pub async fn slots(
    client: &mut Client,
    specialist_id: uuid::Uuid,
    kind: &str,
    monday: NaiveDate,
    more: &[(&str, &str)],
) -> Response {
    let specialist_id = specialist_id.to_string();
    let monday = monday.to_string();
    let mut args =
        vec![("specialist_id", specialist_id.as_str()), ("appointment_type", kind), ("week_start", monday.as_str())];
    args.extend_from_slice(more);
    client.call("scheduling/slots", &args).await
}
