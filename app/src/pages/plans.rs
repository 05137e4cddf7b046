//! A patient's education plan on their chart: each material, where the patient is with it
//! (assigned, released, viewed, completed), the comment and the patient's note back; 20 a
//! page, newest first.

use leptos::prelude::*;
use uuid::Uuid;

use crate::components::auth::use_auth;
use crate::components::button::{ButtonLink, Size};
use crate::components::pager::PageLinks;
use crate::domain::role::Role;
use crate::model::materials::{PatientPlan, PlanStatus};

#[component]
pub fn PlanSection(patient_id: Uuid, plan: PatientPlan) -> impl IntoView {
    let is_specialist = use_auth().user().is_some_and(|user| user.role == Role::Specialist);
    view! {
        <section class="mt-8" aria-labelledby="chart-materials-heading">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h2 id="chart-materials-heading" class="text-xl font-semibold">
                    "Education plan"
                </h2>
                {is_specialist
                    .then(|| {
                        view! {
                            <ButtonLink href=format!("/materials?for={patient_id}") size=Size::Small>
                                "Assign a material"
                            </ButtonLink>
                        }
                    })}
            </div>
            {if plan.entries.is_empty() {
                view! { <p class="mt-2 text-slate-700">"No materials assigned yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 flex flex-col gap-2" data-testid="chart-materials">
                        {plan
                            .entries
                            .into_iter()
                            .map(|entry| {
                                let status = entry.item.status;
                                let badge = match status {
                                    PlanStatus::Completed => "bg-teal-100 text-teal-900",
                                    PlanStatus::Viewed => "bg-sky-100 text-sky-900",
                                    PlanStatus::Released => "bg-amber-100 text-amber-900",
                                    PlanStatus::Assigned => "bg-slate-100 text-slate-800",
                                };
                                view! {
                                    <li
                                        class="rounded-lg border border-slate-200 bg-white p-3"
                                        data-testid="plan-entry"
                                    >
                                        <a
                                            class="font-medium text-teal-800 underline"
                                            href=format!("/materials/{}?for={patient_id}", entry.item.material_id)
                                        >
                                            {entry.item.title.clone()}
                                        </a>
                                        <span class=format!(
                                            "ml-2 rounded px-2 py-0.5 text-sm {badge}",
                                        )>{status.label()}</span>
                                        <p class="text-sm text-slate-700">
                                            {format!(
                                                "{} · assigned by {} · {}",
                                                entry.item.material_type,
                                                entry.item.assigned_by,
                                                entry.item.detail,
                                            )}
                                        </p>
                                        {(!entry.comment.is_empty())
                                            .then(|| {
                                                view! {
                                                    <p class="mt-1 text-sm whitespace-pre-line">
                                                        "Comment: " {entry.comment.clone()}
                                                    </p>
                                                }
                                            })}
                                        {entry
                                            .completion_note
                                            .clone()
                                            .map(|note| {
                                                view! {
                                                    <p class="mt-1 text-sm whitespace-pre-line" data-testid="note-back">
                                                        "Note from the patient: "
                                                        {note}
                                                    </p>
                                                }
                                            })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            {(plan.page_count > 1)
                .then(|| {
                    view! {
                        <PageLinks
                            current=plan.page
                            page_count=plan.page_count
                            label="Pages of the education plan"
                            href=move |page| format!("/patients/{patient_id}?plan_page={page}#chart-materials-heading")
                        />
                    }
                })}
        </section>
    }
}
