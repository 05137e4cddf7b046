//! The schema's rules, proven against real PostgreSQL: each constraint refuses bad rows.

use crate::common;

use common::*;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn overlapping_active_appointments_of_one_specialist_are_refused(pool: PgPool) {
    let specialist = insert_specialist(&pool, "s@clinic.example").await;
    let ana = insert_patient(&pool, "ana@example.org").await;
    let bob = insert_patient(&pool, "bob@example.org").await;
    let mut conn = pool.acquire().await.unwrap();
    insert_appointment(&mut conn, specialist, ana, at(10, 0), at(11, 0), "Confirmed").await.unwrap();

    for status in ["Pending", "Confirmed"] {
        let clash = insert_appointment(&mut conn, specialist, bob, at(10, 30), at(11, 30), status).await;
        assert_eq!(violated_constraint(clash), "appointments_no_overlap", "{status}");
    }
    // Inside, around, and exactly the same range are all overlaps.
    for (start, end) in [(at(10, 15), at(10, 45)), (at(9, 0), at(12, 0)), (at(10, 0), at(11, 0))] {
        let clash = insert_appointment(&mut conn, specialist, bob, start, end, "Pending").await;
        assert_eq!(violated_constraint(clash), "appointments_no_overlap");
    }
    assert_eq!(count(&pool, "appointments").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn back_to_back_and_other_specialists_appointments_are_allowed(pool: PgPool) {
    let first = insert_specialist(&pool, "s1@clinic.example").await;
    let second = insert_specialist(&pool, "s2@clinic.example").await;
    let ana = insert_patient(&pool, "ana@example.org").await;
    let bob = insert_patient(&pool, "bob@example.org").await;
    let mut conn = pool.acquire().await.unwrap();
    insert_appointment(&mut conn, first, ana, at(10, 0), at(11, 0), "Confirmed").await.unwrap();
    insert_appointment(&mut conn, first, bob, at(11, 0), at(11, 30), "Pending").await.unwrap();
    insert_appointment(&mut conn, second, bob, at(10, 0), at(11, 0), "Confirmed").await.unwrap();
    assert_eq!(count(&pool, "appointments").await, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn canceled_and_finished_appointments_do_not_hold_their_time(pool: PgPool) {
    let specialist = insert_specialist(&pool, "s@clinic.example").await;
    let ana = insert_patient(&pool, "ana@example.org").await;
    let mut conn = pool.acquire().await.unwrap();
    insert_appointment(&mut conn, specialist, ana, at(10, 0), at(11, 0), "Canceled").await.unwrap();
    insert_appointment(&mut conn, specialist, ana, at(10, 0), at(11, 0), "Canceled").await.unwrap();
    insert_appointment(&mut conn, specialist, ana, at(10, 0), at(11, 0), "NoShow").await.unwrap();
    insert_appointment(&mut conn, specialist, ana, at(10, 0), at(11, 0), "Confirmed").await.unwrap();
    assert_eq!(count(&pool, "appointments").await, 4);

    // Un-canceling into an occupied slot is refused too: the rule holds on UPDATE.
    let revived =
        sqlx::query("update appointments set status = 'Pending' where status = 'Canceled'").execute(&pool).await;
    assert_eq!(violated_constraint(revived), "appointments_no_overlap");
}

#[sqlx::test(migrations = "../migrations")]
async fn appointment_must_end_after_it_starts_and_have_a_known_status(pool: PgPool) {
    let specialist = insert_specialist(&pool, "s@clinic.example").await;
    let ana = insert_patient(&pool, "ana@example.org").await;
    let mut conn = pool.acquire().await.unwrap();
    let zero = insert_appointment(&mut conn, specialist, ana, at(10, 0), at(10, 0), "Pending").await;
    assert_eq!(violated_constraint(zero), "appointments_time_range_check");
    let backwards = insert_appointment(&mut conn, specialist, ana, at(11, 0), at(10, 0), "Pending").await;
    assert_eq!(violated_constraint(backwards), "appointments_time_range_check");
    let unknown = insert_appointment(&mut conn, specialist, ana, at(10, 0), at(11, 0), "Cancelled").await;
    assert_eq!(violated_constraint(unknown), "appointments_status_check");
    assert_eq!(count(&pool, "appointments").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn availability_day_of_week_and_time_range_are_checked(pool: PgPool) {
    let specialist = insert_specialist(&pool, "s@clinic.example").await;
    let insert = |day: i16, start: &'static str, end: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "insert into availability_blocks (specialist_id, day_of_week, start_time, end_time)
                 values ($1, $2, $3::time, $4::time)",
            )
            .bind(specialist)
            .bind(day)
            .bind(start)
            .bind(end)
            .execute(&pool)
            .await
        }
    };
    assert_eq!(violated_constraint(insert(8, "09:00", "13:00").await), "availability_blocks_day_of_week_check");
    assert_eq!(violated_constraint(insert(0, "09:00", "13:00").await), "availability_blocks_day_of_week_check");
    assert_eq!(violated_constraint(insert(1, "13:00", "09:00").await), "availability_blocks_time_range_check");
    insert(1, "09:00", "13:00").await.unwrap();
    insert(7, "10:00", "12:00").await.unwrap();
    assert_eq!(count(&pool, "availability_blocks").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn exceptions_name_their_weekday_and_only_days_off_skip_times(pool: PgPool) {
    let specialist = insert_specialist(&pool, "s@clinic.example").await;
    // 2026-12-02 is a Wednesday (ISO 3).
    let day_off = sqlx::query(
        "insert into availability_blocks (specialist_id, day_of_week, exception_date, is_available)
         values ($1, 3, '2026-12-02', false)",
    )
    .bind(specialist)
    .execute(&pool)
    .await;
    assert!(day_off.is_ok(), "{day_off:?}");

    let wrong_weekday = sqlx::query(
        "insert into availability_blocks (specialist_id, day_of_week, exception_date, is_available)
         values ($1, 4, '2026-12-02', false)",
    )
    .bind(specialist)
    .execute(&pool)
    .await;
    assert_eq!(violated_constraint(wrong_weekday), "availability_blocks_exception_weekday_check");

    let weekly_without_times =
        sqlx::query("insert into availability_blocks (specialist_id, day_of_week) values ($1, 1)")
            .bind(specialist)
            .execute(&pool)
            .await;
    assert_eq!(violated_constraint(weekly_without_times), "availability_blocks_times_required_check");
    assert_eq!(count(&pool, "availability_blocks").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn emails_are_unique_whatever_the_case(pool: PgPool) {
    insert_user(&pool, "ana@example.org", "Patient").await;
    let duplicate = sqlx::query(
        "insert into users (email, password_hash, role, first_name, last_name) values ('ana@example.org', 'x', 'Admin', 'A', 'B')",
    )
    .execute(&pool)
    .await;
    assert_eq!(violated_constraint(duplicate), "idx_users_email");
    // Not normalised: refused outright, so 'Ana@Example.org' can never sit beside 'ana@example.org'.
    let shouting = sqlx::query(
        "insert into users (email, password_hash, role, first_name, last_name) values ('Ana@Example.org', 'x', 'Admin', 'A', 'B')",
    )
    .execute(&pool)
    .await;
    assert_eq!(violated_constraint(shouting), "users_email_normalised_check");
    assert_eq!(count(&pool, "users").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn roles_are_the_four_of_the_spec(pool: PgPool) {
    let bad = sqlx::query(
        "insert into users (email, password_hash, role, first_name, last_name) values ('x@example.org', 'x', 'Receptionist', 'A', 'B')",
    )
    .execute(&pool)
    .await;
    assert_eq!(violated_constraint(bad), "users_role_check");
    for role in ["Admin", "Specialist", "Patient", "FamilyMember"] {
        insert_user(&pool, &format!("{}@example.org", role.to_lowercase()), role).await;
    }
    assert_eq!(count(&pool, "users").await, 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_patient_and_one_specialist_profile_per_user(pool: PgPool) {
    let patient_user = insert_user(&pool, "ana@example.org", "Patient").await;
    let add_patient = || {
        sqlx::query("insert into patients (user_id, date_of_birth) values ($1, '1990-01-01')")
            .bind(patient_user)
            .execute(&pool)
    };
    add_patient().await.unwrap();
    assert_eq!(violated_constraint(add_patient().await), "patients_user_id_key");
    assert_eq!(count(&pool, "patients").await, 1);

    let specialist_user = insert_user(&pool, "s@clinic.example", "Specialist").await;
    let add_specialist = || {
        sqlx::query(
            "insert into specialists (user_id, specialty, professional_license) values ($1, 'Nutrition', 'L-1')",
        )
        .bind(specialist_user)
        .execute(&pool)
    };
    add_specialist().await.unwrap();
    assert_eq!(violated_constraint(add_specialist().await), "specialists_user_id_key");
    assert_eq!(count(&pool, "specialists").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_material_is_assigned_to_a_patient_once(pool: PgPool) {
    let patient = insert_patient(&pool, "ana@example.org").await;
    let material: uuid::Uuid = sqlx::query_scalar(
        "insert into educational_materials (title, content_url, material_type)
         values ('Sleep', 'https://example.org/sleep', 'Video') returning material_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let assign = || {
        sqlx::query("insert into patient_material_assignments (patient_id, material_id) values ($1, $2)")
            .bind(patient)
            .bind(material)
            .execute(&pool)
    };
    assign().await.unwrap();
    assert_eq!(violated_constraint(assign().await), "patient_material_assignments_patient_material_key");
    assert_eq!(count(&pool, "patient_material_assignments").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_family_member_is_linked_to_a_patient_once(pool: PgPool) {
    let patient = insert_patient(&pool, "leo@example.org").await;
    let relative = insert_user(&pool, "marta@example.org", "FamilyMember").await;
    let link = || {
        sqlx::query("insert into family_members (user_id, patient_id, relationship) values ($1, $2, 'Parent')")
            .bind(relative)
            .bind(patient)
            .execute(&pool)
    };
    link().await.unwrap();
    assert_eq!(violated_constraint(link().await), "family_members_user_patient_key");
    assert_eq!(count(&pool, "family_members").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn materials_link_only_to_web_addresses(pool: PgPool) {
    let script = sqlx::query(
        "insert into educational_materials (title, content_url, material_type) values ('x', 'javascript:alert(1)', 'Article')",
    )
    .execute(&pool)
    .await;
    assert_eq!(violated_constraint(script), "educational_materials_url_check");
}

#[sqlx::test(migrations = "../migrations")]
async fn clinical_history_is_not_deleted_with_a_profile(pool: PgPool) {
    let specialist = insert_specialist(&pool, "s@clinic.example").await;
    let ana = insert_patient(&pool, "ana@example.org").await;
    let mut conn = pool.acquire().await.unwrap();
    insert_appointment(&mut conn, specialist, ana, at(10, 0), at(11, 0), "Completed").await.unwrap();
    let deleted = sqlx::query("delete from patients where patient_id = $1").bind(ana).execute(&pool).await;
    assert_eq!(violated_constraint(deleted), "appointments_patient_id_fkey");
    assert_eq!(count(&pool, "patients").await, 1);
}
