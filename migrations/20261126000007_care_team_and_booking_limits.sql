-- The care team: the one answer to "which patients does this specialist treat". A row is made
-- when the patient (or their family) books that specialist, when an admin books for the
-- patient, or when an admin assigns the specialist. A specialist booking a patient, or an
-- appointment that was cancelled, never makes one.
create table care_team (
    patient_id    uuid not null references patients (patient_id) on delete cascade,
    specialist_id uuid not null references specialists (specialist_id) on delete cascade,
    since         timestamptz not null default now(),
    added_by      uuid references users (user_id),
    how           varchar(20) not null,
    primary key (patient_id, specialist_id),
    constraint care_team_how_check check (how in ('PatientBooking', 'AdminBooking', 'AdminAssigned', 'Migrated'))
);
create index idx_care_team_specialist on care_team (specialist_id);

-- The audit trail records who joined whose care team, and when; the row's id is the patient.
create trigger care_team_audit after insert or update or delete on care_team
    for each row execute function audit_row_change('patient_id');

-- Existing relationships: appointments that were not cancelled and that the patient, their
-- family or an admin made (a specialist's own booking of a patient proves nothing), and
-- specialists who wrote a record for the patient.
insert into care_team (patient_id, specialist_id, since, added_by, how)
select a.patient_id, a.specialist_id, min(a.created_at), null::uuid, 'Migrated'
from appointments a
left join users creator on creator.user_id = a.created_by
where a.status <> 'Canceled' and coalesce(creator.role, 'Patient') <> 'Specialist'
group by a.patient_id, a.specialist_id
union
select r.patient_id, r.specialist_id, min(r.created_at), null::uuid, 'Migrated'
from medical_records r
group by r.patient_id, r.specialist_id
on conflict do nothing;

-- Bounds on what one booking may ask for: how far ahead, and how many upcoming appointments
-- one patient may hold at once.
alter table clinic_settings
    add column booking_horizon_months integer not null default 12,
    add column max_upcoming_appointments integer not null default 10,
    add constraint clinic_settings_horizon_check check (booking_horizon_months between 1 and 36),
    add constraint clinic_settings_upcoming_check check (max_upcoming_appointments between 1 and 100);
