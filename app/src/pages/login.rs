use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::auth::SignInStep;
use crate::components::auth::use_auth;
use crate::components::button::{Button, ButtonType, Variant};
use crate::components::form::{field_error, FieldError, FIELD};
use crate::components::page::Page;

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let result = Signal::derive(move || auth.login.value().get());
    let navigate = use_navigate();
    Effect::new(move |_| match result.get() {
        Some(Ok(SignInStep::SignedIn(user))) => {
            let landing = user.landing_path();
            auth.signed_in_as(user);
            navigate(landing, Default::default());
        }
        // Staff with two-factor sign-in: the code (or its set-up) comes next.
        Some(Ok(step)) => navigate(step.next_path(), Default::default()),
        _ => {}
    });
    let error = field_error(result, "email");
    let other_error = Signal::derive(move || match result.get() {
        Some(Err(e)) if e.field_message("email").is_none() => Some(e.to_string()),
        _ => None,
    });
    view! {
        <Page path="/login">
            <section class="mx-auto max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
                <h1 class="text-2xl font-semibold">"Sign in"</h1>
                <p class="mt-1 text-sm text-slate-600">"Patients, family members and clinic staff sign in here."</p>
                <ActionForm action=auth.login attr:class="mt-6 flex flex-col gap-4">
                    <div class="flex flex-col gap-1">
                        <label for="login-email" class="text-sm font-medium">
                            "Email"
                        </label>
                        <input
                            id="login-email"
                            name="email"
                            type="email"
                            autocomplete="username"
                            required
                            class=FIELD
                        />
                    </div>
                    <div class="flex flex-col gap-1">
                        <label for="login-password" class="text-sm font-medium">
                            "Password"
                        </label>
                        <input
                            id="login-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            class=FIELD
                        />
                    </div>
                    <FieldError
                        message=Signal::derive(move || error.get().or_else(|| other_error.get()))
                        attr:data-testid="login-error"
                    />
                    <Button variant=Variant::Primary kind=ButtonType::Submit disabled=auth.login.pending()>
                        {move || if auth.login.pending().get() { "Signing in…" } else { "Sign in" }}
                    </Button>
                </ActionForm>
            </section>
        </Page>
    }
}
