//! The audit hash chain (migration 20261129000013, `server audit verify`): intact after many
//! concurrent writers, and broken, at the right row and for the right reason, by a superuser
//! who edits, deletes, reorders or slips in audit rows behind the append-only triggers.

use std::process::Command;

use app::server::audit::{record, AuditEvent};
use app::server::services::audit_chain::{self, Broken, ChainPoint, Intact, Problem, Verdict};
use chrono::Duration;
use sqlx::{PgPool, Row};
use uuid::Uuid;

use crate::common::*;
use crate::create_admin_command::url_of;

/// Small batches, so every walk in these tests crosses batch boundaries.
const BATCH: i64 = 7;

async fn verify(pool: &PgPool) -> Verdict {
    audit_chain::verify(pool, BATCH, None).await.unwrap()
}

async fn intact(pool: &PgPool) -> Intact {
    match verify(pool).await {
        Verdict::Intact(intact) => intact,
        Verdict::Broken(broken) => panic!("the chain should verify: {broken:?}"),
    }
}

async fn broken(pool: &PgPool) -> Broken {
    match verify(pool).await {
        Verdict::Broken(broken) => broken,
        Verdict::Intact(intact) => panic!("the chain should be broken: {intact:?}"),
    }
}

/// A few users and patients: a dozen audit rows, sealed one transaction at a time.
async fn some_history(pool: &PgPool) {
    insert_user(pool, "admin@clinic.example", "Admin").await;
    insert_specialist(pool, "s@clinic.example").await;
    for n in 0..3 {
        insert_patient(pool, &format!("p{n}@example.org")).await;
    }
    sqlx::query("update users set first_name = 'Renamed'").execute(pool).await.unwrap();
}

/// The link at a position: (log_id, sequence_no).
async fn link_at(pool: &PgPool, chain_seq: i64) -> (Uuid, i64) {
    let row = sqlx::query(
        "select c.log_id, a.sequence_no from audit_chain c join audit_logs a using (log_id) where c.chain_seq = $1",
    )
    .bind(chain_seq)
    .fetch_one(pool)
    .await
    .unwrap();
    (row.get(0), row.get(1))
}

/// Runs statements as the database's superuser with every ordinary trigger off for this
/// transaction (append-only guards, foreign keys, the sealing trigger): what an intruder with
/// the superuser's password, or a careless operator, can do.
async fn tamper(pool: &PgPool, statements: &[&str]) {
    let mut tx = pool.begin().await.unwrap();
    let superuser: bool = sqlx::query_scalar("select rolsuper from pg_roles where rolname = current_user")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert!(superuser, "the tests tamper as the superuser");
    sqlx::query("set local session_replication_role = replica").execute(&mut *tx).await.unwrap();
    for statement in statements {
        sqlx::query(statement).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn the_chain_verifies_after_many_concurrent_writers_without_gaps_or_forks(pool: PgPool) {
    let admin = insert_user(&pool, "admin@clinic.example", "Admin").await;
    let specialist = insert_specialist(&pool, "s@clinic.example").await;
    let mut patients = Vec::new();
    for n in 0..4 {
        patients.push(insert_patient(&pool, &format!("p{n}@example.org")).await);
    }
    let patient_users: Vec<Uuid> =
        sqlx::query_scalar("select user_id from patients order by patient_id").fetch_all(&pool).await.unwrap();

    // 24 writers at once, each: a committed transaction of several audited statements (a
    // trigger row each, and one written by the app with an address), one rolled back, and
    // a rename of a shared user (the writers queue on its row lock while sealing).
    let mut tasks = Vec::new();
    for task in 0..24_i64 {
        let pool = pool.clone();
        let patient = patients[task as usize % patients.len()];
        let shared_user = patient_users[task as usize % patient_users.len()];
        tasks.push(tokio::spawn(async move {
            let start = at(8, 0) + Duration::minutes(90 * task);
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("select set_config('app.user_id', $1, true)")
                .bind(admin.to_string())
                .execute(&mut *tx)
                .await
                .unwrap();
            let appointment =
                insert_appointment(&mut tx, specialist, patient, start, start + Duration::minutes(30), "Pending")
                    .await
                    .unwrap();
            sqlx::query("update appointments set status = 'Confirmed' where appointment_id = $1")
                .bind(appointment)
                .execute(&mut *tx)
                .await
                .unwrap();
            record(
                &mut tx,
                AuditEvent {
                    actor: Some(admin),
                    action: "READ",
                    table_name: "appointments",
                    record_id: Some(appointment),
                    details: Some(serde_json::json!({ "task": task, "note": "ñ \"quoted\"\n" })),
                    ip: Some(format!("10.0.0.{task}").parse().unwrap()),
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();

            let mut rolled_back = pool.begin().await.unwrap();
            let later = start + Duration::minutes(45);
            insert_appointment(&mut rolled_back, specialist, patient, later, later + Duration::minutes(30), "Pending")
                .await
                .unwrap();
            rolled_back.rollback().await.unwrap();

            sqlx::query("update users set first_name = $1 where user_id = $2")
                .bind(format!("Writer {task}"))
                .bind(shared_user)
                .execute(&pool)
                .await
                .unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }

    let audit_rows = count(&pool, "audit_logs").await;
    let chain = intact(&pool).await;
    assert_eq!(chain.rows, audit_rows as u64);
    assert_eq!(chain.anchor, ChainPoint { seq: 0, hash: audit_chain::GENESIS });
    assert_eq!(chain.head.seq, audit_rows);

    // No gaps (positions 1..n, rolled-back links rolled back too), no forks (each link names
    // its predecessor's hash), and the head is the last link.
    let (links, first, last): (i64, i64, i64) =
        sqlx::query_as("select count(*), min(chain_seq), max(chain_seq) from audit_chain")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((links, first, last), (audit_rows, 1, audit_rows));
    let unlinked: i64 = sqlx::query_scalar(
        "select count(*) from audit_chain c join audit_chain p on p.chain_seq = c.chain_seq - 1
         where c.prev_hash <> p.row_hash",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(unlinked, 0);
    let head: Vec<u8> = sqlx::query_scalar("select last_hash from audit_chain_head").fetch_one(&pool).await.unwrap();
    assert_eq!(head, chain.head.hash);

    // Rust's canonical text is the database's, byte for byte, for every row.
    let mut conn = pool.acquire().await.unwrap();
    let rows = app::server::db::audit_chain::links_after(&mut conn, 0, audit_rows + 1).await.unwrap();
    for link in &rows {
        let in_sql: String = sqlx::query_scalar("select audit_chain_canonical(a) from audit_logs a where log_id = $1")
            .bind(link.log_id)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(audit_chain::canonical(link), in_sql);
    }
    assert!(rows.iter().any(|l| l.ip_address.is_some()), "addresses are part of what is hashed");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_row_edited_as_the_superuser_is_named_by_verify(pool: PgPool) {
    some_history(&pool).await;
    intact(&pool).await;
    let (log_id, sequence_no) = link_at(&pool, 4).await;

    // The append-only guard still refuses it...
    let refused =
        sqlx::query("update audit_logs set user_id = null where log_id = $1").bind(log_id).execute(&pool).await;
    assert!(refused.is_err());
    // ...so it is done behind the triggers' back.
    tamper(
        &pool,
        &[&format!(
            "update audit_logs set new_values = new_values || '{{\"first_name\": \"Mallory\"}}' where log_id = '{log_id}'"
        )],
    )
    .await;

    let broken = broken(&pool).await;
    assert_eq!(broken.problem, Problem::Edited);
    assert_eq!((broken.chain_seq, broken.log_id, broken.sequence_no), (4, Some(log_id), Some(sequence_no)));
    let before: Vec<u8> =
        sqlx::query_scalar("select row_hash from audit_chain where chain_seq = 3").fetch_one(&pool).await.unwrap();
    assert_eq!(broken.last_intact, ChainPoint { seq: 3, hash: before.try_into().unwrap() });
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_order_the_trail_shows_is_an_edit(pool: PgPool) {
    some_history(&pool).await;
    let (first, first_no) = link_at(&pool, 2).await;
    let (second, second_no) = link_at(&pool, 3).await;
    tamper(
        &pool,
        &[
            // The column is `generated always`: an intruder must lift that first, and put it back.
            "alter table audit_logs alter column sequence_no set generated by default",
            &format!("update audit_logs set sequence_no = -1 where log_id = '{first}'"),
            &format!("update audit_logs set sequence_no = {first_no} where log_id = '{second}'"),
            &format!("update audit_logs set sequence_no = {second_no} where log_id = '{first}'"),
            "alter table audit_logs alter column sequence_no set generated always",
        ],
    )
    .await;
    let broken = broken(&pool).await;
    assert_eq!((broken.chain_seq, broken.log_id, broken.problem), (2, Some(first), Problem::Edited));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deleted_row_is_found_with_or_without_its_link(pool: PgPool) {
    some_history(&pool).await;
    let (only_row, _) = link_at(&pool, 3).await;
    let (row_and_link, _) = link_at(&pool, 6).await;

    // The row alone: its link still names it.
    tamper(&pool, &[&format!("delete from audit_logs where log_id = '{only_row}'")]).await;
    let broken_row = broken(&pool).await;
    assert_eq!((broken_row.chain_seq, broken_row.log_id, broken_row.problem), (3, Some(only_row), Problem::RowDeleted));

    // The row and its link (the earlier damage repaired by deleting that link too): a gap.
    tamper(
        &pool,
        &[
            &format!("delete from audit_chain where log_id in ('{only_row}', '{row_and_link}')"),
            &format!("delete from audit_logs where log_id = '{row_and_link}'"),
        ],
    )
    .await;
    let gap = broken(&pool).await;
    assert_eq!((gap.chain_seq, gap.problem), (3, Problem::Deleted { from: 3, to: 3 }));
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_the_newest_rows_is_found_through_the_head(pool: PgPool) {
    some_history(&pool).await;
    let last = intact(&pool).await.head;
    let (newest, _) = link_at(&pool, last.seq).await;
    tamper(
        &pool,
        &[
            &format!("delete from audit_chain where log_id = '{newest}'"),
            &format!("delete from audit_logs where log_id = '{newest}'"),
        ],
    )
    .await;
    let broken = broken(&pool).await;
    assert_eq!((broken.chain_seq, broken.problem), (last.seq, Problem::TailDeleted { head: last.seq }));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reordered_row_is_found(pool: PgPool) {
    some_history(&pool).await;
    let (third, _) = link_at(&pool, 3).await;
    let (fourth, _) = link_at(&pool, 4).await;
    // Swap the two rows' chain positions, links and all (through a free position: the
    // primary key is checked row by row).
    tamper(
        &pool,
        &[
            "update audit_chain set chain_seq = -4 where chain_seq = 4",
            "update audit_chain set chain_seq = 4 where chain_seq = 3",
            "update audit_chain set chain_seq = 3 where chain_seq = -4",
        ],
    )
    .await;
    let broken = broken(&pool).await;
    assert_eq!((broken.chain_seq, broken.log_id, broken.problem), (3, Some(fourth), Problem::Reordered));
    assert_ne!(third, fourth);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_row_slipped_in_without_the_sealing_trigger_is_found(pool: PgPool) {
    some_history(&pool).await;
    tamper(&pool, &["insert into audit_logs (table_name, action) values ('users', 'LOGIN')"]).await;
    let slipped: Uuid =
        sqlx::query_scalar("select log_id from audit_logs where action = 'LOGIN'").fetch_one(&pool).await.unwrap();
    let broken = broken(&pool).await;
    assert_eq!((broken.log_id, broken.problem), (Some(slipped), Problem::Unsealed));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rewritten_tail_passes_alone_and_fails_against_the_kept_head(pool: PgPool) {
    some_history(&pool).await;
    let kept = intact(&pool).await.head;
    let (newest, _) = link_at(&pool, kept.seq).await;
    let (before, _) = link_at(&pool, kept.seq - 1).await;
    // The newest row, its link and the head, all removed consistently: the chain alone cannot
    // tell (this is why the head is kept elsewhere).
    tamper(
        &pool,
        &[
            &format!("delete from audit_chain where log_id = '{newest}'"),
            &format!("delete from audit_logs where log_id = '{newest}'"),
            &format!(
                "update audit_chain_head set last_seq = {}, last_hash = (select row_hash from audit_chain where log_id = '{before}')",
                kept.seq - 1
            ),
        ],
    )
    .await;
    assert_eq!(intact(&pool).await.head.seq, kept.seq - 1);
    let Verdict::Broken(broken) = audit_chain::verify(&pool, BATCH, Some(kept)).await.unwrap() else {
        panic!("the kept head must be missed");
    };
    assert_eq!(broken.problem, Problem::KeptHeadDiffers { kept });
}

#[sqlx::test(migrations = false)]
async fn the_migration_chains_the_existing_trail_in_its_order(pool: PgPool) {
    // Migrate up to the chain, write history the old way, then add the chain.
    let mut applied_chain = false;
    for migration in server::MIGRATOR.iter() {
        if migration.version == 20261129000013 {
            some_history(&pool).await;
            applied_chain = true;
        }
        let mut tx = pool.begin().await.unwrap();
        sqlx::raw_sql(&migration.sql).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert!(applied_chain);
    let by_chain: Vec<Uuid> =
        sqlx::query_scalar("select log_id from audit_chain order by chain_seq").fetch_all(&pool).await.unwrap();
    let by_sequence: Vec<Uuid> =
        sqlx::query_scalar("select log_id from audit_logs order by sequence_no").fetch_all(&pool).await.unwrap();
    assert!(by_chain.len() >= 10);
    assert_eq!(by_chain, by_sequence);
    // New rows continue the same chain.
    insert_patient(&pool, "after@example.org").await;
    assert_eq!(intact(&pool).await.rows as usize, by_chain.len() + 2);
}

fn verify_command(pool: &PgPool, args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["audit", "verify"])
        .args(args)
        .env("DATABASE_URL", url_of(pool))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    (output.status.code(), stdout + &String::from_utf8_lossy(&output.stderr))
}

#[sqlx::test(migrations = "../migrations")]
async fn the_verify_command_prints_the_head_and_names_the_first_broken_link(pool: PgPool) {
    some_history(&pool).await;
    let rows = count(&pool, "audit_logs").await;
    let (head_hash, head_seq): (Vec<u8>, i64) =
        sqlx::query_as("select last_hash, last_seq from audit_chain_head").fetch_one(&pool).await.unwrap();
    let head = format!("{head_seq}:{}", hex_of(&head_hash));

    let (status, output) = verify_command(&pool, &[]);
    assert_eq!(status, Some(0), "{output}");
    assert!(output.contains(&format!("audit chain intact: {rows} rows, head {head}")), "{output}");
    let (status, output) = verify_command(&pool, &["--expect", &head]);
    assert_eq!(status, Some(0), "{output}");

    let (log_id, sequence_no) = link_at(&pool, 5).await;
    tamper(&pool, &[&format!("update audit_logs set table_name = 'forged' where log_id = '{log_id}'")]).await;
    let (status, output) = verify_command(&pool, &[]);
    assert_eq!(status, Some(2), "{output}");
    assert!(
        output.contains(&format!(
            "audit chain BROKEN at position 5 (audit row {log_id}, sequence_no {sequence_no}): edited"
        )),
        "{output}"
    );

    // A database that cannot be reached is "could not check" (1), not "broken" (2).
    let unreachable = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(1));
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
