//! Staff two-factor sign-in: the sealed TOTP secret, the last step used, the recovery code
//! hashes, and the clinic's "require it of all staff" switch. Runtime-checked queries.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;

/// A staff member's two-factor row. Holds the sealed secret: server-only, never serialised.
#[derive(sqlx::FromRow)]
pub struct TwoFactorRow {
    pub secret_sealed: Vec<u8>,
    pub master_key_id: String,
    pub confirmed_at: Option<DateTime<Utc>>,
}

pub async fn find(pool: &PgPool, user_id: Uuid) -> Result<Option<TwoFactorRow>, AppError> {
    Ok(sqlx::query_as::<_, TwoFactorRow>(
        "select secret_sealed, master_key_id, confirmed_at from staff_two_factor where user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?)
}

/// A sealed secret to re-seal under the current master key.
#[derive(sqlx::FromRow)]
pub struct SealedSecretRow {
    pub user_id: Uuid,
    pub master_key_id: String,
    pub secret_sealed: Vec<u8>,
}

/// Up to `limit` secrets sealed under another master key than `current`.
pub async fn sealed_by_others(pool: &PgPool, current: &str, limit: i64) -> Result<Vec<SealedSecretRow>, AppError> {
    Ok(sqlx::query_as::<_, SealedSecretRow>(
        "select user_id, master_key_id, secret_sealed from staff_two_factor
          where master_key_id <> $1 order by user_id limit $2",
    )
    .bind(current)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Replaces a sealed secret, only if it is still sealed under `old_master` (a set-up started
/// meanwhile, or a reset, wins).
pub async fn reseal(
    conn: &mut PgConnection,
    user_id: Uuid,
    old_master: &str,
    new_master: &str,
    sealed: &[u8],
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "update staff_two_factor set master_key_id = $3, secret_sealed = $4
          where user_id = $1 and master_key_id = $2",
    )
    .bind(user_id)
    .bind(old_master)
    .bind(new_master)
    .bind(sealed)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many two-factor secrets each master key seals.
pub async fn count_by_master_key(pool: &PgPool) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (String, i64)>(
        "select master_key_id, count(*) from staff_two_factor group by master_key_id order by master_key_id",
    )
    .fetch_all(pool)
    .await?)
}

/// Whether the person has two-factor sign-in turned on (a confirmed secret).
pub async fn is_enrolled(pool: &PgPool, user_id: Uuid) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar::<_, bool>(
        "select exists (select 1 from staff_two_factor where user_id = $1 and confirmed_at is not null)",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// Stores a new secret being set up, replacing an earlier unconfirmed one; never a confirmed
/// one (false: two-factor is already on).
pub async fn save_unconfirmed(
    conn: &mut PgConnection,
    user_id: Uuid,
    master_key_id: &str,
    sealed: &[u8],
) -> Result<bool, AppError> {
    let stored = sqlx::query(
        "insert into staff_two_factor (user_id, secret_sealed, master_key_id) values ($1, $2, $3)
         on conflict (user_id) do update
            set secret_sealed = excluded.secret_sealed, master_key_id = excluded.master_key_id,
                last_used_step = null, created_at = now()
            where staff_two_factor.confirmed_at is null",
    )
    .bind(user_id)
    .bind(sealed)
    .bind(master_key_id)
    .execute(conn)
    .await?;
    Ok(stored.rows_affected() == 1)
}

/// Turns it on with the step of the code that confirmed it, and replaces the recovery codes.
pub async fn confirm(
    conn: &mut PgConnection,
    user_id: Uuid,
    step: i64,
    recovery_code_hashes: &[Vec<u8>],
) -> Result<bool, AppError> {
    let confirmed = sqlx::query(
        "update staff_two_factor set confirmed_at = now(), last_used_step = $2
         where user_id = $1 and confirmed_at is null",
    )
    .bind(user_id)
    .bind(step)
    .execute(&mut *conn)
    .await?;
    if confirmed.rows_affected() != 1 {
        return Ok(false);
    }
    replace_recovery_codes(conn, user_id, recovery_code_hashes).await?;
    Ok(true)
}

/// Replaces all of the person's recovery codes (the old ones, used or not, stop working).
pub async fn replace_recovery_codes(
    conn: &mut PgConnection,
    user_id: Uuid,
    recovery_code_hashes: &[Vec<u8>],
) -> Result<(), AppError> {
    sqlx::query("delete from staff_recovery_codes where user_id = $1").bind(user_id).execute(&mut *conn).await?;
    sqlx::query("insert into staff_recovery_codes (user_id, code_hash) select $1, unnest($2::bytea[])")
        .bind(user_id)
        .bind(recovery_code_hashes)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Accepts a code's step only if it is later than the last one accepted (so each code works
/// once, and an older one never after a newer); atomic under concurrent sign-ins.
pub async fn use_step(conn: &mut PgConnection, user_id: Uuid, step: i64) -> Result<bool, AppError> {
    let used = sqlx::query(
        "update staff_two_factor set last_used_step = $2
         where user_id = $1 and confirmed_at is not null and (last_used_step is null or last_used_step < $2)",
    )
    .bind(user_id)
    .bind(step)
    .execute(conn)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// Uses up a recovery code: true when it was one of the person's (it is gone now).
pub async fn use_recovery_code(conn: &mut PgConnection, user_id: Uuid, code_hash: &[u8]) -> Result<bool, AppError> {
    let used = sqlx::query("delete from staff_recovery_codes where user_id = $1 and code_hash = $2")
        .bind(user_id)
        .bind(code_hash)
        .execute(conn)
        .await?;
    Ok(used.rows_affected() == 1)
}

pub async fn recovery_codes_left(pool: &PgPool, user_id: Uuid) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<_, i64>("select count(*) from staff_recovery_codes where user_id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await?)
}

/// Turns it off: the secret and the recovery codes go. True when there was something to remove.
pub async fn remove(conn: &mut PgConnection, user_id: Uuid) -> Result<bool, AppError> {
    sqlx::query("delete from staff_recovery_codes where user_id = $1").bind(user_id).execute(&mut *conn).await?;
    let removed =
        sqlx::query("delete from staff_two_factor where user_id = $1").bind(user_id).execute(&mut *conn).await?;
    Ok(removed.rows_affected() == 1)
}

/// The clinic requires two-factor sign-in of every staff member.
pub async fn required_by_clinic(pool: &PgPool) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar::<_, bool>("select require_staff_two_factor from clinic_settings").fetch_one(pool).await?)
}

pub async fn set_required_by_clinic(conn: &mut PgConnection, required: bool) -> Result<(), AppError> {
    sqlx::query("update clinic_settings set require_staff_two_factor = $1, updated_at = now()")
        .bind(required)
        .execute(conn)
        .await?;
    Ok(())
}
