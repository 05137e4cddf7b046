//! A tower-sessions store on our own `sessions` table. The published sqlx store switches on
//! sqlx's `time` feature, which makes every `query!` in the project map timestamps to `time`
//! instead of `chrono`; this store is the few queries it takes to avoid that.

use async_trait::async_trait;
use sqlx::PgPool;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

#[derive(Debug, Clone)]
pub struct PgSessionStore {
    pool: PgPool,
}

impl PgSessionStore {
    pub fn new(pool: PgPool) -> PgSessionStore {
        PgSessionStore { pool }
    }
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn unix_seconds(at: OffsetDateTime) -> f64 {
    at.unix_timestamp_nanos() as f64 / 1e9
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_value(&record.data).map_err(backend)?;
        // Ids are random; on the rare collision, draw another.
        loop {
            let inserted = sqlx::query!(
                r#"insert into sessions (id, data, expiry_date) values ($1, $2, to_timestamp($3))
                   on conflict (id) do nothing"#,
                record.id.to_string(),
                data,
                unix_seconds(record.expiry_date),
            )
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        sqlx::query!(
            r#"insert into sessions (id, data, expiry_date) values ($1, $2, to_timestamp($3))
               on conflict (id) do update set data = excluded.data, expiry_date = excluded.expiry_date"#,
            record.id.to_string(),
            serde_json::to_value(&record.data).map_err(backend)?,
            unix_seconds(record.expiry_date),
        )
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sqlx::query!(
            r#"select data, extract(epoch from expiry_date)::float8 as "expiry!"
               from sessions where id = $1 and expiry_date > now()"#,
            id.to_string()
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let expiry_date = OffsetDateTime::from_unix_timestamp_nanos((row.expiry * 1e9) as i128).map_err(backend)?;
        Ok(Some(Record { id: *id, data: serde_json::from_value(row.data).map_err(backend)?, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query!("delete from sessions where id = $1", id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for PgSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query!("delete from sessions where expiry_date <= now()").execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }
}
