//! One routed page per file.

pub mod account;
pub mod admin_users;
pub mod availability;
pub mod booking;
mod booking_query;
pub mod calendar;
pub mod clinic_settings;
pub mod database_health;
pub mod emergency_access;
pub mod family_access;
pub mod home;
pub mod homes;
pub mod login;
pub mod materials;
pub mod my_appointments;
pub mod my_details;
pub mod my_materials;
pub mod not_found;
pub mod note_actions;
pub mod note_editor;
pub mod note_files;
pub mod note_view;
pub mod notifications;
pub mod patients;
pub mod plans;
pub mod record_views;
pub mod templates;
