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
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::endpoint::Endpoint;

const SESSION_KEY: &str = "auth";
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

pub async fn sign_in(state: &AppState, email: &str, password: String) -> Result<CurrentUser, AppError> {
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
        let mut tx = state.pool.begin().await?;
        if reason == "wrong password" {
            users_db::record_failed_sign_in(&mut tx, account.user_id, throttle_ip).await?;
        }
        audit::record(
            &mut tx,
            AuditEvent {
                actor: None,
                action: "LOGIN_FAILED",
                table_name: "users",
                record_id: Some(account.user_id),
                details: Some(json!({ "reason": reason })),
                ip,
            },
        )
        .await?;
        tx.commit().await?;
        crate::server::telemetry::sign_in_failed(reason);
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

    let mut tx = audit::begin_as(&state.pool, account.user_id).await?;
    users_db::record_successful_sign_in(&mut tx, account.user_id, throttle_ip).await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor: Some(account.user_id),
            action: "LOGIN",
            table_name: "users",
            record_id: Some(account.user_id),
            details: None,
            ip,
        },
    )
    .await?;
    tx.commit().await?;

    // A fresh session id at sign-in, so an id planted before it (session fixation) is worthless.
    let session = session().await?;
    session.cycle_id().await.map_err(AppError::internal)?;
    let now = Utc::now().timestamp();
    let auth =
        SessionAuth { user_id: account.user_id, epoch: account.session_epoch, signed_in_at: now, last_seen_at: now };
    session.insert(SESSION_KEY, &auth).await.map_err(AppError::internal)?;
    Ok(account.current_user())
}

/// The answer while wrong current passwords keep this address out of the account.
pub const CURRENT_PASSWORD_THROTTLED: &str =
    "Too many wrong passwords were tried. Please wait a few minutes before trying again.";

/// Checks the signed-in person's current password before a sensitive change (the account
/// page), throttled exactly like sign-in: a stolen session must not become a fast way to guess
/// the password, so wrong answers count against the same per-address backoff and per-account
/// ceiling as failed sign-ins, and a locked address is refused without hashing at all.
pub async fn check_current_password(state: &AppState, user: &CurrentUser, password: String) -> Result<(), AppError> {
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
        let mut conn = state.pool.acquire().await?;
        users_db::clear_address_throttle(&mut conn, user.user_id, throttle_ip).await?;
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
