//! Data retention: removes what outlived its period in the clinic settings (migration
//! 20261130000017 gives the defaults and why), or, as a dry run, says what would go.
//!
//! A real run, in this order, each step in its own short transactions:
//! 1. clinical data of inactive patients is erased by destroying their data key (their sealed
//!    fields stay, unreadable, here, in old audit rows and in backups made after the key went);
//!    each erasure is audited (action ERASE, no clinical value);
//! 2. expired cancelled appointments (their audit trigger records each deletion), notifications,
//!    ended sessions and sign-in throttle counters are deleted;
//! 3. audit entries past their period leave the trail oldest first, through the database's
//!    purge function, which moves the hash chain's anchor so the rest still verifies.
//!
//! Then the run is written to `retention_runs` with its counts. Only one real run happens at a
//! time across every server: the run holds a PostgreSQL advisory lock on a connection of its
//! own (taken out of the pool and closed at the end, so the lock can never outlive the run); a
//! run that finds it taken is skipped. A dry run takes no lock and changes nothing but its line
//! in the run log.

use chrono::Utc;
use serde_json::json;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::retention::{
    ErasureCandidate, RetentionCounts, RetentionOverview, RetentionReport, RetentionSettings, MAX_LISTED_PATIENTS,
};
use crate::server::audit::{record, record_settings_change, AuditEvent};
use crate::server::db::retention::{self as db, Expired, NewRun};

/// The advisory lock key of the retention job ("SYEIRETN").
pub const LOCK_KEY: i64 = 0x5359_4549_5245_544e;

/// Audit entries removed per transaction.
const AUDIT_BATCH: i32 = 5_000;

/// How often the daily job runs for real, at most (the servers check every hour).
const DAILY: chrono::TimeDelta = chrono::TimeDelta::hours(23);

/// Who started a run (kept in the run log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartedBy {
    /// The daily job inside the server.
    Schedule,
    /// `server retention run`.
    Command,
    /// An admin on the clinic settings page.
    Admin(Uuid),
}

impl StartedBy {
    fn label(self) -> &'static str {
        match self {
            StartedBy::Schedule => "schedule",
            StartedBy::Command => "command",
            StartedBy::Admin(_) => "admin",
        }
    }

    fn user_id(self) -> Option<Uuid> {
        match self {
            StartedBy::Admin(user_id) => Some(user_id),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done(RetentionReport),
    /// Another run holds the lock (or, for the schedule, the last run is less than a day old).
    Skipped,
}

/// A transaction whose audit rows name the admin who started the run (none for the job).
async fn begin(conn: &mut PgConnection, by: StartedBy) -> Result<sqlx::Transaction<'_, sqlx::Postgres>, AppError> {
    let mut tx = conn.begin().await?;
    if let Some(user_id) = by.user_id() {
        sqlx::query("select set_config('app.user_id', $1, true)").bind(user_id.to_string()).execute(&mut *tx).await?;
    }
    Ok(tx)
}

/// What a run would remove now, changing nothing but the run log.
pub async fn dry_run(pool: &PgPool, by: StartedBy) -> Result<RetentionReport, AppError> {
    let started_at = Utc::now();
    let mut conn = pool.acquire().await?;
    let settings = db::settings(&mut conn).await?;
    let counts = RetentionCounts {
        audit_entries: db::purge_audit(&mut conn, AUDIT_BATCH, true).await?,
        notifications: db::count_expired(&mut conn, Expired::Notifications, settings.notification_days).await?,
        sessions: db::count_expired(&mut conn, Expired::Sessions, settings.sign_in_days).await?,
        sign_in_attempts: db::count_expired(&mut conn, Expired::SignInAttempts, settings.sign_in_days).await?,
        cancelled_appointments: db::count_expired(
            &mut conn,
            Expired::CancelledAppointments,
            settings.cancelled_appointment_days,
        )
        .await?,
        erased_patients: db::count_inactive_patients(&mut conn, settings.clinical_years).await?,
    };
    let patients = db::inactive_patients(&mut conn, settings.clinical_years, MAX_LISTED_PATIENTS).await?;
    let run = NewRun { started_at, started_by: by.label(), user_id: by.user_id(), dry_run: true, counts: &counts };
    db::insert_run(&mut conn, run).await?;
    Ok(RetentionReport { dry_run: true, counts, patients })
}

/// An admin's dry run from the clinic settings page.
pub async fn preview(pool: &PgPool, user: &CurrentUser) -> Result<RetentionReport, AppError> {
    let admin = admin_only(user)?;
    dry_run(pool, StartedBy::Admin(admin)).await
}

/// Runs now unless another run holds the lock.
pub async fn run(pool: &PgPool, by: StartedBy) -> Result<Outcome, AppError> {
    locked(pool, by, false).await
}

/// The daily job: runs unless another run holds the lock or the last real run is less than a
/// day old (every server checks every hour; a restart does not skip a day).
pub async fn run_if_due(pool: &PgPool) -> Result<Outcome, AppError> {
    locked(pool, StartedBy::Schedule, true).await
}

async fn locked(pool: &PgPool, by: StartedBy, only_if_due: bool) -> Result<Outcome, AppError> {
    // A connection of our own: closing it ends the session lock whatever happens below.
    let mut lock = pool.acquire().await?.detach();
    let taken: bool = sqlx::query_scalar("select pg_try_advisory_lock($1)").bind(LOCK_KEY).fetch_one(&mut lock).await?;
    if !taken {
        let _ = lock.close().await;
        return Ok(Outcome::Skipped);
    }
    let result = async {
        if only_if_due {
            if let Some(last) = db::last_real_run(&mut lock).await? {
                if Utc::now() - last < DAILY {
                    return Ok(Outcome::Skipped);
                }
            }
        }
        remove_expired(&mut lock, by).await.map(Outcome::Done)
    }
    .await;
    // Closing ends the session and with it the lock; an explicit unlock first in case the
    // close fails half-way and the connection lingers.
    let _ = sqlx::query("select pg_advisory_unlock($1)").bind(LOCK_KEY).execute(&mut lock).await;
    let _ = lock.close().await;
    result
}

async fn remove_expired(conn: &mut PgConnection, by: StartedBy) -> Result<RetentionReport, AppError> {
    let started_at = Utc::now();
    let settings = db::settings(conn).await?;
    let (erased_patients, patients) = erase_inactive(conn, by, &settings).await?;
    let mut counts = RetentionCounts { erased_patients, ..RetentionCounts::default() };
    for (class, days) in [
        (Expired::CancelledAppointments, settings.cancelled_appointment_days),
        (Expired::Notifications, settings.notification_days),
        (Expired::Sessions, settings.sign_in_days),
        (Expired::SignInAttempts, settings.sign_in_days),
    ] {
        let mut tx = begin(conn, by).await?;
        let removed = db::delete_expired(&mut tx, class, days).await?;
        tx.commit().await?;
        let slot = match class {
            Expired::CancelledAppointments => &mut counts.cancelled_appointments,
            Expired::Notifications => &mut counts.notifications,
            Expired::Sessions => &mut counts.sessions,
            Expired::SignInAttempts => &mut counts.sign_in_attempts,
        };
        *slot = removed;
    }
    loop {
        let mut tx = begin(conn, by).await?;
        let purged = db::purge_audit(&mut tx, AUDIT_BATCH, false).await?;
        tx.commit().await?;
        counts.audit_entries += purged;
        if purged == 0 {
            break;
        }
    }
    let run = NewRun { started_at, started_by: by.label(), user_id: by.user_id(), dry_run: false, counts: &counts };
    db::insert_run(conn, run).await?;
    tracing::info!(
        audit_entries = counts.audit_entries,
        notifications = counts.notifications,
        sessions = counts.sessions,
        sign_in_attempts = counts.sign_in_attempts,
        cancelled_appointments = counts.cancelled_appointments,
        erased_patients = counts.erased_patients,
        "retention run finished"
    );
    Ok(RetentionReport { dry_run: false, counts, patients })
}

/// Erases every inactive patient's clinical data, a patient per transaction; returns how many
/// and the first [`MAX_LISTED_PATIENTS`] of them.
async fn erase_inactive(
    conn: &mut PgConnection,
    by: StartedBy,
    settings: &RetentionSettings,
) -> Result<(i64, Vec<ErasureCandidate>), AppError> {
    let mut erased = 0;
    let mut listed = Vec::new();
    loop {
        let batch = db::inactive_patients(conn, settings.clinical_years, 100).await?;
        let mut erased_now = 0;
        for patient in batch {
            let mut tx = begin(conn, by).await?;
            if db::destroy_key_if_inactive(&mut tx, patient.patient_id, settings.clinical_years).await? {
                record(
                    &mut tx,
                    AuditEvent {
                        actor: by.user_id(),
                        action: "ERASE",
                        table_name: "patients",
                        record_id: Some(patient.patient_id),
                        details: Some(json!({
                            "reason": "retention",
                            "clinical_years": settings.clinical_years,
                            "last_activity": patient.last_activity,
                        })),
                        ip: None,
                    },
                )
                .await?;
                erased_now += 1;
                if i64::try_from(listed.len()).unwrap_or(i64::MAX) < MAX_LISTED_PATIENTS {
                    listed.push(patient);
                }
            }
            tx.commit().await?;
        }
        erased += erased_now;
        // A batch where nobody could be erased (all became active meanwhile) ends the loop:
        // the next batch would be the same patients.
        if erased_now == 0 {
            return Ok((erased, listed));
        }
    }
}

/// Admins only (the endpoint table says so too; a refusal looks like a missing record).
fn admin_only(user: &CurrentUser) -> Result<Uuid, AppError> {
    if user.role == Role::Admin {
        Ok(user.user_id)
    } else {
        Err(AppError::NotFound)
    }
}

/// The settings and the latest runs, for the clinic settings page.
pub async fn overview(pool: &PgPool, user: &CurrentUser) -> Result<RetentionOverview, AppError> {
    admin_only(user)?;
    let mut conn = pool.acquire().await?;
    let settings = db::settings(&mut conn).await?;
    drop(conn);
    Ok(RetentionOverview { settings, runs: db::latest_runs(pool, 10).await? })
}

/// Saves the periods (validated here as well as by the database's checks), audited.
pub async fn save_settings(pool: &PgPool, user: &CurrentUser, settings: &RetentionSettings) -> Result<(), AppError> {
    let admin = admin_only(user)?;
    settings.validate()?;
    let mut tx = crate::server::audit::begin_as(pool, admin).await?;
    db::save_settings(&mut tx, settings).await?;
    let details = serde_json::to_value(settings).map_err(AppError::internal)?;
    record_settings_change(&mut tx, admin, json!({ "retention": details })).await?;
    tx.commit().await?;
    Ok(())
}
