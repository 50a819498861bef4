//! The client of the national portal: log in for a session, send packets
//! with the session in the body, log in again when the session has expired.
//! Timeouts and transport failures are errors the caller retries; a refusal
//! is the peer's answer and is not retried blindly.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::packets::{Answer, Call, HoSo, Login, TraCuuHoSo, service};
use crate::share::{NoParams, ShareAnswer, ShareCall};
use crate::wire::WireBool;

/// Where and as whom to connect. The password comes from AWS Secrets
/// Manager in production (the agency profile names the secret) and from the
/// environment only for local runs.
#[derive(Clone)]
pub struct ClientSettings {
    pub auth_url: String,
    pub integration_url: String,
    pub share_url: String,
    pub username: String,
    pub password: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSettings")
            .field("auth_url", &self.auth_url)
            .field("integration_url", &self.integration_url)
            .field("share_url", &self.share_url)
            .field("username", &self.username)
            .field("password", &"***")
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ClientSettings {
    /// A portal whose adapter answers at `base` (`/auth`, `/integration`,
    /// `/share`), as `username`.
    pub fn at(base: &str, username: &str, password: &str, timeout: Duration) -> Self {
        let base = base.trim_end_matches('/');
        Self {
            auth_url: format!("{base}/auth"),
            integration_url: format!("{base}/integration"),
            share_url: format!("{base}/share"),
            username: username.to_owned(),
            password: password.to_owned(),
            timeout,
        }
    }

    /// `DVC_DVCQG_BASE_URL` (its `/auth`, `/integration` and `/share`, or each
    /// of `DVC_DVCQG_AUTH_URL`, `…_INTEGRATION_URL`, `…_SHARE_URL`),
    /// `DVC_DVCQG_TIMEOUT_MS` (default 10,000); the account from
    /// `DVC_DVCQG_USERNAME` / `DVC_DVCQG_PASSWORD` where given (local runs;
    /// in production it comes from Secrets Manager, see `connections`).
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let base = var("DVC_DVCQG_BASE_URL").map(|b| b.trim_end_matches('/').to_owned());
        let url = |name: &str, path: &str| {
            var(name)
                .or_else(|| base.as_ref().map(|b| format!("{b}{path}")))
                .ok_or(format!("{name} (or DVC_DVCQG_BASE_URL) is not set"))
        };
        let timeout = var("DVC_DVCQG_TIMEOUT_MS")
            .map(|ms| {
                ms.parse::<u64>()
                    .map_err(|e| format!("DVC_DVCQG_TIMEOUT_MS: {e}"))
            })
            .transpose()?
            .unwrap_or(10_000);
        Ok(Self {
            auth_url: url("DVC_DVCQG_AUTH_URL", "/auth")?,
            integration_url: url("DVC_DVCQG_INTEGRATION_URL", "/integration")?,
            share_url: url("DVC_DVCQG_SHARE_URL", "/share")?,
            username: var("DVC_DVCQG_USERNAME").unwrap_or_default(),
            password: var("DVC_DVCQG_PASSWORD").unwrap_or_default(),
            timeout: Duration::from_millis(timeout),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Timeout, connection failure, 5xx or an unreadable answer: the packet
    /// may or may not have been stored; send it again later.
    #[error("the national portal could not be reached: {0}")]
    Transport(String),
    /// The peer says the dossier is already there: send it as an update.
    #[error("the national portal already has it")]
    AlreadyExists,
    /// The account was refused at login: the packets are fine, the
    /// credentials are not (or were rotated); read them again and retry.
    #[error("the national portal refused the login: {0}")]
    LoginRefused(String),
    /// The peer refused the packet; resending it unchanged will not help.
    #[error("the national portal refused it (error {code}): {message}")]
    Refused { code: i64, message: String },
}

impl SendError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, SendError::Transport(_) | SendError::LoginRefused(_))
    }
}

/// Why a file could not be fetched: worth trying again, or not.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("the national portal could not be reached: {0}")]
    Transport(String),
    #[error("{0}")]
    Refused(String),
}

pub struct Client {
    http: reqwest::Client,
    settings: ClientSettings,
    session: Mutex<Option<String>>,
}

impl Client {
    pub fn new(settings: ClientSettings) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(settings.timeout)
                .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
                .build()
                .expect("a plain HTTPS client builds"),
            settings,
            session: Mutex::new(None),
        }
    }

    /// Posts `body` and reads the answer as `R`.
    async fn post_as<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        url: &str,
        body: &B,
    ) -> Result<R, SendError> {
        let response = self
            .http
            .post(url)
            .json(body)
            .send()
            .await
            .map_err(|e| SendError::Transport(e.to_string()))?;
        let status = response.status();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(SendError::Transport(format!("HTTP {status}")));
        }
        response
            .json::<R>()
            .await
            .map_err(|e| SendError::Transport(format!("HTTP {status}, unreadable answer: {e}")))
    }

    /// The current session; a new one if there is none or it is `stale`
    /// (the one a call was just refused with). Calls running at the same
    /// time that find the same session stale log in once between them.
    async fn session(&self, stale: Option<&str>) -> Result<String, SendError> {
        let mut session = self.session.lock().await;
        if let Some(current) = session.as_ref()
            && stale != Some(current.as_str())
        {
            return Ok(current.clone());
        }
        let login = Login {
            username: self.settings.username.clone(),
            password: self.settings.password.clone(),
        };
        let answer: Answer = self.post_as(&self.settings.auth_url, &login).await?;
        match (answer.error_code.is_success(), answer.session) {
            (true, Some(fresh)) => {
                *session = Some(fresh.clone());
                Ok(fresh)
            }
            _ => Err(SendError::LoginRefused(
                answer.message.unwrap_or_else(|| "login refused".to_owned()),
            )),
        }
    }

    /// Sends `data` (a list of records, or one object where the service
    /// takes one) to `service` for the unit `madonvi`, logging in (again)
    /// as needed.
    pub async fn send<D: Serialize + ?Sized>(
        &self,
        madonvi: &str,
        service_name: &str,
        is_updating: Option<bool>,
        data: &D,
    ) -> Result<Answer, SendError> {
        let answer: Answer = self
            .exchange(
                &self.settings.integration_url,
                |session| Call {
                    session,
                    madonvi: madonvi.to_owned(),
                    service: service_name.to_owned(),
                    isUpdating: is_updating.map(WireBool),
                    data,
                },
                Answer::session_expired,
            )
            .await?;
        if answer.error_code.is_success() {
            Ok(answer)
        } else if answer.already_exists() {
            Err(SendError::AlreadyExists)
        } else {
            Err(refused(answer))
        }
    }

    /// What the national portal holds of dossier `code` (`TraCuuHoSo`), if anything.
    pub async fn look_up(&self, madonvi: &str, code: &str) -> Result<Option<HoSo>, SendError> {
        let answer: Answer = self
            .exchange(
                &self.settings.integration_url,
                |session| TraCuuHoSo {
                    session,
                    madonvi: madonvi.to_owned(),
                    service: service::LOOK_UP.to_owned(),
                    mahoso: code.to_owned(),
                },
                Answer::session_expired,
            )
            .await?;
        if !answer.error_code.is_success() {
            return Err(refused(answer));
        }
        Ok(answer.result.and_then(|mut found| found.pop()))
    }

    /// Posts the body `make` builds around the session and reads the answer;
    /// once more with a fresh session if the answer says it `expired`. A
    /// fresh session refused too is a transport failure (retried later),
    /// not a refusal of the packet.
    async fn exchange<B: Serialize, R: DeserializeOwned>(
        &self,
        url: &str,
        make: impl Fn(String) -> B,
        expired: impl Fn(&R) -> bool,
    ) -> Result<R, SendError> {
        let first = self.session(None).await?;
        let answer: R = self.post_as(url, &make(first.clone())).await?;
        if !expired(&answer) {
            return Ok(answer);
        }
        let fresh = self.session(Some(&first)).await?;
        let answer: R = self.post_as(url, &make(fresh)).await?;
        if expired(&answer) {
            return Err(SendError::Transport(
                "the national portal refused a fresh session too".into(),
            ));
        }
        Ok(answer)
    }

    /// Reads `service_name` from the share endpoint for the unit `madonvi`,
    /// with the service's parameters (`share::NoParams`, `ByProcedure`…)
    /// beside the session: the records of the answer's `result`, each read as
    /// `T`. Logs in (again) as needed, like [`Client::send`]. An unreadable
    /// answer or record is a transport error, as for every other call.
    pub async fn share<P: Serialize, T: DeserializeOwned>(
        &self,
        madonvi: &str,
        service_name: &str,
        params: &P,
    ) -> Result<Vec<T>, SendError> {
        let url = &self.settings.share_url;
        self.records(url, madonvi, service_name, params)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, record)| {
                serde_json::from_value(record).map_err(|e| {
                    SendError::Transport(format!(
                        "{service_name}: record {} is unreadable: {e}",
                        i + 1
                    ))
                })
            })
            .collect()
    }

    /// The dossiers citizens submitted on the national portal to the unit
    /// `madonvi` that it has not seen taken in yet
    /// (`packets::service::PORTAL_DOSSIERS`), each as it came: one
    /// unreadable record must not hold back the others.
    pub async fn portal_dossiers(&self, madonvi: &str) -> Result<Vec<Value>, SendError> {
        let url = &self.settings.integration_url;
        self.records(url, madonvi, service::PORTAL_DOSSIERS, &NoParams {})
            .await
    }

    /// Downloads a file of a dossier submitted on the national portal, at
    /// most `max_bytes` of it. Only from the portal's own host (the
    /// integration endpoint's scheme, host and port): the address comes in a
    /// packet, and the portal must not be made to fetch anything else.
    pub async fn fetch_file(&self, url: &str, max_bytes: u64) -> Result<Vec<u8>, FetchError> {
        let wanted = reqwest::Url::parse(url)
            .map_err(|_| FetchError::Refused(format!("`{url}` is not an address")))?;
        if !self.is_portal_origin(&wanted) {
            return Err(FetchError::Refused(format!(
                "`{url}` is not on the national portal's host"
            )));
        }
        let mut response = self
            .http
            .get(wanted)
            .send()
            .await
            .map_err(|e| FetchError::Transport(e.to_string()))?;
        let status = response.status();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(FetchError::Transport(format!("HTTP {status}")));
        }
        if !status.is_success() {
            return Err(FetchError::Refused(format!("HTTP {status}")));
        }
        let too_large = || FetchError::Refused(format!("larger than {max_bytes} bytes"));
        if response.content_length().is_some_and(|n| n > max_bytes) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::Transport(e.to_string()))?
        {
            if (body.len() + chunk.len()) as u64 > max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Whether `url` has the integration endpoint's scheme, host and port.
    fn is_portal_origin(&self, url: &reqwest::Url) -> bool {
        let origin = |u: &reqwest::Url| {
            (
                u.scheme().to_owned(),
                u.host_str().map(str::to_owned),
                u.port_or_known_default(),
            )
        };
        reqwest::Url::parse(&self.settings.integration_url).is_ok_and(|p| origin(&p) == origin(url))
    }

    /// Whether `path`, from a packet, names a file of the national portal's
    /// own: a path on its host (`/pakn/…`) or an address on it. Only those
    /// are asked for (`LayTaiLieuPAKN`), as `fetch_file` fetches only from it.
    pub fn is_portal_path(&self, path: &str) -> bool {
        let path = path.trim();
        if path.starts_with('/') && !path.starts_with("//") {
            return !path.contains('\\');
        }
        reqwest::Url::parse(path).is_ok_and(|u| self.is_portal_origin(&u))
    }

    /// The records of a listing call's `result`.
    async fn records<P: Serialize>(
        &self,
        url: &str,
        madonvi: &str,
        service_name: &str,
        params: &P,
    ) -> Result<Vec<Value>, SendError> {
        let answer: ShareAnswer<Value> = self
            .exchange(
                url,
                |session| ShareCall {
                    session,
                    madonvi: madonvi.to_owned(),
                    service: service_name.to_owned(),
                    params,
                },
                |answer: &ShareAnswer<Value>| answer.status().session_expired(),
            )
            .await?;
        let status = answer.status();
        if !status.error_code.is_success() {
            return Err(refused(status));
        }
        Ok(answer.result)
    }
}

fn refused(answer: Answer) -> SendError {
    SendError::Refused {
        code: answer.error_code.0,
        message: answer.message.unwrap_or_default(),
    }
}
