use leptos::prelude::*;

use crate::components::auth::use_auth;
use crate::components::button::{Button, ButtonLink, ButtonType, Size, Variant};
use crate::domain::navigation::nav_items;
use crate::domain::role::Role;

/// A signal that turns true once the WASM has hydrated the page. Server-rendered HTML always
/// starts with false, so server and browser render the same markup; an effect (effects never
/// run on the server) flips it in the browser.
pub fn hydrated_signal() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    let navigate = leptos_router::hooks::use_navigate();

    Effect::new(move |_| {
        if let Some(Ok(())) = auth.logout.value().get() {
            navigate("/", Default::default());
        }
    });
    view! {
        <a
            href="#main"
            class="sr-only focus:not-sr-only focus:absolute focus:m-2 focus:rounded focus:bg-white focus:p-2"
        >
            "Skip to content"
        </a>
        <header class="border-b border-slate-200 bg-white">
            <div class="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-4 px-4 py-3">
                <a href="/" class="text-lg font-semibold text-teal-800">
                    "SyEI"
                    <span class="ml-2 hidden text-sm font-normal text-slate-600 sm:inline">
                        "Holistic medical centre"
                    </span>
                </a>
                {move || {
                    let signed_in = auth.signed_in();
                    let unread = signed_in.as_ref().map_or(0, |s| s.unread_notifications);
                    let user = signed_in.map(|s| s.user);
                    let role = user.as_ref().map(|u| u.role);
                    view! {
                        <div class="flex flex-wrap items-center gap-4">
                            <NavLinks role />
                            {match user {
                                Some(user) => {
                                    view! {
                                        <NotificationLink unread />
                                        <span class="text-sm text-slate-700" data-testid="signed-in-as">
                                            {user.display_name()}
                                        </span>
                                        <ActionForm action=auth.logout>
                                            <Button kind=ButtonType::Submit size=Size::Small>
                                                "Sign out"
                                            </Button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }
                                None => {
                                    view! {
                                        <ButtonLink href="/login" variant=Variant::Primary size=Size::Small>
                                            "Sign in"
                                        </ButtonLink>
                                    }
                                        .into_any()
                                }
                            }}
                        </div>
                    }
                }}
            </div>
        </header>
    }
}

#[component]
fn NotificationLink(unread: i64) -> impl IntoView {
    view! {
        <a
            href="/notifications"
            class="rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
            data-testid="notification-link"
        >
            "Notifications"
            {(unread > 0)
                .then(|| {
                    view! {
                        <span class="ml-1 rounded-full bg-teal-700 px-2 text-xs text-white" data-testid="unread-count">
                            {unread}
                        </span>
                        <span class="sr-only">" unread"</span>
                    }
                })}
        </a>
    }
}

#[component]
fn NavLinks(role: Option<Role>) -> impl IntoView {
    view! {
        <nav aria-label="Main">
            <ul class="flex flex-wrap gap-2 text-sm">
                {nav_items(role)
                    .into_iter()
                    .map(|item| {
                        view! {
                            <li>
                                <a
                                    class="rounded px-2 py-1 text-slate-700 hover:bg-slate-100 hover:text-slate-900"
                                    href=item.href
                                >
                                    {item.label}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// A full-width message for pages that cannot show what was asked.
#[component]
pub fn MessagePanel(title: String, children: Children) -> impl IntoView {
    view! {
        <section class="mx-auto max-w-xl rounded-lg border border-slate-200 bg-white p-8 text-center shadow-sm">
            <h1 class="text-2xl font-semibold">{title}</h1>
            <div class="mt-3 text-slate-700">{children()}</div>
            <ButtonLink href="/" variant=Variant::Primary class="mt-6">
                "Go to the home page"
            </ButtonLink>
        </section>
    }
}
