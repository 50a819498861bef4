//! What the sender's side of petitions (`petitions`) and questions
//! (`questions`) shares: who may read a case, and how a submission is made
//! idempotent and answered.

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use store::{PetitionRecord, QuestionRecord};

use crate::auth::Caller;
use crate::citizen::tracking_secret;
use crate::error::ApiError;

/// A case as its sender's side sees it: the account it was sent from, and
/// the tracking secret given to its sender.
pub(crate) trait SentCase {
    fn owner(&self) -> Option<&str>;
    fn holds_secret(&self, secret: &str) -> bool;
}

impl SentCase for PetitionRecord {
    fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }
    fn holds_secret(&self, secret: &str) -> bool {
        PetitionRecord::holds_secret(self, secret)
    }
}

impl SentCase for QuestionRecord {
    fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }
    fn holds_secret(&self, secret: &str) -> bool {
        QuestionRecord::holds_secret(self, secret)
    }
}

/// The case `found` (with its steps), if the request holds it: the
/// tracking secret in `X-Tracking-Secret`, or the account it was sent from.
/// To anyone else it does not exist (`not_found`).
pub(crate) fn held_by_request<R: SentCase, S>(
    found: (R, Vec<S>),
    headers: &HeaderMap,
    caller: Option<&Caller>,
    not_found: ApiError,
) -> Result<(R, Vec<S>), ApiError> {
    let case = &found.0;
    let secret = tracking_secret(headers);
    let by_secret = secret.is_some_and(|s| case.holds_secret(s));
    let by_account = caller.is_some_and(|c| case.owner() == Some(c.subject.as_str()));
    if by_secret || by_account {
        Ok(found)
    } else {
        Err(not_found)
    }
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
