-- Clinical notes: a `medical_records` row is a note. Its diagnosis, treatment and body are sealed
-- by the app with the patient's data key (see 20261126000008); the plaintext columns of the
-- first schema stay empty. A note is a draft until its author signs it; from then on the
-- database itself refuses any change to its content, whatever the app does. Corrections are
-- amendments (append-only); a note on the wrong patient is marked "entered in error", never
-- deleted.

-- Templates are versioned: a note names the version it started from, and every version stays.
alter table templates
    add column version integer not null default 1 check (version >= 1),
    add column copied_from uuid references templates (template_id) on delete set null,
    add column retired_at timestamptz,
    add constraint templates_content_bounded check (length(content) <= 100000);

create table template_versions (
    template_id    uuid not null references templates (template_id) on delete cascade,
    version        integer not null,
    template_name  varchar(200) not null,
    template_type  varchar(50) not null,
    content        text not null,
    created_by     uuid references users (user_id) on delete set null,
    created_at     timestamptz not null default now(),
    primary key (template_id, version)
);
insert into template_versions (template_id, version, template_name, template_type, content, created_at)
select template_id, version, template_name, template_type, content, updated_at from templates;

alter table medical_records
    add column status varchar(20) not null default 'Draft',
    -- Optimistic concurrency: every save names the revision it started from.
    add column revision integer not null default 1 check (revision >= 1),
    add column diagnosis_sealed bytea,
    add column treatment_sealed bytea,
    add column body_sealed bytea,
    add column template_id uuid references templates (template_id) on delete set null,
    add column template_version integer,
    add column signed_by uuid references users (user_id) on delete set null,
    add column signed_at timestamptz,
    -- SHA-256 (hex) of the canonical content at signing (app/src/server/services/notes.rs).
    add column content_sha256 text check (content_sha256 ~ '^[0-9a-f]{64}$'),
    -- Withheld from the patient (open notes are the default); the reason is shown to staff.
    add column withheld_reason_sealed bytea,
    add column withheld_by uuid references users (user_id) on delete set null,
    add column withheld_at timestamptz,
    add column error_reason_sealed bytea,
    add column error_by uuid references users (user_id) on delete set null,
    add column error_at timestamptz,
    add constraint medical_records_status_check check (status in ('Draft', 'Signed', 'EnteredInError')),
    add constraint medical_records_signed_check check (
        (signed_at is null) = (content_sha256 is null)
        and (status <> 'Signed' or signed_at is not null)
        and (status <> 'Draft' or signed_at is null)),
    add constraint medical_records_error_check check ((status = 'EnteredInError') = (error_at is not null)),
    add constraint medical_records_withheld_check check ((withheld_at is null) = (withheld_reason_sealed is null)),
    add constraint medical_records_no_plaintext_clinical check (diagnosis is null and treatment is null) not valid,
    add constraint medical_records_template_version_check
        check ((template_id is null) or (template_version is not null));
create index idx_medical_records_appointment on medical_records (appointment_id) where appointment_id is not null;

-- The lock: once signed, the content, its hash, who signed and when can never change; only the
-- status may go to EnteredInError (once), and the note may be withheld or released. A signed
-- or erroneous note is never deleted.
create function medical_records_guard_signed() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        if old.signed_at is not null or old.status = 'EnteredInError' then
            raise exception 'medical record % is signed and cannot be deleted', old.record_id
                using errcode = 'integrity_constraint_violation';
        end if;
        return old;
    end if;
    if old.status = 'EnteredInError' and new.status <> old.status then
        raise exception 'medical record % was entered in error; its status is final', old.record_id
            using errcode = 'integrity_constraint_violation';
    end if;
    if old.signed_at is not null and (
           new.patient_id is distinct from old.patient_id
        or new.specialist_id is distinct from old.specialist_id
        -- the appointment may only go (its foreign key's "on delete set null")
        or (new.appointment_id is distinct from old.appointment_id and new.appointment_id is not null)
        or new.record_date is distinct from old.record_date
        or new.diagnosis is distinct from old.diagnosis
        or new.treatment is distinct from old.treatment
        or new.diagnosis_sealed is distinct from old.diagnosis_sealed
        or new.treatment_sealed is distinct from old.treatment_sealed
        or new.body_sealed is distinct from old.body_sealed
        or new.attached_files_json is distinct from old.attached_files_json
        or new.template_id is distinct from old.template_id
        or new.template_version is distinct from old.template_version
        or new.revision is distinct from old.revision
        or new.signed_by is distinct from old.signed_by
        or new.signed_at is distinct from old.signed_at
        or new.content_sha256 is distinct from old.content_sha256
        or new.created_by is distinct from old.created_by
        or new.status = 'Draft') then
        raise exception 'medical record % is signed; its content cannot change (write an amendment)', old.record_id
            using errcode = 'integrity_constraint_violation';
    end if;
    return new;
end
$$;
create trigger medical_records_signed_lock before update or delete on medical_records
    for each row execute function medical_records_guard_signed();

-- Amendments: corrections under a signed note, in order; append-only.
create table medical_record_amendments (
    amendment_id    uuid primary key default gen_random_uuid(),
    record_id       uuid not null references medical_records (record_id) on delete restrict,
    patient_id      uuid not null references patients (patient_id) on delete restrict,
    author_id       uuid references users (user_id) on delete set null,
    created_at      timestamptz not null default now(),
    reason_sealed   bytea not null,
    body_sealed     bytea not null,
    content_sha256  text not null check (content_sha256 ~ '^[0-9a-f]{64}$')
);
create index idx_medical_record_amendments_record on medical_record_amendments (record_id, created_at);

create function medical_record_amendments_reject_change() returns trigger
language plpgsql as $$
begin
    raise exception 'amendments are append-only (% refused)', tg_op
        using errcode = 'integrity_constraint_violation';
end
$$;
create trigger medical_record_amendments_append_only before update or delete on medical_record_amendments
    for each row execute function medical_record_amendments_reject_change();
create trigger medical_record_amendments_audit after insert or update or delete on medical_record_amendments
    for each row execute function audit_row_change('amendment_id');
create trigger template_versions_audit after insert or update or delete on template_versions
    for each row execute function audit_row_change('template_id');
create trigger templates_audit after insert or update or delete on templates
    for each row execute function audit_row_change('template_id');

-- Attachments of a note (PDF, JPEG, PNG, WebP; at most 20 MB), sealed with the patient's data
-- key like the note itself: the bytes and the file name. The note's `attached_files_json` lists
-- them (id, sealed name, type, size, SHA-256 of the plaintext) so a signature covers them; a
-- signed note's attachments can never be removed (the note's lock refuses the list changing,
-- and this trigger the row going).
create table medical_record_files (
    file_id       uuid primary key default gen_random_uuid(),
    record_id     uuid not null references medical_records (record_id) on delete restrict,
    patient_id    uuid not null references patients (patient_id) on delete restrict,
    name_sealed   bytea not null,
    content_type  varchar(40) not null
        check (content_type in ('application/pdf', 'image/jpeg', 'image/png', 'image/webp')),
    size_bytes    integer not null check (size_bytes between 1 and 20971520),
    sha256        text not null check (sha256 ~ '^[0-9a-f]{64}$'),
    data_sealed   bytea not null,
    created_by    uuid references users (user_id) on delete set null,
    created_at    timestamptz not null default now()
);
create index idx_medical_record_files_record on medical_record_files (record_id, created_at);
create index idx_medical_record_files_patient on medical_record_files (patient_id, created_at desc);

create function medical_record_files_guard() returns trigger
language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        raise exception 'attachments cannot change; remove and upload again'
            using errcode = 'integrity_constraint_violation';
    end if;
    if exists (select 1 from medical_records r where r.record_id = old.record_id and r.status <> 'Draft') then
        raise exception 'the note of attachment % is signed; it cannot be removed', old.file_id
            using errcode = 'integrity_constraint_violation';
    end if;
    return old;
end
$$;
create trigger medical_record_files_locked before update or delete on medical_record_files
    for each row execute function medical_record_files_guard();

-- Audited like every clinical table, without the bytes themselves (sealed, and up to 20 MB).
create or replace function audit_strip_secrets(row_values jsonb) returns jsonb
language sql immutable as $$
    select row_values - 'password_hash' - 'wrapped_key' - 'data_sealed'
                      - 'emergency_contact_name' - 'emergency_contact_phone' - 'base_medical_history'
$$;
create trigger medical_record_files_audit after insert or update or delete on medical_record_files
    for each row execute function audit_row_change('file_id');
