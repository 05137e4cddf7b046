//! The backup key file (`SYEI_BACKUP_KEY_FILE`): the keys that seal backup files, apart from
//! the master keys that wrap patients' data keys. Same shape as the master key file: text, one
//! key a line, `<id> <64 hex digits>`, `#` starts a comment, mode 600. The first key seals new
//! backups; older ones stay to open older backups. It is kept apart from the backups: whoever
//! holds a backup file and not this key reads nothing.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use zeroize::Zeroizing;

use crate::keys::{key_lines, write_private};

const WHAT: &str = "backup key file";
const MAKER: &str = "server keys init-backup";

/// One backup key: its id (written in every backup it seals) and 32 secret bytes.
#[derive(Clone)]
pub struct BackupKey {
    pub id: String,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackupKey").field("id", &self.id).finish_non_exhaustive()
    }
}

impl BackupKey {
    pub fn generate(id: String) -> BackupKey {
        BackupKey { id, key: Zeroizing::new(rand::random()) }
    }

    fn from_hex(id: String, text: &str) -> anyhow::Result<BackupKey> {
        let bytes =
            Zeroizing::new(hex::decode(text).map_err(|_| anyhow::anyhow!("backup key {id} is not hexadecimal"))?);
        let key: [u8; 32] =
            bytes.as_slice().try_into().map_err(|_| anyhow::anyhow!("backup key {id} must be 64 hex digits"))?;
        Ok(BackupKey { id, key: Zeroizing::new(key) })
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.key
    }
}

/// The keys of the file: the first seals, all open.
#[derive(Debug, Clone)]
pub struct BackupKeys {
    keys: Vec<BackupKey>,
}

impl BackupKeys {
    pub fn current(&self) -> &BackupKey {
        &self.keys[0]
    }

    pub fn by_id(&self, id: &str) -> Option<&BackupKey> {
        self.keys.iter().find(|key| key.id == id)
    }
}

#[derive(Debug, Clone, Args)]
pub struct BackupKeyArgs {
    /// The backup key file (mode 600): seals backups; kept apart from the backups and from
    /// the master key file.
    #[arg(id = "backup_key_file", long = "backup-key-file", env = "SYEI_BACKUP_KEY_FILE", global = true)]
    pub path: Option<PathBuf>,
}

impl BackupKeyArgs {
    pub fn path(&self) -> anyhow::Result<&Path> {
        self.path
            .as_deref()
            .context("SYEI_BACKUP_KEY_FILE is not set: name the backup key file (`server keys init-backup` makes one)")
    }

    pub fn load(&self) -> anyhow::Result<BackupKeys> {
        load(self.path()?)
    }
}

pub fn load(path: &Path) -> anyhow::Result<BackupKeys> {
    let keys = key_lines(path, WHAT, MAKER)?
        .into_iter()
        .map(|(id, hex)| BackupKey::from_hex(id, &hex))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if keys.is_empty() {
        bail!("{WHAT} {} holds no key", path.display());
    }
    Ok(BackupKeys { keys })
}

/// `server keys init-backup`: makes the file with one new key unless it exists.
pub fn init(args: &BackupKeyArgs) -> anyhow::Result<()> {
    let path = args.path()?;
    if path.exists() {
        load(path)?;
        println!("{WHAT} {} exists; nothing changed", path.display());
        return Ok(());
    }
    let key =
        BackupKey::generate(format!("bk-{}-{:08x}", chrono::Utc::now().format("%Y%m%dT%H%M%S"), rand::random::<u32>()));
    let text = format!(
        "# SyEI backup keys. Keep secret (mode 600) and store apart from the backup files.\n\
         # The first key seals new backups; older ones open older backups.\n{} {}\n",
        key.id,
        hex::encode(key.bytes())
    );
    write_private(path, &text)?;
    println!(
        "made {WHAT} {} (mode 600) with key {}; copy it off this machine, apart from the backups",
        path.display(),
        key.id
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn init_makes_a_private_file_that_loads_and_is_kept_on_a_second_run() {
        let dir = std::env::temp_dir().join(format!("syei-backup-key-{}", rand::random::<u64>()));
        let args = BackupKeyArgs { path: Some(dir.join("backup.key")) };
        init(&args).unwrap();
        let path = args.path().unwrap();
        assert_eq!(std::fs::metadata(path).unwrap().permissions().mode() & 0o777, 0o600);
        let first = args.load().unwrap().current().clone();
        init(&args).unwrap();
        let again = args.load().unwrap();
        assert_eq!(again.current().id, first.id);
        assert_eq!(again.current().bytes(), first.bytes());
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(args.load().is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
