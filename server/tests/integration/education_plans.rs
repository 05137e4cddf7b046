//! The education library and plans through the real server: a specialist writes a material
//! and assigns it with a comment (sealed), the patient is told when it is released (at once,
//! or on its release date), opening it counts as viewed (by whom), completing it carries a note
//! back, the specialist sees each step; retired materials stay readable and are offered to
//! nobody new; links are web links only; the library pages and filters.

use serde_json::Value;
use sqlx::PgPool;

use crate::common::clinic::{data_fingerprint, Clinic, PASSWORD};
use crate::common::http::{app, Client};

async fn signed_in(pool: &PgPool, email: &str) -> Client {
    let mut client = Client::new(app(pool.clone()));
    assert_eq!(client.login(email, PASSWORD).await.status, 200);
    client
}

async fn save_material(client: &mut Client, title: &str, link: &str, tags: &str) -> crate::common::http::Response {
    client
        .call(
            "materials/save",
            &[
                ("title", title),
                ("description", "## Why\n\nBecause **sleep** matters."),
                ("material_type", "Exercise"),
                ("content_url", link),
                ("publish_date", ""),
                ("tags", tags),
            ],
        )
        .await
}

fn status_of(plan: &Value, material_id: &str) -> String {
    plan["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["item"]["material_id"] == material_id)
        .map(|e| e["item"]["status"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_material_goes_from_assigned_to_completed_and_the_specialist_sees_each_step(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let saved =
        save_material(&mut specialist, "Breathing for calm", "https://materials.example/breathing", "Calm, sleep")
            .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let material_id = saved.json().as_str().unwrap().to_string();
    let patient_id = clinic.patient_id.to_string();

    // Assigned with a release date next week: waiting, and the patient does not see it yet.
    let next_week = (chrono::Utc::now().date_naive() + chrono::Days::new(7)).to_string();
    let marker = "comment-marker-5d1c";
    let assigned = specialist
        .call(
            "plans/assign",
            &[
                ("patient_id", &patient_id),
                ("material_id", &material_id),
                ("comment", &format!("Twice a day. {marker}")),
                ("release_date", &next_week),
            ],
        )
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    let assignment_id = assigned.json().as_str().unwrap().to_string();
    let plan = specialist.call("plans/for-patient", &[("patient_id", &patient_id), ("page", "1")]).await.json();
    assert_eq!(status_of(&plan, &material_id), "Assigned", "{plan}");
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let mine = patient.call("plans/mine", &[("page", "1")]).await.json();
    assert!(!mine["items"].as_array().unwrap().iter().any(|i| i["material_id"] == material_id), "{mine}");
    assert_eq!(patient.call("plans/open", &[("assignment_id", &assignment_id)]).await.status, 404);

    // Assigning again updates the one assignment: released at once, and the patient is told.
    let again = specialist
        .call(
            "plans/assign",
            &[("patient_id", &patient_id), ("material_id", &material_id), ("comment", marker), ("release_date", "")],
        )
        .await;
    assert_eq!(again.json().as_str().unwrap(), assignment_id, "one assignment per patient and material");
    let told: Vec<String> =
        sqlx::query_scalar("select message from notifications where user_id = $1 and notification_type = 'Material'")
            .bind(clinic.patient.user_id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(told, vec!["Breathing for calm".to_string()]);
    let plan = specialist.call("plans/for-patient", &[("patient_id", &patient_id), ("page", "1")]).await.json();
    assert_eq!(status_of(&plan, &material_id), "Released", "{plan}");

    // The family member (materials granted) opens it first: viewed, by them.
    let mut family = signed_in(&pool, clinic.family.email).await;
    let opened = family.call("plans/open", &[("assignment_id", &assignment_id)]).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert!(opened.json()["comment_html"].as_str().unwrap().contains(marker));
    assert_eq!(opened.json()["may_complete"], false, "only the patient completes");
    let detail = specialist.call("materials/get", &[("material_id", &material_id)]).await.json();
    let engagement = &detail["engagement"][0];
    assert_eq!(engagement["status"], "Viewed", "{detail}");
    assert!(engagement["detail"].as_str().unwrap().contains("by Test FamilyMember"), "{detail}");

    // The patient completes it with a note back; the specialist sees it.
    let done = patient.call("plans/complete", &[("assignment_id", &assignment_id), ("note", "Helped a lot")]).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let plan = specialist.call("plans/for-patient", &[("patient_id", &patient_id), ("page", "1")]).await.json();
    assert_eq!(status_of(&plan, &material_id), "Completed", "{plan}");
    let entry = plan["entries"].as_array().unwrap().iter().find(|e| e["item"]["material_id"] == material_id).unwrap();
    assert_eq!(entry["completion_note"], "Helped a lot");

    // The comment and the note are sealed: neither is in the table nor the audit trail.
    for text in [marker, "Helped a lot"] {
        let found: i64 = sqlx::query_scalar(
            "select (select count(*) from patient_material_assignments a where a::text like '%' || $1 || '%')
                  + (select count(*) from audit_logs l where l::text like '%' || $1 || '%')",
        )
        .bind(text)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(found, 0, "{text} is stored in plaintext");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_due_release_is_announced_once(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    // The fixture's assignment was announced; one waiting since yesterday was not.
    let material: uuid::Uuid = sqlx::query_scalar(
        "insert into educational_materials (title, material_type, content_url) values ('Walks', 'Exercise', 'https://w.example')
         returning material_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into patient_material_assignments (patient_id, material_id, release_date, assignment_date)
         values ($1, $2, current_date - 1, current_date - 3)",
    )
    .bind(clinic.patient_id)
    .bind(material)
    .execute(&pool)
    .await
    .unwrap();
    let sent = app::server::services::materials::release_due(&pool).await.unwrap();
    // The patient and the family member with the materials grant.
    assert_eq!(sent, 2);
    assert_eq!(app::server::services::materials::release_due(&pool).await.unwrap(), 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn retired_materials_stay_readable_and_are_offered_to_nobody_new(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let id = clinic.material_id.to_string();
    assert_eq!(specialist.call("materials/retire", &[("material_id", &id)]).await.status, 200);
    // Still readable by the patient who has it.
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    assert_eq!(patient.call("plans/open", &[("assignment_id", &clinic.assignment_id.to_string())]).await.status, 200);
    // Not in the library unless asked for, and not assignable.
    let list = |retired: &'static str| {
        [("query", ""), ("material_type", ""), ("tag", ""), ("include_retired", retired), ("page", "1")]
    };
    let active = specialist.call("materials/list", &list("false")).await.json();
    assert_eq!(active["total"], 0, "{active}");
    let all = specialist.call("materials/list", &list("true")).await.json();
    assert_eq!(all["items"][0]["retired"], true, "{all}");
    let before = data_fingerprint(&pool).await;
    let refused = specialist
        .call(
            "plans/assign",
            &[
                ("patient_id", &clinic.patient_id.to_string()),
                ("material_id", &id),
                ("comment", ""),
                ("release_date", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(data_fingerprint(&pool).await, before);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_library_checks_links_and_filters_and_pages(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    for bad in ["javascript:alert(1)", "data:text/html,hi", "ftp://x.example/a", "https://", "https://a b.example"] {
        let refused = save_material(&mut specialist, "Bad link", bad, "").await;
        assert_eq!(refused.status, 400, "{bad}: {}", refused.body);
        assert!(refused.body.contains("content_url"), "{bad}: {}", refused.body);
    }
    let too_many_tags = (0..11).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",");
    assert_eq!(save_material(&mut specialist, "Tags", "https://a.example", &too_many_tags).await.status, 400);
    for i in 0..23 {
        let tag = if i % 2 == 0 { "even" } else { "odd" };
        let saved = save_material(&mut specialist, &format!("Stretch {i:02}"), "https://a.example", tag).await;
        assert_eq!(saved.status, 200, "{}", saved.body);
    }
    let page = |query: &'static str, tag: &'static str, page: &'static str| {
        [("query", query), ("material_type", ""), ("tag", tag), ("include_retired", "false"), ("page", page)]
    };
    let first = specialist.call("materials/list", &page("stretch", "", "1")).await.json();
    assert_eq!((first["total"].as_i64(), first["page_count"].as_i64()), (Some(23), Some(2)), "{first}");
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    let second = specialist.call("materials/list", &page("stretch", "", "2")).await.json();
    assert_eq!(second["items"].as_array().unwrap().len(), 3);
    // A page past the end is the last page; a search with LIKE wildcards matches them literally.
    let past = specialist.call("materials/list", &page("stretch", "", "999")).await.json();
    assert_eq!(past["page"], 2);
    let wildcard = specialist.call("materials/list", &page("%", "", "1")).await.json();
    assert_eq!(wildcard["total"], 0, "{wildcard}");
    let odd = specialist.call("materials/list", &page("", "ODD", "1")).await.json();
    assert_eq!(odd["total"], 11, "{odd}");

    // Another specialist may read but not change this specialist's material.
    let mut other = signed_in(&pool, clinic.other_specialist.email).await;
    let id = clinic.material_id.to_string();
    assert_eq!(other.call("materials/get", &[("material_id", &id)]).await.json()["may_edit"], false);
    let before = data_fingerprint(&pool).await;
    assert_eq!(other.call("materials/retire", &[("material_id", &id)]).await.status, 404);
    assert_eq!(data_fingerprint(&pool).await, before);
}

#[sqlx::test(migrations = "../migrations")]
async fn comments_written_before_plans_were_sealed_are_sealed_by_migrate(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    // As a database from before migration 11 held it: the comment in plaintext.
    sqlx::query("alter table patient_material_assignments drop constraint patient_material_assignments_no_plaintext")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("update patient_material_assignments set comment_sealed = null, specialist_comments = 'legacy-4e1f' where assignment_id = $1")
        .bind(clinic.assignment_id)
        .execute(&pool)
        .await
        .unwrap();
    let sealed =
        app::server::services::patient_vault::seal_legacy_plaintext(&pool, &crate::common::test_keys()).await.unwrap();
    assert_eq!(sealed, 1);
    let plaintext: i64 = sqlx::query_scalar(
        "select (select count(*) from patient_material_assignments a where a::text like '%legacy-4e1f%')
              + (select count(*) from audit_logs l where l::text like '%legacy-4e1f%')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(plaintext, 0, "the comment is left in plaintext somewhere");
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let opened = patient.call("plans/open", &[("assignment_id", &clinic.assignment_id.to_string())]).await.json();
    assert!(opened["comment_html"].as_str().unwrap().contains("legacy-4e1f"), "{opened}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_charts_education_plan_pages_newest_first(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    // 24 more materials released one day apart (the fixture's own assignment is today's, the
    // newest): 25 entries, two pages of 20.
    sqlx::query(
        "with m as (
             insert into educational_materials (specialist_id, title, material_type, content_url)
             select $1, 'Handout ' || lpad(n::text, 2, '0'), 'Article', 'https://materials.example/' || n
             from generate_series(1, 24) n returning material_id, title)
         insert into patient_material_assignments (patient_id, material_id, assigned_by, release_date, released_notified_at)
         select $2, material_id, $1, current_date - substr(title, 9)::int, now() from m",
    )
    .bind(clinic.specialist_id)
    .bind(clinic.patient_id)
    .execute(&pool)
    .await
    .unwrap();
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let patient_id = clinic.patient_id.to_string();

    let first = specialist.call("plans/for-patient", &[("patient_id", &patient_id), ("page", "1")]).await.json();
    assert_eq!((first["page"].as_i64(), first["page_count"].as_i64()), (Some(1), Some(2)));
    assert_eq!(first["entries"].as_array().unwrap().len(), 20);
    assert_eq!(first["entries"][0]["item"]["title"], "Sleep hygiene");
    let second = specialist.call("plans/for-patient", &[("patient_id", &patient_id), ("page", "2")]).await.json();
    let titles: Vec<&str> =
        second["entries"].as_array().unwrap().iter().map(|e| e["item"]["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Handout 20", "Handout 21", "Handout 22", "Handout 23", "Handout 24"]);
    // A page past the end is the last page, not an empty one.
    let past = specialist.call("plans/for-patient", &[("patient_id", &patient_id), ("page", "99")]).await.json();
    assert_eq!(past["page"].as_i64(), Some(2));

    // The chart links the pages, and its second page is rendered on the server.
    let chart = specialist.get(&format!("/patients/{patient_id}")).await;
    assert_eq!(chart.status, 200);
    assert!(chart.body.contains("Page 1 of 2"), "no page links on the chart");
    assert!(chart.body.contains(&format!("/patients/{patient_id}?plan_page=2")));
    assert!(chart.body.contains("Handout 19") && !chart.body.contains("Handout 20"));
    let older = specialist.get(&format!("/patients/{patient_id}?plan_page=2")).await;
    assert_eq!(older.status, 200);
    assert!(older.body.contains("Page 2 of 2"));
    assert!(older.body.contains("Handout 24") && !older.body.contains("Handout 19"));
}
