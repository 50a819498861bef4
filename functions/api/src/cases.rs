//! What the sender's side of petitions (`petitions`) and questions
//! (`questions`) shares: who may read a case, and how a submission is made
//! idempotent and answered.

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::citizen::TRACKING_SECRET_HEADER;

/// Whether the request holds a case: the tracking secret it was given (for
/// which `holds_secret` checks the header), or the account it was sent from
/// (`owner`). To anyone else the case does not exist.
pub(crate) fn request_holds(
    headers: &HeaderMap,
    caller: Option<&Caller>,
    owner: Option<&str>,
    holds_secret: impl FnOnce(&str) -> bool,
) -> bool {
    let secret = headers
        .get(TRACKING_SECRET_HEADER)
        .and_then(|v| v.to_str().ok());
    let by_secret = secret.is_some_and(holds_secret);
    let by_account = caller.is_some_and(|c| owner == Some(c.subject.as_str()));
    by_secret || by_account
}

/// A new case's tracking secret (only its hash is kept on the case).
pub(crate) fn new_tracking_secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 18]>())
}

/// A submission's `Idempotency-Key`, scoped to its sender, and the SHA-256
/// of its body: a repeat of the same body returns the first case, another
/// body under the same key is refused.
pub(crate) struct Submission {
    key: Option<String>,
    scope: String,
    request_sha256: String,
}

impl Submission {
    /// `scope` is the account, or without one the sender's contact, so that
    /// one sender's key never returns another's case (and its secret).
    pub(crate) fn new(key: Option<String>, scope: String, body: &[u8]) -> Self {
        Self {
            key,
            scope,
            request_sha256: hex::encode(Sha256::digest(body)),
        }
    }

    /// As the store takes it: (scope, key, request hash), if a key was given.
    pub(crate) fn idempotency(&self) -> Option<(&str, &str, &str)> {
        self.key
            .as_deref()
            .map(|k| (self.scope.as_str(), k, self.request_sha256.as_str()))
    }
}

/// 201 for a new case, 200 for a repeat of an earlier submission.
pub(crate) fn receipt_status(replayed: bool) -> StatusCode {
    if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    }
}
