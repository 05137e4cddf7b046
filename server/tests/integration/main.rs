//! Every integration test in one binary (one link instead of nine: faster, and far less disk).
//! Database tests get a fresh database each (`#[sqlx::test]`); HTTP tests talk to the real
//! server (`server::startup::Application`) over a socket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Calls `$then!` with every server function as `test_name => "area/verb",`: the authorization
/// matrix and the hostile-input tests each make one test per endpoint from this one list (and
/// each checks it against the server functions the server registers).
macro_rules! with_every_endpoint {
    ($then:ident) => {
        $then! {
            specialists_list => "specialists/list",
            auth_me => "auth/me",
            auth_login => "auth/login",
            auth_logout => "auth/logout",
            account_profile => "account/profile",
            account_change_password => "account/change-password",
            account_sign_out_everywhere => "account/sign-out-everywhere",
            auth_second_step => "auth/second-step",
            auth_enrol_start => "auth/enrol-start",
            auth_enrol_confirm => "auth/enrol-confirm",
            two_factor_status => "two-factor/status",
            two_factor_start => "two-factor/start",
            two_factor_confirm => "two-factor/confirm",
            two_factor_disable => "two-factor/disable",
            two_factor_new_recovery_codes => "two-factor/new-recovery-codes",
            two_factor_reset => "two-factor/reset",
            clinic_two_factor_rule => "clinic/two-factor-rule",
            clinic_set_two_factor_rule => "clinic/set-two-factor-rule",
            home_admin_summary => "home/admin-summary",
            home_specialist_today => "home/specialist-today",
            home_my_care => "home/my-care",
            home_family => "home/family",
            patients_get => "patients/get",
            patients_mine => "patients/mine",
            patients_chart => "patients/chart",
            patients_record_views => "patients/record-views",
            emergency_access_open => "emergency-access/open",
            emergency_access_pending => "emergency-access/pending",
            emergency_access_review => "emergency-access/review",
            users_list => "users/list",
            users_get => "users/get",
            users_create => "users/create",
            users_update => "users/update",
            users_set_active => "users/set-active",
            users_reset_password => "users/reset-password",
            users_patient_options => "users/patient-options",
            scheduling_appointment_types => "scheduling/appointment-types",
            scheduling_slots => "scheduling/slots",
            appointments_book => "appointments/book",
            appointments_mine => "appointments/mine",
            appointments_cancel => "appointments/cancel",
            appointments_set_status => "appointments/set-status",
            appointments_reschedule => "appointments/reschedule",
            calendar_view => "calendar/view",
            calendar_place_time => "calendar/place-time",
            clinic_setup => "clinic/setup",
            clinic_save_rules => "clinic/save-rules",
            clinic_save_type => "clinic/save-type",
            retention_overview => "retention/overview",
            retention_save_settings => "retention/save-settings",
            retention_dry_run => "retention/dry-run",
            feeds_status => "feeds/status",
            feeds_create => "feeds/create",
            feeds_revoke => "feeds/revoke",
            notifications_list => "notifications/list",
            notifications_mark_read => "notifications/mark-read",
            notifications_page => "notifications/page",
            notifications_read_one => "notifications/read-one",
            appointments_history => "appointments/history",
            patients_my_details => "patients/my-details",
            patients_save_my_details => "patients/save-my-details",
            availability_get => "availability/get",
            availability_save_week => "availability/save-week",
            availability_add_exception => "availability/add-exception",
            availability_remove_exception => "availability/remove-exception",
            care_team_list => "care-team/list",
            care_team_assign => "care-team/assign",
            care_team_remove => "care-team/remove",
            notes_start => "notes/start",
            notes_draft => "notes/draft",
            notes_save => "notes/save",
            notes_sign => "notes/sign",
            notes_get => "notes/get",
            notes_amend => "notes/amend",
            notes_entered_in_error => "notes/entered-in-error",
            notes_withhold => "notes/withhold",
            notes_open_notes => "notes/open-notes",
            notes_for_patient => "notes/for-patient",
            notes_remove_attachment => "notes/remove-attachment",
            admin_database_health => "admin/database-health",
            audit_search => "audit/search",
            family_grants => "family/grants",
            family_set_grant => "family/set-grant",
            family_links => "family/links",
            family_link => "family/link",
            family_unlink => "family/unlink",
            materials_list => "materials/list",
            materials_get => "materials/get",
            materials_save => "materials/save",
            materials_retire => "materials/retire",
            plans_assign => "plans/assign",
            plans_for_patient => "plans/for-patient",
            plans_mine => "plans/mine",
            plans_open => "plans/open",
            plans_complete => "plans/complete",
            templates_list => "templates/list",
            templates_get => "templates/get",
            templates_save => "templates/save",
            templates_copy => "templates/copy",
            templates_retire => "templates/retire",
            templates_fill => "templates/fill",
        }
    };
}

mod common;

mod access_rules;
mod account_hardening;
mod audit_chain;
mod audit_log_viewer;
mod audit_trigger;
mod authorization_matrix;
mod backups;
mod booking;
mod care_team;
mod clinical_notes;
mod create_admin_command;
mod education_plans;
mod encryption_at_rest;
mod family_access;
mod hostile_input;
mod http_health;
mod least_privilege;
mod material_files;
mod monitoring;
mod note_attachments;
mod page_statuses_and_assets;
mod patients_and_charts;
mod portal;
mod rescheduling_and_feeds;
mod retention;
mod routes_command;
mod schema_constraints;
mod security_headers;
mod sessions_and_sign_in;
mod two_factor;
