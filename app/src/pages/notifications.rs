use leptos::prelude::*;

use crate::api::scheduling::{my_notifications, MarkNotificationsRead};
use crate::components::button::{Button, ButtonType};
use crate::components::page::Page;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <Page path="/notifications">
            <NotificationList />
        </Page>
    }
}

#[component]
fn NotificationList() -> impl IntoView {
    let mark_read = ServerAction::<MarkNotificationsRead>::new();
    let list = Resource::new(move || mark_read.version().get(), |_| my_notifications());
    view! {
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-3xl font-semibold">"Notifications"</h1>
            <ActionForm action=mark_read>
                <Button kind=ButtonType::Submit>"Mark all as read"</Button>
            </ActionForm>
        </div>
        <Transition fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                list.await
                    .map(|n| {
                        view! {
                            <p class="mt-2 text-slate-600">{format!("{} unread", n.unread)}</p>
                            <ul
                                class="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
                                data-testid="notification-list"
                            >
                                {n
                                    .latest
                                    .into_iter()
                                    .map(|item| {
                                        view! {
                                            <li class="p-4" class:font-semibold=!item.is_read>
                                                <p>{item.title}</p>
                                                <p class="text-sm font-normal text-slate-700">{item.message}</p>
                                                <p class="text-xs font-normal text-slate-500">{item.when}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
            })}
        </Transition>
    }
}
