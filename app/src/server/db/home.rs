//! The role homes' queries.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::home::{AdminOverview, AgendaItem, CareOverview, HelpedPatient, MaterialItem, SpecialistDay};

/// "Tue 1 Dec, 10:00–11:00 (Europe/Madrid)": in the specialist's zone, labelled with it.
pub(crate) fn when_label(start: DateTime<Utc>, end: DateTime<Utc>, zone: &str) -> String {
    let tz: Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let (start, end) = (start.with_timezone(&tz), end.with_timezone(&tz));
    format!("{}–{} ({zone})", start.format("%a %-d %b, %H:%M"), end.format("%H:%M"))
}

pub async fn admin_summary(pool: &PgPool) -> Result<AdminOverview, AppError> {
    let counts = sqlx::query!(
        r#"select role, count(*) filter (where is_active) as "active!", count(*) filter (where not is_active) as "inactive!"
           from users group by role"#
    )
    .fetch_all(pool)
    .await?;
    let active_by_role = Role::ALL
        .iter()
        .map(|role| {
            let active = counts.iter().find(|c| c.role == role.as_str()).map(|c| c.active).unwrap_or(0);
            (role.label().to_string(), active)
        })
        .collect();
    let appointments = sqlx::query!(
        // "Today" is the clinic's today, in the clinic's zone.
        r#"select count(*) filter (where (a.start_datetime at time zone c.time_zone)::date
                                           = (now() at time zone c.time_zone)::date
                                     and a.status in ('Pending', 'Confirmed')) as "today!",
                  count(*) filter (where a.status = 'Pending' and a.start_datetime > now()) as "pending!"
           from appointments a cross join clinic_settings c"#
    )
    .fetch_one(pool)
    .await?;
    Ok(AdminOverview {
        active_by_role,
        inactive_accounts: counts.iter().map(|c| c.inactive).sum(),
        appointments_today: appointments.today,
        pending_appointments: appointments.pending,
    })
}

pub async fn specialist_today(pool: &PgPool, user_id: Uuid) -> Result<SpecialistDay, AppError> {
    let specialist = sqlx::query!("select specialist_id, time_zone from specialists where user_id = $1", user_id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let tz: Tz = specialist.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let today = Utc::now().with_timezone(&tz).date_naive();
    let rows = sqlx::query!(
        r#"select a.appointment_id, a.start_datetime, a.end_datetime, a.appointment_type, a.status,
                  u.first_name || ' ' || u.last_name as "patient!"
           from appointments a join patients p on p.patient_id = a.patient_id join users u on u.user_id = p.user_id
           where a.specialist_id = $1 and (a.start_datetime at time zone $2)::date = $3
           order by a.start_datetime"#,
        specialist.specialist_id,
        specialist.time_zone,
        today,
    )
    .fetch_all(pool)
    .await?;
    Ok(SpecialistDay {
        date_label: today.format("%A %-d %B %Y").to_string(),
        time_zone: specialist.time_zone.clone(),
        appointments: rows
            .into_iter()
            .map(|r| {
                Ok(AgendaItem {
                    appointment_id: r.appointment_id,
                    when: when_label(r.start_datetime, r.end_datetime, &specialist.time_zone),
                    with_name: r.patient,
                    appointment_type: r.appointment_type,
                    status: r.status.parse().map_err(AppError::internal)?,
                })
            })
            .collect::<Result<_, AppError>>()?,
    })
}

async fn upcoming_for_patient(pool: &PgPool, patient_id: Uuid) -> Result<Vec<AgendaItem>, AppError> {
    let rows = sqlx::query!(
        r#"select a.appointment_id, a.start_datetime, a.end_datetime, a.appointment_type, a.status, s.time_zone,
                  u.first_name || ' ' || u.last_name || ' (' || s.specialty || ')' as "specialist!"
           from appointments a join specialists s on s.specialist_id = a.specialist_id
           join users u on u.user_id = s.user_id
           where a.patient_id = $1 and a.end_datetime > now() and a.status in ('Pending', 'Confirmed')
           order by a.start_datetime limit 10"#,
        patient_id
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AgendaItem {
                appointment_id: r.appointment_id,
                when: when_label(r.start_datetime, r.end_datetime, &r.time_zone),
                with_name: r.specialist,
                appointment_type: r.appointment_type,
                status: r.status.parse().map_err(AppError::internal)?,
            })
        })
        .collect()
}

pub async fn my_care(pool: &PgPool, user_id: Uuid) -> Result<CareOverview, AppError> {
    let patient_id = sqlx::query_scalar!("select patient_id from patients where user_id = $1", user_id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let materials = sqlx::query_as!(
        MaterialItem,
        r#"select m.title, m.material_type, m.content_url, a.specialist_comments
           from patient_material_assignments a join educational_materials m on m.material_id = a.material_id
           where a.patient_id = $1 order by a.assignment_date desc, m.title"#,
        patient_id
    )
    .fetch_all(pool)
    .await?;
    let unread = sqlx::query_scalar!(
        r#"select count(*) as "n!" from notifications where user_id = $1 and not is_read"#,
        user_id
    )
    .fetch_one(pool)
    .await?;
    Ok(CareOverview {
        upcoming: upcoming_for_patient(pool, patient_id).await?,
        materials,
        unread_notifications: unread,
    })
}

pub async fn family_home(pool: &PgPool, user_id: Uuid) -> Result<Vec<HelpedPatient>, AppError> {
    let links = sqlx::query!(
        r#"select f.patient_id, f.relationship, f.can_view_appointments,
                  u.first_name || ' ' || u.last_name as "name!"
           from family_members f join patients p on p.patient_id = f.patient_id join users u on u.user_id = p.user_id
           where f.user_id = $1 order by u.last_name, u.first_name"#,
        user_id
    )
    .fetch_all(pool)
    .await?;
    let mut helped = Vec::with_capacity(links.len());
    for link in links {
        let upcoming =
            if link.can_view_appointments { Some(upcoming_for_patient(pool, link.patient_id).await?) } else { None };
        helped.push(HelpedPatient {
            patient_id: link.patient_id,
            name: link.name,
            relationship: link.relationship,
            upcoming,
        });
    }
    Ok(helped)
}
