//! The patient's booking calendar: choose a specialist and a type, pick a free time in the
//! week, confirm. Times are the specialist's, labelled with the zone.
//!
//! The page follows its address (`BookingQuery`), and every step is a form: choosing, the
//! slot buttons, confirming, cancelling and rescheduling all work before the WASM has loaded
//! (the server renders the result); once hydrated, the same forms run without a reload.

use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use super::booking_query::BookingQuery;
use crate::api::home::family_home;
use crate::api::scheduling::{
    appointment_types, get_week_slots, my_appointments, BookAppointment, CancelAppointment, PatientAppointment,
    RescheduleAppointment, SlotView, WeekSlots,
};
use crate::api::specialists::list_specialists;
use crate::components::appointment_type::AppointmentTypeSelect;
use crate::components::auth::use_auth;
use crate::components::button::{Button, ButtonLink, ButtonType, Size, Variant};
use crate::components::form::{Choice, SelectField, FIELD};
use crate::components::page::Page;
use crate::components::slot_picker::{slot_value, SlotAction, SlotPicker};
use crate::domain::role::Role;
use crate::error::AppError;

#[component]
pub fn BookingPage() -> impl IntoView {
    view! {
        <Page path="/book">
            <Booking />
        </Page>
    }
}

/// The first appointment type, shown until one is chosen.
async fn first_type() -> Result<String, AppError> {
    Ok(appointment_types().await?.into_iter().next().map(|t| t.name).unwrap_or_default())
}

/// Hidden fields carrying `pairs` through a form.
fn hidden(pairs: Vec<(&'static str, String)>) -> impl IntoView {
    pairs.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()
}

#[component]
fn Booking() -> impl IntoView {
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(BookingQuery::read));
    let navigate = use_navigate();
    // Changes apply to the address as it is now (not as it was when a part was drawn: two quick
    // choices must not undo each other).
    let go = Callback::new(move |changes: Vec<(&'static str, String)>| {
        let href = query.get_untracked().href(&changes);
        navigate(&href, NavigateOptions { scroll: false, ..Default::default() });
    });
    let specialists = Resource::new(|| (), |_| list_specialists());
    let types = Resource::new(|| (), |_| appointment_types());
    let book = ServerAction::<BookAppointment>::new();
    let cancel = ServerAction::<CancelAppointment>::new();
    let reschedule = ServerAction::<RescheduleAppointment>::new();
    let changed = move || (book.version().get(), cancel.version().get(), reschedule.version().get());

    let slots = Resource::new(
        move || (query.with(|q| (q.specialist, q.kind.clone(), q.week, q.moving)), changed()),
        |((specialist, kind, week, moving), _)| async move {
            let Some(id) = specialist else { return Ok(None) };
            let kind = if kind.is_empty() { first_type().await? } else { kind };
            get_week_slots(id, kind, week, moving, None).await.map(Some)
        },
    );
    let mine = Resource::new(changed, |_| my_appointments());
    // A family member books for the patient named in the address, when that patient allows it.
    let is_family = use_auth().user().is_some_and(|user| user.role == Role::FamilyMember);
    let helping = Resource::new(
        move || query.with(|q| q.for_patient),
        move |id| async move {
            match id {
                Some(id) if is_family => {
                    family_home(Some(id)).await.ok().and_then(|o| o.selected).filter(|p| p.patient_id == id)
                }
                _ => None,
            }
        },
    );
    // Once a booking or a move went through, leave the confirm step (and the move).
    Effect::new(move |_| {
        if matches!(book.value().get(), Some(Ok(_))) {
            go.run(vec![]);
        }
    });
    Effect::new(move |_| {
        if matches!(reschedule.value().get(), Some(Ok(_))) {
            go.run(vec![("moving", String::new())]);
        }
    });

    // Everything the page shows is awaited in one suspense: sibling suspenses resolving in a
    // different order on the server and in the browser break hydration.
    view! {
        <h1 class="text-3xl font-semibold">"Book an appointment"</h1>
        <Outcome query book reschedule cancel />
        <Transition fallback=|| {
            view! { <p class="mt-6">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let specialists = specialists.await?;
                let types = types.await?;
                let week = slots.await?;
                let mine = mine.await?;
                let helping = helping.await;
                let q = query.get();
                if is_family && !helping.as_ref().is_some_and(|p| p.can_book) {
                    return Ok(
                        view! {
                            <p class="mt-6 text-slate-700" data-testid="booking-not-allowed">
                                "Booking is not shared with you for this person. Choose whom to book for on "
                                <a class="text-teal-800 underline" href="/family">
                                    "your home page"
                                </a>
                                "."
                            </p>
                        }
                            .into_any(),
                    );
                }
                let kind = if q.kind.is_empty() {
                    types.first().map(|t| t.name.clone()).unwrap_or_default()
                } else {
                    q.kind.clone()
                };
                let mut specialties: Vec<String> = specialists.iter().map(|s| s.specialty.clone()).collect();
                specialties.sort();
                specialties.dedup();
                let moving = q
                    .moving
                    .and_then(|id| mine.iter().find(|a| a.appointment_id == id && a.can_change).cloned());
                let stop_moving = q.href(&[("moving", String::new())]);
                let picked = q.slot.map(|start| (start, week.as_ref().and_then(|w| find_slot(w, start))));
                Ok::<
                    _,
                    AppError,
                >(
                    view! {
                        {helping
                            .map(|p| {
                                view! {
                                    <p
                                        class="mt-4 rounded border border-teal-600 bg-teal-50 p-3"
                                        data-testid="booking-for"
                                    >
                                        {format!("Booking for {}.", p.name)}
                                    </p>
                                }
                            })}
                        {moving
                            .clone()
                            .map(|a| {
                                view! {
                                    <div
                                        class="mt-4 flex flex-wrap items-center justify-between gap-3 rounded border border-teal-600 bg-teal-50 p-3"
                                        data-testid="rescheduling-banner"
                                    >
                                        <p>
                                            {format!("Choose a new time for your {} ({}).", a.appointment_type, a.when)}
                                        </p>
                                        <ButtonLink href=stop_moving>"Stop rescheduling"</ButtonLink>
                                    </div>
                                }
                            })}
                        <Filters
                            query=q.clone()
                            now=query
                            kind=kind.clone()
                            specialists=specialists
                            specialties
                            types
                            go
                        />
                        {match week.clone() {
                            None => {
                                view! {
                                    <p class="mt-6 text-slate-700">"Choose a specialist to see their free times."</p>
                                }
                                    .into_any()
                            }
                            Some(w) => view! { <WeekGrid week=w query=q.clone() kind=kind.clone() go /> }.into_any(),
                        }}
                        {picked
                            .map(|(start, found)| {
                                view! {
                                    <ConfirmStep
                                        query=q.clone()
                                        kind=kind.clone()
                                        start
                                        found
                                        moving=moving.clone()
                                        book
                                        reschedule
                                    />
                                }
                            })}
                        <h2 class="mt-10 text-xl font-semibold">"Your appointments"</h2>
                        <MyAppointments list=mine query=q.clone() cancel />
                    }
                        .into_any(),
                )
            })}
        </Transition>
    }
}

/// Specialty, specialist and type. Choosing updates the page at once when it is interactive;
/// before that (or without JavaScript) "Show free times" does.
#[component]
fn Filters(
    query: BookingQuery,
    /// The address as it is when a choice is made.
    now: Memo<BookingQuery>,
    kind: String,
    specialists: Vec<crate::api::specialists::SpecialistSummary>,
    specialties: Vec<String>,
    types: Vec<crate::api::scheduling::AppointmentType>,
    go: Callback<Vec<(&'static str, String)>>,
) -> impl IntoView {
    let q = query;
    let specialty_options: Vec<Choice> = std::iter::once(Choice::new("", "Any specialty"))
        .chain(specialties.into_iter().map(|name| Choice::new(name.clone(), name)))
        .collect();
    let specialist_options: Vec<Choice> = std::iter::once(Choice::new("", "Choose a specialist"))
        .chain(
            specialists
                .iter()
                .filter(|s| q.specialty.is_empty() || s.specialty == q.specialty)
                .map(|s| Choice::new(s.specialist_id.to_string(), format!("{} · {}", s.display_name, s.specialty))),
        )
        .collect();
    // A new specialty keeps the specialist only if they practise it.
    let on_specialty = move |chosen: String| {
        let current = now.get_untracked().specialist;
        let keeps = current.is_some_and(|id| {
            chosen.is_empty() || specialists.iter().any(|s| s.specialist_id == id && s.specialty == chosen)
        });
        let specialist = if keeps { current.map(|id| id.to_string()).unwrap_or_default() } else { String::new() };
        go.run(vec![("specialty", chosen), ("specialist", specialist)]);
    };
    view! {
        <Form method="GET" action="/book" noscroll=true>
            <div class="mt-6 flex flex-wrap items-end gap-4">
                {hidden(q.moving.map(|id| ("moving", id.to_string())).into_iter().collect())}
                <SelectField
                    label="Specialty"
                    id="booking-specialty"
                    name="specialty"
                    options=specialty_options
                    value=q.specialty.clone()
                    on_change=on_specialty
                />
                <SelectField
                    label="Specialist"
                    id="booking-specialist"
                    name="specialist"
                    class="min-w-64"
                    options=specialist_options
                    value=q.specialist.map(|id| id.to_string()).unwrap_or_default()
                    on_change=move |id| go.run(vec![("specialist", id), ("week", String::new())])
                />
                <AppointmentTypeSelect
                    types
                    label="Type of appointment"
                    id="booking-type"
                    value=kind
                    on_change=move |name| go.run(vec![("type", name)])
                /> <Button kind=ButtonType::Submit>"Show free times"</Button>
            </div>
        </Form>
    }
}

/// The free slot starting at `start` in the week shown, with its day's label.
fn find_slot(week: &WeekSlots, start: chrono::DateTime<chrono::Utc>) -> Option<(String, SlotView)> {
    week.days
        .iter()
        .find_map(|day| day.slots.iter().find(|slot| slot.start == start).map(|slot| (day.label.clone(), slot.clone())))
}

/// What just happened: the hydrated page's own answers, or what a form posted without
/// JavaScript did (`done` in the address; its errors come back in the address too and reach
/// the actions).
#[component]
fn Outcome(
    query: Memo<BookingQuery>,
    book: ServerAction<BookAppointment>,
    reschedule: ServerAction<RescheduleAppointment>,
    cancel: ServerAction<CancelAppointment>,
) -> impl IntoView {
    let done = move || query.with(|q| q.done.clone());
    let booked = move || match book.value().get() {
        Some(Ok(_)) => Some(Ok(())),
        Some(Err(error)) => Some(Err(error.to_string())),
        None => (done().as_deref() == Some("booked")).then_some(Ok(())),
    };
    let moved = move || match reschedule.value().get() {
        Some(Ok(when)) => Some(Ok(format!("Moved to {when}. The clinic will confirm the new time."))),
        Some(Err(error)) => Some(Err(error.to_string())),
        None => {
            (done().as_deref() == Some("moved")).then(|| Ok("Moved. The clinic will confirm the new time.".to_string()))
        }
    };
    let cancelled = move || match cancel.value().get() {
        Some(Ok(())) => Some(Ok(())),
        Some(Err(error)) => Some(Err(error.to_string())),
        None => (done().as_deref() == Some("cancelled")).then_some(Ok(())),
    };
    view! {
        <div aria-live="polite" class="mt-4 flex flex-col gap-2">
            {move || {
                booked()
                    .map(|result| match result {
                        Ok(()) => {
                            view! {
                                <p
                                    class="rounded bg-green-50 p-3 text-green-800"
                                    role="status"
                                    data-testid="booking-result"
                                >
                                    "Booked. The clinic will confirm your appointment; you will find it below and in your notifications."
                                </p>
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! {
                                <p
                                    class="rounded bg-amber-50 p-3 text-amber-900"
                                    role="alert"
                                    data-testid="booking-result"
                                >
                                    {error}
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
            {move || {
                moved()
                    .map(|result| {
                        let (class, role, text) = match result {
                            Ok(text) => ("rounded bg-green-50 p-3 text-green-800", "status", text),
                            Err(text) => ("rounded bg-amber-50 p-3 text-amber-900", "alert", text),
                        };
                        view! {
                            <p class=class role=role data-testid="reschedule-result">
                                {text}
                            </p>
                        }
                    })
            }}
            {move || {
                cancelled()
                    .map(|result| {
                        let (class, role, text) = match result {
                            Ok(()) => ("rounded bg-green-50 p-3 text-green-800", "status", "Cancelled.".to_string()),
                            Err(text) => ("rounded bg-red-50 p-3 text-red-800", "alert", text),
                        };
                        view! {
                            <p class=class role=role data-testid="cancel-result">
                                {text}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// Confirming the picked time: a form that books (or moves) it.
#[component]
fn ConfirmStep(
    query: BookingQuery,
    kind: String,
    start: chrono::DateTime<chrono::Utc>,
    found: Option<(String, SlotView)>,
    moving: Option<PatientAppointment>,
    book: ServerAction<BookAppointment>,
    reschedule: ServerAction<RescheduleAppointment>,
) -> impl IntoView {
    let back = query.href(&[]);
    let pending = move || book.pending().get() || reschedule.pending().get();
    let title = if moving.is_some() { "Move your appointment" } else { "Confirm your booking" };
    let body = match (found, moving, query.specialist) {
        (None, _, _) | (Some(_), None, None) => view! {
            <p class="mt-3" data-testid="confirm-summary">
                "That time is no longer free. Please choose another."
            </p>
        }
        .into_any(),
        (Some((day, slot)), Some(appointment), _) => view! {
            <p class="mt-3" data-testid="confirm-summary">
                {format!("{kind} on {day} at {}", slot.label)}
            </p>
            <ActionForm action=reschedule attr:class="mt-6 flex gap-3">
                <input type="hidden" name="appointment_id" value=appointment.appointment_id.to_string() />
                <input type="hidden" name="start" value=slot_value(start) />
                <ConfirmActions label="Move it here" back=back.clone() pending />
            </ActionForm>
        }
        .into_any(),
        (Some((day, slot)), None, Some(specialist)) => view! {
            <p class="mt-3" data-testid="confirm-summary">
                {format!("{kind} on {day} at {}", slot.label)}
            </p>
            <ActionForm action=book attr:class="mt-6 flex gap-3">
                <input type="hidden" name="specialist_id" value=specialist.to_string() />
                {query.for_patient.map(|id| view! { <input type="hidden" name="patient_id" value=id.to_string() /> })}
                <input type="hidden" name="appointment_type" value=kind.clone() />
                <input type="hidden" name="start" value=slot_value(start) />
                <ConfirmActions label="Confirm booking" back=back.clone() pending />
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <div class="fixed inset-0 z-10 flex items-center justify-center bg-slate-900/40 p-4">
            <section
                role="dialog"
                aria-modal="true"
                aria-labelledby="confirm-title"
                class="w-full max-w-md rounded-lg bg-white p-6 shadow-lg"
            >
                <h2 id="confirm-title" class="text-xl font-semibold">
                    {title}
                </h2>
                {body}
            </section>
        </div>
    }
}

/// The confirm step's buttons: submit the form, or go back to the week without acting.
#[component]
fn ConfirmActions(label: &'static str, back: String, #[prop(into)] pending: Signal<bool>) -> impl IntoView {
    view! {
        <Button variant=Variant::Primary kind=ButtonType::Submit disabled=pending>
            {label}
        </Button>
        <ButtonLink href=back>"Back"</ButtonLink>
    }
}

/// A button that opens this page with `changes` applied: a GET form, so it works before the
/// WASM has loaded and the router handles it after.
#[component]
fn QueryButton(
    query: BookingQuery,
    changes: Vec<(&'static str, String)>,
    label: &'static str,
    #[prop(optional)] variant: Variant,
    #[prop(optional)] size: Size,
) -> impl IntoView {
    let mut fields: Vec<(&'static str, String)> =
        query.kept().into_iter().filter(|(key, _)| !changes.iter().any(|(changed, _)| changed == key)).collect();
    fields.extend(changes.into_iter().filter(|(_, value)| !value.is_empty()));
    view! {
        <Form method="GET" action="/book" noscroll=true>
            {hidden(fields)}
            <Button kind=ButtonType::Submit variant size>
                {label}
            </Button>
        </Form>
    }
}

/// The week shown: its heading and zone, moving between weeks, and the free times. Each time
/// submits a GET form that opens the confirm step (`slot` in the address).
#[component]
fn WeekGrid(
    week: WeekSlots,
    query: BookingQuery,
    kind: String,
    go: Callback<Vec<(&'static str, String)>>,
) -> impl IntoView {
    let monday = week.week_start;
    // The type shown stays in the links, even when it was the default.
    let query = BookingQuery { kind, ..query };
    let on_jump = move |ev: leptos::ev::Event| {
        if let Ok(date) = NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d") {
            go.run(vec![("week", date.to_string())]);
        }
    };
    let jump_fields: Vec<_> = query.kept().into_iter().filter(|(key, _)| *key != "week").collect();
    // What picking a time keeps: the choices, with the week shown (the time goes as `slot`).
    let slot_fields = BookingQuery { week: Some(monday), ..query.clone() }.kept();
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
                <Form method="GET" action="/book" noscroll=true>
                    <div class="flex items-end gap-1">
                        {hidden(jump_fields)}
                        <label class="flex flex-col gap-1 text-sm font-medium">
                            "Jump to a date"
                            <input type="date" name="week" class=FIELD data-testid="jump-to-date" on:change=on_jump />
                        </label> <Button kind=ButtonType::Submit>"Go"</Button>
                    </div>
                </Form>
                <QueryButton
                    query=query.clone()
                    changes=vec![("week", (monday - Duration::days(7)).to_string())]
                    label="← Previous week"
                />
                <QueryButton
                    query=query.clone()
                    changes=vec![("week", (monday + Duration::days(7)).to_string())]
                    label="Next week →"
                />
            </div>
        </div>
        <Form method="GET" action="/book" noscroll=true>
            {hidden(slot_fields)}
            <SlotPicker
                days=week.days
                action=SlotAction::Submit { name: "slot" }
                verb="Book"
                whole_week=true
                test_id="week-slots"
            />
        </Form>
    }
}

/// The patient's appointments; cancelling asks first (a second form), so one stray tap
/// changes nothing.
#[component]
fn MyAppointments(
    list: Vec<PatientAppointment>,
    query: BookingQuery,
    cancel: ServerAction<CancelAppointment>,
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
                    let asking = query.cancel == Some(id);
                    let actions = a
                        .can_change
                        .then(|| {
                            if asking {
                                view! {
                                    <span
                                        class="flex flex-wrap items-center gap-2"
                                        role="group"
                                        aria-label="Cancel this appointment?"
                                    >
                                        <span class="text-sm">"Cancel this appointment?"</span>
                                        <ActionForm action=cancel>
                                            <input type="hidden" name="appointment_id" value=id.to_string() />
                                            <input type="hidden" name="reason" value="" />
                                            <Button kind=ButtonType::Submit variant=Variant::Danger size=Size::Small>
                                                "Yes, cancel"
                                            </Button>
                                        </ActionForm>
                                        <QueryButton
                                            query=query.clone()
                                            changes=vec![]
                                            label="Keep it"
                                            size=Size::Small
                                        />
                                    </span>
                                }
                                    .into_any()
                            } else {
                                let move_to = vec![
                                    ("moving", id.to_string()),
                                    ("specialist", a.specialist_id.to_string()),
                                    ("type", a.appointment_type.clone()),
                                    ("week", a.date.to_string()),
                                    ("specialty", String::new()),
                                ];
                                view! {
                                    <QueryButton
                                        query=query.clone()
                                        changes=move_to
                                        label="Reschedule"
                                        size=Size::Small
                                    />
                                    <QueryButton
                                        query=query.clone()
                                        changes=vec![("cancel", id.to_string())]
                                        label="Cancel"
                                        variant=Variant::DangerOutline
                                        size=Size::Small
                                    />
                                }
                                    .into_any()
                            }
                        });
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 p-4">
                            <div>
                                <p class="font-medium">{a.when}</p>
                                <p class="text-sm text-slate-700">
                                    {format!("{} · {}", a.specialist_name, a.appointment_type)}
                                </p>
                                {a
                                    .booked_by
                                    .clone()
                                    .map(|by| {
                                        view! {
                                            <p class="text-sm text-slate-600" data-testid="booked-by">
                                                {format!("Booked by {by} for {}", a.patient_name)}
                                            </p>
                                        }
                                    })}
                            </div>
                            <div class="flex items-center gap-3">
                                <span
                                    class="rounded-full bg-slate-100 px-3 py-1 text-sm"
                                    data-testid="appointment-status"
                                >
                                    {a.status.label()}
                                </span>
                                {actions}
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
