//! Family links and the grants on them. Access rules read `live_family_grants` (grants whose
//! end date has not passed); the patient's own page reads the table, ended grants included.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;
use crate::model::family::{FamilyLinkItem, HelpedPatientName};

pub struct GrantRow {
    pub family_member_id: Uuid,
    pub name: String,
    pub relationship: String,
    pub can_view_appointments: bool,
    pub can_book_appointments: bool,
    pub can_view_materials: bool,
    pub can_view_medical_records: bool,
    pub access_until: Option<NaiveDate>,
}

/// Everyone linked to the patient, by name.
pub async fn grants_of_patient(pool: &PgPool, patient_id: Uuid) -> Result<Vec<GrantRow>, AppError> {
    Ok(sqlx::query_as!(
        GrantRow,
        r#"select f.family_member_id, u.first_name || ' ' || u.last_name as "name!", f.relationship,
                  f.can_view_appointments, f.can_book_appointments, f.can_view_materials,
                  f.can_view_medical_records, f.access_until
           from family_members f join users u on u.user_id = f.user_id
           where f.patient_id = $1 order by u.last_name, u.first_name, f.family_member_id"#,
        patient_id
    )
    .fetch_all(pool)
    .await?)
}

pub struct GrantChange {
    pub view_appointments: bool,
    pub book_appointments: bool,
    pub view_materials: bool,
    pub view_notes: bool,
    pub access_until: Option<NaiveDate>,
}

/// Changes one link's grants, if it is the patient's. Returns the family member's account.
pub async fn set_grants(
    conn: &mut PgConnection,
    patient_id: Uuid,
    family_member_id: Uuid,
    change: &GrantChange,
) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"update family_members
              set can_view_appointments = $3, can_book_appointments = $4, can_view_materials = $5,
                  can_view_medical_records = $6, access_until = $7, grants_changed_at = now()
            where family_member_id = $2 and patient_id = $1
           returning user_id"#,
        patient_id,
        family_member_id,
        change.view_appointments,
        change.book_appointments,
        change.view_materials,
        change.view_notes,
        change.access_until,
    )
    .fetch_optional(conn)
    .await?)
}

/// The patients a family member is linked to (grants or not), by name.
pub async fn helped_patients(pool: &PgPool, user_id: Uuid) -> Result<Vec<HelpedPatientName>, AppError> {
    Ok(sqlx::query_as!(
        HelpedPatientName,
        r#"select f.patient_id, u.first_name || ' ' || u.last_name as "name!", f.relationship
           from family_members f join patients p on p.patient_id = f.patient_id join users u on u.user_id = p.user_id
           where f.user_id = $1 order by u.first_name, u.last_name, f.patient_id
           limit 50"#,
        user_id
    )
    .fetch_all(pool)
    .await?)
}

pub struct LiveGrant {
    pub can_view_appointments: bool,
    pub can_book_appointments: bool,
    pub can_view_materials: bool,
    pub can_view_medical_records: bool,
    pub access_until: Option<NaiveDate>,
}

/// What is in force today for this family member and patient (None: no link, or ended).
pub async fn live_grant(pool: &PgPool, user_id: Uuid, patient_id: Uuid) -> Result<Option<LiveGrant>, AppError> {
    Ok(sqlx::query_as!(
        LiveGrant,
        r#"select g.can_view_appointments as "can_view_appointments!", g.can_book_appointments as "can_book_appointments!",
                  g.can_view_materials as "can_view_materials!", g.can_view_medical_records as "can_view_medical_records!",
                  f.access_until
           from live_family_grants g join family_members f on f.family_member_id = g.family_member_id
           where g.user_id = $1 and g.patient_id = $2"#,
        user_id,
        patient_id
    )
    .fetch_optional(pool)
    .await?)
}

pub async fn notify(conn: &mut PgConnection, user_id: Uuid, title: &str, message: &str) -> Result<(), AppError> {
    sqlx::query!(
        "insert into notifications (user_id, title, message, notification_type) values ($1, $2, $3, 'FamilyAccess')",
        user_id,
        title,
        message
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One page of every link, optionally only those whose family member or patient matches `search`.
pub async fn links_page(
    pool: &PgPool,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<FamilyLinkItem>, i64), AppError> {
    let pattern = crate::server::db::like_pattern(search);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from family_members f
           join users fu on fu.user_id = f.user_id
           join patients p on p.patient_id = f.patient_id join users pu on pu.user_id = p.user_id
           where $1 = '%%' or fu.first_name || ' ' || fu.last_name || ' ' || fu.email ilike $1
                 or pu.first_name || ' ' || pu.last_name || ' ' || pu.email ilike $1"#,
        pattern
    )
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as!(
        FamilyLinkItem,
        r#"select f.family_member_id, fu.first_name || ' ' || fu.last_name as "family_name!", fu.email as family_email,
                  pu.first_name || ' ' || pu.last_name as "patient_name!", pu.email as patient_email, f.relationship
           from family_members f
           join users fu on fu.user_id = f.user_id
           join patients p on p.patient_id = f.patient_id join users pu on pu.user_id = p.user_id
           where $1 = '%%' or fu.first_name || ' ' || fu.last_name || ' ' || fu.email ilike $1
                 or pu.first_name || ' ' || pu.last_name || ' ' || pu.email ilike $1
           order by fu.last_name, fu.first_name, pu.last_name, pu.first_name, f.family_member_id
           limit $2 offset $3"#,
        pattern,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    Ok((items, total))
}

pub enum LinkOutcome {
    Linked,
    NoSuchFamilyMember,
    NoSuchPatient,
    AlreadyLinked,
}

/// Links an active family member's account to a patient's, both named by email. A new link
/// grants nothing (the table's defaults).
pub async fn link(
    conn: &mut PgConnection,
    family_email: &str,
    patient_email: &str,
    relationship: &str,
) -> Result<LinkOutcome, AppError> {
    let family = sqlx::query_scalar!(
        "select user_id from users where email = $1 and role = 'FamilyMember' and is_active",
        family_email
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(family) = family else { return Ok(LinkOutcome::NoSuchFamilyMember) };
    let patient = sqlx::query_scalar!(
        "select p.patient_id from patients p join users u on u.user_id = p.user_id where u.email = $1",
        patient_email
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(patient) = patient else { return Ok(LinkOutcome::NoSuchPatient) };
    let inserted = sqlx::query!(
        r#"insert into family_members (user_id, patient_id, relationship) values ($1, $2, $3)
           on conflict (user_id, patient_id) do nothing"#,
        family,
        patient,
        relationship
    )
    .execute(conn)
    .await?;
    Ok(if inserted.rows_affected() == 1 { LinkOutcome::Linked } else { LinkOutcome::AlreadyLinked })
}

/// Removes a link (its grants go with it). Returns the family member's account and the
/// patient's name, for the notification.
pub async fn unlink(conn: &mut PgConnection, family_member_id: Uuid) -> Result<Option<(Uuid, String)>, AppError> {
    let row = sqlx::query!(
        r#"delete from family_members f using patients p, users u
           where f.family_member_id = $1 and p.patient_id = f.patient_id and u.user_id = p.user_id
           returning f.user_id, u.first_name || ' ' || u.last_name as "patient_name!""#,
        family_member_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.user_id, r.patient_name)))
}
