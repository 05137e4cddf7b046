-- Break-the-glass: a specialist outside a patient's care team opens the chart only by giving a
-- reason. The access lasts four hours, is audited, notifies the admins, and waits in a review
-- list until an admin marks it reviewed.

create table emergency_access (
    access_id      uuid primary key default gen_random_uuid(),
    patient_id     uuid not null references patients (patient_id) on delete cascade,
    specialist_id  uuid not null references specialists (specialist_id) on delete cascade,
    reason         text not null,
    granted_at     timestamptz not null default now(),
    expires_at     timestamptz not null,
    reviewed_by    uuid references users (user_id) on delete restrict,
    reviewed_at    timestamptz,
    constraint emergency_access_reason_check check (char_length(btrim(reason)) between 10 and 1000),
    constraint emergency_access_expiry_check check (expires_at > granted_at),
    constraint emergency_access_review_check check ((reviewed_by is null) = (reviewed_at is null))
);
create index idx_emergency_access_live on emergency_access (specialist_id, patient_id, expires_at);
create index idx_emergency_access_unreviewed on emergency_access (granted_at) where reviewed_at is null;
create trigger emergency_access_audit after insert or update or delete on emergency_access
    for each row execute function audit_row_change('access_id');
