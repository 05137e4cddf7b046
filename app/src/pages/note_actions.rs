//! "Write note": starts (or reopens) the caller's draft for an appointment and opens the
//! editor. A real form, so it works before the WASM has loaded (the server then redirects).

use leptos::prelude::*;
use uuid::Uuid;

use crate::api::notes::StartNote;
use crate::components::button::{Button, ButtonType, Size, Variant};

#[component]
pub fn WriteNoteButton(
    #[prop(optional)] appointment_id: Option<Uuid>,
    #[prop(optional)] patient_id: Option<Uuid>,
) -> impl IntoView {
    let start = ServerAction::<StartNote>::new();
    Effect::new(move |_| {
        if let Some(Ok(record_id)) = start.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/notes/{record_id}/edit"), Default::default());
        }
    });
    let failed = move || matches!(start.value().get(), Some(Err(_)));
    view! {
        <ActionForm action=start attr:class="inline">
            {appointment_id.map(|id| view! { <input type="hidden" name="appointment_id" value=id.to_string() /> })}
            {patient_id.map(|id| view! { <input type="hidden" name="patient_id" value=id.to_string() /> })}
            <Button kind=ButtonType::Submit size=Size::Small variant=Variant::Accent attr:data-testid="write-note">
                "Write note"
            </Button>
            {move || {
                failed()
                    .then(|| {
                        view! {
                            <span class="ml-2 text-sm text-red-800" role="alert">
                                "Could not start a note."
                            </span>
                        }
                    })
            }}
        </ActionForm>
    }
}
