//! Reusable UI pieces.

pub mod appointment_type;
pub mod auth;
pub mod button;
pub mod form;
pub mod layout;
pub mod markdown_editor;
pub mod modal;
pub mod page;
pub mod pager;
pub mod slot_picker;
