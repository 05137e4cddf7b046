use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::account::{my_profile, ChangePassword, SignOutEverywhere};
use crate::api::feeds::{feed_status, CreateFeed, FeedLink, RevokeFeed};
use crate::api::two_factor::my_two_factor;
use crate::components::auth::use_auth;
use crate::components::button::{Button, ButtonLink, ButtonType, Variant};
use crate::components::form::{field_error, ActionError, FieldError, FIELD};
use crate::components::layout::MessagePanel;
use crate::components::page::Page;
use crate::domain::role::Role;
use crate::pages::two_factor::TwoFactorSection;

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Page path="/account">
            <AccountDetails />
            <ChangePasswordForm />
            <SignOutEverywhereForm />
        </Page>
    }
}

#[component]
fn AccountDetails() -> impl IntoView {
    let auth = use_auth();
    let profile = Resource::new(|| (), |_| my_profile());
    // Awaited in the same suspense as the profile (sibling suspenses break hydration).
    // Staff only: their two-factor sign-in (same suspense, for the same reason).
    let two_factor = Resource::new(
        move || auth.user().map(|u| u.role),
        |role| async move {
            match role {
                Some(role) if role.is_staff() => my_two_factor().await.map(Some),
                _ => Ok(None),
            }
        },
    );
    let feed = Resource::new(
        move || auth.user().map(|u| u.role),
        |role| async move {
            match role {
                Some(Role::Specialist | Role::Patient) => feed_status().await.map(Some),
                _ => Ok(None),
            }
        },
    );
    view! {
        <h1 class="text-3xl font-semibold">"My account"</h1>
        <Transition fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let feed = feed.await?;
                let two_factor = two_factor.await?;
                profile
                    .await
                    .map(|p| {
                        view! {
                            <dl
                                class="mt-6 grid max-w-xl grid-cols-3 gap-2 rounded-lg border border-slate-200 bg-white p-6"
                                data-testid="account-profile"
                            >
                                <dt class="text-slate-600">"Name"</dt>
                                <dd class="col-span-2">{p.user.display_name()}</dd>
                                <dt class="text-slate-600">"Email"</dt>
                                <dd class="col-span-2">{p.user.email.clone()}</dd>
                                <dt class="text-slate-600">"Role"</dt>
                                <dd class="col-span-2">{p.user.role.label()}</dd>
                                <dt class="text-slate-600">"Phone"</dt>
                                <dd class="col-span-2">{p.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                                {p
                                    .details
                                    .into_iter()
                                    .map(|(label, value)| {
                                        view! {
                                            <dt class="text-slate-600">{label}</dt>
                                            <dd class="col-span-2">{value}</dd>
                                        }
                                    })
                                    .collect_view()}
                            </dl>
                            {feed.map(|status| view! { <CalendarFeed status /> })}
                            {two_factor.map(|status| view! { <TwoFactorSection status /> })}
                        }
                    })
            })}
        </Transition>
    }
}

/// The private calendar link: made (shown once, to copy), replaced, or revoked.
#[component]
fn CalendarFeed(status: FeedLink) -> impl IntoView {
    let create = ServerAction::<CreateFeed>::new();
    let revoke = ServerAction::<RevokeFeed>::new();
    let live_since = RwSignal::new(status.active_since);
    let link = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(path)) = create.value().get() {
            let origin = window().location().origin().unwrap_or_default();
            link.set(Some(format!("{origin}{path}")));
            live_since.set(Some("today".into()));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            link.set(None);
            live_since.set(None);
        }
    });
    view! {
        <section class="mt-8 max-w-xl rounded-lg border border-slate-200 bg-white p-6" data-testid="calendar-feed">
            <h2 class="text-xl font-semibold">"Calendar feed"</h2>
            <p class="mt-2 text-sm text-slate-700">
                "Subscribe to your appointments in Google Calendar, Apple Calendar or Outlook with a private link. "
                "Anyone with the link sees your appointments, so keep it to yourself; revoke it if it leaks."
            </p>
            <p class="mt-3 text-sm" data-testid="feed-state">
                {move || match live_since.get() {
                    Some(since) => format!("A private link is active (made {since})."),
                    None => "You have no calendar link.".to_string(),
                }}
            </p>
            {move || {
                link.get()
                    .map(|url| {
                        view! {
                            <label class="mt-3 flex flex-col gap-1 text-sm font-medium">
                                "Your private link (shown only now: copy it into your calendar app)"
                                <input
                                    class="rounded border border-slate-300 px-3 py-2 font-mono text-xs"
                                    readonly
                                    data-testid="feed-url"
                                    prop:value=url
                                />
                            </label>
                        }
                    })
            }}
            <ActionError result=Signal::derive(move || create.value().get()) />
            <div class="mt-4 flex flex-wrap gap-3">
                <Button
                    variant=Variant::Primary
                    disabled=create.pending()
                    on_click=move |()| {
                        create.dispatch(CreateFeed {});
                    }
                >
                    {move || {
                        if live_since.get().is_some() {
                            "Make a new link (the old one stops working)"
                        } else {
                            "Make a private link"
                        }
                    }}
                </Button>
                <Show when=move || live_since.get().is_some()>
                    <Button
                        variant=Variant::DangerOutline
                        on_click=move |()| {
                            revoke.dispatch(RevokeFeed {});
                        }
                    >
                        "Revoke the link"
                    </Button>
                </Show>
            </div>
        </section>
    }
}

/// Also the page a person with a temporary password is sent to first.
#[component]
pub fn ChangePasswordForm() -> impl IntoView {
    let auth = use_auth();
    let action = ServerAction::<ChangePassword>::new();
    let result = Signal::derive(move || action.value().get());
    let done = move || matches!(result.get(), Some(Ok(())));
    Effect::new(move |_| {
        if let Some(Ok(())) = result.get() {
            auth.refresh();
        }
    });
    let field = move |name| field_error(result, name);
    view! {
        <section class="mt-8 max-w-xl rounded-lg border border-slate-200 bg-white p-6">
            <h2 class="text-xl font-semibold">"Change password"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "At least 12 characters, and not one of the common passwords. Your other sessions will be signed out and your calendar link will stop working."
            </p>
            <ActionForm action attr:class="mt-4 flex flex-col gap-3">
                <PasswordInput
                    name="current_password"
                    label="Current password"
                    autocomplete="current-password"
                    error=field("current_password")
                />
                <PasswordInput
                    name="new_password"
                    label="New password"
                    autocomplete="new-password"
                    error=field("new_password")
                />
                <PasswordInput
                    name="confirm_password"
                    label="Repeat the new password"
                    autocomplete="new-password"
                    error=field("confirm_password")
                />
                <ActionError result />
                <Show when=done>
                    <p class="rounded bg-green-50 p-3 text-green-800" role="status">
                        "Your password has been changed."
                    </p>
                </Show>
                <Button variant=Variant::Primary kind=ButtonType::Submit class="self-start">
                    "Change password"
                </Button>
            </ActionForm>
        </section>
    }
}

/// A password input in the fields' pattern. Not a `TextField`: nothing in the page holds what is
/// typed (the form sends it, also before the WASM has loaded).
#[component]
fn PasswordInput(
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium">
                {label}
            </label>
            <input
                id=id
                name=name
                type="password"
                autocomplete=autocomplete
                required
                class=FIELD
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <FieldError id=error_id message=error />
        </div>
    }
}

#[component]
fn SignOutEverywhereForm() -> impl IntoView {
    let auth = use_auth();
    let action = ServerAction::<SignOutEverywhere>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            auth.refresh();
            navigate("/login", Default::default());
        }
    });
    view! {
        <section class="mt-8 max-w-xl rounded-lg border border-slate-200 bg-white p-6">
            <h2 class="text-xl font-semibold">"Sign out everywhere"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Ends every session of your account, on every device, including this one, and stops your calendar link."
            </p>
            <ActionForm action attr:class="mt-4">
                <Button variant=Variant::DangerOutline kind=ButtonType::Submit>
                    "Sign out everywhere"
                </Button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ForcedPasswordPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Page path="/account/password">
            {move || {
                match auth.user() {
                    None => view! { <crate::components::auth::PleaseSignIn /> }.into_any(),
                    Some(user) if !user.must_change_password => {
                        let home = user.landing_path();
                        view! {
                            <MessagePanel title="Your password is set".to_string()>
                                <p>"You can continue to your page."</p>
                                <ButtonLink href=home variant=Variant::Primary class="mt-3">
                                    "Continue"
                                </ButtonLink>
                            </MessagePanel>
                        }
                            .into_any()
                    }
                    Some(_) => {
                        view! {
                            <h1 class="text-3xl font-semibold">"Choose a new password"</h1>
                            <p class="mt-2 text-slate-700">
                                "Your account has a temporary password. Choose your own to continue."
                            </p>
                            <ChangePasswordForm />
                        }
                            .into_any()
                    }
                }
            }}
        </Page>
    }
}
