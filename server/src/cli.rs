//! Command-line interface: `serve` (default), `migrate`, `seed-demo`, `create-admin`, `keys`,
//! `audit`, `retention`, `backup`, `restore`.
//! Every flag has an environment fallback, so the same binary runs from make, systemd or a
//! container without a wrapper script.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use app::api::ENDPOINTS;
use app::server::state::AuthSettings;
use clap::{Args, Parser, Subcommand};
use leptos::prelude::get_configuration;

use crate::audit::AuditCommand;
use crate::backup::daily::DailyBackups;
use crate::backup::key::BackupKeyArgs;
use crate::backup::{BackupArgs, RestoreArgs};
use crate::client_addr::TrustedProxies;
use crate::keys::{KeyFileArgs, KeysCommand};
use crate::monitoring::MonitoringSettings;
use crate::retention::RetentionCommand;
use crate::startup::{Application, HttpSettings};
use crate::{admin, connect, exit_code, init_tracing, seed, MIGRATOR};

#[derive(Debug, Parser)]
#[command(name = "server", version, about = "SyEI: the backoffice of a holistic medical centre")]
pub struct Cli {
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,

    /// Largest number of pooled database connections.
    #[arg(long, env = "SYEI_DB_MAX_CONNECTIONS", default_value_t = 20, global = true)]
    db_max_connections: u32,

    #[command(flatten)]
    key_file: KeyFileArgs,

    #[command(flatten)]
    backup_key: BackupKeyArgs,

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
    /// Print every server function endpoint and who may call it.
    Routes,
    /// The master key file: make it, rotate the master key, see what it wraps.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// The audit trail: check its hash chain (`audit verify`).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write an encrypted, checksummed backup of the database (`backup verify FILE` checks one
    /// by restoring it into a scratch database).
    Backup(BackupArgs),
    /// Load a backup into an empty database (DATABASE_URL).
    Restore(RestoreArgs),
    /// Data retention: remove what outlived its period now (`retention run [--dry-run]`).
    #[command(subcommand)]
    Retention(RetentionCommand),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The connection URL of the app role (`syei_app`: reads and writes rows, appends to the
    /// audit trail, owns nothing). DATABASE_URL, the owner, is used when it is not set.
    #[arg(long, env = "SYEI_APP_DATABASE_URL", hide_env_values = true)]
    app_database_url: Option<String>,
    /// Address to listen on; defaults to the Leptos site address (127.0.0.1:3000).
    #[arg(long, env = "SYEI_ADDR")]
    addr: Option<SocketAddr>,
    /// A session unused this many minutes is over.
    #[arg(long, env = "SYEI_SESSION_IDLE_MINUTES", default_value_t = 30)]
    session_idle_minutes: i64,
    /// A session is over this many hours after sign-in.
    #[arg(long, env = "SYEI_SESSION_LIFETIME_HOURS", default_value_t = 12)]
    session_lifetime_hours: i64,
    /// Development only: a plain `syei_session` cookie without Secure, and no HSTS, for
    /// http://127.0.0.1 (`make run` and `make test` set it). Without it the cookie is
    /// `__Host-syei_session` with Secure, which browsers only send over https.
    #[arg(long, env = "SYEI_DEV_INSECURE_COOKIES", default_value_t = false)]
    dev_insecure_cookies: bool,
    /// The origin people open the clinic on (scheme, host, port), e.g. https://clinic.example.
    /// Writes from browsers must come from it. Default: http(s)://<listen address>.
    #[arg(long, env = "SYEI_PUBLIC_ORIGIN")]
    public_origin: Option<String>,
    /// Reverse proxies whose X-Forwarded-For names the client (addresses or networks,
    /// comma-separated). Default: none, and the socket's peer is the client.
    #[arg(long, env = "SYEI_TRUSTED_PROXIES", default_value = "")]
    trusted_proxies: TrustedProxies,
    /// Sign-in attempts one address may make per minute.
    #[arg(long, env = "SYEI_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = 30)]
    login_attempts_per_minute: u32,
    /// A bearer token that opens `/metrics` from any address (without it, loopback only).
    #[arg(long, env = "SYEI_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Requests slower than this many milliseconds are logged (route and duration only).
    #[arg(long, env = "SYEI_SLOW_REQUEST_MS", default_value_t = 500)]
    slow_request_ms: u64,
    /// Take a backup a day into this directory (needs SYEI_BACKUP_KEY_FILE).
    #[arg(long, env = "SYEI_BACKUP_DIR")]
    backup_dir: Option<PathBuf>,
    /// Who the daily backups read the database as: a role that may read every table, e.g. a
    /// login in `pg_read_all_data`. Default: DATABASE_URL (the owner).
    #[arg(long, env = "SYEI_BACKUP_DATABASE_URL", hide_env_values = true)]
    backup_database_url: Option<String>,
    /// Daily backups kept in SYEI_BACKUP_DIR; older ones are deleted.
    #[arg(long, env = "SYEI_BACKUP_KEEP", default_value_t = 14)]
    backup_keep: usize,
}

impl Default for ServeArgs {
    fn default() -> Self {
        // The same defaults as the flags, for `server` without a subcommand.
        ServeArgs::parse_env()
    }
}

impl ServeArgs {
    fn parse_env() -> ServeArgs {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Only::parse_from(["server"]).serve
    }

    fn http_settings(&self, addr: SocketAddr) -> HttpSettings {
        let direct = HttpSettings::direct(addr, !self.dev_insecure_cookies);
        HttpSettings {
            public_origin: self.public_origin.clone().unwrap_or(direct.public_origin),
            trusted_proxies: self.trusted_proxies.clone(),
            monitoring: MonitoringSettings {
                metrics_token: self.metrics_token.clone().filter(|token| !token.is_empty()),
                slow_request: std::time::Duration::from_millis(self.slow_request_ms),
            },
        }
    }

    fn auth_settings(&self) -> AuthSettings {
        AuthSettings {
            idle_timeout: chrono::Duration::minutes(self.session_idle_minutes.max(1)),
            absolute_lifetime: chrono::Duration::hours(self.session_lifetime_hours.max(1)),
            secure_cookies: !self.dev_insecure_cookies,
            login_attempts_per_minute: self.login_attempts_per_minute,
        }
    }
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
    match cli.command {
        Some(Command::Routes) => {
            print_routes();
            return Ok(());
        }
        Some(Command::Keys(KeysCommand::Init)) => {
            return crate::keys::run(KeysCommand::Init, &cli.key_file, None).await
        }
        Some(Command::Keys(KeysCommand::InitBackup)) => return crate::backup::key::init(&cli.backup_key),
        // They connect by themselves, and hand the URL to pg_dump and pg_restore.
        Some(Command::Backup(args)) => {
            return crate::backup::run_backup(args, cli.database_url.as_deref(), &cli.backup_key).await
        }
        Some(Command::Restore(args)) => {
            return crate::backup::run_restore(args, cli.database_url.as_deref(), &cli.backup_key).await
        }
        _ => {}
    }
    let command = cli.command.unwrap_or_else(|| Command::Serve(ServeArgs::default()));
    if let Command::Serve(args) = &command {
        if let Some(app_database_url) = args.app_database_url.as_deref().filter(|url| !url.is_empty()) {
            let pool = connect(app_database_url, cli.db_max_connections).await?;
            let keys = cli.key_file.load_checked(&pool).await?;
            let backups = daily_backups(args, cli.database_url.as_deref(), &cli.backup_key)?;
            return serve(pool, args, keys, backups).await;
        }
        tracing::warn!(
            "SYEI_APP_DATABASE_URL is not set: serving with the rights of DATABASE_URL, which may alter \
             tables and the audit trail (README, \"Database roles\")"
        );
    }
    let database_url = cli
        .database_url
        .context("DATABASE_URL is not set (use --database-url or the DATABASE_URL environment variable)")?;
    let pool = connect(&database_url, cli.db_max_connections).await?;
    match command {
        Command::Serve(args) => {
            let keys = cli.key_file.load_checked(&pool).await?;
            let backups = daily_backups(&args, Some(&database_url), &cli.backup_key)?;
            serve(pool, &args, keys, backups).await
        }
        Command::Migrate => migrate(&pool, &cli.key_file).await,
        Command::SeedDemo(args) => seed::seed_demo(&pool, args, &cli.key_file.load_checked(&pool).await?).await,
        Command::CreateAdmin(args) => admin::create_admin(&pool, args).await,
        Command::Keys(command) => crate::keys::run(command, &cli.key_file, Some(&pool)).await,
        Command::Audit(command) => crate::audit::run(command, &pool).await,
        Command::Retention(command) => crate::retention::run(command, &pool).await,
        Command::Routes | Command::Backup(_) | Command::Restore(_) => Ok(()),
    }
}

/// Applies the schema migrations, then seals any patient details still stored in plaintext
/// (written before encryption at rest), which needs the key file.
async fn migrate(pool: &sqlx::PgPool, key_file: &KeyFileArgs) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("migration failed")?;
    println!("database schema is up to date");
    let legacy = app::server::db::patients::with_legacy_plaintext(pool, 1).await?;
    if !legacy.is_empty() {
        let keys = key_file.load_checked(pool).await.context("patient details must be sealed")?;
        let sealed = app::server::services::patient_vault::seal_legacy_plaintext(pool, &keys).await?;
        println!("sealed the clinical details of {sealed} patients stored before encryption at rest");
    }
    Ok(())
}

/// One endpoint a line: its full path and who may call it (`public` for anyone).
fn print_routes() {
    for endpoint in ENDPOINTS {
        println!("{} {}", endpoint.path, endpoint.callers());
    }
}

/// The daily backups asked for by SYEI_BACKUP_DIR, checked now: a server told to back up that
/// cannot (no key file, a directory it cannot write) refuses to start.
fn daily_backups(
    args: &ServeArgs,
    database_url: Option<&str>,
    backup_key: &BackupKeyArgs,
) -> anyhow::Result<Option<DailyBackups>> {
    let Some(dir) = args.backup_dir.clone().filter(|dir| !dir.as_os_str().is_empty()) else {
        return Ok(None);
    };
    let keys = backup_key.load().context("SYEI_BACKUP_DIR is set, so daily backups need the backup key")?;
    // The app role may not read the migration history, so dumps need another login.
    let dump_url = args
        .backup_database_url
        .as_deref()
        .filter(|url| !url.is_empty())
        .or(database_url)
        .context("SYEI_BACKUP_DIR is set, so daily backups need SYEI_BACKUP_DATABASE_URL or DATABASE_URL")?;
    Ok(Some(DailyBackups::new(dir, args.backup_keep, dump_url.to_string(), keys)?))
}

async fn serve(
    pool: sqlx::PgPool,
    args: &ServeArgs,
    keys: app::server::crypto::MasterKeys,
    backups: Option<DailyBackups>,
) -> anyhow::Result<()> {
    let configuration = get_configuration(None).context("reading the Leptos configuration")?;
    let mut leptos_options = configuration.leptos_options;
    use_hashed_assets_if_built(&mut leptos_options);
    if let Some(addr) = args.addr {
        leptos_options.site_addr = addr;
    }
    let http = args.http_settings(leptos_options.site_addr);
    let mut application = Application::build(leptos_options, pool, args.auth_settings(), http, keys)?;
    if let Some(backups) = backups {
        tracing::info!(dir = %backups.dir.display(), keep = backups.keep, "daily backups on");
        application = application.with_daily_backups(backups);
    }
    tracing::info!("SyEI listening on http://{}", application.local_addr());
    application.run_until_stopped(shutdown_signal()).await
}

/// cargo-leptos writes `hash.txt` (the content hashes in the asset names) next to the binary
/// it builds; the binary started on its own (`make run`) finds it there and names the hashed
/// files in its pages. `LEPTOS_HASH_FILES` set by hand wins.
fn use_hashed_assets_if_built(options: &mut leptos::prelude::LeptosOptions) {
    if std::env::var_os("LEPTOS_HASH_FILES").is_some() {
        return;
    }
    let beside_binary =
        std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join(&*options.hash_file)));
    options.hash_files = beside_binary.is_some_and(|path| path.is_file());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        let backup = Cli::try_parse_from(["server", "backup", "verify", "f.sbk"]).unwrap();
        assert!(matches!(backup.command, Some(Command::Backup(BackupArgs { check: Some(_), .. }))));
        let to_file = Cli::try_parse_from(["server", "backup", "--out", "f.sbk"]).unwrap();
        assert!(matches!(to_file.command, Some(Command::Backup(BackupArgs { check: None, out: Some(_), .. }))));
        assert!(Cli::try_parse_from(["server", "backup", "--out", "a", "--dir", "b"]).is_err());
    }
}
