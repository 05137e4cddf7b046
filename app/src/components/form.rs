//! Form fields with their label and the server's message for them.

use leptos::prelude::*;

use crate::error::AppError;

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
                class="rounded border border-slate-300 px-3 py-2 disabled:bg-slate-100 aria-[invalid=true]:border-red-600"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=value
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
            <p id=error_id class="min-h-5 text-sm text-red-700" role="alert">
                {move || error.get()}
            </p>
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
                    <button
                        class="rounded bg-red-700 px-2 py-1 text-sm text-white hover:bg-red-800"
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {confirm}
                    </button>
                    <button
                        class="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100"
                        on:click=move |_| asking.set(false)
                    >
                        "Keep it"
                    </button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <button
                    class="rounded border border-red-700 px-2 py-1 text-sm text-red-800 hover:bg-red-50"
                    on:click=move |_| asking.set(true)
                >
                    {label}
                </button>
            }
            .into_any()
        }
    }
}
