//! The patient decides what each family member may see and do, and until when. Each family
//! member is one form (it also works before the WASM has loaded); saving tells them.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::family::{
    family_grants, family_links, FamilyGrant, FamilyLinkPage, LinkFamilyMember, SetFamilyGrant, UnlinkFamilyMember,
};
use crate::components::button::{Button, ButtonType, Size, Variant};
use crate::components::form::{field_error, ActionError, FieldError, FIELD};
use crate::components::page::Page;
use crate::components::pager::PageLinks;

#[component]
pub fn FamilyAccessPage() -> impl IntoView {
    view! {
        <Page path="/my-care/family">
            <FamilyAccess />
        </Page>
    }
}

#[component]
fn FamilyAccess() -> impl IntoView {
    let save = ServerAction::<SetFamilyGrant>::new();
    let grants = Resource::new(move || save.version().get(), |_| family_grants());
    let query = use_query_map();
    let saved_without_js = move || query.with(|q| q.get("done").is_some_and(|d| d == "saved"));
    view! {
        <h1 class="text-3xl font-semibold">"Family access"</h1>
        <p class="mt-2 text-slate-700">
            "Choose what each family member may see and do for you. They are told when you change it."
        </p>
        <Show when=move || { saved_without_js() || matches!(save.value().get(), Some(Ok(_))) }>
            <p class="mt-2 text-teal-800" role="status" data-testid="grant-saved">
                "Saved."
            </p>
        </Show>
        <ActionError result=Signal::derive(move || save.value().get()) />
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                grants
                    .await
                    .map(|list| {
                        if list.is_empty() {
                            view! {
                                <p class="mt-4 text-slate-700">
                                    "No family member is linked to you. The clinic's front desk can link one."
                                </p>
                            }
                                .into_any()
                        } else {
                            list.into_iter().map(|grant| view! { <GrantForm grant save /> }).collect_view().into_any()
                        }
                    })
            })}
        </Transition>
    }
}

#[component]
fn GrantForm(grant: FamilyGrant, save: ServerAction<SetFamilyGrant>) -> impl IntoView {
    let result = Signal::derive(move || save.value().get());
    let scope = |name: &'static str, label: &'static str, checked: bool| {
        view! {
            <label class="flex items-center gap-2">
                <input type="checkbox" name=name value="on" checked=checked />
                {label}
            </label>
        }
    };
    let heading_id = format!("family-{}", grant.family_member_id);
    view! {
        <section
            class="mt-6 rounded-lg border border-slate-200 bg-white p-4"
            aria-labelledby=heading_id.clone()
            data-testid="family-grant"
        >
            <h2 id=heading_id.clone() class="text-xl font-semibold">
                {format!("{} ({})", grant.name, grant.relationship)}
            </h2>
            <p class="text-sm text-slate-700" data-testid="grant-summary">
                {grant.summary()}
            </p>
            <ActionForm action=save attr:class="mt-3 flex flex-col gap-2">
                <input type="hidden" name="family_member_id" value=grant.family_member_id.to_string() />
                <fieldset class="flex flex-col gap-1">
                    <legend class="text-sm font-medium">"May"</legend>
                    {scope("view_appointments", "see my appointments", grant.view_appointments)}
                    {scope("book_appointments", "book, move and cancel appointments for me", grant.book_appointments)}
                    {scope("view_materials", "see my materials", grant.view_materials)}
                    {scope("view_notes", "read my signed clinical notes", grant.view_notes)}
                </fieldset>
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Until (the last day; empty: until I change it)"
                    <input
                        type="date"
                        name="access_until"
                        class=FIELD
                        value=grant.access_until.map(|d| d.to_string()).unwrap_or_default()
                    />
                </label>
                <FieldError message=field_error(result, "access_until") />
                <div>
                    <Button kind=ButtonType::Submit variant=Variant::Primary size=Size::Small>
                        {format!("Save for {}", grant.name)}
                    </Button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Admins link family members to patients and remove links; a new link grants nothing.
#[component]
pub fn FamilyLinksPage() -> impl IntoView {
    view! {
        <Page path="/admin/family">
            <FamilyLinks />
        </Page>
    }
}

#[component]
fn FamilyLinks() -> impl IntoView {
    let link = ServerAction::<LinkFamilyMember>::new();
    let unlink = ServerAction::<UnlinkFamilyMember>::new();
    let query = use_query_map();
    let search =
        Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default().chars().take(100).collect::<String>()));
    let page = Memo::new(move |_| {
        query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).clamp(1, 100_000))
    });
    let links = Resource::new(
        move || (search.get(), page.get(), link.version().get(), unlink.version().get()),
        |(search, page, _, _)| family_links(search, page),
    );
    let result = Signal::derive(move || link.value().get());
    view! {
        <h1 class="text-3xl font-semibold">"Family links"</h1>
        <p class="mt-2 text-slate-700">
            "Who helps which patient. A new link shares nothing until the patient chooses what to share."
        </p>
        <ActionForm action=link attr:class="mt-4 flex flex-wrap items-end gap-3">
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Family member's email" <input name="family_email" type="email" class=FIELD required maxlength="255" />
            </label>
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Patient's email" <input name="patient_email" type="email" class=FIELD required maxlength="255" />
            </label>
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Relationship" <input name="relationship" class=FIELD required maxlength="50" placeholder="Parent" />
            </label>
            <Button kind=ButtonType::Submit variant=Variant::Primary>
                "Link"
            </Button>
        </ActionForm>
        <FieldError message=field_error(result, "family_email") />
        <FieldError message=field_error(result, "patient_email") />
        <FieldError message=field_error(result, "relationship") />
        <form method="get" action="/admin/family" class="mt-4 flex items-end gap-2" role="search">
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Find by name or email"
                <input name="q" type="search" class=FIELD maxlength="100" value=move || search.get() />
            </label>
            <Button kind=ButtonType::Submit>"Search"</Button>
        </form>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let search = search.get();
                links.await.map(|page| view! { <LinkTable page search unlink /> })
            })}
        </Transition>
    }
}

#[component]
fn LinkTable(page: FamilyLinkPage, search: String, unlink: ServerAction<UnlinkFamilyMember>) -> impl IntoView {
    view! {
        <table class="mt-4 w-full text-left" data-testid="family-links">
            <thead>
                <tr>
                    <th class="py-1">"Family member"</th>
                    <th>"Helps"</th>
                    <th>"Relationship"</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|l| {
                        view! {
                            <tr class="border-t border-slate-200">
                                <td class="py-1">{format!("{} <{}>", l.family_name, l.family_email)}</td>
                                <td>{format!("{} <{}>", l.patient_name, l.patient_email)}</td>
                                <td>{l.relationship}</td>
                                <td>
                                    <ActionForm action=unlink>
                                        <input
                                            type="hidden"
                                            name="family_member_id"
                                            value=l.family_member_id.to_string()
                                        />
                                        <Button kind=ButtonType::Submit size=Size::Small variant=Variant::DangerOutline>
                                            "Unlink"
                                        </Button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <PageLinks
            current=page.page
            page_count=page.page_count
            label="Pages of family links"
            summary=format!("{} links", page.total)
            href=move |n| {
                let mut map = leptos_router::params::ParamsMap::new();
                map.insert("q", search.clone());
                map.insert("page", n.to_string());
                format!("/admin/family{}", map.to_query_string())
            }
        />
    }
}
