//! Buttons, one look per purpose. Pages name what a button is for (`Variant`) instead of
//! repeating its classes, so a change of look happens here once.
//!
//! `Button` is always a real `<button>` with an explicit `type`: a submit button works in a form
//! before the WASM has loaded (and may carry a `name`/`value`, sent by the browser), and a plain
//! button never submits a form by accident.

use leptos::prelude::*;

/// What the button is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Variant {
    /// The one main action of a form or dialog ("Confirm booking", "Save").
    Primary,
    /// Everything else: navigation, "Back", "Remove" a row.
    #[default]
    Secondary,
    /// The confirming step of something that cannot be undone ("Yes, cancel").
    Danger,
    /// The first step of something that cannot be undone ("Cancel", "Revoke the link"): it asks
    /// or leads to a confirmation, so it looks quieter than `Danger`.
    DangerOutline,
    /// A light positive action or one of several choices (a free time): teal outline, filled
    /// while `aria-pressed` is true.
    Accent,
}

impl Variant {
    fn classes(self) -> &'static str {
        match self {
            Variant::Primary => "bg-teal-700 text-white hover:bg-teal-800",
            Variant::Secondary => "border border-slate-300 hover:bg-slate-100",
            Variant::Danger => "bg-red-700 text-white hover:bg-red-800",
            Variant::DangerOutline => "border border-red-700 text-red-800 hover:bg-red-50",
            Variant::Accent => {
                "border border-teal-700 text-teal-800 hover:bg-teal-50 aria-pressed:bg-teal-700 aria-pressed:text-white"
            }
        }
    }
}

/// Normal for forms and page actions; small for actions inside rows and lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Size {
    #[default]
    Normal,
    Small,
}

impl Size {
    fn classes(self) -> &'static str {
        match self {
            Size::Normal => "px-4 py-2",
            Size::Small => "px-2 py-1 text-sm",
        }
    }
}

/// The button's `type`: `Submit` sends its form (also without JavaScript); `Button` only runs
/// `on_click`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonType {
    #[default]
    Button,
    Submit,
}

impl ButtonType {
    fn as_str(self) -> &'static str {
        match self {
            ButtonType::Button => "button",
            ButtonType::Submit => "submit",
        }
    }
}

/// Shared by every button and button-styled link: shape, a visible keyboard focus, and a
/// disabled look.
const BASE: &str = "rounded focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-700 \
                    disabled:cursor-not-allowed disabled:opacity-60";

fn class_for(variant: Variant, size: Size, extra: &str) -> String {
    format!("{BASE} {} {} {extra}", variant.classes(), size.classes()).trim_end().to_string()
}

#[component]
pub fn Button(
    #[prop(optional)] variant: Variant,
    #[prop(optional)] size: Size,
    /// `Submit` for a form's button (it works before the WASM has loaded).
    #[prop(optional)]
    kind: ButtonType,
    #[prop(optional, into)] on_click: Option<Callback<()>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// Sent with the form when this button submits it (`name=value`).
    #[prop(optional)]
    name: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    /// The accessible name, when the visible text alone does not say enough ("Book Mon 7 Dec at 09:00").
    #[prop(optional, into)]
    aria_label: Option<String>,
    /// For a choice among several: whether it is the chosen one (`aria-pressed`).
    #[prop(optional, into)]
    pressed: Option<Signal<bool>>,
    /// Layout only (margins, width, alignment): the look comes from `variant` and `size`.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type=kind.as_str()
            class=class_for(variant, size, class)
            disabled=disabled
            name=name
            value=value
            aria-label=aria_label
            aria-pressed=move || pressed.map(|pressed| pressed.get().to_string())
            on:click=move |_| {
                if let Some(on_click) = on_click {
                    on_click.run(());
                }
            }
        >
            {children()}
        </button>
    }
}

/// A link that looks like a button: for going somewhere (a plain `<a>`, so it works before the
/// WASM has loaded), not for doing something.
#[component]
pub fn ButtonLink(
    #[prop(into)] href: String,
    #[prop(optional)] variant: Variant,
    #[prop(optional)] size: Size,
    /// Layout only (margins, alignment).
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <a href=href class=class_for(variant, size, &format!("inline-block {class}"))>
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_combine_the_purpose_the_size_and_the_layout() {
        let primary = class_for(Variant::Primary, Size::Normal, "mt-4");
        assert!(primary.contains("bg-teal-700") && primary.contains("px-4 py-2") && primary.ends_with(" mt-4"));
        let small = class_for(Variant::Secondary, Size::Small, "");
        assert!(small.contains("px-2 py-1 text-sm") && !small.ends_with(' '));
    }
}
