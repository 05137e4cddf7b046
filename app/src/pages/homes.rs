//! Each role's home: what they see first after signing in.

use leptos::prelude::*;

use crate::api::home::{admin_summary, family_home, my_care, specialist_today, AgendaItem};
use crate::components::auth::use_auth;
use crate::components::button::{ButtonLink, Variant};
use crate::components::page::Page;
pub use crate::pages::note_actions::WriteNoteButton;

fn greeting() -> impl IntoView {
    let auth = use_auth();
    move || auth.user().map(|user| format!("Welcome, {}", user.first_name))
}

#[component]
pub fn AdminHome() -> impl IntoView {
    let summary = Resource::new(|| (), |_| admin_summary());
    view! {
        <Page path="/admin">
            <h1 class="text-3xl font-semibold" data-testid="home-heading">
                "Clinic dashboard"
            </h1>
            <p class="mt-1 text-slate-600">{greeting()}</p>
            <Transition fallback=|| {
                view! { <p>"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    summary
                        .await
                        .map(|s| {
                            view! {
                                <div class="mt-6 grid gap-4 sm:grid-cols-3">
                                    {s
                                        .active_by_role
                                        .into_iter()
                                        .map(|(role, count)| {
                                            view! {
                                                <Stat label=format!("Active {}s", role.to_lowercase()) value=count />
                                            }
                                        })
                                        .collect_view()}
                                    <Stat label="Inactive accounts".to_string() value=s.inactive_accounts />
                                    <Stat label="Appointments today".to_string() value=s.appointments_today />
                                    <Stat label="Awaiting confirmation".to_string() value=s.pending_appointments />
                                </div>
                                <ButtonLink href="/admin/users" variant=Variant::Primary class="mt-6">
                                    "Manage users"
                                </ButtonLink>
                            }
                        })
                })}
            </Transition>
        </Page>
    }
}

#[component]
fn Stat(label: String, value: i64) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-slate-200 bg-white p-4">
            <p class="text-sm text-slate-600">{label}</p>
            <p class="text-2xl font-semibold">{value}</p>
        </div>
    }
}

#[component]
fn Agenda(
    items: Vec<AgendaItem>,
    empty: &'static str,
    /// Offer "Write note" on each appointment (a specialist's day).
    #[prop(optional)]
    write_notes: bool,
) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="mt-4 text-slate-700">{empty}</p> }.into_any();
    }
    view! {
        <ul class="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" data-testid="agenda">
            {items
                .into_iter()
                .map(|item| {
                    view! {
                        <li class="flex flex-wrap justify-between gap-2 p-4">
                            <div>
                                <p class="font-medium">{item.when}</p>
                                <p class="text-sm text-slate-700">{item.with_name}" · "{item.appointment_type}</p>
                            </div>
                            <span class="flex items-center gap-2 self-center">
                                <span class="rounded-full bg-slate-100 px-3 py-1 text-sm">{item.status.label()}</span>
                                {write_notes.then(|| view! { <WriteNoteButton appointment_id=item.appointment_id /> })}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn SpecialistHome() -> impl IntoView {
    let today = Resource::new(|| (), |_| specialist_today());
    view! {
        <Page path="/specialist">
            <h1 class="text-3xl font-semibold" data-testid="home-heading">
                "Today"
            </h1>
            <p class="mt-1 text-slate-600">{greeting()}</p>
            <Transition fallback=|| {
                view! { <p>"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    today
                        .await
                        .map(|t| {
                            view! {
                                <p class="mt-4 text-slate-700">{t.date_label}" · times in "{t.time_zone}</p>
                                <Agenda items=t.appointments empty="No appointments today." write_notes=true />
                            }
                        })
                })}
            </Transition>
        </Page>
    }
}

#[component]
pub fn PatientHome() -> impl IntoView {
    let care = Resource::new(|| (), |_| my_care());
    view! {
        <Page path="/my-care">
            <h1 class="text-3xl font-semibold" data-testid="home-heading">
                "My care"
            </h1>
            <p class="mt-1 text-slate-600">{greeting()}</p>
            <Transition fallback=|| {
                view! { <p>"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    care.await
                        .map(|c| {
                            view! {
                                <p class="mt-4 text-sm text-slate-700">
                                    {format!("{} unread notifications", c.unread_notifications)}
                                </p>
                                <p class="mt-2 flex flex-wrap gap-4 text-sm">
                                    <a class="text-teal-800 underline" href="/my-care/notes">
                                        "My clinical notes"
                                    </a>
                                    <a class="text-teal-800 underline" href="/my-care/record-views">
                                        "Who viewed my record"
                                    </a>
                                </p>
                                <h2 class="mt-6 text-xl font-semibold">"Upcoming appointments"</h2>
                                <Agenda items=c.upcoming empty="No upcoming appointments." />
                                <h2 class="mt-6 text-xl font-semibold">"Materials from your specialists"</h2>
                                <ul class="mt-2 list-disc pl-6">
                                    {c
                                        .materials
                                        .into_iter()
                                        .map(|m| {
                                            view! {
                                                <li>
                                                    <a
                                                        class="text-teal-800 underline"
                                                        href=m.content_url
                                                        rel="noopener noreferrer"
                                                        target="_blank"
                                                    >
                                                        {m.title}
                                                    </a>
                                                    " ("
                                                    {m.material_type}
                                                    ")"
                                                    {m
                                                        .specialist_comments
                                                        .map(|c| view! { <p class="text-sm text-slate-600">{c}</p> })}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        })
                })}
            </Transition>
        </Page>
    }
}

#[component]
pub fn FamilyHome() -> impl IntoView {
    let helped = Resource::new(|| (), |_| family_home());
    view! {
        <Page path="/family">
            <h1 class="text-3xl font-semibold" data-testid="home-heading">
                "The person I help"
            </h1>
            <p class="mt-1 text-slate-600">{greeting()}</p>
            <Transition fallback=|| {
                view! { <p>"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    helped
                        .await
                        .map(|list| {
                            list.into_iter()
                                .map(|p| {
                                    view! {
                                        <section class="mt-6">
                                            <h2 class="text-xl font-semibold">
                                                {p.name}
                                                <span class="ml-2 text-base font-normal text-slate-600">
                                                    "("{p.relationship}")"
                                                </span>
                                            </h2>
                                            {p
                                                .sees_notes
                                                .then(|| {
                                                    view! {
                                                        <p class="mt-2 text-sm">
                                                            <a
                                                                class="text-teal-800 underline"
                                                                href=format!("/my-care/notes?patient={}", p.patient_id)
                                                            >
                                                                "Clinical notes"
                                                            </a>
                                                        </p>
                                                    }
                                                })}
                                            {match p.upcoming {
                                                Some(items) => {
                                                    view! { <Agenda items empty="No upcoming appointments." /> }
                                                        .into_any()
                                                }
                                                None => {
                                                    view! {
                                                        <p class="mt-2 text-slate-700">
                                                            "Appointments are not shared with you."
                                                        </p>
                                                    }
                                                        .into_any()
                                                }
                                            }}
                                        </section>
                                    }
                                })
                                .collect_view()
                        })
                })}
            </Transition>
        </Page>
    }
}
