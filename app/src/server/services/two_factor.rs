//! Staff two-factor sign-in: setting it up (a new secret, confirmed with a code, then ten
//! recovery codes shown once), checking a second factor, turning it off, an admin's reset for
//! someone locked out, and the clinic's switch. The secret is sealed under the master key
//! before it is stored and never appears in a log, an error or an audit row.

use chrono::Utc;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::two_factor::SecondFactor;
use crate::error::AppError;
use crate::model::two_factor::{EnrolmentStart, TwoFactorStatus};
use crate::server::audit::{self, begin_as, AuditEvent};
use crate::server::crypto::MasterKeys;
use crate::server::db::two_factor as db;
use crate::server::state::AppState;
use crate::server::totp::{new_recovery_codes, qr_svg, recovery_code_hash, sealing_context, TotpSecret, ISSUER};

/// The message when the code that should confirm the set-up does not match.
pub const ENROLMENT_CODE_WRONG: &str =
    "That code does not match. Check that the app shows the SyEI account you just added and type its current code.";

pub async fn status(state: &AppState, user_id: Uuid) -> Result<TwoFactorStatus, AppError> {
    let row = db::find(&state.pool, user_id).await?;
    let confirmed_at = row.and_then(|row| row.confirmed_at);
    Ok(TwoFactorStatus {
        enrolled: confirmed_at.is_some(),
        enrolled_on: confirmed_at.map(|at| at.date_naive().to_string()),
        recovery_codes_left: db::recovery_codes_left(&state.pool, user_id).await?,
        required_by_clinic: db::required_by_clinic(&state.pool).await?,
    })
}

/// A new secret for `user_id` (replacing one not yet confirmed), and what their app needs.
pub async fn start_enrolment(state: &AppState, user_id: Uuid, email: &str) -> Result<EnrolmentStart, AppError> {
    let secret = TotpSecret::generate();
    let (master_key_id, sealed) = state.keys.seal_secret(&sealing_context(user_id), secret.as_bytes())?;
    let mut tx = begin_as(&state.pool, user_id).await?;
    if !db::save_unconfirmed(&mut tx, user_id, &master_key_id, &sealed).await? {
        return Err(AppError::Conflict("Two-factor sign-in is already on for this account.".into()));
    }
    tx.commit().await?;
    let uri = secret.otpauth_uri(email)?;
    Ok(EnrolmentStart {
        qr_svg: qr_svg(&uri)?,
        manual_secret: secret.manual_entry()?,
        account_label: format!("{ISSUER}: {email}"),
    })
}

fn unix_now() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

async fn open_secret(state: &AppState, user_id: Uuid, row: &db::TwoFactorRow) -> Result<TotpSecret, AppError> {
    let bytes = state.keys.open_secret(&row.master_key_id, &sealing_context(user_id), &row.secret_sealed)?;
    Ok(TotpSecret::from_bytes(bytes))
}

/// Re-seals every two-factor secret under the current master key, in batches (part of
/// `server keys rotate`: afterwards the older keys open none of them, and can leave the key
/// file without locking staff out). Returns how many were re-sealed. A secret no key in the
/// file opens is an error: it names the key, and the rotation stops before changing it.
pub async fn reseal_secrets(pool: &PgPool, keys: &MasterKeys) -> Result<u64, AppError> {
    let current = keys.current().id.clone();
    let mut resealed = 0;
    loop {
        let batch = db::sealed_by_others(pool, &current, 200).await?;
        if batch.is_empty() {
            return Ok(resealed);
        }
        let mut tx = pool.begin().await?;
        for row in &batch {
            let context = sealing_context(row.user_id);
            let secret = keys.open_secret(&row.master_key_id, &context, &row.secret_sealed)?;
            let (sealed_by, sealed) = keys.seal_secret(&context, &secret)?;
            if db::reseal(&mut tx, row.user_id, &row.master_key_id, &sealed_by, &sealed).await? {
                resealed += 1;
            }
        }
        tx.commit().await?;
    }
}

/// Confirms the set-up with a current code from the app; turns two-factor sign-in on and
/// returns the recovery codes, which are never shown again (only their hashes are kept).
pub async fn confirm_enrolment(state: &AppState, user_id: Uuid, code: &str) -> Result<Vec<String>, AppError> {
    let Some(SecondFactor::Totp(code)) = crate::domain::two_factor::parse_code(code) else {
        return Err(AppError::invalid("code", "Type the six digits your authenticator app shows."));
    };
    let row = match db::find(&state.pool, user_id).await? {
        Some(row) if row.confirmed_at.is_none() => row,
        Some(_) => return Err(AppError::Conflict("Two-factor sign-in is already on for this account.".into())),
        None => return Err(AppError::invalid("code", "Start the set-up first: the QR code comes with it.")),
    };
    let secret = open_secret(state, user_id, &row).await?;
    let Some(step) = secret.matching_step(&code, unix_now())? else {
        return Err(AppError::invalid("code", ENROLMENT_CODE_WRONG));
    };
    let (codes, hashes) = fresh_recovery_codes();
    let mut tx = begin_as(&state.pool, user_id).await?;
    let step = i64::try_from(step).map_err(AppError::internal)?;
    if !db::confirm(&mut tx, user_id, step, &hashes).await? {
        return Err(AppError::Conflict("Two-factor sign-in is already on for this account.".into()));
    }
    record_change(&mut tx, user_id, user_id, "TWO_FACTOR_ENABLED", json!({ "recovery_codes": codes.len() })).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Audits a change `actor` made to `user_id`'s two-factor sign-in, from the caller's address.
/// `details` never holds the secret or a code, only what happened (counts, flags).
async fn record_change(
    conn: &mut sqlx::PgConnection,
    actor: Uuid,
    user_id: Uuid,
    action: &str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        AuditEvent {
            actor: Some(actor),
            action,
            table_name: "staff_two_factor",
            record_id: Some(user_id),
            details: Some(details),
            ip: crate::server::auth::client_ip(),
        },
    )
    .await
}

/// Ten new recovery codes, and the hashes that are all the database keeps of them.
fn fresh_recovery_codes() -> (Vec<String>, Vec<Vec<u8>>) {
    let codes = new_recovery_codes();
    let hashes = codes.iter().map(|code| recovery_code_hash(&code.replace('-', ""))).collect();
    (codes, hashes)
}

/// Replaces the recovery codes of `user_id`, who has two-factor sign-in on (the caller checked
/// who they are): the old ones stop working, the new ones are returned to be shown once.
/// Audited with their number only.
pub async fn replace_recovery_codes(state: &AppState, user_id: Uuid) -> Result<Vec<String>, AppError> {
    let (codes, hashes) = fresh_recovery_codes();
    let mut tx = begin_as(&state.pool, user_id).await?;
    db::replace_recovery_codes(&mut tx, user_id, &hashes).await?;
    record_change(&mut tx, user_id, user_id, "RECOVERY_CODES_NEW", json!({ "recovery_codes": codes.len() })).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Checks a second factor of `user_id` and uses it up: an app code's step cannot be used
/// again (nor an older one), a recovery code is deleted. Returns how they proved it, or None
/// when it was wrong, replayed or already used.
pub async fn use_second_factor(
    state: &AppState,
    user_id: Uuid,
    factor: &SecondFactor,
) -> Result<Option<&'static str>, AppError> {
    let mut conn = state.pool.acquire().await?;
    match factor {
        SecondFactor::Totp(code) => {
            let Some(row) = db::find(&state.pool, user_id).await?.filter(|row| row.confirmed_at.is_some()) else {
                return Ok(None);
            };
            let secret = open_secret(state, user_id, &row).await?;
            let Some(step) = secret.matching_step(code, unix_now())? else {
                return Ok(None);
            };
            let step = i64::try_from(step).map_err(AppError::internal)?;
            Ok(db::use_step(&mut conn, user_id, step).await?.then_some("authenticator app"))
        }
        SecondFactor::Recovery(code) => {
            let used = db::use_recovery_code(&mut conn, user_id, &recovery_code_hash(code)).await?;
            Ok(used.then_some("recovery code"))
        }
    }
}

/// Turns two-factor sign-in off for `user_id`; `actor` is the person (or the admin resetting it).
pub async fn remove(state: &AppState, actor: Uuid, user_id: Uuid, action: &str) -> Result<bool, AppError> {
    let mut tx = begin_as(&state.pool, actor).await?;
    let removed = db::remove(&mut tx, user_id).await?;
    record_change(&mut tx, actor, user_id, action, json!({ "had_two_factor": removed })).await?;
    tx.commit().await?;
    Ok(removed)
}

/// The admins' switch: two-factor sign-in for every staff member.
pub async fn set_required_by_clinic(state: &AppState, admin: Uuid, required: bool) -> Result<(), AppError> {
    let mut tx = begin_as(&state.pool, admin).await?;
    db::set_required_by_clinic(&mut tx, required).await?;
    audit::record_settings_change(&mut tx, admin, json!({ "require_staff_two_factor": required })).await?;
    tx.commit().await?;
    Ok(())
}
