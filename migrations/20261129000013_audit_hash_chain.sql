-- Tamper evidence for the audit trail: every audit_logs row is sealed into one hash chain,
--
--     row_hash(n) = sha256(row_hash(n - 1) || utf8(audit_chain_canonical(row n)))
--
-- so editing, deleting or reordering a row breaks every link after it, and `server audit
-- verify` (app/src/server/services/audit_chain.rs) finds the first broken one by recomputing
-- each hash in Rust. The chain proves nothing against someone who rewrites the whole tail and
-- the head as well: that is why verify prints the head (sequence and hash) for the operator to
-- keep somewhere the database's superuser cannot write, and checks it later (`--expect`).
--
-- Design, and why:
-- * The chain lives beside audit_logs (audit_chain: position, log id, previous hash, hash), not
--   in columns of audit_logs. audit_logs stays exactly what it was: insert-only, never updated,
--   not even by the chain.
-- * A row is sealed when its transaction commits (a deferred constraint trigger), not when it
--   is inserted. Appends must be serialized (each link needs the hash before it), and the lock
--   that does it (the one-row audit_chain_head, `for update`) is held until commit whenever it
--   is taken. Taken at insert time it would be held across the rest of the transaction's
--   statements: every audited write would wait for every other one, and two transactions that
--   touch the same rows in a different order would deadlock on it. Taken at commit, it is held
--   for the commit alone, and nothing else is locked after it. The chain order is therefore
--   commit order (the order in which rows become visible); within a transaction, insert order.
-- * The head row is the lock and the cache of the newest link. A transaction that rolls back
--   rolls back its links and its head update too, so positions never have gaps.
-- * The app runs every transaction at READ COMMITTED, where a `for update` that waited re-reads
--   the newest head. A REPEATABLE READ / SERIALIZABLE transaction that writes audit rows while
--   another one commits gets a serialization failure at commit (retry it) instead of a fork.
--
-- The canonical content of a row (v1), hashed as UTF-8 after the previous row's 32-byte hash:
--
--     syei-audit-chain v1\n
--     then for each field, in this order: <name> <byte length>:<value>\n  (or <name> -\n for null)
--     log_id, sequence_no, table_name, record_id, action, old_values, new_values, user_id,
--     ip_address, created_at
--
-- with uuids in lowercase hyphenated form, sequence_no in decimal, old_values/new_values as
-- PostgreSQL renders jsonb as text (keys sorted, stable across versions), ip_address as
-- `inet::text` (with its mask, e.g. 10.1.2.3/32), created_at in UTC as
-- YYYY-MM-DDTHH:MM:SS.ffffffZ. The position (chain_seq) is not hashed: the previous hash
-- already fixes where a row belongs, and leaving it out lets verify tell a moved row (intact
-- content, wrong predecessor) from an edited one.
--
-- Retention: a future purge of the oldest rows deletes them from audit_chain and audit_logs
-- in one explicit, audited transaction and moves the anchor (audit_chain_head.anchor_seq and
-- anchor_hash: the position and hash of the last row removed). Verify starts from the anchor,
-- so the remaining chain still verifies; a moved anchor is printed by verify. A migration
-- that rewrites audit rows (as 20261126000008 did to strip plaintext) breaks the chain from
-- the first row it changes, on purpose: it must say so and be followed by a new kept head.

create table audit_chain (
    -- 1, 2, 3, ... in commit order, without gaps (rolled-back links roll back with the head).
    chain_seq  bigint primary key,
    log_id     uuid not null unique references audit_logs (log_id),
    -- Stored although it is the previous row's row_hash: a row can be checked alone, and a
    -- mismatch with its predecessor tells "moved" from "edited".
    prev_hash  bytea not null,
    row_hash   bytea not null,
    constraint audit_chain_hash_sizes check (octet_length(prev_hash) = 32 and octet_length(row_hash) = 32)
);

create table audit_chain_head (
    only_row    boolean primary key default true check (only_row),
    -- Where the chain starts: 0 and 32 zero bytes until a retention purge moves it.
    anchor_seq  bigint not null,
    anchor_hash bytea not null,
    -- The newest link (anchor_seq/anchor_hash while the chain is empty).
    last_seq    bigint not null,
    last_hash   bytea not null
);

create function audit_chain_field(name text, value text) returns text
language sql immutable as $$
    select name || ' ' || coalesce(octet_length(value)::text || ':' || value, '-') || E'\n'
$$;

create function audit_chain_canonical(entry audit_logs) returns text
language sql stable as $$
    select 'syei-audit-chain v1' || E'\n'
        || audit_chain_field('log_id', entry.log_id::text)
        || audit_chain_field('sequence_no', entry.sequence_no::text)
        || audit_chain_field('table_name', entry.table_name::text)
        || audit_chain_field('record_id', entry.record_id::text)
        || audit_chain_field('action', entry.action::text)
        || audit_chain_field('old_values', entry.old_values::text)
        || audit_chain_field('new_values', entry.new_values::text)
        || audit_chain_field('user_id', entry.user_id::text)
        || audit_chain_field('ip_address', entry.ip_address::text)
        || audit_chain_field('created_at',
               to_char(entry.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
$$;

-- Seals one audit row: runs at commit (deferred), takes the head, appends, advances the head.
create function audit_chain_seal() returns trigger
language plpgsql as $$
declare
    head audit_chain_head%rowtype;
    sealed bytea;
begin
    select * into strict head from audit_chain_head where only_row for update;
    sealed := sha256(head.last_hash || convert_to(audit_chain_canonical(new), 'UTF8'));
    insert into audit_chain (chain_seq, log_id, prev_hash, row_hash)
    values (head.last_seq + 1, new.log_id, head.last_hash, sealed);
    update audit_chain_head set last_seq = head.last_seq + 1, last_hash = sealed where only_row;
    return null;
end
$$;

-- The existing trail (the demo's, a clinic's) is chained once, here, in its own order. No
-- audit row may be written meanwhile: it would be neither in this walk nor sealed later (the
-- lock is taken inside the block so the file also runs statement by statement, as psql does).
do $$
declare
    entry audit_logs;
    position bigint := 0;
    previous bytea := decode(repeat('00', 32), 'hex');
    sealed bytea;
begin
    lock table audit_logs in share row exclusive mode;
    for entry in select * from audit_logs order by sequence_no loop
        position := position + 1;
        sealed := sha256(previous || convert_to(audit_chain_canonical(entry), 'UTF8'));
        insert into audit_chain (chain_seq, log_id, prev_hash, row_hash) values (position, entry.log_id, previous, sealed);
        previous := sealed;
    end loop;
    insert into audit_chain_head (anchor_seq, anchor_hash, last_seq, last_hash)
    values (0, decode(repeat('00', 32), 'hex'), position, previous);
end
$$;

create constraint trigger audit_logs_chain after insert on audit_logs
    deferrable initially deferred
    for each row execute function audit_chain_seal();

-- The chain is append-only like the trail it seals (same function, which names the table).
-- The head is updated by every seal, but never deleted or emptied.
create or replace function audit_logs_reject_change() returns trigger
language plpgsql as $$
begin
    raise exception '% is append-only (% refused)', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_chain_append_only before update or delete on audit_chain
    for each row execute function audit_logs_reject_change();
create trigger audit_chain_no_truncate before truncate on audit_chain
    for each statement execute function audit_logs_reject_change();
create trigger audit_chain_head_kept before delete on audit_chain_head
    for each row execute function audit_logs_reject_change();
create trigger audit_chain_head_no_truncate before truncate on audit_chain_head
    for each statement execute function audit_logs_reject_change();
