//! The app's own counters for `/metrics` (the server installs the Prometheus recorder; without
//! one, as in the command-line tools, these do nothing). Labels are fixed words, never people
//! or values a client sent.

use metrics::counter;

/// A refused sign-in, by why it was refused ("wrong password", "unknown email", ...).
pub fn sign_in_failed(reason: &'static str) {
    counter!("syei_sign_in_failures_total", "reason" => reason).increment(1);
}

/// A new appointment, booked online by a patient or family member, or by staff.
pub fn appointment_booked(by_staff: bool) {
    let channel = if by_staff { "staff" } else { "online" };
    counter!("syei_bookings_total", "channel" => channel).increment(1);
}
