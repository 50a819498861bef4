//! The one-stop back office: work queues, dossier actions, counter receipts,
//! printed forms, the register, supervision, administration, feedback
//! and petitions (PAKN), and questions (hỏi đáp). Every route
//! takes a [`Staff`] — a signed-in person with an active official account —
//! and checks the account's roles and agency through `domain::Official`.

mod admin;
mod cases;
mod dossiers;
pub(crate) mod petitions;
mod printing;
pub(crate) mod questions;
pub(crate) mod scorecard;
mod supervision;
mod views;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{get, post, put};
use chrono::NaiveDateTime;
use domain::{AgencyCode, Official, Role};
use store::AuditEntry;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/can-bo/me", get(dossiers::me))
        .route("/api/can-bo/queues/{queue}", get(dossiers::queue))
        .route("/api/can-bo/uploads", post(dossiers::create_upload))
        .route("/api/can-bo/dossiers", post(dossiers::receive_at_counter))
        .route("/api/can-bo/dossiers/{code}", get(dossiers::detail))
        .route("/api/can-bo/dossiers/{code}/actions", post(dossiers::act))
        .route(
            "/api/can-bo/dossiers/{code}/files/{file_id}",
            get(dossiers::download),
        )
        .route(
            "/api/can-bo/dossiers/{code}/forms/{form}",
            get(printing::form),
        )
        .route("/api/can-bo/phan-anh", get(petitions::queue))
        .route("/api/can-bo/phan-anh/{code}", get(petitions::detail))
        .route("/api/can-bo/phan-anh/{code}/actions", post(petitions::act))
        .route(
            "/api/can-bo/phan-anh/{code}/files/{file_id}",
            get(petitions::download),
        )
        .route("/api/can-bo/hoi-dap", get(questions::queue))
        .route("/api/can-bo/hoi-dap/{code}", get(questions::detail))
        .route("/api/can-bo/hoi-dap/{code}/actions", post(questions::act))
        .route("/api/can-bo/register", get(printing::register))
        .route("/api/can-bo/supervision", get(supervision::dashboard))
        .route("/api/can-bo/chi-so-766", get(scorecard::scorecard))
        .route("/api/can-bo/admin/agencies", get(admin::agencies))
        .route(
            "/api/can-bo/admin/agency",
            get(admin::export).put(admin::put_profile),
        )
        .route("/api/can-bo/admin/import", post(admin::import))
        .route(
            "/api/can-bo/admin/departments/{id}",
            put(admin::put_department),
        )
        .route(
            "/api/can-bo/admin/officials/{subject}",
            put(admin::put_official),
        )
        .route(
            "/api/can-bo/admin/routes/{procedure}",
            put(admin::put_route),
        )
        .route("/api/can-bo/admin/audit", get(admin::audit))
}

/// A status filter of a list: a national status code, 1–10.
fn status_filter(code: Option<u8>) -> Result<Option<domain::NationalStatus>, ApiError> {
    code.map(domain::NationalStatus::from_code)
        .transpose()
        .map_err(|e| ApiError::invalid("status", "Trạng thái hồ sơ phải từ 1 đến 10.", e))
}

/// A procedure filter of a list; blank means none.
fn procedure_filter(raw: Option<&str>) -> Result<Option<domain::ProcedureCode>, ApiError> {
    raw.map(str::trim)
        .filter(|p| !p.is_empty())
        .map(domain::ProcedureCode::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("procedure", "Mã thủ tục không hợp lệ.", e))
}

/// Where a request came from, for the audit record.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A signed-in official with an active account.
pub struct Staff {
    pub official: Official,
    pub origin: Origin,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let official = state
            .store
            .get_official(&caller.subject)
            .await?
            .filter(|o| o.active)
            .ok_or(ApiError::NotAnOfficial)?;
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(300).collect::<String>())
        };
        let origin = Origin {
            // API Gateway puts the client first in X-Forwarded-For.
            ip: header("x-forwarded-for")
                .and_then(|v| v.split(',').next().map(|ip| ip.trim().to_owned())),
            user_agent: header("user-agent"),
        };
        Ok(Staff { official, origin })
    }
}

impl Staff {
    /// The audit record of an operation by this official.
    pub fn audit(
        &self,
        at: NaiveDateTime,
        agency: &AgencyCode,
        role: Option<Role>,
        operation: &str,
        target: String,
        changes: serde_json::Value,
    ) -> AuditEntry {
        AuditEntry {
            at,
            agency: agency.clone(),
            actor: self.official.subject.clone(),
            actor_name: self.official.name.clone(),
            role,
            source_ip: self.origin.ip.clone(),
            user_agent: self.origin.user_agent.clone(),
            operation: operation.to_owned(),
            target,
            changes,
        }
    }
}
