//! The education library (`educational_materials`) and the plans made of it
//! (`patient_material_assignments`). A material's file bytes are read only by `file`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::AppError;

pub struct MaterialRow {
    pub material_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub material_type: String,
    pub content_url: Option<String>,
    pub publish_date: NaiveDate,
    pub tags: Vec<String>,
    pub retired_at: Option<DateTime<Utc>>,
    pub specialist_user_id: Option<Uuid>,
    pub author: String,
    pub file_name: Option<String>,
    pub file_type: Option<String>,
    pub file_size: Option<i32>,
}

pub struct ListQuery<'a> {
    /// A LIKE pattern (already escaped), or "" for all.
    pub pattern: &'a str,
    pub material_type: &'a str,
    pub tag: &'a str,
    pub author: Option<Uuid>,
    pub include_retired: bool,
}

pub async fn count(pool: &PgPool, q: &ListQuery<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from educational_materials m
           where ($1 or m.retired_at is null)
             and ($2 = '' or m.title ilike $2 or coalesce(m.description, '') ilike $2)
             and ($3 = '' or m.material_type = $3)
             and ($4 = '' or $4 = any (m.tags))
             and ($5::uuid is null or m.specialist_id = $5)"#,
        q.include_retired,
        q.pattern,
        q.material_type,
        q.tag,
        q.author,
    )
    .fetch_one(pool)
    .await?)
}

/// One page of the library, newest first. The author is the material's specialist, else the
/// admin who created it.
pub async fn page(pool: &PgPool, q: &ListQuery<'_>, limit: i64, offset: i64) -> Result<Vec<MaterialRow>, AppError> {
    Ok(sqlx::query_as!(
        MaterialRow,
        r#"select m.material_id, m.title, m.description, m.material_type, m.content_url, m.publish_date, m.tags,
                  m.retired_at, s.user_id as "specialist_user_id?",
                  coalesce(su.first_name || ' ' || su.last_name, cu.first_name || ' ' || cu.last_name, 'The clinic') as "author!",
                  m.file_name, m.file_type, m.file_size
           from educational_materials m
           left join specialists s on s.specialist_id = m.specialist_id
           left join users su on su.user_id = s.user_id
           left join users cu on cu.user_id = m.created_by
           where ($1 or m.retired_at is null)
             and ($2 = '' or m.title ilike $2 or coalesce(m.description, '') ilike $2)
             and ($3 = '' or m.material_type = $3)
             and ($4 = '' or $4 = any (m.tags))
             and ($5::uuid is null or m.specialist_id = $5)
           order by m.publish_date desc, m.title, m.material_id
           limit $6 offset $7"#,
        q.include_retired,
        q.pattern,
        q.material_type,
        q.tag,
        q.author,
        limit,
        offset,
    )
    .fetch_all(pool)
    .await?)
}

/// The specialists who wrote materials, for the author filter.
pub async fn authors(pool: &PgPool) -> Result<Vec<(Uuid, String)>, AppError> {
    let rows = sqlx::query!(
        r#"select distinct s.specialist_id, u.first_name || ' ' || u.last_name as "name!"
           from educational_materials m join specialists s on s.specialist_id = m.specialist_id
           join users u on u.user_id = s.user_id
           order by 2 limit 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.specialist_id, r.name)).collect())
}

pub async fn get(pool: &PgPool, material_id: Uuid) -> Result<Option<MaterialRow>, AppError> {
    Ok(sqlx::query_as!(
        MaterialRow,
        r#"select m.material_id, m.title, m.description, m.material_type, m.content_url, m.publish_date, m.tags,
                  m.retired_at, s.user_id as "specialist_user_id?",
                  coalesce(su.first_name || ' ' || su.last_name, cu.first_name || ' ' || cu.last_name, 'The clinic') as "author!",
                  m.file_name, m.file_type, m.file_size
           from educational_materials m
           left join specialists s on s.specialist_id = m.specialist_id
           left join users su on su.user_id = s.user_id
           left join users cu on cu.user_id = m.created_by
           where m.material_id = $1"#,
        material_id
    )
    .fetch_optional(pool)
    .await?)
}

pub struct MaterialFields<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub material_type: &'a str,
    pub content_url: Option<&'a str>,
    pub publish_date: NaiveDate,
    pub tags: &'a [String],
}

pub async fn insert(
    conn: &mut PgConnection,
    specialist_id: Option<Uuid>,
    created_by: Uuid,
    f: &MaterialFields<'_>,
) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into educational_materials
               (specialist_id, created_by, title, description, material_type, content_url, publish_date, tags)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning material_id"#,
        specialist_id,
        created_by,
        f.title,
        f.description,
        f.material_type,
        f.content_url,
        f.publish_date,
        f.tags,
    )
    .fetch_one(conn)
    .await?)
}

/// Updates a material; the link may only be removed when a file stands in for it (the table's
/// check refuses a material with neither).
pub async fn update(conn: &mut PgConnection, material_id: Uuid, f: &MaterialFields<'_>) -> Result<bool, AppError> {
    let done = sqlx::query!(
        r#"update educational_materials
              set title = $2, description = $3, material_type = $4, content_url = $5, publish_date = $6, tags = $7
            where material_id = $1"#,
        material_id,
        f.title,
        f.description,
        f.material_type,
        f.content_url,
        f.publish_date,
        f.tags,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn retire(conn: &mut PgConnection, material_id: Uuid) -> Result<(), AppError> {
    sqlx::query!(
        "update educational_materials set retired_at = coalesce(retired_at, now()) where material_id = $1",
        material_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_file(
    conn: &mut PgConnection,
    material_id: Uuid,
    name: &str,
    content_type: &str,
    data: &[u8],
) -> Result<(), AppError> {
    sqlx::query!(
        r#"update educational_materials set file_name = $2, file_type = $3, file_size = $4, file_data = $5
           where material_id = $1"#,
        material_id,
        name,
        content_type,
        data.len() as i32,
        data,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct FileRow {
    pub file_name: String,
    pub file_type: String,
    pub file_data: Vec<u8>,
}

pub async fn file(pool: &PgPool, material_id: Uuid) -> Result<Option<FileRow>, AppError> {
    Ok(sqlx::query_as!(
        FileRow,
        r#"select file_name as "file_name!", file_type as "file_type!", file_data as "file_data!"
           from educational_materials where material_id = $1 and file_data is not null"#,
        material_id
    )
    .fetch_optional(pool)
    .await?)
}

// Plans ---------------------------------------------------------------------------------------

pub struct PlanRow {
    pub assignment_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub material_id: Uuid,
    pub title: String,
    pub material_type: String,
    pub assigned_by: String,
    pub assignment_date: NaiveDate,
    pub release_date: Option<NaiveDate>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub viewed_by: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub comment_sealed: Option<Vec<u8>>,
    pub completion_note_sealed: Option<Vec<u8>>,
}

/// Assigns a material, or updates the assignment that exists (one per patient and material).
/// A new release date in the future makes it wait (and notify) again.
pub async fn assign(
    conn: &mut PgConnection,
    patient_id: Uuid,
    material_id: Uuid,
    specialist_id: Uuid,
    comment_sealed: &[u8],
    release_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into patient_material_assignments
               (patient_id, material_id, assigned_by, assignment_date, comment_sealed, release_date)
           values ($1, $2, $3, $6, $4, $5)
           on conflict (patient_id, material_id) do update
              set assigned_by = excluded.assigned_by, comment_sealed = excluded.comment_sealed,
                  release_date = excluded.release_date,
                  released_notified_at = case when coalesce(excluded.release_date, $6) > $6 then null
                                              else patient_material_assignments.released_notified_at end
           returning assignment_id"#,
        patient_id,
        material_id,
        specialist_id,
        comment_sealed,
        release_date,
        today,
    )
    .fetch_one(conn)
    .await?)
}

/// The plan's rows of one patient: all of them for staff, only released ones (release date
/// passed) when `released_by` is a date.
pub async fn plan_page(
    pool: &PgPool,
    patient_id: Uuid,
    released_by: Option<NaiveDate>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PlanRow>, i64), AppError> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from patient_material_assignments a
           where a.patient_id = $1 and ($2::date is null or coalesce(a.release_date, a.assignment_date) <= $2)"#,
        patient_id,
        released_by,
    )
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query_as!(
        PlanRow,
        r#"select a.assignment_id, a.patient_id, pu.first_name || ' ' || pu.last_name as "patient_name!",
                  a.material_id, m.title, m.material_type,
                  coalesce(su.first_name || ' ' || su.last_name, 'The clinic') as "assigned_by!",
                  a.assignment_date, a.release_date, a.viewed_at,
                  vu.first_name || ' ' || vu.last_name as "viewed_by?",
                  a.completed_at, a.comment_sealed, a.completion_note_sealed
           from patient_material_assignments a
           join educational_materials m on m.material_id = a.material_id
           join patients p on p.patient_id = a.patient_id join users pu on pu.user_id = p.user_id
           left join specialists s on s.specialist_id = a.assigned_by left join users su on su.user_id = s.user_id
           left join users vu on vu.user_id = a.viewed_by
           where a.patient_id = $1 and ($2::date is null or coalesce(a.release_date, a.assignment_date) <= $2)
           order by coalesce(a.release_date, a.assignment_date) desc, a.assignment_id desc
           limit $3 offset $4"#,
        patient_id,
        released_by,
        limit,
        offset,
    )
    .fetch_all(pool)
    .await?;
    Ok((rows, total))
}

/// Who has a material in their plan, limited to patients the caller may see (`viewer`: the
/// specialist's account; None for an admin, who sees all).
pub async fn engagement(
    pool: &PgPool,
    material_id: Uuid,
    viewer: Option<Uuid>,
    limit: i64,
) -> Result<Vec<PlanRow>, AppError> {
    Ok(sqlx::query_as!(
        PlanRow,
        r#"select a.assignment_id, a.patient_id, pu.first_name || ' ' || pu.last_name as "patient_name!",
                  a.material_id, m.title, m.material_type,
                  coalesce(su.first_name || ' ' || su.last_name, 'The clinic') as "assigned_by!",
                  a.assignment_date, a.release_date, a.viewed_at,
                  vu.first_name || ' ' || vu.last_name as "viewed_by?",
                  a.completed_at, a.comment_sealed, a.completion_note_sealed
           from patient_material_assignments a
           join educational_materials m on m.material_id = a.material_id
           join patients p on p.patient_id = a.patient_id join users pu on pu.user_id = p.user_id
           left join specialists s on s.specialist_id = a.assigned_by left join users su on su.user_id = s.user_id
           left join users vu on vu.user_id = a.viewed_by
           where a.material_id = $1
             and ($2::uuid is null or exists (
                   select 1 from care_team c join specialists cs on cs.specialist_id = c.specialist_id
                   where c.patient_id = a.patient_id and cs.user_id = $2))
           order by pu.last_name, pu.first_name, a.assignment_id
           limit $3"#,
        material_id,
        viewer,
        limit,
    )
    .fetch_all(pool)
    .await?)
}

pub async fn assignment(pool: &PgPool, assignment_id: Uuid) -> Result<Option<PlanRow>, AppError> {
    Ok(sqlx::query_as!(
        PlanRow,
        r#"select a.assignment_id, a.patient_id, pu.first_name || ' ' || pu.last_name as "patient_name!",
                  a.material_id, m.title, m.material_type,
                  coalesce(su.first_name || ' ' || su.last_name, 'The clinic') as "assigned_by!",
                  a.assignment_date, a.release_date, a.viewed_at,
                  vu.first_name || ' ' || vu.last_name as "viewed_by?",
                  a.completed_at, a.comment_sealed, a.completion_note_sealed
           from patient_material_assignments a
           join educational_materials m on m.material_id = a.material_id
           join patients p on p.patient_id = a.patient_id join users pu on pu.user_id = p.user_id
           left join specialists s on s.specialist_id = a.assigned_by left join users su on su.user_id = s.user_id
           left join users vu on vu.user_id = a.viewed_by
           where a.assignment_id = $1"#,
        assignment_id
    )
    .fetch_optional(pool)
    .await?)
}

pub struct LegacyComment {
    pub assignment_id: Uuid,
    pub patient_id: Uuid,
    pub comment: String,
}

/// Comments stored in plaintext before plans were sealed (migration 11).
pub async fn legacy_comments(pool: &PgPool, limit: i64) -> Result<Vec<LegacyComment>, AppError> {
    Ok(sqlx::query_as!(
        LegacyComment,
        r#"select assignment_id, patient_id, specialist_comments as "comment!"
           from patient_material_assignments where specialist_comments is not null limit $1"#,
        limit
    )
    .fetch_all(pool)
    .await?)
}

pub async fn replace_legacy_comment(
    conn: &mut PgConnection,
    assignment_id: Uuid,
    sealed: Option<&[u8]>,
) -> Result<(), AppError> {
    sqlx::query!(
        "update patient_material_assignments set comment_sealed = $2, specialist_comments = null where assignment_id = $1",
        assignment_id,
        sealed
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the first opening; later ones change nothing.
pub async fn mark_viewed(conn: &mut PgConnection, assignment_id: Uuid, by: Uuid) -> Result<(), AppError> {
    sqlx::query!(
        r#"update patient_material_assignments set viewed_at = now(), viewed_by = $2, updated_by = $2
           where assignment_id = $1 and viewed_at is null"#,
        assignment_id,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn complete(
    conn: &mut PgConnection,
    assignment_id: Uuid,
    by: Uuid,
    note_sealed: Option<&[u8]>,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"update patient_material_assignments
              set completed_at = now(), completed_by = $2, completion_note_sealed = $3, updated_by = $2,
                  viewed_at = coalesce(viewed_at, now()), viewed_by = coalesce(viewed_by, $2)
           where assignment_id = $1 and completed_at is null"#,
        assignment_id,
        by,
        note_sealed
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Notifies the patient (and family members allowed to see materials) of every assignment whose
/// release date has come, once. Returns how many notifications were sent.
pub async fn release_due(conn: &mut PgConnection, today: NaiveDate) -> Result<u64, AppError> {
    let released = sqlx::query!(
        r#"with due as (
               update patient_material_assignments a set released_notified_at = now()
                where a.released_notified_at is null and coalesce(a.release_date, a.assignment_date) <= $1
               returning a.patient_id, a.material_id
           ), people as (
               select p.user_id, d.material_id from due d join patients p on p.patient_id = d.patient_id
               union all
               select g.user_id, d.material_id from due d join live_family_grants g on g.patient_id = d.patient_id
                where g.can_view_materials
           )
           insert into notifications (user_id, title, message, notification_type)
           select people.user_id, 'New material to read', m.title, 'Material'
           from people join educational_materials m on m.material_id = people.material_id"#,
        today
    )
    .execute(conn)
    .await?;
    Ok(released.rows_affected())
}
