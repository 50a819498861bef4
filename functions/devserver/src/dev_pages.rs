//! Pages that exist only on a developer's machine: the demo sign-in, the
//! notification outbox, and a home page until the site is built.

use std::sync::Arc;

use axum::extract::Query;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use notify::LocalOutbox;
use serde::Deserialize;

use api::escape_html as escape;

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title></head><body style=\"font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem\"><p style=\"background:#fff3cd;padding:.5rem\">Môi trường phát triển — dữ liệu thử nghiệm.</p><h1>{title}</h1>{body}</body></html>"
    ))
}

pub fn placeholder_home() -> Router {
    Router::new().route(
        "/",
        get(|| async {
            page(
                "Cổng dịch vụ công (phát triển)",
                "<p>Trang thông tin thủ tục chưa được dựng (site/public chưa có).</p><ul><li><a href=\"/api/openapi.json\">Mô tả API (OpenAPI)</a></li><li><a href=\"/dev/login\">Đăng nhập tài khoản thử nghiệm</a></li><li><a href=\"/dev/outbox\">Thông báo đã gửi</a></li></ul>",
            )
        }),
    )
}

pub fn outbox_page(outbox: Arc<LocalOutbox>) -> Router {
    Router::new().route(
        "/dev/outbox",
        get(move || {
            let outbox = outbox.clone();
            async move {
                let items: String = outbox
                    .messages()
                    .iter()
                    .map(|m| {
                        format!(
                            "<article><h2>{}</h2><p>Đến: {} {}</p><pre style=\"white-space:pre-wrap\">{}</pre><p>SMS: {}</p></article><hr>",
                            escape(&m.subject),
                            escape(m.email.as_ref().map_or("", |e| e.as_str())),
                            escape(m.phone.as_ref().map_or("", |p| p.as_str())),
                            escape(&m.body),
                            escape(&m.sms)
                        )
                    })
                    .collect();
                let body = if items.is_empty() { "<p>Chưa có thông báo nào.</p>".to_owned() } else { items };
                page("Thông báo đã gửi (hộp thư phát triển)", &body)
            }
        }),
    )
}

#[cfg(debug_assertions)]
pub use sign_in::sign_in_routes;

#[cfg(debug_assertions)]
mod sign_in {
    use super::*;
    use api::dev_issuer::DevIssuer;

    /// Demo accounts: the citizen, then the demo officials (whose roles
    /// come from the directory, as in production, not from the token).
    fn accounts() -> impl Iterator<Item = (&'static str, &'static str, &'static str, bool)> {
        std::iter::once((
            crate::seed::DEMO_CITIZEN,
            "Công dân thử nghiệm",
            "citizen",
            false,
        ))
        .chain(
            crate::seed::DEMO_STAFF
                .iter()
                .map(|(subject, name, _, roles)| (*subject, *name, roles[0], true)),
        )
    }

    #[derive(Deserialize)]
    struct Account {
        account: String,
    }

    pub fn sign_in_routes(
        issuer: Arc<DevIssuer>,
        agency: domain::AgencyCode,
        load_accounts: bool,
    ) -> Router {
        let jwks = issuer.jwks().clone();
        let token_issuer = issuer.clone();
        let token_agency = agency.clone();
        Router::new()
            .route("/dev/jwks.json", get(move || async move { Json(jwks.clone()) }))
            .route(
                "/dev/login",
                get(|| async {
                    let rows: String = accounts()
                        .map(|(sub, name, role, _)| {
                            format!("<li><a href=\"/dev/token?account={sub}\">{}</a> ({role})</li>", escape(name))
                        })
                        .collect();
                    page(
                        "Đăng nhập thử nghiệm",
                        &format!("<p>Chọn một tài khoản để nhận mã truy cập (Bearer token) dùng với API.</p><ul>{rows}</ul>"),
                    )
                }),
            )
            .route(
                "/dev/token",
                get(move |Query(q): Query<Account>| {
                    let issuer = token_issuer.clone();
                    let agency = token_agency.clone();
                    async move {
                        match token_answer(&issuer, &agency, &q.account, load_accounts) {
                            Some(answer) => answer.into_response(),
                            None => (axum::http::StatusCode::NOT_FOUND, "unknown demo account").into_response(),
                        }
                    }
                }),
            )
            .merge(oidc_routes(issuer, agency))
    }

    /// The token endpoint's answer for a demo account (or, with
    /// `load_accounts`, a load test's), `None` for an unknown one.
    fn token_answer(
        issuer: &DevIssuer,
        agency: &domain::AgencyCode,
        account: &str,
        load_accounts: bool,
    ) -> Option<Json<serde_json::Value>> {
        let demo = accounts()
            .find(|a| a.0 == account)
            .map(|(_, name, role, official)| (name.to_owned(), role, official));
        let load = || {
            let official = crate::seed::load_staff()
                .into_iter()
                .find(|a| a.0 == account)
                .map(|(_, name, _, role)| (name, role, true));
            official
                .or_else(|| crate::seed::load_citizen(account).map(|name| (name, "citizen", false)))
        };
        let (name, role, official) = demo.or_else(|| load_accounts.then(load).flatten())?;
        Some(Json(serde_json::json!({
            "access_token": issuer.token(account, &name, &[role], official.then_some(agency.as_str())),
            "token_type": "Bearer",
            "expires_in": 3600,
        })))
    }

    #[derive(Deserialize)]
    struct Authorize {
        redirect_uri: String,
        state: String,
        code_challenge: String,
    }

    #[derive(Deserialize)]
    struct TokenRequest {
        grant_type: String,
        code: String,
        code_verifier: String,
    }

    /// A development identity provider for the site's sign-in: OpenID
    /// Connect's authorization code flow with PKCE, demo accounts only.
    /// The code carries the account and the challenge; the token endpoint
    /// checks the verifier against it, as a real provider would.
    fn oidc_routes(issuer: Arc<DevIssuer>, agency: domain::AgencyCode) -> Router {
        Router::new()
            .route(
                "/dev/oidc/authorize",
                get(|Query(q): Query<Authorize>| async move {
                    // Only back to this machine: no open redirect, even in development.
                    if !q.redirect_uri.starts_with("http://127.0.0.1:") && !q.redirect_uri.starts_with("http://localhost:") {
                        return (axum::http::StatusCode::BAD_REQUEST, "redirect_uri must be on this machine").into_response();
                    }
                    let rows: String = accounts()
                        .map(|(sub, name, role, _)| {
                            let sep = if q.redirect_uri.contains('?') { '&' } else { '?' };
                            format!(
                                "<li><a href=\"{}{sep}code={sub}~{}&amp;state={}\">{}</a> ({role})</li>",
                                escape(&q.redirect_uri),
                                escape(&q.code_challenge),
                                escape(&q.state),
                                escape(name)
                            )
                        })
                        .collect();
                    page(
                        "Đăng nhập thử nghiệm",
                        &format!("<p>Chọn tài khoản để đăng nhập vào cổng.</p><ul>{rows}</ul>"),
                    )
                    .into_response()
                }),
            )
            .route(
                "/dev/oidc/token",
                axum::routing::post(move |axum::Form(t): axum::Form<TokenRequest>| {
                    let issuer = issuer.clone();
                    let agency = agency.clone();
                    async move {
                        use base64::Engine;
                        use sha2::Digest;
                        let refuse = |why: &str| {
                            (axum::http::StatusCode::BAD_REQUEST, Json(serde_json::json!({"error": "invalid_grant", "error_description": why}))).into_response()
                        };
                        if t.grant_type != "authorization_code" {
                            return refuse("grant_type must be authorization_code");
                        }
                        let Some((account, challenge)) = t.code.split_once('~') else {
                            return refuse("malformed code");
                        };
                        let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                            .encode(sha2::Sha256::digest(t.code_verifier.as_bytes()));
                        if computed != challenge {
                            return refuse("code_verifier does not match the challenge");
                        }
                        match token_answer(&issuer, &agency, account, false) {
                            Some(answer) => answer.into_response(),
                            None => refuse("unknown demo account"),
                        }
                    }
                }),
            )
    }
}
