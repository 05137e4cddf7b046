//! The staff calendar: day, week and month views, coloured by status, with a today line.
//! Appointments are dragged to another time (pointer events, so mouse, pen and touch), or
//! moved with the keyboard through the "Move…" dialog; staff also book on a patient's behalf.

mod dialogs;
mod grid;
mod month;

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::components::page::Page;
use crate::domain::appointment_status::AppointmentStatus;
use uuid::Uuid;

use crate::api::calendar::{
    get_staff_calendar, CalendarAppointment, CalendarSpecialist, CalendarView, PlacedTime, StaffCalendar,
};
use crate::api::scheduling::{BookAppointment, CancelAppointment, RescheduleAppointment, SetAppointmentStatus};
use crate::components::auth::use_auth;
use crate::components::button::{Button, Variant};
use crate::components::form::{Choice, SelectField};
use crate::domain::role::Role;
use crate::error::AppError;
use dialogs::{AppointmentDetails, BookDialog, MoveDialog};

/// How often an open calendar reloads itself.
const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(5 * 60);

#[component]
pub fn CalendarPage() -> impl IntoView {
    view! {
        <Page path="/calendar">
            <StaffCalendarPage />
        </Page>
    }
}

pub(crate) fn status_classes(status: AppointmentStatus) -> &'static str {
    match status {
        AppointmentStatus::Pending => "border-amber-500 bg-amber-50",
        AppointmentStatus::Confirmed => "border-teal-600 bg-teal-50",
        AppointmentStatus::Completed => "border-slate-400 bg-slate-100",
        AppointmentStatus::NoShow => "border-red-500 bg-red-50",
        AppointmentStatus::Canceled => "border-slate-300 bg-white line-through opacity-70",
    }
}

/// An appointment on its way to a new time: from a drop (`start` known) or from "Move…".
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MoveRequest {
    pub appointment: CalendarAppointment,
    /// Where it was dropped, placed by the server (None: the dialog lets them choose).
    pub start: Option<PlacedTime>,
}

/// What the calendar's pieces share: the open dialogs, the actions, and a line for
/// screen readers (and everyone) saying what just happened.
#[derive(Clone, Copy)]
pub(crate) struct CalendarState {
    pub selected: RwSignal<Option<CalendarAppointment>>,
    pub moving: RwSignal<Option<MoveRequest>>,
    pub booking: RwSignal<bool>,
    pub announcement: RwSignal<String>,
    /// The zone and the specialists of the calendar on screen (for the dialogs).
    pub time_zone: RwSignal<String>,
    pub specialists: RwSignal<Vec<CalendarSpecialist>>,
    pub set_status: ServerAction<SetAppointmentStatus>,
    pub cancel: ServerAction<CancelAppointment>,
    pub reschedule: ServerAction<RescheduleAppointment>,
    pub book: ServerAction<BookAppointment>,
}

#[component]
fn StaffCalendarPage() -> impl IntoView {
    let auth = use_auth();
    let is_admin = move || auth.user().is_some_and(|user| user.role == Role::Admin);
    let view_kind = RwSignal::new(CalendarView::Week);
    let anchor = RwSignal::new(None::<NaiveDate>);
    let specialist = RwSignal::new(None::<Uuid>);
    let refresh = RwSignal::new(0u32);
    let state = CalendarState {
        selected: RwSignal::new(None),
        moving: RwSignal::new(None),
        booking: RwSignal::new(false),
        announcement: RwSignal::new(String::new()),
        time_zone: RwSignal::new(String::new()),
        specialists: RwSignal::new(Vec::new()),
        set_status: ServerAction::new(),
        cancel: ServerAction::new(),
        reschedule: ServerAction::new(),
        book: ServerAction::new(),
    };
    // Refetch after a change that worked (refetching on failures too would wipe the message).
    let on_success = move |done: bool, message: String| {
        if done {
            refresh.update(|n| *n += 1);
            state.selected.set(None);
            state.announcement.set(message);
        }
    };
    Effect::new(move |_| {
        if let Some(result) = state.set_status.value().get() {
            on_success(result.is_ok(), "Status changed.".into());
        }
    });
    Effect::new(move |_| {
        if let Some(result) = state.cancel.value().get() {
            on_success(result.is_ok(), "Appointment canceled.".into());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(when)) = state.reschedule.value().get() {
            state.moving.set(None);
            on_success(true, format!("Moved to {when}."));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = state.book.value().get() {
            state.booking.set(false);
            on_success(true, "Appointment booked.".into());
        }
    });
    // While the page stays open, the today line moves and others' bookings appear (effects run
    // only in the browser).
    Effect::new(move |_| {
        let tick = set_interval_with_handle(move || refresh.update(|n| *n += 1), REFRESH_EVERY);
        on_cleanup(move || {
            if let Ok(handle) = tick {
                handle.clear();
            }
        });
    });
    let calendar = Resource::new(
        move || (view_kind.get(), anchor.get(), specialist.get(), refresh.get()),
        |(view, anchor, specialist, _)| get_staff_calendar(view, anchor, specialist),
    );
    let specialists = Resource::new(|| (), |_| crate::api::specialists::list_specialists());
    Effect::new(move |_| {
        if let Some(Ok(cal)) = calendar.get() {
            state.time_zone.set(cal.time_zone);
            state.specialists.set(cal.specialists);
        }
    });
    let action_error = move || {
        [state.set_status.value().get().and_then(Result::err), state.cancel.value().get().and_then(Result::err)]
            .into_iter()
            .flatten()
            .next()
    };
    provide_context(state);

    // One suspense for all the page loads (sibling suspenses break hydration).
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-3xl font-semibold">"Calendar"</h1>
            <Button variant=Variant::Primary on_click=move |()| state.booking.set(true)>
                "Book for a patient"
            </Button>
        </div>
        <p class="sr-only" aria-live="polite" data-testid="calendar-announcement">
            {move || state.announcement.get()}
        </p>
        {move || {
            let text = state.announcement.get();
            (!text.is_empty())
                .then(|| {
                    view! {
                        <p class="mt-3 rounded bg-green-50 p-3 text-green-800" role="status">
                            {text}
                        </p>
                    }
                })
        }}
        {move || {
            action_error()
                .map(|e| {
                    view! {
                        <p class="mt-3 rounded bg-red-50 p-3 text-red-800" role="alert">
                            {e.to_string()}
                        </p>
                    }
                })
        }}
        <Transition fallback=|| {
            view! { <p class="mt-6">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let specialists = specialists.await?;
                let cal = calendar.await?;
                let specialist_choices: Vec<Choice> = std::iter::once(Choice::new("", "All specialists, side by side"))
                    .chain(specialists.iter().map(|s| Choice::new(s.specialist_id.to_string(), s.display_name.clone())))
                    .collect();
                Ok::<
                    _,
                    AppError,
                >(
                    view! {
                        <Show when=is_admin>
                            <SelectField
                                label="Specialist"
                                id="calendar-specialist"
                                class="mt-4 max-w-sm"
                                options=specialist_choices.clone()
                                value=Signal::derive(move || {
                                    specialist.get().map(|id| id.to_string()).unwrap_or_default()
                                })
                                on_change=move |id: String| specialist.set(Uuid::parse_str(&id).ok())
                            />
                        </Show>
                        <Toolbar cal=cal.clone() view_kind anchor />
                        {match cal.view {
                            CalendarView::Month => view! { <month::MonthView cal view_kind anchor /> }.into_any(),
                            CalendarView::Day | CalendarView::Week => view! { <grid::TimeGrid cal /> }.into_any(),
                        }}
                    },
                )
            })}
        </Transition>
        {move || state.selected.get().map(|appointment| view! { <AppointmentDetails appointment /> })}
        {move || state.moving.get().map(|request| view! { <MoveDialog request /> })}
        {move || state.booking.get().then(|| view! { <BookDialog /> })}
    }
}

fn title_of(cal: &StaffCalendar) -> String {
    match cal.view {
        CalendarView::Day => cal.first_day.format("%A %-d %B %Y").to_string(),
        CalendarView::Week => format!("Week of {}", cal.first_day.format("%-d %B %Y")),
        CalendarView::Month => cal.anchor.format("%B %Y").to_string(),
    }
}

#[component]
fn Toolbar(
    cal: StaffCalendar,
    view_kind: RwSignal<CalendarView>,
    anchor: RwSignal<Option<NaiveDate>>,
) -> impl IntoView {
    let current = cal.view;
    let here = cal.anchor;
    let view_button = move |kind: CalendarView, label: &'static str| {
        view! {
            <button
                class="px-3 py-2 aria-pressed:bg-slate-800 aria-pressed:text-white"
                aria-pressed=(kind == current).to_string()
                on:click=move |_| view_kind.set(kind)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="mt-6 flex flex-wrap items-center justify-between gap-3">
            <div>
                <h2 class="text-xl font-semibold" data-testid="calendar-title">
                    {title_of(&cal)}
                </h2>
                <p class="text-sm text-slate-600">{format!("Times in {}", cal.time_zone)}</p>
            </div>
            <div class="flex flex-wrap gap-2">
                <div class="flex overflow-hidden rounded border border-slate-300" role="group" aria-label="View">
                    {view_button(CalendarView::Day, "Day")}
                    {view_button(CalendarView::Week, "Week")}
                    {view_button(CalendarView::Month, "Month")}
                </div>
                <Button on_click=move |()| anchor.set(Some(current.step(here, -1)))>"← Previous"</Button>
                <Button on_click=move |()| anchor.set(None)>"Today"</Button>
                <Button on_click=move |()| anchor.set(Some(current.step(here, 1)))>"Next →"</Button>
            </div>
        </div>
    }
}
