//! The patient portal: the patient's whole appointment history (keyset pages, newest first)
//! and "My details" (phone, postal address, emergency contact). The address and the contact are
//! sealed with the patient's data key (`patient_vault`), so the table and its audit trail hold
//! ciphertext only; the phone is an account field like the name. Only the patient themself.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::model::auth::CurrentUser;
use crate::model::portal::{
    AppointmentHistory, Cursor, HistoryItem, MyDetails, ADDRESS_MAX_CHARS, CONTACT_NAME_MAX_CHARS, HISTORY_PAGE_SIZE,
    PHONE_MAX_CHARS, PHONE_MIN_CHARS,
};
use crate::server::audit::{self, AuditEvent};
use crate::server::crypto::DataKey;
use crate::server::db::patients::SealedDetails;
use crate::server::db::portal::{self as db, DetailsRow};
use crate::server::services::patient_vault::{self, Opened};
use crate::server::services::zones::when_label;
use crate::server::state::AppState;

/// The field name bound into the sealed address (a value sealed for another field cannot pass
/// for it).
const ADDRESS: &str = "patients.address";

/// The patient behind a patient's account; anyone else has no portal (answered as missing).
async fn own_patient(state: &AppState, user: &CurrentUser) -> Result<Uuid, AppError> {
    if user.role != Role::Patient {
        return Err(AppError::NotFound);
    }
    crate::server::db::home::patient_of_user(&state.pool, user.user_id).await?.ok_or(AppError::NotFound)
}

/// A page of the patient's appointments, every status, newest first.
pub async fn history(
    state: &AppState,
    user: &CurrentUser,
    before: Option<&str>,
    now: DateTime<Utc>,
) -> Result<AppointmentHistory, AppError> {
    let cursor = Cursor::from_before(before)?;
    let patient_id = own_patient(state, user).await?;
    let mut rows = db::history(&state.pool, patient_id, cursor, HISTORY_PAGE_SIZE + 1).await?;
    let more = rows.len() as i64 > HISTORY_PAGE_SIZE;
    rows.truncate(HISTORY_PAGE_SIZE as usize);
    let older = more
        .then(|| rows.last().map(|row| Cursor { at: row.start_datetime, id: row.appointment_id }.encode()))
        .flatten();
    let items = rows
        .into_iter()
        .map(|row| {
            let booked_by = match (row.created_by, row.created_by_name) {
                (Some(by), Some(name)) if by != user.user_id => Some(format!("booked by {name}")),
                _ => None,
            };
            Ok(HistoryItem {
                appointment_id: row.appointment_id,
                when: when_label(row.start_datetime, row.end_datetime, &row.time_zone),
                specialist: row.specialist,
                specialty: row.specialty,
                appointment_type: row.appointment_type,
                status: row.status.parse().map_err(AppError::internal)?,
                booked_by,
                upcoming: row.start_datetime > now,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(AppointmentHistory { items, older, newest: cursor.is_none() })
}

/// What the "My details" form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct DetailsForm {
    pub phone: String,
    pub address: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
}

/// The details checked and tidied (None: left empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidDetails {
    pub phone: Option<String>,
    pub address: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

fn phone(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let length = value.chars().count();
    if !value.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '(' | ')' | '-' | '.')) {
        errors.push(FieldError::new(field, "Use only digits, spaces and + ( ) - . in a phone number."));
    } else if !(PHONE_MIN_CHARS..=PHONE_MAX_CHARS).contains(&length) || !value.chars().any(|c| c.is_ascii_digit()) {
        errors.push(FieldError::new(
            field,
            format!("A phone number has {PHONE_MIN_CHARS} to {PHONE_MAX_CHARS} characters, digits among them."),
        ));
    }
    Some(value.to_string())
}

/// Free text of at most `max` characters; line breaks only where `lines` (an address).
fn text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    label: &str,
    max: usize,
    lines: bool,
) -> Option<String> {
    let value = value.trim().replace("\r\n", "\n");
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > max {
        errors.push(FieldError::new(field, format!("The {label} is at most {max} characters.")));
    } else if value.chars().any(|c| c.is_control() && !(lines && c == '\n')) {
        errors.push(FieldError::new(field, format!("The {label} contains characters that cannot be stored.")));
    }
    Some(value)
}

/// Checks every field and reports every problem at once; nothing is stored unless all pass.
pub fn parse_details(form: &DetailsForm) -> Result<ValidDetails, AppError> {
    let mut errors = Vec::new();
    let valid = ValidDetails {
        phone: phone(&mut errors, "phone", &form.phone),
        address: text(&mut errors, "address", &form.address, "address", ADDRESS_MAX_CHARS, true),
        emergency_contact_name: text(
            &mut errors,
            "emergency_contact_name",
            &form.emergency_contact_name,
            "contact's name",
            CONTACT_NAME_MAX_CHARS,
            false,
        ),
        emergency_contact_phone: phone(&mut errors, "emergency_contact_phone", &form.emergency_contact_phone),
    };
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The stored details, opened (an erased patient's sealed details no longer exist).
struct Current {
    contact: (Option<String>, Option<String>),
    address: Option<String>,
    erased: bool,
}

async fn open(conn: &mut PgConnection, state: &AppState, row: &DetailsRow) -> Result<Current, AppError> {
    let sealed = SealedDetails { emergency_contact: row.emergency_contact_sealed.clone(), base_medical_history: None };
    let (contact, mut erased) = match patient_vault::open_details(conn, &state.keys, row.patient_id, sealed).await? {
        Opened::Readable(details) => ((details.emergency_contact_name, details.emergency_contact_phone), false),
        Opened::Erased => ((None, None), true),
    };
    let address = match &row.address_sealed {
        None => None,
        Some(bytes) => match patient_vault::existing_key(conn, &state.keys, row.patient_id).await? {
            Some(key) => Some(key.open(ADDRESS, bytes)?),
            None => {
                erased = true;
                None
            }
        },
    };
    Ok(Current { contact, address, erased })
}

/// The patient's own details; the read is audited like any read of their record.
pub async fn my_details(state: &AppState, user: &CurrentUser) -> Result<MyDetails, AppError> {
    if user.role != Role::Patient {
        return Err(AppError::NotFound);
    }
    let mut tx = state.pool.begin().await?;
    let row = db::details(&mut tx, user.user_id, false).await?.ok_or(AppError::NotFound)?;
    let current = open(&mut tx, state, &row).await?;
    audit::record(
        &mut tx,
        AuditEvent {
            actor: Some(user.user_id),
            action: "READ",
            table_name: "patients",
            record_id: Some(row.patient_id),
            details: Some(serde_json::json!({ "what": "my-details", "clinical": false, "role": user.role })),
            ip: crate::server::auth::client_ip(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(MyDetails {
        phone: row.phone.unwrap_or_default(),
        address: current.address.unwrap_or_default(),
        emergency_contact_name: current.contact.0.unwrap_or_default(),
        emergency_contact_phone: current.contact.1.unwrap_or_default(),
        erased: current.erased,
    })
}

/// Saves what changed, in one transaction attributed to the patient (the triggers audit each
/// changed row: the sealed values only). Unchanged fields are not rewritten, so the audit trail
/// shows only real changes.
pub async fn save_my_details(state: &AppState, user: &CurrentUser, form: DetailsForm) -> Result<(), AppError> {
    if user.role != Role::Patient {
        return Err(AppError::NotFound);
    }
    let valid = parse_details(&form)?;
    let mut tx = audit::begin_as(&state.pool, user.user_id).await?;
    let row = db::details(&mut tx, user.user_id, true).await?.ok_or(AppError::NotFound)?;
    let current = open(&mut tx, state, &row).await?;
    if valid.phone != row.phone {
        db::set_phone(&mut tx, user.user_id, valid.phone.as_deref()).await?;
    }
    let contact = (valid.emergency_contact_name, valid.emergency_contact_phone);
    let contact_changed = contact != current.contact;
    let address_changed = valid.address != current.address;
    // The key only when something is to be sealed: refused (a conflict) once it was destroyed.
    let mut key: Option<DataKey> = None;
    let needs_key = (contact_changed && (contact.0.is_some() || contact.1.is_some()))
        || (address_changed && valid.address.is_some());
    if needs_key {
        key = Some(patient_vault::data_key(&mut tx, &state.keys, row.patient_id).await?);
    }
    if contact_changed {
        let sealed = match &key {
            Some(key) => patient_vault::seal_emergency_contact(key, contact.0, contact.1)?,
            None => None,
        };
        db::set_sealed_contact(&mut tx, row.patient_id, sealed.as_deref()).await?;
    }
    if address_changed {
        let sealed = match (&key, &valid.address) {
            (Some(key), Some(address)) => Some(key.seal(ADDRESS, address)?),
            _ => None,
        };
        db::set_sealed_address(&mut tx, row.patient_id, sealed.as_deref()).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(phone: &str, address: &str, name: &str, contact_phone: &str) -> DetailsForm {
        DetailsForm {
            phone: phone.into(),
            address: address.into(),
            emergency_contact_name: name.into(),
            emergency_contact_phone: contact_phone.into(),
        }
    }

    fn fields(error: AppError) -> Vec<String> {
        match error {
            AppError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn good_details_are_trimmed_and_empty_ones_are_none() {
        let valid =
            parse_details(&form(" +34 (91) 555-12.34 ", "Calle Mayor 1\r\n28013 Madrid ", "Pablo Ruiz", "")).unwrap();
        assert_eq!(valid.phone.as_deref(), Some("+34 (91) 555-12.34"));
        assert_eq!(valid.address.as_deref(), Some("Calle Mayor 1\n28013 Madrid"));
        assert_eq!(valid.emergency_contact_name.as_deref(), Some("Pablo Ruiz"));
        assert_eq!(valid.emergency_contact_phone, None);
        assert_eq!(parse_details(&DetailsForm::default()).unwrap(), ValidDetails::default());
    }

    #[test]
    fn phones_have_their_characters_and_length() {
        for bad in ["call me", "+34 600 abc", "12345", "------", &"1".repeat(41), "600\u{0}123"] {
            assert_eq!(fields(parse_details(&form(bad, "", "", "")).unwrap_err()), vec!["phone"], "{bad:?}");
            assert_eq!(
                fields(parse_details(&form("", "", "", bad)).unwrap_err()),
                vec!["emergency_contact_phone"],
                "{bad:?}"
            );
        }
        for good in ["600123", "+1 (555) 010-9999", &"1".repeat(40)] {
            assert!(parse_details(&form(good, "", "", "")).is_ok(), "{good}");
        }
    }

    #[test]
    fn lengths_are_bounded_and_every_problem_is_reported() {
        let long_address = "a".repeat(ADDRESS_MAX_CHARS + 1);
        let long_name = "n".repeat(CONTACT_NAME_MAX_CHARS + 1);
        assert_eq!(
            fields(parse_details(&form("x", &long_address, &long_name, "y")).unwrap_err()),
            vec!["phone", "address", "emergency_contact_name", "emergency_contact_phone"]
        );
        assert!(
            parse_details(&form("", &"a".repeat(ADDRESS_MAX_CHARS), &"n".repeat(CONTACT_NAME_MAX_CHARS), "")).is_ok()
        );
        assert_eq!(
            fields(parse_details(&form("", "", "Pablo\nRuiz", "")).unwrap_err()),
            vec!["emergency_contact_name"]
        );
    }
}
