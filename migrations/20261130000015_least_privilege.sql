-- Least privilege. Migrations run as the owner of the schema (DATABASE_URL); the server connects
-- as `syei_app` (SYEI_APP_DATABASE_URL), which owns nothing. Not owning a table means it cannot
-- alter or drop it, nor disable its triggers; without CREATE on the schema it cannot add
-- objects; and on the audit trail it may only read and append. A stolen app connection can
-- still read and change clinic data, as the app must, but it cannot cover its tracks.
--
-- The role is cluster-wide. `make run`/`make test` create it with a login and password before
-- migrating (.ci/database-env.sh); on an existing server the DBA creates it (README, "Database
-- roles"). A migrating role allowed to create roles makes it here, without a login, so a plain
-- `cargo test` or a first migration still works; parallel test databases may race to create it.
do $$
begin
    if not exists (select from pg_roles where rolname = 'syei_app') then
        create role syei_app nologin;
    end if;
exception
    when duplicate_object or unique_violation then null;  -- another migration made it meanwhile
    when insufficient_privilege then
        raise exception 'the role syei_app does not exist and % may not create it', current_user
            using hint = 'Create it first: CREATE ROLE syei_app LOGIN PASSWORD ''...'' (README, "Database roles").';
end
$$;

-- Only what is granted below: nobody else may create objects in the schema or use it.
revoke all on schema public from public;
grant usage on schema public to syei_app;

-- Ordinary tables: read and write rows, nothing more (no TRUNCATE, REFERENCES or TRIGGER).
grant select, insert, update, delete on all tables in schema public to syei_app;
grant usage, select on all sequences in schema public to syei_app;
-- Tables and sequences later migrations create get the same rights, so a new table works for
-- the app without a grant of its own (tests check that every table has exactly these).
alter default privileges in schema public grant select, insert, update, delete on tables to syei_app;
alter default privileges in schema public grant usage, select on sequences to syei_app;

-- The migration bookkeeping is the owner's alone (it exists whenever sqlx runs this file).
do $$
begin
    if to_regclass('_sqlx_migrations') is not null then
        revoke all on _sqlx_migrations from syei_app;
    end if;
end
$$;

-- The audit trail: append and read only (the append-only triggers stay for everyone else, the
-- owner included). The chain and its head are written only by the seal below.
revoke update, delete on audit_logs from syei_app;
revoke insert, update, delete on audit_chain, audit_chain_head from syei_app;

-- The seal runs at commit inside the app's transaction; it writes the chain with the owner's
-- rights (security definer), with a fixed search_path so the caller cannot substitute objects.
alter function audit_chain_seal() security definer set search_path = public, pg_temp;
