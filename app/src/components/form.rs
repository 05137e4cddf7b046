//! Form fields with their label and the server's message for them. Every field follows one
//! pattern: a `<label for>` naming it, `aria-invalid` while its message shows, and the message in
//! a `FieldError` the field points at (`aria-describedby`), so a screen reader reads both.

use leptos::prelude::*;

use crate::components::button::{Button, Size, Variant};
use crate::error::AppError;

/// The look of a text input or select.
pub const FIELD: &str =
    "rounded border border-slate-300 bg-white px-3 py-2 disabled:bg-slate-100 aria-[invalid=true]:border-red-600";

/// The message for `field` in the latest result of an action, if it failed validation.
pub fn field_error<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, AppError>>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || match result.get() {
        Some(Err(error)) => error.field_message(field),
        _ => None,
    })
}

/// A labelled input. `name` is the form field (and the key of its error message).
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium text-slate-800">
                {label}
                {required
                    .then(|| {
                        view! {
                            <span class="text-red-700" aria-hidden="true">
                                " *"
                            </span>
                        }
                    })}
            </label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                disabled=disabled
                class=FIELD
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=value
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
            <FieldError id=error_id message=error />
        </div>
    }
}

/// The note under a field saying what is wrong with it. It is always in the page (empty while
/// all is well; `min-h-5` keeps the layout still), so screen readers announce the message the
/// moment it appears (`role="alert"`).
#[component]
pub fn FieldError(
    /// For the field's `aria-describedby`.
    #[prop(optional, into)]
    id: Option<String>,
    #[prop(into)] message: Signal<Option<String>>,
    /// Layout only (margins).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let class = format!("min-h-5 text-sm text-red-700 {class}").trim_end().to_string();
    view! {
        <p id=id class=class role="alert">
            {move || message.get()}
        </p>
    }
}

/// One option of a `SelectField`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice { value: value.into(), label: label.into() }
    }
}

/// A labelled select. The option matching `value` is marked `selected` in the HTML, so the page
/// shows the choice (and a form sent before the WASM has loaded carries it); in the browser the
/// select follows `value` as it changes.
#[component]
pub fn SelectField(
    label: &'static str,
    /// The select's id (what the label points at); its message note is `{id}-error`.
    id: &'static str,
    /// The form field, when the select is part of a form.
    #[prop(optional)]
    name: Option<&'static str>,
    #[prop(into)] options: Signal<Vec<Choice>>,
    #[prop(into)] value: Signal<String>,
    /// A plain closure, not a `Callback`: a `Callback` lives in the reactive arena and is
    /// disposed with the view that made it, while a `Transition` can keep that view (and its
    /// select) on screen until the next one is ready; a change there must still arrive.
    on_change: impl Fn(String) + Send + Sync + 'static,
    /// The server's message for this field; without it the select has no message note.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// Layout only (width, margins) of the label and select together.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let wrapper = format!("flex flex-col gap-1 {class}").trim_end().to_string();
    view! {
        <div class=wrapper>
            <label for=id class="text-sm font-medium text-slate-800">
                {label}
            </label>
            <select
                id=id
                name=name
                class=FIELD
                disabled=disabled
                aria-invalid=move || error.map(|e| e.get().is_some().to_string())
                aria-describedby=error.map(|_| error_id.clone())
                prop:value=move || value.get()
                on:change=move |ev| on_change(event_target_value(&ev))
            >
                {move || {
                    let chosen = value.get_untracked();
                    options
                        .get()
                        .into_iter()
                        .map(|choice| {
                            let selected = choice.value == chosen;
                            view! {
                                <option value=choice.value selected=selected>
                                    {choice.label}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            {error.map(|message| view! { <FieldError id=error_id.clone() message /> })}
        </div>
    }
}

/// A non-field message (conflict, server error) from an action's latest result.
#[component]
pub fn ActionError<T: Clone + Send + Sync + 'static>(result: Signal<Option<Result<T, AppError>>>) -> impl IntoView {
    view! {
        {move || match result.get() {
            Some(Err(AppError::Validation(errors))) if errors.len() > 1 => {
                Some(
                    view! {
                        <p class="rounded bg-red-50 p-3 text-red-800" role="alert">
                            "Please correct the highlighted fields."
                        </p>
                    }
                        .into_any(),
                )
            }
            Some(Err(AppError::Validation(_))) | None | Some(Ok(_)) => None,
            Some(Err(error)) => {
                Some(
                    view! {
                        <p class="rounded bg-red-50 p-3 text-red-800" role="alert">
                            {error.to_string()}
                        </p>
                    }
                        .into_any(),
                )
            }
        }}
    }
}

/// The foot of a settings form: what went wrong, or "Saved." once it worked, and the button
/// that saves (disabled while a save is under way).
#[component]
pub fn SaveControls<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, AppError>>>,
    saving: Signal<bool>,
    label: &'static str,
    on_save: Callback<()>,
) -> impl IntoView {
    view! {
        <ActionError result />
        <Show when=move || matches!(result.get(), Some(Ok(_)))>
            <p class="mt-3 rounded bg-green-50 p-3 text-green-800" role="status">
                "Saved."
            </p>
        </Show>
        <Button variant=Variant::Primary class="mt-4" disabled=saving on_click=move |()| on_save.run(())>
            {label}
        </Button>
    }
}

/// A button for something that cannot be undone (cancelling an appointment): the first click
/// asks, and only "Yes" acts. One stray click or tap changes nothing.
#[component]
pub fn ConfirmButton(
    /// The button's text, e.g. "Cancel".
    label: &'static str,
    /// The question shown after the first click.
    question: &'static str,
    /// The confirming button's text, e.g. "Yes, cancel".
    confirm: &'static str,
    #[prop(into)] on_confirm: Callback<()>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    move || {
        if asking.get() {
            view! {
                <span class="flex flex-wrap items-center gap-2" role="group" aria-label=question>
                    <span class="text-sm">{question}</span>
                    <Button
                        variant=Variant::Danger
                        size=Size::Small
                        on_click=move |()| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {confirm}
                    </Button>
                    <Button size=Size::Small on_click=move |()| asking.set(false)>
                        "Keep it"
                    </Button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <Button variant=Variant::DangerOutline size=Size::Small on_click=move |()| asking.set(true)>
                    {label}
                </Button>
            }
            .into_any()
        }
    }
}
