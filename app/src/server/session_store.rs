//! A tower-sessions store on our own `sessions` table. The published sqlx store switches on
//! sqlx's `time` feature, which makes every `query!` in the project map timestamps to `time`
//! instead of `chrono`; this store is the few queries it takes to avoid that.
//!
//! Rows are keyed by the SHA-256 of the session id, never the id itself: the id is the cookie's
//! whole value, so a read of the table (an SQL injection elsewhere, a leaked backup) must not
//! hand out cookies that sign people in. The id is 128 random bits, so a plain hash is enough
//! (there is nothing to brute-force, unlike a password).

use async_trait::async_trait;
use sha2::{Digest, Sha256};
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

/// The key a session is stored under: what a cookie's id is looked up by.
pub fn stored_key(id: &Id) -> Vec<u8> {
    Sha256::digest(id.to_string().as_bytes()).to_vec()
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
                r#"insert into sessions (id_hash, data, expiry_date) values ($1, $2, to_timestamp($3))
                   on conflict (id_hash) do nothing"#,
                stored_key(&record.id),
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
            r#"insert into sessions (id_hash, data, expiry_date) values ($1, $2, to_timestamp($3))
               on conflict (id_hash) do update set data = excluded.data, expiry_date = excluded.expiry_date"#,
            stored_key(&record.id),
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
               from sessions where id_hash = $1 and expiry_date > now()"#,
            stored_key(id)
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let expiry_date = OffsetDateTime::from_unix_timestamp_nanos((row.expiry * 1e9) as i128).map_err(backend)?;
        Ok(Some(Record { id: *id, data: serde_json::from_value(row.data).map_err(backend)?, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query!("delete from sessions where id_hash = $1", stored_key(id))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_key_is_a_sha256_that_does_not_contain_the_id() {
        let id = Id::default();
        let key = stored_key(&id);
        assert_eq!(key.len(), 32);
        assert_eq!(key, stored_key(&id), "the same id always finds its row");
        assert_ne!(key, stored_key(&Id::default()));
        let cookie_value = id.to_string();
        assert!(!String::from_utf8_lossy(&key).contains(&cookie_value));
        assert_ne!(&key[..16], &id.0.to_le_bytes()[..]);
    }
}
