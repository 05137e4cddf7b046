//! "My materials": what the patient's specialists gave them to read or do, with where they
//! are with each; opening one (the patient, or a family member with the materials grant)
//! counts as viewed, and the patient marks it done with an optional note back.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use crate::api::materials::{
    my_materials, open_material, CompleteMaterial, OpenedMaterial, PlanStatus, MAX_COMMENT_CHARS,
};
use crate::components::auth::use_auth;
use crate::components::button::{Button, ButtonType, Variant};
use crate::components::form::{field_error, ActionError, FieldError, FIELD};
use crate::components::page::Page;
use crate::components::pager::PageLinks;
use crate::domain::role::Role;

#[component]
pub fn MyMaterialsPage() -> impl IntoView {
    view! {
        <Page path="/my-care/materials">
            <MyMaterials />
        </Page>
    }
}

#[component]
fn MyMaterials() -> impl IntoView {
    let query = use_query_map();
    let patient = Memo::new(move |_| query.with(|q| q.get("patient").and_then(|id| id.parse::<Uuid>().ok())));
    let page = Memo::new(move |_| {
        query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).clamp(1, 100_000))
    });
    let list = Resource::new(move || (patient.get(), page.get()), |(patient, page)| my_materials(patient, page));
    view! {
        <h1 class="text-3xl font-semibold">"Materials"</h1>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let patient = patient.get();
                match list.await {
                    Ok(list) => {
                        view! {
                            {if list.items.is_empty() {
                                view! { <p class="mt-4 text-slate-700">"No materials yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="mt-4 flex flex-col gap-2" data-testid="my-materials">
                                        {list
                                            .items
                                            .into_iter()
                                            .map(|m| {
                                                view! {
                                                    <li class="rounded-lg border border-slate-200 bg-white p-3">
                                                        <a
                                                            class="font-medium text-teal-800 underline"
                                                            href=format!("/my-care/materials/{}", m.assignment_id)
                                                        >
                                                            {m.title}
                                                        </a>
                                                        <span class="ml-2 text-sm" data-testid="material-status">
                                                            {m.status.label()}
                                                        </span>
                                                        <p class="text-sm text-slate-700">
                                                            {format!(
                                                                "{} · from {} · {}",
                                                                m.material_type,
                                                                m.assigned_by,
                                                                m.detail,
                                                            )}
                                                        </p>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }}
                            <PageLinks
                                current=list.page
                                page_count=list.page_count
                                label="Pages of materials"
                                href=move |n| match patient {
                                    Some(p) => format!("/my-care/materials?patient={p}&page={n}"),
                                    None => format!("/my-care/materials?page={n}"),
                                }
                            />
                        }
                            .into_any()
                    }
                    Err(_) => {
                        view! { <p class="mt-4 text-slate-700">"These materials are not shared with you."</p> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn OpenMaterialPage() -> impl IntoView {
    view! {
        <Page path="/my-care/materials/:id">
            <OpenMaterial />
        </Page>
    }
}

#[component]
fn OpenMaterial() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let complete = ServerAction::<CompleteMaterial>::new();
    let opened = Resource::new(
        move || (id.get(), complete.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => open_material(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match opened.await {
                    Ok(Some(m)) => view! { <OpenedView m complete /> }.into_any(),
                    _ => {
                        #[cfg(feature = "ssr")]
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(http::StatusCode::NOT_FOUND);
                        }
                        view! { <h1 class="text-3xl font-semibold">"Material not found"</h1> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn OpenedView(m: OpenedMaterial, complete: ServerAction<CompleteMaterial>) -> impl IntoView {
    let result = Signal::derive(move || complete.value().get());
    let back = match use_auth().user().map(|user| user.role) {
        Some(Role::Patient) => "/my-care/materials".to_string(),
        Some(Role::FamilyMember) => format!("/family?patient={}", m.patient_id),
        _ => format!("/patients/{}", m.patient_id),
    };
    view! {
        <p>
            <a class="text-sm text-teal-800 underline" href=back>
                "← Back"
            </a>
        </p>
        <h1 class="mt-2 text-3xl font-semibold" data-testid="material-title">
            {m.item.title.clone()}
        </h1>
        <p class="mt-1 text-slate-700">
            {format!("{} · for {} · from {}", m.item.material_type, m.patient_name, m.item.assigned_by)}
        </p>
        <p class="mt-1" data-testid="material-status">
            {format!("{} · {}", m.item.status.label(), m.item.detail)}
        </p>
        {(!m.comment_html.is_empty())
            .then(|| {
                view! {
                    <section class="mt-4 rounded-lg border border-teal-600 bg-teal-50 p-4" aria-label="Comment">
                        <h2 class="font-semibold">{format!("A word from {}", m.item.assigned_by)}</h2>
                        <div class="prose max-w-none" inner_html=m.comment_html.clone()></div>
                    </section>
                }
            })}
        <section class="mt-4 rounded-lg border border-slate-200 bg-white p-4" aria-label="Material">
            <div class="prose max-w-none" inner_html=m.description_html.clone()></div>
            {m
                .content_url
                .clone()
                .map(|url| {
                    view! {
                        <p class="mt-3">
                            <a class="text-teal-800 underline" href=url rel="noopener noreferrer" target="_blank">
                                "Open the material"
                            </a>
                        </p>
                    }
                })}
            {m
                .file_url
                .clone()
                .map(|url| {
                    view! {
                        <p class="mt-3">
                            <a class="text-teal-800 underline" href=url target="_blank">
                                "Open the file"
                            </a>
                        </p>
                    }
                })}
        </section>
        {m
            .completion_note
            .clone()
            .map(|note| {
                view! { <p class="mt-4 whitespace-pre-line">"Your note: " {note}</p> }
            })}
        {(m.may_complete && m.item.status != PlanStatus::Completed)
            .then(|| {
                view! {
                    <ActionForm action=complete attr:class="mt-6 flex flex-col gap-2">
                        <input type="hidden" name="assignment_id" value=m.assignment_id.to_string() />
                        <label class="flex flex-col gap-1 text-sm font-medium">
                            "A note for your specialist (optional)"
                            <textarea
                                name="note"
                                rows="3"
                                class=FIELD
                                maxlength=MAX_COMMENT_CHARS.to_string()
                            ></textarea>
                        </label>
                        <FieldError message=field_error(result, "note") />
                        <ActionError result />
                        <div>
                            <Button kind=ButtonType::Submit variant=Variant::Primary>
                                "Mark as done"
                            </Button>
                        </div>
                    </ActionForm>
                }
            })}
    }
}
