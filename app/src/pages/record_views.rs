//! "Who viewed my record": every time someone other than the patient opened their chart or
//! details, as the audit trail recorded it (who, as which role, what, when). Open notes for
//! access, the way the peers do not show it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::patients::who_viewed_my_record;
use crate::components::page::Page;
use crate::components::pager::PageLinks;

#[component]
pub fn RecordViewsPage() -> impl IntoView {
    view! {
        <Page path="/my-care/record-views">
            <RecordViewList />
        </Page>
    }
}

fn page_href(page: i64) -> String {
    let mut query = ParamsMap::new();
    if page > 1 {
        query.insert("page", page.to_string());
    }
    format!("/my-care/record-views{}", query.to_query_string())
}

#[component]
fn RecordViewList() -> impl IntoView {
    let query = use_query_map();
    let page = Memo::new(move |_| query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1)));
    let views = Resource::new(move || page.get(), who_viewed_my_record);
    view! {
        <h1 class="text-3xl font-semibold">"Who viewed my record"</h1>
        <p class="mt-1 text-slate-600">
            "Each time someone at the clinic opened your chart or your details, newest first."
        </p>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                views
                    .await
                    .map(|result| {
                        if result.views.is_empty() {
                            return view! {
                                <p class="mt-6 text-slate-700" data-testid="no-record-views">
                                    "Nobody has opened your record yet."
                                </p>
                            }
                                .into_any();
                        }
                        let (current, page_count) = (result.page, result.page_count());
                        view! {
                            <table
                                class="mt-6 w-full border-collapse overflow-hidden rounded-lg bg-white text-left"
                                data-testid="record-views"
                            >
                                <thead class="bg-slate-100 text-sm">
                                    <tr>
                                        <th class="p-3">"When"</th>
                                        <th class="p-3">"Who"</th>
                                        <th class="p-3">"Role"</th>
                                        <th class="p-3">"What"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {result
                                        .views
                                        .into_iter()
                                        .map(|view| {
                                            view! {
                                                <tr class="border-t border-slate-200">
                                                    <td class="p-3">{view.when}</td>
                                                    <td class="p-3">{view.viewer}</td>
                                                    <td class="p-3">{view.role}</td>
                                                    <td class="p-3">{view.what}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                            <PageLinks current page_count label="Pages of record views" href=page_href />
                        }
                            .into_any()
                    })
            })}
        </Transition>
    }
}
