//! The statistics views behind "Database health". Plain (unchecked) queries on purpose:
//! `pg_stat_statements` exists only where the extension is enabled, and the compile-time
//! checked macros would need it in every database they are checked against.

use sqlx::PgPool;

use crate::model::database_health::{ConnectionCount, QueryStat, TableHealth, UnusedIndex};

/// How many statements and indexes the page lists.
const LISTED: i64 = 15;

/// The top statements of this database by total time, or None when `pg_stat_statements` is not
/// installed here or not loaded by the server (reading it then fails; that is not an error).
pub async fn top_queries(pool: &PgPool) -> Option<Vec<QueryStat>> {
    let rows: Vec<(String, i64, f64, f64, i64)> = sqlx::query_as(
        "select left(s.query, 400), s.calls, s.total_exec_time, s.mean_exec_time, s.rows
           from pg_stat_statements s
           join pg_database d on d.oid = s.dbid
          where d.datname = current_database()
          order by s.total_exec_time desc
          limit $1",
    )
    .bind(LISTED)
    .fetch_all(pool)
    .await
    .ok()?;
    Some(
        rows.into_iter()
            .map(|(query, calls, total_ms, mean_ms, rows)| QueryStat { query, calls, total_ms, mean_ms, rows })
            .collect(),
    )
}

/// One row of `pg_stat_user_tables`, as the page needs it.
#[derive(sqlx::FromRow)]
struct TableRow {
    table_name: String,
    live_rows: i64,
    dead_rows: i64,
    sequential_scans: i64,
    index_scans: i64,
    last_vacuum: Option<String>,
    waiting_for_vacuum: bool,
}

pub async fn tables(pool: &PgPool) -> Result<Vec<TableHealth>, sqlx::Error> {
    let rows: Vec<TableRow> = sqlx::query_as(
        "select relname::text as table_name, n_live_tup as live_rows, n_dead_tup as dead_rows,
                coalesce(seq_scan, 0) as sequential_scans, coalesce(idx_scan, 0) as index_scans,
                to_char(greatest(last_vacuum, last_autovacuum) at time zone 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"')
                    as last_vacuum,
                n_dead_tup > 50 + 0.2 * n_live_tup as waiting_for_vacuum
           from pg_stat_user_tables
          where schemaname = 'public'
          order by n_dead_tup desc, relname",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| TableHealth {
            table: row.table_name,
            live_rows: row.live_rows,
            dead_rows: row.dead_rows,
            sequential_scans: row.sequential_scans,
            index_scans: row.index_scans,
            last_vacuum: row.last_vacuum,
            waiting_for_vacuum: row.waiting_for_vacuum,
        })
        .collect())
}

/// Indexes never scanned, largest first (unique and primary-key indexes are kept out: they
/// guard the data even when no query reads them).
pub async fn unused_indexes(pool: &PgPool) -> Result<Vec<UnusedIndex>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select s.indexrelname::text, s.relname::text, pg_size_pretty(pg_relation_size(s.indexrelid))
           from pg_stat_user_indexes s
           join pg_index i on i.indexrelid = s.indexrelid
          where s.schemaname = 'public' and s.idx_scan = 0 and not i.indisunique
          order by pg_relation_size(s.indexrelid) desc, s.indexrelname
          limit $1",
    )
    .bind(LISTED)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(index, table, size)| UnusedIndex { index, table, size }).collect())
}

/// Connections to this database by state, and the server's limit.
pub async fn connections(pool: &PgPool) -> Result<(Vec<ConnectionCount>, i64), sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "select coalesce(state, 'unknown'), count(*) from pg_stat_activity
          where datname = current_database() group by 1 order by 2 desc, 1",
    )
    .fetch_all(pool)
    .await?;
    let max: i64 = sqlx::query_scalar("select current_setting('max_connections')::bigint").fetch_one(pool).await?;
    Ok((rows.into_iter().map(|(state, count)| ConnectionCount { state, count }).collect(), max))
}
