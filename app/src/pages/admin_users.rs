//! Account administration: list, create, edit, deactivate, reset password.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api::care_team::{care_team, AssignToCareTeam, RemoveFromCareTeam};
use crate::api::specialists::list_specialists;
use crate::api::users::{
    get_user, list_users, patient_options, CreateUser, IssuedPassword, ResetPassword, SetUserActive, UpdateUser,
};
use crate::components::button::{Button, ButtonLink, Size, Variant};
use crate::components::form::{field_error, ActionError, Choice, SelectField, TextField, FIELD};
use crate::components::page::Page;
use crate::domain::role::Role;
use crate::domain::user_form::UserForm;
use crate::error::AppError;
use crate::pages::two_factor::ResetTwoFactorSection;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! {
        <Page path="/admin/users">
            <UserList />
        </Page>
    }
}

#[component]
fn UserList() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let users = Resource::new(
        move || (search.get(), role.get(), status.get(), page.get()),
        |(search, role, status, page)| list_users(search, role, status, page),
    );
    // A new filter starts from the first page.
    let reset_page = move || page.set(1);
    let role_choices: Vec<Choice> = std::iter::once(Choice::new("", "All roles"))
        .chain(Role::ALL.iter().map(|r| Choice::new(r.as_str(), r.label())))
        .collect();
    view! {
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-3xl font-semibold">"Users"</h1>
            <ButtonLink href="/admin/users/new" variant=Variant::Primary>
                "New user"
            </ButtonLink>
        </div>
        <form class="mt-6 flex flex-wrap items-end gap-4" on:submit=|ev| ev.prevent_default() role="search">
            <label class="flex flex-col gap-1 text-sm font-medium">
                "Search name or email"
                <input
                    type="search"
                    class=FIELD
                    prop:value=search
                    on:input=move |ev| {
                        search.set(event_target_value(&ev));
                        reset_page();
                    }
                />
            </label>
            <SelectField
                label="Role"
                id="filter-role"
                options=role_choices
                value=role
                on_change=move |chosen| {
                    role.set(chosen);
                    reset_page();
                }
            />
            <SelectField
                label="Status"
                id="filter-status"
                options=vec![
                    Choice::new("", "Active and inactive"),
                    Choice::new("active", "Active"),
                    Choice::new("inactive", "Inactive"),
                ]
                value=status
                on_change=move |chosen| {
                    status.set(chosen);
                    reset_page();
                }
            />
        </form>
        <Transition fallback=|| {
            view! { <p class="mt-4">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                users
                    .await
                    .map(|result| {
                        let page_count = result.page_count();
                        let current = result.page;
                        let (first, last) = (current <= 1, current >= page_count);
                        view! {
                            <table
                                class="mt-6 w-full border-collapse overflow-hidden rounded-lg bg-white text-left"
                                data-testid="user-table"
                            >
                                <thead class="bg-slate-100 text-sm">
                                    <tr>
                                        <th class="p-3">"Name"</th>
                                        <th class="p-3">"Email"</th>
                                        <th class="p-3">"Role"</th>
                                        <th class="p-3">"Status"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {result
                                        .users
                                        .into_iter()
                                        .map(|u| {
                                            view! {
                                                <tr class="border-t border-slate-200">
                                                    <td class="p-3">
                                                        <a
                                                            class="text-teal-800 underline"
                                                            href=format!("/admin/users/{}", u.user_id)
                                                        >
                                                            {u.name}
                                                        </a>
                                                    </td>
                                                    <td class="p-3">{u.email}</td>
                                                    <td class="p-3">
                                                        {u.role.parse::<Role>().map(|r| r.label()).unwrap_or("?")}
                                                    </td>
                                                    <td class="p-3">
                                                        {if u.is_active { "Active" } else { "Inactive" }}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                            // `first` and `last` are worked out above: a comparison written in an
                            // attribute broke the markup (the formatter read `>=` as the tag's end).
                            <nav class="mt-4 flex items-center gap-4" aria-label="Pages">
                                <Button size=Size::Small disabled=first on_click=move |()| page.update(|p| *p -= 1)>
                                    "Previous"
                                </Button>
                                <span class="text-sm">
                                    {format!("Page {current} of {page_count} · {} users", result.total)}
                                </span>
                                <Button size=Size::Small disabled=last on_click=move |()| page.update(|p| *p += 1)>
                                    "Next"
                                </Button>
                            </nav>
                        }
                    })
            })}
        </Transition>
    }
}

#[component]
pub fn NewUserPage() -> impl IntoView {
    view! {
        <Page path="/admin/users/new">
            <NewUserForm />
        </Page>
    }
}

#[component]
fn NewUserForm() -> impl IntoView {
    let form = RwSignal::new(UserForm { role: Role::Patient.as_str().to_string(), ..UserForm::default() });
    let create = ServerAction::<CreateUser>::new();
    let result = Signal::derive(move || create.value().get());
    view! {
        <h1 class="text-3xl font-semibold">"New user"</h1>
        {move || match result.get() {
            Some(Ok(issued)) => view! { <IssuedPasswordPanel issued heading="Account created" /> }.into_any(),
            _ => {
                view! {
                    <UserFormFields form result editing=false />
                    <Button
                        variant=Variant::Primary
                        class="mt-6"
                        disabled=create.pending()
                        on_click=move |()| {
                            create.dispatch(CreateUser { form: form.get() });
                        }
                    >
                        "Create account"
                    </Button>
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn IssuedPasswordPanel(issued: IssuedPassword, heading: &'static str) -> impl IntoView {
    view! {
        <section
            class="mt-6 max-w-xl rounded-lg border border-green-300 bg-green-50 p-6"
            role="status"
            data-testid="issued-password"
        >
            <h2 class="text-xl font-semibold text-green-900">{heading}</h2>
            <p class="mt-2">
                "Temporary password (shown only now; give it to the person, who must change it at first sign-in):"
            </p>
            <p class="mt-2 font-mono text-lg" data-testid="temporary-password">
                {issued.temporary_password}
            </p>
            <a class="mt-4 inline-block underline" href=format!("/admin/users/{}", issued.user_id)>
                "Open the account"
            </a>
            " · "
            <a class="mt-4 inline-block underline" href="/admin/users">
                "Back to users"
            </a>
        </section>
    }
}

/// Binds one text field of the form: its value and how typing updates it.
fn bind(form: RwSignal<UserForm>, field: fn(&mut UserForm) -> &mut String) -> (Signal<String>, Callback<String>) {
    let value = Signal::derive(move || form.with(|f| field(&mut f.clone()).clone()));
    let on_input = Callback::new(move |text: String| form.update(|f| *field(f) = text));
    (value, on_input)
}

#[component]
fn UserFormFields<T: Clone + Send + Sync + 'static>(
    form: RwSignal<UserForm>,
    result: Signal<Option<Result<T, AppError>>>,
    editing: bool,
) -> impl IntoView {
    // Loaded in the browser only: the list matters once "Family member" is chosen, and a
    // server-side load nobody waits for would outlive the request that started it.
    let patients = LocalResource::new(patient_options);
    let role = Signal::derive(move || form.with(|f| f.role.parse::<Role>().ok()));
    macro_rules! text {
        ($label:expr, $name:ident) => {{
            let (value, on_input) = bind(form, |f| &mut f.$name);
            view! { <TextField label=$label name=stringify!($name) value on_input error=field_error(result, stringify!($name)) /> }
        }};
        ($label:expr, $name:ident, $kind:expr, required) => {{
            let (value, on_input) = bind(form, |f| &mut f.$name);
            view! { <TextField label=$label name=stringify!($name) kind=$kind required=true value on_input error=field_error(result, stringify!($name)) /> }
        }};
    }
    let role_error = field_error(result, "role");
    let patient_error = field_error(result, "linked_patient_id");
    let role_choices: Vec<Choice> = Role::ALL.iter().map(|r| Choice::new(r.as_str(), r.label())).collect();
    // The patients arrive after the page (see above): the prompt shows until then.
    let patient_choices = Signal::derive(move || {
        let patients = patients.get().and_then(Result::ok).unwrap_or_default();
        std::iter::once(Choice::new("", "Choose a patient"))
            .chain(patients.into_iter().map(|p| Choice::new(p.patient_id.to_string(), p.name)))
            .collect::<Vec<_>>()
    });
    view! {
        <div class="mt-6 grid max-w-3xl gap-x-6 gap-y-2 sm:grid-cols-2">
            <SelectField
                label="Role"
                id="field-role"
                name="role"
                options=role_choices
                value=Signal::derive(move || form.with(|f| f.role.clone()))
                on_change=move |role| form.update(|f| f.role = role)
                error=role_error
                disabled=editing
            />
            {text!("Email", email, "email", required)}
            {text!("First name", first_name, "text", required)}
            {text!("Last name", last_name, "text", required)}
            {text!("Phone", phone)}
        </div>
        <Show when=move || role.get() == Some(Role::Specialist)>
            <fieldset class="mt-4 grid max-w-3xl gap-x-6 gap-y-2 sm:grid-cols-2">
                <legend class="mb-2 font-semibold">"Specialist profile"</legend>
                {text!("Specialty", specialty, "text", required)}
                {text!("Licence number", professional_license, "text", required)}
                {text!("Biography", bio)}
            </fieldset>
        </Show>
        <Show when=move || role.get() == Some(Role::Patient)>
            <fieldset class="mt-4 grid max-w-3xl gap-x-6 gap-y-2 sm:grid-cols-2">
                <legend class="mb-2 font-semibold">"Patient profile"</legend>
                {text!("Date of birth", date_of_birth, "date", required)}
                {text!("Emergency contact", emergency_contact_name)}
                {text!("Emergency contact phone", emergency_contact_phone)}
                {text!("Base medical history", base_medical_history)}
            </fieldset>
        </Show>
        <Show when=move || role.get() == Some(Role::FamilyMember)>
            <fieldset class="mt-4 grid max-w-3xl gap-x-6 gap-y-2 sm:grid-cols-2">
                <legend class="mb-2 font-semibold">"Family member"</legend>
                <SelectField
                    label="Helps patient"
                    id="field-linked_patient_id"
                    name="linked_patient_id"
                    options=patient_choices
                    value=Signal::derive(move || form.with(|f| f.linked_patient_id.clone()))
                    on_change=move |id| form.update(|f| f.linked_patient_id = id)
                    error=patient_error
                />
                {text!("Relationship", relationship, "text", required)}
            </fieldset>
        </Show>
        <ActionError result />
    }
}

#[component]
pub fn EditUserPage() -> impl IntoView {
    view! {
        <Page path="/admin/users/:id">
            <EditUser />
        </Page>
    }
}

#[component]
fn EditUser() -> impl IntoView {
    let params = use_params_map();
    let user_id = move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let update = ServerAction::<UpdateUser>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let detail = Resource::new(user_id, |id| async move {
        match id {
            Some(id) => get_user(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // Reload after a change that worked; after a refused one the form keeps what was typed.
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(()))) || matches!(set_active.value().get(), Some(Ok(()))) {
            detail.refetch();
        }
    });
    let update_result = Signal::derive(move || update.value().get());
    let active_result = Signal::derive(move || set_active.value().get());
    view! {
        <Transition fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                detail
                    .await
                    .map(|d| {
                        let form = RwSignal::new(d.form.clone());
                        let id = d.user_id;
                        let active = d.is_active;
                        view! {
                            <div class="flex flex-wrap items-center gap-4">
                                <h1 class="text-3xl font-semibold">
                                    {format!("{} {}", d.form.first_name, d.form.last_name)}
                                </h1>
                                <span class="rounded-full bg-slate-100 px-3 py-1 text-sm" data-testid="account-status">
                                    {if active { "Active" } else { "Inactive" }}
                                </span>
                                {d
                                    .must_change_password
                                    .then(|| {
                                        view! { <span class="text-sm text-amber-800">"Must change password"</span> }
                                    })}
                            </div>
                            <UserFormFields form result=update_result editing=true />
                            <Show when=move || matches!(update_result.get(), Some(Ok(())))>
                                <p class="mt-4 rounded bg-green-50 p-3 text-green-800" role="status">
                                    "Changes saved."
                                </p>
                            </Show>
                            <div class="mt-6 flex flex-wrap gap-3">
                                <Button
                                    variant=Variant::Primary
                                    on_click=move |()| {
                                        update
                                            .dispatch(UpdateUser {
                                                user_id: id,
                                                form: form.get(),
                                            });
                                    }
                                >
                                    "Save changes"
                                </Button>
                                <Button on_click=move |()| {
                                    set_active
                                        .dispatch(SetUserActive {
                                            user_id: id,
                                            active: !active,
                                        });
                                }>{if active { "Deactivate account" } else { "Reactivate account" }}</Button>
                                <Button on_click=move |()| {
                                    reset.dispatch(ResetPassword { user_id: id });
                                }>"Reset password"</Button>
                            </div>
                            <ActionError result=active_result />
                            {move || {
                                reset
                                    .value()
                                    .get()
                                    .map(|r| match r {
                                        Ok(issued) => {
                                            view! { <IssuedPasswordPanel issued heading="Password reset" /> }.into_any()
                                        }
                                        Err(e) => {
                                            view! {
                                                <p class="mt-4 text-red-700" role="alert">
                                                    {e.to_string()}
                                                </p>
                                            }
                                                .into_any()
                                        }
                                    })
                            }}
                            {d.patient_id.map(|patient_id| view! { <CareTeamSection patient_id /> })}
                            {matches!(d.form.role.as_str(), "Admin" | "Specialist")
                                .then(|| view! { <ResetTwoFactorSection user_id=id /> })}
                        }
                    })
            })}
        </Transition>
    }
}

/// Who treats this patient: the specialists on their care team, who alone reach their records.
#[component]
fn CareTeamSection(patient_id: Uuid) -> impl IntoView {
    let assign = ServerAction::<AssignToCareTeam>::new();
    let remove = ServerAction::<RemoveFromCareTeam>::new();
    let team = Resource::new(move || (assign.version().get(), remove.version().get()), move |_| care_team(patient_id));
    let specialists = Resource::new(|| (), |_| list_specialists());
    let chosen = RwSignal::new(String::new());
    let assign_result = Signal::derive(move || assign.value().get());
    let remove_result = Signal::derive(move || remove.value().get());
    view! {
        <section class="mt-10 max-w-3xl rounded-lg border border-slate-200 bg-white p-6" data-testid="care-team">
            <h2 class="text-xl font-semibold">"Care team"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Only the specialists listed here can open this patient's records. Booking a specialist adds them."
            </p>
            <Transition fallback=|| {
                view! { <p>"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    team.await
                        .map(|members| {
                            if members.is_empty() {
                                return view! {
                                    <p class="mt-4 text-slate-700">"No specialist treats this patient yet."</p>
                                }
                                    .into_any();
                            }
                            view! {
                                <ul class="mt-4 divide-y divide-slate-200">
                                    {members
                                        .into_iter()
                                        .map(|m| {
                                            let specialist_id = m.specialist_id;
                                            view! {
                                                <li class="flex flex-wrap items-center justify-between gap-2 py-2">
                                                    <span>
                                                        <span class="font-medium">{m.name.clone()}</span>
                                                        {format!(" · {} · {} · {}", m.specialty, m.how, m.since)}
                                                    </span>
                                                    <Button
                                                        size=Size::Small
                                                        aria_label=format!("Remove {} from the care team", m.name)
                                                        on_click=move |()| {
                                                            remove
                                                                .dispatch(RemoveFromCareTeam {
                                                                    patient_id,
                                                                    specialist_id,
                                                                });
                                                        }
                                                    >
                                                        "Remove"
                                                    </Button>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        })
                })}
            </Transition>
            <ActionError result=remove_result />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    specialists
                        .await
                        .map(|list| {
                            view! {
                                <div class="mt-4 flex flex-wrap items-end gap-3">
                                    <SelectField
                                        label="Add a specialist"
                                        id="care-team-specialist"
                                        options=specialist_choices(list)
                                        value=chosen
                                        on_change=move |id| chosen.set(id)
                                    />
                                    <Button
                                        variant=Variant::Primary
                                        disabled=Signal::derive(move || chosen.get().is_empty())
                                        on_click=move |()| {
                                            if let Ok(specialist_id) = Uuid::parse_str(&chosen.get_untracked()) {
                                                assign
                                                    .dispatch(AssignToCareTeam {
                                                        patient_id,
                                                        specialist_id,
                                                    });
                                            }
                                        }
                                    >
                                        "Add to the care team"
                                    </Button>
                                </div>
                            }
                        })
                })}
            </Transition>
            <ActionError result=assign_result />
        </section>
    }
}

/// The specialists an admin can add to a care team, after a "Choose…" prompt.
fn specialist_choices(list: Vec<crate::api::specialists::SpecialistSummary>) -> Vec<Choice> {
    std::iter::once(Choice::new("", "Choose…"))
        .chain(
            list.into_iter()
                .map(|s| Choice::new(s.specialist_id.to_string(), format!("{} ({})", s.display_name, s.specialty))),
        )
        .collect()
}
