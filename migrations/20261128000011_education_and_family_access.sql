-- Between visits: the education library, education plans with engagement, and family access
-- that the patient controls.

-- Family access ----------------------------------------------------------------------------
-- A new link grants nothing: the patient decides what each family member may see and do.
alter table family_members
    alter column can_view_appointments set default false,
    alter column can_view_materials set default false,
    -- The grant ends after this day (in the clinic's zone); null: until the patient revokes it.
    add column access_until date,
    add column grants_changed_at timestamptz;

-- The grants that are in force today. Every access rule reads this view, never the table, so
-- an ended grant allows nothing anywhere. `today` is passed in as the clinic's date where it
-- matters; the view uses the database's date, which the server keeps in UTC (an end date is
-- honoured to within the zone's offset).
create view live_family_grants as
select family_member_id, user_id, patient_id, relationship,
       can_view_appointments or can_book_appointments as can_view_appointments,
       can_book_appointments, can_view_materials, can_view_medical_records
  from family_members
 where access_until is null or access_until >= current_date;

-- Education library ------------------------------------------------------------------------
-- A material is a web link or an uploaded PDF or image (up to 20 MB; not patient data, so not
-- sealed). Retired materials stay readable for the patients they were assigned to.
alter table educational_materials
    alter column content_url drop not null,
    add column tags text[] not null default '{}',
    add column retired_at timestamptz,
    add column created_by uuid references users (user_id) on delete set null,
    add column file_name varchar(255),
    add column file_type varchar(100),
    add column file_size integer,
    add column file_data bytea,
    add constraint educational_materials_file_check
        check ((file_data is null) = (file_name is null) and (file_data is null) = (file_type is null)
               and (file_size is null or file_size between 1 and 20971520)),
    add constraint educational_materials_has_content check (content_url is not null or file_data is not null),
    add constraint educational_materials_tags_check check (cardinality(tags) <= 10),
    add constraint educational_materials_description_check check (length(description) <= 20000);
create index idx_educational_materials_tags on educational_materials using gin (tags);
create index idx_educational_materials_title on educational_materials (lower(title));

-- Education plans --------------------------------------------------------------------------
-- The specialist's comment and the patient's note back are about the patient's health: sealed
-- with the patient's data key like the clinical notes. The plaintext comment column of the
-- first schema stays empty.
alter table patient_material_assignments
    add column comment_sealed bytea,
    -- The patient sees the material from this day on (in the clinic's zone); null: at once.
    add column release_date date,
    add column released_notified_at timestamptz,
    add column viewed_by uuid references users (user_id) on delete set null,
    add column completed_at timestamptz,
    add column completed_by uuid references users (user_id) on delete set null,
    add column completion_note_sealed bytea,
    add column updated_by uuid references users (user_id) on delete set null;
alter table patient_material_assignments add constraint patient_material_assignments_no_plaintext
    check (specialist_comments is null) not valid;
create index idx_patient_material_assignments_patient
    on patient_material_assignments (patient_id, assignment_date desc, assignment_id desc);
create index idx_patient_material_assignments_unreleased
    on patient_material_assignments (release_date) where released_notified_at is null;

-- Audited, without an uploaded file's bytes (up to 20 MB each), and never with a plaintext
-- comment (`server migrate` seals the comments written before this migration).
create or replace function audit_strip_secrets(row_values jsonb) returns jsonb
language sql immutable as $$
    select row_values - 'password_hash' - 'wrapped_key' - 'data_sealed' - 'file_data' - 'specialist_comments'
                      - 'emergency_contact_name' - 'emergency_contact_phone' - 'base_medical_history'
$$;

-- Audit rows written before this migration carried the plaintext comments: removed once, here
-- (the append-only guard is lifted for this statement only, inside the migration).
alter table audit_logs disable trigger audit_logs_append_only;
update audit_logs
   set old_values = audit_strip_secrets(old_values), new_values = audit_strip_secrets(new_values)
 where table_name = 'patient_material_assignments'
   and (old_values ? 'specialist_comments' or new_values ? 'specialist_comments');
alter table audit_logs enable trigger audit_logs_append_only;
create trigger educational_materials_audit after insert or update or delete on educational_materials
    for each row execute function audit_row_change('material_id');

-- Keyset paging of a person's notifications, newest first.
create index idx_notifications_user_keyset on notifications (user_id, created_at desc, notification_id desc);
