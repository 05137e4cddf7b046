//! Two-factor sign-in for staff, in the browser: the second step of sign-in, set-up during
//! sign-in when the clinic requires it, the account page's section, the clinic's switch and the
//! admin's reset. Views and DTOs only: the secret, the codes and the QR code are made on the
//! server (no TOTP or QR crate in the WASM).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::api::two_factor::{
    ConfirmSignInEnrolment, ConfirmTwoFactor, DisableTwoFactor, EnrolmentStart, NewRecoveryCodes, ResetTwoFactor,
    SetClinicTwoFactorRule, StartSignInEnrolment, StartTwoFactor, SubmitSignInCode, TwoFactorStatus,
};
use crate::components::auth::use_auth;
use crate::components::button::{Button, ButtonLink, ButtonType, Variant};
use crate::components::form::{field_error, ActionError, ConfirmButton, FieldError, SaveControls, FIELD};
use crate::components::page::Page;
use crate::error::AppError;

/// The secret for the authenticator app: the QR code, and the same key as text.
#[component]
fn SecretForApp(start: EnrolmentStart) -> impl IntoView {
    view! {
        <div class="mt-4 flex flex-wrap items-start gap-6">
            // Drawn on the server from the otpauth:// address: an SVG of squares, no script.
            <div
                class="inline-block rounded border border-slate-200 bg-white p-2"
                role="img"
                aria-label="QR code for your authenticator app"
                data-testid="two-factor-qr"
                inner_html=start.qr_svg
            ></div>
            <div class="max-w-sm text-sm">
                <p>"Scan the QR code with your authenticator app, or type this key into it by hand:"</p>
                <p class="mt-2 font-mono text-lg tracking-wider break-all" data-testid="two-factor-secret">
                    {start.manual_secret}
                </p>
                <p class="mt-2 text-slate-600">{format!("The app will list it as “{}”.", start.account_label)}</p>
            </div>
        </div>
    }
}

/// A one-line code input (an app code or a recovery code).
#[component]
fn CodeInput(id: &'static str, label: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id class="text-sm font-medium">
                {label}
            </label>
            <input
                id=id
                name="code"
                type="text"
                autocomplete="one-time-code"
                spellcheck="false"
                maxlength="64"
                required
                class=FIELD
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <FieldError id=error_id message=error />
        </div>
    }
}

/// The current password, asked again before a change to the sign-in itself.
#[component]
fn CurrentPasswordInput(id: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="flex flex-col gap-1">
            <label for=id class="text-sm font-medium">
                "Current password"
            </label>
            <input id=id name="current_password" type="password" autocomplete="current-password" required class=FIELD />
            <FieldError message=error />
        </div>
    }
}

/// The recovery codes, shown once.
#[component]
fn RecoveryCodeList(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="mt-4 rounded border border-amber-300 bg-amber-50 p-4" data-testid="recovery-codes">
            <h3 class="font-semibold">"Your recovery codes"</h3>
            <p class="mt-1 text-sm">
                "If you lose your phone, each of these signs you in once instead of a code from the app. "
                "Write them down or print them now and keep them somewhere safe: they are shown only this once."
            </p>
            <ul class="mt-3 grid grid-cols-2 gap-2 font-mono">
                {codes.into_iter().map(|code| view! { <li>{code}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// Setting up the app, at sign-in and on the account page alike: a button asks the server for a
/// new secret, then the QR code and key are shown with `children` under them (the form for the
/// first code, whose server function differs between the two places).
#[component]
fn EnrolmentSteps(
    start_label: &'static str,
    on_start: Callback<()>,
    starting: Signal<bool>,
    started: Signal<Option<Result<EnrolmentStart, AppError>>>,
    children: ChildrenFn,
) -> impl IntoView {
    let children = StoredValue::new(children);
    view! {
        <div class="mt-4">
            <Button variant=Variant::Primary disabled=starting on_click=move |()| on_start.run(())>
                {start_label}
            </Button>
        </div>
        <ActionError result=started />
        {move || {
            started
                .get()
                .and_then(Result::ok)
                .map(|secret| {
                    view! {
                        <SecretForApp start=secret />
                        {children.read_value()()}
                    }
                })
        }}
    }
}

/// `/login/code`: the second step of a staff sign-in.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let auth = use_auth();
    let action = ServerAction::<SubmitSignInCode>::new();
    let result = Signal::derive(move || action.value().get());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(user)) = result.get() {
            let landing = user.landing_path();
            auth.signed_in_as(user);
            navigate(landing, Default::default());
        }
    });
    let error = field_error(result, "code");
    let expired = Signal::derive(move || matches!(result.get(), Some(Err(AppError::Unauthenticated))));
    view! {
        <Page path="/login/code">
            <section class="mx-auto max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
                <h1 class="text-2xl font-semibold">"Two-factor sign-in"</h1>
                <p class="mt-1 text-sm text-slate-600">
                    "Type the six-digit code your authenticator app shows for SyEI, or one of your recovery codes."
                </p>
                <ActionForm action attr:class="mt-6 flex flex-col gap-4">
                    <CodeInput id="sign-in-code" label="Code" error />
                    <Show when=move || expired.get()>
                        <p class="rounded bg-red-50 p-3 text-red-800" role="alert">
                            "Your sign-in has timed out. "
                            <a class="underline" href="/login">
                                "Sign in again"
                            </a>
                        </p>
                    </Show>
                    <Show when=move || !expired.get()>
                        <ActionError result />
                    </Show>
                    <Button variant=Variant::Primary kind=ButtonType::Submit disabled=action.pending()>
                        "Continue"
                    </Button>
                </ActionForm>
            </section>
        </Page>
    }
}

/// `/login/enrol`: the clinic requires two-factor sign-in and this person has none yet; they
/// set it up before they get a session.
#[component]
pub fn SignInEnrolPage() -> impl IntoView {
    let auth = use_auth();
    let start = ServerAction::<StartSignInEnrolment>::new();
    let confirm = ServerAction::<ConfirmSignInEnrolment>::new();
    let started = Signal::derive(move || start.value().get());
    let confirmed = Signal::derive(move || confirm.value().get());
    Effect::new(move |_| {
        if let Some(Ok(done)) = confirmed.get() {
            auth.signed_in_as(done.user);
        }
    });
    let code_error = field_error(confirmed, "code");
    view! {
        <Page path="/login/enrol">
            <section class="mx-auto max-w-2xl rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
                <h1 class="text-2xl font-semibold">"Set up two-factor sign-in"</h1>
                <p class="mt-1 text-sm text-slate-600">
                    "The clinic requires staff to sign in with a code from an authenticator app as well as their password. "
                    "Set it up now to continue."
                </p>
                {move || match confirmed.get() {
                    Some(Ok(done)) => {
                        let landing = done.user.landing_path();
                        view! {
                            <RecoveryCodeList codes=done.recovery_codes />
                            <ButtonLink href=landing variant=Variant::Primary class="mt-4">
                                "I have kept my codes: continue"
                            </ButtonLink>
                        }
                            .into_any()
                    }
                    _ => {
                        view! {
                            <EnrolmentSteps
                                start_label="Show the QR code"
                                on_start=Callback::new(move |()| {
                                    start.dispatch(StartSignInEnrolment {});
                                })
                                starting=start.pending().into()
                                started
                            >
                                <ActionForm action=confirm attr:class="mt-4 flex max-w-sm flex-col gap-3">
                                    <CodeInput id="enrol-code" label="The code your app shows now" error=code_error />
                                    <ActionError result=confirmed />
                                    <Button variant=Variant::Primary kind=ButtonType::Submit>
                                        "Turn on two-factor sign-in"
                                    </Button>
                                </ActionForm>
                            </EnrolmentSteps>
                        }
                            .into_any()
                    }
                }}
            </section>
        </Page>
    }
}

/// The account page's section (staff only): set up, or turn off.
#[component]
pub fn TwoFactorSection(status: TwoFactorStatus) -> impl IntoView {
    let start = ServerAction::<StartTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let renew = ServerAction::<NewRecoveryCodes>::new();
    let enrolled = RwSignal::new(status.enrolled);
    let codes_left = RwSignal::new(status.recovery_codes_left);
    let new_codes = RwSignal::new(None::<Vec<String>>);
    let started = Signal::derive(move || start.value().get());
    let confirmed = Signal::derive(move || confirm.value().get());
    let disabled = Signal::derive(move || disable.value().get());
    let renewed = Signal::derive(move || renew.value().get());
    Effect::new(move |_| {
        if let Some(Ok(codes)) = confirmed.get() {
            codes_left.set(codes.codes.len() as i64);
            new_codes.set(Some(codes.codes));
            enrolled.set(true);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = disabled.get() {
            new_codes.set(None);
            enrolled.set(false);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(codes)) = renewed.get() {
            codes_left.set(codes.codes.len() as i64);
            new_codes.set(Some(codes.codes));
        }
    });
    let confirm_error = field_error(confirmed, "code");
    let renew_code_error = field_error(renewed, "code");
    let renew_password_error = field_error(renewed, "current_password");
    let disable_code_error = field_error(disabled, "code");
    let disable_password_error = field_error(disabled, "current_password");
    view! {
        <section class="mt-8 max-w-2xl rounded-lg border border-slate-200 bg-white p-6" data-testid="two-factor">
            <h2 class="text-xl font-semibold">"Two-factor sign-in"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "With it on, signing in takes your password and a code from an authenticator app on your phone, "
                "so a stolen password alone opens nothing."
                {status.required_by_clinic.then_some(" The clinic requires it for all staff.")}
            </p>
            <p class="mt-3 text-sm font-medium" data-testid="two-factor-state" role="status">
                {move || {
                    if enrolled.get() {
                        format!("Two-factor sign-in is on. Recovery codes left: {}.", codes_left.get())
                    } else {
                        "Two-factor sign-in is off.".to_string()
                    }
                }}
            </p>
            {move || {
                if enrolled.get() {
                    view! {
                        {new_codes.get().map(|codes| view! { <RecoveryCodeList codes /> })}
                        <h3 class="mt-6 font-semibold">"New recovery codes"</h3>
                        <p class="mt-1 text-sm text-slate-600">
                            "Used some up, or lost the list? New codes replace all the old ones."
                        </p>
                        <ActionForm action=renew attr:class="mt-2 flex max-w-sm flex-col gap-3">
                            <CurrentPasswordInput id="recovery-codes-password" error=renew_password_error />
                            <CodeInput
                                id="recovery-codes-code"
                                label="A code from your app, or a recovery code"
                                error=renew_code_error
                            />
                            <ActionError result=renewed />
                            <Button kind=ButtonType::Submit class="self-start">
                                "Make new recovery codes"
                            </Button>
                        </ActionForm>
                        <h3 class="mt-6 font-semibold">"Turn it off"</h3>
                        <ActionForm action=disable attr:class="mt-2 flex max-w-sm flex-col gap-3">
                            <CurrentPasswordInput id="two-factor-password" error=disable_password_error />
                            <CodeInput id="two-factor-off-code" label="A code from your app" error=disable_code_error />
                            <ActionError result=disabled />
                            <Button variant=Variant::DangerOutline kind=ButtonType::Submit class="self-start">
                                "Turn off two-factor sign-in"
                            </Button>
                        </ActionForm>
                    }
                        .into_any()
                } else {
                    view! {
                        <EnrolmentSteps
                            start_label="Set up two-factor sign-in"
                            on_start=Callback::new(move |()| {
                                start.dispatch(StartTwoFactor {});
                            })
                            starting=start.pending().into()
                            started
                        >
                            <ActionForm action=confirm attr:class="mt-4 flex max-w-sm flex-col gap-3">
                                <CodeInput
                                    id="two-factor-confirm-code"
                                    label="The code your app shows now"
                                    error=confirm_error
                                />
                                <ActionError result=confirmed />
                                <Button variant=Variant::Primary kind=ButtonType::Submit class="self-start">
                                    "Turn on two-factor sign-in"
                                </Button>
                            </ActionForm>
                        </EnrolmentSteps>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// The clinic settings' switch: two-factor sign-in for every staff member.
#[component]
pub fn TwoFactorRuleSection(required: bool) -> impl IntoView {
    let save = ServerAction::<SetClinicTwoFactorRule>::new();
    let result = Signal::derive(move || save.value().get());
    let required = RwSignal::new(required);
    view! {
        <section class="mt-8 max-w-3xl rounded-lg border border-slate-200 bg-white p-6" data-testid="two-factor-rule">
            <h2 class="text-xl font-semibold">"Two-factor sign-in"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "When required, every admin and specialist signs in with a code from an authenticator app as well as "
                "their password; those who have not set it up do so right after their password, before they can work. "
                "Patients and family members are not affected."
            </p>
            <label class="mt-4 flex items-center gap-2 text-sm font-medium">
                <input
                    type="checkbox"
                    name="required"
                    prop:checked=move || required.get()
                    on:change=move |ev| required.set(event_target_checked(&ev))
                />
                "Require two-factor sign-in for all staff"
            </label>
            <SaveControls
                result
                saving=save.pending().into()
                label="Save"
                on_save=Callback::new(move |()| {
                    save.dispatch(SetClinicTwoFactorRule {
                        required: required.get_untracked(),
                    });
                })
            />
        </section>
    }
}

/// The admin's reset, for a staff member who lost both their phone and their recovery codes.
#[component]
pub fn ResetTwoFactorSection(user_id: Uuid) -> impl IntoView {
    let reset = ServerAction::<ResetTwoFactor>::new();
    let result = Signal::derive(move || reset.value().get());
    view! {
        <section class="mt-10 max-w-3xl rounded-lg border border-slate-200 bg-white p-6" data-testid="two-factor-reset">
            <h2 class="text-xl font-semibold">"Two-factor sign-in"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "For someone who lost their phone and their recovery codes: after a reset they sign in with their password "
                "alone (and set it up again if the clinic requires it). Check who is asking first; the reset is audited."
            </p>
            <div class="mt-4">
                <ConfirmButton
                    label="Reset two-factor sign-in"
                    question="Reset this person's two-factor sign-in?"
                    confirm="Yes, reset it"
                    on_confirm=move |()| {
                        reset.dispatch(ResetTwoFactor { user_id });
                    }
                />
            </div>
            <ActionError result />
            <Show when=move || matches!(result.get(), Some(Ok(())))>
                <p class="mt-3 rounded bg-green-50 p-3 text-green-800" role="status">
                    "Two-factor sign-in was reset."
                </p>
            </Show>
        </section>
    }
}
