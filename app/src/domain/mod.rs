//! Pure types and rules: no I/O, compiled for the server and the browser alike.

pub mod appointment_status;
pub mod availability;
pub mod calendar_layout;
pub mod dates;
pub mod email;
// Server-only rules (they need the time-zone database): the browser shows their results.
#[cfg(feature = "ssr")]
pub mod ical;
pub mod login_throttle;
pub mod navigation;
pub mod pages;
pub mod password_policy;
pub mod role;
#[cfg(feature = "ssr")]
pub mod slots;
pub mod two_factor;
pub mod user_form;
