//! The slot engine: free appointment times for one specialist, as pure computation.
//!
//! free slots = working hours (weekly blocks, replaced by a date's exceptions)
//!            - active appointments (each widened by the buffer)
//!            - anything before the earliest bookable instant (now + minimum notice)
//!
//! Working hours are wall-clock times in the specialist's IANA zone, so candidate starts are
//! stepped in local time and then resolved to instants: a local time that does not exist (the
//! hour skipped in spring) yields no slot, and a local time that happens twice (the hour
//! repeated in autumn) yields one slot, at its first occurrence. Durations are real elapsed time.
//!
//! Appointments are merged into a sorted list of disjoint busy intervals once, then swept with
//! one pointer while the candidates advance: O(appointments log appointments + candidates),
//! instead of checking every candidate against every appointment.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Working hours that repeat every week, in the specialist's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyBlock {
    pub weekday: Weekday,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A date whose hours differ from the week's: off entirely, or other hours (several rows for
/// one date give several windows). Exceptions replace that date's weekly blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exception {
    DayOff(NaiveDate),
    Hours { date: NaiveDate, start: NaiveTime, end: NaiveTime },
}

impl Exception {
    pub fn date(&self) -> NaiveDate {
        match *self {
            Exception::DayOff(date) | Exception::Hours { date, .. } => date,
        }
    }
}

/// Time an active appointment holds, as instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Busy {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// One specialist's calendar as the engine needs it.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub zone: Tz,
    pub weekly: Vec<WeeklyBlock>,
    pub exceptions: Vec<Exception>,
    /// Active (Pending, Confirmed) appointments, in any order.
    pub busy: Vec<Busy>,
}

/// What is being booked and under which clinic rules.
#[derive(Debug, Clone, Copy)]
pub struct SlotRules {
    pub duration: Duration,
    /// Distance between candidate starts (e.g. 15 minutes).
    pub step: Duration,
    /// Kept free after every appointment (and so before a new one that precedes another).
    pub buffer: Duration,
    pub now: DateTime<Utc>,
    /// How long before its start an appointment can still be booked.
    pub minimum_notice: Duration,
}

impl SlotRules {
    fn earliest(&self) -> DateTime<Utc> {
        self.now + self.minimum_notice
    }
}

/// Why an instant cannot be booked, for the calendar's hover/tap explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Unbookable {
    #[error("in the past")]
    InThePast,
    #[error("too soon to book")]
    TooSoon,
    #[error("day off")]
    DayOff,
    #[error("outside working hours")]
    OutsideWorkingHours,
    #[error("booked")]
    Booked,
}

/// The first instant a local wall-clock time denotes; None when it does not exist.
fn first_instant(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// The instant a window's bound stands for; a bound inside a skipped hour moves to the end of
/// the gap (the first local time that exists again).
fn bound_instant(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..(3 * 60) {
        if let Some(at) = first_instant(zone, probe) {
            return at;
        }
        probe += Duration::minutes(1);
    }
    // No zone skips three hours; fall back to reading the wall time as UTC.
    local.and_utc()
}

/// Working windows of one local date, sorted and merged: exceptions win over weekly blocks.
pub fn windows_on(schedule: &Schedule, date: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
    let exceptions: Vec<&Exception> = schedule.exceptions.iter().filter(|e| e.date() == date).collect();
    let mut windows: Vec<(NaiveTime, NaiveTime)> = if exceptions.is_empty() {
        schedule.weekly.iter().filter(|b| b.weekday == date.weekday()).map(|b| (b.start, b.end)).collect()
    } else if exceptions.iter().any(|e| matches!(e, Exception::DayOff(_))) {
        Vec::new()
    } else {
        exceptions
            .iter()
            .filter_map(|e| match **e {
                Exception::Hours { start, end, .. } => Some((start, end)),
                Exception::DayOff(_) => None,
            })
            .collect()
    };
    windows.retain(|(start, end)| start < end);
    windows.sort();
    let mut merged: Vec<(NaiveTime, NaiveTime)> = Vec::with_capacity(windows.len());
    for (start, end) in windows {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Busy time as sorted, disjoint intervals, each widened by the buffer after it.
fn merged_busy(busy: &[Busy], buffer: Duration) -> Vec<Busy> {
    let mut sorted: Vec<Busy> = busy.iter().map(|b| Busy { start: b.start, end: b.end + buffer }).collect();
    sorted.sort_by_key(|b| b.start);
    let mut merged: Vec<Busy> = Vec::with_capacity(sorted.len());
    for b in sorted {
        match merged.last_mut() {
            Some(last) if b.start <= last.end => last.end = last.end.max(b.end),
            _ => merged.push(b),
        }
    }
    merged
}

/// Every candidate start in the dates' working windows, in increasing order: the start and the
/// instant its window closes.
fn candidates(schedule: &Schedule, rules: &SlotRules, from: NaiveDate, to: NaiveDate) -> Vec<DateTime<Utc>> {
    let mut starts = Vec::new();
    let step = rules.step.max(Duration::minutes(1));
    let mut date = from;
    while date <= to {
        for (window_start, window_end) in windows_on(schedule, date) {
            let closes = bound_instant(schedule.zone, date.and_time(window_end));
            let mut local = date.and_time(window_start);
            let last_local = date.and_time(window_end);
            while local < last_local {
                if let Some(start) = first_instant(schedule.zone, local) {
                    let increasing = starts.last().is_none_or(|last| start > *last);
                    if increasing && start + rules.duration <= closes {
                        starts.push(start);
                    }
                }
                local += step;
            }
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    starts
}

/// Free slot starts for `from..=to` (local dates in the specialist's zone).
pub fn free_slots(schedule: &Schedule, rules: &SlotRules, from: NaiveDate, to: NaiveDate) -> Vec<DateTime<Utc>> {
    // Widening each appointment by the buffer keeps time after it free; asking for
    // `duration + buffer` keeps time before the next one free.
    let busy = merged_busy(&schedule.busy, rules.buffer);
    let needed = rules.duration + rules.buffer;
    let earliest = rules.earliest();
    let mut next_busy = 0;
    let mut free = Vec::new();
    for start in candidates(schedule, rules, from, to) {
        if start < earliest {
            continue;
        }
        while next_busy < busy.len() && busy[next_busy].end <= start {
            next_busy += 1;
        }
        let clashes = busy.get(next_busy).is_some_and(|b| b.start < start + needed);
        if !clashes {
            free.push(start);
        }
    }
    free
}

/// The reference the engine is measured and tested against: every candidate checked against
/// every appointment. Same answers, quadratic time.
pub fn free_slots_naive(schedule: &Schedule, rules: &SlotRules, from: NaiveDate, to: NaiveDate) -> Vec<DateTime<Utc>> {
    let earliest = rules.earliest();
    candidates(schedule, rules, from, to)
        .into_iter()
        .filter(|start| *start >= earliest)
        .filter(|start| {
            let end = *start + rules.duration;
            schedule.busy.iter().all(|b| !(b.start < end + rules.buffer && *start < b.end + rules.buffer))
        })
        .collect()
}

/// Why `start` (for `rules.duration`) cannot be booked, or Ok when it can. Any start inside
/// the working hours counts, not only the grid of candidate starts.
pub fn explain(schedule: &Schedule, rules: &SlotRules, start: DateTime<Utc>) -> Result<(), Unbookable> {
    if start < rules.now {
        return Err(Unbookable::InThePast);
    }
    if start < rules.earliest() {
        return Err(Unbookable::TooSoon);
    }
    let date = start.with_timezone(&schedule.zone).date_naive();
    if schedule.exceptions.contains(&Exception::DayOff(date)) {
        return Err(Unbookable::DayOff);
    }
    let end = start + rules.duration;
    let inside = windows_on(schedule, date).into_iter().any(|(open, close)| {
        let opens = bound_instant(schedule.zone, date.and_time(open));
        let closes = bound_instant(schedule.zone, date.and_time(close));
        opens <= start && end <= closes
    });
    if !inside {
        return Err(Unbookable::OutsideWorkingHours);
    }
    let clashes = schedule.busy.iter().any(|b| b.start < end + rules.buffer && start < b.end + rules.buffer);
    if clashes {
        return Err(Unbookable::Booked);
    }
    Ok(())
}

/// One row of a day in the booking calendar: a free start, or a stretch that cannot be booked
/// and why (shown on hover and tap, so nobody wonders why 11:00 is missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanEntry {
    Free(DateTime<Utc>),
    Closed { start: DateTime<Utc>, end: DateTime<Utc>, reason: Unbookable },
}

/// Every step of `date` from `open` to `close` (local wall times, the calendar's display
/// range), free or closed with its reason; neighbouring closed steps with one reason merge.
pub fn day_plan(
    schedule: &Schedule,
    rules: &SlotRules,
    date: NaiveDate,
    open: NaiveTime,
    close: NaiveTime,
) -> Vec<PlanEntry> {
    let free: std::collections::BTreeSet<DateTime<Utc>> = free_slots(schedule, rules, date, date).into_iter().collect();
    let step = rules.step.max(Duration::minutes(1));
    let last_local = date.and_time(close);
    let mut plan: Vec<PlanEntry> = Vec::new();
    let mut local = date.and_time(open);
    while local < last_local {
        let cell_end = bound_instant(schedule.zone, (local + step).min(last_local));
        if let Some(start) = first_instant(schedule.zone, local).filter(|start| *start < cell_end) {
            if free.contains(&start) {
                plan.push(PlanEntry::Free(start));
            } else {
                // A start inside the hours that still cannot be offered runs past closing time
                // or into the next appointment's buffer: "outside working hours" is the honest
                // short answer for the former, and the clash check already names the latter.
                let reason = explain(schedule, rules, start).err().unwrap_or(Unbookable::OutsideWorkingHours);
                match plan.last_mut() {
                    Some(PlanEntry::Closed { end, reason: last, .. }) if *last == reason && *end == start => {
                        *end = cell_end
                    }
                    _ => plan.push(PlanEntry::Closed { start, end: cell_end, reason }),
                }
            }
        }
        local += step;
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::Madrid};
    use proptest::prelude::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn every_day(start: NaiveTime, end: NaiveTime) -> Vec<WeeklyBlock> {
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun]
            .into_iter()
            .map(|weekday| WeeklyBlock { weekday, start, end })
            .collect()
    }

    fn rules(minutes: i64) -> SlotRules {
        SlotRules {
            duration: Duration::minutes(minutes),
            step: Duration::minutes(30),
            buffer: Duration::zero(),
            now: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
            minimum_notice: Duration::zero(),
        }
    }

    fn local(zone: Tz, slots: &[DateTime<Utc>]) -> Vec<String> {
        slots.iter().map(|s| s.with_timezone(&zone).format("%H:%M%:z").to_string()).collect()
    }

    #[test]
    fn spring_forward_skips_the_missing_hour_in_madrid() {
        // 2026-03-29: at 02:00 Madrid clocks jump to 03:00.
        let schedule =
            Schedule { zone: Madrid, weekly: every_day(time(1, 0), time(4, 0)), exceptions: vec![], busy: vec![] };
        let day = date(2026, 3, 29);
        let slots = free_slots(&schedule, &rules(30), day, day);
        assert_eq!(local(Madrid, &slots), vec!["01:00+01:00", "01:30+01:00", "03:00+02:00", "03:30+02:00"]);
    }

    #[test]
    fn fall_back_offers_the_repeated_hour_once_in_new_york() {
        // 2026-11-01: at 02:00 New York clocks go back to 01:00.
        let schedule =
            Schedule { zone: New_York, weekly: every_day(time(0, 0), time(3, 0)), exceptions: vec![], busy: vec![] };
        let day = date(2026, 11, 1);
        let slots = free_slots(&schedule, &rules(60), day, day);
        // 01:00 and 01:30 happen twice; each is offered once (first occurrence), and the
        // extra real hour lets 01:30 EDT run for 60 minutes.
        assert_eq!(
            local(New_York, &slots),
            vec!["00:00-04:00", "00:30-04:00", "01:00-04:00", "01:30-04:00", "02:00-05:00"]
        );
        let unique: std::collections::BTreeSet<_> = slots.iter().collect();
        assert_eq!(unique.len(), slots.len());
    }

    #[test]
    fn a_slot_keeps_its_wall_clock_time_across_the_change() {
        let schedule =
            Schedule { zone: Madrid, weekly: every_day(time(10, 0), time(11, 0)), exceptions: vec![], busy: vec![] };
        let slots = free_slots(&schedule, &rules(60), date(2026, 3, 28), date(2026, 3, 30));
        assert_eq!(local(Madrid, &slots), vec!["10:00+01:00", "10:00+02:00", "10:00+02:00"]);
    }

    #[test]
    fn exceptions_win_over_weekly_blocks() {
        let day = date(2026, 12, 2);
        let mut schedule = Schedule {
            zone: Madrid,
            weekly: every_day(time(9, 0), time(11, 0)),
            exceptions: vec![Exception::DayOff(day)],
            busy: vec![],
        };
        assert!(free_slots(&schedule, &rules(60), day, day).is_empty());
        schedule.exceptions = vec![Exception::Hours { date: day, start: time(16, 0), end: time(17, 0) }];
        assert_eq!(local(Madrid, &free_slots(&schedule, &rules(60), day, day)), vec!["16:00+01:00"]);
    }

    #[test]
    fn explanations_name_the_reason() {
        let day = date(2026, 12, 2);
        let at = |h: u32| Madrid.from_local_datetime(&day.and_time(time(h, 0))).unwrap().with_timezone(&Utc);
        let schedule = Schedule {
            zone: Madrid,
            weekly: every_day(time(9, 0), time(13, 0)),
            exceptions: vec![Exception::DayOff(date(2026, 12, 3))],
            busy: vec![Busy { start: at(10), end: at(11) }],
        };
        let mut r = rules(60);
        assert_eq!(explain(&schedule, &r, at(9)), Ok(()));
        assert_eq!(explain(&schedule, &r, at(10)), Err(Unbookable::Booked));
        assert_eq!(explain(&schedule, &r, at(15)), Err(Unbookable::OutsideWorkingHours));
        assert_eq!(explain(&schedule, &r, at(12) + Duration::minutes(30)), Err(Unbookable::OutsideWorkingHours));
        assert_eq!(explain(&schedule, &r, at(9) + Duration::days(1)), Err(Unbookable::DayOff));
        r.now = at(8);
        r.minimum_notice = Duration::hours(2);
        assert_eq!(explain(&schedule, &r, at(9)), Err(Unbookable::TooSoon));
        assert_eq!(explain(&schedule, &r, at(7)), Err(Unbookable::InThePast));
    }

    #[test]
    fn buffers_keep_time_free_on_both_sides() {
        let day = date(2026, 12, 2);
        let at = |h: u32, m: u32| Madrid.from_local_datetime(&day.and_time(time(h, m))).unwrap().with_timezone(&Utc);
        let schedule = Schedule {
            zone: Madrid,
            weekly: every_day(time(9, 0), time(12, 0)),
            exceptions: vec![],
            busy: vec![Busy { start: at(10, 0), end: at(10, 30) }],
        };
        let r = SlotRules { buffer: Duration::minutes(15), ..rules(30) };
        assert_eq!(
            local(Madrid, &free_slots(&schedule, &r, day, day)),
            vec!["09:00+01:00", "11:00+01:00", "11:30+01:00"]
        );
    }

    fn zone() -> impl Strategy<Value = Tz> {
        prop_oneof![Just(Madrid), Just(New_York)]
    }

    /// Weeks around the 2026 changes in both zones, and an ordinary one.
    fn first_day() -> impl Strategy<Value = NaiveDate> {
        prop_oneof![
            Just(date(2026, 3, 6)),
            Just(date(2026, 3, 26)),
            Just(date(2026, 10, 22)),
            Just(date(2026, 10, 29)),
            Just(date(2026, 6, 1))
        ]
    }

    fn quarter_hour() -> impl Strategy<Value = NaiveTime> {
        (0u32..96).prop_map(|q| time(q / 4, (q % 4) * 15))
    }

    fn schedule_strategy() -> impl Strategy<Value = (Schedule, NaiveDate, SlotRules)> {
        (
            zone(),
            first_day(),
            prop::collection::vec((0u32..7, quarter_hour(), quarter_hour()), 0..8),
            prop::collection::vec((0i64..10, prop::option::of((quarter_hour(), quarter_hour()))), 0..4),
            prop::collection::vec((0i64..10 * 96, 1i64..12), 0..40),
            prop_oneof![Just(15i64), Just(30), Just(60), Just(90)],
            prop_oneof![Just(0i64), Just(10), Just(15)],
        )
            .prop_map(|(zone, first, blocks, exceptions, busy, minutes, buffer)| {
                let weekly = blocks
                    .into_iter()
                    .map(|(d, a, b)| WeeklyBlock {
                        weekday: Weekday::try_from(d as u8).unwrap_or(Weekday::Mon),
                        start: a.min(b),
                        end: a.max(b),
                    })
                    .collect();
                let exceptions = exceptions
                    .into_iter()
                    .map(|(offset, hours)| {
                        let date = first + Duration::days(offset);
                        match hours {
                            Some((a, b)) => Exception::Hours { date, start: a.min(b), end: a.max(b) },
                            None => Exception::DayOff(date),
                        }
                    })
                    .collect();
                let origin = zone.from_local_datetime(&first.and_time(time(12, 0))).unwrap().with_timezone(&Utc)
                    - Duration::hours(12);
                let busy = busy
                    .into_iter()
                    .map(|(quarter, length)| {
                        let start = origin + Duration::minutes(15 * quarter);
                        Busy { start, end: start + Duration::minutes(15 * length) }
                    })
                    .collect();
                let rules = SlotRules {
                    duration: Duration::minutes(minutes),
                    step: Duration::minutes(15),
                    buffer: Duration::minutes(buffer),
                    now: origin + Duration::hours(20),
                    minimum_notice: Duration::hours(4),
                };
                (Schedule { zone, weekly, exceptions, busy }, first, rules)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn slots_are_free_inside_working_hours_and_never_doubled((schedule, first, rules) in schedule_strategy()) {
            let last = first + Duration::days(9);
            let slots = free_slots(&schedule, &rules, first, last);
            for pair in slots.windows(2) {
                prop_assert!(pair[0] < pair[1], "strictly increasing, so never doubled");
            }
            for start in &slots {
                let end = *start + rules.duration;
                prop_assert!(*start >= rules.now + rules.minimum_notice);
                for b in &schedule.busy {
                    prop_assert!(!(b.start < end + rules.buffer && *start < b.end + rules.buffer), "overlaps {b:?}");
                }
                let local_start = start.with_timezone(&schedule.zone);
                let date = local_start.date_naive();
                prop_assert!(!schedule.exceptions.contains(&Exception::DayOff(date)));
                let windows = windows_on(&schedule, date);
                let inside = windows.iter().any(|(open, close)| {
                    local_start.time() >= *open && end <= bound_instant(schedule.zone, date.and_time(*close))
                });
                prop_assert!(inside, "{local_start} outside {windows:?}");
                // The wall-clock start exists and means this instant (first occurrence).
                prop_assert_eq!(first_instant(schedule.zone, local_start.naive_local()), Some(*start));
                prop_assert_eq!(explain(&schedule, &rules, *start), Ok(()));
            }
        }

        #[test]
        fn the_sweep_agrees_with_the_naive_reference((schedule, first, rules) in schedule_strategy()) {
            let last = first + Duration::days(9);
            prop_assert_eq!(free_slots(&schedule, &rules, first, last), free_slots_naive(&schedule, &rules, first, last));
        }
    }

    #[test]
    fn the_day_plan_explains_every_step_that_is_not_free() {
        let day = date(2026, 12, 2);
        let booked = Busy {
            start: Madrid.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap().with_timezone(&Utc),
            end: Madrid.with_ymd_and_hms(2026, 12, 2, 11, 0, 0).unwrap().with_timezone(&Utc),
        };
        let schedule = Schedule {
            zone: Madrid,
            weekly: every_day(time(9, 0), time(12, 0)),
            exceptions: vec![],
            busy: vec![booked],
        };
        let plan = day_plan(&schedule, &rules(30), day, time(8, 0), time(13, 0));
        let shown: Vec<String> = plan
            .iter()
            .map(|entry| match entry {
                PlanEntry::Free(at) => at.with_timezone(&Madrid).format("%H:%M free").to_string(),
                PlanEntry::Closed { start, end, reason } => format!(
                    "{}-{} {reason}",
                    start.with_timezone(&Madrid).format("%H:%M"),
                    end.with_timezone(&Madrid).format("%H:%M")
                ),
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                "08:00-09:00 outside working hours",
                "09:00 free",
                "09:30 free",
                "10:00-11:00 booked",
                "11:00 free",
                "11:30 free",
                "12:00-13:00 outside working hours",
            ]
        );
    }

    #[test]
    fn a_day_off_is_one_closed_stretch() {
        let day = date(2026, 12, 2);
        let schedule = Schedule {
            zone: Madrid,
            weekly: every_day(time(9, 0), time(12, 0)),
            exceptions: vec![Exception::DayOff(day)],
            busy: vec![],
        };
        let plan = day_plan(&schedule, &rules(30), day, time(9, 0), time(12, 0));
        assert_eq!(plan.len(), 1);
        assert!(matches!(plan[0], PlanEntry::Closed { reason: Unbookable::DayOff, .. }));
    }

    #[test]
    fn the_day_plan_skips_the_missing_hour_in_spring() {
        let day = date(2026, 3, 29);
        let schedule =
            Schedule { zone: Madrid, weekly: every_day(time(1, 0), time(4, 0)), exceptions: vec![], busy: vec![] };
        let plan = day_plan(&schedule, &rules(30), day, time(1, 0), time(4, 0));
        let free = plan.iter().filter(|e| matches!(e, PlanEntry::Free(_))).count();
        assert_eq!(free, 4);
        assert_eq!(plan.len(), 4);
    }
}
