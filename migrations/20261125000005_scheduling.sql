-- Scheduling: appointment types with durations, the clinic's booking rules, and the
-- notification of booking events.

create table appointment_types (
    appointment_type_id  uuid primary key default gen_random_uuid(),
    -- `appointments.appointment_type` names one of these.
    name                 varchar(50) not null,
    duration_minutes     integer not null,
    is_active            boolean not null default true,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint appointment_types_name_key unique (name),
    constraint appointment_types_duration_check check (duration_minutes between 5 and 480)
);
create trigger appointment_types_updated_at before update on appointment_types
    for each row execute function set_updated_at();
insert into appointment_types (name, duration_minutes)
values ('Initial consultation', 60), ('Follow-up', 30);

-- One row: the clinic's booking rules.
create table clinic_settings (
    singleton                    boolean primary key default true,
    -- The zone new specialists start with.
    time_zone                    varchar(64) not null default 'Europe/Madrid',
    -- Kept free after every appointment.
    buffer_minutes               integer not null default 0,
    -- How long before its start an appointment can still be booked online.
    minimum_notice_minutes       integer not null default 120,
    -- How long before its start a patient may still cancel or move it.
    patient_change_notice_hours  integer not null default 24,
    -- Online bookings are Confirmed at once instead of Pending.
    auto_confirm                 boolean not null default false,
    -- Distance between offered start times.
    slot_step_minutes            integer not null default 15,
    updated_at                   timestamptz not null default now(),
    constraint clinic_settings_singleton_check check (singleton),
    constraint clinic_settings_buffer_check check (buffer_minutes between 0 and 120),
    constraint clinic_settings_notice_check check (minimum_notice_minutes >= 0 and patient_change_notice_hours >= 0),
    constraint clinic_settings_step_check check (slot_step_minutes in (5, 10, 15, 20, 30, 60))
);
insert into clinic_settings default values;

create index idx_notifications_user_created on notifications (user_id, created_at desc);
