//! The one place that holds patients' data keys unwrapped: gets or makes a patient's key,
//! seals and opens their clinical details, checks at start-up that the key file opens the
//! keys in the database, re-wraps keys when the master key rotates, and seals details written
//! before encryption at rest existed.

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;
use crate::server::crypto::{DataKey, MasterKeys};
use crate::server::db::patient_keys::{self, WrappedKeyRow};
use crate::server::db::patients::{self, SealedDetails};

/// Field names bound into each ciphertext (a value sealed for one cannot pass for another).
const EMERGENCY_CONTACT: &str = "patients.emergency_contact";
const BASE_MEDICAL_HISTORY: &str = "patients.base_medical_history";

/// A patient's clinical details in plaintext, in memory only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClinicalDetails {
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub base_medical_history: Option<String>,
}

/// What `ClinicalDetails` became: readable, or erased (the patient's key was destroyed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    Readable(ClinicalDetails),
    Erased,
}

impl Opened {
    /// The details, or empty ones for erased data (they no longer exist anywhere).
    pub fn or_empty(self) -> ClinicalDetails {
        match self {
            Opened::Readable(details) => details,
            Opened::Erased => ClinicalDetails::default(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct EmergencyContact {
    name: Option<String>,
    phone: Option<String>,
}

fn unwrap_row(keys: &MasterKeys, row: &WrappedKeyRow) -> Result<Option<DataKey>, AppError> {
    match &row.wrapped_key {
        Some(wrapped) => keys.unwrap(&row.master_key_id, row.data_key_id, row.patient_id, wrapped).map(Some),
        None => Ok(None),
    }
}

/// The patient's key, made (and stored wrapped) on first use. Refused once destroyed: a patient
/// whose data was erased gets no new clinical data under a fresh key by accident.
pub async fn data_key(conn: &mut PgConnection, keys: &MasterKeys, patient_id: Uuid) -> Result<DataKey, AppError> {
    if patient_keys::find(conn, patient_id).await?.is_none() {
        let (key, wrapped) = keys.new_data_key(Uuid::new_v4(), patient_id)?;
        patient_keys::insert(conn, key.id, patient_id, &keys.current().id, &wrapped).await?;
    }
    let row = patient_keys::find(conn, patient_id).await?.ok_or(AppError::NotFound)?;
    unwrap_row(keys, &row)?.ok_or_else(|| AppError::Conflict("This patient's clinical data has been erased.".into()))
}

/// The patient's key if it exists and was not destroyed.
pub async fn existing_key(
    conn: &mut PgConnection,
    keys: &MasterKeys,
    patient_id: Uuid,
) -> Result<Option<DataKey>, AppError> {
    match patient_keys::find(conn, patient_id).await? {
        Some(row) => unwrap_row(keys, &row),
        None => Ok(None),
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|text| !text.trim().is_empty())
}

/// The emergency contact (name and phone) as one sealed value; None when both are empty.
pub fn seal_emergency_contact(
    key: &DataKey,
    name: Option<String>,
    phone: Option<String>,
) -> Result<Option<Vec<u8>>, AppError> {
    let contact = EmergencyContact { name: non_empty(name), phone: non_empty(phone) };
    if contact.name.is_none() && contact.phone.is_none() {
        return Ok(None);
    }
    let json = serde_json::to_string(&contact).map_err(AppError::internal)?;
    key.seal(EMERGENCY_CONTACT, &json).map(Some)
}

/// Seals and stores the patient's clinical details (replacing the old ones), in the caller's
/// transaction.
pub async fn save_details(
    conn: &mut PgConnection,
    keys: &MasterKeys,
    patient_id: Uuid,
    details: ClinicalDetails,
) -> Result<(), AppError> {
    let key = data_key(conn, keys, patient_id).await?;
    let sealed = SealedDetails {
        emergency_contact: seal_emergency_contact(
            &key,
            details.emergency_contact_name,
            details.emergency_contact_phone,
        )?,
        base_medical_history: non_empty(details.base_medical_history)
            .map(|history| key.seal(BASE_MEDICAL_HISTORY, &history))
            .transpose()?,
    };
    patients::set_sealed_details(conn, patient_id, &sealed).await
}

/// Opens the sealed details of a patient.
pub async fn open_details(
    conn: &mut PgConnection,
    keys: &MasterKeys,
    patient_id: Uuid,
    sealed: SealedDetails,
) -> Result<Opened, AppError> {
    if sealed.emergency_contact.is_none() && sealed.base_medical_history.is_none() {
        return Ok(Opened::Readable(ClinicalDetails::default()));
    }
    let Some(key) = existing_key(conn, keys, patient_id).await? else { return Ok(Opened::Erased) };
    let contact = match sealed.emergency_contact {
        Some(bytes) => serde_json::from_str::<EmergencyContact>(&key.open(EMERGENCY_CONTACT, &bytes)?)
            .map_err(AppError::internal)?,
        None => EmergencyContact { name: None, phone: None },
    };
    let base_medical_history =
        sealed.base_medical_history.map(|bytes| key.open(BASE_MEDICAL_HISTORY, &bytes)).transpose()?;
    Ok(Opened::Readable(ClinicalDetails {
        emergency_contact_name: contact.name,
        emergency_contact_phone: contact.phone,
        base_medical_history,
    }))
}

/// Destroys the patient's data key: everything sealed under it is unreadable from now on, in
/// the database, its audit trail and its backups. Returns false when there was no live key.
pub async fn destroy_key(conn: &mut PgConnection, patient_id: Uuid) -> Result<bool, AppError> {
    patient_keys::destroy(conn, patient_id).await
}

/// Refuses to run with a key file that cannot open the keys in the database: every master key
/// id in use must be in the file and open one of its keys.
pub async fn check_key_file(pool: &PgPool, keys: &MasterKeys) -> Result<(), String> {
    let samples = patient_keys::one_per_master_key(pool).await.map_err(|error| error.to_string())?;
    for sample in samples {
        if !keys.ids().any(|id| id == sample.master_key_id) {
            return Err(format!(
                "patient keys are wrapped by master key {}, which the key file does not hold",
                sample.master_key_id
            ));
        }
        if unwrap_row(keys, &sample).is_err() {
            return Err(format!(
                "master key {} in the key file does not open the patient keys wrapped by it",
                sample.master_key_id
            ));
        }
    }
    Ok(())
}

/// Seals every patient's details and education-plan comment still stored in plaintext (written
/// before encryption at rest), in batches; each in one transaction, audited as the system.
/// Returns how many.
pub async fn seal_legacy_plaintext(pool: &PgPool, keys: &MasterKeys) -> Result<u64, AppError> {
    let mut sealed = 0;
    loop {
        let batch = crate::server::db::materials::legacy_comments(pool, 100).await?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            let mut tx = pool.begin().await?;
            // A patient whose data was erased keeps no comment (nothing may be sealed anew for them).
            let comment = match data_key(&mut tx, keys, row.patient_id).await {
                Ok(key) => Some(key.seal(crate::server::services::materials::COMMENT_FIELD, &row.comment)?),
                Err(AppError::Conflict(_)) => None,
                Err(error) => return Err(error),
            };
            crate::server::db::materials::replace_legacy_comment(&mut tx, row.assignment_id, comment.as_deref())
                .await?;
            tx.commit().await?;
            sealed += 1;
        }
    }
    loop {
        let batch = patients::with_legacy_plaintext(pool, 100).await?;
        if batch.is_empty() {
            return Ok(sealed);
        }
        for row in batch {
            let mut tx = pool.begin().await?;
            let details = ClinicalDetails {
                emergency_contact_name: row.emergency_contact_name,
                emergency_contact_phone: row.emergency_contact_phone,
                base_medical_history: row.base_medical_history,
            };
            save_details(&mut tx, keys, row.patient_id, details).await?;
            tx.commit().await?;
            sealed += 1;
        }
    }
}

/// How a rotation went: re-wrapped now, and the live keys per master key afterwards.
#[derive(Debug)]
pub struct Rotation {
    pub rewrapped: u64,
    pub remaining: Vec<(String, i64)>,
}

/// Re-wraps every live patient key under the current master key, in batches; each batch is
/// committed, so an interrupted rotation resumes where it stopped when run again. Only the
/// wrapping changes: no sealed field is touched. `on_batch` hears the running total.
pub async fn rotate(pool: &PgPool, keys: &MasterKeys, mut on_batch: impl FnMut(u64)) -> Result<Rotation, AppError> {
    let current = keys.current().id.clone();
    let mut rewrapped = 0;
    loop {
        let batch = patient_keys::wrapped_by_others(pool, &current, 500).await?;
        if batch.is_empty() {
            break;
        }
        let mut tx = pool.begin().await?;
        for row in &batch {
            let Some(key) = unwrap_row(keys, row)? else { continue };
            let wrapped = keys.wrap(&key)?;
            if patient_keys::rewrap(&mut tx, row.data_key_id, &row.master_key_id, &current, &wrapped).await? {
                rewrapped += 1;
            }
        }
        tx.commit().await?;
        on_batch(rewrapped);
    }
    Ok(Rotation { rewrapped, remaining: patient_keys::count_by_master_key(pool).await? })
}
