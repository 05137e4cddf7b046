//! An education material's PDF or image through the real server: typed by content, bounded,
//! uploaded only by the material's author (or an admin); served inline and never cached to
//! staff and to the patients it was released to, and to family members holding the materials
//! grant, and to nobody else (a refusal is a 404 that changes nothing).

use sqlx::PgPool;
use uuid::Uuid;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app, Client, Response};

async fn signed_in(pool: &PgPool, email: &str) -> Client {
    let mut client = Client::new(app(pool.clone()));
    assert_eq!(client.login(email, PASSWORD).await.status, 200);
    client
}

async fn upload(client: &mut Client, material_id: Uuid, name: &str, bytes: &[u8], accept: &str) -> Response {
    client.upload(&format!("/files/materials/{material_id}"), name, bytes, accept).await
}

fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Title ({marker}) >> endobj\n%%EOF\n").into_bytes()
}

/// The stored file's name, type and size, or None when the material has no file.
async fn stored_file(pool: &PgPool, material_id: Uuid) -> Option<(String, String, i32)> {
    sqlx::query_as(
        "select file_name, file_type, octet_length(file_data) from educational_materials
         where material_id = $1 and file_data is not null",
    )
    .bind(material_id)
    .fetch_optional(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_author_or_an_admin_uploads_and_only_pdfs_and_images_are_kept(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let material = clinic.material_id;
    let mut author = signed_in(&pool, clinic.specialist.email).await;

    // Refused uploads store nothing: markup under a PDF name, an empty file, one over 20 MB.
    let html =
        upload(&mut author, material, "handout.pdf", b"<html><script>alert(1)</script>", "application/json").await;
    assert_eq!(html.status, 400, "{}", html.body);
    assert!(html.body.contains("Only PDF, JPEG, PNG or WebP"), "{}", html.body);
    assert_eq!(upload(&mut author, material, "empty.pdf", b"", "application/json").await.status, 400);
    let mut big = pdf("big");
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let oversized = upload(&mut author, material, "big.pdf", &big, "application/json").await;
    assert!(matches!(oversized.status.as_u16(), 400 | 413), "{} {}", oversized.status, oversized.body);
    assert_eq!(stored_file(&pool, material).await, None, "a refused upload stored something");

    // Without JavaScript the form goes back to the material's page with the reason.
    let plain = upload(&mut author, material, "x.pdf", b"MZ not a pdf", "text/html").await;
    assert_eq!(plain.status, 303);
    let location = plain.header("location").unwrap();
    assert!(location.starts_with(&format!("/materials/{material}?file_error=")), "{location}");

    // Nobody but the author (or an admin) replaces the file; a refusal looks like no material.
    for email in [clinic.other_specialist.email, clinic.patient.email, clinic.family.email] {
        let mut caller = signed_in(&pool, email).await;
        let refused = upload(&mut caller, material, "x.pdf", &pdf("intruder"), "application/json").await;
        assert_eq!(refused.status, 404, "{email}: {}", refused.body);
    }
    let mut anonymous = Client::new(app(pool.clone()));
    assert_eq!(upload(&mut anonymous, material, "x.pdf", &pdf("x"), "application/json").await.status, 401);
    assert_eq!(upload(&mut author, Uuid::new_v4(), "x.pdf", &pdf("x"), "application/json").await.status, 404);
    assert_eq!(stored_file(&pool, material).await, None);

    // A real PDF under a misleading name is kept as a PDF with a clean name.
    let stored = upload(&mut author, material, "../../sleep.exe", &pdf("sleep"), "application/json").await;
    assert_eq!(stored.status, 204, "{}", stored.body);
    assert_eq!(
        stored_file(&pool, material).await,
        Some(("sleep.exe".into(), "application/pdf".into(), pdf("sleep").len() as i32))
    );

    // An admin may replace it, here with a PNG; the form post goes back to the material.
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let replaced = upload(&mut admin, material, "chart.png", png, "text/html").await;
    assert_eq!(replaced.status, 303);
    assert_eq!(replaced.header("location"), Some(format!("/materials/{material}").as_str()));
    assert_eq!(stored_file(&pool, material).await, Some(("chart.png".into(), "image/png".into(), png.len() as i32)));

    // The bytes never reach the audit trail.
    let audited_bytes: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where table_name = 'educational_materials'
         and (new_values ? 'file_data' or old_values ? 'file_data')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited_bytes, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_file_is_served_to_staff_and_to_whom_it_was_released(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let material = clinic.material_id;
    let marker = "ZQX-MATERIAL-7731";
    let mut author = signed_in(&pool, clinic.specialist.email).await;
    assert_eq!(upload(&mut author, material, "sleep.pdf", &pdf(marker), "application/json").await.status, 204);
    let path = format!("/files/materials/{material}");

    // Staff, the patient it was released to, and the family member with the materials grant.
    for email in [
        clinic.specialist.email,
        clinic.other_specialist.email,
        clinic.admin.email,
        clinic.patient.email,
        clinic.family.email,
    ] {
        let mut caller = signed_in(&pool, email).await;
        let file = caller.get(&path).await;
        assert_eq!(file.status, 200, "{email}");
        assert!(file.body.contains(marker), "{email}");
        assert_eq!(file.header("content-type"), Some("application/pdf"));
        assert_eq!(file.header("cache-control"), Some("no-store"));
        assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(
            file.header("content-disposition"),
            Some("inline; filename=\"sleep.pdf\"; filename*=UTF-8''sleep.pdf"),
            "{email}"
        );
    }

    // Not assigned to the other patient, whose family member has nothing of this patient.
    for email in [clinic.other_patient.email, clinic.other_family.email] {
        let mut caller = signed_in(&pool, email).await;
        assert_eq!(caller.get(&path).await.status, 404, "{email}");
    }
    let mut anonymous = Client::new(app(pool.clone()));
    assert_eq!(anonymous.get(&path).await.status, 401);

    // A release date in the future hides it from the patient and the family until then.
    sqlx::query("update patient_material_assignments set release_date = current_date + 3 where assignment_id = $1")
        .bind(clinic.assignment_id)
        .execute(&pool)
        .await
        .unwrap();
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let mut family = signed_in(&pool, clinic.family.email).await;
    assert_eq!(patient.get(&path).await.status, 404);
    assert_eq!(family.get(&path).await.status, 404);
    assert_eq!(author.get(&path).await.status, 200, "staff still preview it");

    // Released again: without the materials grant (or with a grant that ended) the family
    // member gets nothing, while the patient does.
    sqlx::query("update patient_material_assignments set release_date = current_date - 1 where assignment_id = $1")
        .bind(clinic.assignment_id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(patient.get(&path).await.status, 200);
    sqlx::query("update family_members set access_until = current_date - 1 where family_member_id = $1")
        .bind(clinic.family_member_id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(family.get(&path).await.status, 404, "an ended grant");
    sqlx::query(
        "update family_members set access_until = null, can_view_materials = false where family_member_id = $1",
    )
    .bind(clinic.family_member_id)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(family.get(&path).await.status, 404, "no materials grant");
    assert_eq!(patient.get(&path).await.status, 200);

    // A material without a file, or none at all, is a 404 for everyone.
    assert_eq!(author.get(&format!("/files/materials/{}", Uuid::new_v4())).await.status, 404);
    assert_eq!(author.get("/files/materials/not-a-uuid").await.status, 404);
}
