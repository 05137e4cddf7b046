//! Clinic settings for admins: the booking rules and the types of appointment.

use leptos::prelude::*;

use crate::api::clinic::{
    get_clinic_setup, AppointmentTypeRow, ClinicRules, SaveAppointmentType, SaveClinicRules, SLOT_STEPS,
};
use crate::api::two_factor::clinic_two_factor_rule;
use crate::components::button::{Button, Size, Variant};
use crate::components::form::{field_error, ActionError, Choice, SelectField, TextField};
use crate::components::page::Page;
use crate::error::AppError;
use crate::pages::two_factor::TwoFactorRuleSection;

#[component]
pub fn ClinicSettingsPage() -> impl IntoView {
    view! {
        <Page path="/admin/settings">
            <ClinicSettings />
        </Page>
    }
}

#[component]
fn ClinicSettings() -> impl IntoView {
    let save_type = ServerAction::<SaveAppointmentType>::new();
    let refresh = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(())) = save_type.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    let setup = Resource::new(move || refresh.get(), |_| get_clinic_setup());
    let two_factor_rule = Resource::new(|| (), |_| clinic_two_factor_rule());
    view! {
        <h1 class="text-3xl font-semibold">"Clinic settings"</h1>
        <Transition fallback=|| {
            view! { <p class="mt-6">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                let setup = setup.await?;
                let two_factor_required = two_factor_rule.await?;
                Ok::<
                    _,
                    AppError,
                >(
                    view! {
                        <RulesForm rules=setup.rules />
                        <TypesTable types=setup.types save_type />
                        <TwoFactorRuleSection required=two_factor_required />
                    },
                )
            })}
        </Transition>
    }
}

fn number(value: &str) -> i32 {
    value.trim().parse().unwrap_or(-1)
}

#[component]
fn RulesForm(rules: ClinicRules) -> impl IntoView {
    let save = ServerAction::<SaveClinicRules>::new();
    let result = Signal::derive(move || save.value().get());
    let form = RwSignal::new(rules);
    let field = move |name| field_error(result, name);
    let number_input =
        move |label: &'static str, name: &'static str, get: fn(&ClinicRules) -> i32, set: fn(&mut ClinicRules, i32)| {
            view! {
                <TextField
                    label
                    name
                    kind="number"
                    value=Signal::derive(move || form.with(|f| get(f).to_string()))
                    on_input=move |text: String| form.update(|f| set(f, number(&text)))
                    error=field(name)
                />
            }
        };
    let step_choices: Vec<Choice> =
        SLOT_STEPS.iter().map(|m| Choice::new(m.to_string(), format!("{m} minutes"))).collect();
    view! {
        <section class="mt-6 max-w-3xl rounded-lg border border-slate-200 bg-white p-6" data-testid="clinic-rules">
            <h2 class="text-xl font-semibold">"Booking rules"</h2>
            <div class="mt-4 grid gap-3 sm:grid-cols-2">
                <TextField
                    label="Clinic time zone (IANA, e.g. Europe/Madrid)"
                    name="time_zone"
                    value=Signal::derive(move || form.with(|f| f.time_zone.clone()))
                    on_input=move |zone| form.update(|f| f.time_zone = zone)
                    error=field("time_zone")
                />
                <SelectField
                    label="Distance between offered times"
                    id="field-slot_step_minutes"
                    name="slot_step_minutes"
                    options=step_choices
                    value=Signal::derive(move || form.with(|f| f.slot_step_minutes.to_string()))
                    on_change=move |minutes: String| form.update(|f| f.slot_step_minutes = number(&minutes))
                    error=field("slot_step_minutes")
                />
                {number_input(
                    "Free time kept after each appointment (minutes)",
                    "buffer_minutes",
                    |f| f.buffer_minutes,
                    |f, v| f.buffer_minutes = v,
                )}
                {number_input(
                    "Online booking at least this long ahead (minutes)",
                    "minimum_notice_minutes",
                    |f| f.minimum_notice_minutes,
                    |f, v| f.minimum_notice_minutes = v,
                )}
                {number_input(
                    "Patients may cancel or move up to (hours before)",
                    "patient_change_notice_hours",
                    |f| f.patient_change_notice_hours,
                    |f, v| f.patient_change_notice_hours = v,
                )}
                {number_input(
                    "Bookings up to this many months ahead",
                    "booking_horizon_months",
                    |f| f.booking_horizon_months,
                    |f, v| f.booking_horizon_months = v,
                )}
                {number_input(
                    "Upcoming appointments one patient may book online",
                    "max_upcoming_appointments",
                    |f| f.max_upcoming_appointments,
                    |f, v| f.max_upcoming_appointments = v,
                )}
                <label class="flex items-center gap-2 text-sm font-medium">
                    <input
                        type="checkbox"
                        name="auto_confirm"
                        prop:checked=move || form.with(|f| f.auto_confirm)
                        on:change=move |ev| form.update(|f| f.auto_confirm = event_target_checked(&ev))
                    />
                    "Confirm online bookings at once"
                </label>
            </div>
            <ActionError result />
            {move || {
                matches!(result.get(), Some(Ok(())))
                    .then(|| {
                        view! {
                            <p class="mt-3 rounded bg-green-50 p-3 text-green-800" role="status">
                                "Saved."
                            </p>
                        }
                    })
            }}
            <Button
                variant=Variant::Primary
                class="mt-4"
                disabled=save.pending()
                on_click=move |()| {
                    save.dispatch(SaveClinicRules {
                        rules: form.get_untracked(),
                    });
                }
            >
                "Save the rules"
            </Button>
        </section>
    }
}

#[component]
fn TypesTable(types: Vec<AppointmentTypeRow>, save_type: ServerAction<SaveAppointmentType>) -> impl IntoView {
    let result = Signal::derive(move || save_type.value().get());
    let new_name = RwSignal::new(String::new());
    let new_minutes = RwSignal::new("30".to_string());
    let name_error = field_error(result, "name");
    let minutes_error = field_error(result, "duration_minutes");
    view! {
        <section class="mt-8 max-w-3xl rounded-lg border border-slate-200 bg-white p-6" data-testid="appointment-types">
            <h2 class="text-xl font-semibold">"Types of appointment"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "A type in use is never deleted: take it off the list of bookable types instead."
            </p>
            <table class="mt-4 w-full text-left text-sm">
                <thead>
                    <tr>
                        <th class="py-2">"Name"</th>
                        <th>"Minutes"</th>
                        <th>"Bookable"</th>
                        <th>"Appointments"</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>
                    {types
                        .into_iter()
                        .map(|t| {
                            let minutes = RwSignal::new(t.duration_minutes.to_string());
                            let active = RwSignal::new(t.is_active);
                            let name = t.name.clone();
                            view! {
                                <tr class="border-t border-slate-200" data-testid="type-row">
                                    <td class="py-2 font-medium">{t.name.clone()}</td>
                                    <td>
                                        <input
                                            type="number"
                                            class="w-24 rounded border border-slate-300 px-2 py-1"
                                            aria-label=format!("Minutes of {}", t.name)
                                            prop:value=move || minutes.get()
                                            on:input=move |ev| minutes.set(event_target_value(&ev))
                                        />
                                    </td>
                                    <td>
                                        <input
                                            type="checkbox"
                                            aria-label=format!("{} can be booked", t.name)
                                            prop:checked=move || active.get()
                                            on:change=move |ev| active.set(event_target_checked(&ev))
                                        />
                                    </td>
                                    <td>{t.in_use}</td>
                                    <td>
                                        <Button
                                            size=Size::Small
                                            on_click=move |()| {
                                                save_type
                                                    .dispatch(SaveAppointmentType {
                                                        name: name.clone(),
                                                        duration_minutes: number(&minutes.get_untracked()),
                                                        is_active: active.get_untracked(),
                                                    });
                                            }
                                        >
                                            "Save"
                                        </Button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <div class="mt-6 flex flex-wrap items-start gap-3 border-t border-slate-200 pt-4">
                <TextField
                    label="New type"
                    name="name"
                    value=new_name
                    on_input=move |name| new_name.set(name)
                    error=name_error
                />
                <TextField
                    label="Minutes"
                    name="duration_minutes"
                    kind="number"
                    value=new_minutes
                    on_input=move |minutes| new_minutes.set(minutes)
                    error=minutes_error
                />
                <Button
                    variant=Variant::Primary
                    class="mt-6"
                    on_click=move |()| {
                        save_type
                            .dispatch(SaveAppointmentType {
                                name: new_name.get_untracked(),
                                duration_minutes: number(&new_minutes.get_untracked()),
                                is_active: true,
                            });
                    }
                >
                    "Add the type"
                </Button>
            </div>
        </section>
    }
}
