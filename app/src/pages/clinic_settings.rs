//! Clinic settings for admins: the booking rules, the types of appointment and data retention.

use leptos::prelude::*;

use crate::api::clinic::{
    get_clinic_setup, AppointmentTypeRow, ClinicRules, SaveAppointmentType, SaveClinicRules, SLOT_STEPS,
};
use crate::api::retention::{
    get_retention_overview, RetentionDryRun, RetentionReport, RetentionRun, RetentionSettings, SaveRetentionSettings,
};
use crate::api::two_factor::clinic_two_factor_rule;
use crate::components::button::{Button, Size, Variant};
use crate::components::form::{field_error, ActionError, Choice, SaveControls, SelectField, TextField};
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
        <Retention />
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
            <SaveControls
                result
                saving=save.pending().into()
                label="Save the rules"
                on_save=Callback::new(move |()| {
                    save.dispatch(SaveClinicRules {
                        rules: form.get_untracked(),
                    });
                })
            />
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

/// Data retention: the periods, a dry run (what would go now) and the latest runs.
#[component]
fn Retention() -> impl IntoView {
    let save = ServerAction::<SaveRetentionSettings>::new();
    let overview = Resource::new(move || save.version().get(), |_| get_retention_overview());
    view! {
        <section class="mt-8 max-w-3xl rounded-lg border border-slate-200 bg-white p-6" data-testid="data-retention">
            <h2 class="text-xl font-semibold">"Data retention"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Once a day the server removes what is older than these periods. A patient's clinical data is erased by destroying their data key: it cannot be read again, in backups or in the audit log."
            </p>
            <Transition fallback=|| {
                view! { <p class="mt-4">"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    let overview = overview.await?;
                    Ok::<
                        _,
                        AppError,
                    >(
                        view! {
                            <RetentionForm settings=overview.settings save />
                            <DryRun />
                            <RunLog runs=overview.runs />
                        },
                    )
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RetentionForm(settings: RetentionSettings, save: ServerAction<SaveRetentionSettings>) -> impl IntoView {
    let result = Signal::derive(move || save.value().get());
    let form = RwSignal::new(settings);
    let number_input = move |label: &'static str,
                             name: &'static str,
                             get: fn(&RetentionSettings) -> i32,
                             set: fn(&mut RetentionSettings, i32)| {
        view! {
            <TextField
                label
                name
                kind="number"
                value=Signal::derive(move || form.with(|f| get(f).to_string()))
                on_input=move |text: String| form.update(|f| set(f, number(&text)))
                error=field_error(result, name)
            />
        }
    };
    view! {
        <div class="mt-4 grid gap-3 sm:grid-cols-2">
            {number_input("Audit log entries (years)", "audit_years", |f| f.audit_years, |f, v| f.audit_years = v)}
            {number_input(
                "Notifications (days)",
                "notification_days",
                |f| f.notification_days,
                |f, v| f.notification_days = v,
            )}
            {number_input(
                "Ended sessions and sign-in attempts (days)",
                "sign_in_days",
                |f| f.sign_in_days,
                |f, v| f.sign_in_days = v,
            )}
            {number_input(
                "Cancelled appointments (days)",
                "cancelled_appointment_days",
                |f| f.cancelled_appointment_days,
                |f, v| f.cancelled_appointment_days = v,
            )}
            {number_input(
                "Clinical data, after the patient's last activity (years)",
                "clinical_years",
                |f| f.clinical_years,
                |f, v| f.clinical_years = v,
            )}
        </div>
        <p class="mt-2 text-sm text-slate-600">
            "Last activity: registration or a change to their details, a sign-in, an appointment, or a clinical note. Patients with an upcoming appointment are never erased."
        </p>
        <SaveControls
            result
            saving=save.pending().into()
            label="Save the periods"
            on_save=Callback::new(move |()| {
                save.dispatch(SaveRetentionSettings {
                    settings: form.get_untracked(),
                });
            })
        />
    }
}

#[component]
fn DryRun() -> impl IntoView {
    let dry_run = ServerAction::<RetentionDryRun>::new();
    let result = Signal::derive(move || dry_run.value().get());
    view! {
        <div class="mt-6 border-t border-slate-200 pt-4">
            <h3 class="text-lg font-semibold">"What would go now"</h3>
            <p class="mt-1 text-sm text-slate-600">
                "A dry run counts what the next run would remove, with the saved periods, and changes nothing."
            </p>
            <Button
                class="mt-3"
                disabled=dry_run.pending()
                on_click=move |()| {
                    dry_run.dispatch(RetentionDryRun {});
                }
            >
                "Preview (dry run)"
            </Button>
            <ActionError result />
            {move || match result.get() {
                Some(Ok(report)) => Some(view! { <DryRunReport report /> }),
                _ => None,
            }}
        </div>
    }
}

const CELL: &str = "border-b border-slate-200 px-2 py-1 text-left align-top";

#[component]
fn DryRunReport(report: RetentionReport) -> impl IntoView {
    let counts = report.counts;
    let rows = [
        ("Audit log entries", counts.audit_entries),
        ("Notifications", counts.notifications),
        ("Ended sessions", counts.sessions),
        ("Sign-in attempts", counts.sign_in_attempts),
        ("Cancelled appointments", counts.cancelled_appointments),
        ("Patients whose clinical data would be erased", counts.erased_patients),
    ];
    let patients = report.patients;
    view! {
        <table class="mt-3 w-full text-sm" data-testid="dry-run">
            <tbody>
                {rows
                    .into_iter()
                    .map(|(label, n)| {
                        view! {
                            <tr>
                                <th scope="row" class=CELL>
                                    {label}
                                </th>
                                <td class=CELL>{n}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {(!patients.is_empty())
            .then(|| {
                view! {
                    <ul class="mt-3 list-disc pl-6 text-sm" aria-label="Patients whose clinical data would be erased">
                        {patients
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <li>
                                        {format!(
                                            "{} ({}), last activity {}",
                                            p.name,
                                            p.email,
                                            p.last_activity.format("%Y-%m-%d"),
                                        )}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
    }
}

#[component]
fn RunLog(runs: Vec<RetentionRun>) -> impl IntoView {
    if runs.is_empty() {
        return view! { <p class="mt-6 text-sm text-slate-600">"No run yet."</p> }.into_any();
    }
    view! {
        <h3 class="mt-6 text-lg font-semibold">"Latest runs"</h3>
        <table class="mt-2 w-full text-sm" data-testid="retention-runs">
            <thead>
                <tr>
                    <th class=CELL>"When (UTC)"</th>
                    <th class=CELL>"Started by"</th>
                    <th class=CELL>"Audit"</th>
                    <th class=CELL>"Notifications"</th>
                    <th class=CELL>"Sessions / sign-ins"</th>
                    <th class=CELL>"Cancelled"</th>
                    <th class=CELL>"Erased patients"</th>
                </tr>
            </thead>
            <tbody>
                {runs
                    .into_iter()
                    .map(|run| {
                        let by = match (run.started_by.as_str(), run.admin) {
                            ("admin", Some(name)) => name,
                            ("schedule", _) => "daily job".to_string(),
                            ("command", _) => "command line".to_string(),
                            (other, _) => other.to_string(),
                        };
                        let by = if run.dry_run { format!("{by} (dry run)") } else { by };
                        let c = run.counts;
                        view! {
                            <tr>
                                <td class=CELL>{run.started_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                <td class=CELL>{by}</td>
                                <td class=CELL>{c.audit_entries}</td>
                                <td class=CELL>{c.notifications}</td>
                                <td class=CELL>{format!("{} / {}", c.sessions, c.sign_in_attempts)}</td>
                                <td class=CELL>{c.cancelled_appointments}</td>
                                <td class=CELL>{c.erased_patients}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
