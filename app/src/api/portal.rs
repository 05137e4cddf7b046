//! The patient portal: the whole appointment history and "My details" (patients only, each
//! their own).

use crate::error::AppError;
pub use crate::model::portal::*;
use leptos::prelude::*;

/// The caller's appointments, past and future, newest first, 20 a page: the page before
/// `before` (a cursor from an earlier page's `older`; none or empty: the newest).
#[server(endpoint = "appointments/history")]
pub async fn list_my_appointments(before: Option<String>) -> Result<AppointmentHistory, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::portal::history(&state, &user, before.as_deref(), chrono::Utc::now()).await
    })
    .await
}

#[server(endpoint = "patients/my-details")]
pub async fn get_my_details() -> Result<MyDetails, AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        crate::server::services::portal::my_details(&state, &user).await
    })
    .await
}

/// Saves the caller's phone, postal address and emergency contact (empty: removed). A form
/// sent without JavaScript comes back to the page with "saved" (or with the field errors).
#[server(endpoint = "patients/save-my-details")]
pub async fn save_my_details(
    phone: String,
    address: String,
    emergency_contact_name: String,
    emergency_contact_phone: String,
) -> Result<(), AppError> {
    crate::server::respond(async move {
        let (user, state) = crate::server::caller().await?;
        let form = crate::server::services::portal::DetailsForm {
            phone,
            address,
            emergency_contact_name,
            emergency_contact_phone,
        };
        crate::server::services::portal::save_my_details(&state, &user, form).await?;
        crate::server::show_after_plain_form_post("/my-care/details?saved=1");
        Ok(())
    })
    .await
}
