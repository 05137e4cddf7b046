//! Notifications, newest first, 20 a page. The page is in the address (`?before=<cursor>`,
//! `&unread=1` for unread ones only), so "Older", "Newest" and the filter are plain links, and
//! "Mark as read" / "Mark all as read" are forms: all of it works before the WASM has loaded.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::notifications::{list_my_notifications, MarkNotificationRead, NotificationItem, NotificationPage};
use crate::api::scheduling::MarkNotificationsRead;
use crate::components::auth::use_auth;
use crate::components::button::{Button, ButtonLink, ButtonType, Size, Variant};
use crate::components::form::ActionError;
use crate::components::page::Page;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <Page path="/notifications">
            <NotificationList />
        </Page>
    }
}

/// The address of a page of the list.
fn list_href(before: Option<&str>, unread_only: bool) -> String {
    let mut query = ParamsMap::new();
    if unread_only {
        query.insert("unread", "1".to_string());
    }
    if let Some(before) = before {
        query.insert("before", before.to_string());
    }
    format!("/notifications{}", query.to_query_string())
}

#[component]
fn NotificationList() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let before = Memo::new(move |_| query.with(|q| q.get("before")));
    let unread_only = Memo::new(move |_| query.with(|q| q.get("unread").is_some_and(|v| v == "1")));
    let read_one = ServerAction::<MarkNotificationRead>::new();
    let read_all = ServerAction::<MarkNotificationsRead>::new();
    let list = Resource::new(
        move || (before.get(), unread_only.get(), read_one.version().get(), read_all.version().get()),
        |(before, unread_only, _, _)| list_my_notifications(before, unread_only),
    );
    // The unread count in the header follows what was marked here.
    Effect::new(move |previous: Option<(usize, usize)>| {
        let current = (read_one.version().get(), read_all.version().get());
        if previous.is_some_and(|p| p != current) {
            auth.refresh();
        }
        current
    });
    view! {
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-3xl font-semibold">"Notifications"</h1>
            <ActionForm action=read_all>
                <Button kind=ButtonType::Submit>"Mark all as read"</Button>
            </ActionForm>
        </div>
        <ActionError result=Signal::derive(move || read_one.value().get()) />
        <Transition fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => view! { <NotificationsShown page read_one /> }.into_any(),
                    Err(error) => {
                        view! {
                            <p class="mt-4 rounded bg-red-50 p-3 text-red-800" role="alert">
                                {error.to_string()}
                            </p>
                            <ButtonLink href=list_href(None, false) size=Size::Small class="mt-4">
                                "Newest notifications"
                            </ButtonLink>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The filter, one page of notifications and the links to the pages around it.
#[component]
fn NotificationsShown(page: NotificationPage, read_one: ServerAction<MarkNotificationRead>) -> impl IntoView {
    let unread_only = page.unread_only;
    let filter_link = move |label: &'static str, unread: bool| {
        let current = unread == unread_only;
        view! {
            <a
                href=list_href(None, unread)
                class=if current { "font-semibold text-slate-900" } else { "text-teal-800 underline" }
                aria-current=current.then_some("page")
            >
                {label}
            </a>
        }
    };
    let empty = if unread_only { "No unread notifications." } else { "No notifications yet." };
    let newest = (!page.newest).then(|| list_href(None, unread_only));
    let older = page.older.as_deref().map(|cursor| list_href(Some(cursor), unread_only));
    view! {
        <p class="mt-2 text-slate-600" data-testid="unread-count">
            {format!("{} unread", page.unread)}
        </p>
        <nav class="mt-2 flex gap-4 text-sm" aria-label="Which notifications">
            {filter_link("All", false)}
            {filter_link("Unread only", true)}
        </nav>
        {if page.items.is_empty() {
            view! {
                <p class="mt-4 text-slate-700" data-testid="no-notifications">
                    {empty}
                </p>
            }
                .into_any()
        } else {
            view! {
                <ul
                    class="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
                    data-testid="notification-list"
                >
                    {page.items.into_iter().map(|item| view! { <NotificationRow item read_one /> }).collect_view()}
                </ul>
            }
                .into_any()
        }}
        <nav class="mt-4 flex items-center gap-3" aria-label="Pages of notifications">
            {newest
                .map(|href| {
                    view! {
                        <ButtonLink href size=Size::Small>
                            "← Newest"
                        </ButtonLink>
                    }
                })}
            {older
                .map(|href| {
                    view! {
                        <ButtonLink href size=Size::Small>
                            "Older →"
                        </ButtonLink>
                    }
                })}
        </nav>
    }
}

#[component]
fn NotificationRow(item: NotificationItem, read_one: ServerAction<MarkNotificationRead>) -> impl IntoView {
    let label = format!("Mark “{}” as read", item.title);
    view! {
        <li class="flex items-start justify-between gap-4 p-4" data-testid="notification">
            <div>
                <p class:font-semibold=!item
                    .is_read>
                    {(!item.is_read)
                        .then(|| {
                            view! {
                                <span class="mr-2 rounded bg-teal-100 px-2 py-0.5 text-xs text-teal-900">"New"</span>
                            }
                        })} {item.title}
                </p>
                <p class="text-sm text-slate-700">{item.message}</p>
                <p class="text-xs text-slate-500">{item.when}</p>
            </div>
            {(!item.is_read)
                .then(|| {
                    view! {
                        <ActionForm action=read_one>
                            <input type="hidden" name="notification_id" value=item.notification_id.to_string() />
                            <Button
                                kind=ButtonType::Submit
                                size=Size::Small
                                variant=Variant::Secondary
                                aria_label=label
                            >
                                "Mark as read"
                            </Button>
                        </ActionForm>
                    }
                })}
        </li>
    }
}
