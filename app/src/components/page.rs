//! The frame of every routed page: its title and who may open it, both from the page table
//! (`domain::pages::PAGES`), so a page never writes its own roles.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::auth::{NotAllowed, RoleGate};
use crate::components::layout::hydrated_signal;
use crate::domain::pages::{page_info, PageAccess};

/// Wraps a page's content: `path` is its route in the page table. A page missing from the table
/// is shown to nobody (deny by default).
#[component]
pub fn Page(path: &'static str, children: ChildrenFn) -> impl IntoView {
    let info = page_info(path);
    let title = info.map_or("SyEI", |page| page.title);
    let gate = match info.map(|page| page.access) {
        Some(PageAccess::Anyone) => children().into_any(),
        Some(PageAccess::Roles(roles)) => view! { <RoleGate roles>{children()}</RoleGate> }.into_any(),
        None => view! { <NotAllowed /> }.into_any(),
    };
    // `data-hydrated` lets tests (and people debugging) see when the WASM has taken over this
    // page: pages are loaded lazily, so the app around them is interactive sooner.
    let hydrated = hydrated_signal();
    view! {
        <Title text=title />
        <div class="contents" data-hydrated=move || hydrated.get().to_string()>
            {gate}
        </div>
    }
}
