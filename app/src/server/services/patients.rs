//! Patients as staff see them: "My patients" (a specialist's care team, every patient for an
//! admin) and the chart. Opening a chart or its header is audited (a READ row in the same
//! transaction); clinical details are opened only for callers allowed to see them.

use chrono::Utc;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::dates::age_on;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use crate::model::patients::{
    Chart, PatientListItem, PatientPage, PatientSummary, RecordView, RecordViews, CHART_VISITS_SHOWN,
    PATIENTS_PAGE_SIZE, RECORD_VIEWS_PAGE_SIZE,
};
use crate::model::users::{MAX_PAGE, MAX_SEARCH_CHARS};
use crate::server::audit::{self, AuditEvent};
use crate::server::db::patients::{self as db, SealedDetails};
use crate::server::policy::{authorize_patient, PatientData};
use crate::server::services::home::agenda_item;
use crate::server::services::patient_vault::{self, Opened};
use crate::server::services::zones::when_label;
use crate::server::state::AppState;

/// "My patients": a specialist's care team (active accounts), every patient for an admin.
pub async fn my_patients(
    state: &AppState,
    user: &CurrentUser,
    search: &str,
    page: i64,
) -> Result<PatientPage, AppError> {
    if search.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::invalid("search", format!("Search with at most {MAX_SEARCH_CHARS} characters.")));
    }
    let specialist_user = match user.role {
        Role::Admin => None,
        Role::Specialist => Some(user.user_id),
        Role::Patient | Role::FamilyMember => return Err(AppError::NotFound),
    };
    let page = page.clamp(1, MAX_PAGE);
    let rows = db::list(&state.pool, specialist_user, search, page, PATIENTS_PAGE_SIZE).await?;
    let today = Utc::now().date_naive();
    let total = rows.first().map_or(0, |row| row.total);
    let label = |start, end, zone: Option<String>| match (start, end, zone) {
        (Some(start), Some(end), Some(zone)) => Some(when_label(start, end, &zone)),
        _ => None,
    };
    let patients = rows
        .into_iter()
        .map(|row| PatientListItem {
            patient_id: row.patient_id,
            name: row.name,
            age: age_on(row.date_of_birth, today),
            last_visit: label(row.last_start, row.last_end, row.last_zone),
            next_visit: label(row.next_start, row.next_end, row.next_zone),
        })
        .collect();
    Ok(PatientPage { patients, page, total })
}

/// Reads the header in the caller's transaction and writes its READ audit row there too.
async fn read_summary(
    conn: &mut PgConnection,
    state: &AppState,
    reader: &CurrentUser,
    patient_id: Uuid,
    include_clinical: bool,
    what: &str,
) -> Result<PatientSummary, AppError> {
    let row = db::find(conn, patient_id).await?.ok_or(AppError::NotFound)?;
    let sealed = SealedDetails {
        emergency_contact: row.emergency_contact_sealed,
        base_medical_history: row.base_medical_history_sealed,
    };
    let details = patient_vault::open_details(conn, &state.keys, patient_id, sealed).await?;
    audit::record(
        conn,
        AuditEvent {
            actor: Some(reader.user_id),
            action: "READ",
            table_name: "patients",
            record_id: Some(patient_id),
            details: Some(serde_json::json!({ "what": what, "clinical": include_clinical, "role": reader.role })),
            ip: crate::server::auth::client_ip(),
        },
    )
    .await?;
    let erased = details == Opened::Erased;
    let details = details.or_empty();
    Ok(PatientSummary {
        patient_id: row.patient_id,
        name: row.name,
        date_of_birth: row.date_of_birth,
        emergency_contact_name: details.emergency_contact_name,
        emergency_contact_phone: details.emergency_contact_phone,
        base_medical_history: if include_clinical { details.base_medical_history } else { None },
        clinical_data_erased: erased,
    })
}

/// The chart header alone; audited. The caller has already been authorized.
pub async fn summary(
    state: &AppState,
    reader: &CurrentUser,
    patient_id: Uuid,
    include_clinical: bool,
) -> Result<PatientSummary, AppError> {
    let mut tx = state.pool.begin().await?;
    let summary = read_summary(&mut tx, state, reader, patient_id, include_clinical, "summary").await?;
    tx.commit().await?;
    Ok(summary)
}

/// The whole chart, for a specialist on the patient's care team or an admin; audited as one
/// READ of the chart.
pub async fn chart(state: &AppState, reader: &CurrentUser, patient_id: Uuid) -> Result<Chart, AppError> {
    if !matches!(reader.role, Role::Specialist | Role::Admin) {
        return Err(AppError::NotFound);
    }
    authorize_patient(&state.pool, reader, patient_id, PatientData::Clinical).await?;
    let (entries, page, page_count) =
        crate::server::services::materials::plan_for_staff(state, reader, patient_id, 1).await?;
    let materials = crate::model::materials::PatientPlan { entries, page, page_count };
    let mut tx = state.pool.begin().await?;
    let summary = read_summary(&mut tx, state, reader, patient_id, true, "chart").await?;
    let care_team = db::care_team_names(&mut tx, patient_id).await?;
    let mut rows = db::timeline(&mut tx, patient_id, CHART_VISITS_SHOWN + 1).await?;
    let notes =
        crate::server::services::notes::list(&mut tx, state, reader, patient_id, summary.name.clone(), 1).await?;
    let files = crate::server::services::attachments::for_patient(&mut tx, state, reader, patient_id).await?;
    tx.commit().await?;
    let more_visits = rows.len() as i64 > CHART_VISITS_SHOWN;
    rows.truncate(CHART_VISITS_SHOWN as usize);
    let visits = rows.into_iter().map(agenda_item).collect::<Result<_, AppError>>()?;
    Ok(Chart {
        age: age_on(summary.date_of_birth, Utc::now().date_naive()),
        summary,
        care_team,
        visits,
        more_visits,
        notes,
        files,
        materials,
    })
}

/// What a READ row says was read, in the patient's words.
fn what_was_read(what: Option<&str>) -> &'static str {
    match what {
        Some("chart") => "Opened your chart",
        Some("summary") => "Looked at your details",
        Some("note") => "Read a clinical note",
        Some("notes") => "Looked at the list of your notes",
        _ => "Read your record",
    }
}

/// "Who viewed my record", for the patient themself: reads by anyone else, newest first.
pub async fn who_viewed_my_record(state: &AppState, user: &CurrentUser, page: i64) -> Result<RecordViews, AppError> {
    if user.role != Role::Patient {
        return Err(AppError::NotFound);
    }
    let patient_id =
        crate::server::db::home::patient_of_user(&state.pool, user.user_id).await?.ok_or(AppError::NotFound)?;
    let page = page.clamp(1, MAX_PAGE);
    let rows = db::record_views(&state.pool, patient_id, user.user_id, page, RECORD_VIEWS_PAGE_SIZE).await?;
    let zone_name = crate::server::db::clinic::clinic_zone(&state.pool).await?;
    let zone: chrono_tz::Tz = zone_name.parse().unwrap_or(chrono_tz::UTC);
    let total = rows.first().map_or(0, |row| row.total);
    let views = rows
        .into_iter()
        .map(|row| RecordView {
            viewer: row.viewer,
            role: row.role.parse::<Role>().map(|role| role.label().to_string()).unwrap_or(row.role),
            what: what_was_read(row.what.as_deref()).to_string(),
            when: format!("{} ({zone_name})", row.viewed_at.with_timezone(&zone).format("%a %-d %b %Y, %H:%M")),
        })
        .collect();
    Ok(RecordViews { views, page, total })
}
