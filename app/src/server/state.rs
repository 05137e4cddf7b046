use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::FromRef;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use leptos::prelude::{use_context, LeptosOptions};
use sqlx::PgPool;

use crate::error::AppError;
use crate::server::crypto::MasterKeys;

/// Session and sign-in settings (see the README for the environment variables).
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// A session unused this long is over.
    pub idle_timeout: chrono::Duration,
    /// A session is over this long after sign-in, however busy.
    pub absolute_lifetime: chrono::Duration,
    /// Serve the cookie as `__Host-syei_session` with `Secure` (the default; off only for
    /// development over plain http).
    pub secure_cookies: bool,
    /// Sign-in attempts one address may make per minute.
    pub login_attempts_per_minute: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            idle_timeout: chrono::Duration::minutes(30),
            absolute_lifetime: chrono::Duration::hours(12),
            secure_cookies: true,
            login_attempts_per_minute: 30,
        }
    }
}

impl AuthSettings {
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-syei_session"
        } else {
            "syei_session"
        }
    }
}

/// What every request can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub auth: Arc<AuthSettings>,
    pub login_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// The master keys that wrap patients' data keys (from `SYEI_MASTER_KEY_FILE`).
    pub keys: Arc<MasterKeys>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, pool: PgPool, auth: AuthSettings, keys: MasterKeys) -> AppState {
        let per_minute = NonZeroU32::new(auth.login_attempts_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        AppState {
            leptos_options,
            pool,
            login_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
            auth: Arc::new(auth),
            keys: Arc::new(keys),
        }
    }
}

/// The state as provided to server functions and pages by the router.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from the request context"))
}

/// The client's address for this request (set by the server's client-address layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);
