//! The deployed functions answer only what comes through the CDN. An HTTP
//! API cannot be put behind a web ACL, and its `execute-api` address, which
//! CloudFront itself calls, is public; so CloudFront adds a shared secret to
//! every request it forwards (`X-Origin-Verify`, from Secrets Manager) and a
//! request without it, one sent to the API's address past the firewall, is
//! refused before any handler runs.

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::citizen::equal_in_constant_time;

/// The header CloudFront's origin settings add (`infra/template.yaml`).
pub const ORIGIN_HEADER: &str = "x-origin-verify";

/// The secret CloudFront sends, kept as its digest so that comparing takes
/// the same time whatever the guess.
#[derive(Clone)]
pub struct OriginSecret([u8; 32]);

impl OriginSecret {
    pub fn new(secret: &str) -> Result<Self, String> {
        if secret.trim().len() < 32 {
            return Err("the origin secret must be at least 32 characters".into());
        }
        Ok(Self(Sha256::digest(secret.trim().as_bytes()).into()))
    }

    /// `DVC_ORIGIN_VERIFY`: required, a deployed function never answers
    /// without it.
    pub fn from_env() -> Result<Self, String> {
        let value = std::env::var("DVC_ORIGIN_VERIFY")
            .map_err(|_| "DVC_ORIGIN_VERIFY is not set".to_owned())?;
        Self::new(&value).map_err(|e| format!("DVC_ORIGIN_VERIFY: {e}"))
    }

    fn matches(&self, sent: &[u8]) -> bool {
        equal_in_constant_time(&Sha256::digest(sent.trim_ascii()), &self.0)
    }
}

/// `router` answering only requests that carry the CDN's secret.
pub fn behind_cdn(router: Router, secret: OriginSecret) -> Router {
    router.layer(axum::middleware::from_fn_with_state(secret, refuse_others))
}

async fn refuse_others(
    State(secret): State<OriginSecret>,
    request: Request,
    next: Next,
) -> Response {
    let sent = request
        .headers()
        .get(ORIGIN_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if secret.matches(sent) {
        next.run(request).await
    } else {
        ApiError::NotThroughPortal.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt;

    const SECRET: &str = "4f0c1d2e3b4a59687766554433221100";

    async fn status(header: Option<&str>) -> (StatusCode, String) {
        let app = behind_cdn(
            Router::new().route("/api/x", get(|| async { "ok" })),
            OriginSecret::new(SECRET).unwrap(),
        );
        let mut request = Request::get("/api/x");
        if let Some(value) = header {
            request = request.header(ORIGIN_HEADER, value);
        }
        let response = app
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn only_requests_with_the_cdns_secret_reach_the_routes() {
        assert_eq!(status(Some(SECRET)).await, (StatusCode::OK, "ok".into()));
        for refused in [None, Some(""), Some("4f0c1d2e3b4a59687766554433221101")] {
            let (status, body) = status(refused).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{refused:?}");
            assert!(body.contains("KHONG_QUA_CONG"), "{body}");
            assert!(body.contains("Cổng dịch vụ công"), "{body}");
        }
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(OriginSecret::new("mat-khau").is_err());
    }
}
