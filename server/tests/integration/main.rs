//! Every integration test in one binary (one link instead of nine: faster, and far less disk).
//! Database tests get a fresh database each (`#[sqlx::test]`); HTTP tests talk to the real
//! server (`server::startup::Application`) over a socket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod access_rules;
mod audit_trigger;
mod authorization_matrix;
mod booking;
mod care_team;
mod create_admin_command;
mod hostile_input;
mod http_health;
mod rescheduling_and_feeds;
mod routes_command;
mod schema_constraints;
mod security_headers;
mod sessions_and_sign_in;
