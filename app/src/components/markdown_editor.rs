//! The one rich Markdown field (notes, templates). It is a plain textarea holding Markdown, so
//! before the editor has loaded, or without JavaScript, nothing is lost and the form still
//! posts. Once the page is interactive it loads the Tiptap bundle (`/editor/note-editor.js`,
//! built from npm by `.ci/build-editor.sh`, fetched only on pages that show this field), which
//! puts a word-processor view over the textarea and keeps the Markdown in it, firing `input` on
//! every change and `change` on blur.

use leptos::html::Textarea;
use leptos::prelude::*;

use crate::components::form::FIELD;

pub const EDITOR_SCRIPT: &str = "/editor/note-editor.js";

#[component]
pub fn MarkdownEditor(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    /// The Markdown it starts with.
    initial: String,
    node_ref: NodeRef<Textarea>,
    /// Every change, with the whole Markdown.
    on_input: impl Fn(String) + 'static,
    /// The writer left the field.
    on_change: impl Fn() + 'static,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    // After hydration only: the bundle changes the DOM next to the textarea.
    Effect::new(move |_| {
        if node_ref.get().is_some() {
            load_editor_bundle();
        }
    });
    view! {
        <div class="flex flex-col gap-1">
            <label for=id class="text-sm font-medium text-slate-800">
                {label}
            </label>
            <textarea
                id=id
                name=name
                node_ref=node_ref
                rows="16"
                maxlength=maxlength.map(|max| max.to_string())
                class=format!("{FIELD} font-mono text-sm")
                data-rich-editor=""
                on:input=move |event| on_input(event_target_value(&event))
                on:change=move |_| on_change()
            >
                {initial}
            </textarea>
        </div>
    }
}

/// Adds the editor's module script once per page load, then asks it to enhance new fields.
fn load_editor_bundle() {
    #[cfg(feature = "hydrate")]
    {
        let document = document();
        if document.query_selector("script[data-syei-editor]").ok().flatten().is_none() {
            if let (Ok(script), Some(head)) = (document.create_element("script"), document.head()) {
                let _ = script.set_attribute("type", "module");
                let _ = script.set_attribute("src", EDITOR_SCRIPT);
                let _ = script.set_attribute("data-syei-editor", "");
                let _ = head.append_child(&script);
            }
        }
        if let Ok(event) = web_sys::Event::new("syei:enhance-editors") {
            let _ = document.dispatch_event(&event);
        }
    }
}

/// Replaces the field's Markdown (the editor view follows without reporting it as an edit).
pub fn set_markdown(node_ref: NodeRef<Textarea>, markdown: &str) {
    if let Some(textarea) = node_ref.get_untracked() {
        textarea.set_value(markdown);
        if let Ok(event) = web_sys::Event::new("rich-editor:set") {
            let _ = textarea.dispatch_event(&event);
        }
    }
}

/// Inserts Markdown at the cursor: through the editor once it has loaded, into the plain
/// textarea before. Either way an `input` event reports the new content.
pub fn insert_markdown(node_ref: NodeRef<Textarea>, markdown: &str) {
    let Some(textarea) = node_ref.get_untracked() else { return };
    if textarea.get_attribute("data-rich-editor-ready").is_some() {
        let _ = textarea.set_attribute("data-insert", markdown);
        if let Ok(event) = web_sys::Event::new("rich-editor:insert") {
            let _ = textarea.dispatch_event(&event);
        }
        return;
    }
    let value = textarea.value();
    let cursor = textarea.selection_start().ok().flatten().map_or(usize::MAX, |at| at as usize);
    // The browser counts the cursor in UTF-16 units; find the byte it falls on.
    let mut units = 0;
    let at = value
        .char_indices()
        .find(|(_, c)| {
            let reached = units >= cursor;
            units += c.len_utf16();
            reached
        })
        .map_or(value.len(), |(i, _)| i);
    textarea.set_value(&format!("{}{}{}", &value[..at], markdown, &value[at..]));
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    if let Ok(event) = web_sys::Event::new_with_event_init_dict("input", &init) {
        let _ = textarea.dispatch_event(&event);
    }
}
