//! Sign-in: OpenID Connect bearer tokens checked against the issuer's JWKS
//! (signature, issuer, audience, expiry); roles and agency from claims.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use domain::{AgencyCode, Role};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

/// The claims this portal reads from an ID or access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: u64,
    #[serde(default)]
    pub iat: u64,
    #[serde(default)]
    pub name: Option<String>,
    /// `citizen`, or an official's roles (`desk`, `specialist`…, see `Role::key`).
    #[serde(default)]
    pub roles: Vec<String>,
    /// For officials: the electronic identifier of their agency.
    #[serde(default)]
    pub agency: Option<String>,
}

/// Who is calling, once the token checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub subject: String,
    pub name: Option<String>,
    pub roles: Vec<Role>,
    pub agency: Option<AgencyCode>,
}

impl Caller {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// An official (any role but citizen) of `agency`.
    pub fn is_official_of(&self, agency: &AgencyCode) -> bool {
        self.agency.as_ref() == Some(agency) && self.roles.iter().any(|r| r.handles_dossiers())
    }
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub issuer: String,
    pub audience: String,
    /// Where the issuer publishes its keys; `None` when the keys are given.
    pub jwks_url: Option<String>,
    /// The keys themselves (a JWKS document), for issuers whose keys are
    /// pinned in configuration instead of fetched.
    pub jwks: Option<String>,
}

impl AuthSettings {
    /// Reads `DVC_OIDC_ISSUER`, `DVC_OIDC_AUDIENCE`, and `DVC_OIDC_JWKS_URL`
    /// or `DVC_OIDC_JWKS` (one of the two).
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let settings = Self {
            issuer: var("DVC_OIDC_ISSUER").ok_or("DVC_OIDC_ISSUER is not set")?,
            audience: var("DVC_OIDC_AUDIENCE").ok_or("DVC_OIDC_AUDIENCE is not set")?,
            jwks_url: var("DVC_OIDC_JWKS_URL"),
            jwks: var("DVC_OIDC_JWKS"),
        };
        if settings.jwks_url.is_none() && settings.jwks.is_none() {
            return Err("set DVC_OIDC_JWKS_URL or DVC_OIDC_JWKS".into());
        }
        Ok(settings)
    }
}

/// Checks bearer tokens. Keys are fetched once and again when a token names
/// a key not seen yet (key rotation), at most once a minute.
pub struct Authenticator {
    settings: AuthSettings,
    keys: RwLock<(JwkSet, Option<Instant>)>,
    http: reqwest::Client,
}

const REFRESH_AT_MOST_EVERY: Duration = Duration::from_secs(60);

impl Authenticator {
    /// An authenticator with the configured keys, or those fetched from
    /// `settings.jwks_url`.
    pub async fn connect(settings: AuthSettings) -> Result<Self, String> {
        let pinned = match &settings.jwks {
            Some(json) => serde_json::from_str(json).map_err(|e| format!("DVC_OIDC_JWKS: {e}"))?,
            None => JwkSet { keys: Vec::new() },
        };
        let auth = Self::with_keys(settings, pinned);
        auth.refresh().await?;
        Ok(auth)
    }

    /// An authenticator with keys known in advance.
    pub fn with_keys(settings: AuthSettings, keys: JwkSet) -> Self {
        Self {
            settings,
            keys: RwLock::new((keys, None)),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("a plain HTTP client builds"),
        }
    }

    async fn refresh(&self) -> Result<(), String> {
        let Some(url) = &self.settings.jwks_url else {
            return Ok(());
        };
        let keys: JwkSet = self
            .http
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("fetching {url}: {e}"))?
            .json()
            .await
            .map_err(|e| format!("reading {url}: {e}"))?;
        *self.keys.write().expect("key lock poisoned") = (keys, Some(Instant::now()));
        Ok(())
    }

    fn key(&self, kid: Option<&str>) -> Option<Jwk> {
        let keys = self.keys.read().expect("key lock poisoned");
        match kid {
            Some(kid) => keys.0.find(kid).cloned(),
            None if keys.0.keys.len() == 1 => keys.0.keys.first().cloned(),
            None => None,
        }
    }

    fn may_refresh(&self) -> bool {
        let keys = self.keys.read().expect("key lock poisoned");
        self.settings.jwks_url.is_some()
            && keys.1.is_none_or(|at| at.elapsed() > REFRESH_AT_MOST_EVERY)
    }

    /// Checks a bearer token and says who it is for.
    pub async fn verify(&self, token: &str) -> Result<Caller, String> {
        let header = decode_header(token).map_err(|e| format!("token header: {e}"))?;
        if !matches!(header.alg, Algorithm::ES256 | Algorithm::RS256) {
            return Err(format!("algorithm {:?} is not accepted", header.alg));
        }
        let mut jwk = self.key(header.kid.as_deref());
        if jwk.is_none() && self.may_refresh() {
            self.refresh().await?;
            jwk = self.key(header.kid.as_deref());
        }
        let jwk = jwk.ok_or("the token's key is not one of the issuer's")?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| format!("issuer key: {e}"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        let claims = decode::<Claims>(token, &key, &validation)
            .map_err(|e| format!("token: {e}"))?
            .claims;
        Ok(Caller {
            subject: claims.sub,
            name: claims.name,
            roles: claims.roles.iter().filter_map(|r| r.parse().ok()).collect(),
            agency: claims
                .agency
                .as_deref()
                .and_then(|a| AgencyCode::parse(a).ok()),
        })
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token =
            bearer(parts).ok_or_else(|| ApiError::Unauthenticated("no bearer token".into()))?;
        state
            .auth
            .verify(token)
            .await
            .map_err(ApiError::Unauthenticated)
    }
}

/// A signed-in citizen.
pub struct Citizen(pub Caller);

impl FromRequestParts<AppState> for Citizen {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if !caller.has(Role::Citizen) {
            return Err(ApiError::Forbidden);
        }
        Ok(Citizen(caller))
    }
}

/// A caller who may or may not be signed in; a bad token is still an error.
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if bearer(parts).is_none() {
            return Ok(MaybeCaller(None));
        }
        Caller::from_request_parts(parts, state)
            .await
            .map(|c| MaybeCaller(Some(c)))
    }
}
