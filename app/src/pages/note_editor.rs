//! Writing a note: the draft saves itself about 1.5 s after the last change, when a field is
//! left and when the tab is hidden ("Saved 10:42", announced politely); leaving with unsaved
//! changes asks first. A draft changed elsewhere (another tab or device) is never overwritten
//! silently: the writer sees both versions and chooses. Without JavaScript the same form posts
//! the draft with a "Save draft" button.

use std::time::Duration;

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use crate::api::notes::{get_draft, save_draft, sign_note, NoteContent, NoteDraft, SaveDraft, SaveOutcome};
use crate::api::templates::{fill_template, list_templates, TemplateItem};
use crate::components::button::{Button, ButtonType, Variant};
use crate::components::form::FIELD;
use crate::components::markdown_editor::{insert_markdown, set_markdown, MarkdownEditor};
use crate::components::page::Page;
use crate::model::notes::{NOTE_BODY_MAX_BYTES, NOTE_FIELD_MAX_CHARS};
use crate::pages::note_files::DraftAttachments;

/// How long after the last keystroke a draft saves itself.
const AUTOSAVE_DELAY: Duration = Duration::from_millis(1500);

#[component]
pub fn NoteEditorPage() -> impl IntoView {
    view! {
        <Page path="/notes/:id/edit">
            <NoteEditorLoader />
        </Page>
    }
}

#[component]
fn NoteEditorLoader() -> impl IntoView {
    let params = use_params_map();
    let record_id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let draft = Resource::new(
        move || record_id.get(),
        |id| async move {
            match id {
                Some(id) => get_draft(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match draft.await {
                    Ok(Some(draft)) => view! { <NoteEditor draft /> }.into_any(),
                    Err(crate::error::AppError::Conflict(_)) => {
                        let href = record_id.get_untracked().map(|id| format!("/notes/{id}")).unwrap_or_default();
                        view! {
                            <h1 class="text-3xl font-semibold">"This note is signed"</h1>
                            <p class="mt-4">
                                "It can no longer be edited. " <a class="text-teal-800 underline" href=href>
                                    "Read it and add an amendment"
                                </a>
                            </p>
                        }
                            .into_any()
                    }
                    _ => {
                        view! {
                            <h1 class="text-3xl font-semibold">"Note not found"</h1>
                            <p class="mt-4 text-slate-700" data-testid="note-not-found">
                                "There is no draft of yours here."
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Where the draft stands, for the live region and the buttons.
#[derive(Clone, Debug, PartialEq)]
enum SaveState {
    Saved(String),
    Unsaved,
    Saving,
    Failed(String),
}

/// The other version of a draft that changed elsewhere.
#[derive(Clone, Debug, PartialEq)]
struct Conflict {
    revision: i32,
    theirs: NoteContent,
    saved_at: String,
}

#[component]
fn NoteEditor(draft: NoteDraft) -> impl IntoView {
    let record_id = draft.record_id;
    let revision = RwSignal::new(draft.revision);
    let content = RwSignal::new(draft.content.clone());
    // Bumped on every edit: a save knows whether edits arrived while it was on the way.
    let edits = RwSignal::new(0u64);
    let saved_edits = RwSignal::new(0u64);
    let state = RwSignal::new(SaveState::Saved(draft.saved_at.clone()));
    let conflict = RwSignal::new(None::<Conflict>);
    let saving = RwSignal::new(false);
    let body_ref = NodeRef::<Textarea>::new();

    let save_now = move || {
        if saving.get_untracked() || conflict.get_untracked().is_some() {
            return;
        }
        let at_edit = edits.get_untracked();
        if at_edit == saved_edits.get_untracked() {
            return;
        }
        saving.set(true);
        state.set(SaveState::Saving);
        let sent = content.get_untracked();
        leptos::task::spawn_local(async move {
            let result = save_draft(
                record_id,
                revision.get_untracked(),
                sent.record_date,
                sent.diagnosis,
                sent.treatment,
                sent.body,
            )
            .await;
            saving.set(false);
            match result {
                Ok(SaveOutcome::Saved { revision: saved, saved_at }) => {
                    revision.set(saved);
                    saved_edits.set(at_edit);
                    if edits.get_untracked() == at_edit {
                        state.set(SaveState::Saved(saved_at));
                    } else {
                        state.set(SaveState::Unsaved);
                    }
                }
                Ok(SaveOutcome::Conflict { revision, theirs, saved_at }) => {
                    state.set(SaveState::Unsaved);
                    conflict.set(Some(Conflict { revision, theirs, saved_at }));
                }
                Err(error) => state.set(SaveState::Failed(error.to_string())),
            }
        });
    };

    let edited = move || {
        edits.update(|n| *n += 1);
        state.set(SaveState::Unsaved);
        let at_edit = edits.get_untracked();
        set_timeout(
            move || {
                // Only the last edit's timer saves (a debounce).
                if edits.get_untracked() == at_edit {
                    save_now();
                }
            },
            AUTOSAVE_DELAY,
        );
    };

    // Saved when the tab is hidden; asks before leaving with unsaved changes.
    let hidden = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Hidden {
            save_now();
        }
    });
    let leaving = window_event_listener(leptos::ev::beforeunload, move |event| {
        if edits.get_untracked() != saved_edits.get_untracked() {
            event.prevent_default();
            event.set_return_value("unsaved");
        }
    });
    on_cleanup(move || {
        hidden.remove();
        leaving.remove();
    });

    let keep_mine = move |_| {
        if let Some(other) = conflict.get_untracked() {
            revision.set(other.revision);
            conflict.set(None);
            edits.update(|n| *n += 1);
            save_now();
        }
    };
    let take_theirs = move |_| {
        if let Some(other) = conflict.get_untracked() {
            revision.set(other.revision);
            set_markdown(body_ref, &other.theirs.body);
            content.set(other.theirs);
            saved_edits.set(edits.get_untracked());
            state.set(SaveState::Saved(other.saved_at));
            conflict.set(None);
        }
    };

    let sign_error = RwSignal::new(None::<String>);
    let sign = move |_| {
        if edits.get_untracked() != saved_edits.get_untracked() || saving.get_untracked() {
            sign_error.set(Some("Wait until the draft is saved, then sign.".into()));
            save_now();
            return;
        }
        leptos::task::spawn_local(async move {
            match sign_note(record_id, revision.get_untracked()).await {
                // A full load: the signed note is read fresh (and its reading audited).
                Ok(()) => {
                    let _ = window().location().set_href(&format!("/notes/{record_id}"));
                }
                Err(error) => sign_error.set(Some(error.to_string())),
            }
        });
    };

    let initial = draft.content;
    // A plain upload form that was refused comes back with the reason in the address.
    let file_error = use_query_map().with_untracked(|q| q.get("file_error"));
    let save_url = <SaveDraft as leptos::server_fn::ServerFn>::PATH;
    let chart_href = format!("/patients/{}", draft.patient_id);
    view! {
        <p>
            <a class="text-sm text-teal-800 underline" href=chart_href>
                {format!("← {}'s chart", draft.patient_name)}
            </a>
        </p>
        <h1 class="mt-2 text-3xl font-semibold">{format!("Note for {}", draft.patient_name)}</h1>
        <p class="mt-1 text-slate-700">
            {draft.appointment.clone().unwrap_or_else(|| "Not linked to an appointment".into())}
            {draft.template.clone().map(|template| format!(" · From the template {template}"))}
        </p>
        <p class="mt-2 text-sm" role="status" aria-live="polite" data-testid="save-state">
            {move || match state.get() {
                SaveState::Saved(at) => format!("Saved {at}"),
                SaveState::Unsaved => "Not saved yet".to_string(),
                SaveState::Saving => "Saving…".to_string(),
                SaveState::Failed(message) => format!("Not saved: {message}"),
            }}
        </p>
        {move || {
            conflict
                .get()
                .map(|other| view! { <ConflictPanel other mine=content.get_untracked() keep_mine take_theirs /> })
        }}
        <form
            method="post"
            action=save_url
            class="mt-4 flex flex-col gap-4"
            on:submit=move |event| {
                event.prevent_default();
                save_now();
            }
        >
            <input type="hidden" name="record_id" value=record_id.to_string() />
            <input type="hidden" name="revision" prop:value=move || revision.get().to_string() />
            <div class="flex flex-col gap-1">
                <label for="note-date" class="text-sm font-medium">
                    "Date of the visit"
                </label>
                <input
                    id="note-date"
                    type="date"
                    name="record_date"
                    class=FIELD
                    required
                    prop:value=move || content.with(|c| c.record_date.to_string())
                    on:change=move |event| {
                        if let Ok(date) = event_target_value(&event).parse() {
                            content.update(|c| c.record_date = date);
                            edited();
                        }
                    }
                />
            </div>
            <div class="grid gap-4 sm:grid-cols-2">
                <div class="flex flex-col gap-1">
                    <label for="note-diagnosis" class="text-sm font-medium">
                        "Diagnosis"
                    </label>
                    <input
                        id="note-diagnosis"
                        name="diagnosis"
                        class=FIELD
                        maxlength=NOTE_FIELD_MAX_CHARS.to_string()
                        prop:value=move || content.with(|c| c.diagnosis.clone())
                        on:input=move |event| {
                            content.update(|c| c.diagnosis = event_target_value(&event));
                            edited();
                        }
                        on:change=move |_| save_now()
                    />
                </div>
                <div class="flex flex-col gap-1">
                    <label for="note-treatment" class="text-sm font-medium">
                        "Treatment"
                    </label>
                    <input
                        id="note-treatment"
                        name="treatment"
                        class=FIELD
                        maxlength=NOTE_FIELD_MAX_CHARS.to_string()
                        prop:value=move || content.with(|c| c.treatment.clone())
                        on:input=move |event| {
                            content.update(|c| c.treatment = event_target_value(&event));
                            edited();
                        }
                        on:change=move |_| save_now()
                    />
                </div>
            </div>
            <TemplateInserter record_id body_ref />
            <MarkdownEditor
                id="note-body"
                name="body"
                label="Note"
                initial=initial.body
                node_ref=body_ref
                maxlength=NOTE_BODY_MAX_BYTES
                on_input=move |body| {
                    content.update(|c| c.body = body);
                    edited();
                }
                on_change=save_now
            />
            <div class="flex flex-wrap gap-2">
                <Button kind=ButtonType::Submit variant=Variant::Secondary>
                    "Save draft"
                </Button>
                <button
                    type="button"
                    class="rounded bg-teal-700 px-4 py-2 text-white hover:bg-teal-800"
                    on:click=sign
                    data-testid="sign-note"
                >
                    "Sign the note"
                </button>
            </div>
            {move || {
                sign_error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="rounded bg-red-50 p-3 text-red-800" role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
            <p class="text-sm text-slate-600">
                "Signing locks the note: corrections are then added as amendments, with a reason."
            </p>
        </form>
        <DraftAttachments record_id initial=draft.attachments error=file_error />
    }
}

/// Both versions side by side; the writer keeps theirs or takes the other.
#[component]
fn ConflictPanel(
    other: Conflict,
    mine: NoteContent,
    keep_mine: impl Fn(leptos::ev::MouseEvent) + 'static,
    take_theirs: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let version = |content: &NoteContent| {
        format!(
            "Date: {}\nDiagnosis: {}\nTreatment: {}\n\n{}",
            content.record_date, content.diagnosis, content.treatment, content.body
        )
    };
    view! {
        <section
            class="mt-4 rounded-lg border border-amber-400 bg-amber-50 p-4"
            role="alert"
            data-testid="note-conflict"
        >
            <h2 class="text-xl font-semibold">"This draft was changed elsewhere"</h2>
            <p class="mt-1 text-sm">
                {format!(
                    "Another tab or device saved it at {}. Nothing was overwritten: choose which version to keep.",
                    other.saved_at,
                )}
            </p>
            <div class="mt-3 grid gap-3 sm:grid-cols-2">
                <div>
                    <h3 class="font-medium">"Your version"</h3>
                    <pre class="mt-1 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-white p-2 text-sm">
                        {version(&mine)}
                    </pre>
                </div>
                <div>
                    <h3 class="font-medium">"The other version"</h3>
                    <pre
                        class="mt-1 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-white p-2 text-sm"
                        data-testid="conflict-theirs"
                    >
                        {version(&other.theirs)}
                    </pre>
                </div>
            </div>
            <div class="mt-3 flex flex-wrap gap-2">
                <button type="button" class="rounded bg-teal-700 px-4 py-2 text-white" on:click=keep_mine>
                    "Keep my version"
                </button>
                <button type="button" class="rounded border border-slate-400 bg-white px-4 py-2" on:click=take_theirs>
                    "Use the other version"
                </button>
            </div>
        </section>
    }
}

/// Inserts a template, its placeholders filled in, at the cursor. The templates are fetched
/// when the list is first opened, in the browser: they are never part of the rendered page, so
/// the page hydrates whatever they are.
#[component]
fn TemplateInserter(record_id: Uuid, body_ref: NodeRef<Textarea>) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let templates = RwSignal::new(None::<Vec<TemplateItem>>);
    let load = move |_| {
        if templates.get_untracked().is_none() {
            leptos::task::spawn_local(async move {
                match list_templates().await {
                    Ok(list) => templates.set(Some(list)),
                    Err(error) => message.set(Some(error.to_string())),
                }
            });
        }
    };
    let insert = move |template_id: Uuid| {
        leptos::task::spawn_local(async move {
            match fill_template(template_id, record_id).await {
                Ok(markdown) => {
                    message.set(None);
                    insert_markdown(body_ref, &markdown);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    let button = move |t: TemplateItem| {
        let label = format!("{} ({}, {})", t.name, t.template_type, if t.is_global { "clinic" } else { "mine" });
        let id = t.template_id;
        view! {
            <li>
                <button
                    type="button"
                    class="rounded border border-teal-700 px-2 py-1 text-sm text-teal-800 hover:bg-teal-50"
                    on:click=move |_| insert(id)
                >
                    {label}
                </button>
            </li>
        }
    };
    view! {
        <details class="rounded border border-slate-300 bg-white p-2" data-testid="templates" on:toggle=load>
            <summary class="cursor-pointer text-sm font-medium">"Insert a template at the cursor"</summary>
            {move || match templates.get() {
                None => view! { <p class="mt-2 text-sm">"Loading the templates…"</p> }.into_any(),
                Some(list) if list.is_empty() => {
                    view! { <p class="mt-2 text-sm text-slate-700">"No templates yet: add one under Templates."</p> }
                        .into_any()
                }
                Some(list) => {
                    view! { <ul class="mt-2 flex flex-wrap gap-2">{list.into_iter().map(button).collect_view()}</ul> }
                        .into_any()
                }
            }}
            {move || {
                message
                    .get()
                    .map(|m| {
                        view! {
                            <p class="mt-2 text-sm text-red-800" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
        </details>
    }
}
