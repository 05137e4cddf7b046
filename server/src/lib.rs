//! The SyEI server: configuration, telemetry, the HTTP router and the command-line tools.

pub mod admin;
pub mod api_gate;
pub mod audit;
pub mod audit_export;
pub mod backup;
pub mod cli;
pub mod client_addr;
pub mod compression;
pub mod csrf;
pub mod feeds;
pub mod files;
pub mod headers;
pub mod health;
pub mod keys;
pub mod monitoring;
pub mod retention;
pub mod seed;
pub mod startup;

use std::process::ExitCode;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use app::server::session_store::PgSessionStore;
use app::server::state::{AppState, ClientAddr};
use app::{shell, App};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Extension;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::ConnectOptions;
use sqlx::PgPool;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{time, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

pub use cli::run_cli;
use startup::HttpSettings;

/// Every schema change, embedded in the binary so `server migrate` needs no files.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The whole HTTP surface: health probes, the server functions and the rendered pages. From the
/// outside in: tracing, security headers, request metrics, the client's address, the cross-site
/// write check, sessions (kept in PostgreSQL), and the server-function gate.
pub fn router(state: AppState, http: Arc<HttpSettings>) -> Router {
    let routes = app_routes();
    let context_state = state.clone();
    let shell_options = state.leptos_options.clone();
    let sessions = SessionManagerLayer::new(PgSessionStore::new(state.pool.clone()))
        .with_name(state.auth.cookie_name())
        .with_secure(state.auth.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(state.auth.idle_timeout.num_seconds())));
    monitoring::install();
    let monitoring_settings = Arc::new(http.monitoring.clone());
    let scrape_settings = monitoring_settings.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route(
            "/metrics",
            get(move |State(state): State<AppState>, client: Option<Extension<ClientAddr>>, headers: HeaderMap| {
                monitoring::scrape(scrape_settings.clone(), state, client.map(|Extension(client)| client), headers)
            }),
        )
        .route("/readyz", get(health::readyz))
        .route("/calendar/feed/{file}", get(feeds::calendar_feed))
        .merge(files::routes())
        .merge(audit_export::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(shell_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn_with_state(state.clone(), api_gate::gate_server_functions))
        .layer(sessions)
        .layer(from_fn_with_state(
            Arc::new(csrf::PublicOrigin(http.public_origin.clone())),
            csrf::refuse_cross_site_writes,
        ))
        .layer(from_fn_with_state(Arc::new(http.trusted_proxies.clone()), client_addr::attach_client_addr))
        .layer(from_fn_with_state(monitoring_settings, monitoring::track_requests))
        .layer(from_fn_with_state(
            Arc::new(headers::HeaderSettings {
                https: state.auth.secure_cookies,
                hashed_assets: state.leptos_options.hash_files,
            }),
            headers::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(compression::no_compression_for_cross_site_requests))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The app's page routes, generated once per process and before any server of it renders.
///
/// Why once: generating them renders the app with resource loading suppressed through a flag
/// that is global to the process (leptos_server's `SuppressResourceLoad`), and a resource first
/// polled by another request while that flag is up waits forever: its page never finishes
/// (leptos-rs/leptos#4773). A process that starts a second server while the first one serves
/// (the HTTP tests start hundreds) would now and then leave a request hanging. `OnceLock` makes
/// any other caller wait for the first generation, and no server can serve before it has its
/// routes, so no page is ever rendered while the flag is up.
fn app_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Opens the pool. The URL is never logged: it carries the database password. Statements slower
/// than a second are logged at `warn` with their text (placeholders, never the bound values);
/// every other statement is not logged at all.
pub async fn connect(database_url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(database_url)
        .context("DATABASE_URL is not a PostgreSQL URL")?
        .log_statements(log::LevelFilter::Off)
        .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(1));
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .context("could not connect to PostgreSQL (check DATABASE_URL and that the server is running)")
}

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // try_init: tests may call this more than once.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

pub(crate) fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A broken audit chain was already described; it gets its own status for monitoring.
        Err(error) if error.is::<audit::ChainBroken>() => ExitCode::from(2),
        // A skipped retention run is not a failure, but a script may want to know.
        Err(error) if error.is::<retention::RunSkipped>() => {
            eprintln!("{error}");
            ExitCode::from(3)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
