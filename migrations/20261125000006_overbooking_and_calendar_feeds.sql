-- Deliberate overbooking, and private calendar (iCal) feeds.

-- An admin or the specialist may knowingly book outside the free times or over another
-- appointment, only with a reason. The reason lives on the row (so the audit trigger records
-- it with the actor) and such rows step out of the no-overlap rule; every other active
-- appointment still can never overlap another one that has no reason.
alter table appointments add column overbook_reason varchar(500);
alter table appointments add constraint appointments_overbook_reason_check
    check (overbook_reason is null or length(btrim(overbook_reason)) > 0);
alter table appointments drop constraint appointments_no_overlap;
alter table appointments add constraint appointments_no_overlap exclude using gist (
    specialist_id with =,
    tstzrange(start_datetime, end_datetime, '[)') with &&
) where (status in ('Pending', 'Confirmed') and overbook_reason is null);

-- A private, revocable feed URL per person: /calendar/feed/<token>.ics. Only a SHA-256 of the
-- token is kept, so the table (or a backup of it) does not hand out working URLs.
create table calendar_feeds (
    feed_id     uuid primary key default gen_random_uuid(),
    user_id     uuid not null references users (user_id) on delete cascade,
    token_hash  bytea not null,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz,
    constraint calendar_feeds_token_hash_key unique (token_hash)
);
-- One live feed per person; making a new one revokes the old.
create unique index idx_calendar_feeds_live on calendar_feeds (user_id) where revoked_at is null;
create trigger calendar_feeds_audit after insert or update or delete on calendar_feeds
    for each row execute function audit_row_change('feed_id');
