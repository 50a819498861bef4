use aws_smithy_types::error::display::DisplayErrorContext;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("the dossier was changed meanwhile; it is now at version {current}")]
    Conflict { current: u64 },
    #[error("this idempotency key was used for a different request")]
    IdempotencyMismatch,
    #[error("no dossier number is left for {0} today")]
    SequenceExhausted(String),
    #[error("could not issue a dossier number for {0}: too many concurrent writers")]
    Contention(String),
    #[error("the page cursor is not one this list issued")]
    BadCursor,
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("the storage service failed: {0}")]
    Unavailable(String),
}

impl StoreError {
    pub(crate) fn sdk<E: std::error::Error>(e: E) -> Self {
        StoreError::Unavailable(DisplayErrorContext(e).to_string())
    }

    pub(crate) fn corrupt(e: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
