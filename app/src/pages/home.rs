use leptos::prelude::*;

use crate::api::specialists::{list_specialists, SpecialistSummary};
use crate::components::form::{Choice, SelectField};
use crate::components::layout::MessagePanel;
use crate::components::page::Page;

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
            <Transition fallback=|| view! { <p class="text-slate-600">"Loading specialists…"</p> }>
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <MessagePanel title="The directory could not be loaded".to_string()>
                            <ul>
                                {move || {
                                    errors
                                        .get()
                                        .into_iter()
                                        .map(|(_, e)| view! { <li>{e.to_string()}</li> })
                                        .collect_view()
                                }}
                            </ul>
                        </MessagePanel>
                    }
                }>
                    {move || Suspend::new(async move {
                        specialists.await.map(|list| view! { <SpecialistDirectory specialists=list /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </Page>
    }
}

/// The list with its specialty filter. Filtering happens in the browser: the list is small
/// and public, and choosing a specialty should feel instant.
#[component]
fn SpecialistDirectory(specialists: Vec<SpecialistSummary>) -> impl IntoView {
    let total = specialists.len();
    let specialties: Vec<Choice> = std::iter::once(Choice::new("", "All specialties"))
        .chain(distinct_specialties(&specialists).into_iter().map(|s| Choice::new(s.clone(), s)))
        .collect();
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
            <SelectField
                label="Specialty"
                id="specialty-filter"
                class="min-w-56"
                options=specialties
                value=chosen
                on_change=move |specialty| set_chosen.set(specialty)
            />
            <p class="text-sm text-slate-600" aria-live="polite" data-testid="specialist-count">
                {move || format!("Showing {} of {} specialists", visible().len(), total)}
            </p>
        </div>
        {move || {
            let shown = visible();
            if shown.is_empty() {
                view! { <p class="text-slate-700">"No specialists to show yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="specialist-list">
                        {shown.into_iter().map(|s| view! { <SpecialistCard specialist=s /> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
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
