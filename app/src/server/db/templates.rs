//! Note templates and their versions.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

pub struct TemplateRow {
    pub template_id: Uuid,
    pub specialist_user_id: Option<Uuid>,
    pub template_name: String,
    pub template_type: String,
    pub content: String,
    pub version: i32,
    pub is_global: bool,
}

/// Live templates the caller may use: the global ones and, for a specialist, their own.
pub async fn usable(conn: &mut PgConnection, user_id: Uuid, limit: i64) -> Result<Vec<TemplateRow>, AppError> {
    Ok(sqlx::query_as!(
        TemplateRow,
        r#"select t.template_id, s.user_id as "specialist_user_id?", t.template_name, t.template_type, t.content,
                  t.version, t.is_global
           from templates t left join specialists s on s.specialist_id = t.specialist_id
           where t.retired_at is null and (t.is_global or s.user_id = $1)
           order by t.is_global, t.template_type, t.template_name
           limit $2"#,
        user_id,
        limit
    )
    .fetch_all(conn)
    .await?)
}

pub async fn find(conn: &mut PgConnection, template_id: Uuid) -> Result<Option<TemplateRow>, AppError> {
    Ok(sqlx::query_as!(
        TemplateRow,
        r#"select t.template_id, s.user_id as "specialist_user_id?", t.template_name, t.template_type, t.content,
                  t.version, t.is_global
           from templates t left join specialists s on s.specialist_id = t.specialist_id
           where t.template_id = $1 and t.retired_at is null
           for update of t"#,
        template_id
    )
    .fetch_optional(conn)
    .await?)
}

pub struct NewTemplate<'a> {
    pub specialist_id: Option<Uuid>,
    pub name: &'a str,
    pub template_type: &'a str,
    pub content: &'a str,
    pub copied_from: Option<Uuid>,
    pub created_by: Uuid,
}

/// A new template at version 1 (and its version row).
pub async fn insert(conn: &mut PgConnection, template: NewTemplate<'_>) -> Result<Uuid, AppError> {
    let id = sqlx::query_scalar!(
        r#"insert into templates (specialist_id, template_name, template_type, content, is_global, copied_from)
           values ($1::uuid, $2, $3, $4, $1::uuid is null, $5) returning template_id"#,
        template.specialist_id,
        template.name,
        template.template_type,
        template.content,
        template.copied_from,
    )
    .fetch_one(&mut *conn)
    .await?;
    insert_version(conn, id, template.created_by).await?;
    Ok(id)
}

/// Saves new content as the next version; the old version stays for the notes that used it.
pub async fn update(
    conn: &mut PgConnection,
    template_id: Uuid,
    name: &str,
    template_type: &str,
    content: &str,
    by: Uuid,
) -> Result<i32, AppError> {
    let version = sqlx::query_scalar!(
        r#"update templates set template_name = $2, template_type = $3, content = $4, version = version + 1
           where template_id = $1 returning version"#,
        template_id,
        name,
        template_type,
        content,
    )
    .fetch_one(&mut *conn)
    .await?;
    insert_version(conn, template_id, by).await?;
    Ok(version)
}

async fn insert_version(conn: &mut PgConnection, template_id: Uuid, by: Uuid) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into template_versions (template_id, version, template_name, template_type, content, created_by)
           select template_id, version, template_name, template_type, content, $2 from templates where template_id = $1"#,
        template_id,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn retire(conn: &mut PgConnection, template_id: Uuid) -> Result<(), AppError> {
    sqlx::query!("update templates set retired_at = now() where template_id = $1", template_id).execute(conn).await?;
    Ok(())
}

/// What placeholders are filled with: the patient's and specialist's names, the appointment's type.
pub struct PlaceholderValues {
    pub patient_name: String,
    pub specialist_name: String,
    pub appointment_type: Option<String>,
}

pub async fn placeholder_values(
    conn: &mut PgConnection,
    patient_id: Uuid,
    specialist_user_id: Uuid,
    appointment_id: Option<Uuid>,
) -> Result<PlaceholderValues, AppError> {
    let row = sqlx::query!(
        r#"select (select u.first_name || ' ' || u.last_name from patients p join users u on u.user_id = p.user_id
                   where p.patient_id = $1) as "patient_name!",
                  (select first_name || ' ' || last_name from users where user_id = $2) as "specialist_name!",
                  (select appointment_type from appointments where appointment_id = $3) as appointment_type"#,
        patient_id,
        specialist_user_id,
        appointment_id,
    )
    .fetch_one(conn)
    .await?;
    Ok(PlaceholderValues {
        patient_name: row.patient_name,
        specialist_name: row.specialist_name,
        appointment_type: row.appointment_type,
    })
}
