//! Every page answers with the status its content means (200 to those who may see it, 403 to
//! a role that may not use it, 401 when signed out, 404 only for unknown addresses), and the
//! built assets are sent precompressed and cached for good.

use std::time::Duration;

use app::domain::pages::PAGES;
use app::domain::role::Role;
use sqlx::PgPool;

use crate::common::clinic::{Clinic, PASSWORD};
use crate::common::http::{app, app_with_site, Client};

/// The address of a page pattern, with its parameters filled in.
fn address(pattern: &str, clinic: &Clinic) -> String {
    let id = match pattern {
        "/notes/:id/edit" => clinic.draft_note_id,
        _ if pattern.starts_with("/notes/") => clinic.signed_note_id,
        _ if pattern.starts_with("/templates/") => clinic.template_id,
        _ if pattern.starts_with("/patients/") => clinic.patient_id,
        _ if pattern.starts_with("/materials/") => clinic.material_id,
        _ if pattern.starts_with("/my-care/materials/") => clinic.assignment_id,
        _ => clinic.patient.user_id,
    };
    pattern.replace(":id", &id.to_string())
}

#[sqlx::test(migrations = "../migrations")]
async fn every_page_answers_with_the_status_of_what_it_shows(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    // The family member may read the patient's signed notes, so every role admitted to a note's
    // page has one to see.
    sqlx::query("update family_members set can_view_medical_records = true").execute(&pool).await.unwrap();
    let server = app(pool);
    let people = [
        (None, None),
        (Some(Role::Admin), Some(clinic.admin.email)),
        (Some(Role::Specialist), Some(clinic.specialist.email)),
        (Some(Role::Patient), Some(clinic.patient.email)),
        (Some(Role::FamilyMember), Some(clinic.family.email)),
    ];
    let mut wrong = Vec::new();
    for (role, email) in people {
        let mut client = Client::new(server.clone());
        if let Some(email) = email {
            assert_eq!(client.login(email, PASSWORD).await.status, 200);
        }
        for page in PAGES {
            let expected = match (page.admits(role), role) {
                // Open to every account, and it checks the sign-in itself.
                _ if page.path == "/account/password" && role.is_none() => 401,
                (true, _) => 200,
                (false, Some(_)) => 403,
                (false, None) => 401,
            };
            let answer = client.get(&address(page.path, &clinic)).await;
            if answer.status != expected {
                wrong.push(format!("{} as {role:?}: {} (expected {expected})", page.path, answer.status));
            }
            assert!(answer.header("content-type").is_some_and(|t| t.starts_with("text/html")), "{}", page.path);
        }
        for unknown in ["/no-such-page", "/admin/users/1/2/3", "/book/extra"] {
            assert_eq!(client.get(unknown).await.status, 404, "{unknown} as {role:?}");
        }
    }
    assert!(wrong.is_empty(), "wrong statuses:\n{}", wrong.join("\n"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signed_in_page_is_rendered_with_its_content_not_a_fallback(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut client = Client::new(app(pool));
    client.login(clinic.patient.email, PASSWORD).await;
    let page = client.get("/book").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Book an appointment"), "{}", page.body);
    assert!(!page.body.contains("Page not found"), "{}", page.body);
}

/// Servers starting in the same process while another one renders pages (the HTTP tests start
/// hundreds, each on its own thread) never leave a page unanswered. Each used to generate the
/// route list, which holds a process-wide "suppress resource loading" flag while it runs, and a
/// page whose data was first asked for meanwhile never finished (leptos-rs/leptos#4773).
#[sqlx::test(migrations = "../migrations")]
async fn pages_keep_answering_while_other_servers_start(pool: PgPool) {
    let clinic = Clinic::create(&pool).await;
    let mut patient = Client::new(app(pool.clone()));
    assert_eq!(patient.login(clinic.patient.email, PASSWORD).await.status, 200);

    // Other servers start on a thread and runtime of their own, as other tests' servers do, with
    // a pool of their own (a pool's connections belong to the runtime that opened them).
    let options = pool.connect_options().as_ref().clone();
    let starter = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let own_pool = sqlx::postgres::PgPoolOptions::new().max_connections(2).connect_lazy_with(options);
            for _ in 0..40 {
                let started = crate::common::http::app_on_pool(own_pool.clone());
                // The routes are made before the first answer, so this one means they exist.
                assert_eq!(Client::new(started).get("/healthz").await.status, 200);
            }
            own_pool.close().await;
        });
    });

    let mut rendered = 0;
    while !starter.is_finished() || rendered < 10 {
        let page = tokio::time::timeout(Duration::from_secs(20), patient.get("/book"))
            .await
            .unwrap_or_else(|_| panic!("render {rendered} of /book was never answered while other servers started"));
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Book an appointment"), "{}", page.body);
        rendered += 1;
    }
    starter.join().unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn hashed_assets_are_sent_precompressed_and_kept_for_a_year(pool: PgPool) {
    let site = std::env::temp_dir().join(format!("syei-site-{}", uuid::Uuid::new_v4()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("syei.0123abcd.wasm"), b"raw wasm").unwrap();
    std::fs::write(pkg.join("syei.0123abcd.wasm.br"), b"brotli wasm").unwrap();
    std::fs::write(pkg.join("syei.0123abcd.wasm.gz"), b"gzip wasm").unwrap();
    let server = app_with_site(pool, &site);
    let mut client = Client::new(server);

    let fetch = |encoding: &'static str| {
        axum::http::Request::get("/pkg/syei.0123abcd.wasm")
            .header("accept-encoding", encoding)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let brotli = client.send(fetch("gzip, deflate, br")).await;
    assert_eq!(brotli.status, 200);
    assert_eq!(brotli.header("content-encoding"), Some("br"));
    assert_eq!(brotli.body, "brotli wasm", "the file made at build time, not compressed per request");
    assert_eq!(brotli.header("cache-control"), Some("public, max-age=31536000, immutable"));

    let gzip = client.send(fetch("gzip")).await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip.body, "gzip wasm");

    let plain = client.send(fetch("identity")).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, "raw wasm");

    let missing = client.get("/pkg/syei.ffffffff.wasm").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("cache-control"), Some("no-store"), "a missing asset is not cached");
    assert_eq!(client.get("/login").await.header("cache-control"), Some("no-store"), "pages never are");
    std::fs::remove_dir_all(site).unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_are_compressed_except_for_requests_from_other_sites(pool: PgPool) {
    let mut client = Client::new(app(pool));
    let page = |site: &'static str| {
        axum::http::Request::get("/login")
            .header("accept-encoding", "gzip, br")
            .header("sec-fetch-site", site)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let same_site = client.send(page("same-origin")).await;
    assert_eq!(same_site.status, 200);
    assert_eq!(same_site.header("content-encoding"), Some("br"));
    assert_eq!(same_site.header("cache-control"), Some("no-store"));
    // A size an attacker's site can make the browser ask for is never a compressed one.
    let cross_site = client.send(page("cross-site")).await;
    assert_eq!(cross_site.header("content-encoding"), None);
    assert!(cross_site.body.contains("Sign in"), "{}", cross_site.body);
}
