//! The patient's booking calendar: choose a specialist and a type, pick a free time in the
//! week, confirm. Slots are real buttons; times are the specialist's, labelled with the zone.

use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::scheduling::{
    appointment_types, get_week_slots, my_appointments, BookAppointment, CancelAppointment, ClosedView,
    PatientAppointment, RescheduleAppointment, SlotView, WeekSlots,
};
use crate::api::specialists::list_specialists;
use crate::components::form::ConfirmButton;
use crate::components::page::Page;
use crate::error::AppError;

#[component]
pub fn BookingPage() -> impl IntoView {
    view! {
        <Page path="/book">
            <Booking />
        </Page>
    }
}

/// The time picked, waiting for confirmation.
#[derive(Clone, PartialEq)]
struct Pick {
    slot: SlotView,
    day: String,
}

#[component]
fn Booking() -> impl IntoView {
    let specialists = Resource::new(|| (), |_| list_specialists());
    let types = Resource::new(|| (), |_| appointment_types());
    let specialty = RwSignal::new(String::new());
    let specialist = RwSignal::new(None::<Uuid>);
    let kind = RwSignal::new(String::new());
    let week_start = RwSignal::new(None::<NaiveDate>);
    let pick = RwSignal::new(None::<Pick>);
    let book = ServerAction::<BookAppointment>::new();
    let cancel = ServerAction::<CancelAppointment>::new();
    let reschedule = ServerAction::<RescheduleAppointment>::new();
    // The appointment being moved, while the patient picks its new time.
    let rescheduling = RwSignal::new(None::<PatientAppointment>);

    let slots = Resource::new(
        move || {
            let moving = rescheduling.with(|r| r.as_ref().map(|a| a.appointment_id));
            (
                specialist.get(),
                kind.get(),
                week_start.get(),
                moving,
                book.version().get(),
                cancel.version().get(),
                reschedule.version().get(),
            )
        },
        |(specialist, kind, week, moving, _, _, _)| async move {
            match specialist {
                Some(id) if !kind.is_empty() => get_week_slots(id, kind, week, moving, None).await.map(Some),
                _ => Ok(None),
            }
        },
    );
    let mine = Resource::new(
        move || (book.version().get(), cancel.version().get(), reschedule.version().get()),
        |_| my_appointments(),
    );
    Effect::new(move |_| {
        if let Some(Ok(_)) = reschedule.value().get() {
            rescheduling.set(None);
            pick.set(None);
        }
    });
    let start_rescheduling = move |appointment: PatientAppointment| {
        specialty.set(String::new());
        specialist.set(Some(appointment.specialist_id));
        kind.set(appointment.appointment_type.clone());
        week_start.set(Some(appointment.date));
        rescheduling.set(Some(appointment));
    };
    // Once the types are known, preselect the first, so the calendar shows at once.
    Effect::new(move |_| {
        if kind.with(String::is_empty) {
            if let Some(Ok(list)) = types.get() {
                if let Some(first) = list.first() {
                    kind.set(first.name.clone());
                }
            }
        }
    });
    Effect::new(move |_| {
        if book.value().get().is_some() {
            pick.set(None);
        }
    });

    // Everything the page shows is awaited in one suspense: sibling suspenses resolving in a
    // different order on the server and in the browser break hydration.
    view! {
        <h1 class="text-3xl font-semibold">"Book an appointment"</h1>
        <BookingMessage result=Signal::derive(move || book.value().get()) />
        <div aria-live="polite">
            {move || match reschedule.value().get() {
                Some(Ok(when)) => {
                    Some(
                        view! {
                            <p
                                class="mt-4 rounded bg-green-50 p-3 text-green-800"
                                role="status"
                                data-testid="reschedule-result"
                            >
                                {format!("Moved to {when}. The clinic will confirm the new time.")}
                            </p>
                        }
                            .into_any(),
                    )
                }
                Some(Err(error)) => {
                    Some(
                        view! {
                            <p
                                class="mt-4 rounded bg-amber-50 p-3 text-amber-900"
                                role="alert"
                                data-testid="reschedule-result"
                            >
                                {error.to_string()}
                            </p>
                        }
                            .into_any(),
                    )
                }
                None => None,
            }}
        </div>
        {move || {
            rescheduling
                .get()
                .map(|a| {
                    view! {
                        <div
                            class="mt-4 flex flex-wrap items-center justify-between gap-3 rounded border border-teal-600 bg-teal-50 p-3"
                            data-testid="rescheduling-banner"
                        >
                            <p>{format!("Choose a new time for your {} ({}).", a.appointment_type, a.when)}</p>
                            <button
                                class="rounded border border-slate-400 bg-white px-3 py-1"
                                on:click=move |_| rescheduling.set(None)
                            >
                                "Stop rescheduling"
                            </button>
                        </div>
                    }
                })
        }}
        <Transition fallback=|| {
            view! { <p class="mt-6">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let specialists = specialists.await?;
                let types = types.await?;
                let week = slots.await?;
                let mine = mine.await?;
                let mut specialties: Vec<String> = specialists.iter().map(|s| s.specialty.clone()).collect();
                specialties.sort();
                specialties.dedup();
                let of_specialty = specialists.clone();
                Ok::<
                    _,
                    AppError,
                >(
                    view! {
                        <div class="mt-6 flex flex-wrap items-end gap-4">
                            <label class="flex flex-col gap-1 text-sm font-medium">
                                "Specialty"
                                <select
                                    class="rounded border border-slate-300 px-3 py-2"
                                    id="booking-specialty"
                                    prop:value=move || specialty.get()
                                    on:change=move |ev| {
                                        let chosen = event_target_value(&ev);
                                        let keeps = specialist
                                            .get_untracked()
                                            .is_some_and(|id| {
                                                chosen.is_empty()
                                                    || of_specialty
                                                        .iter()
                                                        .any(|s| s.specialist_id == id && s.specialty == chosen)
                                            });
                                        if !keeps {
                                            specialist.set(None);
                                        }
                                        specialty.set(chosen);
                                    }
                                >
                                    <option value="">"Any specialty"</option>
                                    {specialties
                                        .into_iter()
                                        .map(|name| view! { <option value=name.clone()>{name.clone()}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                            <label class="flex flex-col gap-1 text-sm font-medium">
                                "Specialist"
                                <select
                                    class="min-w-64 rounded border border-slate-300 px-3 py-2"
                                    id="booking-specialist"
                                    prop:value=move || specialist.get().map(|id| id.to_string()).unwrap_or_default()
                                    on:change=move |ev| {
                                        specialist.set(Uuid::parse_str(&event_target_value(&ev)).ok());
                                        week_start.set(None);
                                    }
                                >
                                    <option value="">"Choose a specialist"</option>
                                    {move || {
                                        let wanted = specialty.get();
                                        specialists
                                            .iter()
                                            .filter(|s| wanted.is_empty() || s.specialty == wanted)
                                            .map(|s| {
                                                view! {
                                                    <option value=s
                                                        .specialist_id
                                                        .to_string()>
                                                        {format!("{} · {}", s.display_name, s.specialty)}
                                                    </option>
                                                }
                                            })
                                            .collect_view()
                                    }}
                                </select>
                            </label>
                            <label class="flex flex-col gap-1 text-sm font-medium">
                                "Type of appointment"
                                <select
                                    class="rounded border border-slate-300 px-3 py-2"
                                    id="booking-type"
                                    prop:value=move || kind.get()
                                    on:change=move |ev| kind.set(event_target_value(&ev))
                                >
                                    {types
                                        .into_iter()
                                        .map(|t| {
                                            view! {
                                                <option value=t
                                                    .name
                                                    .clone()>
                                                    {format!("{} ({} min)", t.name, t.duration_minutes)}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                        </div>
                        {match week {
                            None => {
                                view! {
                                    <p class="mt-6 text-slate-700">"Choose a specialist to see their free times."</p>
                                }
                                    .into_any()
                            }
                            Some(w) => view! { <WeekGrid week=w week_start pick /> }.into_any(),
                        }}
                        <h2 class="mt-10 text-xl font-semibold">"Your appointments"</h2>
                        <MyAppointments list=mine cancel on_reschedule=Callback::new(start_rescheduling) />
                    },
                )
            })}
        </Transition>

        {move || {
            pick.get()
                .map(|p| {
                    let start = p.slot.start;
                    let moving = rescheduling.with_untracked(|r| r.as_ref().map(|a| a.appointment_id));
                    view! {
                        <div class="fixed inset-0 z-10 flex items-center justify-center bg-slate-900/40 p-4">
                            <section
                                role="dialog"
                                aria-modal="true"
                                aria-labelledby="confirm-title"
                                class="w-full max-w-md rounded-lg bg-white p-6 shadow-lg"
                            >
                                <h2 id="confirm-title" class="text-xl font-semibold">
                                    {if moving.is_some() { "Move your appointment" } else { "Confirm your booking" }}
                                </h2>
                                <p class="mt-3" data-testid="confirm-summary">
                                    {format!("{} on {} at {}", kind.get_untracked(), p.day, p.slot.label)}
                                </p>
                                <div class="mt-6 flex gap-3">
                                    <button
                                        class="rounded bg-teal-700 px-4 py-2 text-white hover:bg-teal-800 disabled:opacity-60"
                                        disabled=move || book.pending().get() || reschedule.pending().get()
                                        on:click=move |_| {
                                            if let Some(appointment_id) = moving {
                                                reschedule
                                                    .dispatch(RescheduleAppointment {
                                                        appointment_id,
                                                        start,
                                                        overbook_reason: None,
                                                    });
                                            } else if let Some(id) = specialist.get_untracked() {
                                                book.dispatch(BookAppointment {
                                                    specialist_id: id,
                                                    appointment_type: kind.get_untracked(),
                                                    start,
                                                    patient_id: None,
                                                    overbook_reason: None,
                                                });
                                            }
                                        }
                                    >
                                        {if moving.is_some() { "Move it here" } else { "Confirm booking" }}
                                    </button>
                                    <button
                                        class="rounded border border-slate-300 px-4 py-2"
                                        on:click=move |_| pick.set(None)
                                    >
                                        "Back"
                                    </button>
                                </div>
                            </section>
                        </div>
                    }
                })
        }}
        {move || match cancel.value().get() {
            Some(Err(e)) => {
                Some(
                    view! {
                        <p class="mt-3 text-red-700" role="alert">
                            {e.to_string()}
                        </p>
                    },
                )
            }
            _ => None,
        }}
    }
}

#[component]
fn WeekGrid(week: WeekSlots, week_start: RwSignal<Option<NaiveDate>>, pick: RwSignal<Option<Pick>>) -> impl IntoView {
    let monday = week.week_start;
    let total: usize = week.days.iter().map(|d| d.slots.len()).sum();
    view! {
        <div class="mt-6 flex flex-wrap items-center justify-between gap-3">
            <div>
                <h2 class="text-xl font-semibold">{format!("Week of {}", monday.format("%-d %B %Y"))}</h2>
                <p class="text-sm text-slate-600" data-testid="time-zone">
                    {format!("Times are {}'s, in {}", week.specialist_name, week.time_zone)}
                </p>
            </div>
            <div class="flex flex-wrap items-end gap-2">
                // The browser's date picker is the month overview: any date jumps to its week.
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Jump to a date"
                    <input
                        type="date"
                        class="rounded border border-slate-300 px-3 py-2"
                        data-testid="jump-to-date"
                        on:change=move |ev| {
                            if let Ok(date) = NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d") {
                                week_start.set(Some(date));
                            }
                        }
                    />
                </label>
                <button
                    class="rounded border border-slate-300 px-3 py-2 hover:bg-slate-100"
                    on:click=move |_| week_start.set(Some(monday - Duration::days(7)))
                >
                    "← Previous week"
                </button>
                <button
                    class="rounded border border-slate-300 px-3 py-2 hover:bg-slate-100"
                    on:click=move |_| week_start.set(Some(monday + Duration::days(7)))
                >
                    "Next week →"
                </button>
            </div>
        </div>
        {(total == 0)
            .then(|| view! { <p class="mt-4 text-slate-700">"No free times this week. Try the next week."</p> })}
        <div class="mt-4 grid gap-3 md:grid-cols-7" data-testid="week-slots">
            {week
                .days
                .into_iter()
                .map(|day| {
                    let day_label = day.label.clone();
                    view! {
                        <section class="rounded-lg border border-slate-200 bg-white p-2" aria-label=day.label.clone()>
                            <h3 class="mb-2 text-center text-sm font-semibold">{day.label.clone()}</h3>
                            <ul class="flex flex-wrap gap-1 md:flex-col">
                                {day_rows(day.slots, day.closed)
                                    .into_iter()
                                    .map(|row| match row {
                                        DayRow::Free(slot) => {
                                            let label = format!("Book {} at {}", day_label, slot.label);
                                            let chosen = Pick {
                                                slot: slot.clone(),
                                                day: day_label.clone(),
                                            };
                                            view! {
                                                <li>
                                                    <button
                                                        class="min-h-8 w-full rounded border border-teal-700 px-2 py-1 text-sm text-teal-800 hover:bg-teal-50 focus:outline-2 focus:outline-teal-700"
                                                        aria-label=label
                                                        on:click=move |_| pick.set(Some(chosen.clone()))
                                                    >
                                                        {slot.label.clone()}
                                                    </button>
                                                </li>
                                            }
                                                .into_any()
                                        }
                                        DayRow::Closed(closed) => {
                                            // Not bookable: the reason is on screen (tap) and in the title (hover).
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
                                                .into_any()
                                        }
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

/// A day's free times and closed stretches, in time order.
enum DayRow {
    Free(SlotView),
    Closed(ClosedView),
}

fn day_rows(slots: Vec<SlotView>, closed: Vec<ClosedView>) -> Vec<DayRow> {
    let mut rows: Vec<(chrono::DateTime<chrono::Utc>, DayRow)> = slots
        .into_iter()
        .map(|s| (s.start, DayRow::Free(s)))
        .chain(closed.into_iter().map(|c| (c.start, DayRow::Closed(c))))
        .collect();
    rows.sort_by_key(|(start, _)| *start);
    rows.into_iter().map(|(_, row)| row).collect()
}

#[component]
fn MyAppointments(
    list: Vec<PatientAppointment>,
    cancel: ServerAction<CancelAppointment>,
    on_reschedule: Callback<PatientAppointment>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="mt-3 text-slate-700">"No appointments yet."</p> }.into_any();
    }
    view! {
        <ul
            class="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
            data-testid="my-appointments"
        >
            {list
                .into_iter()
                .map(|a| {
                    let id = a.appointment_id;
                    let again = a.clone();
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 p-4">
                            <div>
                                <p class="font-medium">{a.when}</p>
                                <p class="text-sm text-slate-700">
                                    {format!("{} · {}", a.specialist_name, a.appointment_type)}
                                </p>
                            </div>
                            <div class="flex items-center gap-3">
                                <span
                                    class="rounded-full bg-slate-100 px-3 py-1 text-sm"
                                    data-testid="appointment-status"
                                >
                                    {a.status.label()}
                                </span>
                                {a
                                    .can_change
                                    .then(|| {
                                        view! {
                                            <button
                                                class="rounded border border-slate-400 px-2 py-1 text-sm hover:bg-slate-100"
                                                on:click=move |_| on_reschedule.run(again.clone())
                                            >
                                                "Reschedule"
                                            </button>
                                            <ConfirmButton
                                                label="Cancel"
                                                question="Cancel this appointment?"
                                                confirm="Yes, cancel"
                                                on_confirm=move |()| {
                                                    cancel
                                                        .dispatch(CancelAppointment {
                                                            appointment_id: id,
                                                            reason: String::new(),
                                                        });
                                                }
                                            />
                                        }
                                    })}
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn BookingMessage(result: Signal<Option<Result<Uuid, AppError>>>) -> impl IntoView {
    view! {
        <div aria-live="polite" class="mt-4">
            {move || match result.get() {
                Some(Ok(_)) => {
                    Some(
                        view! {
                            <p
                                class="rounded bg-green-50 p-3 text-green-800"
                                role="status"
                                data-testid="booking-result"
                            >
                                "Booked. The clinic will confirm your appointment; you will find it below and in your notifications."
                            </p>
                        }
                            .into_any(),
                    )
                }
                Some(Err(error)) => {
                    Some(
                        view! {
                            <p class="rounded bg-amber-50 p-3 text-amber-900" role="alert" data-testid="booking-result">
                                {error.to_string()}
                            </p>
                        }
                            .into_any(),
                    )
                }
                None => None,
            }}
        </div>
    }
}
