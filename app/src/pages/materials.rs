//! The education library (staff): search and filter, write and retire materials, preview them,
//! see who has each in their plan and how far they got, and assign one to a patient. Reached
//! from a chart ("Assign a material"), the library carries the patient along (`for`).

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use uuid::Uuid;

use crate::api::materials::{
    get_material, list_materials, AssignMaterial, MaterialDetail, MaterialPage, RetireMaterial, SaveMaterial,
    MATERIAL_TYPES, MAX_COMMENT_CHARS, MAX_SEARCH_CHARS, MAX_TITLE_CHARS,
};
use crate::components::button::{Button, ButtonLink, ButtonType, Size, Variant};
use crate::components::form::{field_error, ActionError, FieldError, FIELD};
use crate::components::markdown_editor::MarkdownEditor;
use crate::components::page::Page;
use crate::components::pager::PageLinks;

/// The library's search as the address holds it: `/materials?q=&type=&tag=&author=&retired=1&page=&for=`.
#[derive(Clone, Debug, Default, PartialEq)]
struct LibraryQuery {
    q: String,
    kind: String,
    tag: String,
    author: Option<Uuid>,
    retired: bool,
    page: i64,
    /// The patient a material is being chosen for (from their chart).
    for_patient: Option<Uuid>,
}

impl LibraryQuery {
    fn read(map: &ParamsMap) -> LibraryQuery {
        let text = |key: &str| map.get(key).filter(|v| v.len() <= MAX_SEARCH_CHARS).unwrap_or_default();
        LibraryQuery {
            q: text("q"),
            kind: text("type"),
            tag: text("tag"),
            author: map.get("author").and_then(|v| v.parse().ok()),
            retired: map.get("retired").is_some_and(|v| v == "1"),
            page: map.get("page").and_then(|v| v.parse().ok()).unwrap_or(1).clamp(1, 100_000),
            for_patient: map.get("for").and_then(|v| v.parse().ok()),
        }
    }

    fn href(&self, page: i64) -> String {
        let mut map = ParamsMap::new();
        for (key, value) in [("q", &self.q), ("type", &self.kind), ("tag", &self.tag)] {
            if !value.is_empty() {
                map.insert(key, value.clone());
            }
        }
        if let Some(author) = self.author {
            map.insert("author", author.to_string());
        }
        if self.retired {
            map.insert("retired", "1".to_string());
        }
        if let Some(id) = self.for_patient {
            map.insert("for", id.to_string());
        }
        map.insert("page", page.to_string());
        format!("/materials{}", map.to_query_string())
    }
}

#[component]
pub fn LibraryPage() -> impl IntoView {
    view! {
        <Page path="/materials">
            <Library />
        </Page>
    }
}

#[component]
fn Library() -> impl IntoView {
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(LibraryQuery::read));
    let page = Resource::new(move || query.get(), |q| list_materials(q.q, q.kind, q.tag, q.author, q.retired, q.page));
    view! {
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-3xl font-semibold">"Education library"</h1>
            <ButtonLink href="/materials/new" variant=Variant::Primary>
                "New material"
            </ButtonLink>
        </div>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let q = query.get();
                page.await.map(|page| view! { <LibraryResults q page /> })
            })}
        </Transition>
    }
}

#[component]
fn LibraryResults(q: LibraryQuery, page: MaterialPage) -> impl IntoView {
    let for_patient = q.for_patient;
    let href_q = q.clone();
    view! {
        {for_patient
            .map(|id| {
                view! {
                    <p class="mt-4 rounded border border-teal-600 bg-teal-50 p-3" data-testid="assigning-banner">
                        "Choose a material to assign. "
                        <a class="text-teal-800 underline" href=format!("/patients/{id}")>
                            "Back to the chart"
                        </a>
                    </p>
                }
            })}
        <form method="get" action="/materials" class="mt-4 flex flex-wrap items-end gap-3" role="search">
            {for_patient.map(|id| view! { <input type="hidden" name="for" value=id.to_string() /> })}
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Search"
                <input name="q" type="search" class=FIELD value=q.q.clone() maxlength=MAX_SEARCH_CHARS.to_string() />
            </label>
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Type" <select name="type" class=FIELD>
                    <option value="" selected=q.kind.is_empty()>
                        "Any type"
                    </option>
                    {MATERIAL_TYPES
                        .iter()
                        .map(|t| {
                            view! {
                                <option value=*t selected=q.kind == *t>
                                    {*t}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Tag" <input name="tag" class=FIELD value=q.tag.clone() maxlength="40" />
            </label>
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Author" <select name="author" class=FIELD>
                    <option value="" selected=q.author.is_none()>
                        "Anyone"
                    </option>
                    {page
                        .authors
                        .iter()
                        .map(|(id, name)| {
                            view! {
                                <option value=id.to_string() selected=q.author == Some(*id)>
                                    {name.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="retired" value="1" checked=q.retired />
                "Include retired"
            </label>
            <Button kind=ButtonType::Submit>"Search"</Button>
        </form>
        {if page.items.is_empty() {
            view! { <p class="mt-6 text-slate-700">"No materials match."</p> }.into_any()
        } else {
            view! {
                <ul class="mt-4 flex flex-col gap-2" data-testid="material-list">
                    {page
                        .items
                        .into_iter()
                        .map(|m| {
                            let href = match for_patient {
                                Some(p) => format!("/materials/{}?for={p}", m.material_id),
                                None => format!("/materials/{}", m.material_id),
                            };
                            view! {
                                <li class="rounded-lg border border-slate-200 bg-white p-3">
                                    <a class="font-medium text-teal-800 underline" href=href>
                                        {m.title}
                                    </a>
                                    {m
                                        .retired
                                        .then(|| view! { <span class="ml-2 text-sm text-red-700">"Retired"</span> })}
                                    <p class="text-sm text-slate-700">
                                        {format!(
                                            "{} · by {} · {}",
                                            m.material_type,
                                            m.author,
                                            m.publish_date.format("%-d %b %Y"),
                                        )} {(!m.tags.is_empty()).then(|| format!(" · {}", m.tags.join(", ")))}
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
            current=page.page
            page_count=page.page_count
            label="Pages of materials"
            summary=format!("{} materials", page.total)
            href=move |n| href_q.href(n)
        />
    }
}

#[component]
pub fn MaterialPage() -> impl IntoView {
    view! {
        <Page path="/materials/:id">
            <MaterialLoader />
        </Page>
    }
}

fn set_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}

#[component]
fn MaterialLoader() -> impl IntoView {
    let params = use_params_map();
    let query_map = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    // `/materials/new` is the form for a new one.
    let is_new = Memo::new(move |_| params.with(|p| p.get("id").as_deref() == Some("new")));
    let for_patient = Memo::new(move |_| query_map.with(|q| q.get("for").and_then(|id| id.parse::<Uuid>().ok())));
    let retire = ServerAction::<RetireMaterial>::new();
    let assign = ServerAction::<AssignMaterial>::new();
    // An upload refused without JavaScript comes back with its message in the address.
    let file_error = query_map.with_untracked(|q| q.get("file_error").map(|e| e.chars().take(300).collect::<String>()));
    let material = Resource::new(
        move || (id.get(), retire.version().get(), assign.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_material(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || {
                let file_error = file_error.clone();
                Suspend::new(async move {
                    if is_new.get() {
                        return view! { <MaterialForm detail=None /> }.into_any();
                    }
                    match material.await {
                        Ok(Some(m)) => {
                            view! {
                                {file_error
                                    .clone()
                                    .map(|message| {
                                        view! {
                                            <p class="mb-2 text-red-700" role="alert">
                                                {message}
                                            </p>
                                        }
                                    })}
                                <MaterialDetailView m for_patient=for_patient.get() retire assign />
                            }
                                .into_any()
                        }
                        _ => {
                            set_not_found();
                            view! { <h1 class="text-3xl font-semibold">"Material not found"</h1> }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn MaterialDetailView(
    m: MaterialDetail,
    for_patient: Option<Uuid>,
    retire: ServerAction<RetireMaterial>,
    assign: ServerAction<AssignMaterial>,
) -> impl IntoView {
    let id = m.material_id.to_string();
    view! {
        <p>
            <a class="text-sm text-teal-800 underline" href="/materials">
                "← Library"
            </a>
        </p>
        <h1 class="mt-2 text-3xl font-semibold" data-testid="material-title">
            {m.title.clone()}
        </h1>
        <p class="mt-1 text-slate-700">
            {format!("{} · by {} · published {}", m.material_type, m.author, m.publish_date.format("%-d %B %Y"))}
            {(!m.tags.is_empty()).then(|| format!(" · tags: {}", m.tags.join(", ")))}
        </p>
        {m
            .retired
            .then(|| {
                view! {
                    <p class="mt-2 rounded border border-red-300 bg-red-50 p-2 text-red-800">
                        "Retired: still readable by the patients who have it, offered to nobody new."
                    </p>
                }
            })}
        <section class="mt-4 rounded-lg border border-slate-200 bg-white p-4" aria-label="Preview">
            <div class="prose max-w-none" inner_html=m.description_html.clone()></div>
            {m
                .content_url
                .clone()
                .map(|url| {
                    view! {
                        <p class="mt-3">
                            <a class="text-teal-800 underline" href=url rel="noopener noreferrer" target="_blank">
                                "Open the link"
                            </a>
                        </p>
                    }
                })}
            {m
                .file
                .clone()
                .map(|file| {
                    view! {
                        <p class="mt-3">
                            <a class="text-teal-800 underline" href=format!("/files/materials/{id}") target="_blank">
                                {format!("{} ({} KB)", file.name, (file.size + 1023) / 1024)}
                            </a>
                        </p>
                    }
                })}
        </section>
        {m
            .may_edit
            .then(|| {
                let id = m.material_id.to_string();
                let upload_action = format!("/files/materials/{id}");
                view! {
                    <div class="mt-4 flex flex-wrap items-center gap-3">
                        <ButtonLink href=format!("/materials/{id}/edit")>"Edit"</ButtonLink>
                        {(!m.retired)
                            .then(|| {
                                view! {
                                    <ActionForm action=retire>
                                        <input type="hidden" name="material_id" value=id.clone() />
                                        <Button kind=ButtonType::Submit variant=Variant::DangerOutline>
                                            "Retire"
                                        </Button>
                                    </ActionForm>
                                }
                            })}
                    </div>
                    <form
                        method="post"
                        action=upload_action.clone()
                        enctype="multipart/form-data"
                        class="mt-4 flex flex-wrap items-end gap-3"
                    >
                        <label class="flex flex-col gap-1 text-sm font-medium">
                            "Upload a PDF or image (up to 20 MB)"
                            <input type="file" name="file" accept="application/pdf,image/jpeg,image/png,image/webp" />
                        </label>
                        <Button kind=ButtonType::Submit size=Size::Small>
                            "Upload"
                        </Button>
                    </form>
                }
            })}
        {match (for_patient, m.retired) {
            (Some(patient_id), false) => view! { <AssignForm material_id=m.material_id patient_id assign /> }.into_any(),
            _ => ().into_any(),
        }}
        <section class="mt-8" aria-labelledby="engagement-heading">
            <h2 id="engagement-heading" class="text-xl font-semibold">
                "In the plans of your patients"
            </h2>
            {if m.engagement.is_empty() {
                view! { <p class="mt-2 text-slate-700">"Nobody yet."</p> }.into_any()
            } else {
                view! {
                    <table class="mt-2 w-full text-left" data-testid="engagement">
                        <thead>
                            <tr>
                                <th class="py-1">"Patient"</th>
                                <th>"Status"</th>
                                <th>"Detail"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {m
                                .engagement
                                .into_iter()
                                .map(|e| {
                                    view! {
                                        <tr class="border-t border-slate-200">
                                            <td class="py-1">
                                                <a
                                                    class="text-teal-800 underline"
                                                    href=format!("/patients/{}", e.patient_id)
                                                >
                                                    {e.patient_name}
                                                </a>
                                            </td>
                                            <td>{e.status.label()}</td>
                                            <td class="text-sm text-slate-700">{e.detail}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn AssignForm(material_id: Uuid, patient_id: Uuid, assign: ServerAction<AssignMaterial>) -> impl IntoView {
    let result = Signal::derive(move || assign.value().get());
    let comment_ref = NodeRef::<Textarea>::new();
    view! {
        <section class="mt-6 rounded-lg border border-teal-600 bg-teal-50 p-4" aria-labelledby="assign-heading">
            <h2 id="assign-heading" class="text-xl font-semibold">
                "Assign to the patient"
            </h2>
            <ActionForm action=assign attr:class="mt-2 flex flex-col gap-3">
                <input type="hidden" name="material_id" value=material_id.to_string() />
                <input type="hidden" name="patient_id" value=patient_id.to_string() />
                <MarkdownEditor
                    id="assign-comment"
                    name="comment"
                    label="Comment for the patient"
                    initial=String::new()
                    node_ref=comment_ref
                    on_input=|_| ()
                    on_change=|| ()
                />
                <p class="text-sm text-slate-600">{format!("Up to {MAX_COMMENT_CHARS} characters.")}</p>
                <FieldError message=field_error(result, "comment") />
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Release date (empty: at once)" <input type="date" name="release_date" class=FIELD />
                </label>
                <FieldError message=field_error(result, "release_date") />
                <ActionError result />
                {move || {
                    matches!(assign.value().get(), Some(Ok(_)))
                        .then(|| {
                            view! {
                                <p role="status" class="text-teal-800" data-testid="assigned">
                                    "Assigned. "
                                    <a class="underline" href=format!("/patients/{patient_id}")>
                                        "Back to the chart"
                                    </a>
                                </p>
                            }
                        })
                }}
                <div>
                    <Button kind=ButtonType::Submit variant=Variant::Primary>
                        "Assign"
                    </Button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn MaterialEditPage() -> impl IntoView {
    view! {
        <Page path="/materials/:id/edit">
            <MaterialEditLoader />
        </Page>
    }
}

#[component]
fn MaterialEditLoader() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let material = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_material(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match material.await {
                    Ok(Some(detail)) if detail.may_edit => view! { <MaterialForm detail=Some(detail) /> }.into_any(),
                    _ => {
                        set_not_found();
                        view! { <h1 class="text-3xl font-semibold">"Material not found"</h1> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn MaterialForm(detail: Option<MaterialDetail>) -> impl IntoView {
    let save = ServerAction::<SaveMaterial>::new();
    let result = Signal::derive(move || save.value().get());
    let description_ref = NodeRef::<Textarea>::new();
    let heading = detail.as_ref().map(|d| format!("Edit “{}”", d.title)).unwrap_or_else(|| "New material".into());
    let id = detail.as_ref().map(|d| d.material_id);
    let title = detail.as_ref().map(|d| d.title.clone()).unwrap_or_default();
    let kind = detail.as_ref().map(|d| d.material_type.clone()).unwrap_or_else(|| MATERIAL_TYPES[0].to_string());
    let link = detail.as_ref().and_then(|d| d.content_url.clone()).unwrap_or_default();
    let publish = detail.as_ref().map(|d| d.publish_date.to_string()).unwrap_or_default();
    let tags = detail.as_ref().map(|d| d.tags.join(", ")).unwrap_or_default();
    let description = detail.map(|d| d.description).unwrap_or_default();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/materials/{id}"), Default::default());
        }
    });
    let field = move |name: &'static str| field_error(result, name);
    view! {
        <p>
            <a class="text-sm text-teal-800 underline" href="/materials">
                "← Library"
            </a>
        </p>
        <h1 class="mt-2 text-3xl font-semibold">{heading}</h1>
        <ActionForm action=save attr:class="mt-4 flex flex-col gap-3">
            {id.map(|id| view! { <input type="hidden" name="material_id" value=id.to_string() /> })}
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Title" <input name="title" class=FIELD required value=title maxlength=MAX_TITLE_CHARS.to_string() />
            </label>
            <FieldError message=field("title") />
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Type" <select name="material_type" class=FIELD>
                    {MATERIAL_TYPES
                        .iter()
                        .map(|t| {
                            view! {
                                <option value=*t selected=kind == *t>
                                    {*t}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <FieldError message=field("material_type") />
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Web link (https://…), or leave empty and upload a file after saving"
                <input name="content_url" type="url" class=FIELD value=link maxlength="2000" />
            </label>
            <FieldError message=field("content_url") />
            <MarkdownEditor
                id="material-description"
                name="description"
                label="Description"
                initial=description
                node_ref=description_ref
                on_input=|_| ()
                on_change=|| ()
            />
            <FieldError message=field("description") />
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Publish date (empty: today)" <input name="publish_date" type="date" class=FIELD value=publish />
            </label>
            <FieldError message=field("publish_date") />
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Tags, separated by commas" <input name="tags" class=FIELD value=tags maxlength="450" />
            </label>
            <FieldError message=field("tags") />
            <ActionError result />
            <div>
                <Button kind=ButtonType::Submit variant=Variant::Primary>
                    "Save the material"
                </Button>
            </div>
        </ActionForm>
    }
}
