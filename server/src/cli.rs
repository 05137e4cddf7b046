//! Command-line interface: `serve` (default), `migrate`, `seed-demo`, `create-admin`.
//! Every flag has an environment fallback, so the same binary runs from make, systemd or a
//! container without a wrapper script.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use app::server::state::AppState;
use clap::{Args, Parser, Subcommand};
use leptos::prelude::get_configuration;

use crate::{admin, connect, exit_code, init_tracing, router, seed, MIGRATOR};

#[derive(Debug, Parser)]
#[command(name = "server", version, about = "SyEI: the backoffice of a holistic medical centre")]
pub struct Cli {
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,

    /// Largest number of pooled database connections.
    #[arg(long, env = "SYEI_DB_MAX_CONNECTIONS", default_value_t = 20, global = true)]
    db_max_connections: u32,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web application (the default).
    Serve(ServeArgs),
    /// Apply pending database migrations.
    Migrate,
    /// Fill an empty database with demo data (refuses a database that has users).
    SeedDemo(SeedArgs),
    /// Create an administrator account (for the first login of a production install).
    CreateAdmin(CreateAdminArgs),
}

#[derive(Debug, Args, Default)]
struct ServeArgs {
    /// Address to listen on; defaults to the Leptos site address (127.0.0.1:3000).
    #[arg(long, env = "SYEI_ADDR")]
    addr: Option<SocketAddr>,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Password for every demo account; random when not given.
    #[arg(long, env = "SYEI_DEMO_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Write the demo logins (emails and the password) to this file, mode 600.
    #[arg(long, env = "SYEI_DEMO_LOGINS_FILE")]
    pub logins_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CreateAdminArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long, default_value = "Clinic")]
    pub first_name: String,
    #[arg(long, default_value = "Administrator")]
    pub last_name: String,
    /// Read the password from standard input instead of asking twice on the terminal.
    #[arg(long)]
    pub password_stdin: bool,
}

pub async fn run_cli() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    exit_code(run(cli).await)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let database_url = cli
        .database_url
        .context("DATABASE_URL is not set (use --database-url or the DATABASE_URL environment variable)")?;
    let pool = connect(&database_url, cli.db_max_connections).await?;
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(pool, args).await,
        Command::Migrate => {
            MIGRATOR.run(&pool).await.context("migration failed")?;
            println!("database schema is up to date");
            Ok(())
        }
        Command::SeedDemo(args) => seed::seed_demo(&pool, args).await,
        Command::CreateAdmin(args) => admin::create_admin(&pool, args).await,
    }
}

async fn serve(pool: sqlx::PgPool, args: ServeArgs) -> anyhow::Result<()> {
    let configuration = get_configuration(None).context("reading the Leptos configuration")?;
    let mut leptos_options = configuration.leptos_options;
    if let Some(addr) = args.addr {
        leptos_options.site_addr = addr;
    }
    let addr = leptos_options.site_addr;
    let app = router(AppState { leptos_options, pool });
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("could not listen on {addr}"))?;
    tracing::info!("SyEI listening on http://{addr}");
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await.context("server error")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
