//! Family access, controlled by the patient: who may see and do what on their behalf, until
//! when. Admins keep the links (who is whose family); the patient alone decides the grants.

use chrono::{Days, NaiveDate};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::family::{FamilyGrant, FamilyLinkPage, FamilyOverview, HelpedPatient, FAMILY_LINKS_PER_PAGE};
use crate::server::audit::begin_as;
use crate::server::db::family::{self as db, GrantChange, LinkOutcome};
use crate::server::db::home as home_db;
use crate::server::services::home::agenda_item;
use crate::server::services::{materials, zones};

/// How far ahead a grant's end date may be set.
const LONGEST_GRANT_DAYS: u64 = 5 * 366;
pub const MAX_SEARCH_CHARS: usize = 100;

async fn own_patient(pool: &PgPool, user: &CurrentUser) -> Result<Uuid, AppError> {
    home_db::patient_of_user(pool, user.user_id).await?.ok_or(AppError::NotFound)
}

/// The signed-in patient's family members and what each may do.
pub async fn grants(pool: &PgPool, user: &CurrentUser) -> Result<Vec<FamilyGrant>, AppError> {
    let patient_id = own_patient(pool, user).await?;
    let (today, _) = zones::clinic_today(pool).await?;
    Ok(db::grants_of_patient(pool, patient_id)
        .await?
        .into_iter()
        .map(|g| FamilyGrant {
            family_member_id: g.family_member_id,
            name: g.name,
            relationship: g.relationship,
            view_appointments: g.can_view_appointments || g.can_book_appointments,
            book_appointments: g.can_book_appointments,
            view_materials: g.can_view_materials,
            view_notes: g.can_view_medical_records,
            access_until: g.access_until,
            ended: g.access_until.is_some_and(|until| until < today),
        })
        .collect())
}

/// The end date a patient typed: empty for none; otherwise today or later, within five years.
pub fn parse_access_until(text: &str, today: NaiveDate) -> Result<Option<NaiveDate>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let field = "access_until";
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "Give the last day as a date, or leave it empty."))?;
    let latest = today.checked_add_days(Days::new(LONGEST_GRANT_DAYS)).unwrap_or(today);
    if date < today {
        return Err(AppError::invalid(field, "The last day cannot be in the past."));
    }
    if date > latest {
        return Err(AppError::invalid(field, "Choose a last day within five years, or leave it empty."));
    }
    Ok(Some(date))
}

pub struct GrantRequest {
    pub view_appointments: bool,
    pub book_appointments: bool,
    pub view_materials: bool,
    pub view_notes: bool,
    pub access_until: String,
}

/// The patient changes what one family member may do; the family member is told. Booking for
/// the patient includes seeing their appointments.
pub async fn set_grants(
    pool: &PgPool,
    user: &CurrentUser,
    family_member_id: Uuid,
    request: GrantRequest,
) -> Result<FamilyGrant, AppError> {
    let patient_id = own_patient(pool, user).await?;
    let (today, _) = zones::clinic_today(pool).await?;
    let change = GrantChange {
        view_appointments: request.view_appointments || request.book_appointments,
        book_appointments: request.book_appointments,
        view_materials: request.view_materials,
        view_notes: request.view_notes,
        access_until: parse_access_until(&request.access_until, today)?,
    };
    let mut tx = begin_as(pool, user.user_id).await?;
    let family_user = db::set_grants(&mut tx, patient_id, family_member_id, &change).await?.ok_or_else(|| {
        tracing::warn!(user_id = %user.user_id, %family_member_id, "grant change refused: not the patient's link");
        AppError::NotFound
    })?;
    let grant = FamilyGrant {
        family_member_id,
        name: String::new(),
        relationship: String::new(),
        view_appointments: change.view_appointments,
        book_appointments: change.book_appointments,
        view_materials: change.view_materials,
        view_notes: change.view_notes,
        access_until: change.access_until,
        ended: false,
    };
    let patient = user.display_name();
    let (title, message) = if grant.summary() == "Nothing is shared." {
        ("Access revoked".to_string(), format!("{patient} no longer shares anything with you."))
    } else {
        let until = change.access_until.map(|d| format!(" until {}", d.format("%-d %B %Y"))).unwrap_or_default();
        ("Access changed".to_string(), format!("{patient} changed what you can see{until}. {}", grant.summary()))
    };
    db::notify(&mut tx, family_user, &title, &message).await?;
    tx.commit().await?;
    Ok(grant)
}

/// The family member's home: the patients they help, and one of them (the one asked for, or
/// the first) within today's grant.
pub async fn overview(pool: &PgPool, user: &CurrentUser, selected: Option<Uuid>) -> Result<FamilyOverview, AppError> {
    let patients = db::helped_patients(pool, user.user_id).await?;
    let chosen = match selected {
        Some(id) => patients.iter().find(|p| p.patient_id == id),
        None => patients.first(),
    };
    let Some(chosen) = chosen.cloned() else {
        return Ok(FamilyOverview { patients, selected: None });
    };
    let grant = db::live_grant(pool, user.user_id, chosen.patient_id).await?;
    let selected = match grant {
        None => HelpedPatient {
            patient_id: chosen.patient_id,
            name: chosen.name,
            relationship: chosen.relationship,
            upcoming: None,
            materials: None,
            can_book: false,
            sees_notes: false,
            access_until: None,
        },
        Some(grant) => {
            let upcoming = if grant.can_view_appointments {
                let rows = home_db::upcoming_for_patient(pool, chosen.patient_id).await?;
                Some(rows.into_iter().map(agenda_item).collect::<Result<Vec<_>, _>>()?)
            } else {
                None
            };
            let materials = if grant.can_view_materials {
                Some(materials::released_for_patient(pool, chosen.patient_id, 1).await?.items)
            } else {
                None
            };
            HelpedPatient {
                patient_id: chosen.patient_id,
                name: chosen.name,
                relationship: chosen.relationship,
                upcoming,
                materials,
                can_book: grant.can_book_appointments,
                sees_notes: grant.can_view_medical_records,
                access_until: grant.access_until,
            }
        }
    };
    Ok(FamilyOverview { patients, selected: Some(selected) })
}

pub async fn links(pool: &PgPool, search: &str, page: i64) -> Result<FamilyLinkPage, AppError> {
    let search: String = search.trim().chars().take(MAX_SEARCH_CHARS).collect();
    let (_, total) = db::links_page(pool, &search, 0, 0).await?;
    let page_count = ((total + FAMILY_LINKS_PER_PAGE - 1) / FAMILY_LINKS_PER_PAGE).max(1);
    let page = page.clamp(1, page_count);
    let (items, total) =
        db::links_page(pool, &search, FAMILY_LINKS_PER_PAGE, (page - 1) * FAMILY_LINKS_PER_PAGE).await?;
    Ok(FamilyLinkPage { items, page, page_count, total })
}

/// An admin links a family member to a patient (by their emails). The link grants nothing
/// until the patient decides.
pub async fn link(
    pool: &PgPool,
    admin: &CurrentUser,
    family_email: &str,
    patient_email: &str,
    relationship: &str,
) -> Result<(), AppError> {
    let family_email = family_email.trim().to_lowercase();
    let patient_email = patient_email.trim().to_lowercase();
    let relationship = relationship.trim();
    if relationship.is_empty() || relationship.chars().count() > 50 {
        return Err(AppError::invalid("relationship", "Say how they are related (up to 50 characters)."));
    }
    if family_email.len() > 255 || patient_email.len() > 255 {
        return Err(AppError::invalid("family_email", "An email address has at most 255 characters."));
    }
    let mut tx = begin_as(pool, admin.user_id).await?;
    let outcome = db::link(&mut tx, &family_email, &patient_email, relationship).await?;
    match outcome {
        LinkOutcome::Linked => {}
        LinkOutcome::NoSuchFamilyMember => {
            return Err(AppError::invalid("family_email", "No active family member account has this email."))
        }
        LinkOutcome::NoSuchPatient => {
            return Err(AppError::invalid("patient_email", "No patient account has this email."))
        }
        LinkOutcome::AlreadyLinked => return Err(AppError::invalid("patient_email", "These two are already linked.")),
    }
    tx.commit().await?;
    Ok(())
}

/// An admin removes a link; the family member is told. Linking again starts with no grants.
pub async fn unlink(pool: &PgPool, admin: &CurrentUser, family_member_id: Uuid) -> Result<(), AppError> {
    let mut tx = begin_as(pool, admin.user_id).await?;
    let (family_user, patient_name) = db::unlink(&mut tx, family_member_id).await?.ok_or(AppError::NotFound)?;
    db::notify(
        &mut tx,
        family_user,
        "Access removed",
        &format!("You are no longer linked to {patient_name}; nothing of theirs is shared with you."),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
