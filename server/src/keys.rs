//! The master key file (`SYEI_MASTER_KEY_FILE`) and the `server keys` commands.
//!
//! The file is text, one key a line: `<id> <64 hex digits>`; `#` starts a comment. The first
//! key is current (it wraps new patient keys); older ones stay so the patient keys they wrapped
//! still open until `server keys rotate` has re-wrapped them. The file must be readable by its
//! owner only (mode 600), and is backed up apart from the database: a backup of one without the
//! other reads nothing.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use app::server::crypto::{MasterKey, MasterKeys};
use app::server::services::{patient_vault, two_factor};
use clap::{Args, Subcommand};
use sqlx::PgPool;

#[derive(Debug, Args)]
pub struct KeyFileArgs {
    /// The master key file (mode 600, kept outside the database and its backups).
    #[arg(long = "master-key-file", env = "SYEI_MASTER_KEY_FILE", global = true)]
    pub path: Option<PathBuf>,
}

impl KeyFileArgs {
    pub fn path(&self) -> anyhow::Result<&Path> {
        self.path
            .as_deref()
            .context("SYEI_MASTER_KEY_FILE is not set: name the master key file (`server keys init` makes one)")
    }

    /// Loads the key file and proves it opens the patient keys in the database.
    pub async fn load_checked(&self, pool: &PgPool) -> anyhow::Result<MasterKeys> {
        let path = self.path()?;
        let keys = load(path)?;
        patient_vault::check_key_file(pool, &keys)
            .await
            .map_err(|problem| anyhow::anyhow!("refusing to start: {problem} ({})", path.display()))?;
        Ok(keys)
    }
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make the key file with one new master key, unless it exists (then nothing changes).
    Init,
    /// Put a new master key first in the file, re-wrap every patient key and re-seal every staff
    /// two-factor secret with it (only the wrapping changes; no clinical data is re-encrypted).
    /// Safe to run again after an interruption: it carries on where it stopped.
    Rotate,
    /// Show which master keys wrap how many patient keys.
    Status,
    /// Make the backup key file (SYEI_BACKUP_KEY_FILE) with one new backup key, unless it
    /// exists. It seals backups; keep it apart from them and from the master key file.
    InitBackup,
}

pub async fn run(command: KeysCommand, file: &KeyFileArgs, pool: Option<&PgPool>) -> anyhow::Result<()> {
    let path = file.path()?;
    match command {
        KeysCommand::Init => {
            if path.exists() {
                load(path)?;
                println!("master key file {} exists; nothing changed", path.display());
            } else {
                write_new(path, &[MasterKey::generate(new_key_id())])?;
                println!("made master key file {} (mode 600); back it up apart from the database", path.display());
            }
            Ok(())
        }
        KeysCommand::Rotate => {
            let pool = pool.context("DATABASE_URL is not set")?;
            let keys = load(path)?;
            patient_vault::check_key_file(pool, &keys).await.map_err(|problem| anyhow::anyhow!("{problem}"))?;
            // A rotation interrupted after the file changed resumes with the key it made.
            let current = &keys.current().id;
            let pending = !app::server::db::patient_keys::wrapped_by_others(pool, current, 1).await?.is_empty()
                || !app::server::db::two_factor::sealed_by_others(pool, current, 1).await?.is_empty();
            let keys = if !pending {
                let mut all = vec![MasterKey::generate(new_key_id())];
                all.extend(keys_in(path)?);
                write_replacing(path, &all)?;
                println!("new master key {} is now current", all[0].id);
                MasterKeys::new(all).map_err(anyhow::Error::msg)?
            } else {
                println!("resuming: re-wrapping the patient keys not yet under {}", keys.current().id);
                keys
            };
            let rotation =
                patient_vault::rotate(pool, &keys, |done| println!("  re-wrapped {done} patient keys")).await?;
            println!("re-wrapped {} patient keys under {}", rotation.rewrapped, keys.current().id);
            let resealed = two_factor::reseal_secrets(pool, &keys).await?;
            println!("re-sealed {resealed} two-factor secrets under {}", keys.current().id);
            print_usage(&keys, &Usage::read(pool).await?);
            Ok(())
        }
        KeysCommand::Status => {
            let pool = pool.context("DATABASE_URL is not set")?;
            let keys = load(path)?;
            print_usage(&keys, &Usage::read(pool).await?);
            Ok(())
        }
        // The command line hands it to `backup::key::init`, which needs no master key.
        KeysCommand::InitBackup => bail!("`keys init-backup` makes the backup key file, not the master key file"),
    }
}

/// What each master key protects: patient data keys it wraps, staff two-factor secrets it seals.
struct Usage {
    patient_keys: Vec<(String, i64)>,
    two_factor_secrets: Vec<(String, i64)>,
}

impl Usage {
    async fn read(pool: &PgPool) -> anyhow::Result<Usage> {
        Ok(Usage {
            patient_keys: app::server::db::patient_keys::count_by_master_key(pool).await?,
            two_factor_secrets: app::server::db::two_factor::count_by_master_key(pool).await?,
        })
    }

    fn count(counts: &[(String, i64)], id: &str) -> i64 {
        counts.iter().find(|(used, _)| used == id).map_or(0, |(_, n)| *n)
    }

    fn describe(&self, id: &str) -> String {
        format!(
            "wraps {} patient keys, seals {} two-factor secrets",
            Usage::count(&self.patient_keys, id),
            Usage::count(&self.two_factor_secrets, id)
        )
    }

    /// Every master key in use, each once.
    fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> =
            self.patient_keys.iter().chain(&self.two_factor_secrets).map(|(id, _)| id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

fn print_usage(keys: &MasterKeys, usage: &Usage) {
    for id in keys.ids() {
        let role = if id == keys.current().id { "current" } else { "older" };
        println!("  {id} ({role}): {}", usage.describe(id));
    }
    for id in usage.ids().into_iter().filter(|id| !keys.ids().any(|known| known == *id)) {
        println!("  {id} (NOT IN THE FILE): {}", usage.describe(id));
    }
    if keys.ids().count() > 1 && usage.ids().iter().all(|id| *id == keys.current().id) {
        println!("older keys protect nothing now; remove them from the file once no backup you keep needs them");
    }
}

/// A readable, sortable id: when the key was made, and a random suffix.
fn new_key_id() -> String {
    format!("mk-{}-{:08x}", chrono::Utc::now().format("%Y%m%dT%H%M%S"), rand::random::<u32>())
}

/// Reads the key file (refused if others may read it).
pub fn load(path: &Path) -> anyhow::Result<MasterKeys> {
    MasterKeys::new(keys_in(path)?).map_err(|problem| anyhow::anyhow!("{problem} ({})", path.display()))
}

fn keys_in(path: &Path) -> anyhow::Result<Vec<MasterKey>> {
    key_lines(path, "master key file", "server keys init")?
        .into_iter()
        .map(|(id, hex)| MasterKey::from_hex(id, &hex).map_err(anyhow::Error::msg))
        .collect()
}

/// The `<id> <hex>` lines of a private key file (refused if others may read it). `what` and
/// `maker` name the file and the command that makes it in the messages.
pub(crate) fn key_lines(path: &Path, what: &str, maker: &str) -> anyhow::Result<Vec<(String, String)>> {
    let metadata = std::fs::metadata(path)
        .with_context(|| format!("{what} {} not found (`{maker}` makes one)", path.display()))?;
    if metadata.permissions().mode() & 0o077 != 0 {
        bail!("{what} {} may be read by others: chmod 600 it", path.display());
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (id, hex) = line.split_once(' ').context("a key line is `<id> <64 hex digits>`")?;
            Ok((id.to_string(), hex.trim().to_string()))
        })
        .collect()
}

fn contents(keys: &[MasterKey]) -> String {
    let mut text = String::from(
        "# SyEI master keys. Keep secret (mode 600) and back up apart from the database.\n\
         # The first key is current; older ones open patient keys not yet re-wrapped.\n",
    );
    for key in keys {
        text.push_str(&format!("{} {}\n", key.id, key.to_hex()));
    }
    text
}

fn write_new(path: &Path, keys: &[MasterKey]) -> anyhow::Result<()> {
    write_private(path, &contents(keys))
}

/// Creates a file readable by its owner only (mode 600); refuses to replace one.
pub(crate) fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Replaces the file atomically (a new file beside it, then a rename): a crash leaves the old
/// file or the new one, never half of one.
fn write_replacing(path: &Path, keys: &[MasterKey]) -> anyhow::Result<()> {
    let temporary = path.with_extension("new");
    let _ = std::fs::remove_file(&temporary);
    write_new(&temporary, keys)?;
    std::fs::rename(&temporary, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_private_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("syei-keys-{}", rand::random::<u64>()));
        let path = dir.join("master.key");
        let key = MasterKey::generate("mk-test".into());
        write_new(&path, std::slice::from_ref(&key)).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.current().id, "mk-test");
        assert_eq!(loaded.current().to_hex(), key.to_hex());
        // Readable by others: refused.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&path).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
