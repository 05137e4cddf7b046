//! The signed-in person, shared by every page, and the gate pages put around role-only content.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::auth::{get_current_user, CurrentUser, Login, Logout};
use crate::components::layout::MessagePanel;
use crate::domain::role::Role;
use crate::error::AppError;

#[derive(Clone, Copy)]
pub struct Auth {
    pub me: Resource<Result<Option<CurrentUser>, AppError>>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    /// Bumped by pages whose actions change who is signed in (password change, sign out everywhere).
    pub changed: RwSignal<u32>,
}

impl Auth {
    pub fn provide() -> Auth {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        let changed = RwSignal::new(0);
        let path = leptos_router::hooks::use_location().pathname;
        let me = Resource::new(
            move || (path.get(), login.version().get(), logout.version().get(), changed.get()),
            |_| get_current_user(),
        );
        let auth = Auth { me, login, logout, changed };
        provide_context(auth);
        auth
    }

    pub fn refresh(&self) {
        self.changed.update(|n| *n += 1);
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Shows `children` only to the given roles. Anyone else gets a clear page instead; the data
/// the children load is refused by the server anyway.
#[component]
pub fn RoleGate(roles: &'static [Role], children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| view! { <p class="text-slate-600">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.me.await {
                    Ok(Some(user)) if user.must_change_password => {
                        view! { <Redirect path="/account/password" /> }.into_any()
                    }
                    Ok(Some(user)) if roles.contains(&user.role) => view! {
                        <ErrorBoundary fallback=|errors| view! {
                            <MessagePanel title="This could not be shown".to_string()>
                                <ul>{move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}</ul>
                                <p class="mt-3"><a class="underline" href="/login">"Sign in again"</a></p>
                            </MessagePanel>
                        }>
                            {children.read_value()()}
                        </ErrorBoundary>
                    }
                    .into_any(),
                    Ok(Some(_)) => view! { <NotAllowed /> }.into_any(),
                    Ok(None) | Err(AppError::Unauthenticated) => view! { <PleaseSignIn /> }.into_any(),
                    Err(error) => view! {
                        <MessagePanel title="Something went wrong".to_string()>
                            <p>{error.to_string()}</p>
                        </MessagePanel>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn PleaseSignIn() -> impl IntoView {
    view! {
        <section class="mx-auto max-w-xl rounded-lg border border-slate-200 bg-white p-8 text-center shadow-sm" data-testid="please-sign-in">
            <h1 class="text-2xl font-semibold">"Please sign in"</h1>
            <p class="mt-3 text-slate-700">"This page is for signed-in users. Your session may have ended."</p>
            <a href="/login" class="mt-6 inline-block rounded bg-teal-700 px-4 py-2 text-white hover:bg-teal-800">"Sign in"</a>
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
