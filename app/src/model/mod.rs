//! The serde DTOs that travel between the server and the browser, one module per area. The
//! server functions in `api` return them; `server::db` and the services build them; pages show
//! them. Nothing here depends on a layer above.

pub mod account;
pub mod audit_log;
pub mod auth;
pub mod availability;
pub mod calendar;
pub mod care_team;
pub mod clinic;
pub mod database_health;
pub mod emergency_access;
pub mod endpoint;
pub mod family;
pub mod feeds;
pub mod home;
pub mod materials;
pub mod notes;
pub mod notifications;
pub mod patients;
pub mod portal;
pub mod retention;
pub mod scheduling;
pub mod specialists;
pub mod templates;
pub mod two_factor;
pub mod users;
