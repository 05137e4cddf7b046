//! Each role's home: what they see first after signing in.

use leptos::prelude::*;

use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use crate::api::home::{admin_summary, family_home, my_care, specialist_today, AgendaItem};
use crate::components::auth::use_auth;
use crate::components::button::{ButtonLink, Variant};
use crate::components::page::Page;
use crate::model::family::{FamilyOverview, HelpedPatient};
use crate::model::materials::AssignedMaterial;
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
                                <div class="mt-6 flex flex-wrap gap-3">
                                    <ButtonLink href="/admin/users" variant=Variant::Primary>
                                        "Manage users"
                                    </ButtonLink>
                                    <ButtonLink href="/admin/audit">"Audit log"</ButtonLink>
                                    <ButtonLink href="/admin/database">"Database health"</ButtonLink>
                                </div>
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
                                    <a class="text-teal-800 underline" href="/my-care/appointments">
                                        "My appointments"
                                    </a>
                                    <a class="text-teal-800 underline" href="/my-care/details">
                                        "My details"
                                    </a>
                                    <a class="text-teal-800 underline" href="/my-care/record-views">
                                        "Who viewed my record"
                                    </a>
                                    <a class="text-teal-800 underline" href="/my-care/materials">
                                        "My materials"
                                    </a>
                                    <a class="text-teal-800 underline" href="/my-care/family">
                                        "Family access"
                                    </a>
                                </p>
                                <h2 class="mt-6 text-xl font-semibold">"Upcoming appointments"</h2>
                                <Agenda items=c.upcoming empty="No upcoming appointments." />
                                <h2 class="mt-6 text-xl font-semibold">"Recently signed notes"</h2>
                                {if c.recent_notes.is_empty() {
                                    view! { <p class="mt-2 text-slate-700">"No notes yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="mt-2 flex flex-col gap-1" data-testid="recent-notes">
                                            {c
                                                .recent_notes
                                                .into_iter()
                                                .map(|n| {
                                                    view! {
                                                        <li>
                                                            <a
                                                                class="text-teal-800 underline"
                                                                href=format!("/notes/{}", n.record_id)
                                                            >
                                                                {format!(
                                                                    "{} · {}",
                                                                    n.record_date.format("%-d %b %Y"),
                                                                    n.specialist,
                                                                )}
                                                            </a>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }}
                                <h2 class="mt-6 text-xl font-semibold">"Materials from your specialists"</h2>
                                <MaterialItems items=c.materials more_href="/my-care/materials".to_string() />
                            }
                        })
                })}
            </Transition>
        </Page>
    }
}

/// Materials released to a patient, each opening its page (which counts as viewed).
#[component]
fn MaterialItems(items: Vec<AssignedMaterial>, more_href: String) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="mt-2 text-slate-700">"No materials yet."</p> }.into_any();
    }
    view! {
        <ul class="mt-2 flex flex-col gap-1" data-testid="home-materials">
            {items
                .into_iter()
                .map(|m| {
                    view! {
                        <li>
                            <a class="text-teal-800 underline" href=format!("/my-care/materials/{}", m.assignment_id)>
                                {m.title}
                            </a>
                            <span class="text-sm text-slate-600">
                                {format!(" ({}) · {}", m.material_type, m.status.label())}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <p class="mt-1 text-sm">
            <a class="text-teal-800 underline" href=more_href>
                "All materials"
            </a>
        </p>
    }
    .into_any()
}

/// The family member's home: the patients they help (switch between them), and for the one
/// chosen what the patient's grant shares today.
#[component]
pub fn FamilyHome() -> impl IntoView {
    let query = use_query_map();
    let chosen = Memo::new(move |_| query.with(|q| q.get("patient").and_then(|id| id.parse::<Uuid>().ok())));
    let overview = Resource::new(move || chosen.get(), family_home);
    view! {
        <Page path="/family">
            <h1 class="text-3xl font-semibold" data-testid="home-heading">
                "The people I help"
            </h1>
            <p class="mt-1 text-slate-600">{greeting()}</p>
            <Transition fallback=|| {
                view! { <p>"Loading…"</p> }
            }>
                {move || Suspend::new(async move { overview.await.map(|o| view! { <FamilyOverviewView o /> }) })}
            </Transition>
        </Page>
    }
}

#[component]
fn FamilyOverviewView(o: FamilyOverview) -> impl IntoView {
    let selected_id = o.selected.as_ref().map(|p| p.patient_id);
    let switcher = (o.patients.len() > 1).then(|| {
        view! {
            <nav class="mt-4 flex flex-wrap gap-2" aria-label="Whom I am helping" data-testid="patient-switcher">
                {o
                    .patients
                    .iter()
                    .map(|p| {
                        let current = Some(p.patient_id) == selected_id;
                        view! {
                            <a
                                class="rounded border px-3 py-1"
                                class:border-teal-700=current
                                class:bg-teal-50=current
                                class:border-slate-300=!current
                                aria-current=current.then_some("page")
                                href=format!("/family?patient={}", p.patient_id)
                            >
                                {p.name.clone()}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
        }
    });
    let selected = match o.selected {
        Some(p) => view! { <HelpedPatientView p /> }.into_any(),
        None => view! { <p class="mt-4 text-slate-700">"You are not linked to anyone yet."</p> }.into_any(),
    };
    view! {
        {switcher}
        {selected}
    }
}

/// One patient a family member helps, within what the patient shares today.
#[component]
fn HelpedPatientView(p: HelpedPatient) -> impl IntoView {
    let id = p.patient_id;
    let nothing = p.upcoming.is_none() && p.materials.is_none() && !p.sees_notes;
    view! {
        <section class="mt-6" data-testid="helped-patient">
            <h2 class="text-2xl font-semibold">
                {p.name.clone()}
                <span class="ml-2 text-base font-normal text-slate-600">"("{p.relationship.clone()}")"</span>
            </h2>
            {p
                .access_until
                .map(|d| {
                    view! {
                        <p class="text-sm text-slate-600">
                            {format!("Shared with you until {}.", d.format("%-d %B %Y"))}
                        </p>
                    }
                })}
            {nothing
                .then(|| {
                    view! {
                        <p class="mt-2 text-slate-700" data-testid="nothing-shared">
                            {format!("{} does not share anything with you at the moment.", p.name)}
                        </p>
                    }
                })}
            <p class="mt-2 flex flex-wrap gap-4">
                {p
                    .can_book
                    .then(|| {
                        view! {
                            <ButtonLink href=format!("/book?for={id}") variant=Variant::Primary>
                                {format!("Book for {}", p.name)}
                            </ButtonLink>
                        }
                    })}
                {p
                    .sees_notes
                    .then(|| {
                        view! {
                            <a class="text-teal-800 underline" href=format!("/my-care/notes?patient={id}")>
                                "Clinical notes"
                            </a>
                        }
                    })}
            </p>
            {p
                .upcoming
                .map(|items| {
                    view! {
                        <h3 class="mt-4 text-xl font-semibold">"Upcoming appointments"</h3>
                        <Agenda items empty="No upcoming appointments." />
                    }
                })}
            {p
                .materials
                .map(|items| {
                    view! {
                        <h3 class="mt-4 text-xl font-semibold">"Materials"</h3>
                        <MaterialItems items more_href=format!("/my-care/materials?patient={id}") />
                    }
                })}
        </section>
    }
}
