use sqlx::PgPool;

use crate::error::AppError;
use crate::model::specialists::SpecialistSummary;

/// Active specialists for the public directory, ordered by specialty then name.
pub async fn list_public(pool: &PgPool) -> Result<Vec<SpecialistSummary>, AppError> {
    let rows = sqlx::query_as!(
        SpecialistSummary,
        r#"
        select s.specialist_id,
               u.first_name || ' ' || u.last_name as "display_name!",
               s.specialty,
               s.bio
        from specialists s
        join users u on u.user_id = s.user_id
        where u.is_active
        order by s.specialty, u.last_name, u.first_name
        "#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
