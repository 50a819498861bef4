//! What the static site's pages ask the API for: a procedure's form (its
//! components and what each requires), the sign-in endpoints, a dossier
//! code's QR code, and the tracking page for browsers without JavaScript.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use domain::{Channel, DossierCode, ProcedureCode, Requirement};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::citizen::{load_readable, track_view};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::TrackView;

#[derive(Debug, Serialize, ToSchema)]
pub struct ComponentFormView {
    /// Its index, as `files[].component` of a submission names it.
    pub index: usize,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// `required`, `conditional` (only when its case applies),
    /// `present_only` (shown at the desk, not uploaded) or `note` (the
    /// agency's guidance, listed among the papers: nothing to hand in).
    #[schema(value_type = String)]
    pub requirement: Requirement,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub originals: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_url: Option<String>,
}

/// Everything the submission pages need to build the form of a procedure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureFormView {
    pub code: String,
    pub name: String,
    pub accepts_online: bool,
    /// `full` (toàn trình), `partial` (một phần) or absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_time: Option<String>,
    pub components: Vec<ComponentFormView>,
    /// File types accepted, as MIME types.
    pub file_types: Vec<String>,
    pub max_file_bytes: u64,
    pub max_dossier_bytes: u64,
    pub max_files_per_component: usize,
}

#[utoipa::path(get, path = "/api/procedures/{code}", tag = "citizen",
    params(("code" = String, Path, description = "Procedure code, e.g. 1.001193")),
    responses((status = 200, body = ProcedureFormView), (status = 404, body = crate::error::Problem)))]
pub async fn procedure_form(
    State(app): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<ProcedureFormView>, ApiError> {
    let code = ProcedureCode::parse(code.trim()).map_err(|_| ApiError::UnknownProcedure)?;
    let p = app
        .store
        .get_procedure(&code)
        .await?
        .ok_or(ApiError::UnknownProcedure)?;
    let limits = &app.store.settings().limits;
    Ok(Json(ProcedureFormView {
        code: p.code.to_string(),
        name: p.name.to_string(),
        accepts_online: p.accepts_online(),
        online_level: p.online_level.map(|l| {
            match l {
                domain::OnlineLevel::Full => "full",
                domain::OnlineLevel::Partial => "partial",
            }
            .to_owned()
        }),
        resolution_time: p.resolution_time(Channel::Online).map(|t| t.to_string()),
        components: p
            .components
            .iter()
            .enumerate()
            .map(|(index, c)| ComponentFormView {
                index,
                name: c.name.clone(),
                case: c.case.clone(),
                requirement: c.requirement(),
                originals: c.originals,
                copies: c.copies,
                form_name: c.form.as_ref().map(|f| f.name.clone()),
                form_url: c.form.as_ref().and_then(|f| f.url.clone()),
            })
            .collect(),
        file_types: store::FileKind::ALL
            .iter()
            .map(|k| k.mime().to_owned())
            .collect(),
        max_file_bytes: limits.max_file_bytes,
        max_dossier_bytes: limits.max_dossier_bytes,
        max_files_per_component: domain::MAX_FILES_PER_COMPONENT,
    }))
}

/// The identity provider the site signs citizens in with (OpenID Connect,
/// authorization code with PKCE).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignInView {
    pub authorize_url: String,
    pub token_url: String,
    pub client_id: String,
    pub scope: String,
}

#[utoipa::path(get, path = "/api/auth/config", tag = "citizen",
    responses((status = 200, body = SignInView), (status = 404, body = crate::error::Problem)))]
pub async fn sign_in_config(State(app): State<AppState>) -> Result<Json<SignInView>, ApiError> {
    app.sign_in
        .clone()
        .map(Json)
        .ok_or(ApiError::SignInNotConfigured)
}

/// The QR code of a dossier code, as printed on receipts, for the
/// confirmation page. Carries only the code, which alone reveals nothing.
pub async fn dossier_qr(Path(code): Path<String>) -> Result<Response, ApiError> {
    let code =
        DossierCode::parse(code.trim_end_matches(".svg")).map_err(|_| ApiError::DossierNotFound)?;
    let svg = qrcode::QrCode::with_error_correction_level(code.to_string(), qrcode::EcLevel::M)
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        svg,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct TrackQuery {
    #[serde(default)]
    ma: String,
    #[serde(default, rename = "ma-tra-cuu")]
    secret: String,
}

/// Tracking for browsers without JavaScript: the site's form sends the
/// dossier code and tracking secret here and gets the status as a page.
pub async fn track_page(State(app): State<AppState>, Query(q): Query<TrackQuery>) -> Response {
    let found = if q.ma.trim().is_empty() || q.secret.trim().is_empty() {
        Err(ApiError::DossierNotFound)
    } else {
        match load_readable(&app, &q.ma, None, Some(q.secret.trim())).await {
            Ok((record, progress)) => track_view(&app, &record, &progress),
            Err(e) => Err(e),
        }
    };
    let body = match found {
        Ok(view) => tracked(&view),
        Err(ApiError::DossierNotFound) => format!(
            "<h1>Không tìm thấy hồ sơ</h1><div class=\"error-summary\" role=\"alert\"><p>Không có hồ sơ nào khớp mã hồ sơ <strong>{}</strong> và mã tra cứu đã nhập. Kiểm tra lại hai mã trên giấy tiếp nhận hoặc trong tin nhắn xác nhận.</p></div><p><a href=\"/tra-cuu/\">Tra cứu lại</a></p>",
            escape(q.ma.trim())
        ),
        Err(e) => {
            tracing::error!(error = %e, "tracking page");
            "<h1>Chưa tra cứu được</h1><p>Hệ thống đang bận. Vui lòng thử lại sau ít phút.</p><p><a href=\"/tra-cuu/\">Tra cứu lại</a></p>".to_owned()
        }
    };
    let status = if body.starts_with("<h1>Tình trạng") {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::NOT_FOUND
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Html(site_page("Tra cứu hồ sơ", &body)),
    )
        .into_response()
}

/// A page of the site written by the server (for browsers without
/// JavaScript): the site's stylesheet and header around `body`; not indexed.
pub(crate) fn site_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>{} | Cổng Dịch vụ công</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body><header class=\"site-header\"><div class=\"wrap header-row\"><a class=\"brand\" href=\"/\">Cổng Dịch vụ công</a></div></header><main id=\"noi-dung\" class=\"wrap\">{body}</main></body></html>",
        escape(title)
    )
}

fn tracked(view: &TrackView) -> String {
    let mut out = format!(
        "<h1>Tình trạng hồ sơ {}</h1><p>{}</p><dl class=\"facts\"><dt>Trạng thái</dt><dd><strong>{}</strong> — {}</dd>",
        escape(&view.code),
        escape(&view.procedure_name),
        escape(&view.status.label),
        escape(&view.status.stage),
    );
    if let Some(a) = &view.appointment {
        out.push_str(&format!("<dt>Hẹn trả kết quả</dt><dd>{}", escape(&a.text)));
        if let Some(l) = &a.outlook_label {
            out.push_str(&format!(" ({})", escape(l)));
        }
        out.push_str("</dd>");
    }
    out.push_str("</dl>");
    if let Some(action) = &view.action_required {
        out.push_str(&format!(
            "<div class=\"error-summary\" role=\"alert\"><h2>Bạn cần làm</h2><p>{}</p><p>Đăng nhập và mở <a href=\"/ho-so-cua-toi/\">Hồ sơ của tôi</a> để thực hiện.</p></div>",
            escape(&action.message)
        ));
    }
    if let Some(result) = &view.result {
        out.push_str(&format!("<p><strong>{}</strong></p>", escape(result)));
    }
    out.push_str("<h2>Quá trình xử lý</h2><ol class=\"status-list\">");
    for h in view.history.iter().rev() {
        out.push_str(&format!(
            "<li><strong>{}</strong>: {} <span class=\"note\">({})</span>",
            escape(&h.text),
            escape(&h.action),
            escape(&h.status.label)
        ));
        if let Some(note) = &h.note {
            out.push_str(&format!("<br><span class=\"note\">{}</span>", escape(note)));
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    out
}

/// Text for HTML element content and quoted attributes (the pages this
/// crate and the dev server write by hand).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
