//! "My details": the patient edits their phone, postal address and emergency contact. One plain
//! form: sent before the WASM has loaded, it comes back to this page with "saved" or with the
//! messages next to the fields.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::portal::{
    get_my_details, MyDetails, SaveMyDetails, ADDRESS_MAX_CHARS, CONTACT_NAME_MAX_CHARS, PHONE_MAX_CHARS,
};
use crate::components::button::{Button, ButtonType, Variant};
use crate::components::form::{field_error, ActionError, FieldError, FIELD};
use crate::components::page::Page;
use crate::error::AppError;

#[component]
pub fn MyDetailsPage() -> impl IntoView {
    view! {
        <Page path="/my-care/details">
            <DetailsEditor />
        </Page>
    }
}

#[component]
fn DetailsEditor() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SaveMyDetails>::new();
    // Loaded once: after a save the form already shows what was typed (a reload would throw
    // away what someone is correcting after a refusal).
    let details = Resource::new(|| (), |_| get_my_details());
    let result = Signal::derive(move || save.value().get());
    let saved = Signal::derive(move || match result.get() {
        Some(Ok(())) => true,
        Some(Err(_)) => false,
        None => query.with(|q| q.get("saved").is_some_and(|v| v == "1")),
    });
    view! {
        <h1 class="text-3xl font-semibold">"My details"</h1>
        <p class="mt-1 text-slate-600">
            "How the clinic reaches you, and whom to call in an emergency. Your address and emergency contact are stored encrypted."
        </p>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                details.await.map(|details| view! { <DetailsFormView details save result saved /> })
            })}
        </Transition>
    }
}

#[component]
fn DetailsFormView(
    details: MyDetails,
    save: ServerAction<SaveMyDetails>,
    result: Signal<Option<Result<(), AppError>>>,
    saved: Signal<bool>,
) -> impl IntoView {
    let field = move |name| field_error(result, name);
    view! {
        <ActionForm
            action=save
            attr:class="mt-6 flex max-w-xl flex-col gap-4 rounded-lg border border-slate-200 bg-white p-6"
            attr:data-testid="my-details-form"
        >
            {details
                .erased
                .then(|| {
                    view! {
                        <p class="rounded bg-amber-50 p-3 text-amber-900">
                            "Your address and emergency contact were erased under the clinic's retention rules and cannot be stored again. Please tell the clinic at your next visit."
                        </p>
                    }
                })}
            <DetailInput
                name="phone"
                label="Phone"
                kind="tel"
                autocomplete="tel"
                max=PHONE_MAX_CHARS
                value=details.phone
                error=field("phone")
            />
            <AddressInput value=details.address error=field("address") />
            <fieldset class="flex flex-col gap-3">
                <legend class="text-sm font-semibold text-slate-800">"Emergency contact"</legend>
                <DetailInput
                    name="emergency_contact_name"
                    label="Name"
                    kind="text"
                    autocomplete="off"
                    max=CONTACT_NAME_MAX_CHARS
                    value=details.emergency_contact_name
                    error=field("emergency_contact_name")
                />
                <DetailInput
                    name="emergency_contact_phone"
                    label="Phone"
                    kind="tel"
                    autocomplete="off"
                    max=PHONE_MAX_CHARS
                    value=details.emergency_contact_phone
                    error=field("emergency_contact_phone")
                />
            </fieldset>
            <ActionError result />
            <Show when=move || saved.get()>
                <p class="rounded bg-green-50 p-3 text-green-800" role="status" data-testid="details-saved">
                    "Your details were saved."
                </p>
            </Show>
            <Button variant=Variant::Primary kind=ButtonType::Submit class="self-start">
                "Save my details"
            </Button>
        </ActionForm>
    }
}

/// An input in the fields' pattern, holding the stored value until the person changes it (the
/// form sends what is typed, also before the WASM has loaded).
#[component]
fn DetailInput(
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    max: usize,
    value: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium text-slate-800">
                {label}
            </label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                maxlength=max.to_string()
                class=FIELD
                value=value
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <FieldError id=error_id message=error />
        </div>
    }
}

#[component]
fn AddressInput(value: String, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="flex flex-col gap-1">
            <label for="field-address" class="text-sm font-medium text-slate-800">
                "Postal address"
            </label>
            <textarea
                id="field-address"
                name="address"
                rows="3"
                autocomplete="street-address"
                maxlength=ADDRESS_MAX_CHARS.to_string()
                class=FIELD
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby="field-address-error"
            >
                {value}
            </textarea>
            <FieldError id="field-address-error" message=error />
        </div>
    }
}
