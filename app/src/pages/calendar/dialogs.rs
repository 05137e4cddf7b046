//! The calendar's dialogs: an appointment's details and actions, moving it (the keyboard
//! alternative to dragging, and the confirmation after a drop), and booking for a patient.

use chrono::{NaiveDate, NaiveTime};
use leptos::prelude::*;
use uuid::Uuid;

use super::{CalendarState, MoveRequest};
use crate::api::calendar::{place_time, CalendarAppointment, PlacedTime};
use crate::api::scheduling::{
    appointment_types, get_week_slots, BookAppointment, CancelAppointment, RescheduleAppointment, SetAppointmentStatus,
    SlotView,
};
use crate::api::users::{patient_options, PatientOption};
use crate::components::appointment_type::AppointmentTypeSelect;
use crate::components::button::{Button, Size, Variant};
use crate::components::form::{Choice, ConfirmButton, FieldError, SelectField, FIELD};
use crate::components::modal::Modal;
use crate::components::slot_picker::{SlotAction, SlotPicker};
use crate::domain::appointment_status::AppointmentStatus;
use crate::error::AppError;
use crate::pages::note_actions::WriteNoteButton;

#[component]
pub fn AppointmentDetails(appointment: CalendarAppointment) -> impl IntoView {
    let state = expect_context::<CalendarState>();
    let id = appointment.appointment_id;
    let status = appointment.status;
    let changes = appointment.staff_changes.clone();
    let reason = RwSignal::new(String::new());
    // The buttons are the changes the state machine allows now (the server says which).
    let change_button = move |to: AppointmentStatus| {
        let (label, variant) = match to {
            AppointmentStatus::Confirmed => ("Confirm", Variant::Primary),
            AppointmentStatus::Completed => ("Complete", Variant::Secondary),
            _ => (to.label(), Variant::Secondary),
        };
        view! {
            <Button
                variant
                on_click=move |()| {
                    state
                        .set_status
                        .dispatch(SetAppointmentStatus {
                            appointment_id: id,
                            status: to,
                        });
                }
            >
                {label}
            </Button>
        }
    };
    let active = appointment.is_active();
    let to_move = appointment.clone();
    // Only specialists write notes (their own appointments; the server checks).
    let is_specialist = crate::components::auth::use_auth()
        .user()
        .is_some_and(|user| user.role == crate::domain::role::Role::Specialist);
    view! {
        <Modal title="Appointment".to_string() on_close=move |()| state.selected.set(None)>
            <dl class="mt-4 grid grid-cols-[8rem_1fr] gap-y-2 text-sm" data-testid="appointment-details">
                <dt class="text-slate-600">"When"</dt>
                <dd>{appointment.when.clone()}</dd>
                <dt class="text-slate-600">"Patient"</dt>
                <dd>{appointment.patient_name.clone()}</dd>
                <dt class="text-slate-600">"Type"</dt>
                <dd>{appointment.appointment_type.clone()}</dd>
                <dt class="text-slate-600">"Specialist"</dt>
                <dd>{appointment.specialist_name.clone()}</dd>
                <dt class="text-slate-600">"Status"</dt>
                <dd data-testid="details-status">{status.label()}</dd>
                {appointment
                    .overbook_reason
                    .clone()
                    .map(|why| {
                        view! {
                            <dt class="text-slate-600">"Overbooked"</dt>
                            <dd>{why}</dd>
                        }
                    })}
            </dl>
            <div class="mt-6 flex flex-wrap items-center gap-2">
                {changes.into_iter().map(change_button).collect_view()}
                {is_specialist.then(|| view! { <WriteNoteButton appointment_id=id /> })}
                {active
                    .then(|| {
                        view! {
                            <Button on_click=move |()| {
                                state.selected.set(None);
                                state
                                    .moving
                                    .set(
                                        Some(MoveRequest {
                                            appointment: to_move.clone(),
                                            start: None,
                                        }),
                                    );
                            }>"Move…"</Button>
                        }
                    })}
            </div>
            {active
                .then(|| {
                    view! {
                        <div class="mt-6 flex flex-wrap items-end gap-2 border-t border-slate-200 pt-4">
                            <label class="flex grow flex-col gap-1 text-sm font-medium">
                                "Reason for cancelling (optional)"
                                <input
                                    class=FIELD
                                    maxlength="500"
                                    prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))
                                />
                            </label>
                            <ConfirmButton
                                label="Cancel appointment"
                                question="Cancel it?"
                                confirm="Yes, cancel"
                                on_confirm=move |()| {
                                    let text = reason.get_untracked();
                                    let text = if text.trim().is_empty() {
                                        "Canceled by the clinic".to_string()
                                    } else {
                                        text
                                    };
                                    state
                                        .cancel
                                        .dispatch(CancelAppointment {
                                            appointment_id: id,
                                            reason: text,
                                        });
                                }
                            />
                        </div>
                    }
                })}
        </Modal>
    }
}

/// Free times of one specialist for one type, a week at a time: pressing one chooses it.
#[component]
fn FreeTimes(
    specialist_id: Signal<Option<Uuid>>,
    appointment_type: Signal<String>,
    moving: Option<Uuid>,
    chosen: RwSignal<Option<PlacedTime>>,
    /// A date in the week to open on (the current week when None).
    #[prop(optional)]
    start_week: Option<NaiveDate>,
) -> impl IntoView {
    let week = RwSignal::new(start_week);
    let slots = Resource::new(
        move || (specialist_id.get(), appointment_type.get(), week.get()),
        move |(specialist, kind, week)| async move {
            match specialist {
                Some(id) if !kind.is_empty() => get_week_slots(id, kind, week, moving, None).await.map(Some),
                _ => Ok(None),
            }
        },
    );
    let action = SlotAction::Choose {
        chosen: Signal::derive(move || chosen.with(|c| c.as_ref().map(|c| c.start))),
        on_choose: Callback::new(move |(day, slot): (String, SlotView)| {
            chosen.set(Some(PlacedTime { start: slot.start, label: format!("{day}, {}", slot.label) }));
        }),
    };
    view! {
        <Transition fallback=|| {
            view! { <p class="mt-3">"Loading free times…"</p> }
        }>
            {move || Suspend::new(async move {
                let Some(w) = slots.await? else {
                    return Ok::<
                        _,
                        AppError,
                    >(view! { <p class="mt-3 text-slate-700">"Choose a specialist and a type."</p> }.into_any());
                };
                let monday = w.week_start;
                Ok(
                    view! {
                        <div class="mt-3 flex items-center justify-between gap-2">
                            <p class="text-sm font-medium">
                                {format!("Free times, week of {} ({})", monday.format("%-d %b"), w.time_zone)}
                            </p>
                            <div class="flex gap-1">
                                <Button
                                    size=Size::Small
                                    on_click=move |()| week.set(Some(monday - chrono::Duration::days(7)))
                                >
                                    "← Week"
                                </Button>
                                <Button
                                    size=Size::Small
                                    on_click=move |()| week.set(Some(monday + chrono::Duration::days(7)))
                                >
                                    "Week →"
                                </Button>
                            </div>
                        </div>
                        <SlotPicker days=w.days action test_id="free-times" />
                    }
                        .into_any(),
                )
            })}
        </Transition>
    }
}

/// Overbooking: any date and time, with the reason the audit trail keeps.
#[component]
fn Overbook(
    enabled: RwSignal<bool>,
    reason: RwSignal<String>,
    zone: String,
    chosen: RwSignal<Option<PlacedTime>>,
) -> impl IntoView {
    let date = RwSignal::new(String::new());
    let time = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let zone = StoredValue::new(zone);
    // The server places the typed time in the calendar's zone (the browser has no zone rules).
    let set_from_inputs = move || {
        let typed = NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d")
            .ok()
            .zip(NaiveTime::parse_from_str(&time.get_untracked(), "%H:%M").ok());
        if let Some((date, time)) = typed {
            leptos::task::spawn_local(async move {
                match place_time(zone.get_value(), date, time).await {
                    Ok(placed) => {
                        problem.set(None);
                        chosen.set(Some(placed));
                    }
                    Err(error) => problem.set(Some(error.to_string())),
                }
            });
        }
    };
    view! {
        <div class="mt-4 rounded border border-amber-300 bg-amber-50 p-3">
            <label class="flex items-center gap-2 text-sm font-medium">
                <input
                    type="checkbox"
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                "Book anyway, even if the time is not free (overbook)"
            </label>
            <Show when=move || enabled.get()>
                <div class="mt-3 flex flex-wrap gap-3">
                    <label class="flex flex-col gap-1 text-sm">
                        "Date"
                        <input
                            type="date"
                            class="rounded border border-slate-300 px-2 py-1"
                            prop:value=move || date.get()
                            on:change=move |ev| {
                                date.set(event_target_value(&ev));
                                set_from_inputs();
                            }
                        />
                    </label>
                    <label class="flex flex-col gap-1 text-sm">
                        "Time"
                        <input
                            type="time"
                            step="300"
                            class="rounded border border-slate-300 px-2 py-1"
                            prop:value=move || time.get()
                            on:change=move |ev| {
                                time.set(event_target_value(&ev));
                                set_from_inputs();
                            }
                        />
                    </label>
                </div>
                <FieldError message=problem class="mt-2" />
                <label class="mt-3 flex flex-col gap-1 text-sm font-medium">
                    "Reason (required, kept in the audit trail)"
                    <textarea
                        class=FIELD
                        maxlength="500"
                        name="overbook_reason"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                </label>
            </Show>
        </div>
    }
}

#[component]
pub fn MoveDialog(request: MoveRequest) -> impl IntoView {
    let state = expect_context::<CalendarState>();
    let since = state.reschedule.version().get_untracked();
    let appointment = request.appointment.clone();
    let zone_name = state.time_zone.get_untracked();
    let from_drop = request.start.is_some();
    let chosen = RwSignal::new(request.start);
    let overbook = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let id = appointment.appointment_id;
    // Only this dialog's attempts: an older result belongs to an earlier move.
    let error = move || {
        (state.reschedule.version().get() > since)
            .then(|| state.reschedule.value().get())
            .flatten()
            .and_then(Result::err)
    };
    view! {
        <Modal title="Move appointment".to_string() on_close=move |()| state.moving.set(None)>
            <p class="mt-3">
                {format!(
                    "{} · {} with {}",
                    appointment.patient_name,
                    appointment.appointment_type,
                    appointment.specialist_name,
                )}
            </p>
            <p class="text-sm text-slate-700">{format!("Now: {}", appointment.when)}</p>
            {(!from_drop)
                .then(|| {
                    view! {
                        <FreeTimes
                            specialist_id=Signal::derive(move || Some(appointment.specialist_id))
                            appointment_type=Signal::derive({
                                let kind = appointment.appointment_type.clone();
                                move || kind.clone()
                            })
                            moving=Some(id)
                            chosen
                            start_week=appointment.date
                        />
                    }
                })}
            <p class="mt-4 font-medium" data-testid="move-summary">
                {move || match chosen.get() {
                    Some(at) => format!("New time: {} ({zone_name})", at.label),
                    None => "Choose a new time.".to_string(),
                }}
            </p>
            <Overbook enabled=overbook reason zone=state.time_zone.get_untracked() chosen />
            {move || {
                error()
                    .map(|e| {
                        view! {
                            <p class="mt-3 rounded bg-red-50 p-3 text-red-800" role="alert">
                                {e.to_string()}
                            </p>
                        }
                    })
            }}
            <div class="mt-6 flex gap-3">
                <Button
                    variant=Variant::Primary
                    disabled=Signal::derive(move || chosen.get().is_none() || state.reschedule.pending().get())
                    on_click=move |()| {
                        if let Some(start) = chosen.get_untracked().map(|placed| placed.start) {
                            let overbook_reason = overbook.get_untracked().then(|| reason.get_untracked());
                            state
                                .reschedule
                                .dispatch(RescheduleAppointment {
                                    appointment_id: id,
                                    start,
                                    overbook_reason,
                                });
                        }
                    }
                >
                    "Move here"
                </Button>
                <Button on_click=move |()| state.moving.set(None)>"Keep the current time"</Button>
            </div>
        </Modal>
    }
}

#[component]
pub fn BookDialog() -> impl IntoView {
    let state = expect_context::<CalendarState>();
    let specialists = state.specialists.get_untracked();
    let time_zone = state.time_zone.get_untracked();
    let since = state.book.version().get_untracked();
    let patients = Resource::new(|| (), |_| patient_options());
    let types = Resource::new(|| (), |_| appointment_types());
    let patient = RwSignal::new(None::<Uuid>);
    let specialist = RwSignal::new(specialists.first().map(|s| s.specialist_id));
    let kind = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<PlacedTime>);
    let overbook = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error =
        move || (state.book.version().get() > since).then(|| state.book.value().get()).flatten().and_then(Result::err);
    Effect::new(move |_| {
        if kind.with(String::is_empty) {
            if let Some(Ok(list)) = types.get() {
                if let Some(first) = list.first() {
                    kind.set(first.name.clone());
                }
            }
        }
    });
    view! {
        <Modal title="Book for a patient".to_string() on_close=move |()| state.booking.set(false)>
            <Transition fallback=|| {
                view! { <p class="mt-3">"Loading…"</p> }
            }>
                {move || {
                    let specialists = specialists.clone();
                    Suspend::new(async move {
                        let patients = patients.await?;
                        let types = types.await?;
                        let specialist_choices: Vec<Choice> = specialists
                            .into_iter()
                            .map(|s| Choice::new(s.specialist_id.to_string(), s.name))
                            .collect();
                        Ok::<
                            _,
                            AppError,
                        >(
                            view! {
                                <div class="mt-4 grid gap-3 sm:grid-cols-3">
                                    <SelectField
                                        label="Patient"
                                        id="book-patient"
                                        name="patient"
                                        options=patient_choices(patients)
                                        value=Signal::derive(move || id_value(patient.get()))
                                        on_change=move |id: String| patient.set(Uuid::parse_str(&id).ok())
                                    />
                                    <SelectField
                                        label="Specialist"
                                        id="book-specialist"
                                        name="specialist"
                                        options=specialist_choices
                                        value=Signal::derive(move || id_value(specialist.get()))
                                        on_change=move |id: String| {
                                            specialist.set(Uuid::parse_str(&id).ok());
                                            chosen.set(None);
                                        }
                                    />
                                    <AppointmentTypeSelect
                                        types
                                        label="Type"
                                        id="book-type"
                                        value=kind
                                        on_change=move |name| {
                                            kind.set(name);
                                            chosen.set(None);
                                        }
                                    />
                                </div>
                            },
                        )
                    })
                }}
            </Transition>
            <FreeTimes specialist_id=specialist.into() appointment_type=kind.into() moving=None chosen />
            <p class="mt-4 font-medium">
                {move || {
                    chosen.get().map_or("Choose a time.".to_string(), |at| format!("Time: {} ({time_zone})", at.label))
                }}
            </p>
            <Overbook enabled=overbook reason zone=state.time_zone.get_untracked() chosen />
            {move || {
                error()
                    .map(|e| {
                        view! {
                            <p class="mt-3 rounded bg-red-50 p-3 text-red-800" role="alert">
                                {e.to_string()}
                            </p>
                        }
                    })
            }}
            <div class="mt-6 flex gap-3">
                <Button
                    variant=Variant::Primary
                    disabled=Signal::derive(move || {
                        chosen.get().is_none() || patient.get().is_none() || state.book.pending().get()
                    })
                    on_click=move |()| {
                        if let (Some(start), Some(patient_id), Some(specialist_id)) = (
                            chosen.get_untracked().map(|placed| placed.start),
                            patient.get_untracked(),
                            specialist.get_untracked(),
                        ) {
                            let overbook_reason = overbook.get_untracked().then(|| reason.get_untracked());
                            state
                                .book
                                .dispatch(BookAppointment {
                                    specialist_id,
                                    appointment_type: kind.get_untracked(),
                                    start,
                                    patient_id: Some(patient_id),
                                    overbook_reason,
                                });
                        }
                    }
                >
                    "Book"
                </Button>
                <Button on_click=move |()| state.booking.set(false)>"Close without booking"</Button>
            </div>
        </Modal>
    }
}

/// A select's value for an optional id ("" for none).
fn id_value(id: Option<Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

/// The patients to book for, after a "Choose a patient" prompt.
fn patient_choices(patients: Vec<PatientOption>) -> Vec<Choice> {
    std::iter::once(Choice::new("", "Choose a patient"))
        .chain(patients.into_iter().map(|p| Choice::new(p.patient_id.to_string(), p.name)))
        .collect()
}
