//! Note templates: the clinic's (admins keep them) and each specialist's own. A specialist may
//! copy a clinic template to adapt it. Edited in the same rich editor as notes; every save is a
//! new version, and notes keep naming the version they started from.

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api::templates::{
    get_template, list_templates, CopyTemplate, RetireTemplate, SaveTemplate, TemplateDetail, PLACEHOLDERS,
    TEMPLATE_NAME_MAX_CHARS, TEMPLATE_TYPES,
};
use crate::components::auth::use_auth;
use crate::components::button::{Button, ButtonLink, ButtonType, Size, Variant};
use crate::components::form::{field_error, ActionError, FieldError, FIELD};
use crate::components::markdown_editor::MarkdownEditor;
use crate::components::page::Page;
use crate::domain::role::Role;

#[component]
pub fn TemplatesPage() -> impl IntoView {
    view! {
        <Page path="/templates">
            <TemplateList />
        </Page>
    }
}

#[component]
fn TemplateList() -> impl IntoView {
    let copy = ServerAction::<CopyTemplate>::new();
    let retire = ServerAction::<RetireTemplate>::new();
    let changed = Memo::new(move |_| (copy.version().get(), retire.version().get()));
    let templates = Resource::new(move || changed.get(), |_| list_templates());
    let is_specialist = move || use_auth().user().is_some_and(|user| user.role == Role::Specialist);
    view! {
        <h1 class="text-3xl font-semibold">"Note templates"</h1>
        <p class="mt-2 text-slate-700">
            "Placeholders filled in when a template goes into a note: "
            {PLACEHOLDERS.iter().map(|(tag, what)| format!("{tag} ({what})")).collect::<Vec<_>>().join(", ")}
        </p>
        <p class="mt-4">
            <ButtonLink href="/templates/new" variant=Variant::Primary>
                "New template"
            </ButtonLink>
        </p>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let list = templates.await.unwrap_or_default();
                let specialist = is_specialist();
                view! {
                    <ul class="mt-4 flex flex-col gap-2" data-testid="template-list">
                        {list
                            .into_iter()
                            .map(|t| {
                                let id = t.template_id.to_string();
                                let copy_id = id.clone();
                                view! {
                                    <li class="flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white p-3">
                                        <span class="font-medium">{t.name.clone()}</span>
                                        <span class="text-sm text-slate-700">
                                            {format!(
                                                "{} · {} · version {}",
                                                t.template_type,
                                                if t.is_global { "clinic" } else { "mine" },
                                                t.version,
                                            )}
                                        </span>
                                        <span class="ml-auto flex gap-2">
                                            {t
                                                .editable
                                                .then(|| {
                                                    view! {
                                                        <ButtonLink href=format!("/templates/{id}") size=Size::Small>
                                                            "Edit"
                                                        </ButtonLink>
                                                        <ActionForm action=retire>
                                                            <input type="hidden" name="template_id" value=id.clone() />
                                                            <Button
                                                                kind=ButtonType::Submit
                                                                size=Size::Small
                                                                variant=Variant::DangerOutline
                                                            >
                                                                "Retire"
                                                            </Button>
                                                        </ActionForm>
                                                    }
                                                })}
                                            {(t.is_global && specialist)
                                                .then(|| {
                                                    view! {
                                                        <ActionForm action=copy>
                                                            <input type="hidden" name="template_id" value=copy_id />
                                                            <Button kind=ButtonType::Submit size=Size::Small>
                                                                "Copy to adapt"
                                                            </Button>
                                                        </ActionForm>
                                                    }
                                                })}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        </Transition>
    }
}

#[component]
pub fn TemplateEditPage() -> impl IntoView {
    view! {
        <Page path="/templates/:id">
            <TemplateEditLoader />
        </Page>
    }
}

#[component]
fn TemplateEditLoader() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let template = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_template(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match template.await {
                    Ok(detail) => view! { <TemplateForm detail /> }.into_any(),
                    Err(_) => view! { <h1 class="text-3xl font-semibold">"Template not found"</h1> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TemplateForm(detail: Option<TemplateDetail>) -> impl IntoView {
    let save = ServerAction::<SaveTemplate>::new();
    let result = Signal::derive(move || save.value().get());
    let body_ref = NodeRef::<Textarea>::new();
    let heading = match &detail {
        Some(d) => format!("{} (version {})", d.name, d.version),
        None => "New template".to_string(),
    };
    let (id, name, kind, content) = match detail {
        Some(d) => (Some(d.template_id), d.name, d.template_type, d.content),
        None => (None, String::new(), TEMPLATE_TYPES[0].to_string(), String::new()),
    };
    // Back to the list once saved.
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate("/templates", Default::default());
        }
    });
    view! {
        <p>
            <a class="text-sm text-teal-800 underline" href="/templates">
                "← Templates"
            </a>
        </p>
        <h1 class="mt-2 text-3xl font-semibold">{heading}</h1>
        <ActionForm action=save attr:class="mt-4 flex flex-col gap-4">
            {id.map(|id| view! { <input type="hidden" name="template_id" value=id.to_string() /> })}
            <div class="flex flex-col gap-1">
                <label for="template-name" class="text-sm font-medium">
                    "Name"
                </label>
                <input
                    id="template-name"
                    name="name"
                    class=FIELD
                    required
                    value=name
                    maxlength=TEMPLATE_NAME_MAX_CHARS.to_string()
                />
                <FieldError id="template-name-error" message=field_error(result, "name") />
            </div>
            <div class="flex flex-col gap-1">
                <label for="template-type" class="text-sm font-medium">
                    "Kind"
                </label>
                <select id="template-type" name="template_type" class=FIELD>
                    {TEMPLATE_TYPES
                        .iter()
                        .map(|t| {
                            view! {
                                <option value=*t selected=*t == kind.as_str()>
                                    {*t}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <MarkdownEditor
                id="template-content"
                name="content"
                label="Content"
                initial=content
                node_ref=body_ref
                on_input=|_| ()
                on_change=|| ()
            />
            <FieldError id="template-content-error" message=field_error(result, "content") />
            <ActionError result />
            <div>
                <Button kind=ButtonType::Submit variant=Variant::Primary>
                    "Save the template"
                </Button>
            </div>
        </ActionForm>
    }
}
