//! A small clinic with one person of every kind the authorization matrix needs.
#![allow(dead_code)]

use app::server::password::hash_password_blocking;
use sqlx::PgPool;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct Person {
    pub email: &'static str,
    pub user_id: Uuid,
}

pub struct Clinic {
    pub admin: Person,
    pub specialist: Person,
    pub other_specialist: Person,
    pub patient: Person,
    pub patient_id: Uuid,
    pub other_patient: Person,
    pub other_patient_id: Uuid,
    pub family: Person,
    pub other_family: Person,
    pub specialist_id: Uuid,
    /// The patient's appointment with the specialist, tomorrow.
    pub appointment_id: Uuid,
    /// The specialist's draft note on the patient, and a signed one (content left empty).
    pub draft_note_id: Uuid,
    pub signed_note_id: Uuid,
    /// A clinic-wide template.
    pub template_id: Uuid,
    /// A PDF attached to the draft note.
    pub draft_file_id: Uuid,
    /// The specialist's material, in the patient's plan (released) as `assignment_id`.
    pub material_id: Uuid,
    pub assignment_id: Uuid,
    /// The family member's link to the patient (grants: appointments and materials).
    pub family_member_id: Uuid,
}

async fn user(pool: &PgPool, hash: &str, email: &'static str, role: &str) -> Person {
    let user_id = sqlx::query_scalar(
        "insert into users (email, password_hash, role, first_name, last_name) values ($1, $2, $3, 'Test', $3) returning user_id",
    )
    .bind(email)
    .bind(hash)
    .bind(role)
    .fetch_one(pool)
    .await
    .unwrap();
    Person { email, user_id }
}

async fn scalar(pool: &PgPool, sql: &str, binds: &[Uuid]) -> Uuid {
    let mut query = sqlx::query_scalar(sql);
    for b in binds {
        query = query.bind(*b);
    }
    query.fetch_one(pool).await.unwrap()
}

impl Clinic {
    /// The specialist treats the patient (on their care team, one appointment); the other
    /// specialist treats the other patient; each family member helps one of the two patients.
    pub async fn create(pool: &PgPool) -> Clinic {
        let hash = hash_password_blocking(PASSWORD).unwrap();
        let admin = user(pool, &hash, "admin@clinic.example", "Admin").await;
        let specialist = user(pool, &hash, "mei@clinic.example", "Specialist").await;
        let other_specialist = user(pool, &hash, "tom@clinic.example", "Specialist").await;
        let patient = user(pool, &hash, "ana@patients.example", "Patient").await;
        let other_patient = user(pool, &hash, "omar@patients.example", "Patient").await;
        let family = user(pool, &hash, "marta@family.example", "FamilyMember").await;
        let other_family = user(pool, &hash, "nadia@family.example", "FamilyMember").await;

        let specialist_id = scalar(pool, "insert into specialists (user_id, specialty, professional_license) values ($1, 'Acupuncture', 'L1') returning specialist_id", &[specialist.user_id]).await;
        let other_specialist_id = scalar(pool, "insert into specialists (user_id, specialty, professional_license) values ($1, 'Nutrition', 'L2') returning specialist_id", &[other_specialist.user_id]).await;
        let patient_id = scalar(
            pool,
            "insert into patients (user_id, date_of_birth) values ($1, '1984-03-14') returning patient_id",
            &[patient.user_id],
        )
        .await;
        let other_patient_id = scalar(
            pool,
            "insert into patients (user_id, date_of_birth) values ($1, '1958-01-30') returning patient_id",
            &[other_patient.user_id],
        )
        .await;
        // Their histories sealed with their own keys, as the app stores them.
        for (id, history) in [(patient_id, "Migraines"), (other_patient_id, "Hypertension")] {
            let details = app::server::services::patient_vault::ClinicalDetails {
                base_medical_history: Some(history.into()),
                ..Default::default()
            };
            let mut tx = pool.begin().await.unwrap();
            app::server::services::patient_vault::save_details(&mut tx, &super::test_keys(), id, details)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let mut appointments = Vec::new();
        for (s, p) in [(specialist_id, patient_id), (other_specialist_id, other_patient_id)] {
            appointments.push(scalar(pool, "insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type) values ($1, $2, now() + interval '1 day', now() + interval '1 day 1 hour', 'Confirmed', 'Follow-up') returning appointment_id", &[s, p]).await);
            sqlx::query("insert into care_team (patient_id, specialist_id, how) values ($1, $2, 'AdminAssigned')")
                .bind(p)
                .bind(s)
                .execute(pool)
                .await
                .unwrap();
        }
        for (f, p) in [(family.user_id, patient_id), (other_family.user_id, other_patient_id)] {
            // Grants: appointments and materials (not booking, not clinical notes).
            sqlx::query(
                "insert into family_members (user_id, patient_id, relationship, can_view_appointments, can_view_materials)
                 values ($1, $2, 'Parent', true, true)",
            )
                .bind(f)
                .bind(p)
                .execute(pool)
                .await
                .unwrap();
        }
        // The draft has a body (sealed with the patient's key), so it can be signed.
        let mut tx = pool.begin().await.unwrap();
        let key =
            app::server::services::patient_vault::data_key(&mut tx, &super::test_keys(), patient_id).await.unwrap();
        tx.commit().await.unwrap();
        let body = key.seal("medical_records.body", "Needles at LI4.").unwrap();
        let draft_note_id: Uuid = sqlx::query_scalar(
            "insert into medical_records (patient_id, specialist_id, record_date, created_by, body_sealed)
             values ($1, $2, current_date, $3, $4) returning record_id",
        )
        .bind(patient_id)
        .bind(specialist_id)
        .bind(specialist.user_id)
        .bind(body)
        .fetch_one(pool)
        .await
        .unwrap();
        let signed_note_id = scalar(
            pool,
            "insert into medical_records (patient_id, specialist_id, record_date, created_by, status, signed_by, signed_at, content_sha256)
             values ($1, $2, current_date, $3, 'Signed', $3, now(), repeat('0', 64)) returning record_id",
            &[patient_id, specialist_id, specialist.user_id],
        )
        .await;
        let draft_file_id = Uuid::new_v4();
        let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n";
        sqlx::query(
            "insert into medical_record_files (file_id, record_id, patient_id, name_sealed, content_type, size_bytes, sha256, data_sealed)
             values ($1, $2, $3, $4, 'application/pdf', $5, repeat('c', 64), $6)",
        )
        .bind(draft_file_id)
        .bind(draft_note_id)
        .bind(patient_id)
        .bind(key.seal("medical_record_files.name", "scan.pdf").unwrap())
        .bind(pdf.len() as i32)
        .bind(key.seal_bytes("medical_record_files.data", pdf).unwrap())
        .execute(pool)
        .await
        .unwrap();
        let template_id = scalar(
            pool,
            "with t as (insert into templates (template_name, template_type, content, is_global)
                        values ('SOAP note', 'SOAP note', '## Subjective {{patient_name}}', true) returning *)
             insert into template_versions (template_id, version, template_name, template_type, content)
             select template_id, version, template_name, template_type, content from t returning template_id",
            &[],
        )
        .await;
        let material_id = scalar(
            pool,
            "insert into educational_materials (specialist_id, title, material_type, content_url, tags)
             values ($1, 'Sleep hygiene', 'Article', 'https://materials.example/sleep', '{sleep}') returning material_id",
            &[specialist_id],
        )
        .await;
        let assignment_id: Uuid = sqlx::query_scalar(
            "insert into patient_material_assignments (patient_id, material_id, assigned_by, comment_sealed, released_notified_at)
             values ($1, $2, $3, $4, now()) returning assignment_id",
        )
        .bind(patient_id)
        .bind(material_id)
        .bind(specialist_id)
        .bind(key.seal("patient_material_assignments.comment", "Read before bed.").unwrap())
        .fetch_one(pool)
        .await
        .unwrap();
        let family_member_id =
            scalar(pool, "select family_member_id from family_members where user_id = $1", &[family.user_id]).await;
        Clinic {
            material_id,
            assignment_id,
            family_member_id,
            draft_file_id,
            draft_note_id,
            signed_note_id,
            template_id,
            admin,
            specialist,
            other_specialist,
            patient,
            patient_id,
            other_patient,
            other_patient_id,
            family,
            other_family,
            specialist_id,
            appointment_id: appointments[0],
        }
    }
}

/// A fingerprint of everything a call could change (the audit trail and sessions aside,
/// which record the attempt itself): equal before and after means nothing changed.
pub async fn data_fingerprint(pool: &PgPool) -> String {
    let mut parts = Vec::new();
    for table in [
        "users",
        "specialists",
        "patients",
        "family_members",
        "appointments",
        "availability_blocks",
        "medical_records",
        "medical_record_amendments",
        "medical_record_files",
        "templates",
        "template_versions",
        "educational_materials",
        "patient_material_assignments",
        "notifications",
        "calendar_feeds",
        "care_team",
        "patient_data_keys",
        "emergency_access",
        "clinic_settings",
        "appointment_types",
    ] {
        let digest: Option<String> =
            sqlx::query_scalar(&format!("select md5(string_agg(t::text, '|' order by t::text)) from {table} t"))
                .fetch_one(pool)
                .await
                .unwrap();
        parts.push(format!("{table}:{}", digest.unwrap_or_default()));
    }
    parts.join(",")
}
