//! `server seed-demo`: a small, believable clinic to click through. Only ever into an empty
//! database; every account shares one demo password, random unless one is given.

use std::path::Path;

use anyhow::{bail, Context};
use app::domain::appointment_status::AppointmentStatus;
use app::model::notes::NoteContent;
use app::server::crypto::MasterKeys;
use app::server::password::hash_password;
use app::server::services::notes;
use app::server::services::patient_vault::{self, ClinicalDetails};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use rand::distributions::Alphanumeric;
use rand::Rng;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::cli::SeedArgs;

const CLINIC_ZONE: Tz = chrono_tz::Europe::Madrid;

/// ISO weekday (1 = Monday), start (hour, minute), end (hour, minute).
type WeeklyBlock = (i16, HourMinute, HourMinute);

struct DemoSpecialist {
    first_name: &'static str,
    last_name: &'static str,
    email: &'static str,
    specialty: &'static str,
    license: &'static str,
    bio: &'static str,
    /// Weekly blocks: ISO weekday (1 = Monday), start, end. Every working day covers 10:00-13:00,
    /// where the demo appointments are placed.
    weekly: &'static [WeeklyBlock],
}

const SPECIALISTS: [DemoSpecialist; 3] = [
    DemoSpecialist {
        first_name: "Mei",
        last_name: "Chen",
        email: "mei.chen@clinic.example",
        specialty: "Acupuncture",
        license: "ACU-2019-0412",
        bio: "Traditional Chinese medicine and acupuncture for chronic pain, stress and sleep.",
        weekly: &[
            (1, (9, 0), (13, 0)),
            (1, (15, 0), (19, 0)),
            (2, (9, 0), (13, 0)),
            (3, (9, 0), (13, 0)),
            (3, (15, 0), (19, 0)),
            (4, (9, 0), (13, 0)),
            (5, (9, 0), (14, 0)),
        ],
    },
    DemoSpecialist {
        first_name: "Lucía",
        last_name: "Ortega",
        email: "lucia.ortega@clinic.example",
        specialty: "Naturopathy",
        license: "NAT-2016-1187",
        bio: "Naturopathic care focused on digestion, energy and long-term habits.",
        weekly: &[(2, (10, 0), (18, 0)), (4, (10, 0), (18, 0)), (6, (10, 0), (14, 0))],
    },
    DemoSpecialist {
        first_name: "Tom",
        last_name: "Becker",
        email: "tom.becker@clinic.example",
        specialty: "Nutrition",
        license: "NUT-2021-0093",
        bio: "Evidence-based nutrition plans for families, athletes and recovery.",
        weekly: &[(1, (8, 30), (14, 30)), (3, (8, 30), (14, 30)), (5, (8, 30), (14, 30))],
    },
];

struct DemoPatient {
    first_name: &'static str,
    last_name: &'static str,
    email: &'static str,
    date_of_birth: (i32, u32, u32),
    emergency_contact: (&'static str, &'static str),
    history: &'static str,
}

const PATIENTS: [DemoPatient; 6] = [
    DemoPatient {
        first_name: "Ana",
        last_name: "García",
        email: "ana.garcia@patients.example",
        date_of_birth: (1984, 3, 14),
        emergency_contact: ("Pablo García", "+34 600 111 222"),
        history: "Migraines since 2015. No known allergies.",
    },
    DemoPatient {
        first_name: "David",
        last_name: "Smith",
        email: "david.smith@patients.example",
        date_of_birth: (1971, 11, 2),
        emergency_contact: ("Emma Smith", "+34 600 333 444"),
        history: "Lower back pain. Type 2 diabetes, on metformin.",
    },
    DemoPatient {
        first_name: "Leo",
        last_name: "Ruiz",
        email: "leo.ruiz@patients.example",
        date_of_birth: (2013, 6, 21),
        emergency_contact: ("Marta Ruiz", "+34 600 555 666"),
        history: "Childhood asthma, well controlled. Allergic to peanuts.",
    },
    DemoPatient {
        first_name: "Sofía",
        last_name: "Navarro",
        email: "sofia.navarro@patients.example",
        date_of_birth: (1992, 9, 5),
        emergency_contact: ("Irene Navarro", "+34 600 777 888"),
        history: "Irritable bowel syndrome. Vegetarian.",
    },
    DemoPatient {
        first_name: "Omar",
        last_name: "Haddad",
        email: "omar.haddad@patients.example",
        date_of_birth: (1958, 1, 30),
        emergency_contact: ("Nadia Haddad", "+34 600 999 000"),
        history: "Hypertension. Knee replacement in 2020.",
    },
    // Leo's sister: their mother Marta helps both (and switches between them on her home page).
    DemoPatient {
        first_name: "Mía",
        last_name: "Ruiz",
        email: "mia.ruiz@patients.example",
        date_of_birth: (2016, 2, 10),
        emergency_contact: ("Marta Ruiz", "+34 600 555 666"),
        history: "Mild eczema.",
    },
];

const ADMIN_EMAIL: &str = "admin@clinic.example";
const FAMILY_EMAIL: &str = "marta.ruiz@family.example";

pub async fn seed_demo(pool: &PgPool, args: SeedArgs, keys: &MasterKeys) -> anyhow::Result<()> {
    let existing_users = sqlx::query_scalar!(r#"select count(*) as "count!" from users"#).fetch_one(pool).await?;
    if existing_users > 0 {
        println!("the database already has {existing_users} users: demo data not seeded (nothing changed)");
        return Ok(());
    }

    let password = args.password.unwrap_or_else(random_password);
    if password.chars().count() < 12 {
        bail!("the demo password must have at least 12 characters");
    }
    // One hash per account (each with its own salt), computed before the transaction opens.
    let account_count = 1 + SPECIALISTS.len() + PATIENTS.len() + 1;
    let mut hashes = Vec::with_capacity(account_count);
    for _ in 0..account_count {
        hashes.push(hash_password(password.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    let mut hashes = hashes.into_iter();
    let mut next_hash = move || hashes.next().context("one password hash per account");

    let mut tx = pool.begin().await?;
    let today = Utc::now().with_timezone(&CLINIC_ZONE).date_naive();

    insert_user(&mut tx, ADMIN_EMAIL, &next_hash()?, "Admin", "Alba", "Serra").await?;

    let mut specialist_ids = Vec::new();
    for s in &SPECIALISTS {
        let user_id = insert_user(&mut tx, s.email, &next_hash()?, "Specialist", s.first_name, s.last_name).await?;
        let specialist_id = sqlx::query_scalar!(
            r#"insert into specialists (user_id, specialty, professional_license, bio, time_zone)
               values ($1, $2, $3, $4, $5) returning specialist_id"#,
            user_id,
            s.specialty,
            s.license,
            s.bio,
            CLINIC_ZONE.name(),
        )
        .fetch_one(&mut *tx)
        .await?;
        for &(day, start, end) in s.weekly {
            insert_availability(&mut tx, specialist_id, day, None, Some((start, end))).await?;
        }
        specialist_ids.push(specialist_id);
    }
    seed_exceptions(&mut tx, &specialist_ids, today).await?;

    let mut patient_ids = Vec::new();
    for p in &PATIENTS {
        let user_id = insert_user(&mut tx, p.email, &next_hash()?, "Patient", p.first_name, p.last_name).await?;
        let (y, m, d) = p.date_of_birth;
        let patient_id = sqlx::query_scalar!(
            r#"insert into patients (user_id, date_of_birth) values ($1, $2) returning patient_id"#,
            user_id,
            NaiveDate::from_ymd_opt(y, m, d).context("demo date of birth")?,
        )
        .fetch_one(&mut *tx)
        .await?;
        // Clinical details are sealed with the patient's own key, like everything clinical.
        let details = ClinicalDetails {
            emergency_contact_name: Some(p.emergency_contact.0.to_string()),
            emergency_contact_phone: Some(p.emergency_contact.1.to_string()),
            base_medical_history: Some(p.history.to_string()),
        };
        patient_vault::save_details(&mut tx, keys, patient_id, details).await?;
        patient_ids.push(patient_id);
    }

    // Marta helps her children: Leo shares appointments (she books for him) and materials, no
    // clinical notes; Mía shares her appointments only.
    let family_user = insert_user(&mut tx, FAMILY_EMAIL, &next_hash()?, "FamilyMember", "Marta", "Ruiz").await?;
    for (patient_id, book, materials) in [(patient_ids[2], true, true), (patient_ids[5], false, false)] {
        sqlx::query!(
            r#"insert into family_members (user_id, patient_id, relationship, can_view_appointments,
                                           can_book_appointments, can_view_materials)
               values ($1, $2, 'Parent', true, $3, $4)"#,
            family_user,
            patient_id,
            book,
            materials,
        )
        .execute(&mut *tx)
        .await?;
    }

    // Mía (the last demo patient) has no appointments yet.
    let appointments = seed_appointments(&mut tx, &specialist_ids, &patient_ids[..5], today).await?;
    seed_templates(&mut tx, &specialist_ids).await?;
    seed_notes(&mut tx, keys, &specialist_ids).await?;
    seed_materials(&mut tx, keys, &specialist_ids, &patient_ids, family_user, today).await?;
    seed_notifications(&mut tx).await?;
    tx.commit().await?;

    let logins = demo_logins(&password);
    if let Some(path) = &args.logins_file {
        write_private_file(path, &logins)?;
    }
    println!(
        "seeded the demo clinic: {} specialists, {} patients, {appointments} appointments",
        SPECIALISTS.len(),
        PATIENTS.len()
    );
    print!("{logins}");
    Ok(())
}

fn random_password() -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect()
}

fn demo_logins(password: &str) -> String {
    let mut text = String::from("Demo logins (every account uses the same password):\n");
    text.push_str(&format!("  Admin          {ADMIN_EMAIL}\n"));
    for s in &SPECIALISTS {
        text.push_str(&format!("  Specialist     {}  ({})\n", s.email, s.specialty));
    }
    for p in &PATIENTS {
        text.push_str(&format!("  Patient        {}\n", p.email));
    }
    text.push_str(&format!("  Family member  {FAMILY_EMAIL}  (helps Leo and Mía Ruiz)\n"));
    text.push_str(&format!("  Password       {password}\n"));
    text
}

fn write_private_file(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

async fn insert_user(
    tx: &mut PgConnection,
    email: &str,
    password_hash: &str,
    role: &str,
    first_name: &str,
    last_name: &str,
) -> anyhow::Result<Uuid> {
    let id = sqlx::query_scalar!(
        r#"insert into users (email, password_hash, role, first_name, last_name)
           values ($1, $2, $3, $4, $5) returning user_id"#,
        email,
        password_hash,
        role,
        first_name,
        last_name,
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(id)
}

type HourMinute = (u32, u32);

async fn insert_availability(
    tx: &mut PgConnection,
    specialist_id: Uuid,
    day_of_week: i16,
    exception_date: Option<NaiveDate>,
    hours: Option<(HourMinute, HourMinute)>,
) -> anyhow::Result<()> {
    let time = |(h, m): HourMinute| NaiveTime::from_hms_opt(h, m, 0).context("demo time");
    let (start, end) = match hours {
        Some((start, end)) => (Some(time(start)?), Some(time(end)?)),
        None => (None, None),
    };
    sqlx::query!(
        r#"insert into availability_blocks (specialist_id, day_of_week, start_time, end_time, exception_date, is_available)
           values ($1, $2, $3, $4, $5, $6)"#,
        specialist_id,
        day_of_week,
        start,
        end,
        exception_date,
        hours.is_some(),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn iso_weekday(date: NaiveDate) -> i16 {
    // number_from_monday is 1..=7, which always fits.
    date.weekday().number_from_monday() as i16
}

/// A day off three weeks out for the acupuncturist, and shorter hours one day for the
/// nutritionist: outside the month of demo appointments, so no appointment contradicts them.
async fn seed_exceptions(tx: &mut PgConnection, specialist_ids: &[Uuid], today: NaiveDate) -> anyhow::Result<()> {
    let day_off = next_weekday(today + Duration::days(21), Weekday::Wed);
    insert_availability(tx, specialist_ids[0], iso_weekday(day_off), Some(day_off), None).await?;
    let short_day = next_weekday(today + Duration::days(21), Weekday::Mon);
    insert_availability(tx, specialist_ids[2], iso_weekday(short_day), Some(short_day), Some(((8, 30), (11, 0))))
        .await?;
    Ok(())
}

fn next_weekday(from: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() as i64 - from.weekday().num_days_from_monday() as i64) % 7;
    from + Duration::days(ahead)
}

/// At most this many upcoming (pending or confirmed) demo appointments per patient.
const DEMO_UPCOMING_PER_PATIENT: usize = 6;

/// Two weeks back and two weeks ahead: on each working day, each specialist sees two
/// patients, at 10:00 (initial consultation, 60 min) and 12:00 (follow-up, 30 min).
async fn seed_appointments(
    tx: &mut PgConnection,
    specialist_ids: &[Uuid],
    patient_ids: &[Uuid],
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let mut count = 0;
    let mut upcoming: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    for offset in -14i64..=14 {
        let day = today + Duration::days(offset);
        for (index, (specialist, specialist_id)) in SPECIALISTS.iter().zip(specialist_ids).enumerate() {
            if !specialist.weekly.iter().any(|&(d, _, _)| d == iso_weekday(day)) {
                continue;
            }
            for (slot, (hour, minutes, kind)) in
                [(10, 60, "Initial consultation"), (12, 30, "Follow-up")].into_iter().enumerate()
            {
                let start = CLINIC_ZONE
                    .from_local_datetime(&day.and_hms_opt(hour, 0, 0).context("demo time")?)
                    .single()
                    .context("10:00 and 12:00 always exist in the clinic's zone")?
                    .with_timezone(&Utc);
                let end = start + Duration::minutes(minutes);
                // Different specialists at one hour get different patients, so nobody is in two places.
                let patient_index = (offset + 14) as usize + index + slot;
                let patient_id = patient_ids[patient_index % patient_ids.len()];
                let status = demo_status(offset, patient_index);
                // Each demo patient keeps room under the clinic's limit of upcoming appointments
                // (10 by default), whatever the weekday the demo is seeded on: people trying the
                // demo, and the end-to-end tests, book more.
                if offset >= 0 && status.holds_time() {
                    let held = upcoming.entry(patient_id).or_insert(0);
                    if *held >= DEMO_UPCOMING_PER_PATIENT {
                        continue;
                    }
                    *held += 1;
                }
                let reason = (status == AppointmentStatus::Canceled).then_some("Patient asked to cancel");
                sqlx::query!(
                    r#"insert into appointments (specialist_id, patient_id, start_datetime, end_datetime, status, appointment_type, cancellation_reason)
                       values ($1, $2, $3, $4, $5, $6, $7)"#,
                    specialist_id,
                    patient_id,
                    start,
                    end,
                    status.as_str(),
                    kind,
                    reason,
                )
                .execute(&mut *tx)
                .await?;
                // The demo's patients booked these themselves: that made the care team.
                if status != AppointmentStatus::Canceled {
                    sqlx::query!(
                        r#"insert into care_team (patient_id, specialist_id, how) values ($1, $2, 'PatientBooking')
                           on conflict do nothing"#,
                        patient_id,
                        specialist_id,
                    )
                    .execute(&mut *tx)
                    .await?;
                }
                count += 1;
            }
        }
    }
    Ok(count)
}

/// Past appointments mostly Completed, with an occasional no-show or cancellation; future ones
/// Confirmed or Pending, with an occasional cancellation.
fn demo_status(day_offset: i64, variety: usize) -> AppointmentStatus {
    match (day_offset < 0, variety % 6) {
        (true, 0) => AppointmentStatus::NoShow,
        (true, 1) => AppointmentStatus::Canceled,
        (true, _) => AppointmentStatus::Completed,
        (false, 0) => AppointmentStatus::Canceled,
        (false, 1 | 2) => AppointmentStatus::Pending,
        (false, _) => AppointmentStatus::Confirmed,
    }
}

/// Clinic templates for every kind of note, and one of their own for each specialist (by
/// specialty), with placeholders; each at version 1.
async fn seed_templates(tx: &mut PgConnection, specialist_ids: &[Uuid]) -> anyhow::Result<()> {
    let templates: [(Option<Uuid>, &str, &str, &str); 7] = [
        (
            None,
            "SOAP note",
            "SOAP note",
            "## Subjective\n\n{{patient_name}} reports \n\n## Objective\n\n## Assessment\n\n## Plan\n\n- [ ] \n",
        ),
        (
            None,
            "Initial assessment",
            "Initial assessment",
            "## Reason for visit\n\n## History\n\n## Medication\n\n## Allergies\n\n## Goals agreed with {{patient_name}}\n",
        ),
        (None, "Follow-up", "Follow-up", "## Since the last {{appointment_type}}\n\n## Today\n\n## Next steps\n"),
        (
            None,
            "Treatment plan",
            "Treatment plan",
            "## Plan for {{patient_name}} ({{today}})\n\n| Week | Treatment | Goal |\n| --- | --- | --- |\n| 1 |  |  |\n| 2 |  |  |\n\nWritten by {{specialist}}.\n",
        ),
        (
            Some(specialist_ids[0]),
            "Acupuncture session",
            "Clinical note",
            "## Points used\n\n- \n\n## Needle retention\n\n## Patient response\n",
        ),
        (
            Some(specialist_ids[1]),
            "Naturopathy follow-up",
            "Follow-up",
            "## Changes since last visit\n\n## Supplements\n\n- [ ] \n\n## Next steps\n",
        ),
        (
            Some(specialist_ids[2]),
            "Nutrition plan",
            "Treatment plan",
            "## Diet today\n\n## Targets\n\n| Meal | Change |\n| --- | --- |\n| Breakfast |  |\n",
        ),
    ];
    for (specialist_id, name, kind, content) in templates {
        sqlx::query!(
            r#"insert into templates (specialist_id, template_name, template_type, content, is_global)
               values ($1::uuid, $2, $3, $4, $1::uuid is null)"#,
            specialist_id,
            name,
            kind,
            content,
        )
        .execute(&mut *tx)
        .await?;
    }
    // Version 1 of each, kept for the notes that start from it.
    sqlx::query!(
        r#"insert into template_versions (template_id, version, template_name, template_type, content)
           select template_id, version, template_name, template_type, content from templates
           on conflict do nothing"#
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A one-page PDF showing `line` (cross-reference offsets computed, so viewers open it).
fn demo_pdf(line: &str) -> Vec<u8> {
    let text = format!("BT /F1 14 Tf 72 720 Td ({line}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (n, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{object}\nendobj\n", n + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    pdf.into_bytes()
}

/// A 1x1 PNG, enough to show an image attachment and its preview.
const DEMO_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// What the demo notes say, by specialty: diagnosis, treatment, body.
fn demo_note(specialty_index: usize, visit: usize) -> (&'static str, &'static str, String) {
    let (diagnosis, treatment) = match specialty_index {
        0 => ("Tension-type headache", "Acupuncture, 8 points"),
        1 => ("Digestive discomfort", "Herbal protocol, diet changes"),
        _ => ("Iron-poor diet", "Meal plan"),
    };
    let body = format!(
        "## Subjective\n\nVisit {}: feels **better** than last time; sleep still light.\n\n## Plan\n\n- Continue the *current* treatment\n- [x] Handout given\n- [ ] Review in two weeks\n",
        visit + 1
    );
    (diagnosis, treatment, body)
}

/// Signed notes for the most recent completed visits of each patient (the first one amended),
/// and a draft for the latest one of the first specialist, so each flow can be tried.
async fn seed_notes(tx: &mut PgConnection, keys: &MasterKeys, specialist_ids: &[Uuid]) -> anyhow::Result<()> {
    let visits = sqlx::query!(
        r#"select a.appointment_id, a.patient_id, a.specialist_id, s.user_id,
                  (a.start_datetime at time zone s.time_zone)::date as "day!",
                  row_number() over (partition by a.patient_id order by a.start_datetime desc) as "nth!"
           from appointments a join specialists s on s.specialist_id = a.specialist_id
           where a.status = 'Completed'
           order by a.patient_id, a.start_datetime"#
    )
    .fetch_all(&mut *tx)
    .await?;
    for visit in visits.iter().filter(|v| v.nth <= 3) {
        let specialty = specialist_ids.iter().position(|id| *id == visit.specialist_id).unwrap_or(0);
        let (diagnosis, treatment, body) = demo_note(specialty, visit.nth as usize);
        let draft = visit.nth == 1 && specialty == 0;
        let amendments: &[(&str, &str)] =
            if visit.nth == 3 { &[("Dose corrected", "The magnesium dose was **200 mg**, not 400 mg.")] } else { &[] };
        let lab_results = demo_pdf("Lab results: ferritin 38 ng/mL, vitamin D 31 ng/mL");
        let files: &[(&str, &[u8])] =
            if visit.nth == 2 { &[("Lab results.pdf", &lab_results), ("Posture photo.png", DEMO_PNG)] } else { &[] };
        notes::import(
            tx,
            keys,
            notes::ImportedNote {
                patient_id: visit.patient_id,
                specialist_id: visit.specialist_id,
                author: visit.user_id,
                appointment_id: Some(visit.appointment_id),
                content: NoteContent {
                    record_date: visit.day,
                    diagnosis: diagnosis.into(),
                    treatment: treatment.into(),
                    body,
                },
                signed: !draft,
                amendments,
                files,
            },
        )
        .await?;
    }
    Ok(())
}

/// The library (one material retired, one the clinic's own) and education plans in every
/// state: waiting for a release date, released, viewed (one by Marta for Leo) and completed
/// with a note back. Comments and notes are sealed like every clinical text.
async fn seed_materials(
    tx: &mut PgConnection,
    keys: &MasterKeys,
    specialist_ids: &[Uuid],
    patient_ids: &[Uuid],
    family_user: Uuid,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let materials = [
        (
            Some(specialist_ids[0]),
            "Acupressure points for better sleep",
            "Video",
            "https://materials.clinic.example/sleep-acupressure",
            "Three points to press for **one minute each**, lying down:\n\n1. Inner wrist crease\n2. Between the eyebrows\n3. Top of the foot",
            &["sleep", "self-care"][..],
        ),
        (
            Some(specialist_ids[1]),
            "Gut-friendly eating: a starter guide",
            "PDF",
            "https://materials.clinic.example/gut-friendly-eating.pdf",
            "A gentle start: more fibre, fewer ultra-processed foods, and a food diary.",
            &["nutrition", "digestion"][..],
        ),
        (
            Some(specialist_ids[2]),
            "Packed lunches for active kids",
            "Recipe",
            "https://materials.clinic.example/kids-lunches",
            "Five lunch boxes without nuts, each ready in ten minutes.",
            &["nutrition", "children"][..],
        ),
        (
            None,
            "Preparing for your first visit",
            "Article",
            "https://materials.clinic.example/first-visit",
            "What to bring, what to wear, and what happens in a first consultation.",
            &["first visit"][..],
        ),
        (
            Some(specialist_ids[0]),
            "Neck stretches for desk workers",
            "Exercise",
            "https://materials.clinic.example/neck-stretches",
            "Five stretches, twice a day. Stop if anything hurts.",
            &["exercise", "posture"][..],
        ),
        (
            Some(specialist_ids[1]),
            "Winter immunity tea (old edition)",
            "Recipe",
            "https://materials.clinic.example/winter-tea",
            "Replaced by the new nutrition guide.",
            &["nutrition"][..],
        ),
    ];
    let mut material_ids = Vec::new();
    for (specialist_id, title, kind, url, description, tags) in materials {
        let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        let id = sqlx::query_scalar!(
            r#"insert into educational_materials (specialist_id, title, material_type, content_url, description, tags,
                                                  publish_date)
               values ($1, $2, $3, $4, $5, $6, $7) returning material_id"#,
            specialist_id,
            title,
            kind,
            url,
            description,
            &tags,
            today - Duration::days(30),
        )
        .fetch_one(&mut *tx)
        .await?;
        material_ids.push(id);
    }
    sqlx::query!("update educational_materials set retired_at = now() where material_id = $1", material_ids[5])
        .execute(&mut *tx)
        .await?;

    enum State {
        Waiting,
        Released,
        ViewedBy(Option<Uuid>),
        Completed(&'static str),
    }
    let plans = [
        (0, 0, 0, "Try these three points each evening for two weeks.", State::Completed("Sleeping better already.")),
        (0, 4, 0, "Do these before lunch and at the end of the day.", State::Waiting),
        (3, 1, 1, "Start with the first section; we will talk about it next visit.", State::ViewedBy(None)),
        (2, 2, 2, "Ideas for school days; no peanuts, as agreed.", State::ViewedBy(Some(family_user))),
        (1, 3, 0, "Please read before Thursday.", State::Released),
        (3, 5, 1, "A warming tea for the cold months.", State::Completed("")),
    ];
    for (patient, material, specialist, comment, state) in plans {
        let patient_id = patient_ids[patient];
        let key = patient_vault::data_key(&mut *tx, keys, patient_id).await?;
        let comment = key.seal("patient_material_assignments.comment", comment)?;
        let owner = sqlx::query_scalar!("select user_id from patients where patient_id = $1", patient_id)
            .fetch_one(&mut *tx)
            .await?;
        let (release, viewed_by, completed_note) = match state {
            State::Waiting => (Some(today + Duration::days(7)), None, None),
            State::Released => (None, None, None),
            State::ViewedBy(by) => (None, Some(by.unwrap_or(owner)), None),
            State::Completed(note) => (None, Some(owner), Some(note)),
        };
        let note = match completed_note {
            Some(note) if !note.is_empty() => Some(key.seal("patient_material_assignments.completion_note", note)?),
            _ => None,
        };
        sqlx::query!(
            r#"insert into patient_material_assignments
                   (patient_id, material_id, assigned_by, assignment_date, comment_sealed, release_date,
                    released_notified_at, viewed_at, viewed_by, completed_at, completed_by, completion_note_sealed)
               values ($1, $2, $3, $4, $5, $6,
                       case when $6::date is null then now() end,
                       case when $7::uuid is not null then now() - interval '2 days' end, $7,
                       case when $8 then now() - interval '1 day' end, case when $8 then $9::uuid end, $10)"#,
            patient_id,
            material_ids[material],
            specialist_ids[specialist],
            today - Duration::days(5),
            comment,
            release,
            viewed_by,
            completed_note.is_some(),
            owner,
            note,
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn seed_notifications(tx: &mut PgConnection) -> anyhow::Result<()> {
    let notifications = [
        (
            PATIENTS[0].email,
            "Appointment confirmed",
            "Your acupuncture appointment with Mei Chen is confirmed.",
            "AppointmentConfirmed",
        ),
        (
            PATIENTS[0].email,
            "New material",
            "Mei Chen shared \"Acupressure points for better sleep\" with you.",
            "MaterialAssigned",
        ),
        (
            SPECIALISTS[0].email,
            "New booking request",
            "A patient requested an appointment; please confirm it.",
            "AppointmentRequested",
        ),
        (FAMILY_EMAIL, "Appointment reminder", "Leo has a nutrition appointment this week.", "AppointmentReminder"),
    ];
    for (email, title, message, kind) in notifications {
        sqlx::query!(
            r#"insert into notifications (user_id, title, message, notification_type)
               select user_id, $2, $3, $4 from users where email = $1"#,
            email,
            title,
            message,
            kind,
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
