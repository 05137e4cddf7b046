-- Encryption at rest for clinical data. Each patient gets a data key, stored only wrapped
-- (encrypted) by a master key that lives outside the database (SYEI_MASTER_KEY_FILE); the app
-- seals clinical fields with it before they reach PostgreSQL. Destroying a patient's wrapped
-- key (retention) leaves their sealed data unreadable everywhere, old backups and the audit
-- trail included.

create table patient_data_keys (
    data_key_id    uuid primary key default gen_random_uuid(),
    patient_id     uuid not null references patients (patient_id) on delete cascade,
    -- Which master key wrapped it: `server keys rotate` re-wraps under the newest one.
    master_key_id  text not null check (length(master_key_id) between 1 and 100),
    -- 24-byte nonce, 32-byte key, 16-byte tag. Null once destroyed.
    wrapped_key    bytea check (wrapped_key is null or length(wrapped_key) = 72),
    created_at     timestamptz not null default now(),
    rewrapped_at   timestamptz,
    destroyed_at   timestamptz,
    constraint patient_data_keys_one_per_patient unique (patient_id),
    constraint patient_data_keys_destroyed check ((wrapped_key is null) = (destroyed_at is not null))
);
create index idx_patient_data_keys_master on patient_data_keys (master_key_id);

-- The sealed fields (version, data key id, nonce, ciphertext; see app/src/server/crypto.rs).
-- The emergency contact is one sealed JSON value: name and phone.
alter table patients
    add column emergency_contact_sealed bytea,
    add column base_medical_history_sealed bytea;

-- The plaintext columns are kept only until `server migrate` has sealed what they held; from
-- then on nothing may write them (NOT VALID: rows written before this migration are sealed by
-- the server right after it, which also empties these columns).
alter table patients add constraint patients_no_plaintext_clinical
    check (emergency_contact_name is null and emergency_contact_phone is null and base_medical_history is null)
    not valid;

-- The audit trail keeps ciphertext only: never a wrapped key (destroying the key must destroy
-- the data), never the old plaintext columns.
create or replace function audit_strip_secrets(row_values jsonb) returns jsonb
language sql immutable as $$
    select row_values - 'password_hash' - 'wrapped_key'
                      - 'emergency_contact_name' - 'emergency_contact_phone' - 'base_medical_history'
$$;

create trigger patient_data_keys_audit after insert or update or delete on patient_data_keys
    for each row execute function audit_row_change('data_key_id');

-- Audit rows written before this migration carried the plaintext columns: remove them once,
-- here (the append-only guard is lifted for this statement only, inside the migration).
alter table audit_logs disable trigger audit_logs_append_only;
update audit_logs
   set old_values = audit_strip_secrets(old_values), new_values = audit_strip_secrets(new_values)
 where table_name = 'patients'
   and (old_values ?| array['emergency_contact_name', 'emergency_contact_phone', 'base_medical_history']
        or new_values ?| array['emergency_contact_name', 'emergency_contact_phone', 'base_medical_history']);
alter table audit_logs enable trigger audit_logs_append_only;
