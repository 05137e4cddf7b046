//! The rules of each area: who may do what to which record (with `policy`), the transactions,
//! the messages people read, retries. They call `db` for queries and return model DTOs.

pub mod attachments;
pub mod audit_chain;
pub mod audit_log;
pub mod availability;
pub mod booking;
pub mod calendar;
pub mod database_health;
pub mod emergency_access;
pub mod family;
pub mod feeds;
pub mod home;
pub mod markdown;
pub mod materials;
pub mod notes;
pub mod notifications;
pub mod patient_vault;
pub mod patients;
pub mod portal;
pub mod retention;
pub mod slots;
pub mod templates;
pub mod two_factor;
pub mod users;
pub mod zones;
