//! The portal's HTTP API as axum routers. Every Lambda mounts the router it
//! serves; the dev server mounts them all. Handlers are thin: parse the
//! request into domain types, call the domain, call the store, answer.

mod auth;
mod backoffice;
mod cases;
mod citizen;
#[cfg(any(debug_assertions, test))]
pub mod dev_issuer;
mod error;
mod openapi;
mod origin;
mod petitions;
mod portal;
mod questions;
mod rating;
mod search_page;
mod site_index;
mod state;
mod views;

pub use auth::{AuthSettings, Authenticator, Caller, Claims};
pub use error::ApiError;
pub use openapi::openapi_json;
pub use origin::{ORIGIN_HEADER, OriginSecret, behind_cdn};
pub use portal::{SignInView, escape as escape_html};
pub use site_index::{CHECK_EVERY, SITE_INDEX_DIR, SearchIndex};
pub use state::{AppState, Clock};

use axum::Router;

/// Everything a citizen does: uploads, submission, tracking, "my dossiers",
/// supplements, downloads — plus the OpenAPI description.
pub fn citizen_router() -> Router<AppState> {
    submission_router().merge(tracking_router())
}

/// The one-stop back office: queues, actions, counter receipts, forms,
/// register, supervision and administration (the `backoffice` Lambda).
pub fn backoffice_router() -> Router<AppState> {
    backoffice::routes()
}

/// What writes: upload tickets, submission, supplements, feedback and
/// petitions with their follow-ups, and questions (the `submit` Lambda).
pub fn submission_router() -> Router<AppState> {
    citizen::submission_routes()
        .merge(petitions::submission_routes())
        .merge(questions::submission_routes())
}

/// What reads: tracking (of dossiers, petitions and questions), "my dossiers",
/// downloads, the API description (the `track` Lambda).
pub fn tracking_router() -> Router<AppState> {
    citizen::tracking_routes()
        .merge(petitions::tracking_routes())
        .merge(questions::tracking_routes())
        .merge(openapi::router())
}
