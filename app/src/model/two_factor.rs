//! What the two-factor server functions send and receive (shared with the browser). The
//! secret travels once, to the person setting it up, and is never sent again.

use crate::model::auth::CurrentUser;
use serde::{Deserialize, Serialize};

/// A staff member's two-factor sign-in, as their account page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enrolled: bool,
    /// When it was turned on, as a date in the clinic's words ("2026-11-30").
    pub enrolled_on: Option<String>,
    pub recovery_codes_left: i64,
    /// The clinic requires it of every staff member.
    pub required_by_clinic: bool,
}

/// What a person needs to add the account to their authenticator app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentStart {
    /// The QR code of the `otpauth://` address, as an SVG drawn on the server.
    pub qr_svg: String,
    /// The same secret in base32, in groups of four, for typing in by hand.
    pub manual_secret: String,
    /// The name the app will show for the account.
    pub account_label: String,
}

/// The recovery codes, shown once, right after two-factor sign-in was turned on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

/// Enrolment finished during sign-in: the session has started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolledSignIn {
    pub user: CurrentUser,
    pub recovery_codes: Vec<String>,
}
