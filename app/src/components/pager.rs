//! Paging through a list by its address: "← Previous · Page 2 of 5 · Next →" as links, so it
//! works before the WASM has loaded and any page of results can be linked or reloaded.

use leptos::prelude::*;

use crate::components::button::{ButtonLink, Size};

#[component]
pub fn PageLinks(
    current: i64,
    page_count: i64,
    /// Names the navigation for screen readers ("Pages of patients").
    label: &'static str,
    /// Shown after "Page 2 of 5", e.g. "93 patients".
    #[prop(optional, into)]
    summary: Option<String>,
    /// The address of a page of the list.
    href: impl Fn(i64) -> String,
) -> impl IntoView {
    let previous = (current > 1).then(|| href(current - 1));
    let next = (current < page_count).then(|| href(current + 1));
    let text = match summary {
        Some(summary) => format!("Page {current} of {page_count} · {summary}"),
        None => format!("Page {current} of {page_count}"),
    };
    view! {
        <nav class="mt-4 flex items-center gap-3" aria-label=label>
            {previous
                .map(|href| {
                    view! {
                        <ButtonLink href size=Size::Small>
                            "← Previous"
                        </ButtonLink>
                    }
                })}
            <span class="text-sm text-slate-600">{text}</span>
            {next
                .map(|href| {
                    view! {
                        <ButtonLink href size=Size::Small>
                            "Next →"
                        </ButtonLink>
                    }
                })}
        </nav>
    }
}
