use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;
use domain::{AgencyCode, AgencyProfile, WorkingCalendar};
use store::Store;

use crate::auth::Authenticator;
use crate::error::ApiError;

/// "Now" in Asia/Ho_Chi_Minh; tests pass a fixed clock.
pub type Clock = Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

/// What every handler may use. Built once per process (Lambda init).
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub calendar: Arc<WorkingCalendar>,
    pub auth: Arc<Authenticator>,
    /// The agency that receives this deployment's online dossiers.
    pub agency: AgencyCode,
    /// Where the citizen site is served, for tracking links (no trailing slash).
    pub public_url: String,
    /// Where the site sends citizens to sign in; `None` where no identity
    /// provider is configured (the site then says sign-in is unavailable).
    pub sign_in: Option<crate::SignInView>,
    pub clock: Clock,
    /// Agencies' own calendars, by the text of their announced days.
    pub calendars: CalendarCache,
    /// The site's fallback search index, for the no-JavaScript results
    /// page; it may hold none (the page then says so).
    pub search: crate::SearchIndex,
}

/// Calendars built from agencies' announcements, kept across requests.
pub type CalendarCache = Arc<Mutex<HashMap<String, Arc<WorkingCalendar>>>>;

impl AppState {
    pub fn now(&self) -> NaiveDateTime {
        (self.clock)()
    }

    /// The working calendar of an agency: the national one, or the one its
    /// own announced days make.
    pub fn calendar_of(
        &self,
        profile: Option<&AgencyProfile>,
    ) -> Result<Arc<WorkingCalendar>, ApiError> {
        let Some(toml) = profile.and_then(|p| p.calendar_overrides.as_ref()) else {
            return Ok(self.calendar.clone());
        };
        let mut cache = self.calendars.lock().expect("calendar cache poisoned");
        if let Some(calendar) = cache.get(toml) {
            return Ok(calendar.clone());
        }
        let calendar = Arc::new(
            WorkingCalendar::with_agency_overrides(toml)
                .map_err(|e| ApiError::Internal(format!("agency calendar: {e}")))?,
        );
        cache.insert(toml.clone(), calendar.clone());
        Ok(calendar)
    }

    /// The state of a deployed function, from its environment: the store
    /// (`DVC_TABLE`, `DVC_BUCKET`…), sign-in (`DVC_OIDC_*`), the receiving
    /// agency (`DVC_AGENCY_CODE`) and the site's address (`DVC_PUBLIC_URL`).
    /// Call once, in the Lambda init phase; it opens the connections too.
    pub async fn from_env(sdk: &aws_config::SdkConfig) -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let store = Store::new(sdk, store::StoreSettings::from_env()?);
        let auth = Authenticator::connect(crate::auth::AuthSettings::from_env()?).await?;
        let agency = var("DVC_AGENCY_CODE").ok_or("DVC_AGENCY_CODE is not set")?;
        let state = Self {
            store,
            calendar: Arc::new(WorkingCalendar::vietnam()),
            auth: Arc::new(auth),
            agency: AgencyCode::parse(&agency).map_err(|e| format!("DVC_AGENCY_CODE: {e}"))?,
            public_url: var("DVC_PUBLIC_URL")
                .ok_or("DVC_PUBLIC_URL is not set")?
                .trim_end_matches('/')
                .to_owned(),
            sign_in: sign_in_from_env(),
            clock: Self::system_clock(),
            calendars: CalendarCache::default(),
            search: search_from_env(sdk, var("DVC_SEARCH_INDEX_DIR"), var("DVC_SITE_BUCKET"))?,
        };
        state.store.warm_up(&state.agency).await;
        Ok(state)
    }

    /// The wall clock, in Vietnam time (UTC+7, no daylight saving).
    pub fn system_clock() -> Clock {
        Arc::new(|| (chrono::Utc::now() + chrono::Duration::hours(7)).naive_utc())
    }
}

/// The index shipped in `DVC_SEARCH_INDEX_DIR`, followed by the one each
/// content publication puts in the site's bucket (`DVC_SITE_BUCKET`) where
/// that is set.
fn search_from_env(
    sdk: &aws_config::SdkConfig,
    dir: Option<String>,
    site_bucket: Option<String>,
) -> Result<crate::SearchIndex, String> {
    let shipped = match dir {
        Some(dir) => {
            let path = std::path::Path::new(&dir);
            let problem = |e: &dyn std::fmt::Display| format!("DVC_SEARCH_INDEX_DIR ({dir}): {e}");
            let index = search::FallbackIndex::read(path).map_err(|e| problem(&e))?;
            let manifest: search::fallback::Manifest = std::fs::read(path.join("manifest.json"))
                .map_err(|e| problem(&e))
                .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| problem(&e)))?;
            Some((Arc::new(index), manifest.root))
        }
        None => None,
    };
    Ok(match site_bucket {
        Some(bucket) => crate::SearchIndex::following(
            shipped,
            aws_sdk_s3::Client::new(sdk),
            bucket,
            crate::site_index::SITE_INDEX_DIR,
            crate::CHECK_EVERY,
        ),
        None => crate::SearchIndex::fixed(shipped.map(|(index, _)| index)),
    })
}

/// `DVC_OIDC_AUTHORIZE_URL`, `DVC_OIDC_TOKEN_URL`, `DVC_OIDC_CLIENT_ID` and
/// optionally `DVC_OIDC_SCOPE` (default `openid`): the public client the site
/// signs citizens in with.
fn sign_in_from_env() -> Option<crate::SignInView> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    Some(crate::SignInView {
        authorize_url: var("DVC_OIDC_AUTHORIZE_URL")?,
        token_url: var("DVC_OIDC_TOKEN_URL")?,
        client_id: var("DVC_OIDC_CLIENT_ID")?,
        scope: var("DVC_OIDC_SCOPE").unwrap_or_else(|| "openid".into()),
    })
}
