-- Data retention (issue 11, item 4): how long each class of data is kept, a log of the runs
-- that removed what expired, and the one path by which old audit entries may leave the
-- append-only trail. The daily job itself is app/src/server/services/retention.rs.

-- 1. The periods, in the clinic settings (one row). Defaults and floors, and why:
-- * Audit entries, 10 years: the trail must outlive the clinical data it accounts for (kept
--   10 years after a patient's last activity, below), so who-read-what can still be answered
--   for as long as there is something to have read. Floor 1 year: an app bug or a careless
--   admin cannot empty the trail of recent events.
-- * Notifications, 1 year: reminders and "your appointment moved" messages are worthless once
--   the appointment is long past; the appointments themselves stay. 30 days to 10 years.
-- * Sessions and sign-in attempts (the throttle's per-address counters), 90 days: long enough
--   to look into a suspicious sign-in, short because they hold IP addresses (GDPR data
--   minimisation). 1 day to 2 years. Live sessions are never touched: a session row goes once
--   it expired this long ago (the server already deletes expired sessions every ten minutes).
-- * Cancelled appointments, 2 years: long enough to settle a dispute about a cancellation;
--   they carry no clinical value. 30 days to 10 years.
-- * Clinical data, 10 years after the patient's last activity: Spain's Ley 41/2002 (art. 17)
--   requires clinical records for at least 5 years after each episode, several regions and
--   insurers ask for longer; 10 covers both. The floor is those 5 years, so the setting can
--   never go below the law. "Activity" is defined in services/retention.rs (registration,
--   sign-in, appointments, clinical records); a patient with an upcoming appointment is never
--   erased.
alter table clinic_settings
    add column retention_audit_years                 integer not null default 10,
    add column retention_notification_days           integer not null default 365,
    add column retention_sign_in_days                integer not null default 90,
    add column retention_cancelled_appointment_days  integer not null default 730,
    add column retention_clinical_years              integer not null default 10,
    add constraint clinic_settings_retention_audit_check check (retention_audit_years between 1 and 50),
    add constraint clinic_settings_retention_notification_check check (retention_notification_days between 30 and 3650),
    add constraint clinic_settings_retention_sign_in_check check (retention_sign_in_days between 1 and 730),
    add constraint clinic_settings_retention_cancelled_check
        check (retention_cancelled_appointment_days between 30 and 3650),
    add constraint clinic_settings_retention_clinical_check check (retention_clinical_years between 5 and 100);

-- 2. What each run did (or, for a dry run, would have done).
create table retention_runs (
    run_id                  uuid primary key default gen_random_uuid(),
    started_at              timestamptz not null default now(),
    finished_at             timestamptz not null default now(),
    -- schedule: the daily job; command: `server retention run`; admin: the settings page.
    started_by              varchar(20) not null,
    -- The admin who asked (started_by = 'admin').
    user_id                 uuid references users (user_id) on delete set null,
    dry_run                 boolean not null,
    audit_entries           bigint not null default 0,
    notifications           bigint not null default 0,
    sessions                bigint not null default 0,
    sign_in_attempts        bigint not null default 0,
    cancelled_appointments  bigint not null default 0,
    erased_patients         bigint not null default 0,
    constraint retention_runs_started_by_check check (started_by in ('schedule', 'command', 'admin')),
    constraint retention_runs_counts_check check (
        audit_entries >= 0 and notifications >= 0 and sessions >= 0 and sign_in_attempts >= 0
        and cancelled_appointments >= 0 and erased_patients >= 0)
);
create index idx_retention_runs_started on retention_runs (started_at desc);

-- 3. Purging old audit entries, the path the hash chain migration (20261129000013) planned:
-- the oldest links and their audit rows are deleted in one transaction, and the chain's anchor
-- moves to the last link removed, so `server audit verify` still walks the rest from there.
--
-- The append-only guard now lets one caller through: a DELETE on audit_logs or audit_chain by
-- the tables' owner (or a member of it) in a transaction that raised `syei.audit_purge`. The
-- app's role owns nothing, so setting the flag gets it nowhere; it reaches the purge only
-- through audit_retention_purge below, which runs as the owner. The owner could already
-- disable the triggers; the flag only keeps it from deleting audit rows by accident.
create or replace function audit_logs_reject_change() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE'
       and tg_table_name in ('audit_logs', 'audit_chain')
       and current_setting('syei.audit_purge', true) = 'on'
       and pg_has_role(current_user, (select relowner from pg_class where oid = tg_relid), 'MEMBER') then
        return old;
    end if;
    raise exception '% is append-only (% refused)', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end
$$;

-- The audit entries past retention are the longest run of links from the anchor whose rows
-- are all older than the cutoff: the chain can only be cut at its start, so an old row sealed
-- after a newer one (a long transaction) waits until that newer one expires too.
-- `dry_run` counts them all; otherwise at most `max_rows` go (the caller repeats until 0 is
-- returned: short transactions, however long the backlog). The cutoff comes from the clinic
-- settings, never from the caller, whose CHECK keeps at least a year of trail.
-- The purge is itself audited (action PURGE: how many, through which position, the new anchor).
create function audit_retention_purge(max_rows integer, dry_run boolean) returns bigint
language plpgsql security definer set search_path = public, pg_temp as $$
declare
    cutoff timestamptz;
    head audit_chain_head%rowtype;
    upto bigint;
    new_anchor bytea;
    gone uuid[];
begin
    select now() - make_interval(years => retention_audit_years) into strict cutoff from clinic_settings;
    if dry_run then
        select * into strict head from audit_chain_head where only_row;
    else
        -- The seal's lock: no link is appended while the start of the chain moves.
        select * into strict head from audit_chain_head where only_row for update;
    end if;
    -- Walked in chain order from the anchor, so the cost is the expired part, not the trail.
    select c.chain_seq - 1 into upto
      from audit_chain c join audit_logs a using (log_id)
     where c.chain_seq > head.anchor_seq and a.created_at >= cutoff
     order by c.chain_seq
     limit 1;
    upto := coalesce(upto, head.last_seq);
    if dry_run then
        return greatest(upto - head.anchor_seq, 0);
    end if;
    upto := least(upto, head.anchor_seq + greatest(max_rows, 1));
    if upto <= head.anchor_seq then
        return 0;
    end if;
    select row_hash into strict new_anchor from audit_chain where chain_seq = upto;

    perform set_config('syei.audit_purge', 'on', true);
    with removed as (
        delete from audit_chain where chain_seq > head.anchor_seq and chain_seq <= upto returning log_id
    )
    select array_agg(log_id) into gone from removed;
    delete from audit_logs where log_id = any (gone);
    perform set_config('syei.audit_purge', 'off', true);

    update audit_chain_head set anchor_seq = upto, anchor_hash = new_anchor where only_row;
    insert into audit_logs (table_name, action, new_values, user_id)
    values ('audit_logs', 'PURGE',
            jsonb_build_object('purged', upto - head.anchor_seq, 'through_position', upto,
                               'anchor', upto::text || ':' || encode(new_anchor, 'hex'),
                               'older_than', cutoff),
            app_current_user_id());
    return upto - head.anchor_seq;
end
$$;

-- Functions are executable by PUBLIC unless told otherwise; this one is for the app's role only.
revoke all on function audit_retention_purge(integer, boolean) from public;
do $$
begin
    if exists (select 1 from pg_roles where rolname = 'syei_app') then
        grant execute on function audit_retention_purge(integer, boolean) to syei_app;
    end if;
end
$$;
