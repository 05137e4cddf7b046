//! Backups that restore: `server backup` (and the daily backups of a running server),
//! `server restore`, `server backup verify`.
//!
//! A backup is `pg_dump`'s custom format (what `pg_restore` loads), preceded by a manifest (every
//! table and its row count, the audit chain's head, the newest migration, all read in the
//! dump's own snapshot), gzip-compressed, sealed with the backup key and checksummed
//! ([`format`]). Restoring checks the checksum and decrypts the whole file before the first byte
//! reaches `pg_restore`, loads into an empty database only, in one transaction. Verifying
//! restores into a scratch database made and dropped for the purpose, compares the tables and
//! row counts with the manifest and walks the audit chain to the head the backup recorded.

pub mod daily;
pub mod format;
pub mod key;
pub mod pg;

use std::io::{self, BufWriter, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use app::server::services::audit_chain::{self, ChainPoint, Verdict};
use clap::{Args, Subcommand};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use self::format::{CheckedFile, FormatError, Header, SealingWriter};
use self::key::{BackupKey, BackupKeyArgs, BackupKeys};
use self::pg::{RestoreOptions, Target};

/// The tables without which a backup is not a SyEI database, whatever else it holds.
const CORE_TABLES: &[&str] =
    &["_sqlx_migrations", "users", "patients", "patient_data_keys", "appointments", "audit_logs"];

/// The file name of a backup: `syei-<database>-<UTC time>.sbk`, so names sort by age.
const EXTENSION: &str = "sbk";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub check: Option<BackupCheck>,
    /// Write the backup to this file (refused if it exists).
    #[arg(long, conflicts_with = "dir")]
    pub out: Option<PathBuf>,
    /// Write the backup into this directory, named by database and time (default: SYEI_BACKUP_DIR,
    /// else the current directory).
    #[arg(long, env = "SYEI_BACKUP_DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BackupCheck {
    /// Restore a backup into a scratch database (made and dropped here), compare its tables and
    /// row counts with the backup's manifest and verify the audit chain.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file.
    pub file: PathBuf,
    #[command(flatten)]
    pub options: RestoreFlags,
}

#[derive(Debug, Args)]
pub struct RestoreFlags {
    /// Make the restoring user own every object (for a server without the original owner role).
    #[arg(long)]
    pub no_owner: bool,
    /// Leave out the grants (for a server without the app role; grant its rights afterwards).
    #[arg(long)]
    pub no_privileges: bool,
}

/// Read in the dump's snapshot, sealed with it: what the restored database must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub database: String,
    pub tables: Vec<TableRows>,
    /// `<position>:<hash>` of the audit chain's head, if the database has the chain.
    pub audit_head: Option<String>,
    /// The newest migration applied.
    pub migration: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRows {
    pub table: String,
    pub rows: i64,
}

/// What a finished backup was.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub tables: usize,
    pub took: Duration,
}

pub async fn run_backup(args: BackupArgs, database_url: Option<&str>, keys: &BackupKeyArgs) -> anyhow::Result<()> {
    let database_url = database_url.context("DATABASE_URL is not set")?;
    match args.check {
        Some(BackupCheck::Verify(verify_args)) => verify(database_url, &keys.load()?, &verify_args.file).await,
        None => {
            let keys = keys.load()?;
            let path = match (args.out, args.dir) {
                (Some(out), _) => out,
                (None, dir) => {
                    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
                    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
                    dir.join(file_name(&Target::from_url(database_url)?.database, chrono::Utc::now()))
                }
            };
            let written = write_backup(database_url, keys.current(), &path).await?;
            println!(
                "wrote {} ({} bytes, {} tables, {:.1} s), sealed with backup key {}",
                written.path.display(),
                written.bytes,
                written.tables,
                written.took.as_secs_f64(),
                keys.current().id
            );
            Ok(())
        }
    }
}

pub async fn run_restore(args: RestoreArgs, database_url: Option<&str>, keys: &BackupKeyArgs) -> anyhow::Result<()> {
    let database_url = database_url.context("DATABASE_URL is not set")?;
    let options = RestoreOptions { no_owner: args.options.no_owner, no_privileges: args.options.no_privileges };
    let (header, manifest) = restore(database_url, &keys.load()?, &args.file, options).await?;
    let rows: i64 = manifest.tables.iter().map(|table| table.rows).sum();
    println!(
        "restored {} (database {} as of {}): {} tables, {rows} rows, into database {}",
        args.file.display(),
        header.database,
        header.created_at.to_rfc3339(),
        manifest.tables.len(),
        Target::from_url(database_url)?.database
    );
    println!("next: `server audit verify` on it, and start the server with the master key file of that time");
    Ok(())
}

pub fn file_name(database: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    format!("syei-{database}-{}.{EXTENSION}", at.format("%Y%m%dT%H%M%SZ"))
}

/// Dumps `database_url` into a new file at `path` (mode 600), sealed with `key`. The file
/// appears under its name only once complete: it is written beside it and renamed.
pub async fn write_backup(database_url: &str, key: &BackupKey, path: &Path) -> anyhow::Result<Written> {
    let started = Instant::now();
    if path.exists() {
        bail!("{} exists; a backup never replaces a file", path.display());
    }
    let target = Target::from_url(database_url)?;
    let mut conn = connect(database_url).await?;
    // The manifest and pg_dump read the same snapshot, kept open until the dump is done.
    let mut tx = conn.begin_with("begin isolation level repeatable read, read only").await?;
    let snapshot: String = sqlx::query_scalar("select pg_export_snapshot()").fetch_one(&mut *tx).await?;
    let manifest = read_manifest(&mut tx).await?;
    let header = Header::new(&key.id, &manifest.database);
    let partial = path.with_extension("partial");
    let (key, final_path, partial_in_task) = (key.clone(), path.to_path_buf(), partial.clone());
    let tables = manifest.tables.len();
    let written = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&partial_in_task)
            .with_context(|| format!("creating {}", partial_in_task.display()))?;
        let sealed = SealingWriter::new(BufWriter::new(file), &header, &key)?;
        let mut compressed = GzEncoder::new(sealed, flate2::Compression::default());
        write_frame(&mut compressed, &manifest)?;
        pg::dump(&target, &snapshot, &mut compressed)?;
        let file = compressed.finish()?.finish()?.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        let bytes = file.metadata()?.len();
        std::fs::rename(&partial_in_task, &final_path)
            .with_context(|| format!("renaming to {}", final_path.display()))?;
        Ok(bytes)
    })
    .await
    .context("the backup task stopped")?;
    tx.rollback().await?;
    let bytes = written.inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    Ok(Written { path: path.to_path_buf(), bytes, tables, took: started.elapsed() })
}

async fn connect(database_url: &str) -> anyhow::Result<PgConnection> {
    let options: PgConnectOptions = database_url.parse().context("DATABASE_URL is not a PostgreSQL URL")?;
    options
        .log_statements(log::LevelFilter::Off)
        .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(1))
        .connect()
        .await
        .context("could not connect to PostgreSQL (check DATABASE_URL and that the server is running)")
}

async fn read_manifest(conn: &mut PgConnection) -> anyhow::Result<Manifest> {
    let database: String = sqlx::query_scalar("select current_database()").fetch_one(&mut *conn).await?;
    let names = user_tables(conn).await?;
    let mut tables = Vec::with_capacity(names.len());
    for table in names {
        let rows: i64 =
            sqlx::query_scalar(&format!("select count(*) from {}", quote(&table))).fetch_one(&mut *conn).await?;
        tables.push(TableRows { table, rows });
    }
    let audit_head = if has_table(&tables, "audit_chain_head") {
        sqlx::query_as::<_, (i64, Vec<u8>)>("select last_seq, last_hash from audit_chain_head")
            .fetch_optional(&mut *conn)
            .await?
            .and_then(|(seq, hash)| Some(ChainPoint { seq, hash: hash.try_into().ok()? }.to_string()))
    } else {
        None
    };
    let migration = if has_table(&tables, "_sqlx_migrations") {
        sqlx::query_scalar::<_, Option<i64>>("select max(version) from _sqlx_migrations where success")
            .fetch_one(&mut *conn)
            .await?
    } else {
        None
    };
    Ok(Manifest { database, tables, audit_head, migration })
}

fn has_table(tables: &[TableRows], name: &str) -> bool {
    tables.iter().any(|table| table.table == name)
}

/// Ordinary tables outside PostgreSQL's own schemas, `schema.table` unless in `public`.
async fn user_tables(conn: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        r"select case when n.nspname = 'public' then c.relname else n.nspname || '.' || c.relname end
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
            and n.nspname not like 'pg\_%'
          order by 1",
    )
    .fetch_all(conn)
    .await?)
}

fn quote(table: &str) -> String {
    table.split('.').map(|part| format!("\"{}\"", part.replace('"', "\"\""))).collect::<Vec<_>>().join(".")
}

/// The manifest, ahead of the dump in the compressed stream: its length, then JSON.
fn write_frame(out: &mut impl Write, manifest: &Manifest) -> anyhow::Result<()> {
    let json = serde_json::to_vec(manifest)?;
    out.write_all(&u32::try_from(json.len())?.to_be_bytes())?;
    out.write_all(&json)?;
    Ok(())
}

fn read_frame(input: &mut impl Read) -> anyhow::Result<Manifest> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len).context("the backup ends before its manifest")?;
    let len = u32::from_be_bytes(len);
    if len > 64 * 1024 * 1024 {
        bail!("the backup's manifest is implausibly large");
    }
    let mut json = vec![0u8; len as usize];
    input.read_exact(&mut json).context("the backup ends inside its manifest")?;
    serde_json::from_slice(&json).context("the backup's manifest does not read")
}

/// Checks the checksum, finds the key, and decrypts the whole file once: after this, the file
/// is known to be whole and ours.
async fn open_checked(keys: &BackupKeys, file: &Path) -> anyhow::Result<(CheckedFile, BackupKey)> {
    let path = file.to_path_buf();
    let checked = tokio::task::spawn_blocking(move || format::check(&path)).await??;
    let key = keys.by_id(&checked.header.key_id).cloned().ok_or_else(|| FormatError::UnknownKey {
        path: file.display().to_string(),
        key_id: checked.header.key_id.clone(),
    })?;
    let (checked, key) =
        tokio::task::spawn_blocking(move || checked.authenticate(&key).map(|()| (checked, key))).await??;
    Ok((checked, key))
}

/// Loads the dump into `target` (which must be empty) and returns the manifest it carried.
async fn load(
    checked: CheckedFile,
    key: BackupKey,
    target: Target,
    options: RestoreOptions,
) -> anyhow::Result<Manifest> {
    tokio::task::spawn_blocking(move || -> anyhow::Result<Manifest> {
        let reader = checked.open(&key)?;
        let mut plain = GzDecoder::new(io::BufReader::new(reader));
        let manifest = read_frame(&mut plain)?;
        pg::restore(&target, &mut plain, options)?;
        Ok(manifest)
    })
    .await?
}

/// `server restore`: into the (empty) database of `database_url`.
pub async fn restore(
    database_url: &str,
    keys: &BackupKeys,
    file: &Path,
    options: RestoreOptions,
) -> anyhow::Result<(Header, Manifest)> {
    let (checked, key) = open_checked(keys, file).await?;
    let target = Target::from_url(database_url)?;
    let mut conn = connect(database_url).await?;
    let existing = user_tables(&mut conn).await?;
    conn.close().await?;
    if !existing.is_empty() {
        bail!(
            "refusing to restore into database {}: it already has {} tables. Restore only into an empty database \
             (create one, e.g. `createdb <name>`, and point DATABASE_URL at it)",
            target.database,
            existing.len()
        );
    }
    let header = checked.header.clone();
    let manifest = load(checked, key, target, options).await?;
    Ok((header, manifest))
}

/// `server backup verify`.
pub async fn verify(database_url: &str, keys: &BackupKeys, file: &Path) -> anyhow::Result<()> {
    let (checked, key) = open_checked(keys, file).await?;
    let header = checked.header.clone();
    println!(
        "{}: checksum matches; decrypts with backup key {}; database {} as of {}",
        file.display(),
        header.key_id,
        header.database,
        header.created_at.to_rfc3339()
    );
    let server = Target::from_url(database_url)?;
    let scratch_name = format!("{}_verify_{:08x}", truncate(&server.database, 40), rand::random::<u32>());
    let mut admin = connect(database_url).await?;
    sqlx::query(&format!("create database {}", quote(&scratch_name))).execute(&mut admin).await.with_context(|| {
        format!("creating the scratch database {scratch_name} (the DATABASE_URL user needs CREATEDB)")
    })?;
    let checked_result =
        verify_in(checked, key, database_url, &server.with_database(&scratch_name), &scratch_name).await;
    let dropped = sqlx::query(&format!("drop database if exists {} with (force)", quote(&scratch_name)))
        .execute(&mut admin)
        .await;
    let _ = admin.close().await;
    match (checked_result, dropped) {
        (Ok(()), Ok(_)) => {
            println!("the backup restores: scratch database {scratch_name} dropped");
            Ok(())
        }
        (Ok(()), Err(error)) => {
            Err(anyhow::anyhow!("the backup restores, but dropping {scratch_name} failed: {error}"))
        }
        (Err(error), _) => Err(error),
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

async fn verify_in(
    checked: CheckedFile,
    key: BackupKey,
    database_url: &str,
    scratch: &Target,
    scratch_name: &str,
) -> anyhow::Result<()> {
    // Owners and grants are left out: they name roles this server may not have, and do not
    // change what is in the tables.
    let options = RestoreOptions { no_owner: true, no_privileges: true };
    let manifest = load(checked, key, scratch.clone(), options).await?;
    let scratch_url: PgConnectOptions = database_url.parse::<PgConnectOptions>()?.database(scratch_name);
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(2).connect_with(scratch_url).await?;
    let outcome = compare(&pool, &manifest).await;
    pool.close().await;
    outcome
}

async fn compare(pool: &sqlx::PgPool, manifest: &Manifest) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await?;
    let restored = read_manifest(&mut conn).await?;
    drop(conn);
    let mut problems = Vec::new();
    for core in CORE_TABLES {
        if !has_table(&restored.tables, core) {
            problems.push(format!("table {core} is missing"));
        }
    }
    println!("{:<40} {:>12}", "table", "rows");
    for expected in &manifest.tables {
        match restored.tables.iter().find(|table| table.table == expected.table) {
            Some(found) if found.rows == expected.rows => println!("{:<40} {:>12}", found.table, found.rows),
            Some(found) => {
                println!("{:<40} {:>12}  (backup says {})", found.table, found.rows, expected.rows);
                problems
                    .push(format!("table {} has {} rows, the backup says {}", found.table, found.rows, expected.rows));
            }
            None => problems.push(format!("table {} is missing", expected.table)),
        }
    }
    if restored.migration != manifest.migration {
        problems.push(format!("newest migration {:?}, the backup says {:?}", restored.migration, manifest.migration));
    }
    if !problems.is_empty() {
        bail!("the restored backup differs from its manifest: {}", problems.join("; "));
    }
    let expect =
        manifest.audit_head.as_deref().map(str::parse::<ChainPoint>).transpose().map_err(anyhow::Error::msg)?;
    match audit_chain::verify(pool, 5_000, expect).await.map_err(|e| anyhow::anyhow!("reading the audit chain: {e}"))? {
        Verdict::Intact(intact) => {
            println!(
                "audit chain intact: {} rows, head {} (the head recorded at backup time)",
                intact.rows, intact.head
            );
            Ok(())
        }
        Verdict::Broken(broken) => {
            bail!("the restored audit chain is BROKEN at position {}: {}", broken.chain_seq, broken.problem)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_frame_reads_back() {
        let manifest = Manifest {
            database: "clinic".into(),
            tables: vec![TableRows { table: "users".into(), rows: 3 }],
            audit_head: Some(format!("4:{}", "ab".repeat(32))),
            migration: Some(20261129000014),
        };
        let mut bytes = Vec::new();
        write_frame(&mut bytes, &manifest).unwrap();
        bytes.extend_from_slice(b"PGDMP");
        let mut input = bytes.as_slice();
        assert_eq!(read_frame(&mut input).unwrap(), manifest);
        assert_eq!(input, b"PGDMP");
    }

    #[test]
    fn names_sort_by_time_and_tables_are_quoted() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-27T09:05:00Z").unwrap().to_utc();
        assert_eq!(file_name("syei", at), "syei-syei-20261127T090500Z.sbk");
        assert_eq!(quote("users"), "\"users\"");
        assert_eq!(quote("audit.x\"y"), "\"audit\".\"x\"\"y\"");
    }
}
