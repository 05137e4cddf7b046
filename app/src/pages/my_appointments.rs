//! "My appointments": every appointment of the patient, past and future, newest first, 20 a
//! page (`?before=<cursor>` in the address, so the links work before the WASM has loaded).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::portal::{list_my_appointments, AppointmentHistory, HistoryItem};
use crate::components::button::{ButtonLink, Size};
use crate::components::page::Page;

#[component]
pub fn MyAppointmentsPage() -> impl IntoView {
    view! {
        <Page path="/my-care/appointments">
            <HistoryList />
        </Page>
    }
}

fn page_href(before: Option<&str>) -> String {
    let mut query = ParamsMap::new();
    if let Some(before) = before {
        query.insert("before", before.to_string());
    }
    format!("/my-care/appointments{}", query.to_query_string())
}

#[component]
fn HistoryList() -> impl IntoView {
    let query = use_query_map();
    let before = Memo::new(move |_| query.with(|q| q.get("before")));
    let history = Resource::new(move || before.get(), list_my_appointments);
    view! {
        <h1 class="text-3xl font-semibold">"My appointments"</h1>
        <p class="mt-1 text-slate-600">
            "Every appointment you have had or booked, newest first. Times are in your specialist's time zone."
        </p>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(history) => view! { <HistoryShown history /> }.into_any(),
                    Err(error) => {
                        view! {
                            <p class="mt-4 rounded bg-red-50 p-3 text-red-800" role="alert">
                                {error.to_string()}
                            </p>
                            <ButtonLink href=page_href(None) size=Size::Small class="mt-4">
                                "Newest appointments"
                            </ButtonLink>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn HistoryShown(history: AppointmentHistory) -> impl IntoView {
    let newest = (!history.newest).then(|| page_href(None));
    let older = history.older.as_deref().map(|cursor| page_href(Some(cursor)));
    let list = if history.items.is_empty() {
        view! {
            <p class="mt-6 text-slate-700" data-testid="no-appointments">
                "No appointments yet. "
                <a class="text-teal-800 underline" href="/book">
                    "Book one"
                </a>
            </p>
        }
        .into_any()
    } else {
        view! {
            <table
                class="mt-6 w-full border-collapse overflow-hidden rounded-lg bg-white text-left"
                data-testid="appointment-history"
            >
                <thead class="bg-slate-100 text-sm">
                    <tr>
                        <th class="p-3">"When"</th>
                        <th class="p-3">"With"</th>
                        <th class="p-3">"Type"</th>
                        <th class="p-3">"Status"</th>
                    </tr>
                </thead>
                <tbody>{history.items.into_iter().map(|item| view! { <HistoryRow item /> }).collect_view()}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        {list}
        <nav class="mt-4 flex items-center gap-3" aria-label="Pages of appointments">
            {newest
                .map(|href| {
                    view! {
                        <ButtonLink href size=Size::Small>
                            "← Newest"
                        </ButtonLink>
                    }
                })}
            {older
                .map(|href| {
                    view! {
                        <ButtonLink href size=Size::Small>
                            "Older →"
                        </ButtonLink>
                    }
                })}
        </nav>
    }
}

#[component]
fn HistoryRow(item: HistoryItem) -> impl IntoView {
    view! {
        <tr class="border-t border-slate-200 align-top" data-testid="history-item">
            <td class="p-3">
                {item.when}
                {item
                    .upcoming
                    .then(|| {
                        view! {
                            <span class="ml-2 rounded bg-teal-100 px-2 py-0.5 text-xs text-teal-900">"Upcoming"</span>
                        }
                    })} {item.booked_by.map(|by| view! { <p class="text-sm text-slate-600">{by}</p> })}
            </td>
            <td class="p-3">{item.specialist} <p class="text-sm text-slate-600">{item.specialty}</p></td>
            <td class="p-3">{item.appointment_type}</td>
            <td class="p-3">{item.status.label()}</td>
        </tr>
    }
}
