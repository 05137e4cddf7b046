//! Staff's patients: "Patients" (a specialist's care team, every patient for an admin), searched
//! by name and paged through the address (`?q=…&page=…`, so it works before the WASM has loaded
//! and a page of results can be linked), and each patient's chart.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use uuid::Uuid;

use crate::api::emergency_access::{
    OpenEmergencyAccess, EMERGENCY_ACCESS_HOURS, EMERGENCY_REASON_MAX_CHARS, EMERGENCY_REASON_MIN_CHARS,
};
use crate::api::materials::plan_of_patient;
use crate::api::patients::{get_chart, my_patients, Chart, PatientPage};
use crate::components::auth::use_auth;
use crate::components::button::{Button, ButtonType, Variant};
use crate::components::form::{field_error, ActionError, FieldError, FIELD};
use crate::components::page::Page;
use crate::components::pager::PageLinks;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::users::MAX_SEARCH_CHARS;
use crate::pages::note_actions::WriteNoteButton;
use crate::pages::note_files::PatientFilesView;
use crate::pages::note_view::NoteList;

#[component]
pub fn PatientsPage() -> impl IntoView {
    view! {
        <Page path="/patients">
            <PatientList />
        </Page>
    }
}

/// The list's address for a search and a page.
fn list_href(search: &str, page: i64) -> String {
    let mut query = ParamsMap::new();
    if !search.is_empty() {
        query.insert("q", search.to_string());
    }
    if page > 1 {
        query.insert("page", page.to_string());
    }
    format!("/patients{}", query.to_query_string())
}

#[component]
fn PatientList() -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let page = Memo::new(move |_| query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1)));
    let patients = Resource::new(move || (search.get(), page.get()), |(search, page)| my_patients(search, page));
    view! {
        <h1 class="text-3xl font-semibold">"Patients"</h1>
        <Form method="GET" action="/patients" attr:class="mt-6 flex flex-wrap items-end gap-2" attr:role="search">
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Search by name"
                <input
                    type="search"
                    name="q"
                    class=FIELD
                    maxlength=MAX_SEARCH_CHARS.to_string()
                    value=move || search.get()
                    data-testid="patient-search"
                />
            </label>
            <Button kind=ButtonType::Submit>"Search"</Button>
        </Form>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                patients.await.map(|result| view! { <PatientTable result search=search.get_untracked() /> })
            })}
        </Transition>
    }
}

#[component]
fn PatientTable(result: PatientPage, search: String) -> impl IntoView {
    if result.patients.is_empty() {
        let text = if search.is_empty() { "No patients yet." } else { "No patient matches that name." };
        return view! {
            <p class="mt-6 text-slate-700" data-testid="no-patients">
                {text}
            </p>
        }
        .into_any();
    }
    let (current, page_count, total) = (result.page, result.page_count(), result.total);
    view! {
        <table
            class="mt-6 w-full border-collapse overflow-hidden rounded-lg bg-white text-left"
            data-testid="patient-table"
        >
            <thead class="bg-slate-100 text-sm">
                <tr>
                    <th class="p-3">"Name"</th>
                    <th class="p-3">"Age"</th>
                    <th class="p-3">"Last visit"</th>
                    <th class="p-3">"Next visit"</th>
                </tr>
            </thead>
            <tbody>
                {result
                    .patients
                    .into_iter()
                    .map(|p| {
                        view! {
                            <tr class="border-t border-slate-200">
                                <td class="p-3">
                                    <a class="text-teal-800 underline" href=format!("/patients/{}", p.patient_id)>
                                        {p.name}
                                    </a>
                                </td>
                                <td class="p-3">{p.age}</td>
                                <td class="p-3">{p.last_visit.unwrap_or_else(|| "—".to_string())}</td>
                                <td class="p-3">{p.next_visit.unwrap_or_else(|| "—".to_string())}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <PageLinks
            current
            page_count
            label="Pages of patients"
            summary=format!("{total} patients")
            href=move |page| list_href(&search, page)
        />
    }
    .into_any()
}

#[component]
pub fn ChartPage() -> impl IntoView {
    view! {
        <Page path="/patients/:id">
            <PatientChart />
        </Page>
    }
}

#[component]
fn PatientChart() -> impl IntoView {
    let params = use_params_map();
    let patient_id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let emergency = ServerAction::<OpenEmergencyAccess>::new();
    // Read again once an emergency access was granted.
    let granted = Memo::new(move |_| emergency.version().get());
    // The education plan pages through `?plan_page=` (links that work before the WASM loads);
    // the chart itself always comes with the plan's first page.
    let query = use_query_map();
    let plan_page =
        Memo::new(move |_| query.with(|q| q.get("plan_page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1)));
    let chart = Resource::new(
        move || (patient_id.get(), granted.get(), plan_page.get()),
        |(id, _, plan_page)| async move {
            let Some(id) = id else { return Ok(None) };
            let mut chart = get_chart(id).await?;
            if plan_page > 1 {
                chart.materials = plan_of_patient(id, plan_page).await?;
            }
            Ok::<_, AppError>(Some(chart))
        },
    );
    let is_specialist = move || use_auth().user().is_some_and(|user| user.role == Role::Specialist);
    view! {
        <Transition fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match chart.await {
                    Ok(Some(chart)) => view! { <ChartView chart /> }.into_any(),
                    Ok(None) | Err(_) => {
                        #[cfg(feature = "ssr")]
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(http::StatusCode::NOT_FOUND);
                        }
                        // A chart the caller may not open looks like one that does not exist.
                        view! {
                            <h1 class="text-3xl font-semibold">"Chart not found"</h1>
                            <p class="mt-4 text-slate-700" data-testid="chart-not-found">
                                "There is no chart here, or it is not one of your patients."
                            </p>
                            {(is_specialist() && patient_id.get_untracked().is_some())
                                .then(|| {
                                    view! {
                                        <EmergencyAccessForm
                                            action=emergency
                                            patient_id=patient_id.get_untracked().unwrap_or_default()
                                        />
                                    }
                                })}
                            <p class="mt-4">
                                <a class="text-teal-800 underline" href="/patients">
                                    "Back to the patients"
                                </a>
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Break-the-glass: the reason is required, kept in the audit trail and sent to the admins.
#[component]
fn EmergencyAccessForm(action: ServerAction<OpenEmergencyAccess>, patient_id: Uuid) -> impl IntoView {
    let result = Signal::derive(move || action.value().get());
    view! {
        <section class="mt-6 rounded-lg border border-amber-300 bg-amber-50 p-4" aria-labelledby="emergency-heading">
            <h2 id="emergency-heading" class="text-xl font-semibold">
                "Emergency access"
            </h2>
            <p class="mt-1 text-sm text-slate-700">
                {format!(
                    "If this patient needs you now and is not on your care team, say why. The chart opens to you for {EMERGENCY_ACCESS_HOURS} hours; the reason is kept in the audit trail and the administrators review it.",
                )}
            </p>
            <ActionForm action attr:class="mt-3 flex flex-col gap-2">
                <input type="hidden" name="patient_id" value=patient_id.to_string() />
                <label for="emergency-reason" class="text-sm font-medium">
                    "Reason"
                </label>
                <textarea
                    id="emergency-reason"
                    name="reason"
                    rows="3"
                    required
                    minlength=EMERGENCY_REASON_MIN_CHARS.to_string()
                    maxlength=EMERGENCY_REASON_MAX_CHARS.to_string()
                    class=FIELD
                    aria-describedby="emergency-reason-error"
                ></textarea>
                <FieldError id="emergency-reason-error" message=field_error(result, "reason") />
                <ActionError result />
                <div>
                    <Button kind=ButtonType::Submit variant=Variant::Danger>
                        "Open the chart"
                    </Button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn ChartView(chart: Chart) -> impl IntoView {
    let summary = chart.summary;
    let patient_id = summary.patient_id;
    let contact = match (summary.emergency_contact_name, summary.emergency_contact_phone) {
        (Some(name), Some(phone)) => format!("{name}, {phone}"),
        (Some(name), None) => name,
        (None, Some(phone)) => phone,
        (None, None) => "None given".to_string(),
    };
    let history = if summary.clinical_data_erased {
        "Erased after the retention period.".to_string()
    } else {
        summary.base_medical_history.unwrap_or_else(|| "None recorded.".to_string())
    };
    let care_team = if chart.care_team.is_empty() { "Nobody yet".to_string() } else { chart.care_team.join(", ") };
    view! {
        <p>
            <a class="text-sm text-teal-800 underline" href="/patients">
                "← Patients"
            </a>
        </p>
        <h1 class="mt-2 text-3xl font-semibold" data-testid="chart-name">
            {summary.name}
        </h1>
        <dl
            class="mt-4 grid gap-x-6 gap-y-2 rounded-lg bg-white p-4 sm:grid-cols-[12rem_1fr]"
            data-testid="chart-header"
        >
            <dt class="font-medium">"Age"</dt>
            <dd>{format!("{} (born {})", chart.age, summary.date_of_birth.format("%-d %B %Y"))}</dd>
            <dt class="font-medium">"Emergency contact"</dt>
            <dd>{contact}</dd>
            <dt class="font-medium">"Medical history"</dt>
            <dd class="whitespace-pre-line" data-testid="chart-history">
                {history}
            </dd>
            <dt class="font-medium">"Care team"</dt>
            <dd>{care_team}</dd>
        </dl>
        <section class="mt-8" aria-labelledby="notes-heading">
            <div class="flex flex-wrap items-center gap-3">
                <h2 id="notes-heading" class="text-xl font-semibold">
                    "Notes"
                </h2>
                {chart.notes.can_write.then(|| view! { <WriteNoteButton patient_id=summary.patient_id /> })}
            </div>
            {(chart.notes.total > chart.notes.notes.len() as i64)
                .then(|| {
                    view! {
                        <p class="mt-1 text-sm text-slate-600">
                            {format!("The newest {} of {} notes.", chart.notes.notes.len(), chart.notes.total)}
                        </p>
                    }
                })}
            <NoteList result=chart.notes.clone() patient=None paged=false />
        </section>
        <section class="mt-8" aria-labelledby="chart-files-heading">
            <h2 id="chart-files-heading" class="text-xl font-semibold">
                "Files"
            </h2>
            <PatientFilesView files=chart.files.files.clone() more=chart.files.more />
        </section>
        <crate::pages::plans::PlanSection patient_id=patient_id plan=chart.materials.clone() />
        <h2 class="mt-8 text-xl font-semibold">"Appointments"</h2>
        {if chart.visits.is_empty() {
            view! { <p class="mt-2 text-slate-700">"No appointments yet."</p> }.into_any()
        } else {
            view! {
                <ol class="mt-2 flex flex-col gap-2" data-testid="chart-timeline">
                    {chart
                        .visits
                        .into_iter()
                        .map(|visit| {
                            view! {
                                <li class="rounded-lg border border-slate-200 bg-white p-3">
                                    <span class="font-medium">{visit.when}</span>
                                    " · "
                                    {visit.appointment_type}
                                    " with "
                                    {visit.with_name}
                                    " · "
                                    <span class="text-slate-700">{visit.status.label()}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
                .into_any()
        }}
        {chart
            .more_visits
            .then(|| {
                view! {
                    <p class="mt-2 text-sm text-slate-600">"Older appointments are not shown; the newest 200 are."</p>
                }
            })}
    }
}
