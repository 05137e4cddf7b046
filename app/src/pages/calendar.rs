//! The staff week: a specialist's own appointments (admins: anyone's), one column per day,
//! coloured by status, with the actions the state machine allows.

use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use crate::api::scheduling::{get_staff_week, CalendarAppointment, CancelAppointment, SetAppointmentStatus};
use crate::api::specialists::list_specialists;
use crate::components::auth::{use_auth, RoleGate};
use crate::components::form::ConfirmButton;
use crate::domain::role::Role;

#[component]
pub fn CalendarPage() -> impl IntoView {
    view! {
        <Title text="Calendar" />
        <RoleGate roles=&[Role::Specialist, Role::Admin]>
            <StaffCalendar />
        </RoleGate>
    }
}

fn status_classes(status: &str) -> &'static str {
    match status {
        "Pending" => "border-amber-400 bg-amber-50",
        "Confirmed" => "border-teal-600 bg-teal-50",
        "Completed" => "border-slate-400 bg-slate-100",
        "NoShow" => "border-red-400 bg-red-50",
        _ => "border-slate-300 bg-white line-through opacity-70",
    }
}

#[component]
fn StaffCalendar() -> impl IntoView {
    let auth = use_auth();
    let is_admin = move || auth.user().is_some_and(|user| user.role == Role::Admin);
    let week = RwSignal::new(None::<NaiveDate>);
    let specialist = RwSignal::new(None::<Uuid>);
    let set_status = ServerAction::<SetAppointmentStatus>::new();
    let cancel = ServerAction::<CancelAppointment>::new();
    let calendar = Resource::new(
        move || (week.get(), specialist.get(), set_status.version().get(), cancel.version().get()),
        |(week, specialist, _, _)| get_staff_week(week, specialist),
    );
    let specialists = Resource::new(|| (), |_| list_specialists());
    let action_error = move || {
        [set_status.value().get().and_then(Result::err), cancel.value().get().and_then(Result::err)]
            .into_iter()
            .flatten()
            .next()
    };
    // One suspense for all the page loads (sibling suspenses break hydration).
    view! {
        <h1 class="text-3xl font-semibold">"Calendar"</h1>
        {move || action_error().map(|e| view! { <p class="mt-4 rounded bg-red-50 p-3 text-red-800" role="alert">{e.to_string()}</p> })}
        <Transition fallback=|| view! { <p class="mt-6">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let specialists = specialists.await?;
                let w = calendar.await?;
                let monday = w.week_start;
                Ok::<_, crate::error::AppError>(view! {
                    <Show when=is_admin>
                        <label class="mt-4 flex max-w-sm flex-col gap-1 text-sm font-medium">"Specialist"
                            <select class="rounded border border-slate-300 px-3 py-2"
                                prop:value=move || specialist.get().map(|id| id.to_string()).unwrap_or_default()
                                on:change=move |ev| specialist.set(Uuid::parse_str(&event_target_value(&ev)).ok())>
                                <option value="">"All specialists"</option>
                                {specialists.iter().map(|s| view! {
                                    <option value=s.specialist_id.to_string()>{s.display_name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    </Show>
                    <div class="mt-6 flex flex-wrap items-center justify-between gap-3">
                        <div>
                            <h2 class="text-xl font-semibold">{format!("Week of {}", monday.format("%-d %B %Y"))}</h2>
                            <p class="text-sm text-slate-600">{format!("Days in {}", w.time_zone)}</p>
                        </div>
                        <div class="flex gap-2">
                            <button class="rounded border border-slate-300 px-3 py-2" on:click=move |_| week.set(Some(monday - Duration::days(7)))>"← Previous week"</button>
                            <button class="rounded border border-slate-300 px-3 py-2" on:click=move |_| week.set(None)>"This week"</button>
                            <button class="rounded border border-slate-300 px-3 py-2" on:click=move |_| week.set(Some(monday + Duration::days(7)))>"Next week →"</button>
                        </div>
                    </div>
                    <div class="mt-4 grid gap-3 lg:grid-cols-7" data-testid="staff-week">
                        {(0..7).map(|offset| {
                            let date = monday + Duration::days(offset);
                            let today: Vec<CalendarAppointment> = w.appointments.iter().filter(|a| a.date == date).cloned().collect();
                            view! {
                                <section class="rounded-lg border border-slate-200 bg-white p-2" aria-label=date.format("%A %-d %B").to_string()>
                                    <h3 class="mb-2 text-center text-sm font-semibold">{date.format("%a %-d %b").to_string()}</h3>
                                    <ul class="flex flex-col gap-2">
                                        {today.into_iter().map(|a| view! { <AppointmentCard appointment=a set_status cancel /> }).collect_view()}
                                    </ul>
                                </section>
                            }
                        }).collect_view()}
                    </div>
                })
            })}
        </Transition>
    }
}

#[component]
fn AppointmentCard(
    appointment: CalendarAppointment,
    set_status: ServerAction<SetAppointmentStatus>,
    cancel: ServerAction<CancelAppointment>,
) -> impl IntoView {
    let id = appointment.appointment_id;
    let status = appointment.status.clone();
    let change = move |to: &'static str| {
        move |_| {
            set_status.dispatch(SetAppointmentStatus { appointment_id: id, status: to.to_string() });
        }
    };
    let active = status == "Pending" || status == "Confirmed";
    view! {
        <li class=format!("rounded border-l-4 p-2 text-sm {}", status_classes(&status)) data-testid="staff-appointment">
            <p class="font-medium">{appointment.when}</p>
            <p>{appointment.patient_name}</p>
            <p class="text-slate-600">{format!("{} · {}", appointment.appointment_type, appointment.specialist_name)}</p>
            <p class="mt-1 font-semibold" data-testid="staff-appointment-status">{status.clone()}</p>
            <div class="mt-2 flex flex-wrap gap-1">
                {(status == "Pending").then(|| view! { <button class="rounded bg-teal-700 px-2 py-1 text-white" on:click=change("Confirmed")>"Confirm"</button> })}
                {(status == "Confirmed").then(|| view! {
                    <button class="rounded border border-slate-400 px-2 py-1" on:click=change("Completed")>"Complete"</button>
                    <button class="rounded border border-slate-400 px-2 py-1" on:click=change("NoShow")>"No-show"</button>
                })}
                {active.then(|| view! {
                    <ConfirmButton label="Cancel" question="Cancel it?" confirm="Yes, cancel"
                        on_confirm=move |()| { cancel.dispatch(CancelAppointment { appointment_id: id, reason: "Canceled by the clinic".into() }); } />
                })}
            </div>
        </li>
    }
}
