//! Reading a note: its content (HTML rendered and cleaned on the server), who signed it and
//! whether it still matches its hash, its amendments in order, and what the reader may do:
//! amend, mark entered in error, withhold from the patient. A print view, and the patient's
//! "My notes" (open notes: signed and not withheld).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use crate::api::notes::{
    get_note, open_notes, AmendNote, MarkEnteredInError, NotePage, NoteStatus, NoteView, WithholdNote, REASON_MAX_CHARS,
};
use crate::components::button::{Button, ButtonType, Variant};
use crate::components::form::{field_error, ActionError, FieldError, FIELD};
use crate::components::page::Page;
use crate::components::pager::PageLinks;
use crate::pages::note_files::AttachmentList;

#[component]
pub fn NotePage() -> impl IntoView {
    view! {
        <Page path="/notes/:id">
            <NoteLoader print=false />
        </Page>
    }
}

#[component]
pub fn NotePrintPage() -> impl IntoView {
    view! {
        <Page path="/notes/:id/print">
            <NoteLoader print=true />
        </Page>
    }
}

#[component]
fn NoteLoader(print: bool) -> impl IntoView {
    let params = use_params_map();
    let record_id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let amend = ServerAction::<AmendNote>::new();
    let error = ServerAction::<MarkEnteredInError>::new();
    let withhold = ServerAction::<WithholdNote>::new();
    let changed = Memo::new(move |_| (amend.version().get(), error.version().get(), withhold.version().get()));
    let note = Resource::new(
        move || (record_id.get(), changed.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_note(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match note.await {
                    Ok(Some(note)) if print => view! { <PrintedNote note /> }.into_any(),
                    Ok(Some(note)) => view! { <NoteDetail note amend error withhold /> }.into_any(),
                    _ => {
                        #[cfg(feature = "ssr")]
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(http::StatusCode::NOT_FOUND);
                        }
                        view! {
                            <h1 class="text-3xl font-semibold">"Note not found"</h1>
                            <p class="mt-4 text-slate-700" data-testid="note-not-found">
                                "There is no note here, or it is not one you may read."
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

fn status_badge(note: &NoteView) -> String {
    match (note.status, note.hash_matches) {
        (NoteStatus::Signed, Some(false)) => "Signed · its content no longer matches the signature".into(),
        (status, _) => status.label().into(),
    }
}

/// The note's content; struck through when entered in error.
#[component]
fn NoteContentView(note: NoteView) -> impl IntoView {
    let struck = note.status == NoteStatus::EnteredInError;
    if note.erased {
        return view! { <p class="mt-4 text-slate-700">"This note's content was erased after the retention period."</p> }
            .into_any();
    }
    view! {
        <div class=if struck { "mt-4 line-through decoration-red-700" } else { "mt-4" } data-testid="note-content">
            <dl class="grid gap-x-6 gap-y-1 sm:grid-cols-[10rem_1fr]">
                <dt class="font-medium">"Diagnosis"</dt>
                <dd>{if note.diagnosis.is_empty() { "—".to_string() } else { note.diagnosis.clone() }}</dd>
                <dt class="font-medium">"Treatment"</dt>
                <dd>{if note.treatment.is_empty() { "—".to_string() } else { note.treatment.clone() }}</dd>
            </dl>
            <div class="prose mt-4 max-w-none rounded-lg bg-white p-4" inner_html=note.body_html.clone()></div>
        </div>
        {(!note.attachments.is_empty())
            .then(|| {
                view! {
                    <section class="mt-6" aria-labelledby="note-files-heading">
                        <h2 id="note-files-heading" class="text-xl font-semibold">
                            "Attachments"
                        </h2>
                        <AttachmentList files=Signal::stored(note.attachments.clone()) removable=None />
                    </section>
                }
            })}
        <section class="mt-6" aria-labelledby="amendments-heading">
            {(!note.amendments.is_empty())
                .then(|| {
                    view! {
                        <h2 id="amendments-heading" class="text-xl font-semibold">
                            "Amendments"
                        </h2>
                    }
                })}
            <ol class="mt-2 flex flex-col gap-3" data-testid="amendments">
                {note
                    .amendments
                    .iter()
                    .cloned()
                    .map(|amendment| {
                        view! {
                            <li class="rounded-lg border border-slate-200 bg-white p-3">
                                <p class="text-sm text-slate-700">
                                    {format!("Amended by {} on {}", amendment.author, amendment.when)}
                                    {(!amendment.hash_matches).then_some(" · does not match its signature")}
                                </p>
                                <p class="mt-1 text-sm">
                                    <span class="font-medium">"Reason: "</span>
                                    {amendment.reason}
                                </p>
                                <div class="prose mt-2 max-w-none" inner_html=amendment.body_html></div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

#[component]
fn NoteDetail(
    note: NoteView,
    amend: ServerAction<AmendNote>,
    error: ServerAction<MarkEnteredInError>,
    withhold: ServerAction<WithholdNote>,
) -> impl IntoView {
    let record_id = note.record_id;
    let rights = note.rights;
    let chart = format!("/patients/{}", note.patient_id);
    let staff = note.rights.amend || note.rights.withhold || note.withheld_reason.is_some() || note.signed.is_some();
    view! {
        <p class="flex flex-wrap gap-4 text-sm">
            <a class="text-teal-800 underline" href=chart>
                {format!("← {}", note.patient_name)}
            </a>
            <a class="text-teal-800 underline" href=format!("/notes/{record_id}/print")>
                "Print view"
            </a>
            {rights
                .edit
                .then(|| {
                    view! {
                        <a class="text-teal-800 underline" href=format!("/notes/{record_id}/edit")>
                            "Edit the draft"
                        </a>
                    }
                })}
        </p>
        <h1 class="mt-2 text-3xl font-semibold">{format!("Note of {}", note.record_date.format("%-d %B %Y"))}</h1>
        <p class="mt-1 text-slate-700">
            {format!("{} · {}", note.patient_name, note.specialist)}
            {note.appointment.clone().map(|a| format!(" · {a}"))}
        </p>
        <p class="mt-1 text-sm" data-testid="note-status">
            <span class="font-medium">{status_badge(&note)}</span>
            {note.signed.clone().map(|s| format!(" · {s}"))}
            {note.template.clone().map(|t| format!(" · From the template {t}"))}
        </p>
        {note
            .error
            .clone()
            .map(|reason| {
                view! {
                    <p class="mt-2 rounded bg-red-50 p-3 text-red-800" data-testid="note-error">
                        {format!("Entered in error: {reason}")}
                    </p>
                }
            })}
        {note
            .withheld_reason
            .clone()
            .map(|reason| {
                view! {
                    <p class="mt-2 rounded bg-amber-50 p-3" data-testid="note-withheld">
                        {format!("Not shown to the patient: {reason}")}
                    </p>
                }
            })}
        <NoteContentView note=note.clone() />
        {rights.amend.then(|| view! { <AmendForm action=amend record_id /> })}
        {(rights.withhold && staff)
            .then(|| view! { <WithholdForm action=withhold record_id withheld=note.withheld_reason.is_some() /> })}
        {rights.mark_in_error.then(|| view! { <ErrorForm action=error record_id /> })}
    }
}

#[component]
fn AmendForm(action: ServerAction<AmendNote>, record_id: Uuid) -> impl IntoView {
    let result = Signal::derive(move || action.value().get());
    view! {
        <section class="mt-8 rounded-lg bg-white p-4" aria-labelledby="amend-heading">
            <h2 id="amend-heading" class="text-xl font-semibold">
                "Add an amendment"
            </h2>
            <ActionForm action attr:class="mt-2 flex flex-col gap-2">
                <input type="hidden" name="record_id" value=record_id.to_string() />
                <label for="amend-reason" class="text-sm font-medium">
                    "Reason for the amendment"
                </label>
                <input
                    id="amend-reason"
                    name="reason"
                    class=FIELD
                    required
                    maxlength=REASON_MAX_CHARS.to_string()
                    aria-describedby="amend-reason-error"
                />
                <FieldError id="amend-reason-error" message=field_error(result, "reason") />
                <label for="amend-body" class="text-sm font-medium">
                    "Correction or addition"
                </label>
                <textarea id="amend-body" name="body" rows="5" required class=FIELD></textarea>
                <FieldError id="amend-body-error" message=field_error(result, "body") />
                <ActionError result />
                <div>
                    <Button kind=ButtonType::Submit variant=Variant::Primary>
                        "Add the amendment"
                    </Button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn WithholdForm(action: ServerAction<WithholdNote>, record_id: Uuid, withheld: bool) -> impl IntoView {
    let result = Signal::derive(move || action.value().get());
    view! {
        <section class="mt-6 rounded-lg bg-white p-4" aria-labelledby="withhold-heading">
            <h2 id="withhold-heading" class="text-xl font-semibold">
                {if withheld { "Show to the patient again" } else { "Withhold from the patient" }}
            </h2>
            <ActionForm action attr:class="mt-2 flex flex-col gap-2">
                <input type="hidden" name="record_id" value=record_id.to_string() />
                {if withheld {
                    view! { <input type="hidden" name="reason" value="" /> }.into_any()
                } else {
                    view! {
                        <label for="withhold-reason" class="text-sm font-medium">
                            "Reason (shown to staff only)"
                        </label>
                        <input
                            id="withhold-reason"
                            name="reason"
                            class=FIELD
                            required
                            maxlength=REASON_MAX_CHARS.to_string()
                        />
                    }
                        .into_any()
                }}
                <FieldError id="withhold-reason-error" message=field_error(result, "reason") />
                <ActionError result />
                <div>
                    <Button kind=ButtonType::Submit>
                        {if withheld { "Show it to the patient" } else { "Withhold this note" }}
                    </Button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn ErrorForm(action: ServerAction<MarkEnteredInError>, record_id: Uuid) -> impl IntoView {
    let result = Signal::derive(move || action.value().get());
    view! {
        <section class="mt-6 rounded-lg border border-red-200 bg-white p-4" aria-labelledby="error-heading">
            <h2 id="error-heading" class="text-xl font-semibold">
                "Entered in error"
            </h2>
            <p class="mt-1 text-sm text-slate-700">
                "For a note written on the wrong patient: it stays in the record, struck through, with your reason."
            </p>
            <ActionForm action attr:class="mt-2 flex flex-col gap-2">
                <input type="hidden" name="record_id" value=record_id.to_string() />
                <label for="error-reason" class="text-sm font-medium">
                    "Reason"
                </label>
                <input id="error-reason" name="reason" class=FIELD required maxlength=REASON_MAX_CHARS.to_string() />
                <FieldError id="error-reason-error" message=field_error(result, "reason") />
                <ActionError result />
                <div>
                    <Button kind=ButtonType::Submit variant=Variant::DangerOutline>
                        "Mark as entered in error"
                    </Button>
                </div>
            </ActionForm>
        </section>
    }
}

/// A plain page for printing: the note, its signature and amendments, nothing else to act on.
#[component]
fn PrintedNote(note: NoteView) -> impl IntoView {
    view! {
        <article class="mx-auto max-w-3xl bg-white p-6 print:p-0" data-testid="printed-note">
            <p class="text-sm print:hidden">
                <a class="text-teal-800 underline" href=format!("/notes/{}", note.record_id)>
                    "← Back to the note"
                </a>
                " · Use your browser's Print command."
            </p>
            <h1 class="mt-2 text-2xl font-semibold">{format!("Clinical note · {}", note.patient_name)}</h1>
            <p class="mt-1">{format!("{} · {}", note.record_date.format("%-d %B %Y"), note.specialist)}</p>
            <p class="mt-1 text-sm">{status_badge(&note)} {note.signed.clone().map(|s| format!(" · {s}"))}</p>
            {note
                .error
                .clone()
                .map(|reason| view! { <p class="mt-2 font-medium">{format!("Entered in error: {reason}")}</p> })}
            <NoteContentView note=note.clone() />
        </article>
    }
}

/// "My notes": the patient's signed notes (open notes), or the helped patient's for a family
/// member with the clinical grant (`?patient=`).
#[component]
pub fn OpenNotesPage() -> impl IntoView {
    view! {
        <Page path="/my-care/notes">
            <OpenNotesList />
        </Page>
    }
}

#[component]
fn OpenNotesList() -> impl IntoView {
    let query = use_query_map();
    let patient = Memo::new(move |_| query.with(|q| q.get("patient").and_then(|p| p.parse::<Uuid>().ok())));
    let page = Memo::new(move |_| query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1)));
    let notes = Resource::new(move || (patient.get(), page.get()), |(patient, page)| open_notes(patient, page));
    view! {
        <h1 class="text-3xl font-semibold">"Clinical notes"</h1>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match notes.await {
                    Ok(result) => view! { <NoteList result patient=patient.get_untracked() paged=true /> }.into_any(),
                    Err(_) => {
                        view! {
                            <p class="mt-4" data-testid="no-notes">
                                "No notes to show."
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// A page of notes, each linking to its reading view.
#[component]
pub fn NoteList(
    result: NotePage,
    patient: Option<Uuid>,
    /// Page links to the portal's notes list (the chart shows one page).
    paged: bool,
) -> impl IntoView {
    if result.notes.is_empty() {
        return view! {
            <p class="mt-2 text-slate-700" data-testid="no-notes">
                "No notes yet."
            </p>
        }
        .into_any();
    }
    let (current, page_count, total) = (result.page, result.page_count(), result.total);
    view! {
        <ol class="mt-2 flex flex-col gap-2" data-testid="note-list">
            {result
                .notes
                .into_iter()
                .map(|note| {
                    let href = if note.status == NoteStatus::Draft {
                        format!("/notes/{}/edit", note.record_id)
                    } else {
                        format!("/notes/{}", note.record_id)
                    };
                    let struck = note.status == NoteStatus::EnteredInError;
                    let status = match (note.status, note.hash_matches) {
                        (NoteStatus::Signed, Some(false)) => "Signed · does not match its signature".to_string(),
                        (status, _) => status.label().to_string(),
                    };
                    view! {
                        <li class="rounded-lg border border-slate-200 bg-white p-3">
                            <a
                                class=if struck {
                                    "text-teal-800 underline line-through"
                                } else {
                                    "text-teal-800 underline"
                                }
                                href=href
                            >
                                {format!("{} · {}", note.record_date.format("%-d %b %Y"), note.specialist)}
                            </a>
                            <span class="ml-2 rounded bg-slate-100 px-2 py-0.5 text-sm">{status}</span>
                            {note
                                .withheld
                                .then(|| {
                                    view! {
                                        <span class="ml-2 text-sm text-amber-800">"Withheld from the patient"</span>
                                    }
                                })}
                            {(note.amendments > 0)
                                .then(|| {
                                    view! {
                                        <span class="ml-2 text-sm">{format!("{} amendment(s)", note.amendments)}</span>
                                    }
                                })}
                            {(!note.diagnosis.is_empty())
                                .then(|| view! { <p class="mt-1 text-sm text-slate-700">{note.diagnosis.clone()}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        {paged
            .then(|| {
                view! {
                    <PageLinks
                        current
                        page_count
                        label="Pages of notes"
                        summary=format!("{total} notes")
                        href=move |page| match patient {
                            Some(patient) => format!("/my-care/notes?patient={patient}&page={page}"),
                            None => format!("/my-care/notes?page={page}"),
                        }
                    />
                }
            })}
    }
    .into_any()
}
