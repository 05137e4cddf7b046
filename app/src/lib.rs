//! SyEI, the backoffice of a holistic medical centre: the isomorphic crate.
//!
//! Compiled twice: with `ssr` for the server (pages rendered on axum, server functions run
//! against PostgreSQL) and with `hydrate` for the browser (the same components, made
//! interactive). See `../ARCHITECTURE.md` in the shared folder for the layout.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Outlet, ParentRoute, Route, Router, Routes},
    path, Lazy, LazyRoute, SsrMode,
};

use crate::components::auth::Auth;
use crate::components::layout::Header;
use crate::pages::account::{AccountPage, ForcedPasswordPage};
use crate::pages::admin_users::{AdminUsersPage, EditUserPage, NewUserPage};
use crate::pages::audit_log::AuditLogPage;
use crate::pages::availability::AvailabilityPage;
use crate::pages::booking::BookingPage;
use crate::pages::calendar::CalendarPage;
use crate::pages::clinic_settings::ClinicSettingsPage;
use crate::pages::database_health::DatabaseHealthPage;
use crate::pages::emergency_access::EmergencyAccessPage;
use crate::pages::family_access::{FamilyAccessPage, FamilyLinksPage};
use crate::pages::homes::{AdminHome, FamilyHome, PatientHome, SpecialistHome};
use crate::pages::login::LoginPage;
use crate::pages::materials::{LibraryPage, MaterialEditPage, MaterialPage};
use crate::pages::my_appointments::MyAppointmentsPage;
use crate::pages::my_details::MyDetailsPage;
use crate::pages::my_materials::{MyMaterialsPage, OpenMaterialPage};
use crate::pages::note_editor::NoteEditorPage;
use crate::pages::note_view::{NotePage, NotePrintPage, OpenNotesPage};
use crate::pages::notifications::NotificationsPage;
use crate::pages::patients::{ChartPage, PatientsPage};
use crate::pages::record_views::RecordViewsPage;
use crate::pages::templates::{TemplateEditPage, TemplatesPage};
use crate::pages::two_factor::{SignInCodePage, SignInEnrolPage};
use crate::pages::{home::HomePage, not_found::NotFoundPage};

/// The pages that load together: each group is one split point of the WASM (`#[lazy]`), fetched
/// when one of its pages is first shown, so a visit downloads the app's core and the group it
/// opens. Groups, not single pages: with a split point per page, the shared code was cut into
/// ~270 chunks and `/book` needed 126 requests. The public home page and sign-in stay in the
/// core. (Without `cargo leptos --split` everything stays in one WASM file.)
macro_rules! page_group {
    ($loader:ident, $preload:ident, $group:ident { $($route:ident => $page:ident),* $(,)? }) => {
        // Each variant is named after the page component it shows.
        #[derive(Clone, Copy)]
        #[allow(clippy::enum_variant_names)]
        enum $group {
            $($page),*
        }

        #[lazy]
        fn $loader(page: $group) -> AnyView {
            match page {
                $($group::$page => $page().into_any()),*
            }
        }

        $(
            struct $route;

            impl $route {
                /// The route's view, loaded with its group.
                fn lazy() -> Lazy<$route> {
                    Lazy::new()
                }
            }

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $loader($group::$page).await
                }

                /// The router loads the group's chunks before it hydrates the page (`#[lazy]`
                /// names this loader `__preload_<function>`).
                async fn preload() {
                    #[cfg(feature = "hydrate")]
                    $preload().await;
                }
            }
        )*
    };
}

page_group!(account_pages, __preload_account_pages, AccountGroup {
    AccountRoute => AccountPage,
    ForcedPasswordRoute => ForcedPasswordPage,
    SignInCodeRoute => SignInCodePage,
    SignInEnrolRoute => SignInEnrolPage,
});
page_group!(home_pages, __preload_home_pages, HomeGroup {
    AdminHomeRoute => AdminHome,
    SpecialistHomeRoute => SpecialistHome,
    PatientHomeRoute => PatientHome,
    FamilyHomeRoute => FamilyHome,
    RecordViewsRoute => RecordViewsPage,
    MyAppointmentsRoute => MyAppointmentsPage,
    MyDetailsRoute => MyDetailsPage,
    NotificationsRoute => NotificationsPage,
    MyMaterialsRoute => MyMaterialsPage,
    OpenMaterialRoute => OpenMaterialPage,
    FamilyAccessRoute => FamilyAccessPage,
});
page_group!(booking_pages, __preload_booking_pages, BookingGroup { BookingRoute => BookingPage });
page_group!(staff_pages, __preload_staff_pages, StaffGroup {
    CalendarRoute => CalendarPage,
    AvailabilityRoute => AvailabilityPage,
    PatientsRoute => PatientsPage,
    ChartRoute => ChartPage,
});
page_group!(notes_pages, __preload_notes_pages, NotesGroup {
    NoteEditorRoute => NoteEditorPage,
    NoteRoute => NotePage,
    NotePrintRoute => NotePrintPage,
    OpenNotesRoute => OpenNotesPage,
    TemplatesRoute => TemplatesPage,
    TemplateEditRoute => TemplateEditPage,
    LibraryRoute => LibraryPage,
    MaterialRoute => MaterialPage,
    MaterialEditRoute => MaterialEditPage,
});
page_group!(admin_pages, __preload_admin_pages, AdminGroup {
    AdminUsersRoute => AdminUsersPage,
    NewUserRoute => NewUserPage,
    EditUserRoute => EditUserPage,
    ClinicSettingsRoute => ClinicSettingsPage,
    EmergencyAccessRoute => EmergencyAccessPage,
    FamilyLinksRoute => FamilyLinksPage,
    DatabaseHealthRoute => DatabaseHealthPage,
    AuditLogRoute => AuditLogPage,
});

/// The frame around every page: who is signed in, the header and the main area.
///
/// Who is signed in is awaited in this one place (the `Transition`): sibling suspenses on it
/// resolved in a different order on the server and in the browser and broke hydration. The frame
/// is the view of the parent route, not a wrapper around `<Routes>`: the server lists the routes
/// by rendering the app once, synchronously, so routes inside a suspense are never seen (every
/// page then came from the fallback handler, with status 404 and no per-route SSR mode).
#[component]
fn Frame(children: ChildrenFn) -> impl IntoView {
    let auth = Auth::provide();
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let _ = auth.initial.await;
                view! {
                    <Header />
                    <main id="main" class="mx-auto w-full max-w-5xl flex-1 px-4 py-8">
                        {children.read_value()()}
                    </main>
                }
            })}
        </Transition>
    }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use_response_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                // Hashed names (cargo-leptos `hash-files`): browsers keep them for a year.
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The hydration scripts carry the nonce that the server's security-headers layer put in this
/// response's Content-Security-Policy (it travels in the request's extensions).
fn use_response_nonce() {
    #[cfg(feature = "ssr")]
    if let Some(nonce) =
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned())
    {
        provide_context(nonce);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "SyEI".to_string() } else { format!("{page} · SyEI") }
        } />
        <Router>
            <div class="flex min-h-screen flex-col">
                <Routes fallback=|| {
                    view! {
                        <Frame>
                            <NotFoundPage />
                        </Frame>
                    }
                }>
                    <ParentRoute
                        path=path!("")
                        view=|| {
                            view! {
                                <Frame>
                                    <Outlet />
                                </Frame>
                            }
                        }
                    >
                        // Pages render whole before anything is sent: a refusal can still set its
                        // status (403), nothing streams ahead of the check, and a browser without
                        // JavaScript gets the whole page (a lazy page would otherwise stream).
                        <Route ssr=SsrMode::Async path=path!("") view=HomePage />
                        <Route ssr=SsrMode::Async path=path!("/login") view=LoginPage />
                        <Route ssr=SsrMode::Async path=path!("/login/code") view=SignInCodeRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/login/enrol") view=SignInEnrolRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/account") view=AccountRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/account/password") view=ForcedPasswordRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/admin") view=AdminHomeRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/admin/users") view=AdminUsersRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/admin/settings") view=ClinicSettingsRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/admin/database") view=DatabaseHealthRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/admin/audit") view=AuditLogRoute::lazy() />
                        <Route
                            ssr=SsrMode::Async
                            path=path!("/admin/emergency-access")
                            view=EmergencyAccessRoute::lazy()
                        />
                        <Route ssr=SsrMode::Async path=path!("/admin/users/new") view=NewUserRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/admin/users/:id") view=EditUserRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/specialist") view=SpecialistHomeRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/my-care") view=PatientHomeRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/my-care/record-views") view=RecordViewsRoute::lazy() />
                        <Route
                            ssr=SsrMode::Async
                            path=path!("/my-care/appointments")
                            view=MyAppointmentsRoute::lazy()
                        />
                        <Route ssr=SsrMode::Async path=path!("/my-care/details") view=MyDetailsRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/family") view=FamilyHomeRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/book") view=BookingRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/calendar") view=CalendarRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/availability") view=AvailabilityRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/patients") view=PatientsRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/patients/:id") view=ChartRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/notifications") view=NotificationsRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/notes/:id") view=NoteRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/notes/:id/edit") view=NoteEditorRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/notes/:id/print") view=NotePrintRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/my-care/notes") view=OpenNotesRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/templates") view=TemplatesRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/templates/:id") view=TemplateEditRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/materials") view=LibraryRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/materials/:id") view=MaterialRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/materials/:id/edit") view=MaterialEditRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/my-care/materials") view=MyMaterialsRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/my-care/materials/:id") view=OpenMaterialRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/my-care/family") view=FamilyAccessRoute::lazy() />
                        <Route ssr=SsrMode::Async path=path!("/admin/family") view=FamilyLinksRoute::lazy() />
                    </ParentRoute>
                </Routes>
                <footer class="border-t border-slate-200 py-4 text-center text-sm text-slate-600">
                    "SyEI · holistic medical centre"
                </footer>
            </div>
        </Router>
    }
}
