//! The week editor for working hours, and the exceptions (days off, other hours).

use chrono::NaiveDate;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::availability::{get_availability, AddException, Availability, RemoveException, SaveWeek};
use crate::api::specialists::list_specialists;
use crate::components::auth::use_auth;
use crate::components::button::{Button, Size, Variant};
use crate::components::form::{ActionError, Choice, FieldError, SelectField};
use crate::components::page::Page;
use crate::domain::availability::{BlockInput, DAY_NAMES};
use crate::domain::role::Role;

#[component]
pub fn AvailabilityPage() -> impl IntoView {
    view! {
        <Page path="/availability">
            <AvailabilityEditor />
        </Page>
    }
}

#[component]
fn AvailabilityEditor() -> impl IntoView {
    let auth = use_auth();
    let is_admin = auth.user().is_some_and(|u| u.role == Role::Admin);
    let chosen = RwSignal::new(None::<Uuid>);
    let save = ServerAction::<SaveWeek>::new();
    let add = ServerAction::<AddException>::new();
    let remove = ServerAction::<RemoveException>::new();
    let data = Resource::new(
        move || chosen.get(),
        move |chosen| async move {
            let specialists = if is_admin { list_specialists().await? } else { Vec::new() };
            let availability = if is_admin && chosen.is_none() { None } else { Some(get_availability(chosen).await?) };
            Ok::<_, crate::error::AppError>((specialists, availability))
        },
    );
    // Reload after a change that worked; after a refused one keep the editor as typed, so the
    // messages stay beside the rows they are about.
    Effect::new(move |_| {
        let saved = matches!(save.value().get(), Some(Ok(())));
        let added = matches!(add.value().get(), Some(Ok(())));
        let removed = matches!(remove.value().get(), Some(Ok(())));
        if saved || added || removed {
            data.refetch();
        }
    });
    view! {
        <h1 class="text-3xl font-semibold">"Working hours"</h1>
        <Transition fallback=|| {
            view! { <p>"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let (specialists, availability) = data.await?;
                let specialist_choices: Vec<Choice> = std::iter::once(Choice::new("", "Choose a specialist"))
                    .chain(specialists.into_iter().map(|s| Choice::new(s.specialist_id.to_string(), s.display_name)))
                    .collect();
                Ok::<
                    _,
                    crate::error::AppError,
                >(
                    view! {
                        {is_admin
                            .then(|| {
                                view! {
                                    <SelectField
                                        label="Specialist"
                                        id="availability-specialist"
                                        class="mt-4 max-w-sm"
                                        options=specialist_choices
                                        value=Signal::derive(move || {
                                            chosen.get().map(|id| id.to_string()).unwrap_or_default()
                                        })
                                        on_change=move |id: String| chosen.set(Uuid::parse_str(&id).ok())
                                    />
                                }
                            })}
                        {availability.map(|a| view! { <WeekEditor availability=a target=chosen save add remove /> })}
                    },
                )
            })}
        </Transition>
    }
}

#[component]
fn WeekEditor(
    availability: Availability,
    target: RwSignal<Option<Uuid>>,
    save: ServerAction<SaveWeek>,
    add: ServerAction<AddException>,
    remove: ServerAction<RemoveException>,
) -> impl IntoView {
    let blocks = RwSignal::new(availability.weekly.clone());
    let save_result = Signal::derive(move || save.value().get());
    let add_result = Signal::derive(move || add.value().get());
    let row_error = move |index: usize| {
        let field = format!("blocks.{index}");
        save_result.get().and_then(|r| r.err()).and_then(|e| e.field_message(&field))
    };
    let exception_date = RwSignal::new(String::new());
    let day_off = RwSignal::new(true);
    let exception_start = RwSignal::new("10:00".to_string());
    let exception_end = RwSignal::new("14:00".to_string());
    view! {
        <p class="mt-2 text-slate-700">
            {format!("{}'s hours, in {}.", availability.specialist_name, availability.time_zone)}
        </p>
        <section class="mt-6 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="weekly-title">
            <h2 id="weekly-title" class="text-xl font-semibold">
                "Every week"
            </h2>
            <div class="mt-3 flex flex-col divide-y divide-slate-100">
                {(1..=7i16)
                    .map(|day| {
                        view! {
                            <div class="flex flex-wrap items-start gap-4 py-3" data-testid=format!("day-{day}")>
                                <h3 class="w-28 pt-2 font-medium">{DAY_NAMES[(day - 1) as usize]}</h3>
                                <div class="flex flex-col gap-2">
                                    {move || {
                                        blocks
                                            .get()
                                            .into_iter()
                                            .enumerate()
                                            .filter(|(_, b)| b.day_of_week == day)
                                            .map(|(index, block)| {
                                                view! {
                                                    <div class="flex flex-wrap items-center gap-2">
                                                        <label class="text-sm">
                                                            "From"
                                                            <input
                                                                type="time"
                                                                class="ml-1 rounded border border-slate-300 px-2 py-1"
                                                                prop:value=block.start.clone()
                                                                on:change=move |ev| {
                                                                    blocks.update(|b| b[index].start = event_target_value(&ev))
                                                                }
                                                            />
                                                        </label>
                                                        <label class="text-sm">
                                                            "to"
                                                            <input
                                                                type="time"
                                                                class="ml-1 rounded border border-slate-300 px-2 py-1"
                                                                prop:value=block.end.clone()
                                                                on:change=move |ev| {
                                                                    blocks.update(|b| b[index].end = event_target_value(&ev))
                                                                }
                                                            />
                                                        </label>
                                                        <Button
                                                            size=Size::Small
                                                            on_click=move |()| {
                                                                blocks
                                                                    .update(|b| {
                                                                        b.remove(index);
                                                                    })
                                                            }
                                                        >
                                                            "Remove"
                                                        </Button>
                                                        <FieldError message=Signal::derive(move || row_error(index)) />
                                                    </div>
                                                }
                                            })
                                            .collect_view()
                                    }}
                                    <Button
                                        variant=Variant::Accent
                                        size=Size::Small
                                        class="self-start"
                                        on_click=move |()| {
                                            blocks
                                                .update(|b| {
                                                    b.push(BlockInput {
                                                        day_of_week: day,
                                                        start: "09:00".into(),
                                                        end: "13:00".into(),
                                                    })
                                                })
                                        }
                                    >
                                        "Add hours"
                                    </Button>
                                </div>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <ActionError result=save_result />
            <Show when=move || matches!(save_result.get(), Some(Ok(())))>
                <p class="mt-3 rounded bg-green-50 p-3 text-green-800" role="status">
                    "Working hours saved."
                </p>
            </Show>
            <Button
                variant=Variant::Primary
                class="mt-4"
                on_click=move |()| {
                    save.dispatch(SaveWeek {
                        specialist_id: target.get_untracked(),
                        blocks: blocks.get_untracked(),
                    });
                }
            >
                "Save working hours"
            </Button>
        </section>

        <section class="mt-6 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="exceptions-title">
            <h2 id="exceptions-title" class="text-xl font-semibold">
                "Days off and other hours"
            </h2>
            <ul class="mt-3 flex flex-col gap-2" data-testid="exceptions">
                {availability
                    .exceptions
                    .into_iter()
                    .map(|e| {
                        let id = e.availability_block_id;
                        view! {
                            <li class="flex items-center gap-3">
                                <span>{format!("{}: {}", e.date.format("%a %-d %b %Y"), e.hours)}</span>
                                <Button
                                    size=Size::Small
                                    on_click=move |()| {
                                        remove
                                            .dispatch(RemoveException {
                                                availability_block_id: id,
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
            <div class="mt-4 flex flex-wrap items-end gap-3">
                <label class="flex flex-col gap-1 text-sm font-medium">
                    "Date"
                    <input
                        type="date"
                        class="rounded border border-slate-300 px-2 py-1"
                        prop:value=exception_date
                        on:input=move |ev| exception_date.set(event_target_value(&ev))
                    />
                </label>
                <label class="flex items-center gap-2 text-sm font-medium">
                    <input
                        type="checkbox"
                        prop:checked=day_off
                        on:change=move |ev| day_off.set(event_target_checked(&ev))
                    />
                    "Day off"
                </label>
                <Show when=move || !day_off.get()>
                    <label class="flex flex-col gap-1 text-sm font-medium">
                        "From"
                        <input
                            type="time"
                            class="rounded border border-slate-300 px-2 py-1"
                            prop:value=exception_start
                            on:change=move |ev| exception_start.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="flex flex-col gap-1 text-sm font-medium">
                        "To"
                        <input
                            type="time"
                            class="rounded border border-slate-300 px-2 py-1"
                            prop:value=exception_end
                            on:change=move |ev| exception_end.set(event_target_value(&ev))
                        />
                    </label>
                </Show>
                <Button
                    variant=Variant::Primary
                    on_click=move |()| {
                        if let Ok(date) = NaiveDate::parse_from_str(&exception_date.get_untracked(), "%Y-%m-%d") {
                            add.dispatch(AddException {
                                specialist_id: target.get_untracked(),
                                date,
                                day_off: day_off.get_untracked(),
                                start: exception_start.get_untracked(),
                                end: exception_end.get_untracked(),
                            });
                        }
                    }
                >
                    "Add"
                </Button>
            </div>
            <ActionError result=add_result />
            <FieldError
                class="mt-2"
                message=Signal::derive(move || {
                    add_result
                        .get()
                        .and_then(|r| r.err())
                        .and_then(|e| e.field_message("start").or_else(|| e.field_message("end")))
                })
            />
        </section>
    }
}
