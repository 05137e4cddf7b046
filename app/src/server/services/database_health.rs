//! "Database health" for admins: what is slow, what is never used, what waits for vacuum.

use sqlx::PgPool;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::database_health::DatabaseHealth;
use crate::server::db::database_health as db;

pub async fn database_health(pool: &PgPool, user: &CurrentUser) -> Result<DatabaseHealth, AppError> {
    if user.role != Role::Admin {
        return Err(AppError::NotFound);
    }
    let (connections, max_connections) = db::connections(pool).await?;
    Ok(DatabaseHealth {
        top_queries: db::top_queries(pool).await,
        tables: db::tables(pool).await?,
        unused_indexes: db::unused_indexes(pool).await?,
        connections,
        max_connections,
    })
}
