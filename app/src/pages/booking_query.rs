//! What the booking page shows, read from its address: `/book?specialist=…&type=…&week=…`,
//! plus the one-step choices (`slot` to confirm, `moving`, `cancel`) and what a form without
//! JavaScript just did (`done`). Because the address holds it all, every step is a plain form
//! or link that works before the WASM has loaded; once hydrated, the router follows the same
//! forms without reloading the page.

use chrono::{DateTime, NaiveDate, Utc};
use leptos_router::params::ParamsMap;
use uuid::Uuid;

/// Longest value read from the address (a type name; anything longer is ignored).
const MAX_VALUE: usize = 200;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BookingQuery {
    pub specialty: String,
    pub specialist: Option<Uuid>,
    /// The appointment type's name.
    pub kind: String,
    /// A date in the week shown (this week when None).
    pub week: Option<NaiveDate>,
    /// The time picked, waiting for confirmation.
    pub slot: Option<DateTime<Utc>>,
    /// The appointment being moved to another time.
    pub moving: Option<Uuid>,
    /// The appointment whose cancellation is being confirmed.
    pub cancel: Option<Uuid>,
    /// What a form posted without JavaScript just did: "booked", "moved" or "cancelled".
    pub done: Option<String>,
    /// The patient a family member books for.
    pub for_patient: Option<Uuid>,
}

impl BookingQuery {
    pub fn read(map: &ParamsMap) -> BookingQuery {
        let text = |key: &str| map.get(key).filter(|value| !value.is_empty() && value.len() <= MAX_VALUE);
        BookingQuery {
            specialty: text("specialty").unwrap_or_default(),
            specialist: text("specialist").and_then(|id| Uuid::parse_str(&id).ok()),
            kind: text("type").unwrap_or_default(),
            week: text("week").and_then(|date| NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()),
            slot: text("slot").and_then(|at| DateTime::parse_from_rfc3339(&at).ok()).map(|at| at.with_timezone(&Utc)),
            moving: text("moving").and_then(|id| Uuid::parse_str(&id).ok()),
            cancel: text("cancel").and_then(|id| Uuid::parse_str(&id).ok()),
            done: text("done").filter(|done| ["booked", "moved", "cancelled"].contains(&done.as_str())),
            for_patient: text("for").and_then(|id| Uuid::parse_str(&id).ok()),
        }
    }

    /// The choices that stay while someone looks around: the filters, the week, the
    /// appointment being moved (not the one-step choices).
    pub fn kept(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.specialty.is_empty() {
            pairs.push(("specialty", self.specialty.clone()));
        }
        if let Some(id) = self.specialist {
            pairs.push(("specialist", id.to_string()));
        }
        if !self.kind.is_empty() {
            pairs.push(("type", self.kind.clone()));
        }
        if let Some(week) = self.week {
            pairs.push(("week", week.to_string()));
        }
        if let Some(id) = self.moving {
            pairs.push(("moving", id.to_string()));
        }
        if let Some(id) = self.for_patient {
            pairs.push(("for", id.to_string()));
        }
        pairs
    }

    /// The address of this page with `changes` applied to the kept choices (an empty value
    /// removes one).
    pub fn href(&self, changes: &[(&'static str, String)]) -> String {
        let mut map = ParamsMap::new();
        for (key, value) in self.kept() {
            if !changes.iter().any(|(changed, _)| *changed == key) {
                map.insert(key, value);
            }
        }
        for (key, value) in changes {
            if !value.is_empty() {
                map.insert(*key, value.clone());
            }
        }
        format!("/book{}", map.to_query_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&'static str, &str)]) -> BookingQuery {
        let mut map = ParamsMap::new();
        for (key, value) in pairs {
            map.insert(*key, value.to_string());
        }
        BookingQuery::read(&map)
    }

    /// Reads an address the way the router does (percent-decoding each value).
    fn read_href(href: &str) -> BookingQuery {
        let decode = |text: &str| {
            let bytes = text.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' && i + 2 < bytes.len() {
                    out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap()
        };
        let mut map = ParamsMap::new();
        for pair in href.trim_start_matches("/book?").split('&') {
            let (key, value) = pair.split_once('=').unwrap();
            map.insert(decode(key), decode(value));
        }
        BookingQuery::read(&map)
    }

    #[test]
    fn the_address_round_trips_and_ignores_what_it_cannot_read() {
        let id = Uuid::new_v4();
        let query = read(&[
            ("specialist", &id.to_string()),
            ("type", "Follow-up & more"),
            ("week", "2026-12-07"),
            ("slot", "2026-12-08T09:00:00Z"),
            ("done", "hacked"),
        ]);
        assert_eq!(query.specialist, Some(id));
        assert_eq!(query.kind, "Follow-up & more");
        assert_eq!(query.slot.map(|at| at.to_rfc3339()), Some("2026-12-08T09:00:00+00:00".to_string()));
        assert_eq!(query.done, None);
        // The picked slot is a one-step choice: it does not stay in links.
        let href = query.href(&[("week", "2026-12-14".to_string())]);
        let again = read_href(&href);
        assert_eq!(again.week, NaiveDate::from_ymd_opt(2026, 12, 14), "{href}");
        assert_eq!((again.specialist, again.kind.as_str(), again.slot), (Some(id), "Follow-up & more", None), "{href}");

        let nonsense = read(&[("specialist", "x"), ("week", "31/12/2026"), ("type", &"a".repeat(500))]);
        assert_eq!(nonsense, BookingQuery::default());
    }
}
