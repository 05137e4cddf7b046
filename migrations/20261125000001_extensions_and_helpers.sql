-- Extensions: uuid-ossp (the spec's setup step), btree_gist (the no-double-booking exclusion
-- constraint mixes `=` on a uuid with `&&` on a range), pgcrypto (digests, random bytes).
create extension if not exists "uuid-ossp";
create extension if not exists btree_gist;
create extension if not exists pgcrypto;

-- The acting user of the current transaction. Every write transaction of the app runs
-- `select set_config('app.user_id', <uuid>, true)` first; outside the app (psql, migrations,
-- the demo seed) the setting is empty and the actor is recorded as unknown (null).
create function app_current_user_id() returns uuid
language sql stable as $$
    select nullif(current_setting('app.user_id', true), '')::uuid
$$;

create function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end
$$;
