//! Daily backups inside the server, when a backup directory is configured (`SYEI_BACKUP_DIR`).
//!
//! Every hour the server looks at the directory: if its newest backup of this database is a day
//! old (or there is none), it takes one, then keeps the newest `SYEI_BACKUP_KEEP` and deletes
//! older ones. Servers sharing a database take turns through a PostgreSQL advisory lock, so two
//! never dump at once. What is logged: the file name, its size, the number of tables and the
//! time taken, never contents. `/metrics` shows the time of the last success.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::PgPool;

use super::key::BackupKeys;
use super::pg::Target;

/// The advisory lock taken while a server backs up ("SYEIBAK" in ASCII).
const LOCK: i64 = 0x0053_5945_4942_414b;

/// How daily backups are taken.
#[derive(Debug, Clone)]
pub struct DailyBackups {
    pub dir: PathBuf,
    /// Backups of this database kept in `dir`, newest first; older ones are deleted.
    pub keep: usize,
    /// The database to dump: the owner's URL (the app role may not read every table).
    pub database_url: String,
    pub keys: BackupKeys,
    /// How old the newest backup may get before the next one is taken.
    pub every: Duration,
    /// How often the directory is looked at.
    pub check_every: Duration,
}

impl DailyBackups {
    /// Refuses a directory it cannot write to, so a misconfiguration stops the start rather
    /// than failing quietly every night.
    pub fn new(dir: PathBuf, keep: usize, database_url: String, keys: BackupKeys) -> anyhow::Result<DailyBackups> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("SYEI_BACKUP_DIR {} cannot be created: {e}", dir.display()))?;
        let probe = dir.join(".syei-write-test");
        std::fs::write(&probe, b"")
            .map_err(|e| anyhow::anyhow!("SYEI_BACKUP_DIR {} is not writable: {e}", dir.display()))?;
        let _ = std::fs::remove_file(probe);
        Target::from_url(&database_url)?;
        Ok(DailyBackups {
            dir,
            keep: keep.max(1),
            database_url,
            keys,
            every: Duration::from_secs(24 * 3600),
            check_every: Duration::from_secs(3600),
        })
    }
}

/// Starts the hourly look at the backup directory (the first one right away).
pub fn spawn(pool: PgPool, settings: DailyBackups) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(settings.check_every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(error) = run_once(&pool, &settings).await {
                metrics::counter!("syei_backup_failures_total").increment(1);
                tracing::error!(error = %format!("{error:#}"), "daily backup failed");
            }
        }
    });
}

/// One look: back up if due (and this server holds the lock), then prune.
pub async fn run_once(pool: &PgPool, settings: &DailyBackups) -> anyhow::Result<()> {
    let database = Target::from_url(&settings.database_url)?.database;
    if !is_due(&settings.dir, &database, settings.every) {
        return Ok(());
    }
    let mut conn = pool.acquire().await?;
    let locked: bool = sqlx::query_scalar("select pg_try_advisory_lock($1)").bind(LOCK).fetch_one(&mut *conn).await?;
    if !locked {
        tracing::info!("another server is taking the daily backup");
        return Ok(());
    }
    // Checked again under the lock: another server may have just finished one here.
    let outcome = if is_due(&settings.dir, &database, settings.every) {
        backup_and_prune(settings, &database).await
    } else {
        Ok(())
    };
    sqlx::query("select pg_advisory_unlock($1)").bind(LOCK).execute(&mut *conn).await?;
    outcome
}

async fn backup_and_prune(settings: &DailyBackups, database: &str) -> anyhow::Result<()> {
    let key = settings.keys.current();
    let path = settings.dir.join(super::file_name(database, Utc::now()));
    let written = super::write_backup(&settings.database_url, key, &path).await?;
    tracing::info!(
        file = %written.path.display(),
        bytes = written.bytes,
        tables = written.tables,
        seconds = written.took.as_secs_f64(),
        key = %key.id,
        "daily backup written"
    );
    metrics::gauge!("syei_backup_last_success_timestamp_seconds").set(Utc::now().timestamp() as f64);
    metrics::gauge!("syei_backup_last_size_bytes").set(written.bytes as f64);
    let removed = prune(&settings.dir, database, settings.keep)?;
    if !removed.is_empty() {
        tracing::info!(removed = removed.len(), kept = settings.keep, "old daily backups deleted");
    }
    Ok(())
}

/// This database's backups in `dir`, oldest first, with the time in their names.
fn backups_in(dir: &Path, database: &str) -> Vec<(DateTime<Utc>, PathBuf)> {
    let prefix = format!("syei-{database}-");
    let suffix = format!(".{}", super::EXTENSION);
    let mut found: Vec<(DateTime<Utc>, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let stamp = name.strip_prefix(&prefix)?.strip_suffix(&suffix)?;
            let at = NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ").ok()?.and_utc();
            Some((at, entry.path()))
        })
        .collect();
    found.sort();
    found
}

fn is_due(dir: &Path, database: &str, every: Duration) -> bool {
    let every = chrono::Duration::from_std(every).unwrap_or(chrono::Duration::days(1));
    backups_in(dir, database).last().is_none_or(|(at, _)| Utc::now() - *at >= every)
}

/// Deletes all but the newest `keep` backups of this database; returns what it deleted.
pub fn prune(dir: &Path, database: &str, keep: usize) -> anyhow::Result<Vec<PathBuf>> {
    let found = backups_in(dir, database);
    let excess = found.len().saturating_sub(keep.max(1));
    let mut removed = Vec::new();
    for (_, path) in found.into_iter().take(excess) {
        std::fs::remove_file(&path).map_err(|e| anyhow::anyhow!("deleting {}: {e}", path.display()))?;
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_keeps_the_newest_of_this_database_only() {
        let dir = std::env::temp_dir().join(format!("syei-prune-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        for day in 1..=5 {
            std::fs::write(dir.join(format!("syei-clinic-202611{day:02}T020000Z.sbk")), b"x").unwrap();
        }
        std::fs::write(dir.join("syei-other-20261101T020000Z.sbk"), b"x").unwrap();
        std::fs::write(dir.join("notes.txt"), b"x").unwrap();
        assert!(!is_due(&dir, "clinic", Duration::from_secs(3650 * 86_400)));
        assert!(is_due(&dir, "clinic", Duration::from_secs(3600)));
        assert!(is_due(&dir, "nothing-yet", Duration::from_secs(3650 * 86_400)));
        let removed = prune(&dir, "clinic", 2).unwrap();
        assert_eq!(removed.len(), 3);
        let mut left: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        assert_eq!(
            left,
            [
                "notes.txt",
                "syei-clinic-20261104T020000Z.sbk",
                "syei-clinic-20261105T020000Z.sbk",
                "syei-other-20261101T020000Z.sbk"
            ]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
