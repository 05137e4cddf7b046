use leptos::prelude::*;

use crate::api::specialists::{list_specialists, SpecialistSummary};
use crate::components::form::FIELD;
use crate::components::layout::MessagePanel;
use crate::components::page::Page;

// Every visit downloads the core WASM, and this page is in it: it is kept to plain elements
// (a native select, no error boundary) because each generic component it pulls in is paid for
// by every visitor.
#[component]
pub fn HomePage() -> impl IntoView {
    let specialists = Resource::new(|| (), |_| list_specialists());

    view! {
        <Page path="/">
            <section class="mb-8">
                <h1 class="text-3xl font-semibold text-slate-900">"Our specialists"</h1>
                <p class="mt-2 max-w-2xl text-slate-700">
                    "Acupuncture, naturopathy, nutrition and more, under one roof. Find the practitioner who fits your care."
                </p>
            </section>
            <Transition fallback=|| {
                view! { <p class="text-slate-600">"Loading specialists…"</p> }
            }>
                {move || Suspend::new(async move {
                    match specialists.await {
                        Ok(list) => view! { <SpecialistDirectory specialists=list /> }.into_any(),
                        Err(error) => {
                            view! {
                                <MessagePanel title="The directory could not be loaded".to_string()>
                                    <p>{error.to_string()}</p>
                                </MessagePanel>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </Page>
    }
}

/// The list with its specialty filter. Filtering happens in the browser: the list is small
/// and public, and choosing a specialty should feel instant.
#[component]
fn SpecialistDirectory(specialists: Vec<SpecialistSummary>) -> impl IntoView {
    let total = specialists.len();
    let specialties = distinct_specialties(&specialists);
    let (chosen, set_chosen) = signal(String::new());
    let specialists = StoredValue::new(specialists);

    let visible = move || {
        let chosen = chosen.get();
        specialists.with_value(|all| {
            all.iter().filter(|s| chosen.is_empty() || s.specialty == chosen).cloned().collect::<Vec<_>>()
        })
    };

    view! {
        <div class="mb-6 flex flex-wrap items-end justify-between gap-4">
            <div class="flex min-w-56 flex-col gap-1">
                <label for="specialty-filter" class="text-sm font-medium text-slate-800">
                    "Specialty"
                </label>
                <select id="specialty-filter" class=FIELD on:change=move |ev| set_chosen.set(event_target_value(&ev))>
                    <option value="">"All specialties"</option>
                    {specialties
                        .into_iter()
                        .map(|specialty| view! { <option value=specialty.clone()>{specialty.clone()}</option> })
                        .collect_view()}
                </select>
            </div>
            <p class="text-sm text-slate-600" aria-live="polite" data-testid="specialist-count">
                {move || format!("Showing {} of {} specialists", visible().len(), total)}
            </p>
        </div>
        <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="specialist-list">
            {move || visible().into_iter().map(|s| view! { <SpecialistCard specialist=s /> }).collect_view()}
        </ul>
        {(total == 0).then(|| view! { <p class="text-slate-700">"No specialists to show yet."</p> })}
    }
}

#[component]
fn SpecialistCard(specialist: SpecialistSummary) -> impl IntoView {
    view! {
        <li class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" data-testid="specialist-card">
            <p class="text-xs font-semibold uppercase tracking-wide text-teal-800">{specialist.specialty}</p>
            <h2 class="mt-1 text-lg font-semibold">{specialist.display_name}</h2>
            {specialist.bio.map(|bio| view! { <p class="mt-2 text-sm text-slate-700">{bio}</p> })}
        </li>
    }
}

fn distinct_specialties(specialists: &[SpecialistSummary]) -> Vec<String> {
    let mut specialties: Vec<String> = specialists.iter().map(|s| s.specialty.clone()).collect();
    specialties.sort();
    specialties.dedup();
    specialties
}
