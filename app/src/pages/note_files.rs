//! A note's attachments: on a draft, drop files or pick them (upload progress shown, a clear
//! message for a wrong or oversized file) and remove them; on a note, images previewed and PDFs
//! opened inline; on the chart, every file of the patient as thumbnails or a list. Without
//! JavaScript the upload is a plain multipart form the server answers with the editor again.

use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "hydrate")]
use crate::api::notes::ATTACHMENT_MAX_BYTES;
use crate::api::notes::{remove_attachment, AttachmentView};
use crate::components::button::{Button, ButtonType, Size, Variant};
#[cfg(feature = "hydrate")]
use crate::error::AppError;

/// What the file picker offers (the server decides from the content).
const ACCEPTED: &str = "application/pdf,image/jpeg,image/png,image/webp";

#[component]
pub fn DraftAttachments(record_id: Uuid, initial: Vec<AttachmentView>, error: Option<String>) -> impl IntoView {
    let files = RwSignal::new(initial);
    let message = RwSignal::new(error);
    // The file being sent and how far it is (percent).
    let progress = RwSignal::new(None::<(String, u32)>);
    let send = move |picked: Vec<SendFile>| {
        for file in picked {
            upload(record_id, file, files, progress, message);
        }
    };
    let action = format!("/files/notes/{record_id}");
    view! {
        <section class="mt-8 rounded-lg bg-white p-4" aria-labelledby="files-heading">
            <h2 id="files-heading" class="text-xl font-semibold">
                "Attachments"
            </h2>
            <p class="mt-1 text-sm text-slate-700">
                "PDF documents and JPEG, PNG or WebP images, up to 20 MB each. They are locked with the note when it is signed."
            </p>
            <AttachmentList files=Signal::derive(move || files.get()) removable=Some((files, message)) />
            <form
                method="post"
                enctype="multipart/form-data"
                action=action
                class="mt-3 flex flex-col gap-2 rounded-lg border-2 border-dashed border-slate-300 p-4"
                data-testid="drop-zone"
                on:dragover=move |event| event.prevent_default()
                on:drop=move |event: leptos::ev::DragEvent| {
                    event.prevent_default();
                    send(dropped_files(&event));
                }
                on:submit=move |event| event.prevent_default()
            >
                <label for="note-file" class="text-sm font-medium">
                    "Drop files here, or choose them"
                </label>
                <input
                    id="note-file"
                    type="file"
                    name="file"
                    accept=ACCEPTED
                    multiple
                    data-testid="file-input"
                    on:change=move |event| send(picked_files(&event))
                />
                <noscript>
                    <Button kind=ButtonType::Submit size=Size::Small>
                        "Upload"
                    </Button>
                </noscript>
            </form>
            <p class="mt-2 text-sm" role="status" aria-live="polite" data-testid="upload-progress">
                {move || progress.get().map(|(name, percent)| format!("Uploading {name}: {percent}%"))}
            </p>
            {move || {
                message
                    .get()
                    .map(|text| {
                        view! {
                            <p class="mt-2 rounded bg-red-50 p-3 text-red-800" role="alert" data-testid="upload-error">
                                {text}
                            </p>
                        }
                    })
            }}
        </section>
    }
}

/// A draft's list of files and where to say why a removal failed.
type Removable = (RwSignal<Vec<AttachmentView>>, RwSignal<Option<String>>);

/// The files of a note: images as previews, PDFs as links; with remove buttons on a draft.
#[component]
pub fn AttachmentList(files: Signal<Vec<AttachmentView>>, removable: Option<Removable>) -> impl IntoView {
    view! {
        <ul class="mt-3 flex flex-wrap gap-3" data-testid="attachments">
            <For each=move || files.get() key=|file| file.file_id let:file>
                <li class="flex w-44 flex-col gap-1 rounded border border-slate-200 p-2 text-sm">
                    <AttachmentPreview file=file.clone() />
                    {removable
                        .map(|(list, message)| {
                            let file_id = file.file_id;
                            view! {
                                <Button
                                    size=Size::Small
                                    variant=Variant::DangerOutline
                                    attr:aria-label=format!("Remove {}", file.name)
                                    on_click=move |()| {
                                        leptos::task::spawn_local(async move {
                                            match remove_attachment(file_id).await {
                                                Ok(()) => list.update(|files| files.retain(|f| f.file_id != file_id)),
                                                Err(error) => message.set(Some(error.to_string())),
                                            }
                                        });
                                    }
                                >
                                    "Remove"
                                </Button>
                            }
                        })}
                </li>
            </For>
        </ul>
    }
}

/// An image's preview or a PDF's name, both opening the file.
#[component]
pub fn AttachmentPreview(file: AttachmentView) -> impl IntoView {
    let label = format!("{} ({}, {})", file.name, if file.is_image() { "image" } else { "PDF" }, file.size_label());
    view! {
        <a href=file.href() target="_blank" rel="noopener" class="text-teal-800 underline">
            {file
                .is_image()
                .then(|| {
                    view! {
                        <img
                            src=file.href()
                            alt=file.name.clone()
                            loading="lazy"
                            class="mb-1 h-28 w-full rounded object-cover"
                        />
                    }
                })}
            <span class="break-all">{label}</span>
        </a>
    }
}

/// A file the browser gave us, ready to send.
#[cfg(feature = "hydrate")]
type SendFile = web_sys::File;
#[cfg(not(feature = "hydrate"))]
type SendFile = ();

fn picked_files(event: &leptos::ev::Event) -> Vec<SendFile> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let input = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        let list = input.as_ref().and_then(|input| input.files());
        let files = list.map(file_list).unwrap_or_default();
        // The same file may be picked again later.
        if let Some(input) = input {
            input.set_value("");
        }
        files
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = event;
        Vec::new()
    }
}

fn dropped_files(event: &leptos::ev::DragEvent) -> Vec<SendFile> {
    #[cfg(feature = "hydrate")]
    {
        event.data_transfer().and_then(|transfer| transfer.files()).map(file_list).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = event;
        Vec::new()
    }
}

#[cfg(feature = "hydrate")]
fn file_list(list: web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// Sends one file with progress; the answer adds it to the list or says why it was refused.
fn upload(
    record_id: Uuid,
    file: SendFile,
    files: RwSignal<Vec<AttachmentView>>,
    progress: RwSignal<Option<(String, u32)>>,
    message: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        let name = file.name();
        // Said at once; the server checks again (and the type from the content).
        if file.size() > ATTACHMENT_MAX_BYTES as f64 {
            message.set(Some(format!("{name} is larger than 20 MB.")));
            return;
        }
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else { return };
        let Ok(form) = web_sys::FormData::new() else { return };
        if form.append_with_blob_and_filename("file", &file, &name).is_err()
            || xhr.open("POST", &format!("/files/notes/{record_id}")).is_err()
            || xhr.set_request_header("Accept", "application/json").is_err()
        {
            return;
        }
        message.set(None);
        progress.set(Some((name.clone(), 0)));
        if let Ok(upload) = xhr.upload() {
            let shown = name.clone();
            let on_progress =
                Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
                    if event.length_computable() && event.total() > 0.0 {
                        progress.set(Some((shown.clone(), (event.loaded() / event.total() * 100.0) as u32)));
                    }
                });
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            // Lives as long as the request (a few bytes per upload).
            on_progress.forget();
        }
        let answered = xhr.clone();
        let on_load = Closure::once_into_js(move || {
            progress.set(None);
            let body = answered.response_text().ok().flatten().unwrap_or_default();
            match answered.status().unwrap_or(0) {
                200 => match serde_json::from_str::<AttachmentView>(&body) {
                    Ok(file) => files.update(|list| list.push(file)),
                    Err(_) => message.set(Some("The file was stored; reload the page to see it.".into())),
                },
                _ => {
                    let error = serde_json::from_str::<AppError>(&body)
                        .map(|error| error.to_string())
                        .unwrap_or_else(|_| format!("{name} could not be attached (it may be larger than 20 MB)."));
                    message.set(Some(error));
                }
            }
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        let on_error = Closure::once_into_js(move || {
            progress.set(None);
            message.set(Some("The upload failed: check the connection and try again.".into()));
        });
        xhr.set_onerror(Some(on_error.unchecked_ref()));
        let _ = xhr.send_with_opt_form_data(Some(&form));
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (record_id, file, files, progress, message);
    }
}

/// The chart's Files view: thumbnails (the default) or a list, each linking to its note.
#[component]
pub fn PatientFilesView(files: Vec<AttachmentView>, more: bool) -> impl IntoView {
    let as_list = RwSignal::new(false);
    if files.is_empty() {
        return view! { <p class="mt-2 text-slate-700">"No files yet."</p> }.into_any();
    }
    let rows = files.clone();
    view! {
        <div class="mt-2 flex gap-2" role="group" aria-label="Show files as">
            <button
                type="button"
                class="rounded border border-slate-300 px-2 py-1 text-sm aria-pressed:bg-slate-200"
                aria-pressed=move || (!as_list.get()).to_string()
                on:click=move |_| as_list.set(false)
            >
                "Thumbnails"
            </button>
            <button
                type="button"
                class="rounded border border-slate-300 px-2 py-1 text-sm aria-pressed:bg-slate-200"
                aria-pressed=move || as_list.get().to_string()
                on:click=move |_| as_list.set(true)
            >
                "List"
            </button>
        </div>
        <Show
            when=move || as_list.get()
            fallback=move || {
                view! {
                    <ul class="mt-2 flex flex-wrap gap-3" data-testid="chart-files">
                        {files
                            .clone()
                            .into_iter()
                            .map(|file| {
                                let note = format!("/notes/{}", file.record_id);
                                let date = file.record_date.format("%-d %b %Y").to_string();
                                view! {
                                    <li class="flex w-44 flex-col gap-1 rounded border border-slate-200 bg-white p-2 text-sm">
                                        <AttachmentPreview file />
                                        <a class="text-slate-700 underline" href=note>
                                            {format!("Note of {date}")}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            }
        >
            <table class="mt-2 w-full bg-white text-left text-sm">
                <thead>
                    <tr>
                        <th class="p-2">"File"</th>
                        <th class="p-2">"Size"</th>
                        <th class="p-2">"Note"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .clone()
                        .into_iter()
                        .map(|file| {
                            view! {
                                <tr class="border-t border-slate-200">
                                    <td class="p-2">
                                        <a
                                            class="text-teal-800 underline"
                                            href=file.href()
                                            target="_blank"
                                            rel="noopener"
                                        >
                                            {file.name.clone()}
                                        </a>
                                    </td>
                                    <td class="p-2">{file.size_label()}</td>
                                    <td class="p-2">
                                        <a class="underline" href=format!("/notes/{}", file.record_id)>
                                            {file.record_date.format("%-d %b %Y").to_string()}
                                        </a>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </Show>
        {more.then(|| view! { <p class="mt-2 text-sm text-slate-600">"Only the newest 200 files are shown."</p> })}
    }
    .into_any()
}
