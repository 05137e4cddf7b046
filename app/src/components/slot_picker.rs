//! The free times of a week as buttons: one picker for the patient's booking page and the
//! calendar's dialogs, so both show days, times, their accessible names and the empty week the
//! same way. What pressing a time does is the caller's choice (`SlotAction`): the booking page
//! submits a plain form (it works before the WASM has loaded), a dialog chooses the time in
//! place. Moving between weeks stays with the caller, for the same reason.

use chrono::{DateTime, SecondsFormat, Utc};
use leptos::prelude::*;

use crate::components::button::{Button, ButtonType, Size, Variant};
use crate::model::scheduling::{ClosedView, DaySlots, SlotView};

/// What pressing a free time does.
#[derive(Clone, Copy)]
pub enum SlotAction {
    /// Submits the form around the picker, sending `name` = the time (`slot_value`).
    Submit { name: &'static str },
    /// Chooses the time in the page: `on_choose` gets the day's label and the time; the time
    /// starting at `chosen` shows as pressed.
    Choose { chosen: Signal<Option<DateTime<Utc>>>, on_choose: Callback<(String, SlotView)> },
}

/// A time as forms and addresses carry it (RFC 3339, whole seconds, UTC).
pub fn slot_value(start: DateTime<Utc>) -> String {
    start.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Makes each time look like the others in its column.
const SLOT: &str = "min-h-8 w-full";

#[component]
pub fn SlotPicker(
    days: Vec<DaySlots>,
    action: SlotAction,
    /// Starts each time's accessible name: "Book" gives "Book Mon 7 Dec at 09:00"; without a
    /// verb it is "Mon 7 Dec at 09:00".
    #[prop(optional)]
    verb: Option<&'static str>,
    /// Every day of the week in seven columns, with its closed times and why (a page); otherwise
    /// only the days with free times, compactly (a dialog, where space is short).
    #[prop(optional)]
    whole_week: bool,
    test_id: &'static str,
) -> impl IntoView {
    let total: usize = days.iter().map(|day| day.slots.len()).sum();
    let (grid, list) = if whole_week {
        ("mt-4 grid gap-3 md:grid-cols-7", "flex flex-wrap gap-1 md:flex-col")
    } else {
        ("mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4", "flex flex-wrap gap-1")
    };
    view! {
        {(total == 0)
            .then(|| view! { <p class="mt-4 text-slate-700">"No free times this week. Try the next week."</p> })}
        <div class=grid data-testid=test_id>
            {days
                .into_iter()
                .filter(|day| whole_week || !day.slots.is_empty())
                .map(|day| {
                    let closed = if whole_week { day.closed } else { Vec::new() };
                    let rows = day_rows(day.slots, closed);
                    let label = day.label;
                    view! {
                        <section class="rounded-lg border border-slate-200 bg-white p-2" aria-label=label.clone()>
                            <h3 class="mb-2 text-center text-sm font-semibold">{label.clone()}</h3>
                            <ul class=list>
                                {rows
                                    .into_iter()
                                    .map(|row| match row {
                                        DayRow::Free(slot) => {
                                            view! {
                                                <li>
                                                    <SlotButton day=label.clone() time=slot action verb />
                                                </li>
                                            }
                                                .into_any()
                                        }
                                        DayRow::Closed(closed) => view! { <ClosedTime closed /> }.into_any(),
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn SlotButton(day: String, time: SlotView, action: SlotAction, verb: Option<&'static str>) -> impl IntoView {
    let spoken = format!("{day} at {}", time.label);
    let aria_label = match verb {
        Some(verb) => format!("{verb} {spoken}"),
        None => spoken,
    };
    let start = time.start;
    let text = time.label.clone();
    match action {
        SlotAction::Submit { name } => view! {
            <Button
                kind=ButtonType::Submit
                variant=Variant::Accent
                size=Size::Small
                class=SLOT
                name
                value=slot_value(start)
                aria_label
            >
                {text}
            </Button>
        }
        .into_any(),
        SlotAction::Choose { chosen, on_choose } => view! {
            <Button
                variant=Variant::Accent
                size=Size::Small
                class=SLOT
                aria_label
                pressed=Signal::derive(move || chosen.get() == Some(start))
                on_click=move |()| on_choose.run((day.clone(), time.clone()))
            >
                {text}
            </Button>
        }
        .into_any(),
    }
}

/// A time that cannot be booked: the reason is on screen (for a tap) and in the title (hover).
#[component]
fn ClosedTime(closed: ClosedView) -> impl IntoView {
    view! {
        <li
            class="w-full rounded bg-slate-100 px-2 py-1 text-xs text-slate-600"
            data-testid="closed-time"
            title=format!("{}: {}", closed.label, closed.reason)
        >
            <span class="font-medium">{closed.label.clone()}</span>
            " "
            {closed.reason.clone()}
        </li>
    }
}

/// A day's free times and closed stretches, in time order.
enum DayRow {
    Free(SlotView),
    Closed(ClosedView),
}

fn day_rows(slots: Vec<SlotView>, closed: Vec<ClosedView>) -> Vec<DayRow> {
    let mut rows: Vec<(DateTime<Utc>, DayRow)> = slots
        .into_iter()
        .map(|slot| (slot.start, DayRow::Free(slot)))
        .chain(closed.into_iter().map(|closed| (closed.start, DayRow::Closed(closed))))
        .collect();
    rows.sort_by_key(|(start, _)| *start);
    rows.into_iter().map(|(_, row)| row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn free_and_closed_times_come_in_time_order_and_slots_travel_as_rfc3339() {
        let at = |hour| Utc.with_ymd_and_hms(2026, 12, 8, hour, 0, 0).unwrap();
        let slots = vec![SlotView { start: at(11), label: "12:00".into() }];
        let closed = vec![ClosedView { start: at(9), label: "10:00–11:00".into(), reason: "Booked".into() }];
        let order: Vec<bool> = day_rows(slots, closed).iter().map(|row| matches!(row, DayRow::Free(_))).collect();
        assert_eq!(order, vec![false, true]);
        assert_eq!(slot_value(at(9)), "2026-12-08T09:00:00Z");
    }
}
