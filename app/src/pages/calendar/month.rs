//! The month overview: whole weeks, a few appointments per day and how many more; a day
//! opens in the day view.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;

use super::status_classes;
use crate::api::calendar::{CalendarAppointment, CalendarView, StaffCalendar};

/// Appointments listed in a day's cell before "+ n more".
const SHOWN_PER_DAY: usize = 3;

#[component]
pub fn MonthView(
    cal: StaffCalendar,
    view_kind: RwSignal<CalendarView>,
    anchor: RwSignal<Option<NaiveDate>>,
) -> impl IntoView {
    let month = cal.anchor.month();
    let today = cal.today;
    view! {
        <div
            class="mt-4 grid grid-cols-7 gap-px overflow-hidden rounded-lg border border-slate-200 bg-slate-200"
            data-testid="month-grid"
        >
            {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                .into_iter()
                .map(|d| {
                    view! {
                        <div class="bg-slate-50 py-1 text-center text-xs font-semibold" aria-hidden="true">
                            {d}
                        </div>
                    }
                })
                .collect_view()}
            {cal
                .days()
                .into_iter()
                .map(|date| {
                    let on_day: Vec<CalendarAppointment> = cal
                        .appointments
                        .iter()
                        .filter(|a| a.date == date)
                        .cloned()
                        .collect();
                    let count = on_day.iter().filter(|a| a.is_active()).count();
                    let more = on_day.len().saturating_sub(SHOWN_PER_DAY);
                    let label = format!(
                        "{}: {} appointment{}. Open the day.",
                        date.format("%A %-d %B"),
                        count,
                        if count == 1 { "" } else { "s" },
                    );
                    view! {
                        <button
                            class="flex min-h-24 flex-col gap-1 bg-white p-1 text-left align-top hover:bg-slate-50 focus:outline-2 focus:outline-teal-700"
                            class=("text-slate-400", date.month() != month)
                            class=("ring-2 ring-inset ring-teal-600", date == today)
                            aria-label=label
                            data-testid="month-day"
                            on:click=move |_| {
                                anchor.set(Some(date));
                                view_kind.set(CalendarView::Day);
                            }
                        >
                            <span class="text-sm font-semibold">{date.day()}</span>
                            {on_day
                                .into_iter()
                                .take(SHOWN_PER_DAY)
                                .map(|a| {
                                    view! {
                                        <span
                                            class=format!(
                                                "truncate rounded border-l-4 px-1 text-xs {}",
                                                status_classes(a.status),
                                            )
                                            title=format!("{} · {}", a.when, a.status.label())
                                        >
                                            {format!(
                                                "{} {}",
                                                a.time_range().split('–').next().unwrap_or_default(),
                                                a.patient_name,
                                            )}
                                        </span>
                                    }
                                })
                                .collect_view()}
                            {(more > 0)
                                .then(|| {
                                    view! { <span class="text-xs text-slate-600">{format!("+ {more} more")}</span> }
                                })}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
