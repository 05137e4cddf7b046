-- Account hardening (issue 11, item 8): session ids stored hashed, and calendar feed links that
-- end with the person's sessions. (A temporary password's age is `users.password_changed_at`:
-- every write of a password sets it, so no new column is needed for the 72-hour expiry.)

-- Sessions are keyed by the SHA-256 of the cookie's id (server::session_store), so reading the
-- table, or a backup of it, yields no cookie that signs anyone in. The rows stored so far are
-- keyed by the plaintext id and cannot be re-keyed without keeping that id: they are deleted
-- (the table is replaced), which signs everyone out once when this migration runs.
drop table sessions;
create table sessions (
    id_hash      bytea primary key,
    data         jsonb not null,
    expiry_date  timestamptz not null,
    constraint sessions_id_hash_is_sha256_check check (length(id_hash) = 32)
);
create index idx_sessions_expiry_date on sessions (expiry_date);

-- A calendar feed link is a credential too: when every session of a person ends (a new session
-- epoch: password change or reset, "sign out everywhere", deactivation), their live link ends
-- in the same transaction. Done here rather than in each of those code paths so a future path
-- that bumps the epoch cannot forget it; the feeds' audit trigger records the revocation with
-- the acting user.
create function users_new_epoch_revokes_feeds() returns trigger
language plpgsql as $$
begin
    update calendar_feeds set revoked_at = now() where user_id = new.user_id and revoked_at is null;
    return null;
end
$$;
create trigger users_new_epoch_revokes_feeds after update of session_epoch on users
    for each row when (new.session_epoch is distinct from old.session_epoch)
    execute function users_new_epoch_revokes_feeds();
