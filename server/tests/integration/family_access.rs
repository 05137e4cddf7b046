//! Family access within the patient's grant and nothing beyond it, through the real server:
//! each scope alone, an ended grant, a revoked grant and a family member of another patient;
//! every refusal answers like a missing record and changes nothing. The patient grants and
//! revokes (the family member is told); admins link and unlink (a relink starts with none).

use serde_json::Value;
use sqlx::PgPool;

use crate::authorization_matrix::{arguments, send};
use crate::common::clinic::{data_fingerprint, Clinic, PASSWORD};
use crate::common::http::{app, Client};

async fn signed_in(pool: &PgPool, email: &str) -> Client {
    let mut client = Client::new(app(pool.clone()));
    assert_eq!(client.login(email, PASSWORD).await.status, 200);
    client
}

#[derive(Clone, Copy, Debug)]
struct Grant {
    appointments: bool,
    book: bool,
    materials: bool,
    notes: bool,
    /// Days from today to the last day of the grant (negative: ended).
    until: Option<i64>,
}

const NONE: Grant = Grant { appointments: false, book: false, materials: false, notes: false, until: None };

async fn set_grant(pool: &PgPool, clinic: &Clinic, g: Grant) {
    sqlx::query(
        "update family_members set can_view_appointments = $2, can_book_appointments = $3, can_view_materials = $4,
                can_view_medical_records = $5, access_until = current_date + $6::int
         where family_member_id = $1",
    )
    .bind(clinic.family_member_id)
    .bind(g.appointments)
    .bind(g.book)
    .bind(g.materials)
    .bind(g.notes)
    .bind(g.until.map(|d| d as i32))
    .execute(pool)
    .await
    .unwrap();
}

/// The endpoints a family member may reach, and the scope each needs.
fn needs(endpoint: &str, g: Grant) -> bool {
    let live = g.until.is_none_or(|d| d >= 0);
    live && match endpoint {
        "appointments/book" | "appointments/cancel" | "appointments/reschedule" => g.book,
        "plans/mine" | "plans/open" => g.materials,
        "notes/get" | "notes/open-notes" => g.notes,
        "patients/get" => g.appointments || g.book || g.materials || g.notes,
        other => panic!("no scope for {other}"),
    }
}

const SCOPED: &[&str] = &[
    "appointments/book",
    "appointments/cancel",
    "appointments/reschedule",
    "plans/mine",
    "plans/open",
    "notes/get",
    "notes/open-notes",
    "patients/get",
];

#[sqlx::test(migrations = "../migrations")]
async fn a_family_member_can_do_what_the_grant_allows_and_nothing_else(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let grants = [
        ("nothing", NONE),
        ("appointments", Grant { appointments: true, ..NONE }),
        ("booking", Grant { book: true, ..NONE }),
        ("materials", Grant { materials: true, ..NONE }),
        ("notes", Grant { notes: true, ..NONE }),
        (
            "everything, ended yesterday",
            Grant { appointments: true, book: true, materials: true, notes: true, until: Some(-1) },
        ),
        (
            "everything, until today",
            Grant { appointments: true, book: true, materials: true, notes: true, until: Some(0) },
        ),
    ];
    crate::common::scheduling::open_every_day(&pool, &clinic).await;
    // The appointment a family member may cancel or move: beyond the online-change notice.
    sqlx::query(
        "update appointments set start_datetime = now() + interval '3 days', end_datetime = now() + interval '3 days 1 hour'
         where appointment_id = $1",
    )
    .bind(clinic.appointment_id)
    .execute(&pool)
    .await
    .unwrap();
    for (name, grant) in grants {
        for endpoint in SCOPED {
            set_grant(&pool, &clinic, grant).await;
            let mut family = signed_in(&pool, clinic.family.email).await;
            let before = data_fingerprint(&pool).await;
            let response = send(&mut family, endpoint, &arguments(&clinic, endpoint)).await;
            if needs(endpoint, grant) {
                assert_eq!(response.status, 200, "{name}: {endpoint} must be allowed: {}", response.body);
            } else {
                assert_eq!(response.status, 404, "{name}: {endpoint} must be refused: {}", response.body);
                assert_eq!(data_fingerprint(&pool).await, before, "{name}: a refused {endpoint} changed data");
            }
            // Put back what an allowed call changed (the matrix's appointment, a new booking).
            sqlx::query(
                "update appointments set status = 'Pending', cancellation_reason = null,
                        start_datetime = now() + interval '3 days', end_datetime = now() + interval '3 days 1 hour'
                 where appointment_id = $1",
            )
            .bind(clinic.appointment_id)
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query("delete from appointments where appointment_id <> $1")
                .bind(clinic.appointment_id)
                .execute(&pool)
                .await
                .unwrap();
        }
    }
    // The other family member helps the other patient: nothing of this patient's, whatever this
    // patient granted anyone.
    set_grant(&pool, &clinic, Grant { appointments: true, book: true, materials: true, notes: true, until: None })
        .await;
    let mut other = signed_in(&pool, clinic.other_family.email).await;
    for endpoint in SCOPED {
        let before = data_fingerprint(&pool).await;
        let response = send(&mut other, endpoint, &arguments(&clinic, endpoint)).await;
        assert_eq!(response.status, 404, "other family: {endpoint}: {}", response.body);
        assert_eq!(data_fingerprint(&pool).await, before, "other family: {endpoint} changed data");
    }
}

async fn notifications_of(pool: &PgPool, user_id: uuid::Uuid) -> Vec<String> {
    sqlx::query_scalar("select title || ': ' || message from notifications where user_id = $1 order by created_at")
        .bind(user_id)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_patient_grants_and_revokes_and_the_family_member_is_told(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let grants = patient.call("family/grants", &[]).await;
    assert_eq!(grants.status, 200, "{}", grants.body);
    let list = grants.json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["view_appointments"], true);
    assert_eq!(list[0]["book_appointments"], false);

    // Booking granted, until a date: booking includes seeing the appointments.
    let until = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string();
    let id = clinic.family_member_id.to_string();
    let saved = patient
        .call("family/set-grant", &[("family_member_id", &id), ("book_appointments", "on"), ("access_until", &until)])
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let row: (bool, bool, bool, bool, Option<chrono::NaiveDate>) = sqlx::query_as(
        "select can_view_appointments, can_book_appointments, can_view_materials, can_view_medical_records, access_until
         from family_members where family_member_id = $1",
    )
    .bind(clinic.family_member_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row, (true, true, false, false, Some(until.parse().unwrap())));
    let told = notifications_of(&pool, clinic.family.user_id).await;
    assert!(told.last().unwrap().starts_with("Access changed"), "{told:?}");

    // The family member's home offers booking for the patient now.
    let mut family = signed_in(&pool, clinic.family.email).await;
    let home = family.call("home/family", &[("patient", &clinic.patient_id.to_string())]).await.json();
    assert_eq!(home["selected"]["can_book"], true, "{home}");
    assert!(home["selected"]["materials"].is_null(), "materials are no longer shared: {home}");

    // An end date in the past is refused, and nothing changes.
    let before = data_fingerprint(&pool).await;
    let past = patient
        .call("family/set-grant", &[("family_member_id", &id), ("view_notes", "on"), ("access_until", "2020-01-01")])
        .await;
    assert_eq!(past.status, 400, "{}", past.body);
    assert_eq!(data_fingerprint(&pool).await, before);

    // Revoking everything: the family member is told, and a direct booking call is refused.
    let revoked = patient.call("family/set-grant", &[("family_member_id", &id), ("access_until", "")]).await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let told = notifications_of(&pool, clinic.family.user_id).await;
    assert!(told.last().unwrap().starts_with("Access revoked"), "{told:?}");
    let home = family.call("home/family", &[]).await.json();
    assert_eq!(home["selected"]["can_book"], false, "{home}");
    assert!(home["selected"]["upcoming"].is_null(), "{home}");
    let booking = send(&mut family, "appointments/book", &arguments(&clinic, "appointments/book")).await;
    assert_eq!(booking.status, 404, "{}", booking.body);

    // Another patient cannot change this patient's link.
    let mut other = signed_in(&pool, clinic.other_patient.email).await;
    let before = data_fingerprint(&pool).await;
    let refused =
        other.call("family/set-grant", &[("family_member_id", &id), ("view_notes", "on"), ("access_until", "")]).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(data_fingerprint(&pool).await, before);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_family_member_books_on_the_patients_behalf_and_it_says_so(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    crate::common::scheduling::open_every_day(&pool, &clinic).await;
    set_grant(&pool, &clinic, Grant { appointments: true, book: true, ..NONE }).await;
    let mut family = signed_in(&pool, clinic.family.email).await;
    let booked = send(&mut family, "appointments/book", &arguments(&clinic, "appointments/book")).await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    let appointment_id: uuid::Uuid = booked.json().as_str().unwrap().parse().unwrap();

    let (patient_id, created_by): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("select patient_id, created_by from appointments where appointment_id = $1")
            .bind(appointment_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((patient_id, created_by), (clinic.patient_id, clinic.family.user_id));
    let on_behalf: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where action = 'BOOK_ON_BEHALF' and record_id = $1 and user_id = $2
           and new_values ->> 'patient_id' = $3",
    )
    .bind(appointment_id)
    .bind(clinic.family.user_id)
    .bind(clinic.patient_id.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(on_behalf, 1);

    // The patient's list says who booked it for whom.
    let mut patient = signed_in(&pool, clinic.patient.email).await;
    let mine: Value = patient.call("appointments/mine", &[]).await.json();
    let entry = mine.as_array().unwrap().iter().find(|a| a["appointment_id"] == appointment_id.to_string()).unwrap();
    assert_eq!(entry["booked_by"], "Test FamilyMember", "{entry}");
    let told = notifications_of(&pool, clinic.specialist.user_id).await;
    assert!(told.iter().any(|n| n.contains("Booked by Test FamilyMember for")), "{told:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn admins_link_and_unlink_and_a_relink_starts_with_nothing(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut admin = signed_in(&pool, clinic.admin.email).await;
    // The family member now helps a second patient too, and switches between them.
    let linked = admin
        .call(
            "family/link",
            &[
                ("family_email", clinic.family.email),
                ("patient_email", clinic.other_patient.email),
                ("relationship", "Parent"),
            ],
        )
        .await;
    assert_eq!(linked.status, 200, "{}", linked.body);
    let again = admin
        .call(
            "family/link",
            &[
                ("family_email", clinic.family.email),
                ("patient_email", clinic.other_patient.email),
                ("relationship", "Parent"),
            ],
        )
        .await;
    assert_eq!(again.status, 400, "{}", again.body);
    let mut family = signed_in(&pool, clinic.family.email).await;
    let home = family.call("home/family", &[("patient", &clinic.other_patient_id.to_string())]).await.json();
    assert_eq!(home["patients"].as_array().unwrap().len(), 2, "{home}");
    assert_eq!(home["selected"]["patient_id"], clinic.other_patient_id.to_string());
    // The new link shares nothing until the other patient decides.
    assert!(home["selected"]["upcoming"].is_null() && home["selected"]["materials"].is_null(), "{home}");
    assert_eq!(home["selected"]["can_book"], false);

    // Unlink the first patient; the family member is told; relinking starts with no grants.
    let listed = admin.call("family/links", &[("search", "Test"), ("page", "1")]).await.json();
    assert!(listed["total"].as_i64().unwrap() >= 3, "{listed}");
    let unlinked = admin.call("family/unlink", &[("family_member_id", &clinic.family_member_id.to_string())]).await;
    assert_eq!(unlinked.status, 200, "{}", unlinked.body);
    let told = notifications_of(&pool, clinic.family.user_id).await;
    assert!(told.last().unwrap().starts_with("Access removed"), "{told:?}");
    let relinked = admin
        .call(
            "family/link",
            &[
                ("family_email", clinic.family.email),
                ("patient_email", clinic.patient.email),
                ("relationship", "Parent"),
            ],
        )
        .await;
    assert_eq!(relinked.status, 200, "{}", relinked.body);
    let grants: (bool, bool, bool, bool) = sqlx::query_as(
        "select can_view_appointments, can_book_appointments, can_view_materials, can_view_medical_records
         from family_members where user_id = $1 and patient_id = $2",
    )
    .bind(clinic.family.user_id)
    .bind(clinic.patient_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(grants, (false, false, false, false));
    let mut family = signed_in(&pool, clinic.family.email).await;
    let opened = send(&mut family, "plans/open", &arguments(&clinic, "plans/open")).await;
    assert_eq!(opened.status, 404, "{}", opened.body);
}
