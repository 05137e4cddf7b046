//! PostgreSQL's own tools, `pg_dump` and `pg_restore`, run as child processes. They get the
//! connection through the libpq environment (PGHOST, PGPASSWORD, ...), never on their command
//! line, where every user of the machine could read the password.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

use anyhow::{bail, Context};

/// Where the PostgreSQL client programs are: `SYEI_PG_BIN` if set, else the newest
/// /usr/lib/postgresql/<version>/bin (Debian's layout, as .ci/embedded-db.sh finds it), else PATH.
pub fn tool(name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("SYEI_PG_BIN").filter(|dir| !dir.is_empty()) {
        return PathBuf::from(dir).join(name);
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let path = entry.path().join("bin").join(name);
            path.is_file().then_some((version, path))
        })
        .max_by_key(|(version, _)| *version);
    newest.map_or_else(|| PathBuf::from(name), |(_, path)| path)
}

/// A database to connect to, taken apart from a `postgres://` URL.
#[derive(Clone)]
pub struct Target {
    host: Option<String>,
    port: Option<u16>,
    user: Option<String>,
    password: Option<String>,
    pub database: String,
    sslmode: Option<String>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Target").field("host", &self.host).field("database", &self.database).finish_non_exhaustive()
    }
}

impl Target {
    pub fn from_url(database_url: &str) -> anyhow::Result<Target> {
        let url = url::Url::parse(database_url).map_err(|_| anyhow::anyhow!("DATABASE_URL is not a PostgreSQL URL"))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            bail!("DATABASE_URL is not a postgres:// URL");
        }
        let decode = |text: &str| percent_decode(text);
        let mut target = Target {
            host: url.host_str().filter(|host| !host.is_empty()).map(|host| host.trim_matches(['[', ']']).to_string()),
            port: url.port(),
            user: Some(url.username()).filter(|user| !user.is_empty()).map(decode),
            password: url.password().map(decode),
            database: decode(url.path().trim_start_matches('/')),
            sslmode: None,
        };
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                // libpq's own spelling of a unix socket directory.
                "host" => target.host = Some(value.into_owned()),
                "port" => target.port = value.parse().ok(),
                "user" => target.user = Some(value.into_owned()),
                "password" => target.password = Some(value.into_owned()),
                "dbname" => target.database = value.into_owned(),
                "sslmode" => target.sslmode = Some(value.into_owned()),
                _ => {}
            }
        }
        if target.database.is_empty() {
            bail!("DATABASE_URL names no database");
        }
        Ok(target)
    }

    pub fn with_database(&self, database: &str) -> Target {
        Target { database: database.to_string(), ..self.clone() }
    }

    /// The libpq environment of a child process; whatever PG* variables this process has are
    /// replaced, so the child reaches exactly this database.
    fn apply(&self, command: &mut Command) {
        for (name, _) in std::env::vars_os() {
            if name.to_str().is_some_and(|name| name.starts_with("PG")) {
                command.env_remove(name);
            }
        }
        let pairs = [
            ("PGHOST", self.host.clone()),
            ("PGPORT", self.port.map(|port| port.to_string())),
            ("PGUSER", self.user.clone()),
            ("PGPASSWORD", self.password.clone()),
            ("PGDATABASE", Some(self.database.clone())),
            ("PGSSLMODE", self.sslmode.clone()),
        ];
        for (name, value) in pairs {
            if let Some(value) = value {
                command.env(name, value);
            }
        }
    }
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Collects a child's stderr on a thread of its own, so a chatty child never blocks on a full
/// pipe while we feed or drain it.
fn collect_stderr(child: &mut Child) -> JoinHandle<String> {
    let stderr = child.stderr.take();
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stderr) = stderr {
            let _ = stderr.read_to_string(&mut text);
        }
        text
    })
}

fn spawn(program: &str, args: &[String], target: &Target, stdin: Stdio, stdout: Stdio) -> anyhow::Result<Child> {
    let path = tool(program);
    let mut command = Command::new(&path);
    command.args(args).stdin(stdin).stdout(stdout).stderr(Stdio::piped());
    target.apply(&mut command);
    command.spawn().with_context(|| {
        format!("could not run {} (install the PostgreSQL client tools, or set SYEI_PG_BIN)", path.display())
    })
}

/// Runs `pg_dump` in the custom format (what `pg_restore` reads), uncompressed (the backup
/// compresses the whole stream), reading the exported `snapshot`, into `out`.
pub fn dump(target: &Target, snapshot: &str, out: &mut impl Write) -> anyhow::Result<u64> {
    let args = ["--format=custom", "--compress=0", "--no-password", "--snapshot", snapshot].map(String::from);
    let mut child = spawn("pg_dump", &args, target, Stdio::null(), Stdio::piped())?;
    let errors = collect_stderr(&mut child);
    let copied = match child.stdout.take() {
        Some(mut stdout) => io::copy(&mut stdout, out),
        None => Err(io::Error::other("pg_dump has no output")),
    };
    let status = child.wait()?;
    let errors = errors.join().unwrap_or_default();
    if !status.success() {
        bail!("pg_dump failed ({status}): {}", errors.trim());
    }
    copied.context("writing the dump")
}

/// How `pg_restore` treats owners and rights.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestoreOptions {
    /// Objects belong to the restoring user instead of their original owners.
    pub no_owner: bool,
    /// Grants are left out (the roles they name need not exist).
    pub no_privileges: bool,
}

/// Feeds a custom-format dump to `pg_restore` in one transaction: it all loads, or nothing.
pub fn restore(target: &Target, dump: &mut impl Read, options: RestoreOptions) -> anyhow::Result<()> {
    let mut args = vec![
        "--exit-on-error".to_string(),
        "--single-transaction".to_string(),
        "--no-password".to_string(),
        format!("--dbname={}", target.database),
    ];
    if options.no_owner {
        args.push("--no-owner".into());
    }
    if options.no_privileges {
        args.push("--no-privileges".into());
    }
    let mut child = spawn("pg_restore", &args, target, Stdio::piped(), Stdio::null())?;
    let errors = collect_stderr(&mut child);
    let fed = match child.stdin.take() {
        Some(mut stdin) => io::copy(dump, &mut stdin).map(|_| ()),
        None => Err(io::Error::other("pg_restore takes no input")),
    };
    let status = child.wait()?;
    let errors = errors.join().unwrap_or_default();
    if !status.success() {
        bail!("pg_restore failed ({status}); nothing was loaded: {}", errors.trim());
    }
    // pg_restore succeeded, so a read error can only have come after the dump's end.
    fed.context("reading the backup")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_becomes_the_libpq_environment() {
        let target = Target::from_url("postgres://syei%40x:p%2Fw%3D@127.0.0.1:54329/clinic?sslmode=require").unwrap();
        assert_eq!(target.host.as_deref(), Some("127.0.0.1"));
        assert_eq!(target.port, Some(54329));
        assert_eq!(target.user.as_deref(), Some("syei@x"));
        assert_eq!(target.password.as_deref(), Some("p/w="));
        assert_eq!(target.database, "clinic");
        assert_eq!(target.sslmode.as_deref(), Some("require"));
        let socket = Target::from_url("postgresql:///clinic?host=/var/run/postgresql&user=me").unwrap();
        assert_eq!(socket.host.as_deref(), Some("/var/run/postgresql"));
        assert_eq!(socket.user.as_deref(), Some("me"));
        assert!(Target::from_url("postgres://127.0.0.1:5432").is_err());
        assert!(!format!("{target:?}").contains("p/w="));
    }
}
