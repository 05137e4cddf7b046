//! Note attachments through the real server: the type is read from the content, a wrong or
//! oversized file stores nothing, the bytes and name are sealed, every download is audited and
//! sent inline, never cached, with a safe name; a signed note's files cannot be removed and its
//! signature covers them.

use sqlx::PgPool;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::count;
use crate::common::http::{app, Client, Response};

async fn signed_in(pool: &PgPool, email: &str) -> Client {
    let mut client = Client::new(app(pool.clone()));
    assert_eq!(client.login(email, PASSWORD).await.status, 200);
    client
}

async fn upload(client: &mut Client, record_id: &str, name: &str, bytes: &[u8], accept: &str) -> Response {
    client.upload(&format!("/files/notes/{record_id}"), name, bytes, accept).await
}

fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Title ({marker}) >> endobj\n%%EOF\n").into_bytes()
}

#[sqlx::test(migrations = "../migrations")]
async fn files_are_typed_by_content_and_refused_files_store_nothing(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let note = clinic.draft_note_id.to_string();
    let before = count(&pool, "medical_record_files").await;

    let html =
        upload(&mut specialist, &note, "report.pdf", b"<html><script>alert(1)</script></html>", "application/json")
            .await;
    assert_eq!(html.status, 400, "{}", html.body);
    assert!(html.body.contains("Only PDF documents"), "{}", html.body);
    let empty = upload(&mut specialist, &note, "empty.pdf", b"", "application/json").await;
    assert_eq!(empty.status, 400);
    let mut big = pdf("big");
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let oversized = upload(&mut specialist, &note, "big.pdf", &big, "application/json").await;
    assert!(matches!(oversized.status.as_u16(), 400 | 413), "{} {}", oversized.status, oversized.body);
    assert_eq!(count(&pool, "medical_record_files").await, before, "nothing was stored");

    // Without JavaScript the form comes back to the editor with the reason.
    let plain = upload(&mut specialist, &note, "x.pdf", b"MZ not a pdf", "text/html").await;
    assert_eq!(plain.status, 303);
    assert!(plain.header("location").unwrap().contains("file_error="), "{:?}", plain.header("location"));

    // A real PDF under a misleading name is stored as a PDF; a PNG too.
    let stored = upload(&mut specialist, &note, "../../evil.exe", &pdf("fine"), "application/json").await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert_eq!(stored.json()["content_type"], "application/pdf");
    assert_eq!(stored.json()["name"], "evil.exe");
    let png =
        upload(&mut specialist, &note, "photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", "application/json")
            .await;
    assert_eq!(png.json()["content_type"], "image/png", "{}", png.body);
    assert_eq!(count(&pool, "medical_record_files").await, before + 2);

    // Only the author of the draft uploads.
    let mut other = signed_in(&pool, clinic.other_specialist.email).await;
    assert_eq!(upload(&mut other, &note, "x.pdf", &pdf("x"), "application/json").await.status, 404);
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    assert_eq!(upload(&mut patient, &note, "x.pdf", &pdf("x"), "application/json").await.status, 404);
    let mut anonymous = Client::new(app(pool.clone()));
    assert_eq!(upload(&mut anonymous, &note, "x.pdf", &pdf("x"), "application/json").await.status, 401);
    assert_eq!(count(&pool, "medical_record_files").await, before + 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn downloads_are_audited_inline_and_never_cached_and_signed_files_stay(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    let note = clinic.draft_note_id.to_string();
    let marker = "ZQX-FILE-MARKER-5521";
    let stored = upload(&mut specialist, &note, &format!("{marker}.pdf"), &pdf(marker), "application/json").await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    let file_id = stored.json()["file_id"].as_str().unwrap().to_string();

    // Sealed: neither the name nor the bytes are in the database in plaintext.
    for table in ["medical_record_files", "medical_records", "audit_logs"] {
        let found: i64 = sqlx::query_scalar(&format!(
            "select count(*) from {table} t where t::text like '%' || $1 || '%' or t::text like '%' || encode(convert_to($1, 'UTF8'), 'hex') || '%'"
        ))
        .bind(marker)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(found, 0, "{table} holds the marker");
    }
    let dump = crate::encryption_at_rest::pg_dump(&pool);
    let marker_hex: String = marker.bytes().map(|b| format!("{b:02x}")).collect();
    assert!(!dump.contains(marker) && !dump.contains(&marker_hex), "the file is in the dump in plaintext");

    let downloaded = specialist.get(&format!("/files/{file_id}")).await;
    assert_eq!(downloaded.status, 200);
    assert!(downloaded.body.contains(marker));
    assert_eq!(downloaded.header("content-type"), Some("application/pdf"));
    assert_eq!(downloaded.header("cache-control"), Some("no-store"));
    assert_eq!(downloaded.header("x-content-type-options"), Some("nosniff"));
    assert!(downloaded.header("content-disposition").unwrap().starts_with("inline; filename=\""));
    let reads: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where action = 'READ' and new_values->>'what' = 'attachment' and new_values->>'file_id' = $1",
    )
    .bind(&file_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(reads, 1);

    // The patient cannot fetch a draft's file; after signing they can.
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    assert_eq!(patient.get(&format!("/files/{file_id}")).await.status, 404);
    let draft = specialist.call("notes/draft", &[("record_id", &note)]).await.json();
    let revision = draft["revision"].to_string();
    assert_eq!(draft["attachments"].as_array().unwrap().len(), 2, "the fixture's file and this one");
    let signed = specialist.call("notes/sign", &[("record_id", &note), ("revision", &revision)]).await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(patient.get(&format!("/files/{file_id}")).await.status, 200);
    let mut other = signed_in(&pool, clinic.other_specialist.email).await;
    assert_eq!(other.get(&format!("/files/{file_id}")).await.status, 404);

    // A signed note's files stay: through the app and in plain SQL.
    let removed = specialist.call("notes/remove-attachment", &[("file_id", &file_id)]).await;
    assert_eq!(removed.status, 409, "{}", removed.body);
    let file_uuid: uuid::Uuid = file_id.parse().unwrap();
    assert!(sqlx::query("delete from medical_record_files where file_id = $1")
        .bind(file_uuid)
        .execute(&pool)
        .await
        .is_err());
    assert_eq!(upload(&mut specialist, &note, "late.pdf", &pdf("late"), "application/json").await.status, 409);

    // The signature covers the files: the note still matches, and the chart lists them.
    let view = specialist.call("notes/get", &[("record_id", &note)]).await.json();
    assert_eq!(view["hash_matches"], true, "{view}");
    assert_eq!(view["attachments"].as_array().unwrap().len(), 2);
    let chart = specialist.call("patients/chart", &[("patient_id", &clinic.patient_id.to_string())]).await.json();
    assert!(chart["files"]["files"].as_array().unwrap().iter().any(|f| f["file_id"] == file_id.as_str()));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_drafts_file_can_be_removed_by_its_author_only(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let file = clinic.draft_file_id.to_string();
    let mut other = signed_in(&pool, clinic.other_specialist.email).await;
    assert_eq!(other.call("notes/remove-attachment", &[("file_id", &file)]).await.status, 404);
    let mut specialist = signed_in(&pool, clinic.specialist.email).await;
    assert_eq!(specialist.call("notes/remove-attachment", &[("file_id", &file)]).await.status, 200);
    assert_eq!(count(&pool, "medical_record_files").await, 0);
    let listed: String =
        sqlx::query_scalar("select attached_files_json::text from medical_records where record_id = $1")
            .bind(clinic.draft_note_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(listed, "[]");
}
