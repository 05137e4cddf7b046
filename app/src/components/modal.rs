//! The one modal dialog: it takes focus when it opens, keeps Tab and Shift+Tab inside it, closes
//! on Escape or "Close", and gives focus back to whatever had it before (the card or button that
//! opened it), as WCAG's dialog pattern asks.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use crate::components::button::{Button, Size};

/// What keyboard focus can land on inside the dialog.
const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), \
                         textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

#[component]
pub fn Modal(title: String, #[prop(into)] on_close: Callback<()>, children: Children) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Section>::new();
    // Runs in the browser only (effects do not run on the server).
    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            let opener = SendWrapper::new(document().active_element());
            let _ = panel.focus();
            on_cleanup(move || {
                if let Some(opener) = opener.take().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = opener.focus();
                }
            });
        }
    });
    let keep_focus_inside = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Tab" {
            return;
        }
        let Some(panel) = panel.get() else { return };
        let Ok(list) = panel.query_selector_all(FOCUSABLE) else { return };
        let focusable: Vec<web_sys::HtmlElement> =
            (0..list.length()).filter_map(|i| list.item(i)).filter_map(|node| node.dyn_into().ok()).collect();
        let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else { return };
        let active = document().active_element();
        let at = |element: &web_sys::HtmlElement| {
            active.as_ref().is_some_and(|a| a == element.unchecked_ref::<web_sys::Element>())
        };
        let panel_itself = active.as_ref().is_some_and(|a| a == panel.unchecked_ref::<web_sys::Element>());
        if ev.shift_key() && (at(first) || panel_itself) {
            ev.prevent_default();
            let _ = last.focus();
        } else if !ev.shift_key() && at(last) {
            ev.prevent_default();
            let _ = first.focus();
        }
    };
    view! {
        <div
            class="fixed inset-0 z-40 flex items-center justify-center bg-slate-900/40 p-4"
            on:keydown=move |ev| { if ev.key() == "Escape" { on_close.run(()) } else { keep_focus_inside(ev) } }
        >
            <section
                role="dialog"
                aria-modal="true"
                aria-labelledby="dialog-title"
                tabindex="-1"
                node_ref=panel
                class="max-h-[90vh] w-full max-w-2xl overflow-y-auto rounded-lg bg-white p-6 shadow-lg focus:outline-none"
            >
                <div class="flex items-start justify-between gap-4">
                    <h2 id="dialog-title" class="text-xl font-semibold">
                        {title}
                    </h2>
                    <Button size=Size::Small on_click=on_close>
                        "Close"
                    </Button>
                </div>
                {children()}
            </section>
        </div>
    }
}
