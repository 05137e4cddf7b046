-- "My details": the patient's postal address, sealed with their data key like the emergency
-- contact (version, data key id, nonce, ciphertext; see app/src/server/crypto.rs). The audit
-- trigger on patients keeps the ciphertext only, and destroying the patient's key erases it.
alter table patients add column address_sealed bytea;

-- Keyset paging of a patient's whole appointment history, newest first.
create index idx_appointments_patient_keyset on appointments (patient_id, start_datetime desc, appointment_id desc);
