//! What petitions (PAKN) and questions (hỏi đáp) are kept alike; both are
//! "cases" here. A case is the item `<KIND>#<code>` / `META` with its steps
//! (`EVENT#<seq:06>`) in the same partition. It is opened in one
//! transaction under a code drawn at random, which the put's condition
//! keeps unique, together with its idempotency record; it is moved under
//! optimistic concurrency; its lists are index partitions; and a step the
//! national portal must hear of writes an entry in the kind's own outbox
//! partition (`OUTBOX#DVCQG#PAKN`, `OUTBOX#DVCQG#HOIDAP`). Each kind's
//! record, keys and rules stay in `petitions.rs` and `questions.rs`.

use std::fmt::Display;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, WriteRequest};
use chrono::{NaiveDate, NaiveDateTime};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::audit::AuditEntry;
use crate::dossiers::{
    Item, cancellation_reasons, decode_index_cursor, encode_cursor, put, secret_hash, to_item,
};
use crate::error::StoreError;
use crate::outbox::deletes;
use crate::{Store, keys};

/// How long a repeated request returns the case the first one opened.
const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(24 * 3600);
/// Codes drawn before giving up: 31⁶ codes a day make even a second draw rare.
const CODE_ATTEMPTS: u32 = 8;
/// The scope of the idempotency records of cases taken from the national
/// portal.
const NATIONAL_SCOPE: &str = "DVCQG";

/// A kind of case: how its record is keyed and written.
pub(crate) trait Case: Clone + Serialize + DeserializeOwned {
    type Code: Clone + Display + Serialize + DeserializeOwned;
    type Step: Clone + Serialize + DeserializeOwned;
    /// What its codes are called in a `Contention` error ("petition codes").
    const CODES: &'static str;

    fn issue_code(day: NaiveDate, random: u64) -> Result<Self::Code, StoreError>;
    /// The case's partition, `<KIND>#<code>`.
    fn partition(code: &Self::Code) -> String;
    /// The idempotency record's partition for `key` in `scope`, apart from
    /// the other kinds' keys of the same scope.
    fn idempotency_partition(scope: &str, key: &str) -> String;
    /// The record's item, with the index keys of the lists it is in.
    fn item(&self) -> Item;
    fn step_seq(step: &Self::Step) -> u32;
    fn code(&self) -> &Self::Code;
    fn version(&self) -> u64;
}

/// A case just opened, or the one a repeat of its request opened.
#[derive(Debug, Clone)]
pub struct Opened<R> {
    pub record: R,
    pub tracking_secret: String,
    /// True when the same request (or the same national-portal case) had
    /// already been taken.
    pub replayed: bool,
}

/// One page of a list of cases.
#[derive(Debug, Clone)]
pub struct CasePage<R> {
    pub items: Vec<R>,
    pub next: Option<String>,
    /// Items DynamoDB read for this page (its `ScannedCount`).
    pub read: u32,
}

/// How a case's opening is made idempotent.
pub(crate) enum OpeningKey<'a> {
    /// None: every request opens a case.
    None,
    /// A repeat within the window, by `scope` (the account or contact),
    /// of the request whose SHA-256 is `request_sha256`.
    Request {
        scope: &'a str,
        key: &'a str,
        request_sha256: &'a str,
    },
    /// A case taken from the national portal, under its key there for
    /// good: the portal may list it again at any time.
    National(String),
}

impl<'a> OpeningKey<'a> {
    /// A case from the national portal is kept under its key there
    /// (`national`); any other is idempotent by its request's key, if the
    /// request came with one (`request`: scope, key, SHA-256 of the request).
    pub(crate) fn new(
        national: Option<String>,
        request: Option<(&'a str, &'a str, &'a str)>,
    ) -> Self {
        match (national, request) {
            (Some(key), _) => OpeningKey::National(key),
            (None, Some((scope, key, request_sha256))) => OpeningKey::Request {
                scope,
                key,
                request_sha256,
            },
            (None, None) => OpeningKey::None,
        }
    }
}

/// The step items: the whole history, one item per step.
#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct StepItem<S> {
    PK: String,
    SK: String,
    step: S,
}

/// Reads only the record of a case's item (its keys are derived from it).
#[derive(Deserialize)]
struct RecordOf<R> {
    record: R,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct IdempotencyItem<C> {
    PK: String,
    SK: String,
    request_sha256: String,
    code: C,
    tracking_secret: String,
    /// None for a national-portal case's key, which must outlive any window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
}

/// A pending packet for the national portal about case `code` (code type
/// `C`, packet kinds `P`), written with the step `seq` that calls for it;
/// the worker builds the packet from the case as it is when it sends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NationalSyncEntry<C, P> {
    /// The kind's outbox partition, so that a deferral, a dead letter or a
    /// removal finds the entry again.
    #[serde(rename = "PK")]
    partition: String,
    #[serde(rename = "SK")]
    sort_key: String,
    pub code: C,
    /// 0 for question entries written before entries kept their step.
    #[serde(default)]
    pub seq: u32,
    pub packet: P,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub not_before: Option<NaiveDateTime>,
    #[serde(default)]
    pub last_error: Option<String>,
}

impl<C, P> NationalSyncEntry<C, P> {
    pub fn is_due(&self, now: NaiveDateTime) -> bool {
        self.not_before.is_none_or(|t| t <= now)
    }
}

#[derive(Serialize)]
#[allow(non_snake_case)]
struct SyncItem<'a, C, P> {
    PK: &'a str,
    SK: &'a str,
    code: &'a C,
    seq: u32,
    packet: &'a P,
}

/// The records of case items read from an index.
pub(crate) fn records<R: DeserializeOwned>(items: Vec<Item>) -> Result<Vec<R>, StoreError> {
    items
        .into_iter()
        .map(|item| serde_dynamo::from_item::<_, RecordOf<R>>(item).map(|i| i.record))
        .collect::<Result<_, _>>()
        .map_err(StoreError::corrupt)
}

/// Whether `secret` hashes to `sha256`, the case's tracking secret.
pub(crate) fn secret_matches(sha256: &str, secret: &str) -> bool {
    let given = secret_hash(secret);
    // Constant-time comparison of the two hex digests.
    given.len() == sha256.len()
        && given
            .bytes()
            .zip(sha256.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

impl Store {
    /// The put of one step of case `code`.
    pub(crate) fn case_step_item<C: Case>(
        &self,
        code: &C::Code,
        step: &C::Step,
    ) -> TransactWriteItem {
        put(
            &self.settings.table,
            to_item(&StepItem {
                PK: C::partition(code),
                SK: keys::event(C::step_seq(step)),
                step,
            }),
            "attribute_not_exists(PK)",
        )
    }

    /// The put of a national-portal outbox entry in `partition` for step
    /// `seq` of case `code`, made at `at`.
    pub(crate) fn national_sync_item<C: Serialize + Display, P: Serialize>(
        &self,
        partition: &str,
        at: NaiveDateTime,
        code: &C,
        seq: u32,
        packet: P,
    ) -> TransactWriteItem {
        put(
            &self.settings.table,
            to_item(&SyncItem {
                PK: partition,
                SK: &format!("{}#{code}#{seq:06}", keys::stamp(at)),
                code,
                seq,
                packet: &packet,
            }),
            "attribute_not_exists(PK)",
        )
    }

    /// Opens a case: draws a code, and writes the record `opening` makes of
    /// it, the items it goes with (its first step, …) and the idempotency
    /// record in one transaction whose conditions keep the code unique; a code already
    /// taken is drawn again. A repeat of an idempotent request returns the
    /// case the first one opened.
    pub(crate) async fn open_case<C: Case>(
        &self,
        day: NaiveDate,
        tracking_secret: &str,
        key: OpeningKey<'_>,
        opening: impl Fn(C::Code) -> (C, Vec<TransactWriteItem>),
    ) -> Result<Opened<C>, StoreError> {
        let (idempotency, lasting) = match &key {
            OpeningKey::None => (None, false),
            OpeningKey::Request {
                scope,
                key,
                request_sha256,
            } => (Some((*scope, *key, *request_sha256)), false),
            OpeningKey::National(key) => (Some((NATIONAL_SCOPE, key.as_str(), key.as_str())), true),
        };
        for attempt in 0..CODE_ATTEMPTS {
            if let Some((scope, key, request_sha256)) = idempotency
                && let Some(done) = self.replay_case::<C>(scope, key, request_sha256).await?
            {
                return Ok(done);
            }
            let code = C::issue_code(day, rand::random::<u64>())?;
            let (record, more) = opening(code.clone());
            let mut items = vec![put(
                &self.settings.table,
                record.item(),
                "attribute_not_exists(PK)",
            )];
            items.extend(more);
            if let Some((scope, key, request_sha256)) = idempotency {
                let expires_at = (!lasting).then(|| {
                    SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .unwrap_or_default()
                        .saturating_add(IDEMPOTENCY_WINDOW)
                        .as_secs()
                });
                items.push(put(
                    &self.settings.table,
                    to_item(&IdempotencyItem {
                        PK: C::idempotency_partition(scope, key),
                        SK: keys::META.into(),
                        request_sha256: request_sha256.to_owned(),
                        code,
                        tracking_secret: tracking_secret.to_owned(),
                        expires_at,
                    }),
                    "attribute_not_exists(PK)",
                ));
            }
            let result = self
                .ddb
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await;
            let e = match result {
                Ok(_) => {
                    return Ok(Opened {
                        record,
                        tracking_secret: tracking_secret.to_owned(),
                        replayed: false,
                    });
                }
                Err(e) => e,
            };
            let reasons = cancellation_reasons(e.as_service_error());
            let retry = reasons
                .iter()
                .any(|r| r == "ConditionalCheckFailed" || r == "TransactionConflict");
            if !retry {
                return Err(StoreError::sdk(e));
            }
            // The code was taken, or the same request is being written by
            // another process: the next round replays or draws again.
            tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt + 1))).await;
        }
        Err(StoreError::Contention(C::CODES.into()))
    }

    async fn case_idempotency<C: Case>(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<IdempotencyItem<C::Code>>, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key(
                "PK",
                AttributeValue::S(C::idempotency_partition(scope, key)),
            )
            .key("SK", AttributeValue::S(keys::META.into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item;
        item.map(|item| serde_dynamo::from_item(item).map_err(StoreError::corrupt))
            .transpose()
    }

    async fn replay_case<C: Case>(
        &self,
        scope: &str,
        key: &str,
        request_sha256: &str,
    ) -> Result<Option<Opened<C>>, StoreError> {
        let Some(done) = self.case_idempotency::<C>(scope, key).await? else {
            return Ok(None);
        };
        if done.request_sha256 != request_sha256 {
            return Err(StoreError::IdempotencyMismatch);
        }
        let (record, _) = self.load_case::<C>(&done.code).await?;
        Ok(Some(Opened {
            record,
            tracking_secret: done.tracking_secret,
            replayed: true,
        }))
    }

    /// Our case for one the national portal listed under `key`, if it was
    /// taken in (one `GetItem`).
    pub(crate) async fn national_case<C: Case>(
        &self,
        key: &str,
    ) -> Result<Option<C::Code>, StoreError> {
        Ok(self
            .case_idempotency::<C>(NATIONAL_SCOPE, key)
            .await?
            .map(|d| d.code))
    }

    /// The case and its whole history, in one `Query`.
    pub(crate) async fn load_case<C: Case>(
        &self,
        code: &C::Code,
    ) -> Result<(C, Vec<C::Step>), StoreError> {
        let mut record = None;
        let mut steps = Vec::new();
        for item in self.partition(C::partition(code)).await? {
            let sk = item.get("SK").and_then(|v| v.as_s().ok());
            if sk.map(String::as_str) == Some(keys::META) {
                let item: RecordOf<C> =
                    serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
                record = Some(item.record);
            } else if sk.is_some_and(|sk| sk.starts_with("EVENT#")) {
                let item: StepItem<C::Step> =
                    serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
                steps.push(item.step);
            }
        }
        Ok((record.ok_or(StoreError::NotFound)?, steps))
    }

    /// Writes a move of a case: the record as it is now (its version one
    /// more than the version it was read at), `more` (the step and what it
    /// calls for) and the official's audit record, in one transaction.
    /// Fails with `Conflict` if someone moved the case meanwhile.
    pub(crate) async fn record_case_change<C: Case>(
        &self,
        record: &C,
        more: Vec<TransactWriteItem>,
        audit: Option<&AuditEntry>,
    ) -> Result<(), StoreError> {
        if self
            .write_versioned(record.item(), record.version(), more, audit)
            .await?
        {
            Ok(())
        } else {
            let (current, _) = self.load_case::<C>(record.code()).await?;
            Err(StoreError::Conflict {
                current: current.version(),
            })
        }
    }

    /// One page of the cases in `partition` of `index` (one `Query`), in
    /// order of its sort key or, `newest_first`, the other way; with
    /// `sort_before`, only those whose sort key is below it (a key range,
    /// not a filter).
    pub(crate) async fn case_page<R: DeserializeOwned>(
        &self,
        index: &str,
        partition: String,
        sort_before: Option<String>,
        newest_first: bool,
        limit: u16,
        cursor: Option<&str>,
    ) -> Result<CasePage<R>, StoreError> {
        let start = cursor
            .map(|c| decode_index_cursor(c, index, &partition))
            .transpose()?;
        let mut request = self
            .ddb
            .query()
            .table_name(&self.settings.table)
            .index_name(index)
            .expression_attribute_values(":pk", AttributeValue::S(partition))
            .scan_index_forward(!newest_first)
            .limit(i32::from(limit.clamp(1, 100)))
            .set_exclusive_start_key(start);
        request = match sort_before {
            Some(before) => request
                .key_condition_expression(format!("{index}PK = :pk AND {index}SK < :before"))
                .expression_attribute_values(":before", AttributeValue::S(before)),
            None => request.key_condition_expression(format!("{index}PK = :pk")),
        };
        let out = request.send().await.map_err(StoreError::sdk)?;
        Ok(CasePage {
            items: records(out.items.unwrap_or_default())?,
            next: out.last_evaluated_key.map(|k| encode_cursor(&k)),
            read: u32::try_from(out.scanned_count).unwrap_or(0),
        })
    }

    /// Every case in `partition` of `index`, in order of its sort key or,
    /// `newest_first`, the other way: one `Query` per 1 MB page.
    pub(crate) async fn all_cases<R: DeserializeOwned>(
        &self,
        index: &str,
        partition: &str,
        newest_first: bool,
    ) -> Result<Vec<R>, StoreError> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .ddb
                .query()
                .table_name(&self.settings.table)
                .index_name(index)
                .key_condition_expression(format!("{index}PK = :pk"))
                .expression_attribute_values(":pk", AttributeValue::S(partition.into()))
                .scan_index_forward(!newest_first)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            found.extend(records(out.items.unwrap_or_default())?);
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(found);
            }
        }
    }

    /// The oldest pending entries of the national-portal outbox
    /// `partition`, at most `limit` (one `Query`).
    pub(crate) async fn pending_national_sync<C, P>(
        &self,
        partition: &str,
        limit: u16,
    ) -> Result<Vec<NationalSyncEntry<C, P>>, StoreError>
    where
        NationalSyncEntry<C, P>: DeserializeOwned,
    {
        let (entries, _) = self
            .entries_page(partition, i32::from(limit.clamp(1, 1000)), None)
            .await?;
        Ok(entries)
    }

    /// Records a failed attempt: the count, the error, and when to try again.
    pub async fn defer_national_sync<C, P>(
        &self,
        entry: &NationalSyncEntry<C, P>,
        not_before: NaiveDateTime,
        error: &str,
    ) -> Result<(), StoreError> {
        self.defer_entry(
            &entry.partition,
            &entry.sort_key,
            entry.attempts,
            not_before,
            error,
        )
        .await
    }

    /// Moves an entry that cannot be delivered to its outbox's dead letters
    /// (`<partition>#DEAD`), with the reason, in one transaction.
    pub async fn dead_letter_national_sync<C: Serialize, P: Serialize>(
        &self,
        entry: &NationalSyncEntry<C, P>,
        error: &str,
    ) -> Result<(), StoreError> {
        let fields = to_item(&SyncItem {
            PK: &entry.partition,
            SK: &entry.sort_key,
            code: &entry.code,
            seq: entry.seq,
            packet: &entry.packet,
        });
        self.dead_letter_entry(fields, entry.attempts, error).await
    }

    /// Marks national-portal packets delivered.
    pub async fn remove_national_sync<C, P>(
        &self,
        entries: &[NationalSyncEntry<C, P>],
    ) -> Result<(), StoreError> {
        let requests: Vec<WriteRequest> = entries
            .iter()
            .flat_map(|e| deletes(&e.partition, std::iter::once(e.sort_key.as_str())))
            .collect();
        self.batch_write(requests).await
    }
}
