use std::sync::Arc;

use chrono::NaiveDateTime;
use domain::{AgencyCode, WorkingCalendar};
use store::Store;

use crate::auth::Authenticator;

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
    pub clock: Clock,
}

impl AppState {
    pub fn now(&self) -> NaiveDateTime {
        (self.clock)()
    }

    /// The wall clock, in Vietnam time (UTC+7, no daylight saving).
    pub fn system_clock() -> Clock {
        Arc::new(|| (chrono::Utc::now() + chrono::Duration::hours(7)).naive_utc())
    }
}
