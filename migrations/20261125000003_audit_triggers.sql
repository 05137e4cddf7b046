-- Audit trail for the sensitive tables: one audit_logs row per inserted, updated or deleted
-- row, with the old and new values as JSONB and the acting user from `app.user_id`.
--
-- The trigger's first argument names the table's primary-key column (each table names its
-- own: user_id, patient_id, ...). Secrets are removed before anything is written.

create function audit_strip_secrets(row_values jsonb) returns jsonb
language sql immutable as $$
    select row_values - 'password_hash'
$$;

create function audit_row_change() returns trigger
language plpgsql as $$
declare
    key_column constant text := tg_argv[0];
    old_values jsonb;
    new_values jsonb;
begin
    if tg_op in ('UPDATE', 'DELETE') then
        old_values := audit_strip_secrets(to_jsonb(old));
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        new_values := audit_strip_secrets(to_jsonb(new));
    end if;

    insert into audit_logs (table_name, record_id, action, old_values, new_values, user_id)
    values (
        tg_table_name,
        (coalesce(new_values, old_values) ->> key_column)::uuid,
        tg_op,
        old_values,
        new_values,
        app_current_user_id()
    );
    return null;
end
$$;

create trigger users_audit after insert or update or delete on users
    for each row execute function audit_row_change('user_id');
create trigger specialists_audit after insert or update or delete on specialists
    for each row execute function audit_row_change('specialist_id');
create trigger patients_audit after insert or update or delete on patients
    for each row execute function audit_row_change('patient_id');
create trigger family_members_audit after insert or update or delete on family_members
    for each row execute function audit_row_change('family_member_id');
create trigger appointments_audit after insert or update or delete on appointments
    for each row execute function audit_row_change('appointment_id');
create trigger availability_blocks_audit after insert or update or delete on availability_blocks
    for each row execute function audit_row_change('availability_block_id');
create trigger medical_records_audit after insert or update or delete on medical_records
    for each row execute function audit_row_change('record_id');
create trigger patient_material_assignments_audit after insert or update or delete on patient_material_assignments
    for each row execute function audit_row_change('assignment_id');

-- The trail is append-only: no UPDATE, DELETE or TRUNCATE, whoever asks. Retention purges, when
-- they come, get their own explicit, audited path in a later migration.
create function audit_logs_reject_change() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_logs is append-only (% refused)', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_logs_append_only before update or delete on audit_logs
    for each row execute function audit_logs_reject_change();
create trigger audit_logs_no_truncate before truncate on audit_logs
    for each statement execute function audit_logs_reject_change();
