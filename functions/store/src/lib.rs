//! Records and files of the portal: the DynamoDB single-table design and S3
//! attachments. Every read path is one `GetItem` or `Query`, or a
//! `BatchGetItem` of known keys; no `Scan`.
//!
//! Table layout (one table, string keys `PK`/`SK`):
//!
//! | item | PK | SK | notes |
//! |---|---|---|---|
//! | dossier | `DOSSIER#<code>` | `META` | current stage, status, deadline, files, version; GSI1 owner, GSI2 queue |
//! | its events | `DOSSIER#<code>` | `EVENT#<seq:06>` | the history, one item per event |
//! | sync hold | `DOSSIER#<code>` | `SYNC#HELD` | its DVCQG entries wait behind a dead letter |
//! | rating | `DOSSIER#<code>` | `RATING` | the applicant's rating; GSI3 `RATINGS#<agency>#<YYYY-MM>` / `<given_at>#<code>` |
//! | petition (PAKN) | `PETITION#<code>` | `META` | stage, deadlines, contact, files, version; GSI1 `OWNER#<subject hash>#PAKN` / `<received_at>#<code>` when sent from an account, GSI2 its queue, GSI3 `PAKN#<agency>#<YYYY-MM>` / `<received_at>#<code>` |
//! | its steps | `PETITION#<code>` | `EVENT#<seq:06>` | the history, one item per move, with the official who made it |
//! | question (hỏi đáp) | `QUESTION#<code>` | `META` | stage, question, asker, answer, origin, version; GSI2 its list, GSI3 `HOIDAP#PUBLISHED` / `<published_at>#<code>` while its answer is on the site |
//! | its steps | `QUESTION#<code>` | `EVENT#<seq:06>` | the history, one item per move, with the official who made it |
//! | day sequence | `COUNTER#<agency>#<YYMMDD>` | `META` | `seq`, the last dossier number issued |
//! | outbox | `OUTBOX#DVCQG` / `OUTBOX#NOTIFY` | `<time>#<code>#<seq:06>` | written with the change; `…#repair` resends a dossier whole |
//! | published answer | `PAKN#PUBLISHED` | `<code>` | the public record of a petition's published answer (nothing of the sender), for the site; written by the publication, deleted by a reopening |
//! | PAKN packets | `OUTBOX#DVCQG#PAKN` (dead: `…#DEAD`) | `<time>#<code>#<seq:06>` | `packet` = `petition` or `result`, written with the step that calls for it; a petition taken from the national portal is kept under the idempotency key `PAKN#DVCQG#<MaPAKN>` (owner `DVCQG`, never expiring) |
//! | petition messages | `OUTBOX#NOTIFY#PAKN` | `<time>#<code>#<seq:06>` | one per step, written with it; `notify` says which are news to the sender |
//! | dead letters | `OUTBOX#DVCQG#DEAD` | as in the outbox | entries that could not be delivered |
//! | question packets | `OUTBOX#DVCQG#HOIDAP` (dead: `…#DEAD`) | `<time>#<code>#<seq:06>` | `packet` = `answer` or `question`, `seq` the move that calls for it, written with it |
//! | idempotency | `IDEMPOTENCY#<owner>#<key>` | `META` | expires by TTL (`expires_at`); a petition's key is `PAKN#<key>`, its owner the account or `phone:<number>`; a question's `HOIDAP#<key>`, its owner the account or the contact, and `HOIDAP#DVCQG#<HOIDAPID>` (owner `DVCQG`, never expiring) for one taken from the national portal |
//! | procedure | `PROCEDURE#<code>` | `META` | the catalogue record as JSON |
//! | audit record | `AUDIT#<agency>#<YYYY-MM>` | `<time>#<uuid v7>` | written with the change |
//! | agency, departments, routes, officials | see `directory.rs` | | |
//!
//! GSI1 (`GSI1PK` = `OWNER#<subject>`, `GSI1SK` = `<received_at>#<code>`): "my dossiers";
//! `OWNER#<subject>#PAKN`, "my petitions"; also `STAFF#<agency>` (officials by name) and `AGENCIES`.
//! GSI2 (`GSI2PK` = `QUEUE#<agency>#<holder>`, `GSI2SK` = `<due>#<code>`): work queues,
//! holder = `DESK`, `APPLICANT`, `DEPT#<id>`, `APPROVAL#<id>` or `USER#<subject hash>`;
//! sparse: a finished dossier has no GSI2 keys, so it leaves every queue.
//! Petitions: `QUEUE#<agency>#PAKN` / `<answer_by>#<code>` while the agency owes the answer,
//! `…#PAKN#WAITING` / `<asked_at>#<code>` while the sender owes information, `…#PAKN#PUBLISH` /
//! `<publish_by>#<code>` while a consented answer is not yet published; none once refused or done.
//! Questions: `QUEUE#<agency>#HOIDAP` / `<asked_at>#<code>` while unanswered,
//! `…#HOIDAP#PUBLISH` / `<answered_at>#<code>` while answered and not on the site (no answer-by
//! date: none is set by law).
//! GSI3 (`GSI3PK` = `REGISTER#<agency>#<YYYY-MM>`, `GSI3SK` = `<received_at>#<code>`): the
//! register (Mẫu 06) and the supervision figures, by month of receipt; also
//! `RATINGS#<agency>#<YYYY-MM>`, the month's ratings, and `PAKN#<agency>#<YYYY-MM>`, the
//! petitions received in the month; also `HOIDAP#PUBLISHED`, every published answer of the
//! deployment, newest first, one partition for the site's publication (published answers
//! are few, and the site is the deployment's whole).

mod access_log;
mod attachments;
mod audit;
mod batch;
mod cases;
mod directory;
mod dossiers;
mod error;
mod keys;
mod metrics;
mod outbox;
mod petitions;
mod procedures;
mod questions;
mod queues;
mod ratings;
mod schema;
mod settings;

pub use access_log::{ACTOR, AccessLog, KeyAccess};
pub use attachments::{
    AttachmentError, FileKind, FileLimits, StoredFile, UploadRequest, UploadTicket, VerifiedUpload,
};
pub use audit::{AuditEntry, AuditPage};
pub use cases::{CasePage, NationalSyncEntry, Opened};
pub use directory::{AgencySetup, RouteRecord};
pub use dossiers::{
    DossierPage, DossierRecord, DossierResult, Finished, HandedPaper, Milestones, NationalOrigin,
    NewDossier, Submitted, secret_hash,
};
pub use error::StoreError;
pub use metrics::RequestCounter;
pub use outbox::{OutboxEntry, OutboxKind};
pub use petitions::{
    NationalPetition, NewPetition, PetitionContact, PetitionNotice, PetitionPacket, PetitionPage,
    PetitionQueue, PetitionRecord, PetitionStep, PetitionSubmitted, PetitionSyncEntry,
    PublishedPetition, RecordedAnswer, published_petition_path,
};
pub use questions::{
    Answerer, NewQuestion, QuestionAsked, QuestionPacket, QuestionPage, QuestionQueue,
    QuestionRecord, QuestionStep, QuestionSyncEntry, StoredAnswer,
};
pub use queues::{QueueFilter, QueuePage};
pub use ratings::{RatingWrite, StoredRating};
pub use schema::{INDEXES, IndexKeys, TABLE_KEYS, TTL_ATTRIBUTE, create_bucket, create_table};
pub use settings::StoreSettings;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Handles to the table and the bucket. Cheap to clone; build once per process.
#[derive(Clone)]
pub struct Store {
    ddb: aws_sdk_dynamodb::Client,
    s3: aws_sdk_s3::Client,
    settings: Arc<StoreSettings>,
    /// Serialises code issuing per agency and day inside this process, so
    /// concurrent submissions queue instead of retrying against each other.
    /// Per dossier-number counter, this process's turn to issue one, with
    /// the last value it saw (so a turn need not read the counter again).
    sequence_locks: Arc<Mutex<HashMap<String, SequenceTurn>>>,
}

/// A dossier-number counter's turn, holding the last number this process wrote.
type SequenceTurn = Arc<tokio::sync::Mutex<Option<u32>>>;

impl Store {
    pub fn new(sdk: &aws_config::SdkConfig, settings: StoreSettings) -> Self {
        Self::observed(sdk, settings, None, None)
    }

    /// A store whose DynamoDB requests are counted (tests and benchmarks).
    pub fn with_counter(
        sdk: &aws_config::SdkConfig,
        settings: StoreSettings,
        counter: RequestCounter,
    ) -> Self {
        Self::observed(sdk, settings, Some(counter), None)
    }

    /// A store whose DynamoDB requests are counted, logged with the keys
    /// they touch, or both (tests and benchmarks).
    pub fn observed(
        sdk: &aws_config::SdkConfig,
        settings: StoreSettings,
        counter: Option<RequestCounter>,
        access_log: Option<AccessLog>,
    ) -> Self {
        let mut ddb = aws_sdk_dynamodb::config::Builder::from(sdk);
        if let Some(counter) = counter {
            ddb = ddb.interceptor(counter);
        }
        if let Some(log) = access_log {
            ddb = ddb.interceptor(log);
        }
        let s3 = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(settings.s3_path_style)
            .build();
        Self {
            ddb: aws_sdk_dynamodb::Client::from_conf(ddb.build()),
            s3: aws_sdk_s3::Client::from_conf(s3),
            settings: Arc::new(settings),
            sequence_locks: Arc::default(),
        }
    }

    pub fn settings(&self) -> &StoreSettings {
        &self.settings
    }

    /// Opens the connections now (Lambda init) rather than on the first
    /// request, with a read every API function's role allows (its agency).
    pub async fn warm_up(&self, agency: &domain::AgencyCode) {
        let _ = self.get_agency(agency).await;
    }

    fn sequence_lock(&self, key: &str) -> SequenceTurn {
        let mut locks = self.sequence_locks.lock().expect("lock map poisoned");
        locks.entry(key.to_owned()).or_default().clone()
    }
}
