//! The browser entry point: hydrates the server-rendered page with the same `App`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: each page's view is its own WASM chunk (`lazy_pages!` in the app), loaded before
    // that page hydrates.
    leptos::mount::hydrate_lazy(app::App);
}
