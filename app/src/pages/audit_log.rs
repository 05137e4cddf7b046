//! The audit log for admins: filter by who acted, which patient, table, record, action and
//! dates; newest first, page by page ("Older entries"); each entry's changed fields side by
//! side; the filtered view downloads as CSV. The filter lives in the address, so a search can
//! be linked, reloaded, and works before the WASM has loaded.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::audit_log::{search_audit_log, AuditEntry, AuditFilter, AuditPage, AUDITED_TABLES};
use crate::components::button::{Button, ButtonLink, ButtonType, Size};
use crate::components::form::FIELD;
use crate::components::page::Page;
use crate::error::AppError;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <Page path="/admin/audit">
            <AuditLog />
        </Page>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let get = |name: &str| q.get(name).unwrap_or_default();
            AuditFilter {
                actor_email: get("actor_email"),
                patient_email: get("patient_email"),
                table_name: get("table_name"),
                record_id: get("record_id"),
                action: get("action"),
                from: get("from"),
                to: get("to"),
            }
        })
    });
    let before = Memo::new(move |_| query.with(|q| q.get("before").and_then(|b| b.parse::<i64>().ok())));
    let page = Resource::new(move || (filter.get(), before.get()), |(filter, before)| search_audit_log(filter, before));
    view! {
        <h1 class="text-3xl font-semibold">"Audit log"</h1>
        <p class="mt-1 text-slate-600">
            "Every change to the clinic's records and every sign-in, newest first. Searches and exports are recorded too."
        </p>
        <FilterForm filter=filter.get_untracked() />
        <Transition fallback=|| {
            view! { <p class="mt-6">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let page = page.await?;
                let filter = filter.get_untracked();
                Ok::<_, AppError>(view! { <Results page filter /> })
            })}
        </Transition>
    }
}

#[component]
fn FilterForm(filter: AuditFilter) -> impl IntoView {
    let field = |label: &'static str, name: &'static str, kind: &'static str, value: String| {
        view! {
            <label class="flex flex-col gap-1 text-sm font-medium">
                {label} <input type=kind name=name class=FIELD maxlength="254" value=value />
            </label>
        }
    };
    let chosen_table = filter.table_name.clone();
    view! {
        <Form
            method="GET"
            action="/admin/audit"
            attr:class="mt-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-4"
            attr:role="search"
        >
            {field("Person who acted (email)", "actor_email", "email", filter.actor_email)}
            {field("Patient (email)", "patient_email", "email", filter.patient_email)}
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Table" <select name="table_name" class=FIELD>
                    <option value="">"Any table"</option>
                    {AUDITED_TABLES
                        .iter()
                        .map(|table| {
                            view! {
                                <option value=*table selected=chosen_table == *table>
                                    {*table}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            {field("Record id", "record_id", "text", filter.record_id)}
            {field("Action (e.g. UPDATE, LOGIN_FAILED)", "action", "text", filter.action)}
            {field("From", "from", "date", filter.from)}
            {field("To", "to", "date", filter.to)}
            <div class="flex items-end">
                <Button kind=ButtonType::Submit>"Search"</Button>
            </div>
        </Form>
    }
}

#[component]
fn Results(page: AuditPage, filter: AuditFilter) -> impl IntoView {
    let query = filter.query_string();
    let joined = |extra: String| if query.is_empty() { extra } else { format!("{query}&{extra}") };
    let export = format!("/files/audit.csv?{query}");
    let older = page.older.map(|before| format!("/admin/audit?{}", joined(format!("before={before}"))));
    let empty = page.entries.is_empty();
    view! {
        <div class="mt-6 flex flex-wrap items-center justify-between gap-3">
            <p class="text-sm text-slate-600" data-testid="audit-count">
                {if empty {
                    "Nothing matches.".to_string()
                } else {
                    format!("{} entries on this page", page.entries.len())
                }}
            </p>
            <a
                href=export
                rel="external"
                download="audit-log.csv"
                class="rounded border border-slate-300 px-3 py-1 text-sm text-teal-800 underline"
                data-testid="audit-export"
            >
                "Export these entries as CSV"
            </a>
        </div>
        <ol class="mt-3 flex flex-col gap-3" data-testid="audit-entries">
            {page.entries.into_iter().map(|entry| view! { <Entry entry /> }).collect_view()}
        </ol>
        {older
            .map(|href| {
                view! {
                    <nav class="mt-4" aria-label="Older audit entries">
                        <ButtonLink href size=Size::Small>
                            "Older entries →"
                        </ButtonLink>
                    </nav>
                }
            })}
    }
}

#[component]
fn Entry(entry: AuditEntry) -> impl IntoView {
    let heading =
        format!("#{} · {} · {} · {} {}", entry.sequence_no, entry.at, entry.actor, entry.action, entry.table_name,);
    let record = entry.record_id.map(|id| format!("Record {id}")).unwrap_or_default();
    let address = entry.ip_address.map(|ip| format!(" · from {ip}")).unwrap_or_default();
    view! {
        <li class="rounded-lg border border-slate-200 bg-white p-3" data-testid="audit-entry">
            <p class="font-medium">{heading}</p>
            <p class="text-xs text-slate-600">{record} {address}</p>
            {(!entry.changes.is_empty())
                .then(|| {
                    view! {
                        <table class="mt-2 w-full text-sm">
                            <thead>
                                <tr class="text-left text-slate-600">
                                    <th scope="col" class="pr-2">
                                        "Field"
                                    </th>
                                    <th scope="col" class="pr-2">
                                        "Before"
                                    </th>
                                    <th scope="col">"After"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {entry
                                    .changes
                                    .into_iter()
                                    .map(|change| {
                                        view! {
                                            <tr class="align-top">
                                                <th scope="row" class="pr-2 text-left font-normal text-slate-700">
                                                    {change.field}
                                                </th>
                                                <td class="pr-2 break-all text-rose-800">
                                                    {change.old.unwrap_or_default()}
                                                </td>
                                                <td class="break-all text-teal-900">
                                                    {change.new.unwrap_or_default()}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
        </li>
    }
}
