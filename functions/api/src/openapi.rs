//! The API description, generated from the handlers and served at
//! `/api/openapi.json`.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Cổng dịch vụ công — API", description = "Citizen API: submission, tracking, supplements, feedback and petitions, questions; and the back office's handling of feedback and petitions and of questions. Every error is application/problem+json."),
    paths(
        crate::citizen::create_upload,
        crate::citizen::submit,
        crate::citizen::track,
        crate::citizen::my_dossiers,
        crate::citizen::supplement,
        crate::citizen::download,
        crate::rating::rate,
        crate::rating::rating,
        crate::portal::procedure_form,
        crate::portal::sign_in_config,
        crate::petitions::submit,
        crate::petitions::track,
        crate::petitions::mine,
        crate::petitions::form_info,
        crate::petitions::provide_info,
        crate::petitions::reopen,
        crate::backoffice::petitions::queue,
        crate::backoffice::petitions::detail,
        crate::backoffice::petitions::act,
        crate::backoffice::petitions::download,
        crate::questions::ask,
        crate::questions::track,
        crate::backoffice::questions::queue,
        crate::backoffice::questions::detail,
        crate::backoffice::questions::act,
        crate::backoffice::scorecard::scorecard,
    ),
    modifiers(&Bearer),
    tags((name = "citizen", description = "What a citizen does"),
        (name = "back-office", description = "What an official does (feedback and petitions, questions so far)"))
)]
struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document as JSON.
pub fn openapi_json() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).expect("the document serialises")
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(|| async { Json(openapi_json()) }))
}
