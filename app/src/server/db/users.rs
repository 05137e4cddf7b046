use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::login_throttle::{lock_after_failure, still_counting, ACCOUNT_FAILURES_PER_WINDOW, WINDOW_HOURS};
use crate::domain::role::Role;
use crate::error::AppError;

/// An account as sign-in and sessions need it. Holds the password hash: server-only, never
/// serialised.
pub struct AccountRow {
    pub user_id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    pub is_active: bool,
    pub must_change_password: bool,
    pub session_epoch: i32,
    /// When the current password was set: for a temporary one, when it was issued.
    pub password_changed_at: DateTime<Utc>,
}

struct RawAccount {
    user_id: Uuid,
    email: String,
    password_hash: String,
    role: String,
    first_name: String,
    last_name: String,
    is_active: bool,
    must_change_password: bool,
    session_epoch: i32,
    password_changed_at: DateTime<Utc>,
}

impl TryFrom<RawAccount> for AccountRow {
    type Error = AppError;

    fn try_from(raw: RawAccount) -> Result<Self, AppError> {
        Ok(AccountRow {
            user_id: raw.user_id,
            email: raw.email,
            password_hash: raw.password_hash,
            role: raw.role.parse().map_err(AppError::internal)?,
            first_name: raw.first_name,
            last_name: raw.last_name,
            is_active: raw.is_active,
            must_change_password: raw.must_change_password,
            session_epoch: raw.session_epoch,
            password_changed_at: raw.password_changed_at,
        })
    }
}

pub async fn find_account_by_id(pool: &PgPool, user_id: Uuid) -> Result<Option<AccountRow>, AppError> {
    sqlx::query_as!(
        RawAccount,
        r#"select user_id, email, password_hash, role, first_name, last_name, is_active,
                  must_change_password, session_epoch, password_changed_at
           from users where user_id = $1"#,
        user_id
    )
    .fetch_optional(pool)
    .await?
    .map(AccountRow::try_from)
    .transpose()
}

pub async fn find_account_by_email(pool: &PgPool, email: &str) -> Result<Option<AccountRow>, AppError> {
    sqlx::query_as!(
        RawAccount,
        r#"select user_id, email, password_hash, role, first_name, last_name, is_active,
                  must_change_password, session_epoch, password_changed_at
           from users where email = $1"#,
        email
    )
    .fetch_optional(pool)
    .await?
    .map(AccountRow::try_from)
    .transpose()
}

/// Locked for this address (backoff), or for everyone (the account's hourly ceiling).
pub async fn is_locked(pool: &PgPool, user_id: Uuid, ip: IpAddr) -> Result<bool, AppError> {
    let locked = sqlx::query_scalar!(
        r#"select (
              exists (select 1 from users where user_id = $1 and locked_until > now())
              or exists (select 1 from login_throttles
                         where user_id = $1 and ip_address = ($2::text)::inet and locked_until > now())
           ) as "locked!""#,
        user_id,
        ip.to_string(),
    )
    .fetch_one(pool)
    .await?;
    Ok(locked)
}

struct FailureCounts {
    failures: i32,
    last_failure_at: DateTime<Utc>,
}

pub async fn record_failed_sign_in(conn: &mut PgConnection, user_id: Uuid, ip: IpAddr) -> Result<(), AppError> {
    let now = Utc::now();
    // Per address: continue the count within the hour, then back off.
    let previous = sqlx::query_as!(
        FailureCounts,
        r#"select failures, last_failure_at from login_throttles
           where user_id = $1 and ip_address = ($2::text)::inet for update"#,
        user_id,
        ip.to_string(),
    )
    .fetch_optional(&mut *conn)
    .await?;
    let failures = match previous {
        Some(p) if still_counting(Some(p.last_failure_at), now) => p.failures + 1,
        _ => 1,
    };
    let locked_until = lock_after_failure(failures).map(|lock| now + lock);
    sqlx::query!(
        r#"insert into login_throttles (user_id, ip_address, failures, last_failure_at, locked_until)
           values ($1, ($2::text)::inet, $3, $4, $5)
           on conflict (user_id, ip_address)
           do update set failures = $3, last_failure_at = $4, locked_until = $5"#,
        user_id,
        ip.to_string(),
        failures,
        now,
        locked_until,
    )
    .execute(&mut *conn)
    .await?;

    // Per account, all addresses together: a ceiling of failures per hour.
    let window = sqlx::query!(
        r#"select failed_login_count, failed_login_window_started_at from users where user_id = $1 for update"#,
        user_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let (count, started) = if still_counting(window.failed_login_window_started_at, now) {
        (window.failed_login_count + 1, window.failed_login_window_started_at.unwrap_or(now))
    } else {
        (1, now)
    };
    let account_locked_until =
        (count >= ACCOUNT_FAILURES_PER_WINDOW).then(|| started + chrono::Duration::hours(WINDOW_HOURS));
    sqlx::query!(
        r#"update users set failed_login_count = $2, failed_login_window_started_at = $3, locked_until = $4
           where user_id = $1"#,
        user_id,
        count,
        started,
        account_locked_until,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets this address's failures on the account (the right password was given from it).
pub async fn clear_address_throttle(conn: &mut PgConnection, user_id: Uuid, ip: IpAddr) -> Result<(), AppError> {
    sqlx::query!(
        r#"delete from login_throttles where user_id = $1 and ip_address = ($2::text)::inet"#,
        user_id,
        ip.to_string()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn record_successful_sign_in(conn: &mut PgConnection, user_id: Uuid, ip: IpAddr) -> Result<(), AppError> {
    clear_address_throttle(conn, user_id, ip).await?;
    sqlx::query!(r#"update users set last_login_at = now() where user_id = $1"#, user_id).execute(&mut *conn).await?;
    Ok(())
}

/// Sets a new password hash and moves the account to a new session epoch, which ends every
/// session on the old one (and, by a trigger, the person's calendar feed link). Setting
/// `password_changed_at` also starts a temporary password's 72 hours. Returns the new epoch.
pub async fn set_password(
    conn: &mut PgConnection,
    user_id: Uuid,
    password_hash: &str,
    must_change: bool,
) -> Result<i32, AppError> {
    let epoch = sqlx::query_scalar!(
        r#"update users set password_hash = $2, must_change_password = $3, password_changed_at = now(),
                  session_epoch = session_epoch + 1, failed_login_count = 0, locked_until = null
           where user_id = $1 returning session_epoch"#,
        user_id,
        password_hash,
        must_change,
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(epoch)
}

/// "Sign out everywhere": a new session epoch (which also ends the calendar feed link).
pub async fn bump_session_epoch(conn: &mut PgConnection, user_id: Uuid) -> Result<i32, AppError> {
    let epoch = sqlx::query_scalar!(
        r#"update users set session_epoch = session_epoch + 1 where user_id = $1 returning session_epoch"#,
        user_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(epoch)
}

// --- Administration ----------------------------------------------------------------------

use crate::domain::user_form::{Profile, UserForm, ValidUser};
use crate::model::auth::CurrentUser;
use crate::model::users::{PatientOption, UserDetail, UserListItem, UserPage, USERS_PAGE_SIZE};
use crate::server::audit::begin_as;
use crate::server::db::like_pattern;
use crate::server::db::patients::SealedDetails;
use crate::server::db_errors::{on_constraint, ConstraintMessage};

/// The constraint violations a person can cause with an account form, as messages next to the
/// right field.
const ACCOUNT_CONSTRAINTS: &[ConstraintMessage] = &[
    ConstraintMessage {
        constraint: "idx_users_email",
        field: "email",
        message: "An account with this email already exists.",
    },
    ConstraintMessage {
        constraint: "family_members_patient_id_fkey",
        field: "linked_patient_id",
        message: "That patient does not exist.",
    },
    ConstraintMessage {
        constraint: "patients_date_of_birth_check",
        field: "date_of_birth",
        message: "Enter a date of birth after 1900.",
    },
];

fn constraint_error(error: sqlx::Error) -> AppError {
    on_constraint(error, ACCOUNT_CONSTRAINTS)
}

pub async fn list(pool: &PgPool, search: &str, role: &str, status: &str, page: i64) -> Result<UserPage, AppError> {
    let rows = sqlx::query!(
        r#"select user_id, first_name || ' ' || last_name as "name!", email, role, is_active,
                  count(*) over () as "total!"
           from users
           where ($1 = '%%' or email ilike $1 or (first_name || ' ' || last_name) ilike $1)
             and ($2 = '' or role = $2)
             and ($3 = '' or is_active = ($3 = 'active'))
           order by last_name, first_name, email
           limit $4 offset $5"#,
        like_pattern(search),
        role.trim(),
        status.trim(),
        USERS_PAGE_SIZE,
        (page - 1) * USERS_PAGE_SIZE,
    )
    .fetch_all(pool)
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    Ok(UserPage {
        users: rows
            .into_iter()
            .map(|r| UserListItem {
                user_id: r.user_id,
                name: r.name,
                email: r.email,
                role: r.role,
                is_active: r.is_active,
            })
            .collect(),
        page,
        total,
    })
}

/// An account as the edit form shows it, with the patient's clinical details still sealed.
pub struct AccountDetailRow {
    pub detail: UserDetail,
    pub sealed: SealedDetails,
}

pub async fn detail(pool: &PgPool, user_id: Uuid) -> Result<AccountDetailRow, AppError> {
    let row = sqlx::query!(
        r#"select u.user_id, u.role, u.email, u.first_name, u.last_name, u.phone, u.is_active, u.must_change_password,
                  s.specialty as "specialty?", s.professional_license as "professional_license?", s.bio,
                  p.date_of_birth as "date_of_birth?", p.emergency_contact_sealed, p.base_medical_history_sealed,
                  p.patient_id as "patient_id?",
                  f.patient_id as "linked_patient_id?", f.relationship as "relationship?"
           from users u
           left join specialists s on s.user_id = u.user_id
           left join patients p on p.user_id = u.user_id
           left join lateral (select patient_id, relationship from family_members fm
                              where fm.user_id = u.user_id order by created_at limit 1) f on true
           where u.user_id = $1"#,
        user_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let detail = UserDetail {
        user_id: row.user_id,
        patient_id: row.patient_id,
        is_active: row.is_active,
        must_change_password: row.must_change_password,
        form: UserForm {
            role: row.role,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            phone: row.phone.unwrap_or_default(),
            specialty: row.specialty.unwrap_or_default(),
            professional_license: row.professional_license.unwrap_or_default(),
            bio: row.bio.unwrap_or_default(),
            date_of_birth: row.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            emergency_contact_name: String::new(),
            emergency_contact_phone: String::new(),
            base_medical_history: String::new(),
            linked_patient_id: row.linked_patient_id.map(|id| id.to_string()).unwrap_or_default(),
            relationship: row.relationship.unwrap_or_default(),
        },
    };
    let sealed = SealedDetails {
        emergency_contact: row.emergency_contact_sealed,
        base_medical_history: row.base_medical_history_sealed,
    };
    Ok(AccountDetailRow { detail, sealed })
}

pub async fn patient_options(pool: &PgPool, user: &CurrentUser) -> Result<Vec<PatientOption>, AppError> {
    let options = sqlx::query_as!(
        PatientOption,
        r#"select p.patient_id, u.first_name || ' ' || u.last_name as "name!"
           from patients p join users u on u.user_id = p.user_id
           where $2 or (u.is_active and exists (
               select 1 from care_team c join specialists s on s.specialist_id = c.specialist_id
               where c.patient_id = p.patient_id and s.user_id = $1))
           order by u.last_name, u.first_name"#,
        user.user_id,
        user.role == Role::Admin
    )
    .fetch_all(pool)
    .await?;
    Ok(options)
}

/// Inserts the account (its profile is `save_profile`, in the same transaction). Returns the
/// new id.
pub async fn insert(
    tx: &mut PgConnection,
    admin_id: Uuid,
    user: &ValidUser,
    password_hash: &str,
) -> Result<Uuid, AppError> {
    let user_id = sqlx::query_scalar!(
        r#"insert into users (email, password_hash, role, first_name, last_name, phone, must_change_password, created_by, updated_by)
           values ($1, $2, $3, $4, $5, $6, true, $7, $7) returning user_id"#,
        user.email.as_str(),
        password_hash,
        user.role.as_str(),
        user.first_name,
        user.last_name,
        user.phone,
        admin_id,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(constraint_error)?;
    Ok(user_id)
}

/// The role of an account, if it exists.
pub async fn role_of(pool: &PgPool, user_id: Uuid) -> Result<Option<Role>, AppError> {
    let role = sqlx::query_scalar!("select role from users where user_id = $1", user_id).fetch_optional(pool).await?;
    role.map(|role| role.parse().map_err(AppError::internal)).transpose()
}

/// The account's names, email and phone (never its role; the profile is `save_profile`).
pub async fn update(tx: &mut PgConnection, user_id: Uuid, user: &ValidUser) -> Result<(), AppError> {
    sqlx::query!(
        r#"update users set email = $2, first_name = $3, last_name = $4, phone = $5 where user_id = $1"#,
        user_id,
        user.email.as_str(),
        user.first_name,
        user.last_name,
        user.phone,
    )
    .execute(&mut *tx)
    .await
    .map_err(constraint_error)?;
    Ok(())
}

/// The role's profile row. For a patient, only what is not clinical: the caller seals and
/// stores the clinical details (`services::patient_vault`) with the patient id returned.
pub async fn save_profile(tx: &mut PgConnection, user_id: Uuid, profile: &Profile) -> Result<Option<Uuid>, AppError> {
    match profile {
        Profile::Admin => {}
        Profile::Specialist { specialty, professional_license, bio } => {
            sqlx::query!(
                r#"insert into specialists (user_id, specialty, professional_license, bio, time_zone)
                   values ($1, $2, $3, $4, (select time_zone from clinic_settings))
                   on conflict (user_id) do update set specialty = $2, professional_license = $3, bio = $4"#,
                user_id,
                specialty,
                professional_license,
                bio.as_deref(),
            )
            .execute(&mut *tx)
            .await
            .map_err(constraint_error)?;
        }
        Profile::Patient { date_of_birth, .. } => {
            let patient_id = sqlx::query_scalar!(
                r#"insert into patients (user_id, date_of_birth) values ($1, $2)
                   on conflict (user_id) do update set date_of_birth = $2 returning patient_id"#,
                user_id,
                date_of_birth,
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(constraint_error)?;
            return Ok(Some(patient_id));
        }
        Profile::FamilyMember { patient_id, relationship } => {
            let updated = sqlx::query!(
                // Linked to another patient, the family member starts with no grants: what the
                // first patient allowed says nothing about the second.
                r#"update family_members set patient_id = $2, relationship = $3,
                       can_view_appointments = can_view_appointments and patient_id = $2,
                       can_book_appointments = can_book_appointments and patient_id = $2,
                       can_view_materials = can_view_materials and patient_id = $2,
                       can_view_medical_records = can_view_medical_records and patient_id = $2
                   where family_member_id = (select family_member_id from family_members where user_id = $1
                                             order by created_at limit 1)"#,
                user_id,
                patient_id,
                relationship,
            )
            .execute(&mut *tx)
            .await
            .map_err(constraint_error)?;
            if updated.rows_affected() == 0 {
                sqlx::query!(
                    r#"insert into family_members (user_id, patient_id, relationship) values ($1, $2, $3)"#,
                    user_id,
                    patient_id,
                    relationship,
                )
                .execute(&mut *tx)
                .await
                .map_err(constraint_error)?;
            }
        }
    }
    Ok(None)
}

/// Deactivation also moves the account to a new session epoch, so its sessions end at once (and,
/// by a trigger, its calendar feed link: reactivating does not bring that back).
pub async fn set_active(pool: &PgPool, admin_id: Uuid, user_id: Uuid, active: bool) -> Result<(), AppError> {
    let mut tx = begin_as(pool, admin_id).await?;
    let updated = sqlx::query!(
        r#"update users set is_active = $2,
                  session_epoch = case when $2 then session_epoch else session_epoch + 1 end
           where user_id = $1"#,
        user_id,
        active
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// What the account page shows about its owner, the emergency contact still sealed.
pub struct OwnProfileRow {
    pub phone: Option<String>,
    pub details: Vec<(String, String)>,
    pub patient_id: Option<Uuid>,
    pub sealed: SealedDetails,
}

pub async fn own_profile(pool: &PgPool, user_id: Uuid) -> Result<OwnProfileRow, AppError> {
    let row = sqlx::query!(
        r#"select u.phone, s.specialty as "specialty?", s.professional_license as "professional_license?",
                  p.date_of_birth as "date_of_birth?", p.patient_id as "patient_id?", p.emergency_contact_sealed,
                  (select string_agg(pu.first_name || ' ' || pu.last_name || ' (' || fm.relationship || ')', ', ')
                   from family_members fm join patients fp on fp.patient_id = fm.patient_id
                   join users pu on pu.user_id = fp.user_id where fm.user_id = u.user_id) as helps
           from users u
           left join specialists s on s.user_id = u.user_id
           left join patients p on p.user_id = u.user_id
           where u.user_id = $1"#,
        user_id
    )
    .fetch_one(pool)
    .await?;
    let details = [
        ("Specialty", row.specialty),
        ("Licence", row.professional_license),
        ("Date of birth", row.date_of_birth.map(|d: chrono::NaiveDate| d.format("%-d %B %Y").to_string())),
        ("Helps", row.helps),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label.to_string(), v)))
    .collect();
    Ok(OwnProfileRow {
        phone: row.phone,
        details,
        patient_id: row.patient_id,
        sealed: SealedDetails { emergency_contact: row.emergency_contact_sealed, base_medical_history: None },
    })
}
