//! An RFC 5545 iCalendar feed of appointments, as pure computation.
//!
//! Event times are written as wall-clock times in one IANA zone (`DTSTART;TZID=Europe/Madrid:...`), and the feed
//! carries a VTIMEZONE for that zone so calendar apps do not have to know the zone themselves. The VTIMEZONE lists
//! every offset change chrono-tz knows of around the events, each as an explicit STANDARD or DAYLIGHT observance
//! (no RRULE): the transitions are found by sampling the zone's UTC offset and bisecting to the exact second.
//!
//! Output follows the RFC's physical rules: lines end with CRLF, and lines longer than 75 octets are folded on
//! character boundaries.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetComponents, Tz};
use uuid::Uuid;

/// One appointment as it appears in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// The appointment id; the UID becomes `<uuid>@syei`.
    pub uid: Uuid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// For example "Follow-up with Ana Ruiz".
    pub summary: String,
    pub description: Option<String>,
    pub status: FeedStatus,
    pub last_modified: DateTime<Utc>,
}

/// The iCalendar STATUS of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedStatus {
    Tentative,
    Confirmed,
    Cancelled,
}

impl FeedStatus {
    fn as_ical(self) -> &'static str {
        match self {
            FeedStatus::Tentative => "TENTATIVE",
            FeedStatus::Confirmed => "CONFIRMED",
            FeedStatus::Cancelled => "CANCELLED",
        }
    }
}

/// Renders the feed. `calendar_name` goes into X-WR-CALNAME; `zone` is the IANA zone the times are written in.
pub fn render_feed(calendar_name: &str, zone: Tz, events: &[FeedEvent], generated_at: DateTime<Utc>) -> String {
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, "PRODID:-//SyEI//Clinic calendar//EN");
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(calendar_name)));
    push_line(&mut out, &format!("X-WR-TIMEZONE:{}", zone.name()));
    let (from, until) = coverage(zone, events, generated_at);
    push_vtimezone(&mut out, zone, from, until);
    for event in events {
        push_vevent(&mut out, zone, event, generated_at);
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

fn push_vevent(out: &mut String, zone: Tz, event: &FeedEvent, generated_at: DateTime<Utc>) {
    push_line(out, "BEGIN:VEVENT");
    push_line(out, &format!("UID:{}@syei", event.uid));
    push_line(out, &format!("DTSTAMP:{}", utc_stamp(generated_at)));
    push_line(out, &date_time_property("DTSTART", zone, event.start));
    push_line(out, &date_time_property("DTEND", zone, event.end));
    push_line(out, &format!("SUMMARY:{}", escape_text(&event.summary)));
    if let Some(description) = &event.description {
        push_line(out, &format!("DESCRIPTION:{}", escape_text(description)));
    }
    push_line(out, &format!("STATUS:{}", event.status.as_ical()));
    push_line(out, &format!("LAST-MODIFIED:{}", utc_stamp(event.last_modified)));
    push_line(out, "END:VEVENT");
}

/// `NAME;TZID=<zone>:<local time>` for an instant.
///
/// A wall time repeated when clocks go back means its *first* occurrence (RFC 5545 3.3.5), so an instant in the
/// second occurrence cannot be written with TZID; it is written in UTC form instead, which every reader accepts.
fn date_time_property(name: &str, zone: Tz, instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&zone);
    match zone.from_local_datetime(&local.naive_local()) {
        LocalResult::Ambiguous(first, _) if first != local => format!("{name}:{}", utc_stamp(instant)),
        _ => format!("{name};TZID={}:{}", zone.name(), local_stamp(local.naive_local())),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// VTIMEZONE

/// The offset rules in force at one instant: what a STANDARD or DAYLIGHT sub-component describes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Observance {
    /// Total offset from UTC (base + daylight saving), in seconds.
    offset_secs: i32,
    daylight: bool,
    /// The zone's abbreviation ("CET"), or a numeric one ("+04") where the zone has none.
    name: String,
}

/// A change of observance at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Transition {
    at: DateTime<Utc>,
    before: Observance,
    after: Observance,
}

/// How often the offset is sampled while looking for transitions. Real zones never change twice within a day,
/// and a change found between two samples is bisected to the second, so the step only costs lookups, not precision.
const SCAN_STEP: TimeDelta = TimeDelta::days(1);

fn observance_at(zone: Tz, instant: DateTime<Utc>) -> Observance {
    let offset = zone.offset_from_utc_datetime(&instant.naive_utc());
    Observance {
        offset_secs: offset.fix().local_minus_utc(),
        daylight: offset.dst_offset() > TimeDelta::zero(),
        name: offset.to_string(),
    }
}

/// The span the VTIMEZONE must describe: from January 1st of the year before the earliest event to January 1st two
/// years after the latest (so at least a year either side), or around `generated_at` when there are no events.
fn coverage(zone: Tz, events: &[FeedEvent], generated_at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let earliest = events.iter().map(|e| e.start.min(e.end)).min().unwrap_or(generated_at);
    let latest = events.iter().map(|e| e.start.max(e.end)).max().unwrap_or(generated_at);
    let from = year_start(zone, earliest.with_timezone(&zone).year() - 1).unwrap_or(earliest);
    let until = year_start(zone, latest.with_timezone(&zone).year() + 2).unwrap_or(latest);
    (from, until)
}

/// Local midnight of January 1st, as an instant (None only for years chrono cannot represent).
fn year_start(zone: Tz, year: i32) -> Option<DateTime<Utc>> {
    let midnight = NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?;
    // A zone could skip midnight itself; the UTC reading of the same wall time is then close enough.
    let instant = zone.from_local_datetime(&midnight).earliest().map(|t| t.with_timezone(&Utc));
    Some(instant.unwrap_or_else(|| Utc.from_utc_datetime(&midnight)))
}

/// Every change of observance in `(from, until]`, in order.
fn transitions(zone: Tz, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Transition> {
    let mut found = Vec::new();
    let mut cursor = from;
    let mut current = observance_at(zone, cursor);
    while cursor < until {
        let next = (cursor + SCAN_STEP).min(until);
        if observance_at(zone, next) == current {
            cursor = next;
            continue;
        }
        let at = first_change(zone, cursor, next, &current);
        let after = observance_at(zone, at);
        found.push(Transition { at, before: current, after: after.clone() });
        // Resume from the change itself, so a second change before `next` is not missed.
        cursor = at;
        current = after;
    }
    found
}

/// Bisects `(lo, hi]` for the first instant whose observance is not `before` (which holds at `lo`, not at `hi`).
/// Transitions fall on whole seconds, so the search stops when the bounds are one second apart.
fn first_change(zone: Tz, lo: DateTime<Utc>, hi: DateTime<Utc>, before: &Observance) -> DateTime<Utc> {
    let (mut lo, mut hi) = (lo, hi);
    while (hi - lo).num_seconds() > 1 {
        let mid = lo + TimeDelta::seconds((hi - lo).num_seconds() / 2);
        if observance_at(zone, mid) == *before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

fn push_vtimezone(out: &mut String, zone: Tz, from: DateTime<Utc>, until: DateTime<Utc>) {
    push_line(out, "BEGIN:VTIMEZONE");
    push_line(out, &format!("TZID:{}", zone.name()));
    // The observance already in force at `from`, so the whole span is defined even before the first change (and a
    // zone without changes, such as UTC or Asia/Tokyo, gets exactly this one component).
    let initial = observance_at(zone, from);
    let initial_start = from.naive_utc() + TimeDelta::seconds(i64::from(initial.offset_secs));
    push_observance(out, initial_start, &initial, &initial);
    for transition in transitions(zone, from, until) {
        // RFC 5545 3.6.5: an observance's DTSTART is the local time at which it begins, read in the offset in force
        // *before* it (TZOFFSETFROM). So spring-forward in Madrid starts at 02:00 (+0100), not at 03:00 (+0200),
        // and fall-back starts at 03:00 (+0200), not at 02:00.
        let start = transition.at.naive_utc() + TimeDelta::seconds(i64::from(transition.before.offset_secs));
        push_observance(out, start, &transition.before, &transition.after);
    }
    push_line(out, "END:VTIMEZONE");
}

fn push_observance(out: &mut String, start: NaiveDateTime, before: &Observance, after: &Observance) {
    let kind = if after.daylight { "DAYLIGHT" } else { "STANDARD" };
    push_line(out, &format!("BEGIN:{kind}"));
    push_line(out, &format!("DTSTART:{}", local_stamp(start)));
    push_line(out, &format!("TZOFFSETFROM:{}", utc_offset(before.offset_secs)));
    push_line(out, &format!("TZOFFSETTO:{}", utc_offset(after.offset_secs)));
    push_line(out, &format!("TZNAME:{}", escape_text(&after.name)));
    push_line(out, &format!("END:{kind}"));
}

// ---------------------------------------------------------------------------------------------------------------
// Value formats and line rules

/// DATE-TIME in UTC form, `20260701T080000Z` (sub-second precision is dropped; iCalendar has none).
fn utc_stamp(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// DATE-TIME in local ("floating") form, `20260701T100000`, as used with TZID and inside VTIMEZONE.
fn local_stamp(time: NaiveDateTime) -> String {
    time.format("%Y%m%dT%H%M%S").to_string()
}

/// UTC-OFFSET, `+0100`, `-0430`, or `+005328` when the offset has seconds (old local mean times).
fn utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (hours, minutes, seconds) = (abs / 3600, abs / 60 % 60, abs % 60);
    if seconds == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{seconds:02}")
    }
}

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma get a backslash, line breaks (CRLF, LF
/// or CR) become `\n`, and other control characters, which TEXT cannot carry, are dropped (tab is allowed).
fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            '\t' => escaped.push('\t'),
            c if c.is_ascii_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// The longest physical line, in octets, not counting its CRLF (RFC 5545 3.1).
const MAX_LINE_OCTETS: usize = 75;

/// Appends one content line, folded: when the next character would pass 75 octets, the line breaks with CRLF and
/// continues after a single space (which counts toward the next line's 75). Breaking between characters, never
/// inside one, keeps multi-byte UTF-8 intact.
fn push_line(out: &mut String, line: &str) {
    let mut room = MAX_LINE_OCTETS;
    for ch in line.chars() {
        if ch.len_utf8() > room {
            out.push_str("\r\n ");
            room = MAX_LINE_OCTETS - 1;
        }
        out.push(ch);
        room -= ch.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Australia, Europe};

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn event(start: DateTime<Utc>, minutes: i64) -> FeedEvent {
        FeedEvent {
            uid: Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0),
            start,
            end: start + TimeDelta::minutes(minutes),
            summary: "Follow-up with Ana Ruiz".to_string(),
            description: None,
            status: FeedStatus::Confirmed,
            last_modified: utc(2026, 1, 10, 9, 30),
        }
    }

    fn render(zone: Tz, events: &[FeedEvent]) -> String {
        render_feed("Dr. López", zone, events, utc(2026, 2, 1, 12, 0))
    }

    /// Undoes folding: the logical content lines.
    fn unfold(ics: &str) -> Vec<String> {
        let joined = ics.replace("\r\n ", "");
        joined.strip_suffix("\r\n").unwrap().split("\r\n").map(str::to_string).collect()
    }

    /// The VTIMEZONE observances as [kind, DTSTART, TZOFFSETFROM, TZOFFSETTO, TZNAME].
    fn observances(ics: &str) -> Vec<[String; 5]> {
        let lines = unfold(ics);
        let mut found = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let Some(kind) = line.strip_prefix("BEGIN:").filter(|k| *k == "STANDARD" || *k == "DAYLIGHT") else {
                continue;
            };
            let value = |name: &str| lines[i + 1..].iter().find_map(|l| l.strip_prefix(name)).unwrap().to_string();
            found.push([
                kind.into(),
                value("DTSTART:"),
                value("TZOFFSETFROM:"),
                value("TZOFFSETTO:"),
                value("TZNAME:"),
            ]);
        }
        found
    }

    fn has(observances: &[[String; 5]], row: [&str; 5]) -> bool {
        observances.iter().any(|o| *o == row)
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape_text("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(escape_text("tab\tbell\u{7}"), "tab\tbell");
        assert_eq!(escape_text("Revisión: 10:00"), "Revisión: 10:00");
    }

    #[test]
    fn folds_long_multibyte_lines_at_75_octets() {
        let line = format!("DESCRIPTION:{}", "Revisión ñandú 😀 ".repeat(12));
        let mut out = String::new();
        push_line(&mut out, &line);
        assert!(out.ends_with("\r\n"));
        let physical: Vec<&str> = out.strip_suffix("\r\n").unwrap().split("\r\n").collect();
        assert!(physical.len() > 3);
        assert!(physical.iter().all(|l| l.len() <= MAX_LINE_OCTETS));
        assert!(physical[1..].iter().all(|l| l.starts_with(' ')));
        // Lines are filled: a break happens only when the next character does not fit.
        assert!(physical[0].len() > MAX_LINE_OCTETS - 4);
        assert_eq!(unfold(&out), vec![line]);
    }

    #[test]
    fn does_not_fold_a_line_of_exactly_75_octets() {
        let line = "X".repeat(75);
        let mut out = String::new();
        push_line(&mut out, &line);
        assert_eq!(out, format!("{line}\r\n"));
        out.clear();
        push_line(&mut out, &"X".repeat(76));
        assert_eq!(out, format!("{line}\r\n X\r\n"));
    }

    #[test]
    fn feed_has_calendar_header_and_crlf_lines() {
        let mut long = event(utc(2026, 7, 1, 8, 0), 30);
        long.summary = "Consulta de seguimiento con María José Fernández-Núñez; revisión, análisis y ñ".into();
        long.description = Some("Traer informes.\nAyuno de 8 horas; sin café, por favor — ¡gracias! 🙂".repeat(3));
        let ics = render(Europe::Madrid, &[long]);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains(['\r', '\n']), "bare CR or LF");
        assert!(ics.split("\r\n").all(|l| l.len() <= MAX_LINE_OCTETS));
        let lines = unfold(&ics);
        for expected in [
            "VERSION:2.0",
            "PRODID:-//SyEI//Clinic calendar//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:Dr. López",
            "X-WR-TIMEZONE:Europe/Madrid",
            "TZID:Europe/Madrid",
            "SUMMARY:Consulta de seguimiento con María José Fernández-Núñez\\; revisión\\, análisis y ñ",
        ] {
            assert!(lines.iter().any(|l| l == expected), "missing {expected}");
        }
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VTIMEZONE").count(), 1);
        assert!(lines.iter().any(|l| l.starts_with("DESCRIPTION:Traer informes.\\nAyuno de 8 horas\\; sin café\\,")));
    }

    #[test]
    fn event_properties() {
        let ics = render(Europe::Madrid, &[event(utc(2026, 7, 1, 8, 0), 45)]);
        let lines = unfold(&ics);
        let vevent: Vec<&str> = lines
            .iter()
            .map(String::as_str)
            .skip_while(|l| *l != "BEGIN:VEVENT")
            .take_while(|l| *l != "END:VEVENT")
            .collect();
        assert_eq!(
            vevent,
            [
                "BEGIN:VEVENT",
                "UID:12345678-9abc-def0-1234-56789abcdef0@syei",
                "DTSTAMP:20260201T120000Z",
                "DTSTART;TZID=Europe/Madrid:20260701T100000",
                "DTEND;TZID=Europe/Madrid:20260701T104500",
                "SUMMARY:Follow-up with Ana Ruiz",
                "STATUS:CONFIRMED",
                "LAST-MODIFIED:20260110T093000Z",
            ]
        );
    }

    #[test]
    fn winter_event_uses_standard_offset() {
        let ics = render(Europe::Madrid, &[event(utc(2026, 1, 15, 8, 0), 30)]);
        assert!(ics.contains("DTSTART;TZID=Europe/Madrid:20260115T090000\r\n"));
    }

    #[test]
    fn statuses() {
        let mut cancelled = event(utc(2026, 3, 2, 9, 0), 30);
        cancelled.status = FeedStatus::Cancelled;
        let mut tentative = event(utc(2026, 3, 3, 9, 0), 30);
        tentative.status = FeedStatus::Tentative;
        let ics = render(Europe::Madrid, &[cancelled, tentative]);
        assert!(ics.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert!(ics.contains("\r\nSTATUS:TENTATIVE\r\n"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2);
    }

    #[test]
    fn madrid_2026_transitions() {
        let obs = observances(&render(Europe::Madrid, &[event(utc(2026, 7, 1, 8, 0), 30)]));
        assert!(has(&obs, ["DAYLIGHT", "20260329T020000", "+0100", "+0200", "CEST"]), "{obs:?}");
        assert!(has(&obs, ["STANDARD", "20261025T030000", "+0200", "+0100", "CET"]), "{obs:?}");
    }

    #[test]
    fn vtimezone_covers_a_year_either_side() {
        let events = [event(utc(2026, 3, 1, 9, 0), 30), event(utc(2026, 11, 20, 9, 0), 30)];
        let obs = observances(&render(Europe::Madrid, &events));
        // In force since January 1st of the year before, then every change through the year after.
        assert_eq!(obs[0], ["STANDARD", "20250101T000000", "+0100", "+0100", "CET"]);
        let starts: Vec<&str> = obs[1..].iter().map(|o| o[1].as_str()).collect();
        assert_eq!(
            starts,
            [
                "20250330T020000",
                "20251026T030000",
                "20260329T020000",
                "20261025T030000",
                "20270328T020000",
                "20271031T030000"
            ]
        );
    }

    #[test]
    fn new_york_2026_transitions() {
        let obs = observances(&render(America::New_York, &[event(utc(2026, 5, 4, 14, 0), 30)]));
        assert!(has(&obs, ["DAYLIGHT", "20260308T020000", "-0500", "-0400", "EDT"]), "{obs:?}");
        assert!(has(&obs, ["STANDARD", "20261101T020000", "-0400", "-0500", "EST"]), "{obs:?}");
    }

    #[test]
    fn southern_hemisphere_transitions() {
        let obs = observances(&render(Australia::Sydney, &[event(utc(2026, 5, 4, 0, 0), 30)]));
        assert_eq!(obs[0][0], "DAYLIGHT", "January is summer in Sydney");
        assert!(has(&obs, ["STANDARD", "20260405T030000", "+1100", "+1000", "AEST"]), "{obs:?}");
        assert!(has(&obs, ["DAYLIGHT", "20261004T020000", "+1000", "+1100", "AEDT"]), "{obs:?}");
    }

    #[test]
    fn zones_without_dst_get_one_standard() {
        for (zone, offset, name) in [(Tz::UTC, "+0000", "UTC"), (Asia::Tokyo, "+0900", "JST")] {
            let ics = render(zone, &[event(utc(2026, 7, 1, 8, 0), 30)]);
            let obs = observances(&ics);
            assert_eq!(obs.len(), 1, "{zone}: {obs:?}");
            assert_eq!(obs[0][0], "STANDARD");
            assert_eq!((obs[0][2].as_str(), obs[0][3].as_str(), obs[0][4].as_str()), (offset, offset, name));
            assert!(!ics.contains("DAYLIGHT"));
        }
        let ics = render(Tz::UTC, &[event(utc(2026, 7, 1, 8, 0), 30)]);
        assert!(ics.contains("DTSTART;TZID=UTC:20260701T080000\r\n"));
    }

    #[test]
    fn zone_with_numeric_abbreviation() {
        let obs = observances(&render(Asia::Dubai, &[event(utc(2026, 7, 1, 8, 0), 30)]));
        assert_eq!(obs.len(), 1);
        assert_eq!((obs[0][3].as_str(), obs[0][4].as_str()), ("+0400", "+04"));
    }

    #[test]
    fn no_events_still_describes_the_zone_around_generation() {
        let ics = render(Europe::Madrid, &[]);
        assert!(!ics.contains("BEGIN:VEVENT"));
        let obs = observances(&ics);
        assert!(has(&obs, ["DAYLIGHT", "20260329T020000", "+0100", "+0200", "CEST"]));
        assert_eq!(obs.first().map(|o| o[1].as_str()), Some("20250101T000000"));
        assert_eq!(obs.last().map(|o| o[1].as_str()), Some("20271031T030000"));
    }

    #[test]
    fn repeated_wall_time_is_written_unambiguously() {
        // 2026-11-01 01:30 happens twice in New York: 05:30 UTC (EDT) and 06:30 UTC (EST).
        let first = render(America::New_York, &[event(utc(2026, 11, 1, 5, 30), 30)]);
        assert!(first.contains("DTSTART;TZID=America/New_York:20261101T013000\r\n"));
        let second = render(America::New_York, &[event(utc(2026, 11, 1, 6, 30), 30)]);
        assert!(second.contains("DTSTART:20261101T063000Z\r\n"));
        assert!(second.contains("DTEND;TZID=America/New_York:20261101T020000\r\n"));
    }

    #[test]
    fn utc_offsets() {
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(3600), "+0100");
        assert_eq!(utc_offset(-16200), "-0430");
        assert_eq!(utc_offset(19800), "+0530");
        assert_eq!(utc_offset(-3 * 3600 - 44 * 60 - 9), "-034409");
    }
}
