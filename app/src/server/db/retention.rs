//! Retention queries: the periods, what expired in each class (counted for a dry run, deleted
//! for a real one, with the same condition), the inactive patients, the audit purge (a
//! security-definer function of migration 20261130000017) and the run log.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;
use crate::model::retention::{ErasureCandidate, RetentionCounts, RetentionRun, RetentionSettings};

pub async fn settings(conn: &mut PgConnection) -> Result<RetentionSettings, AppError> {
    let settings = sqlx::query_as::<_, RetentionSettings>(
        r#"select retention_audit_years as audit_years, retention_notification_days as notification_days,
                  retention_sign_in_days as sign_in_days,
                  retention_cancelled_appointment_days as cancelled_appointment_days,
                  retention_clinical_years as clinical_years
           from clinic_settings"#,
    )
    .fetch_one(conn)
    .await?;
    Ok(settings)
}

pub async fn save_settings(conn: &mut PgConnection, settings: &RetentionSettings) -> Result<(), AppError> {
    sqlx::query(
        r#"update clinic_settings set retention_audit_years = $1, retention_notification_days = $2,
                  retention_sign_in_days = $3, retention_cancelled_appointment_days = $4,
                  retention_clinical_years = $5, updated_at = now()"#,
    )
    .bind(settings.audit_years)
    .bind(settings.notification_days)
    .bind(settings.sign_in_days)
    .bind(settings.cancelled_appointment_days)
    .bind(settings.clinical_years)
    .execute(conn)
    .await?;
    Ok(())
}

/// The rows of one class past their period, as a `from ... where ...` that both `count` and
/// `delete` complete (so a dry run counts exactly what a run deletes). `$1` is the period.
#[derive(Debug, Clone, Copy)]
pub enum Expired {
    Notifications,
    /// Sessions that ended more than the period ago (live ones are never touched).
    Sessions,
    /// The sign-in throttle's counters of an account and address, unless still locking it.
    SignInAttempts,
    /// Cancelled appointments, counted from the later of the cancellation and the time they
    /// were for; one that a clinical record names is kept with the record.
    CancelledAppointments,
}

impl Expired {
    fn rows(self) -> &'static str {
        match self {
            Expired::Notifications => "from notifications where created_at < now() - make_interval(days => $1)",
            Expired::Sessions => "from sessions where expiry_date < now() - make_interval(days => $1)",
            Expired::SignInAttempts => {
                "from login_throttles where last_failure_at < now() - make_interval(days => $1)
                   and (locked_until is null or locked_until < now())"
            }
            Expired::CancelledAppointments => {
                "from appointments a where a.status = 'Canceled'
                   and greatest(a.updated_at, a.end_datetime) < now() - make_interval(days => $1)
                   and not exists (select 1 from medical_records m where m.appointment_id = a.appointment_id)"
            }
        }
    }
}

pub async fn count_expired(conn: &mut PgConnection, class: Expired, days: i32) -> Result<i64, AppError> {
    let count =
        sqlx::query_scalar::<_, i64>(&format!("select count(*) {}", class.rows())).bind(days).fetch_one(conn).await?;
    Ok(count)
}

pub async fn delete_expired(conn: &mut PgConnection, class: Expired, days: i32) -> Result<i64, AppError> {
    let done = sqlx::query(&format!("delete {}", class.rows())).bind(days).execute(conn).await?;
    Ok(i64::try_from(done.rows_affected()).unwrap_or(i64::MAX))
}

/// Patients whose clinical data has outlived its period: a live data key (there is something
/// to erase), no upcoming appointment, and a last activity older than `$1` years. Activity is
/// the latest of: registration or a change to their details, a sign-in, the end of any of their
/// appointments (booked, held or cancelled), and a clinical record, amendment or attachment
/// written or signed.
const INACTIVE_PATIENTS: &str = r#"
    from patients p
    join users u on u.user_id = p.user_id
    join patient_data_keys k on k.patient_id = p.patient_id and k.wrapped_key is not null
    cross join lateral (
        select greatest(
            p.created_at,
            p.updated_at,
            u.last_login_at,
            (select max(a.end_datetime) from appointments a where a.patient_id = p.patient_id),
            (select max(greatest(m.created_at, m.updated_at, m.signed_at))
               from medical_records m where m.patient_id = p.patient_id),
            (select max(x.created_at) from medical_record_amendments x where x.patient_id = p.patient_id),
            (select max(f.created_at) from medical_record_files f where f.patient_id = p.patient_id)
        ) as last_activity
    ) activity
    where activity.last_activity < now() - make_interval(years => $1)
      and not exists (select 1 from appointments a
                      where a.patient_id = p.patient_id and a.status in ('Pending', 'Confirmed')
                        and a.end_datetime > now())"#;

pub async fn count_inactive_patients(conn: &mut PgConnection, years: i32) -> Result<i64, AppError> {
    let count = sqlx::query_scalar::<_, i64>(&format!("select count(*) {INACTIVE_PATIENTS}"))
        .bind(years)
        .fetch_one(conn)
        .await?;
    Ok(count)
}

/// The inactive patients, longest inactive first.
pub async fn inactive_patients(
    conn: &mut PgConnection,
    years: i32,
    limit: i64,
) -> Result<Vec<ErasureCandidate>, AppError> {
    let rows = sqlx::query_as::<_, ErasureCandidate>(&format!(
        r#"select p.patient_id, u.first_name || ' ' || u.last_name as name, u.email::text as email,
                  activity.last_activity
           {INACTIVE_PATIENTS}
           order by activity.last_activity, p.patient_id
           limit $2"#
    ))
    .bind(years)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Destroys the patient's data key if they are still inactive now (checked in the same
/// statement, so a sign-in or booking since the list was made saves them). True when erased.
pub async fn destroy_key_if_inactive(conn: &mut PgConnection, patient_id: Uuid, years: i32) -> Result<bool, AppError> {
    let done = sqlx::query(&format!(
        r#"update patient_data_keys set wrapped_key = null, destroyed_at = now()
           where patient_id = $2 and wrapped_key is not null
             and patient_id in (select p.patient_id {INACTIVE_PATIENTS})"#
    ))
    .bind(years)
    .bind(patient_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Purges up to `max_rows` expired audit entries (oldest first, moving the chain's anchor) and
/// returns how many went; with `dry_run`, counts them all and changes nothing.
pub async fn purge_audit(conn: &mut PgConnection, max_rows: i32, dry_run: bool) -> Result<i64, AppError> {
    let purged = sqlx::query_scalar::<_, i64>("select audit_retention_purge($1, $2)")
        .bind(max_rows)
        .bind(dry_run)
        .fetch_one(conn)
        .await?;
    Ok(purged)
}

pub struct NewRun<'a> {
    pub started_at: DateTime<Utc>,
    pub started_by: &'a str,
    pub user_id: Option<Uuid>,
    pub dry_run: bool,
    pub counts: &'a RetentionCounts,
}

pub async fn insert_run(conn: &mut PgConnection, run: NewRun<'_>) -> Result<(), AppError> {
    sqlx::query(
        r#"insert into retention_runs (started_at, started_by, user_id, dry_run, audit_entries, notifications,
                                       sessions, sign_in_attempts, cancelled_appointments, erased_patients)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
    )
    .bind(run.started_at)
    .bind(run.started_by)
    .bind(run.user_id)
    .bind(run.dry_run)
    .bind(run.counts.audit_entries)
    .bind(run.counts.notifications)
    .bind(run.counts.sessions)
    .bind(run.counts.sign_in_attempts)
    .bind(run.counts.cancelled_appointments)
    .bind(run.counts.erased_patients)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct RunRow {
    started_at: DateTime<Utc>,
    started_by: String,
    admin: Option<String>,
    dry_run: bool,
    audit_entries: i64,
    notifications: i64,
    sessions: i64,
    sign_in_attempts: i64,
    cancelled_appointments: i64,
    erased_patients: i64,
}

pub async fn latest_runs(pool: &PgPool, limit: i64) -> Result<Vec<RetentionRun>, AppError> {
    let rows = sqlx::query_as::<_, RunRow>(
        r#"select r.started_at, r.started_by, u.first_name || ' ' || u.last_name as admin, r.dry_run,
                  r.audit_entries, r.notifications, r.sessions, r.sign_in_attempts, r.cancelled_appointments,
                  r.erased_patients
           from retention_runs r left join users u on u.user_id = r.user_id
           order by r.started_at desc limit $1"#,
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RetentionRun {
            started_at: r.started_at,
            started_by: r.started_by,
            admin: r.admin,
            dry_run: r.dry_run,
            counts: RetentionCounts {
                audit_entries: r.audit_entries,
                notifications: r.notifications,
                sessions: r.sessions,
                sign_in_attempts: r.sign_in_attempts,
                cancelled_appointments: r.cancelled_appointments,
                erased_patients: r.erased_patients,
            },
        })
        .collect())
}

/// When the daily job last ran for real (whoever started it), if ever.
pub async fn last_real_run(conn: &mut PgConnection) -> Result<Option<DateTime<Utc>>, AppError> {
    let at =
        sqlx::query_scalar::<_, Option<DateTime<Utc>>>("select max(started_at) from retention_runs where not dry_run")
            .fetch_one(conn)
            .await?;
    Ok(at)
}
