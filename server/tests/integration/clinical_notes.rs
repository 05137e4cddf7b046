//! Clinical notes through the real server and PostgreSQL: a draft is saved with optimistic
//! concurrency (a stale save is answered with the other version, nothing overwritten), signing
//! locks the content in the database itself, amendments need a reason, "entered in error" keeps
//! the note, withholding hides it from the patient, every read is audited, and the content is
//! sealed (a unique marker in every field is nowhere in the database).

use serde_json::Value;
use sqlx::PgPool;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app, Client};

async fn signed_in(pool: &PgPool, email: &str) -> Client {
    let mut client = Client::new(app(pool.clone()));
    assert_eq!(client.login(email, PASSWORD).await.status, 200);
    client
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

async fn start(client: &mut Client, clinic: &Clinic) -> String {
    let started = client.call("notes/start", &[("patient_id", &clinic.patient_id.to_string())]).await;
    assert_eq!(started.status, 200, "{}", started.body);
    started.json().as_str().unwrap().to_string()
}

async fn save(client: &mut Client, id: &str, revision: i64, body: &str) -> Value {
    let saved = client
        .call(
            "notes/save",
            &[
                ("record_id", id),
                ("revision", &revision.to_string()),
                ("record_date", &today()),
                ("diagnosis", "Tension headache"),
                ("treatment", "Acupuncture"),
                ("body", body),
            ],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    saved.json()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_draft_saves_and_a_stale_save_is_a_conflict_that_overwrites_nothing(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let id = start(&mut specialist, &clinic).await;
    let draft = specialist.call("notes/draft", &[("record_id", &id)]).await.json();
    assert_eq!(draft["revision"], 1);

    // Tab A saves revision 1 -> 2.
    let first = save(&mut specialist, &id, 1, "Tab A text").await;
    assert_eq!(first["Saved"]["revision"], 2, "{first}");
    // Tab B still holds revision 1: refused as a conflict, with tab A's version.
    let stale = save(&mut specialist, &id, 1, "Tab B text").await;
    assert_eq!(stale["Conflict"]["revision"], 2, "{stale}");
    assert_eq!(stale["Conflict"]["theirs"]["body"], "Tab A text");
    let draft = specialist.call("notes/draft", &[("record_id", &id)]).await.json();
    assert_eq!(draft["content"]["body"], "Tab A text", "nothing was overwritten");
    // Choosing "keep mine" saves on top of the revision it has now seen.
    let kept = save(&mut specialist, &id, 2, "Tab B text").await;
    assert_eq!(kept["Saved"]["revision"], 3);

    // Signing needs the current revision too.
    let stale_sign = specialist.call("notes/sign", &[("record_id", &id), ("revision", "2")]).await;
    assert_eq!(stale_sign.status, 409, "{}", stale_sign.body);
    let signed = specialist.call("notes/sign", &[("record_id", &id), ("revision", "3")]).await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let after = specialist
        .call(
            "notes/save",
            &[
                ("record_id", &id),
                ("revision", "3"),
                ("record_date", &today()),
                ("diagnosis", ""),
                ("treatment", ""),
                ("body", "changed after signing"),
            ],
        )
        .await;
    assert_eq!(after.status, 409, "{}", after.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signed_note_cannot_change_through_the_app_or_plain_sql(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let id = start(&mut specialist, &clinic).await;
    save(&mut specialist, &id, 1, "## Plan\n\n**Rest** and *water*").await;
    assert_eq!(specialist.call("notes/sign", &[("record_id", &id), ("revision", "2")]).await.status, 200);

    let note = specialist.call("notes/get", &[("record_id", &id)]).await.json();
    assert_eq!(note["status"], "Signed");
    assert_eq!(note["hash_matches"], true, "{note}");
    assert!(note["body_html"].as_str().unwrap().contains("<strong>Rest</strong>"), "{note}");
    assert!(note["signed"].as_str().unwrap().starts_with("Signed by"));

    // The app refuses a save (the draft is gone), and so does the database, whoever asks.
    let saved = specialist
        .call(
            "notes/save",
            &[
                ("record_id", &id),
                ("revision", "2"),
                ("record_date", &today()),
                ("diagnosis", ""),
                ("treatment", ""),
                ("body", "rewritten"),
            ],
        )
        .await;
    assert_eq!(saved.status, 409, "{}", saved.body);
    let uuid: uuid::Uuid = id.parse().unwrap();
    for statement in [
        "update medical_records set body_sealed = '\\x00'::bytea where record_id = $1",
        "update medical_records set record_date = record_date - 1 where record_id = $1",
        "update medical_records set content_sha256 = repeat('a', 64) where record_id = $1",
        "update medical_records set status = 'Draft', signed_at = null, signed_by = null, content_sha256 = null where record_id = $1",
        "update medical_records set attached_files_json = '[{\"x\":1}]' where record_id = $1",
        "delete from medical_records where record_id = $1",
    ] {
        let refused = sqlx::query(statement).bind(uuid).execute(&pool).await;
        assert!(refused.is_err(), "the database allowed: {statement}");
    }
    // Withholding is not a content change.
    let withheld =
        specialist.call("notes/withhold", &[("record_id", &id), ("reason", "Third-party information")]).await;
    assert_eq!(withheld.status, 200, "{}", withheld.body);
    let note = specialist.call("notes/get", &[("record_id", &id)]).await.json();
    assert_eq!(note["withheld_reason"], "Third-party information");
    assert_eq!(note["hash_matches"], true);
}

#[sqlx::test(migrations = "../migrations")]
async fn amendments_need_a_reason_and_show_under_the_note_in_order(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let id = start(&mut specialist, &clinic).await;
    save(&mut specialist, &id, 1, "Original").await;
    // A draft cannot be amended: it can still be edited.
    let early = specialist.call("notes/amend", &[("record_id", &id), ("reason", "Early"), ("body", "x")]).await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(specialist.call("notes/sign", &[("record_id", &id), ("revision", "2")]).await.status, 200);

    let no_reason = specialist.call("notes/amend", &[("record_id", &id), ("reason", "  "), ("body", "x")]).await;
    assert_eq!(no_reason.status, 400);
    assert_eq!(no_reason.json()["Validation"][0]["field"], "reason");
    for (reason, body) in [("Dose corrected", "The dose was **2 mg**."), ("Follow-up added", "Seen again.")] {
        let amended = specialist.call("notes/amend", &[("record_id", &id), ("reason", reason), ("body", body)]).await;
        assert_eq!(amended.status, 200, "{}", amended.body);
    }
    let note = specialist.call("notes/get", &[("record_id", &id)]).await.json();
    let amendments = note["amendments"].as_array().unwrap();
    assert_eq!(amendments.len(), 2);
    assert_eq!(amendments[0]["reason"], "Dose corrected");
    assert_eq!(amendments[1]["reason"], "Follow-up added");
    assert!(amendments[0]["body_html"].as_str().unwrap().contains("<strong>2 mg</strong>"));
    assert_eq!(amendments[0]["hash_matches"], true);
    // Amendments are append-only in the database.
    assert!(sqlx::query("update medical_record_amendments set content_sha256 = repeat('b', 64)")
        .execute(&pool)
        .await
        .is_err());
    assert!(sqlx::query("delete from medical_record_amendments").execute(&pool).await.is_err());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_patient_reads_signed_notes_only_and_family_only_with_the_clinical_grant(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let draft = start(&mut specialist, &clinic).await;
    save(&mut specialist, &draft, 1, "Still a draft").await;
    let signed = start(&mut specialist, &clinic).await;
    save(&mut specialist, &signed, 1, "Signed text").await;
    assert_eq!(specialist.call("notes/sign", &[("record_id", &signed), ("revision", "2")]).await.status, 200);

    let mut patient = signed_in(&pool, clinic.patient.email).await;
    assert_eq!(patient.call("notes/get", &[("record_id", &draft)]).await.status, 404, "never a draft");
    let read = patient.call("notes/get", &[("record_id", &signed)]).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert!(read.json()["withheld_reason"].is_null());
    let list = patient.call("notes/open-notes", &[("page", "1")]).await.json();
    let ids: Vec<&str> = list["notes"].as_array().unwrap().iter().map(|n| n["record_id"].as_str().unwrap()).collect();
    assert!(ids.contains(&signed.as_str()) && !ids.contains(&draft.as_str()), "{ids:?}");

    // Family: nothing clinical without the grant, the signed notes with it.
    let mut family = signed_in(&pool, clinic.family.email).await;
    let patient_id = clinic.patient_id.to_string();
    assert_eq!(family.call("notes/get", &[("record_id", &signed)]).await.status, 404);
    assert_eq!(family.call("notes/open-notes", &[("patient_id", &patient_id), ("page", "1")]).await.status, 404);
    sqlx::query("update family_members set can_view_medical_records = true where user_id = $1")
        .bind(clinic.family.user_id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(family.call("notes/get", &[("record_id", &signed)]).await.status, 200);
    assert_eq!(family.call("notes/get", &[("record_id", &draft)]).await.status, 404);
    let other_family_list = signed_in(&pool, clinic.other_family.email)
        .await
        .call("notes/open-notes", &[("patient_id", &patient_id), ("page", "1")])
        .await;
    assert_eq!(other_family_list.status, 404);

    // Withheld: gone from the patient's view, still there for staff.
    specialist.call("notes/withhold", &[("record_id", &signed), ("reason", "Discuss in person first")]).await;
    assert_eq!(patient.call("notes/get", &[("record_id", &signed)]).await.status, 404);
    let list = patient.call("notes/open-notes", &[("page", "1")]).await.json();
    assert!(!list.to_string().contains(&signed), "{list}");
    // Released again.
    specialist.call("notes/withhold", &[("record_id", &signed), ("reason", "")]).await;
    assert_eq!(patient.call("notes/get", &[("record_id", &signed)]).await.status, 200);

    // Every read by someone else is in "Who viewed my record".
    let views = patient.call("patients/record-views", &[("page", "1")]).await.json();
    let whats: Vec<&str> = views["views"].as_array().unwrap().iter().map(|v| v["what"].as_str().unwrap()).collect();
    assert!(whats.contains(&"Read a clinical note"), "{whats:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn entered_in_error_keeps_the_note_struck_and_is_final(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let id = start(&mut specialist, &clinic).await;
    save(&mut specialist, &id, 1, "Wrong patient").await;
    assert_eq!(specialist.call("notes/sign", &[("record_id", &id), ("revision", "2")]).await.status, 200);
    // Another specialist on the care team may amend but not mark the author's note.
    let marked = specialist
        .call("notes/entered-in-error", &[("record_id", &id), ("reason", "Written on the wrong patient")])
        .await;
    assert_eq!(marked.status, 200, "{}", marked.body);
    let note = specialist.call("notes/get", &[("record_id", &id)]).await.json();
    assert_eq!(note["status"], "EnteredInError");
    assert!(note["error"].as_str().unwrap().starts_with("Written on the wrong patient"));
    assert_eq!(note["hash_matches"], true, "the content is kept as signed");
    let again = specialist.call("notes/entered-in-error", &[("record_id", &id), ("reason", "Again")]).await;
    assert_eq!(again.status, 409);
    let uuid: uuid::Uuid = id.parse().unwrap();
    assert!(sqlx::query("update medical_records set status = 'Signed', error_at = null where record_id = $1")
        .bind(uuid)
        .execute(&pool)
        .await
        .is_err());
    // The patient no longer sees it.
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    assert_eq!(patient.call("notes/get", &[("record_id", &id)]).await.status, 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_note_field_is_sealed_before_it_reaches_the_database(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let marker = "ZQX-NOTE-MARKER-7741";
    let id = start(&mut specialist, &clinic).await;
    let saved = specialist
        .call(
            "notes/save",
            &[
                ("record_id", &id),
                ("revision", "1"),
                ("record_date", &today()),
                ("diagnosis", &format!("diagnosis {marker}")),
                ("treatment", &format!("treatment {marker}")),
                ("body", &format!("body {marker}")),
            ],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(specialist.call("notes/sign", &[("record_id", &id), ("revision", "2")]).await.status, 200);
    for (endpoint, args) in [
        ("notes/amend", vec![("reason", format!("reason {marker}")), ("body", format!("amendment {marker}"))]),
        ("notes/withhold", vec![("reason", format!("withheld {marker}"))]),
        ("notes/entered-in-error", vec![("reason", format!("error {marker}"))]),
    ] {
        let mut pairs = vec![("record_id", id.clone())];
        pairs.extend(args);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = specialist.call(endpoint, &pairs).await;
        assert_eq!(response.status, 200, "{endpoint}: {}", response.body);
    }
    // Readable through the app...
    let note = specialist.call("notes/get", &[("record_id", &id)]).await.json();
    assert!(note["diagnosis"].as_str().unwrap().contains(marker));
    // ...and nowhere in the database in plaintext: notes, amendments, the audit trail.
    for table in ["medical_records", "medical_record_amendments", "audit_logs"] {
        let found: i64 =
            sqlx::query_scalar(&format!("select count(*) from {table} t where t::text like '%' || $1 || '%'"))
                .bind(marker)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(found, 0, "{table} holds the marker in plaintext");
    }
    // Nor anywhere in a dump of the whole database.
    let dump = crate::encryption_at_rest::pg_dump(&pool);
    assert!(dump.contains("medical_record_amendments"), "the dump holds the tables");
    assert!(!dump.contains(marker), "a note field is in the database dump in plaintext");
}

#[sqlx::test(migrations = "../migrations")]
async fn writing_needs_the_care_team_or_break_the_glass_and_admins_only_read(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let patient_id = clinic.patient_id.to_string();
    let mut other = signed_in(&pool, clinic.other_specialist.email).await;
    assert_eq!(other.call("notes/start", &[("patient_id", &patient_id)]).await.status, 404);
    assert_eq!(other.call("notes/get", &[("record_id", &clinic.signed_note_id.to_string())]).await.status, 404);
    let opened =
        other.call("emergency-access/open", &[("patient_id", &patient_id), ("reason", "Covering tonight")]).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert_eq!(other.call("notes/get", &[("record_id", &clinic.signed_note_id.to_string())]).await.status, 200);
    let started = other.call("notes/start", &[("patient_id", &patient_id)]).await;
    assert_eq!(started.status, 200, "{}", started.body);
    // Someone else's draft stays theirs.
    assert_eq!(other.call("notes/draft", &[("record_id", &clinic.draft_note_id.to_string())]).await.status, 404);

    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let chart = admin.call("patients/chart", &[("patient_id", &patient_id)]).await.json();
    let listed: Vec<&str> =
        chart["notes"]["notes"].as_array().unwrap().iter().map(|n| n["status"].as_str().unwrap()).collect();
    assert_eq!(listed, vec!["Signed"], "admins see signed notes, not others' drafts: {listed:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_note_from_an_appointment_reopens_its_draft_and_templates_fill_placeholders(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let appointment = clinic.appointment_id.to_string();
    let template = clinic.template_id.to_string();
    let first = specialist.call("notes/start", &[("appointment_id", &appointment), ("template_id", &template)]).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let again = specialist.call("notes/start", &[("appointment_id", &appointment)]).await;
    assert_eq!(first.json(), again.json(), "the same draft reopens");
    let id = first.json().as_str().unwrap().to_string();
    let draft = specialist.call("notes/draft", &[("record_id", &id)]).await.json();
    assert_eq!(draft["content"]["body"], "## Subjective Test Patient", "{draft}");
    assert_eq!(draft["template"], "SOAP note, version 1");

    // A new version of the template: the note still names the one it came from.
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let saved = admin
        .call(
            "templates/save",
            &[
                ("template_id", &template),
                ("name", "SOAP note"),
                ("template_type", "SOAP note"),
                ("content", "## S\n{{specialist}}"),
            ],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let draft = specialist.call("notes/draft", &[("record_id", &id)]).await.json();
    assert_eq!(draft["template"], "SOAP note, version 1");
    let filled = specialist.call("templates/fill", &[("template_id", &template), ("record_id", &id)]).await;
    assert_eq!(filled.json(), "## S\nTest Specialist", "{}", filled.body);
    // A specialist cannot change a clinic template, only copy it.
    let refused = specialist
        .call(
            "templates/save",
            &[("template_id", &template), ("name", "Mine"), ("template_type", "SOAP note"), ("content", "x")],
        )
        .await;
    assert_eq!(refused.status, 404);
    let copy = specialist.call("templates/copy", &[("template_id", &template)]).await;
    assert_eq!(copy.status, 200, "{}", copy.body);
    let list = specialist.call("templates/list", &[]).await.json();
    let mine = list.as_array().unwrap().iter().find(|t| t["template_id"] == copy.json()).unwrap().clone();
    assert_eq!(mine["editable"], true);
    assert_eq!(mine["is_global"], false);
    // Bounds.
    let long = specialist
        .call("templates/save", &[("name", &"x".repeat(201)), ("template_type", "Nonsense"), ("content", "")])
        .await;
    assert_eq!(long.status, 400);
    let too_big = specialist
        .call(
            "notes/save",
            &[
                ("record_id", &id),
                ("revision", "1"),
                ("record_date", &today()),
                ("diagnosis", ""),
                ("treatment", ""),
                ("body", &"x".repeat(300_001)),
            ],
        )
        .await;
    assert_eq!(too_big.status, 400, "{}", too_big.body);
    let future = specialist
        .call(
            "notes/save",
            &[
                ("record_id", &id),
                ("revision", "1"),
                ("record_date", "2999-01-01"),
                ("diagnosis", ""),
                ("treatment", ""),
                ("body", ""),
            ],
        )
        .await;
    assert_eq!(future.status, 400);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_200_kb_note_saves_signs_and_renders(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let id = start(&mut specialist, &clinic).await;
    let paragraph = "- **Point** LI4, *retained* 20 minutes; [guide](https://example.org/li4)\n";
    let body = paragraph.repeat(200_000 / paragraph.len());
    assert!(body.len() > 190_000);
    let saved = save(&mut specialist, &id, 1, &body).await;
    assert_eq!(saved["Saved"]["revision"], 2);
    assert_eq!(specialist.call("notes/sign", &[("record_id", &id), ("revision", "2")]).await.status, 200);
    let note = specialist.call("notes/get", &[("record_id", &id)]).await.json();
    assert!(note["body_html"].as_str().unwrap().matches("<strong>Point</strong>").count() > 2000);
}
