//! One client per DVCQG account. Each agency may have its own account on
//! the national portal: its profile names the Secrets Manager secret that
//! holds it (`{"username": "…", "password": "…"}`); agencies without one use
//! the deployment's account. Secrets are read once per process and read
//! again after a login is refused, so a rotated password is picked up.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use tokio::sync::Mutex;

use crate::client::{Client, ClientSettings, SendError};

/// The deployment's own account: either given directly (local runs, tests)
/// or the name of its secret.
#[derive(Clone)]
pub enum Account {
    Given { username: String, password: String },
    Secret(String),
}

pub struct Connections {
    /// Endpoints and timeout; the account is filled in per client.
    endpoints: ClientSettings,
    default_account: Account,
    secrets: Option<aws_sdk_secretsmanager::Client>,
    clients: Mutex<HashMap<Option<String>, Arc<Client>>>,
}

#[derive(Deserialize)]
struct SecretAccount {
    username: String,
    password: String,
}

impl Connections {
    /// `endpoints` with `default_account`; `secrets` reads agencies' secrets
    /// (without it, every agency uses the default account).
    pub fn new(
        endpoints: ClientSettings,
        default_account: Account,
        secrets: Option<aws_sdk_secretsmanager::Client>,
    ) -> Self {
        Self {
            endpoints,
            default_account,
            secrets,
            clients: Mutex::default(),
        }
    }

    /// Every agency through the account in `settings` (tests, local runs).
    pub fn single(settings: ClientSettings) -> Self {
        let account = Account::Given {
            username: settings.username.clone(),
            password: settings.password.clone(),
        };
        Self::new(settings, account, None)
    }

    /// The client for an agency whose profile names `secret` (or none).
    pub async fn client(&self, secret: Option<&str>) -> Result<Arc<Client>, SendError> {
        let key = self.key(secret);
        let mut clients = self.clients.lock().await;
        if let Some(found) = clients.get(&key) {
            return Ok(found.clone());
        }
        let account = match &key {
            Some(name) => Account::Secret(name.clone()),
            None => self.default_account.clone(),
        };
        let (username, password) = self.resolve(&account).await?;
        let client = Arc::new(Client::new(ClientSettings {
            username,
            password,
            ..self.endpoints.clone()
        }));
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// Drops the client of `secret`, so the next call reads the secret again
    /// (after a refused login: the password may have been rotated).
    pub async fn forget(&self, secret: Option<&str>) {
        let key = self.key(secret);
        self.clients.lock().await.remove(&key);
    }

    /// An agency's own secret names its client only where secrets can be read.
    fn key(&self, secret: Option<&str>) -> Option<String> {
        secret.filter(|_| self.secrets.is_some()).map(str::to_owned)
    }

    async fn resolve(&self, account: &Account) -> Result<(String, String), SendError> {
        match account {
            Account::Given { username, password } => Ok((username.clone(), password.clone())),
            Account::Secret(name) => {
                let secrets = self.secrets.as_ref().ok_or_else(|| {
                    SendError::Transport(format!("secret `{name}`: no Secrets Manager client"))
                })?;
                let out = secrets
                    .get_secret_value()
                    .secret_id(name)
                    .send()
                    .await
                    .map_err(|e| {
                        SendError::Transport(format!(
                            "secret `{name}`: {}",
                            aws_sdk_secretsmanager::error::DisplayErrorContext(e)
                        ))
                    })?;
                let text = out.secret_string().unwrap_or_default();
                // Like a refused login: the packets are fine, the account is
                // not; retried, and read again once someone mends the secret.
                let account: SecretAccount = serde_json::from_str(text).map_err(|_| {
                    SendError::LoginRefused(format!(
                        "secret `{name}` is not {{\"username\": …, \"password\": …}}"
                    ))
                })?;
                Ok((account.username, account.password))
            }
        }
    }
}

impl Connections {
    /// Endpoints from `ClientSettings::from_env`; the deployment's account
    /// from `DVC_DVCQG_USERNAME` / `DVC_DVCQG_PASSWORD` when both are set,
    /// else from the secret named by `DVC_DVCQG_SECRET`.
    pub fn from_env(secrets: Option<aws_sdk_secretsmanager::Client>) -> Result<Self, String> {
        let endpoints = ClientSettings::from_env()?;
        let account = if !endpoints.username.is_empty() && !endpoints.password.is_empty() {
            Account::Given {
                username: endpoints.username.clone(),
                password: endpoints.password.clone(),
            }
        } else {
            let name = std::env::var("DVC_DVCQG_SECRET")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or(
                    "DVC_DVCQG_SECRET (or DVC_DVCQG_USERNAME and DVC_DVCQG_PASSWORD) is not set",
                )?;
            Account::Secret(name)
        };
        Ok(Self::new(endpoints, account, secrets))
    }
}
