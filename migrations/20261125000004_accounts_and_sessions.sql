-- Accounts: sessions in PostgreSQL (shared by every server process behind a load balancer),
-- a per-user session epoch, and the login throttle's counters.

-- Sessions (server::session_store, a tower-sessions store). The data is a small JSON object
-- (which user, since when); the id is the cookie's random 128-bit value.
create table sessions (
    id           text primary key,
    data         jsonb not null,
    expiry_date  timestamptz not null
);
create index idx_sessions_expiry_date on sessions (expiry_date);

-- A session is valid only while it carries the user's current epoch. "Sign out everywhere",
-- a password reset and deactivation bump it, which ends every other session at once.
alter table users add column session_epoch integer not null default 0;

-- Account-wide ceiling: `users.failed_login_count` counts failures since this moment; after an
-- hour the window starts again. At 100 failures in a window the account refuses every login
-- (`users.locked_until`) until the window ends, whoever asks.
alter table users add column failed_login_window_started_at timestamptz;

-- Backoff per account and address: a guesser from one address slows down there without
-- locking the real user out from theirs.
create table login_throttles (
    user_id          uuid not null references users (user_id) on delete cascade,
    ip_address       inet not null,
    failures         integer not null default 0,
    last_failure_at  timestamptz not null default now(),
    locked_until     timestamptz,
    primary key (user_id, ip_address)
);
