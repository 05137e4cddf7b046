//! The day and week time grid. Columns are days (or, for an admin's day with everyone,
//! specialists side by side); appointments sit at their time, overlapping ones in lanes.
//!
//! Drag and drop uses pointer events: pressing an appointment remembers where it was grabbed,
//! moving over a column shows where it would land (snapped to a quarter hour), releasing asks
//! to confirm the move. The same move is possible without a pointer through "Move…".

use chrono::{NaiveDate, NaiveTime};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use uuid::Uuid;

use super::{status_classes, CalendarState, MoveRequest};
use crate::api::calendar::{place_time, CalendarAppointment, CalendarView, StaffCalendar};
use crate::domain::calendar_layout::lanes;

/// Height of one minute in the grid (80 px an hour).
const PX_PER_MINUTE: f64 = 80.0 / 60.0;
/// Drops snap to this many minutes.
const SNAP_MINUTES: i64 = 15;
/// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD_PX: f64 = 5.0;

/// One column of the grid.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    date: NaiveDate,
    /// Set when the column is one specialist's (side by side); drops keep the specialist.
    specialist_id: Option<Uuid>,
    heading: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Drag {
    appointment: CalendarAppointment,
    /// Minutes between the appointment's start and the point where it was grabbed.
    grab_minutes: f64,
    origin: (f64, f64),
    moved: bool,
    /// Where it would land: column and start minute.
    target: Option<(NaiveDate, Option<Uuid>, i64)>,
}

fn columns(cal: &StaffCalendar) -> Vec<Column> {
    if cal.view == CalendarView::Day && cal.specialist_id.is_none() {
        cal.specialists
            .iter()
            .map(|s| Column { date: cal.first_day, specialist_id: Some(s.specialist_id), heading: s.name.clone() })
            .collect()
    } else {
        cal.days()
            .into_iter()
            .map(|date| Column { date, specialist_id: None, heading: date.format("%a %-d %b").to_string() })
            .collect()
    }
}

fn clock(minute: i64) -> String {
    format!("{:02}:{:02}", minute.div_euclid(60).min(24), minute.rem_euclid(60))
}

/// The column under a pointer event and the pointer's height inside it, in pixels.
/// Hit-tested by position, not by the event's target: touch pointers stay captured by the
/// element first pressed.
fn column_under(ev: &leptos::ev::PointerEvent) -> Option<(NaiveDate, Option<Uuid>, f64)> {
    let target = document().element_from_point(ev.client_x() as f32, ev.client_y() as f32)?;
    let column = target.closest("[data-column-date]").ok()??;
    let date = NaiveDate::parse_from_str(&column.get_attribute("data-column-date")?, "%Y-%m-%d").ok()?;
    let specialist = column.get_attribute("data-column-specialist").and_then(|id| Uuid::parse_str(&id).ok());
    let top = column.get_bounding_client_rect().top();
    Some((date, specialist, f64::from(ev.client_y()) - top))
}

/// The appointment under the pointer where it was released, if any.
fn released_on(ev: &leptos::ev::PointerEvent) -> Option<Uuid> {
    let target = document().element_from_point(ev.client_x() as f32, ev.client_y() as f32)?;
    let card = target.closest("[data-appointment-id]").ok()??;
    Uuid::parse_str(&card.get_attribute("data-appointment-id")?).ok()
}

#[component]
pub fn TimeGrid(cal: StaffCalendar) -> impl IntoView {
    let state = expect_context::<CalendarState>();
    let drag = RwSignal::new(None::<Drag>);
    let swallow_click = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let first_minute = cal.hour_from * 60;
    let height = (cal.hour_to - cal.hour_from) as f64 * 60.0 * PX_PER_MINUTE;
    let zone = StoredValue::new(cal.time_zone.clone());
    let cols = columns(&cal);
    // Everyone's week: name the specialist on each appointment (side-by-side columns say it).
    let show_specialist = cal.specialist_id.is_none() && cols.iter().all(|c| c.specialist_id.is_none());
    let hour_to = cal.hour_to;

    let on_move = move |ev: leptos::ev::PointerEvent| {
        if drag.with_untracked(Option::is_none) {
            return;
        }
        let under = column_under(&ev);
        drag.update(|current| {
            let Some(d) = current else { return };
            let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
            if !d.moved && (x - d.origin.0).hypot(y - d.origin.1) < DRAG_THRESHOLD_PX {
                return;
            }
            d.moved = true;
            let length = d.appointment.end_minute - d.appointment.start_minute;
            d.target = under.map(|(date, specialist, offset)| {
                let raw = first_minute as f64 + offset / PX_PER_MINUTE - d.grab_minutes;
                let snapped = ((raw / SNAP_MINUTES as f64).round() as i64) * SNAP_MINUTES;
                (date, specialist, snapped.clamp(0, 24 * 60 - length.max(SNAP_MINUTES)))
            });
        });
    };
    let on_release = move |ev: leptos::ev::PointerEvent| {
        let Some(d) = drag.get_untracked() else { return };
        drag.set(None);
        if d.moved && released_on(&ev) == Some(d.appointment.appointment_id) {
            // The browser follows a drop on the card itself with a click: it is not one.
            swallow_click.set(true);
        }
        let Some((date, specialist, minute)) = d.target.filter(|_| d.moved) else { return };
        if specialist.is_some_and(|s| s != d.appointment.specialist_id) {
            notice.set(Some("An appointment keeps its specialist: drop it in their own column.".into()));
            return;
        }
        let Some(time) = NaiveTime::from_num_seconds_from_midnight_opt((minute * 60) as u32, 0) else { return };
        // The server knows the zone's rules (the clocks may change that day).
        leptos::task::spawn_local(async move {
            match place_time(zone.get_value(), date, time).await {
                Ok(placed) if placed.start != d.appointment.start => {
                    notice.set(None);
                    state.moving.set(Some(MoveRequest { appointment: d.appointment, start: Some(placed) }));
                }
                Ok(_) => {}
                Err(error) => notice.set(Some(error.to_string())),
            }
        });
    };

    let hours: Vec<i64> = (cal.hour_from..cal.hour_to).collect();
    let today = cal.today;
    let now_minute = cal.now_minute;
    let appointments = cal.appointments.clone();
    let zone_name = cal.time_zone.clone();
    view! {
        {move || {
            notice
                .get()
                .map(|text| {
                    view! {
                        <p class="mt-3 rounded bg-amber-50 p-3 text-amber-900" role="alert">
                            {text}
                        </p>
                    }
                })
        }}
        <p class="mt-3 text-sm text-slate-600">
            "Drag an appointment to another time, or open it and choose “Move…”."
        </p>
        <div
            class="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white"
            data-testid="staff-grid"
            on:pointermove=on_move
            on:pointerup=on_release
            on:pointercancel=move |_| drag.set(None)
            on:pointerleave=move |_| drag.set(None)
        >
            <div class="flex min-w-[48rem]">
                <div class="w-14 shrink-0 border-r border-slate-200" aria-hidden="true">
                    <div class="h-10 border-b border-slate-200"></div>
                    <div class="relative" style=format!("height:{height}px")>
                        {hours
                            .iter()
                            .map(|h| {
                                view! {
                                    <span
                                        class="absolute right-1 -translate-y-2 text-xs text-slate-500"
                                        style=format!("top:{}px", ((h * 60 - first_minute) as f64) * PX_PER_MINUTE)
                                    >
                                        {clock(h * 60)}
                                    </span>
                                }
                            })
                            .collect_view()}
                    </div>
                </div>
                {cols
                    .into_iter()
                    .map(|column| {
                        let mine: Vec<CalendarAppointment> = appointments
                            .iter()
                            .filter(|a| {
                                a.date == column.date && column.specialist_id.is_none_or(|s| s == a.specialist_id)
                            })
                            .cloned()
                            .collect();
                        let placed = lanes(&mine.iter().map(|a| (a.start_minute, a.end_minute)).collect::<Vec<_>>());
                        let is_today = column.date == today;
                        let date_attr = column.date.format("%Y-%m-%d").to_string();
                        let col_date = column.date;
                        let col_specialist = column.specialist_id;
                        view! {
                            <section
                                class="min-w-0 flex-1 border-r border-slate-200 last:border-r-0"
                                aria-label=format!("{} {}", column.heading, column.date.format("%A %-d %B"))
                            >
                                <h3
                                    class="flex h-10 items-center justify-center border-b border-slate-200 text-sm font-semibold"
                                    class=("bg-teal-50", is_today)
                                >
                                    {column.heading.clone()}
                                </h3>
                                <div
                                    class="relative select-none"
                                    style=format!("height:{height}px")
                                    data-column-date=date_attr
                                    data-column-specialist=column.specialist_id.map(|id| id.to_string())
                                    data-hour-from=first_minute / 60
                                >
                                    {hours
                                        .iter()
                                        .map(|h| {
                                            view! {
                                                <div
                                                    class="absolute inset-x-0 border-t border-slate-100"
                                                    style=format!(
                                                        "top:{}px",
                                                        ((h * 60 - first_minute) as f64) * PX_PER_MINUTE,
                                                    )
                                                ></div>
                                            }
                                        })
                                        .collect_view()}
                                    {(is_today && now_minute >= first_minute && now_minute <= hour_to * 60)
                                        .then(|| {
                                            view! {
                                                <div
                                                    class="pointer-events-none absolute inset-x-0 z-20 border-t-2 border-red-600"
                                                    data-testid="now-line"
                                                    style=format!(
                                                        "top:{}px",
                                                        ((now_minute - first_minute) as f64) * PX_PER_MINUTE,
                                                    )
                                                >
                                                    <span class="sr-only">{format!("Now, {}", clock(now_minute))}</span>
                                                </div>
                                            }
                                        })}
                                    {mine
                                        .into_iter()
                                        .zip(placed)
                                        .map(|(a, lane)| {
                                            view! {
                                                <AppointmentBlock
                                                    appointment=a
                                                    lane=lane.lane
                                                    lanes=lane.lanes
                                                    first_minute
                                                    drag
                                                    swallow_click
                                                    show_specialist
                                                />
                                            }
                                        })
                                        .collect_view()}
                                    {move || {
                                        drag.get()
                                            .and_then(|d| {
                                                let (date, specialist, minute) = d.target?;
                                                (d.moved && date == col_date && specialist == col_specialist)
                                                    .then(|| {
                                                        let length = d.appointment.end_minute
                                                            - d.appointment.start_minute;
                                                        view! {
                                                            <div
                                                                class="pointer-events-none absolute inset-x-1 z-30 rounded border-2 border-dashed border-teal-700 bg-teal-100/70 p-1 text-xs font-semibold"
                                                                data-testid="drop-preview"
                                                                style=format!(
                                                                    "top:{}px;height:{}px",
                                                                    ((minute - first_minute) as f64) * PX_PER_MINUTE,
                                                                    (length as f64) * PX_PER_MINUTE,
                                                                )
                                                            >
                                                                {format!("→ {}", clock(minute))}
                                                            </div>
                                                        }
                                                    })
                                            })
                                    }}
                                </div>
                            </section>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
        <p class="mt-2 text-xs text-slate-500">{format!("Times in {zone_name}.")}</p>
    }
}

#[component]
fn AppointmentBlock(
    appointment: CalendarAppointment,
    lane: usize,
    lanes: usize,
    first_minute: i64,
    drag: RwSignal<Option<Drag>>,
    swallow_click: RwSignal<bool>,
    show_specialist: bool,
) -> impl IntoView {
    let state = expect_context::<CalendarState>();
    let top = ((appointment.start_minute - first_minute) as f64) * PX_PER_MINUTE;
    let height = (((appointment.end_minute - appointment.start_minute) as f64) * PX_PER_MINUTE).max(20.0);
    let width = 100.0 / lanes as f64;
    let style = format!("top:{top}px;height:{height}px;left:{}%;width:{width}%", width * lane as f64);
    let movable = appointment.is_active();
    let for_press = appointment.clone();
    let for_click = appointment.clone();
    let label = format!(
        "{}, {}, {}, {}{}",
        appointment.patient_name,
        appointment.appointment_type,
        appointment.when,
        appointment.status.label(),
        if movable { ". Drag to move, or press to open." } else { "." }
    );
    let dragging = {
        let id = appointment.appointment_id;
        move || drag.with(|d| d.as_ref().is_some_and(|d| d.moved && d.appointment.appointment_id == id))
    };
    view! {
        <button
            class=format!(
                "absolute z-10 overflow-hidden rounded border-l-4 px-1 text-left text-xs shadow-sm hover:z-20 focus:z-20 focus:outline-2 focus:outline-teal-700 {}",
                status_classes(appointment.status),
            )
            // Only a movable appointment stops touch scrolling, so the grid still scrolls.
            class=("cursor-grab touch-none", movable)
            class=("opacity-50", dragging)
            style=style
            data-testid="staff-appointment"
            data-appointment-id=appointment.appointment_id.to_string()
            aria-label=label
            on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                swallow_click.set(false);
                if !movable || ev.button() != 0 {
                    return;
                }
                let Some(element) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
                    return
                };
                let grabbed_at = f64::from(ev.client_y()) - element.get_bounding_client_rect().top();
                drag.set(
                    Some(Drag {
                        appointment: for_press.clone(),
                        grab_minutes: grabbed_at / PX_PER_MINUTE,
                        origin: (f64::from(ev.client_x()), f64::from(ev.client_y())),
                        moved: false,
                        target: None,
                    }),
                );
            }
            on:click=move |_| {
                if swallow_click.get_untracked() {
                    swallow_click.set(false);
                } else {
                    state.selected.set(Some(for_click.clone()));
                }
            }
        >
            <span class="block font-semibold">
                {format!("{} {}", appointment.time_range(), appointment.patient_name)}
            </span>
            <span class="block truncate" data-testid="staff-appointment-status">
                {appointment.status.label()}
                {appointment.overbook_reason.is_some().then_some(" · overbooked")}
                {show_specialist.then(|| format!(" · {}", appointment.specialist_name))}
            </span>
        </button>
    }
}
