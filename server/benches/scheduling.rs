//! Scheduling benchmarks, printed as a table (run: `make bench`, numbers in docs/benchmarks.md).
//!
//! 1. The slot engine for one specialist over one year (weekly blocks, ~50 exceptions, ~5,000
//!    appointments) against the naive reference that checks every candidate against every
//!    appointment.
//! 2. The slots server function end to end (HTTP through the real router, session included)
//!    for a week and for a month in one call, and the staff calendar's month of everyone, with
//!    20 specialists and ~20,000 appointments.
//! 3. 100 simultaneous bookings of one slot: exactly one wins; and 100 admin bookings of 100
//!    different slots at once; each with the audit chain sealing and with it off; latencies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration as StdDuration, Instant};

use app::domain::slots::{free_slots, free_slots_naive, Busy, Exception, Schedule, SlotRules, WeeklyBlock};
use app::server::state::{AppState, AuthSettings};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Madrid;
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;

use common::{body_of, percentile, post_form, sign_in};

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Mon-Fri 09:00-13:00 and 15:00-19:00, a year of 30-minute appointments filling about half
/// the time, and 50 exceptions.
fn year_schedule(first: NaiveDate) -> Schedule {
    let mut weekly = Vec::new();
    for weekday in [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri] {
        weekly.push(WeeklyBlock { weekday, start: time(9, 0), end: time(13, 0) });
        weekly.push(WeeklyBlock { weekday, start: time(15, 0), end: time(19, 0) });
    }
    let mut exceptions = Vec::new();
    for n in 0..50 {
        let date = first + Duration::days(n * 7 + 2);
        exceptions.push(if n % 2 == 0 {
            Exception::DayOff(date)
        } else {
            Exception::Hours { date, start: time(10, 0), end: time(14, 0) }
        });
    }
    let mut busy = Vec::new();
    let mut day = first;
    while busy.len() < 5_000 {
        if day.weekday().number_from_monday() <= 5 {
            for hour in [9, 10, 11, 12, 15, 16, 17, 18] {
                for minute in [0, 30] {
                    if (hour + minute / 30 + day.day()).is_multiple_of(2) && busy.len() < 5_000 {
                        let start =
                            Madrid.from_local_datetime(&day.and_time(time(hour, minute))).unwrap().with_timezone(&Utc);
                        busy.push(Busy { start, end: start + Duration::minutes(30) });
                    }
                }
            }
        }
        day += Duration::days(1);
    }
    Schedule { zone: Madrid, weekly, exceptions, busy }
}

fn bench_engine() {
    let first = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let last = first + Duration::days(364);
    let schedule = year_schedule(first);
    let rules = SlotRules {
        duration: Duration::minutes(30),
        step: Duration::minutes(15),
        buffer: Duration::minutes(5),
        now: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
        minimum_notice: Duration::hours(2),
    };
    let fast = free_slots(&schedule, &rules, first, last);
    let naive = free_slots_naive(&schedule, &rules, first, last);
    assert_eq!(fast, naive, "the engine and the reference must agree");

    let runs = 50;
    let mut fast_times = Vec::new();
    for _ in 0..runs {
        let began = Instant::now();
        std::hint::black_box(free_slots(&schedule, &rules, first, last));
        fast_times.push(began.elapsed());
    }
    let mut naive_times = Vec::new();
    for _ in 0..5 {
        let began = Instant::now();
        std::hint::black_box(free_slots_naive(&schedule, &rules, first, last));
        naive_times.push(began.elapsed());
    }
    fast_times.sort();
    naive_times.sort();
    let fast_median = percentile(&fast_times, 0.5);
    let naive_median = percentile(&naive_times, 0.5);
    println!("\n## Slot engine: one specialist, one year");
    println!(
        "{} appointments, {} exceptions, {} free slots found",
        schedule.busy.len(),
        schedule.exceptions.len(),
        fast.len()
    );
    println!("| implementation | median | p95 |");
    println!("|---|---|---|");
    println!("| sweep (free_slots) | {:?} | {:?} |", fast_median, percentile(&fast_times, 0.95));
    println!("| naive reference | {:?} | {:?} |", naive_median, percentile(&naive_times, 0.95));
    println!("speed-up: {:.0}x", naive_median.as_secs_f64() / fast_median.as_secs_f64());
}

/// 200 calls of `scheduling/slots` for `weeks` weeks over HTTP (session included), sorted times.
async fn slot_calls(
    router: &axum::Router,
    cookie: &str,
    specialists: &[uuid::Uuid],
    today: NaiveDate,
    weeks: u32,
) -> Vec<StdDuration> {
    let mut times = Vec::new();
    for round in 0..200 {
        let specialist = specialists[round % specialists.len()];
        let body = format!(
            "specialist_id={specialist}&appointment_type=Follow-up&weeks={weeks}&week_start={}",
            today + Duration::days(7 * (1 + (round as i64 % 4)))
        );
        let began = Instant::now();
        let response = post_form(router.clone(), Some(cookie), "scheduling/slots", body).await;
        assert!(response.status().is_success());
        body_of(response).await;
        times.push(began.elapsed());
    }
    times.sort();
    times
}

async fn bench_database(pool: &PgPool) {
    // 20 specialists, each Mon-Fri 09:00-19:00, ~1,000 appointments each over a year.
    let hash = app::server::password::hash_password_blocking("benchmark password 1").unwrap();
    let patient: uuid::Uuid = sqlx::query_scalar(
        "with u as (insert into users (email, password_hash, role, first_name, last_name)
                    values ('bench.patient@example.org', $1, 'Patient', 'Bench', 'Patient') returning user_id)
         insert into patients (user_id, date_of_birth) select user_id, '1980-01-01' from u returning patient_id",
    )
    .bind(&hash)
    .fetch_one(pool)
    .await
    .unwrap();
    let today = Utc::now().with_timezone(&Madrid).date_naive();
    let mut specialists = Vec::new();
    for n in 0..20 {
        let id: uuid::Uuid = sqlx::query_scalar(
            "with u as (insert into users (email, password_hash, role, first_name, last_name)
                        values ($1, $2, 'Specialist', 'Bench', 'Specialist') returning user_id)
             insert into specialists (user_id, specialty, professional_license) select user_id, 'Acupuncture', 'B' from u
             returning specialist_id",
        )
        .bind(format!("bench.specialist.{n}@example.org"))
        .bind(&hash)
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "insert into availability_blocks (specialist_id, day_of_week, start_time, end_time)
             select $1, d, '09:00', '19:00' from generate_series(1, 5) d",
        )
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
        // Every other half hour of every working day for a year: ~1,000 per specialist.
        sqlx::query(
            "insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type)
             select $1, $2, t, t + interval '30 minutes', 'Confirmed', 'Follow-up'
             from generate_series(($3::date + time '09:00') at time zone 'Europe/Madrid',
                                  ($3::date + 365 + time '09:00') at time zone 'Europe/Madrid', interval '1 hour') t
             where extract(isodow from t at time zone 'Europe/Madrid') <= 5
               and (t at time zone 'Europe/Madrid')::time between '09:00' and '18:00'
               and (extract(doy from t)::int + $4) % 5 < 2",
        )
        .bind(id)
        .bind(patient)
        .bind(today)
        .bind(n)
        .execute(pool)
        .await
        .unwrap();
        specialists.push(id);
    }
    sqlx::query("analyze").execute(pool).await.unwrap();
    let total: i64 = sqlx::query_scalar("select count(*) from appointments").fetch_one(pool).await.unwrap();

    // The server function end to end: HTTP through the router, with the session.
    let state = AppState::new(
        LeptosOptions::builder().output_name("syei").build(),
        pool.clone(),
        AuthSettings { login_attempts_per_minute: 10_000, ..AuthSettings::default() },
        app::server::crypto::MasterKeys::new(vec![app::server::crypto::MasterKey::generate("mk-bench".into())])
            .unwrap(),
    );
    let http = server::startup::HttpSettings::direct("127.0.0.1:3000".parse().unwrap(), false);
    let router = server::router(state, std::sync::Arc::new(http));
    let cookie = sign_in(&router, "bench.patient%40example.org").await;
    let week_times = slot_calls(&router, &cookie, &specialists, today, 1).await;
    // A month: five weeks in one call, hours and appointments read once for the range.
    let month_times = slot_calls(&router, &cookie, &specialists, today, 5).await;

    // The staff calendar's busiest view: a month of everyone's appointments, for an admin.
    sqlx::query(
        "insert into users (email, password_hash, role, first_name, last_name)
         values ('bench.admin@example.org', $1, 'Admin', 'Bench', 'Admin')",
    )
    .bind(&hash)
    .execute(pool)
    .await
    .unwrap();
    let admin_cookie = sign_in(&router, "bench.admin%40example.org").await;
    let mut calendar_times = Vec::new();
    let mut shown = 0;
    for round in 0..50 {
        let body = format!("view=month&anchor={}", today + Duration::days(30 * (1 + (round % 3))));
        let began = Instant::now();
        let response = post_form(router.clone(), Some(&admin_cookie), "calendar/view", body).await;
        assert!(response.status().is_success());
        let bytes = body_of(response).await;
        calendar_times.push(began.elapsed());
        let calendar: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        shown = calendar["appointments"].as_array().map_or(0, Vec::len);
    }
    calendar_times.sort();
    println!("\n## Slots from the database ({} specialists, {total} appointments)", specialists.len());
    println!("| measure | p50 | p95 | max |");
    println!("|---|---|---|---|");
    println!(
        "| scheduling/slots over HTTP (one week, session checked) | {:?} | {:?} | {:?} |",
        percentile(&week_times, 0.5),
        percentile(&week_times, 0.95),
        week_times[week_times.len() - 1]
    );
    println!(
        "| scheduling/slots over HTTP (a month: 5 weeks in one call) | {:?} | {:?} | {:?} |",
        percentile(&month_times, 0.5),
        percentile(&month_times, 0.95),
        month_times[month_times.len() - 1]
    );
    println!(
        "| calendar/view over HTTP (a month of all specialists, {shown} appointments) | {:?} | {:?} | {:?} |",
        percentile(&calendar_times, 0.5),
        percentile(&calendar_times, 0.95),
        calendar_times[calendar_times.len() - 1]
    );

    // Contention: 100 simultaneous bookings of the same free slot, then 100 admin bookings of
    // 100 different slots at once. Each is run with the audit chain sealing every audit row at
    // commit (as in production) and with its trigger switched off, alternately, several
    // rounds: the difference is what the tamper evidence costs (one binary, one database, so
    // nothing else differs).
    println!("\n## 100 simultaneous bookings of one slot, and of 100 different slots");
    println!("| race | audit chain | booked | told \"just taken\" | p50 | p99 | wall |");
    println!("|---|---|---|---|---|---|---|");
    let mut free = free_slots_ahead(pool, &specialists, today).await;
    // Round 0 warms up (first sign-ins, connections, plans) and is labelled so; the order of
    // the two variants alternates, so neither always runs first.
    for round in 0..4 {
        let order = if round % 2 == 0 { [true, false] } else { [false, true] };
        for sealed in order {
            set_chain_sealing(pool, sealed).await;
            let label = match (round, sealed) {
                (0, true) => "sealed at commit (warm-up)",
                (0, false) => "trigger off (warm-up)",
                (_, true) => "sealed at commit",
                (_, false) => "trigger off",
            };
            let (slot, specialist) = free.remove(0);
            same_slot_race(pool, &router, &hash, specialist, slot, &format!("{round}.{sealed}"), label).await;
            let slots: Vec<_> = free.drain(..100).collect();
            spread_race(pool, &router, &admin_cookie, &slots, &format!("{round}.{sealed}"), label).await;
        }
    }
    set_chain_sealing(pool, true).await;
}

/// Switches the audit chain's sealing trigger (migration 20261129000013) on or off.
async fn set_chain_sealing(pool: &PgPool, on: bool) {
    let verb = if on { "enable" } else { "disable" };
    sqlx::query(&format!("alter table audit_logs {verb} trigger audit_logs_chain")).execute(pool).await.unwrap();
}

/// Free slots three weeks ahead and later, of every specialist but the first's hours already
/// booked, at least an hour apart per specialist (so no two of them overlap).
async fn free_slots_ahead(
    pool: &PgPool,
    specialists: &[uuid::Uuid],
    today: NaiveDate,
) -> Vec<(chrono::DateTime<Utc>, uuid::Uuid)> {
    let monday = today + Duration::days(21);
    let monday = monday - Duration::days(monday.weekday().num_days_from_monday().into());
    let mut free = Vec::new();
    for &specialist in specialists {
        let weeks = app::server::services::slots::week_slots(
            pool,
            specialist,
            "Follow-up",
            (Some(monday), 4),
            None,
            Utc::now(),
        )
        .await
        .unwrap();
        let mut last: Option<chrono::DateTime<Utc>> = None;
        for start in weeks.days.iter().flat_map(|d| d.slots.iter()).map(|slot| slot.start) {
            if last.is_none_or(|last| start >= last + Duration::hours(1)) {
                free.push((start, specialist));
                last = Some(start);
            }
        }
    }
    assert!(free.len() >= 4 * 2 * 101, "only {} free slots", free.len());
    free
}

/// Sends the bookings at once; (status, latency) of each, and the time until the last answer.
async fn race(router: &axum::Router, calls: Vec<(String, String)>) -> (Vec<(u16, StdDuration)>, StdDuration) {
    let began = Instant::now();
    let mut tasks = Vec::new();
    for (cookie, body) in calls {
        let router = router.clone();
        tasks.push(tokio::spawn(async move {
            let began = Instant::now();
            let response = post_form(router, Some(&cookie), "appointments/book", body).await;
            let status = response.status().as_u16();
            let body = body_of(response).await;
            if status != 200 && status != 409 {
                eprintln!("booking answered {status}: {}", String::from_utf8_lossy(&body));
            }
            (status, began.elapsed())
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    (outcomes, began.elapsed())
}

fn print_race(name: &str, label: &str, outcomes: &[(u16, StdDuration)], wall: StdDuration) -> (usize, usize) {
    let won = outcomes.iter().filter(|o| o.0 == 200).count();
    let taken = outcomes.iter().filter(|o| o.0 == 409).count();
    let mut latencies: Vec<StdDuration> = outcomes.iter().map(|o| o.1).collect();
    latencies.sort();
    println!(
        "| {name} | {label} | {won} | {taken} | {:?} | {:?} | {wall:?} |",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    (won, taken)
}

fn booking_body(specialist: uuid::Uuid, slot: chrono::DateTime<Utc>, patient: uuid::Uuid) -> String {
    format!(
        "specialist_id={specialist}&appointment_type=Follow-up&start={}&patient_id={patient}",
        slot.to_rfc3339().replace('+', "%2B")
    )
}

/// 100 calls by one patient for one free slot: exactly one wins.
async fn same_slot_race(
    pool: &PgPool,
    router: &axum::Router,
    hash: &str,
    specialist: uuid::Uuid,
    slot: chrono::DateTime<Utc>,
    tag: &str,
    label: &str,
) {
    // A patient with no appointments yet races for it (the bench patient holds thousands,
    // far beyond the clinic's limit of upcoming appointments per patient).
    let email = format!("bench.racer.{tag}@example.org");
    let patient: uuid::Uuid = sqlx::query_scalar(
        "with u as (insert into users (email, password_hash, role, first_name, last_name)
                    values ($1, $2, 'Patient', 'Bench', 'Racer') returning user_id)
         insert into patients (user_id, date_of_birth) select user_id, '1980-01-01' from u returning patient_id",
    )
    .bind(&email)
    .bind(hash)
    .fetch_one(pool)
    .await
    .unwrap();
    let cookie = sign_in(router, &email.replace('@', "%40")).await;
    let calls = (0..100).map(|_| (cookie.clone(), booking_body(specialist, slot, patient))).collect();
    let (outcomes, wall) = race(router, calls).await;
    let (won, taken) = print_race("one slot", label, &outcomes, wall);
    let others: Vec<u16> = outcomes.iter().map(|o| o.0).filter(|s| *s != 200 && *s != 409).collect();
    assert_eq!((won, taken), (1, 99), "other answers: {others:?}");
}

/// 100 calls by the admin at once, each for another patient and another free slot: all win,
/// and every one writes audit rows, so the chain's commit-time lock is what they queue on.
async fn spread_race(
    pool: &PgPool,
    router: &axum::Router,
    admin_cookie: &str,
    slots: &[(chrono::DateTime<Utc>, uuid::Uuid)],
    tag: &str,
    label: &str,
) {
    let patients: Vec<uuid::Uuid> = sqlx::query_scalar(
        "with u as (insert into users (email, password_hash, role, first_name, last_name)
                    select 'bench.spread.' || $1 || '.' || n || '@example.org', 'x', 'Patient', 'Bench', 'Spread'
                    from generate_series(1, $2) n returning user_id)
         insert into patients (user_id, date_of_birth) select user_id, '1980-01-01' from u returning patient_id",
    )
    .bind(tag)
    .bind(i32::try_from(slots.len()).unwrap())
    .fetch_all(pool)
    .await
    .unwrap();
    let calls = slots
        .iter()
        .zip(&patients)
        .map(|(&(slot, specialist), &patient)| (admin_cookie.to_string(), booking_body(specialist, slot, patient)))
        .collect();
    let (outcomes, wall) = race(router, calls).await;
    let (won, _) = print_race("100 slots", label, &outcomes, wall);
    assert_eq!(won, slots.len(), "every booking of a free slot succeeds");
}

#[tokio::main]
async fn main() {
    bench_engine();
    let Some((admin, pool)) = common::scratch_database("syei_bench").await else {
        println!("\n(DATABASE_URL not set: the database benchmarks were skipped; run `make bench`)");
        return;
    };
    bench_database(&pool).await;
    common::drop_database(&admin, pool, "syei_bench").await;
}
