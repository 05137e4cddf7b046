//! "Patients" and the chart: a specialist lists and opens only the patients on their care team,
//! an admin every patient; opening a chart is audited; lists are searched and paged within
//! bounds.

use serde_json::Value;
use sqlx::PgPool;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app, Client};

fn names(list: &Value) -> Vec<String> {
    list["patients"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
}

async fn signed_in(pool: &PgPool, email: &str) -> Client {
    let mut client = Client::new(app(pool.clone()));
    assert_eq!(client.login(email, PASSWORD).await.status, 200);
    client
}

#[sqlx::test(migrations = "../migrations")]
async fn a_specialist_lists_their_care_team_and_an_admin_everyone(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let mine = specialist.call("patients/mine", &[("search", ""), ("page", "1")]).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let listed = names(&mine.json());
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(mine.json()["patients"][0]["patient_id"], clinic.patient_id.to_string());
    assert_eq!(mine.json()["total"], 1);
    // The appointment tomorrow is the next visit, labelled in the specialist's zone.
    assert!(mine.json()["patients"][0]["next_visit"].as_str().is_some_and(|label| label.contains('(')));

    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let everyone = admin.call("patients/mine", &[("search", ""), ("page", "1")]).await;
    assert_eq!(everyone.json()["total"], 2, "{}", everyone.body);
    // Search by name (any part, any case); `%` is searched for, not a wildcard.
    sqlx::query("update users set first_name = 'Omar', last_name = 'Haddad' where user_id = $1")
        .bind(clinic.other_patient.user_id)
        .execute(&pool)
        .await
        .unwrap();
    let found = admin.call("patients/mine", &[("search", "r hADD"), ("page", "1")]).await;
    assert_eq!(names(&found.json()), vec!["Omar Haddad".to_string()]);
    // The specialist's search stays within their care team.
    let not_theirs = specialist.call("patients/mine", &[("search", "Omar"), ("page", "1")]).await;
    assert_eq!(not_theirs.json()["total"], 0);
    let none = admin.call("patients/mine", &[("search", "%"), ("page", "1")]).await;
    assert_eq!(none.json()["total"], 0);
    // Pages are clamped, searches bounded.
    let far = admin.call("patients/mine", &[("search", ""), ("page", "9223372036854775807")]).await;
    assert_eq!(far.status, 200, "{}", far.body);
    assert_eq!(far.json()["page"], 10_000);
    let zero = admin.call("patients/mine", &[("search", ""), ("page", "-3")]).await;
    assert_eq!(zero.json()["page"], 1);
    let long = admin.call("patients/mine", &[("search", &"x".repeat(101)), ("page", "1")]).await;
    assert_eq!(long.status, 400, "{}", long.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_chart_opens_for_its_care_team_and_admins_and_every_opening_is_audited(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let patient_id = clinic.patient_id.to_string();
    let reads = || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from audit_logs where action = 'READ' and record_id = $1 and new_values->>'what' = 'chart'",
        )
        .bind(clinic.patient_id)
        .fetch_one(&pool)
        .await
        .unwrap()
    };

    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let chart = specialist.call("patients/chart", &[("patient_id", &patient_id)]).await;
    assert_eq!(chart.status, 200, "{}", chart.body);
    let chart = chart.json();
    assert_eq!(chart["summary"]["base_medical_history"], "Migraines", "opened from its sealed form");
    assert_eq!(chart["visits"].as_array().unwrap().len(), 1);
    assert!(chart["care_team"][0].as_str().unwrap().contains("Acupuncture"), "{chart}");
    assert!(chart["age"].as_i64().unwrap() >= 42);
    assert_eq!(reads().await, 1);

    // The specialist outside the care team: as if there were no such chart, and nothing read.
    let mut outsider = signed_in(&pool, clinic.other_specialist.email).await;
    let refused = outsider.call("patients/chart", &[("patient_id", &patient_id)]).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert!(!refused.body.contains("Migraines"));
    assert_eq!(reads().await, 1);

    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let as_admin = admin.call("patients/chart", &[("patient_id", &patient_id)]).await;
    assert_eq!(as_admin.status, 200, "{}", as_admin.body);
    assert_eq!(reads().await, 2);
    // Who read it, as which role, and from where.
    let (actor, role, address): (uuid::Uuid, String, String) = sqlx::query_as(
        "select user_id, new_values->>'role', host(ip_address) from audit_logs
         where action = 'READ' and record_id = $1 order by sequence_no desc limit 1",
    )
    .bind(clinic.patient_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((actor, role.as_str(), address.as_str()), (clinic.admin.user_id, "Admin", "127.0.0.1"));

    // The chart page: 200 with the history for the care team, 404 for the outsider.
    let page = specialist.get(&format!("/patients/{patient_id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Migraines"));
    let hidden = outsider.get(&format!("/patients/{patient_id}")).await;
    assert_eq!(hidden.status, 404);
    assert!(!hidden.body.contains("Migraines"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_patient_sees_who_opened_their_record_and_nobody_elses(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let patient_id = clinic.patient_id.to_string();
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    assert_eq!(specialist.call("patients/chart", &[("patient_id", &patient_id)]).await.status, 200);
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    assert_eq!(admin.call("patients/get", &[("patient_id", &patient_id)]).await.status, 200);

    let mut patient = signed_in(&pool, clinic.patient.email).await;
    // The patient's own reading is not someone viewing their record.
    assert_eq!(patient.call("patients/get", &[("patient_id", &patient_id)]).await.status, 200);
    let views = patient.call("patients/record-views", &[("page", "1")]).await;
    assert_eq!(views.status, 200, "{}", views.body);
    let views = views.json();
    assert_eq!(views["total"], 2, "{views}");
    // Newest first: the admin's look at the details, then the specialist's chart.
    assert_eq!(views["views"][0]["role"], "Administrator");
    assert_eq!(views["views"][0]["what"], "Looked at your details");
    assert_eq!(views["views"][1]["role"], "Specialist");
    assert_eq!(views["views"][1]["what"], "Opened your chart");
    assert!(views["views"][1]["when"].as_str().unwrap().contains("Europe/Madrid"), "{views}");

    let mut other = signed_in(&pool, clinic.other_patient.email).await;
    let theirs = other.call("patients/record-views", &[("page", "1")]).await;
    assert_eq!(theirs.json()["total"], 0, "{}", theirs.body);
    let far = patient.call("patients/record-views", &[("page", "99999999999")]).await;
    assert_eq!(far.status, 200);
    assert_eq!(far.json()["views"].as_array().unwrap().len(), 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_specialist_outside_the_care_team_gets_in_only_with_a_reason_for_four_hours(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let patient_id = clinic.patient_id.to_string();
    let mut outsider = signed_in(&pool, clinic.other_specialist.email).await;
    assert_eq!(outsider.call("patients/chart", &[("patient_id", &patient_id)]).await.status, 404);

    // No reason, no access; nothing is recorded.
    let vague = outsider.call("emergency-access/open", &[("patient_id", &patient_id), ("reason", " urgent ")]).await;
    assert_eq!(vague.status, 400, "{}", vague.body);
    assert!(vague.body.contains("reason"), "{}", vague.body);
    assert_eq!(crate::common::count(&pool, "emergency_access").await, 0);
    // A patient that does not exist looks like one.
    let nobody = outsider
        .call(
            "emergency-access/open",
            &[("patient_id", &uuid::Uuid::new_v4().to_string()), ("reason", "Covering the clinic tonight")],
        )
        .await;
    assert_eq!(nobody.status, 404);

    let reason = "Patient collapsed in the waiting room; Dr Chen is away";
    let opened = outsider.call("emergency-access/open", &[("patient_id", &patient_id), ("reason", reason)]).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let chart = outsider.call("patients/chart", &[("patient_id", &patient_id)]).await;
    assert_eq!(chart.status, 200, "{}", chart.body);
    assert_eq!(chart.json()["summary"]["base_medical_history"], "Migraines");
    // Audited as emergency access, and every admin is told.
    let events: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where action = 'EMERGENCY' and record_id = $1 and user_id = $2",
    )
    .bind(clinic.patient_id)
    .bind(clinic.other_specialist.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(events, 1);
    let told: i64 = sqlx::query_scalar(
        "select count(*) from notifications where user_id = $1 and notification_type = 'EmergencyAccess' and message like '%collapsed%'",
    )
    .bind(clinic.admin.user_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(told, 1);

    // The admin's review list holds it until marked reviewed.
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let pending = admin.call("emergency-access/pending", &[]).await.json();
    assert_eq!(pending["total"], 1, "{pending}");
    assert_eq!(pending["items"][0]["reason"], reason);
    let access_id = pending["items"][0]["access_id"].as_str().unwrap().to_string();
    assert_eq!(admin.call("emergency-access/review", &[("access_id", &access_id)]).await.status, 200);
    assert_eq!(admin.call("emergency-access/pending", &[]).await.json()["total"], 0);
    assert_eq!(admin.call("emergency-access/review", &[("access_id", &access_id)]).await.status, 404, "reviewed once");

    // Four hours later the chart is closed again.
    sqlx::query(
        "update emergency_access set granted_at = now() - interval '5 hours', expires_at = now() - interval '1 hour'",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(outsider.call("patients/chart", &[("patient_id", &patient_id)]).await.status, 404);
}
