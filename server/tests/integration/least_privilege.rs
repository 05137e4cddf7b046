//! Least privilege: the server connects as `syei_app` (every HTTP test already runs the server
//! with that role, see `common::app_role_pool`). Here: what that role must never be able to do,
//! whoever holds its connection, and the exact rights it has on every table.

use sqlx::PgPool;

use crate::common::{app_role_pool, count, insert_user};

/// The SQLSTATE of a refused statement ("42501" is insufficient_privilege).
fn sqlstate(error: sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(e) => e.code().map(|code| code.to_string()).unwrap_or_default(),
        other => panic!("expected a database error, got {other:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_app_role_cannot_rewrite_hide_or_unhook_the_audit_trail(pool: PgPool) {
    insert_user(&pool, "someone@example.com", "Specialist").await;
    let trail_before = count(&pool, "audit_logs").await;
    assert!(trail_before > 0);
    let app = app_role_pool(&pool);

    let forbidden = [
        "update audit_logs set action = 'READ'",
        "delete from audit_logs",
        "truncate audit_logs",
        "alter table audit_logs disable trigger audit_logs_append_only",
        "alter table audit_logs disable trigger all",
        "drop trigger audit_logs_chain on audit_logs",
        "alter table audit_logs add column note text",
        "delete from audit_chain",
        "update audit_chain_head set last_seq = 0",
        "insert into audit_chain (chain_seq, log_id, prev_hash, row_hash)
         select 999999, log_id, '\\x00'::bytea, '\\x00'::bytea from audit_logs limit 1",
        "create or replace function audit_chain_seal() returns trigger language plpgsql
         as $$ begin return null; end $$",
        "alter table users add column nickname text",
        "alter table users disable trigger users_audit",
        "drop table notifications",
        "truncate users cascade",
        "create table shadow_copy (x int)",
        "set session_replication_role = replica",
        "select * from _sqlx_migrations",
        "alter role syei_app superuser",
        "create role intruder login",
    ];
    for statement in forbidden {
        let error = sqlx::query(statement).execute(&app).await.expect_err(statement);
        assert_eq!(sqlstate(error), "42501", "{statement}");
    }

    assert_eq!(count(&pool, "audit_logs").await, trail_before, "the trail is unchanged");
    let triggers_enabled: i64 = sqlx::query_scalar(
        "select count(*) from pg_trigger where tgrelid = 'audit_logs'::regclass and not tgisinternal and tgenabled = 'O'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(triggers_enabled, 3, "append-only, no-truncate and the chain seal, all enabled");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_app_role_appends_to_the_trail_and_its_rows_are_sealed(pool: PgPool) {
    let app = app_role_pool(&pool);
    let chained_before = count(&pool, "audit_chain").await;
    sqlx::query("insert into audit_logs (table_name, action) values ('users', 'EXPORT')").execute(&app).await.unwrap();
    // A row changed through the app is audited by its trigger, as the app role.
    sqlx::query("update clinic_settings set buffer_minutes = buffer_minutes").execute(&app).await.unwrap();

    assert_eq!(count(&pool, "audit_chain").await, chained_before + 1, "the seal runs with the owner's rights");
    let unsealed: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs l where not exists (select from audit_chain c where c.log_id = l.log_id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(unsealed, 0);
    let verdict = app::server::services::audit_chain::verify(&app, 100, None).await.unwrap();
    assert!(matches!(verdict, app::server::services::audit_chain::Verdict::Intact(_)), "{verdict:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_app_role_has_row_rights_on_every_table_and_owns_nothing(pool: PgPool) {
    #[derive(sqlx::FromRow, Debug)]
    struct Rights {
        table_name: String,
        owner: String,
        granted: Vec<String>,
    }
    let tables: Vec<Rights> = sqlx::query_as(
        "select c.relname::text as table_name, pg_get_userbyid(c.relowner)::text as owner,
                array(select p from unnest(array['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
                      where has_table_privilege('syei_app', c.oid, p)) as granted
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')
          order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(tables.len() > 20, "{tables:?}");
    for table in &tables {
        let expected: &[&str] = match table.table_name.as_str() {
            "_sqlx_migrations" => &[],
            "audit_logs" => &["SELECT", "INSERT"],
            "audit_chain" | "audit_chain_head" => &["SELECT"],
            // Every other table, including those of later migrations (default privileges).
            _ => &["SELECT", "INSERT", "UPDATE", "DELETE"],
        };
        assert_eq!(table.granted, expected, "rights of syei_app on {}", table.table_name);
        assert_ne!(table.owner, "syei_app", "{} is owned by the app role", table.table_name);
    }

    let (superuser, create_role, create_db, create_in_schema): (bool, bool, bool, bool) = sqlx::query_as(
        "select rolsuper, rolcreaterole, rolcreatedb, has_schema_privilege('syei_app', 'public', 'CREATE')
           from pg_roles where rolname = 'syei_app'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(!superuser && !create_role && !create_db && !create_in_schema);
}
