//! Who is calling: sessions (tower-sessions, stored in PostgreSQL), sign-in with throttling,
//! and the endpoint gate every server function passes first.

use std::net::{IpAddr, Ipv4Addr};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::audit::{self, AuditEvent};
use super::db::users::{self as users_db, AccountRow};
use super::password::{temporary_password_expired, verify_password, TEMPORARY_PASSWORD_EXPIRED};
use super::state::{AppState, ClientAddr};
use crate::domain::email::Email;
use crate::domain::two_factor::{parse_code, SECOND_STEP_MINUTES};
use crate::error::AppError;
use crate::model::auth::{CurrentUser, SignInStep};
use crate::model::endpoint::Endpoint;
use crate::model::two_factor::{EnrolledSignIn, EnrolmentStart};
use crate::server::db::two_factor as two_factor_db;
use crate::server::services::two_factor as two_factor_service;

const SESSION_KEY: &str = "auth";
/// The state between a right password and the second step (two-factor staff). Kept in the
/// server-side session record, apart from `SESSION_KEY`: it signs nobody in.
const PENDING_KEY: &str = "second_step";
/// Refresh the idle clock at most this often, so reading a page is not a write every time.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// What the session remembers about its sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SessionAuth {
    user_id: Uuid,
    epoch: i32,
    signed_in_at: i64,
    last_seen_at: i64,
}

/// A right password, waiting for the second step: whose, and since when.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingSecondStep {
    user_id: Uuid,
    epoch: i32,
    started_at: i64,
    /// The person has no two-factor sign-in yet and the clinic requires it: they set it up.
    enrol: bool,
}

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(AppError::internal)
}

/// The caller's address, as the server's client-address layer worked it out (the socket's
/// peer, or the client a trusted proxy names). None only outside a served request.
pub fn client_ip() -> Option<IpAddr> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddr>().copied())
        .map(|ClientAddr(ip)| ip)
}

/// The signed-in user of this request, or None. Ends the session when it has expired, the
/// account was deactivated, or the user signed out everywhere since.
pub async fn current_user(state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    current_user_of(state, &session().await?).await
}

/// [`current_user`] for a session at hand (the server-function gate, before Leptos runs).
pub async fn current_user_of(state: &AppState, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let Some(mut auth) = session.get::<SessionAuth>(SESSION_KEY).await.map_err(AppError::internal)? else {
        return Ok(None);
    };
    let now = Utc::now().timestamp();
    let expired = now - auth.signed_in_at > state.auth.absolute_lifetime.num_seconds()
        || now - auth.last_seen_at > state.auth.idle_timeout.num_seconds();
    let account = if expired { None } else { users_db::find_account_by_id(&state.pool, auth.user_id).await? };
    match account {
        Some(account) if account.is_active && account.session_epoch == auth.epoch => {
            if now - auth.last_seen_at >= TOUCH_EVERY_SECONDS {
                auth.last_seen_at = now;
                session.insert(SESSION_KEY, &auth).await.map_err(AppError::internal)?;
            }
            Ok(Some(account.current_user()))
        }
        _ => {
            session.flush().await.map_err(AppError::internal)?;
            Ok(None)
        }
    }
}

/// The caller of a server function, as the gate in front of the server-function routes admitted
/// them (a request extension). None: an anonymous caller of a public endpoint.
#[derive(Debug, Clone)]
pub struct Caller(pub Option<CurrentUser>);

/// The endpoint table's verdict on `user` calling `endpoint`: refused callers it does not name
/// (anonymous ones are asked to sign in, others answered as if nothing were there), and accounts
/// that must first replace a temporary password.
pub fn admit(endpoint: &Endpoint, user: Option<CurrentUser>) -> Result<Caller, AppError> {
    if !endpoint.allows(user.as_ref().map(|u| u.role)) {
        return Err(match &user {
            None => AppError::Unauthenticated,
            Some(user) => {
                tracing::warn!(user_id = %user.user_id, role = %user.role, endpoint = endpoint.path, "access denied");
                AppError::NotFound
            }
        });
    }
    if user.as_ref().is_some_and(|user| user.must_change_password) && !endpoint.allowed_before_password_change {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(Caller(user))
}

/// The one message for every failed sign-in: it must not tell an unknown email from a wrong
/// password, a locked account or a deactivated one.
pub const SIGN_IN_FAILED: &str =
    "That email and password do not match an active account. After several attempts, please wait a few minutes.";

/// The address throttles count against (all unknown addresses share one key).
fn throttle_key(ip: Option<IpAddr>) -> IpAddr {
    ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

pub async fn sign_in(state: &AppState, email: &str, password: String) -> Result<SignInStep, AppError> {
    let ip = client_ip();
    let throttle_ip = throttle_key(ip);
    if state.login_limiter.check_key(&throttle_ip).is_err() {
        return Err(AppError::TooManyRequests);
    }
    let account = match Email::parse(email) {
        Ok(email) => users_db::find_account_by_email(&state.pool, email.as_str()).await?,
        Err(_) => None,
    };
    // An unknown email is checked against a decoy hash, so both paths cost the same.
    let password_matches = verify_password(password, account.as_ref().map(|a| a.password_hash.clone())).await?;

    let Some(account) = account else {
        let mut conn = state.pool.acquire().await?;
        audit::record(
            &mut conn,
            AuditEvent {
                actor: None,
                action: "LOGIN_FAILED",
                table_name: "users",
                record_id: None,
                details: Some(json!({ "reason": "unknown email" })),
                ip,
            },
        )
        .await?;
        crate::server::telemetry::sign_in_failed("unknown email");
        return Err(AppError::invalid("email", SIGN_IN_FAILED));
    };

    let refusal = if !password_matches {
        Some("wrong password")
    } else if !account.is_active {
        Some("inactive account")
    } else if users_db::is_locked(&state.pool, account.user_id, throttle_ip).await? {
        Some("throttled")
    } else {
        None
    };
    if let Some(reason) = refusal {
        let failure = FailedStep { actor: None, action: "LOGIN_FAILED", reason, counts: reason == "wrong password" };
        record_failed_step(state, account.user_id, ip, failure).await?;
        return Err(AppError::invalid("email", SIGN_IN_FAILED));
    }

    // Only now, with the right password given, may the answer say more than a wrong one would.
    if account.must_change_password && temporary_password_expired(account.password_changed_at, Utc::now()) {
        let mut conn = state.pool.acquire().await?;
        audit::record(
            &mut conn,
            AuditEvent {
                actor: None,
                action: "LOGIN_FAILED",
                table_name: "users",
                record_id: Some(account.user_id),
                details: Some(json!({ "reason": "temporary password expired" })),
                ip,
            },
        )
        .await?;
        return Err(AppError::invalid("email", TEMPORARY_PASSWORD_EXPIRED));
    }

    // Staff with two-factor sign-in, or without it where the clinic requires it, get no session
    // yet: only a short-lived pending second step. The address's failures are not forgotten
    // here either (the right password alone does not reset the backoff on codes).
    if account.role.is_staff() {
        let enrol = if two_factor_db::is_enrolled(&state.pool, account.user_id).await? {
            Some(false)
        } else if two_factor_db::required_by_clinic(&state.pool).await? {
            Some(true)
        } else {
            None
        };
        if let Some(enrol) = enrol {
            let mut conn = state.pool.acquire().await?;
            audit::record(
                &mut conn,
                AuditEvent {
                    actor: Some(account.user_id),
                    action: "LOGIN_PASSWORD_OK",
                    table_name: "users",
                    record_id: Some(account.user_id),
                    details: Some(json!({ "next": if enrol { "two-factor set-up" } else { "two-factor code" } })),
                    ip,
                },
            )
            .await?;
            let session = session().await?;
            session.cycle_id().await.map_err(AppError::internal)?;
            session.remove_value(SESSION_KEY).await.map_err(AppError::internal)?;
            let pending = PendingSecondStep {
                user_id: account.user_id,
                epoch: account.session_epoch,
                started_at: Utc::now().timestamp(),
                enrol,
            };
            session.insert(PENDING_KEY, &pending).await.map_err(AppError::internal)?;
            return Ok(if enrol { SignInStep::EnrolmentNeeded } else { SignInStep::CodeNeeded });
        }
    }
    finish_sign_in(state, &account, None).await.map(SignInStep::SignedIn)
}

/// Starts the session of `account`, whose sign-in is complete (`second_factor`: how the second
/// step was passed, for staff with two-factor sign-in).
async fn finish_sign_in(
    state: &AppState,
    account: &AccountRow,
    second_factor: Option<&str>,
) -> Result<CurrentUser, AppError> {
    let ip = client_ip();
    let mut tx = audit::begin_as(&state.pool, account.user_id).await?;
    users_db::record_successful_sign_in(&mut tx, account.user_id, throttle_key(ip)).await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor: Some(account.user_id),
            action: "LOGIN",
            table_name: "users",
            record_id: Some(account.user_id),
            details: second_factor.map(|method| json!({ "second_factor": method })),
            ip,
        },
    )
    .await?;
    tx.commit().await?;

    // A fresh session id at sign-in, so an id planted before it (session fixation) is worthless.
    let session = session().await?;
    session.cycle_id().await.map_err(AppError::internal)?;
    session.remove_value(PENDING_KEY).await.map_err(AppError::internal)?;
    let now = Utc::now().timestamp();
    let auth =
        SessionAuth { user_id: account.user_id, epoch: account.session_epoch, signed_in_at: now, last_seen_at: now };
    session.insert(SESSION_KEY, &auth).await.map_err(AppError::internal)?;
    Ok(account.current_user())
}

/// The answer when the pending second step is missing or over.
pub const SECOND_STEP_EXPIRED: &str = "Your sign-in has timed out. Please sign in again with your email and password.";

/// The account whose right password this browser gave, if its pending second step (of the kind
/// asked for) is still on: not expired, the account still active and on the same epoch.
async fn pending_account(state: &AppState, enrol: bool) -> Result<AccountRow, AppError> {
    let session = session().await?;
    let pending = session.get::<PendingSecondStep>(PENDING_KEY).await.map_err(AppError::internal)?;
    let Some(pending) = pending.filter(|p| p.enrol == enrol) else {
        return Err(AppError::Unauthenticated);
    };
    let expired = Utc::now().timestamp() - pending.started_at > SECOND_STEP_MINUTES * 60;
    let account = if expired { None } else { users_db::find_account_by_id(&state.pool, pending.user_id).await? };
    match account {
        Some(account) if account.is_active && account.session_epoch == pending.epoch => Ok(account),
        _ => {
            session.remove_value(PENDING_KEY).await.map_err(AppError::internal)?;
            Err(AppError::Unauthenticated)
        }
    }
}

/// A refused sign-in step (password or code) of a known account.
struct FailedStep<'a> {
    /// Who was signed in, when the step is one of theirs (turning two-factor off, new
    /// recovery codes).
    actor: Option<Uuid>,
    action: &'a str,
    reason: &'static str,
    /// Whether it counts towards the throttles: a wrong password or code does; a refusal that
    /// never looked at one (throttled already, inactive account) does not.
    counts: bool,
}

/// Audits a refused step of `user_id`'s sign-in, counts it against the throttles when it should,
/// in one transaction, and counts it in the metrics.
async fn record_failed_step(
    state: &AppState,
    user_id: Uuid,
    ip: Option<IpAddr>,
    failure: FailedStep<'_>,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    if failure.counts {
        users_db::record_failed_sign_in(&mut tx, user_id, throttle_key(ip)).await?;
    }
    audit::record(
        &mut tx,
        AuditEvent {
            actor: failure.actor,
            action: failure.action,
            table_name: "users",
            record_id: Some(user_id),
            details: Some(json!({ "reason": failure.reason })),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    crate::server::telemetry::sign_in_failed(failure.reason);
    Ok(())
}

/// The answer to a wrong, replayed or used-up code.
pub const WRONG_CODE: &str =
    "That code is not right, or was used already. Type the current code from your app, or a recovery code.";
/// The answer while wrong codes keep this address out of the account.
pub const CODE_THROTTLED: &str = "Too many wrong codes were tried. Please wait a few minutes before trying again.";

/// Checks and uses up a second factor of `account`, throttled exactly like passwords: a locked
/// address is refused without looking at the code, and a wrong code counts as a failed sign-in
/// (per-address backoff, per-account ceiling), is audited as `failed_action` and counted.
async fn check_code_throttled(
    state: &AppState,
    account: &AccountRow,
    actor: Option<Uuid>,
    code: &str,
    failed_action: &str,
) -> Result<&'static str, AppError> {
    let ip = client_ip();
    let throttle_ip = throttle_key(ip);
    let throttled = users_db::is_locked(&state.pool, account.user_id, throttle_ip).await?;
    let method = match (throttled, parse_code(code)) {
        (false, Some(factor)) => two_factor_service::use_second_factor(state, account.user_id, &factor).await?,
        _ => None,
    };
    if let Some(method) = method {
        return Ok(method);
    }
    let reason = if throttled { "two-factor throttled" } else { "wrong two-factor code" };
    let failure = FailedStep { actor, action: failed_action, reason, counts: !throttled };
    record_failed_step(state, account.user_id, ip, failure).await?;
    Err(AppError::invalid("code", if throttled { CODE_THROTTLED } else { WRONG_CODE }))
}

/// The second step of a staff sign-in: a code from the app, or a recovery code.
pub async fn second_step(state: &AppState, code: &str) -> Result<CurrentUser, AppError> {
    if state.login_limiter.check_key(&throttle_key(client_ip())).is_err() {
        return Err(AppError::TooManyRequests);
    }
    let account = pending_account(state, false).await?;
    let method = check_code_throttled(state, &account, None, code, "LOGIN_FAILED").await?;
    finish_sign_in(state, &account, Some(method)).await
}

/// Set-up during sign-in (the clinic requires two-factor sign-in and this person has none yet):
/// the secret for their app.
pub async fn start_pending_enrolment(state: &AppState) -> Result<EnrolmentStart, AppError> {
    if state.login_limiter.check_key(&throttle_key(client_ip())).is_err() {
        return Err(AppError::TooManyRequests);
    }
    let account = pending_account(state, true).await?;
    two_factor_service::start_enrolment(state, account.user_id, &account.email).await
}

/// Set-up during sign-in, confirmed with a code: two-factor sign-in is on, the session starts,
/// and the recovery codes are shown (once).
pub async fn confirm_pending_enrolment(state: &AppState, code: &str) -> Result<EnrolledSignIn, AppError> {
    if state.login_limiter.check_key(&throttle_key(client_ip())).is_err() {
        return Err(AppError::TooManyRequests);
    }
    let account = pending_account(state, true).await?;
    let recovery_codes = two_factor_service::confirm_enrolment(state, account.user_id, code).await?;
    let user = finish_sign_in(state, &account, Some("set up at sign-in")).await?;
    Ok(EnrolledSignIn { user, recovery_codes })
}

/// Turning two-factor sign-in off: the current password (throttled) and a code, so neither a
/// session left open nor a stolen password alone can remove it.
pub async fn disable_two_factor(
    state: &AppState,
    user: &CurrentUser,
    current_password: String,
    code: &str,
) -> Result<(), AppError> {
    reauthenticate_with_code(state, user, current_password, code).await?;
    two_factor_service::remove(state, user.user_id, user.user_id, "TWO_FACTOR_DISABLED").await?;
    Ok(())
}

/// The signed-in staff member proves it is them again, with their current password and then a
/// code, both throttled like sign-in (failures audited as `REAUTH_FAILED`).
async fn reauthenticate_with_code(
    state: &AppState,
    user: &CurrentUser,
    current_password: String,
    code: &str,
) -> Result<AccountRow, AppError> {
    check_password_of(state, user, current_password, false).await?;
    let account = users_db::find_account_by_id(&state.pool, user.user_id).await?.ok_or(AppError::Unauthenticated)?;
    if !two_factor_db::is_enrolled(&state.pool, user.user_id).await? {
        return Err(AppError::invalid("code", "Two-factor sign-in is not on for this account."));
    }
    check_code_throttled(state, &account, Some(user.user_id), code, "REAUTH_FAILED").await?;
    Ok(account)
}

/// New recovery codes for a staff member who used some up or lost them: like turning
/// two-factor off, it needs the current password and a code (the app's, or a recovery code).
pub async fn replace_recovery_codes(
    state: &AppState,
    user: &CurrentUser,
    current_password: String,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let account = reauthenticate_with_code(state, user, current_password, code).await?;
    two_factor_service::replace_recovery_codes(state, account.user_id).await
}

/// The answer while wrong current passwords keep this address out of the account.
pub const CURRENT_PASSWORD_THROTTLED: &str =
    "Too many wrong passwords were tried. Please wait a few minutes before trying again.";

/// Checks the signed-in person's current password before a sensitive change (the account
/// page), throttled exactly like sign-in: a stolen session must not become a fast way to guess
/// the password, so wrong answers count against the same per-address backoff and per-account
/// ceiling as failed sign-ins, and a locked address is refused without hashing at all.
pub async fn check_current_password(state: &AppState, user: &CurrentUser, password: String) -> Result<(), AppError> {
    check_password_of(state, user, password, true).await
}

/// [`check_current_password`]; `forgive_failures`: a right password clears this address's
/// failures (not when a code is checked next, whose failures must keep counting).
async fn check_password_of(
    state: &AppState,
    user: &CurrentUser,
    password: String,
    forgive_failures: bool,
) -> Result<(), AppError> {
    let ip = client_ip();
    let throttle_ip = throttle_key(ip);
    if state.login_limiter.check_key(&throttle_ip).is_err() {
        return Err(AppError::TooManyRequests);
    }
    if users_db::is_locked(&state.pool, user.user_id, throttle_ip).await? {
        return Err(AppError::invalid("current_password", CURRENT_PASSWORD_THROTTLED));
    }
    let account = users_db::find_account_by_id(&state.pool, user.user_id).await?.ok_or(AppError::Unauthenticated)?;
    if verify_password(password, Some(account.password_hash)).await? {
        if forgive_failures {
            let mut conn = state.pool.acquire().await?;
            users_db::clear_address_throttle(&mut conn, user.user_id, throttle_ip).await?;
        }
        return Ok(());
    }
    let mut tx = state.pool.begin().await?;
    users_db::record_failed_sign_in(&mut tx, user.user_id, throttle_ip).await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor: Some(user.user_id),
            action: "REAUTH_FAILED",
            table_name: "users",
            record_id: Some(user.user_id),
            details: None,
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    crate::server::telemetry::sign_in_failed("wrong current password");
    Err(AppError::invalid("current_password", "The current password is not right."))
}

pub async fn sign_out(state: &AppState, user: &CurrentUser) -> Result<(), AppError> {
    session().await?.flush().await.map_err(AppError::internal)?;
    let mut conn = state.pool.acquire().await?;
    audit::record(
        &mut conn,
        AuditEvent {
            actor: Some(user.user_id),
            action: "LOGOUT",
            table_name: "users",
            record_id: Some(user.user_id),
            details: None,
            ip: client_ip(),
        },
    )
    .await
}

/// After a password change or "sign out everywhere": this session stays, on the new epoch.
pub async fn keep_this_session(user_id: Uuid, new_epoch: i32) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(AppError::internal)?;
    if let Some(mut auth) = session.get::<SessionAuth>(SESSION_KEY).await.map_err(AppError::internal)? {
        if auth.user_id == user_id {
            auth.epoch = new_epoch;
            session.insert(SESSION_KEY, &auth).await.map_err(AppError::internal)?;
        }
    }
    Ok(())
}

impl AccountRow {
    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            user_id: self.user_id,
            role: self.role,
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            must_change_password: self.must_change_password,
        }
    }
}
