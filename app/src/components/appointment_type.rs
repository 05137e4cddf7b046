//! The appointment-type select, one for the patient's booking page and the staff's booking
//! dialog, so both offer the types the same way ("Follow-up (30 min)") under the form field
//! `type`.

use leptos::prelude::*;

use crate::components::form::{Choice, SelectField};
use crate::model::scheduling::AppointmentType;

#[component]
pub fn AppointmentTypeSelect(
    types: Vec<AppointmentType>,
    label: &'static str,
    id: &'static str,
    /// The type's name. It is `selected` in the server's HTML too, so the booking page's GET form
    /// sends it before the WASM has loaded.
    #[prop(into)]
    value: Signal<String>,
    /// A plain closure, as `SelectField` takes it.
    on_change: impl Fn(String) + Send + Sync + 'static,
) -> impl IntoView {
    let options: Vec<Choice> = types
        .into_iter()
        .map(|t| {
            let label = format!("{} ({} min)", t.name, t.duration_minutes);
            Choice::new(t.name, label)
        })
        .collect();
    view! { <SelectField label id name="type" options value on_change /> }
}
