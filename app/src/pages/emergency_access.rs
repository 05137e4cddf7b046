//! The admins' review list of emergency ("break-the-glass") accesses to charts: who opened
//! whose chart outside their care team, why, when; each stays listed until an admin marks it
//! reviewed.

use leptos::prelude::*;

use crate::api::emergency_access::{pending_emergency_access, ReviewEmergencyAccess};
use crate::components::button::{Button, ButtonType, Size};
use crate::components::form::ActionError;
use crate::components::page::Page;

#[component]
pub fn EmergencyAccessPage() -> impl IntoView {
    view! {
        <Page path="/admin/emergency-access">
            <ReviewList />
        </Page>
    }
}

#[component]
fn ReviewList() -> impl IntoView {
    let review = ServerAction::<ReviewEmergencyAccess>::new();
    let pending = Resource::new(move || review.version().get(), |_| pending_emergency_access());
    let result = Signal::derive(move || review.value().get());
    view! {
        <h1 class="text-3xl font-semibold">"Emergency access"</h1>
        <p class="mt-1 text-slate-600">
            "Charts opened by a specialist outside the patient's care team, with the reason they gave. Mark each one reviewed once you have checked it."
        </p>
        <ActionError result />
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                pending
                    .await
                    .map(|reviews| {
                        if reviews.items.is_empty() {
                            return view! {
                                <p class="mt-6 text-slate-700" data-testid="no-emergency-access">
                                    "Nothing to review."
                                </p>
                            }
                                .into_any();
                        }
                        let more = (reviews.total > reviews.items.len() as i64)
                            .then(|| {
                                format!(
                                    "The oldest {} of {} are shown; review these to see the rest.",
                                    reviews.items.len(),
                                    reviews.total,
                                )
                            });
                        view! {
                            <ul class="mt-6 flex flex-col gap-3" data-testid="emergency-access-list">
                                {reviews
                                    .items
                                    .into_iter()
                                    .map(|item| {
                                        view! {
                                            <li class="rounded-lg border border-slate-200 bg-white p-4">
                                                <p class="font-medium">
                                                    {format!(
                                                        "{} opened the chart of {}",
                                                        item.specialist_name,
                                                        item.patient_name,
                                                    )}
                                                </p>
                                                <p class="mt-1 text-sm text-slate-700">
                                                    {format!("{} · access until {}", item.granted, item.expires)}
                                                </p>
                                                <blockquote class="mt-2 border-l-4 border-amber-400 pl-3">
                                                    {item.reason}
                                                </blockquote>
                                                <ActionForm action=review attr:class="mt-3">
                                                    <input
                                                        type="hidden"
                                                        name="access_id"
                                                        value=item.access_id.to_string()
                                                    />
                                                    <Button kind=ButtonType::Submit size=Size::Small>
                                                        "Mark reviewed"
                                                    </Button>
                                                </ActionForm>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            {more.map(|text| view! { <p class="mt-2 text-sm text-slate-600">{text}</p> })}
                        }
                            .into_any()
                    })
            })}
        </Transition>
    }
}
