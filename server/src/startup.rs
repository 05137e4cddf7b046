//! The one production entry point: binds the listener, builds the router and serves it with
//! connection info (so the server learns each caller's address). `server serve` runs it, and so
//! do the HTTP tests (on port 0), over a real socket.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use app::server::crypto::MasterKeys;
use app::server::session_store::PgSessionStore;
use app::server::state::{AppState, AuthSettings};
use axum::serve::ListenerExt;
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::backup::daily::DailyBackups;
use crate::client_addr::TrustedProxies;
use crate::monitoring::MonitoringSettings;
use crate::router;

/// How the server meets the network: which proxies may name the client, and the origin
/// browsers use to reach it (for the cross-site check).
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The scheme, host and port people type, e.g. `https://clinic.example`.
    pub public_origin: String,
    /// Peers whose `X-Forwarded-For` is believed (a reverse proxy in front of this server).
    pub trusted_proxies: TrustedProxies,
    /// Who may read `/metrics`, and what counts as a slow request.
    pub monitoring: MonitoringSettings,
}

impl HttpSettings {
    /// Settings for serving `addr` directly, with no proxy in front.
    pub fn direct(addr: SocketAddr, secure: bool) -> HttpSettings {
        let scheme = if secure { "https" } else { "http" };
        HttpSettings {
            public_origin: format!("{scheme}://{addr}"),
            trusted_proxies: TrustedProxies::none(),
            monitoring: MonitoringSettings::default(),
        }
    }
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
    http: Arc<HttpSettings>,
    daily_backups: Option<DailyBackups>,
}

impl Application {
    /// Binds `leptos_options.site_addr` (port 0 picks a free port) and prepares the app.
    /// Synchronous, so a test can start one without awaiting; it must run inside a Tokio runtime.
    pub fn build(
        leptos_options: LeptosOptions,
        pool: PgPool,
        auth: AuthSettings,
        http: HttpSettings,
        keys: MasterKeys,
    ) -> anyhow::Result<Application> {
        let addr = leptos_options.site_addr;
        let listener = std::net::TcpListener::bind(addr).with_context(|| format!("could not listen on {addr}"))?;
        listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(listener)?;
        Ok(Application {
            listener,
            state: AppState::new(leptos_options, pool, auth, keys),
            http: Arc::new(http),
            daily_backups: None,
        })
    }

    /// Takes a backup a day into a directory while serving (see `backup::daily`).
    pub fn with_daily_backups(mut self, backups: DailyBackups) -> Application {
        self.daily_backups = Some(backups);
        self
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.state.leptos_options.site_addr)
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        spawn_session_cleanup(PgSessionStore::new(self.state.pool.clone()));
        spawn_material_releases(self.state.pool.clone());
        spawn_retention(self.state.pool.clone());
        if let Some(backups) = self.daily_backups {
            crate::backup::daily::spawn(self.state.pool.clone(), backups);
        }
        let app = router(self.state, self.http);
        // Pages stream in pieces; with Nagle's algorithm on, each small piece after the first
        // waited for the browser's delayed ACK (about 40 ms a page under keep-alive load).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::warn!(%error, "could not set TCP_NODELAY");
            }
        });
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
            .context("server error")
    }
}

/// Materials whose release date has come are announced to their patients (and family allowed
/// to see materials). Checked every ten minutes, so a release lands soon after midnight in the
/// clinic's zone; each is announced once, whichever server instance gets there first.
fn spawn_material_releases(pool: sqlx::PgPool) {
    tokio::spawn(async move {
        let mut every_ten_minutes = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every_ten_minutes.tick().await;
            match app::server::services::materials::release_due(&pool).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "released materials announced"),
                Err(error) => tracing::warn!(%error, "announcing released materials failed"),
            }
        }
    });
}

/// Data retention, daily: every server checks every hour, and the job runs when no other run
/// holds its lock and the last real run is a day old (see `services::retention`). The first
/// check waits a few minutes so a restart loop or a test server never runs it at once.
fn spawn_retention(pool: sqlx::PgPool) {
    tokio::spawn(async move {
        let first = tokio::time::Instant::now() + std::time::Duration::from_secs(300);
        let mut every_hour = tokio::time::interval_at(first, std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            if let Err(error) = app::server::services::retention::run_if_due(&pool).await {
                tracing::warn!(%error, "the retention run failed");
            }
        }
    });
}

/// Expired sessions are already refused on load; this only keeps the table small.
fn spawn_session_cleanup(sessions: PgSessionStore) {
    tokio::spawn(async move {
        use tower_sessions::session_store::ExpiredDeletion;
        let mut every_ten_minutes = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every_ten_minutes.tick().await;
            if let Err(error) = sessions.delete_expired().await {
                tracing::warn!(%error, "expired-session cleanup failed");
            }
        }
    });
}
