-- Two-factor sign-in for staff (issue 11, item 7): TOTP (RFC 6238) for admins and specialists.
--
-- The TOTP secret is sealed by the app (XChaCha20-Poly1305 under the server's master key, bound
-- to the account) before it reaches the database, so a read of this table or a backup of it
-- gives nobody a working authenticator. There is deliberately no row audit trigger here: the
-- app writes its own audit entries (enrolled, disabled, reset) without any secret in them.
create table staff_two_factor (
    user_id         uuid primary key references users (user_id) on delete cascade,
    -- The sealed secret and the id of the master key that sealed it.
    secret_sealed   bytea not null,
    master_key_id   text not null,
    -- Null while the person is setting it up (they have not yet typed a code from it): an
    -- unconfirmed secret never gates a sign-in.
    confirmed_at    timestamptz,
    -- The last 30-second step whose code was accepted: a code is accepted once, so one seen
    -- over a shoulder or replayed from a captured request is refused.
    last_used_step  bigint,
    created_at      timestamptz not null default now(),
    constraint staff_two_factor_step_check check (last_used_step is null or last_used_step > 0)
);

-- One-time recovery codes: only their SHA-256 is kept (each code is 80 random bits, so a plain
-- hash is enough; there is nothing to brute-force as with a password). A used code is deleted.
create table staff_recovery_codes (
    user_id     uuid not null references users (user_id) on delete cascade,
    code_hash   bytea not null,
    created_at  timestamptz not null default now(),
    primary key (user_id, code_hash),
    constraint staff_recovery_codes_hash_check check (length(code_hash) = 32)
);

-- The admins' switch: every staff member must use two-factor sign-in (those without it enrol
-- right after their password, before they get a session).
alter table clinic_settings add column require_staff_two_factor boolean not null default false;
