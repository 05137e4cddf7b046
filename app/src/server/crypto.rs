//! Encryption at rest for clinical data: each patient has a data key, wrapped (encrypted) by a
//! master key that lives outside the database; clinical fields are sealed with the patient's
//! data key before they reach PostgreSQL. Both layers are XChaCha20-Poly1305 (RustCrypto), an
//! AEAD: a wrong key, an altered byte or a ciphertext moved to another patient or field fails
//! to open instead of yielding garbage.
//!
//! Destroying a patient's wrapped data key makes every ciphertext of theirs unreadable, in the
//! live database, the audit trail and old backups alike.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use uuid::Uuid;
use zeroize::Zeroize;

use crate::error::AppError;

const NONCE_LEN: usize = 24;
/// The first byte of every sealed field: the format, so a later one can be told apart.
const SEALED_V1: u8 = 1;
const SEALED_HEADER_LEN: usize = 1 + 16 + NONCE_LEN;

/// 32 secret bytes; wiped from memory when dropped.
#[derive(Clone)]
struct SecretKey([u8; 32]);

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl SecretKey {
    fn random() -> SecretKey {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        SecretKey(key.into())
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.0))
    }
}

/// A master key and the id it is known by (stored beside every data key it wraps).
#[derive(Clone)]
pub struct MasterKey {
    pub id: String,
    key: SecretKey,
}

impl MasterKey {
    pub fn generate(id: String) -> MasterKey {
        MasterKey { id, key: SecretKey::random() }
    }

    pub fn from_hex(id: String, hex_key: &str) -> Result<MasterKey, String> {
        let mut bytes = hex::decode(hex_key.trim()).map_err(|_| format!("master key {id} is not hex"))?;
        let key: [u8; 32] =
            bytes.as_slice().try_into().map_err(|_| format!("master key {id} must be 32 bytes (64 hex digits)"))?;
        bytes.zeroize();
        Ok(MasterKey { id, key: SecretKey(key) })
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.key.0)
    }
}

/// The master keys the server holds: the first wraps new data keys; older ones still unwrap
/// the data keys that `server keys rotate` has not re-wrapped yet.
#[derive(Clone)]
pub struct MasterKeys {
    keys: Vec<MasterKey>,
}

impl MasterKeys {
    pub fn new(keys: Vec<MasterKey>) -> Result<MasterKeys, String> {
        if keys.is_empty() {
            return Err("the key file holds no master key".into());
        }
        Ok(MasterKeys { keys })
    }

    pub fn current(&self) -> &MasterKey {
        &self.keys[0]
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|key| key.id.as_str())
    }

    fn by_id(&self, id: &str) -> Option<&MasterKey> {
        self.keys.iter().find(|key| key.id == id)
    }

    /// A new data key for `patient_id`, and its wrapped form under the current master key.
    pub fn new_data_key(&self, data_key_id: Uuid, patient_id: Uuid) -> Result<(DataKey, Vec<u8>), AppError> {
        let key = DataKey { id: data_key_id, patient_id, key: SecretKey::random() };
        let wrapped = self.wrap(&key)?;
        Ok((key, wrapped))
    }

    /// The data key sealed under the current master key (bound to its patient and id).
    pub fn wrap(&self, data_key: &DataKey) -> Result<Vec<u8>, AppError> {
        let aad = wrap_aad(data_key.id, data_key.patient_id);
        seal_raw(&self.current().key, &data_key.key.0, &aad)
    }

    /// Opens a wrapped data key. Refused (never garbage) for an unknown master key, a wrong
    /// key, another patient's key or altered bytes.
    pub fn unwrap(
        &self,
        master_key_id: &str,
        data_key_id: Uuid,
        patient_id: Uuid,
        wrapped: &[u8],
    ) -> Result<DataKey, AppError> {
        let master = self
            .by_id(master_key_id)
            .ok_or_else(|| AppError::internal(format!("master key {master_key_id} is not in the key file")))?;
        let mut bytes = open_raw(&master.key, wrapped, &wrap_aad(data_key_id, patient_id))?;
        let key: [u8; 32] =
            bytes.as_slice().try_into().map_err(|_| AppError::internal("a data key is not 32 bytes"))?;
        bytes.zeroize();
        Ok(DataKey { id: data_key_id, patient_id, key: SecretKey(key) })
    }
}

impl MasterKeys {
    /// Seals a small server-side secret that belongs to no patient (a staff member's TOTP
    /// secret) under the current master key. `context` says what it is and whose, and is
    /// authenticated: the sealed bytes copied to another account do not open. Returns the id
    /// of the master key used, to be stored beside it.
    pub fn seal_secret(&self, context: &[u8], secret: &[u8]) -> Result<(String, Vec<u8>), AppError> {
        let current = self.current();
        Ok((current.id.clone(), seal_raw(&current.key, secret, context)?))
    }

    /// Opens what [`MasterKeys::seal_secret`] sealed. Refused for an unknown master key, another
    /// context or altered bytes.
    pub fn open_secret(&self, master_key_id: &str, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, AppError> {
        let master = self
            .by_id(master_key_id)
            .ok_or_else(|| AppError::internal(format!("master key {master_key_id} is not in the key file")))?;
        open_raw(&master.key, sealed, context)
    }
}

fn wrap_aad(data_key_id: Uuid, patient_id: Uuid) -> Vec<u8> {
    [b"syei/data-key/v1/".as_slice(), data_key_id.as_bytes(), patient_id.as_bytes()].concat()
}

/// One patient's data key, unwrapped (in memory only).
pub struct DataKey {
    pub id: Uuid,
    pub patient_id: Uuid,
    key: SecretKey,
}

impl DataKey {
    /// Seals `plaintext` as field `field` of this patient: version, data key id, nonce, then
    /// the ciphertext. The field name and patient are authenticated, so a ciphertext copied to
    /// another column or patient does not open.
    pub fn seal(&self, field: &str, plaintext: &str) -> Result<Vec<u8>, AppError> {
        self.seal_bytes(field, plaintext.as_bytes())
    }

    /// `seal` for bytes (an attachment).
    pub fn seal_bytes(&self, field: &str, plaintext: &[u8]) -> Result<Vec<u8>, AppError> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ciphertext = self
            .key
            .cipher()
            .encrypt(&nonce, Payload { msg: plaintext, aad: &self.field_aad(field) })
            .map_err(|_| AppError::internal("sealing a field failed"))?;
        Ok([[SEALED_V1].as_slice(), self.id.as_bytes(), nonce.as_slice(), &ciphertext].concat())
    }

    /// Opens a field sealed by `seal`. Refused for another key, field or patient, or altered
    /// bytes.
    pub fn open(&self, field: &str, sealed: &[u8]) -> Result<String, AppError> {
        String::from_utf8(self.open_bytes(field, sealed)?).map_err(|_| AppError::internal(format!("{field}: not text")))
    }

    /// `open` for bytes.
    pub fn open_bytes(&self, field: &str, sealed: &[u8]) -> Result<Vec<u8>, AppError> {
        if sealed.len() < SEALED_HEADER_LEN || sealed[0] != SEALED_V1 {
            return Err(AppError::internal(format!("{field}: not a sealed value")));
        }
        if sealed_key_id(sealed) != Some(self.id) {
            return Err(AppError::internal(format!("{field}: sealed under another data key")));
        }
        let nonce = XNonce::from_slice(&sealed[17..SEALED_HEADER_LEN]);
        self.key
            .cipher()
            .decrypt(nonce, Payload { msg: &sealed[SEALED_HEADER_LEN..], aad: &self.field_aad(field) })
            .map_err(|_| AppError::internal(format!("{field}: does not open with its patient's key")))
    }

    fn field_aad(&self, field: &str) -> Vec<u8> {
        [b"syei/field/v1/".as_slice(), self.patient_id.as_bytes(), field.as_bytes()].concat()
    }
}

/// The id of the data key a sealed value was made with (the key id beside each ciphertext).
pub fn sealed_key_id(sealed: &[u8]) -> Option<Uuid> {
    let bytes: [u8; 16] = sealed.get(1..17)?.try_into().ok()?;
    Some(Uuid::from_bytes(bytes))
}

fn seal_raw(key: &SecretKey, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, AppError> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ciphertext = key
        .cipher()
        .encrypt(&nonce, Payload { msg: plaintext, aad })
        .map_err(|_| AppError::internal("wrapping a key failed"))?;
    Ok([nonce.as_slice(), &ciphertext].concat())
}

fn open_raw(key: &SecretKey, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, AppError> {
    if sealed.len() < NONCE_LEN {
        return Err(AppError::internal("a wrapped key is too short"));
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    key.cipher()
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad })
        .map_err(|_| AppError::internal("a data key does not open with its master key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ids: &[&str]) -> MasterKeys {
        MasterKeys::new(ids.iter().map(|id| MasterKey::generate(id.to_string())).collect()).unwrap()
    }

    #[test]
    fn a_field_round_trips_and_its_ciphertext_holds_no_plaintext() {
        let master = keys(&["mk-1"]);
        let patient = Uuid::new_v4();
        let (key, wrapped) = master.new_data_key(Uuid::new_v4(), patient).unwrap();
        let sealed = key.seal("base_medical_history", "Asthma since 2019; MARKER-7f3a").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"MARKER"));
        assert_eq!(sealed_key_id(&sealed), Some(key.id));
        let reopened = master.unwrap("mk-1", key.id, patient, &wrapped).unwrap();
        assert_eq!(reopened.open("base_medical_history", &sealed).unwrap(), "Asthma since 2019; MARKER-7f3a");
    }

    #[test]
    fn a_wrong_key_field_patient_or_altered_byte_is_refused() {
        let master = keys(&["mk-1"]);
        let patient = Uuid::new_v4();
        let (key, wrapped) = master.new_data_key(Uuid::new_v4(), patient).unwrap();
        let sealed = key.seal("base_medical_history", "secret").unwrap();
        // Another patient's key (one key per patient).
        let (other, _) = master.new_data_key(Uuid::new_v4(), Uuid::new_v4()).unwrap();
        assert!(other.open("base_medical_history", &sealed).is_err());
        // Another field.
        assert!(key.open("emergency_contact", &sealed).is_err());
        // Any altered byte of the ciphertext.
        for index in [0, 5, SEALED_HEADER_LEN - 1, SEALED_HEADER_LEN, sealed.len() - 1] {
            let mut altered = sealed.clone();
            altered[index] ^= 1;
            assert!(key.open("base_medical_history", &altered).is_err(), "byte {index} altered");
        }
        // A wrapped key under another master key, for another patient, or altered.
        let stranger = keys(&["mk-1"]);
        assert!(stranger.unwrap("mk-1", key.id, patient, &wrapped).is_err());
        assert!(master.unwrap("mk-1", key.id, Uuid::new_v4(), &wrapped).is_err());
        assert!(master.unwrap("mk-unknown", key.id, patient, &wrapped).is_err());
        let mut altered = wrapped.clone();
        altered[30] ^= 1;
        assert!(master.unwrap("mk-1", key.id, patient, &altered).is_err());
    }

    #[test]
    fn rotation_rewraps_the_data_key_without_touching_sealed_fields() {
        let old = keys(&["mk-old"]);
        let patient = Uuid::new_v4();
        let (key, wrapped_old) = old.new_data_key(Uuid::new_v4(), patient).unwrap();
        let sealed = key.seal("emergency_contact", "Pablo · +34 600").unwrap();
        // The key file after rotation: a new current key, the old one kept until all re-wrapped.
        let rotated = MasterKeys::new(vec![MasterKey::generate("mk-new".into()), old.current().clone()]).unwrap();
        let unwrapped = rotated.unwrap("mk-old", key.id, patient, &wrapped_old).unwrap();
        let wrapped_new = rotated.wrap(&unwrapped).unwrap();
        // Only the new master key is needed from now on.
        let only_new = MasterKeys::new(vec![rotated.current().clone()]).unwrap();
        let reopened = only_new.unwrap("mk-new", key.id, patient, &wrapped_new).unwrap();
        assert_eq!(reopened.open("emergency_contact", &sealed).unwrap(), "Pablo · +34 600");
    }

    #[test]
    fn a_sealed_secret_opens_only_in_its_own_context() {
        let master = keys(&["mk-1"]);
        let (key_id, sealed) = master.seal_secret(b"totp/alice", b"twenty secret bytes!").unwrap();
        assert_eq!(key_id, "mk-1");
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(master.open_secret("mk-1", b"totp/alice", &sealed).unwrap(), b"twenty secret bytes!");
        assert!(master.open_secret("mk-1", b"totp/bob", &sealed).is_err());
        assert!(master.open_secret("mk-2", b"totp/alice", &sealed).is_err());
        assert!(keys(&["mk-1"]).open_secret("mk-1", b"totp/alice", &sealed).is_err());
    }

    #[test]
    fn master_keys_read_back_from_hex() {
        let key = MasterKey::generate("mk-1".into());
        let again = MasterKey::from_hex("mk-1".into(), &key.to_hex()).unwrap();
        assert_eq!(again.to_hex(), key.to_hex());
        assert!(MasterKey::from_hex("mk-1".into(), "abcd").is_err());
        assert!(MasterKey::from_hex("mk-1".into(), "not hex at all").is_err());
    }
}
