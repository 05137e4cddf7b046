//! The signed-in person, shared by every page, and the gate pages put around role-only content.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::auth::{get_current_user, CurrentUser, Login, Logout, SignedIn};
use crate::components::button::{ButtonLink, Variant};
use crate::components::layout::MessagePanel;
use crate::domain::role::Role;
use crate::error::AppError;

/// Who is signed in, for every page.
///
/// The first answer is loaded once while the page renders, and the whole app waits for it in
/// one place (`App`). Sibling suspenses on it resolved in a different order on the server and
/// in the browser and broke hydration. Later answers (after sign-in, sign-out, a password
/// change, each navigation) are fetched in the browser and replace it.
#[derive(Clone, Copy)]
pub struct Auth {
    pub initial: Resource<Result<Option<SignedIn>, AppError>>,
    latest: RwSignal<Option<Option<SignedIn>>>,
    /// Numbers the refreshes, so an older answer arriving late never overwrites a newer one.
    asked: StoredValue<u64>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
}

impl Auth {
    pub fn provide() -> Auth {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        let initial = Resource::new(|| (), |_| get_current_user());
        let auth = Auth { initial, latest: RwSignal::new(None), asked: StoredValue::new(0), login, logout };
        // After hydration (effects never run on the server, and the first run is the
        // hydration itself): ask again when the page or the sign-in changes, so a
        // deactivated account is noticed at the next click.
        let path = leptos_router::hooks::use_location().pathname;
        Effect::new(move |previous: Option<(String, usize)>| {
            let current = (path.get(), logout.version().get());
            if previous.is_some_and(|p| p != current) {
                auth.refresh();
            }
            current
        });
        provide_context(auth);
        auth
    }

    /// The signed-in person and their unread count, if anyone (reactive).
    pub fn signed_in(&self) -> Option<SignedIn> {
        match self.latest.get() {
            Some(latest) => latest,
            None => self.initial.get().and_then(Result::ok).flatten(),
        }
    }

    pub fn user(&self) -> Option<CurrentUser> {
        self.signed_in().map(|s| s.user)
    }

    /// Fetches who is signed in again (in the browser).
    pub fn refresh(&self) {
        let (latest, asked) = (self.latest, self.asked);
        asked.update_value(|n| *n += 1);
        let this_time = asked.get_value();
        leptos::task::spawn_local(async move {
            if let Ok(answer) = get_current_user().await {
                if asked.get_value() == this_time {
                    latest.set(Some(answer));
                }
            }
        });
    }

    /// Takes a fresh sign-in's answer at once, before the refresh arrives.
    pub fn signed_in_as(&self, user: CurrentUser) {
        self.asked.update_value(|n| *n += 1);
        self.latest.set(Some(Some(SignedIn { user, unread_notifications: 0 })));
        self.refresh();
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    Open,
    MustChangePassword,
    NotAllowed,
    SignIn,
}

/// Shows `children` only to the given roles. Anyone else gets a clear page instead; the data
/// the children load is refused by the server anyway.
#[component]
pub fn RoleGate(roles: &'static [Role], children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let children = StoredValue::new(children);
    // A memo: the page is rebuilt only when the decision changes, not at every refresh.
    let gate = Memo::new(move |_| match auth.user() {
        Some(user) if user.must_change_password => Gate::MustChangePassword,
        Some(user) if roles.contains(&user.role) => Gate::Open,
        Some(_) => Gate::NotAllowed,
        None => Gate::SignIn,
    });
    move || gated_view(gate.get(), children)
}

/// What the gate shows for its decision.
fn gated_view(gate: Gate, children: StoredValue<ChildrenFn>) -> AnyView {
    match gate {
        Gate::MustChangePassword => view! { <Redirect path="/account/password" /> }.into_any(),
        Gate::Open => view! {
            <ErrorBoundary fallback=|errors| {
                view! {
                    <MessagePanel title="This could not be shown".to_string()>
                        <ul>
                            {move || {
                                errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()
                            }}
                        </ul>
                        <p class="mt-3">
                            <a class="underline" href="/login">
                                "Sign in again"
                            </a>
                        </p>
                    </MessagePanel>
                }
            }>{children.read_value()()}</ErrorBoundary>
        }
        .into_any(),
        Gate::NotAllowed => view! { <NotAllowed /> }.into_any(),
        Gate::SignIn => view! { <PleaseSignIn /> }.into_any(),
    }
}

#[component]
pub fn PleaseSignIn() -> impl IntoView {
    // Not a page error: the answer depends on a sign-in the request did not carry.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::UNAUTHORIZED);
    }
    view! {
        <section
            class="mx-auto max-w-xl rounded-lg border border-slate-200 bg-white p-8 text-center shadow-sm"
            data-testid="please-sign-in"
        >
            <h1 class="text-2xl font-semibold">"Please sign in"</h1>
            <p class="mt-3 text-slate-700">"This page is for signed-in users. Your session may have ended."</p>
            <ButtonLink href="/login" variant=Variant::Primary class="mt-6">
                "Sign in"
            </ButtonLink>
        </section>
    }
}

#[component]
pub fn NotAllowed() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <section data-testid="not-allowed">
            <MessagePanel title="Not allowed".to_string()>
                <p>"Your account cannot use this page. If you think it should, ask the clinic's administrator."</p>
            </MessagePanel>
        </section>
    }
}
