use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::layout::MessagePanel;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    // The status code matters to crawlers and monitoring, not only to people.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <MessagePanel title="Page not found".to_string()>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
        </MessagePanel>
    }
}
