//! Dossiers: submission in one transaction, loading with one query, "my
//! dossiers" with one query per page, and later changes under optimistic
//! concurrency.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use domain::{
    AgencyCode, Applicant, Channel, DossierCode, Event, MAX_DAILY_SEQUENCE, NationalStatus,
    ProcedureCode, ResolutionTime, ResultDelivery, Stage,
};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::attachments::StoredFile;
use crate::error::StoreError;
use crate::{Store, keys};

/// Everything the portal keeps on the dossier item itself, so that lists and
/// queues never need one call per row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRecord {
    pub code: DossierCode,
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub agency: AgencyCode,
    /// The identity-provider subject of the applicant's account.
    pub owner: String,
    pub channel: Channel,
    pub applicant: Applicant,
    pub summary: String,
    pub result_delivery: ResultDelivery,
    pub resolution: Option<ResolutionTime>,
    pub received_at: NaiveDateTime,
    pub due_at: Option<NaiveDateTime>,
    pub stage: Stage,
    pub status: NationalStatus,
    /// Bumped by every change; a change names the version it was based on.
    pub version: u64,
    pub files: Vec<StoredFile>,
    /// SHA-256 (hex) of the tracking secret given to the applicant.
    pub tracking_secret_sha256: String,
}

/// A dossier about to be submitted; the store gives it its code.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub agency: AgencyCode,
    pub owner: String,
    pub channel: Channel,
    pub applicant: Applicant,
    pub summary: String,
    pub result_delivery: ResultDelivery,
    pub resolution: Option<ResolutionTime>,
    pub due_at: Option<NaiveDateTime>,
    pub files: Vec<StoredFile>,
    /// The secret the applicant tracks the dossier with; only its hash is kept
    /// on the dossier, the secret itself only for the idempotency window.
    pub tracking_secret: String,
    /// The opening event (seq 1); its time is the receipt time.
    pub opening: Event,
}

#[derive(Debug, Clone)]
pub struct Submitted {
    pub record: DossierRecord,
    pub tracking_secret: String,
    /// True when the same request had already been submitted.
    pub replayed: bool,
}

/// SHA-256 (hex) of a tracking secret, as kept on the dossier.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

#[derive(Debug, Clone)]
pub struct DossierPage {
    pub items: Vec<DossierRecord>,
    /// Opaque cursor for the next page, if there is one.
    pub next: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct DossierItem {
    PK: String,
    SK: String,
    GSI1PK: String,
    GSI1SK: String,
    GSI2PK: String,
    GSI2SK: String,
    version: u64,
    record: DossierRecord,
}

impl From<&DossierRecord> for DossierItem {
    fn from(r: &DossierRecord) -> Self {
        DossierItem {
            PK: keys::dossier(&r.code),
            SK: keys::META.into(),
            GSI1PK: keys::owner_index(&r.owner),
            GSI1SK: keys::owner_sort(r.received_at, &r.code),
            GSI2PK: keys::queue(&r.agency, r.status),
            GSI2SK: keys::queue_sort(r.due_at, &r.code),
            version: r.version,
            record: r.clone(),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct EventItem {
    PK: String,
    SK: String,
    event: Event,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct OutboxItem {
    PK: String,
    SK: String,
    code: DossierCode,
    seq: u32,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct IdempotencyItem {
    PK: String,
    SK: String,
    request_sha256: String,
    code: DossierCode,
    tracking_secret: String,
    expires_at: u64,
}

type Item = HashMap<String, AttributeValue>;

fn to_item<T: Serialize>(value: &T) -> Item {
    serde_dynamo::to_item(value).expect("records serialise to items")
}

fn put(table: &str, item: Item, condition: &str) -> TransactWriteItem {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression(condition)
        .build()
        .expect("table and item are set");
    TransactWriteItem::builder().put(put).build()
}

/// How long a repeated submission returns the first one's dossier.
const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(24 * 3600);
const SEQUENCE_ATTEMPTS: u32 = 40;

impl Store {
    fn event_items(&self, code: &DossierCode, event: &Event) -> Vec<TransactWriteItem> {
        let table = &self.settings.table;
        let outbox = |pk: &str| OutboxItem {
            PK: pk.to_owned(),
            SK: keys::outbox_entry(event.at, code, event.seq),
            code: code.clone(),
            seq: event.seq,
        };
        vec![
            put(
                table,
                to_item(&EventItem {
                    PK: keys::dossier(code),
                    SK: keys::event(event.seq),
                    event: event.clone(),
                }),
                "attribute_not_exists(PK)",
            ),
            put(
                table,
                to_item(&outbox(keys::OUTBOX_DVCQG)),
                "attribute_not_exists(PK)",
            ),
            put(
                table,
                to_item(&outbox(keys::OUTBOX_NOTIFY)),
                "attribute_not_exists(PK)",
            ),
        ]
    }

    /// Submits a dossier: issues the next code of its agency and day and
    /// writes the dossier, its opening event, the day's counter, the outbox
    /// records and the idempotency record in one transaction. With an
    /// idempotency key (and the SHA-256 of the request), a repeat returns the
    /// first dossier.
    pub async fn submit(
        &self,
        new: NewDossier,
        idempotency: Option<(&str, &str)>,
    ) -> Result<Submitted, StoreError> {
        let day = new.opening.at.date();
        let counter_key = keys::counter(&new.agency, day);
        let lock = self.sequence_lock(&counter_key);
        let _turn = lock.lock().await;
        if let Some((key, request_sha256)) = idempotency
            && let Some(done) = self.replay(&new.owner, key, request_sha256).await?
        {
            return Ok(done);
        }
        for attempt in 0..SEQUENCE_ATTEMPTS {
            let current = self.current_sequence(&counter_key).await?;
            let sequence = current + 1;
            if sequence > MAX_DAILY_SEQUENCE {
                return Err(StoreError::SequenceExhausted(new.agency.to_string()));
            }
            let code =
                DossierCode::issue(&new.agency, day, sequence).map_err(StoreError::corrupt)?;
            let record = DossierRecord {
                code: code.clone(),
                procedure_code: new.procedure_code.clone(),
                procedure_name: new.procedure_name.clone(),
                agency: new.agency.clone(),
                owner: new.owner.clone(),
                channel: new.channel,
                applicant: new.applicant.clone(),
                summary: new.summary.clone(),
                result_delivery: new.result_delivery.clone(),
                resolution: new.resolution,
                received_at: new.opening.at,
                due_at: new.due_at,
                stage: new.opening.to,
                status: new.opening.to.national(),
                version: 1,
                files: new.files.clone(),
                tracking_secret_sha256: secret_hash(&new.tracking_secret),
            };
            let mut items = vec![self.counter_update(&counter_key, current, sequence)];
            items.push(put(
                &self.settings.table,
                to_item(&DossierItem::from(&record)),
                "attribute_not_exists(PK)",
            ));
            items.extend(self.event_items(&code, &new.opening));
            if let Some((key, request_sha256)) = idempotency {
                let expires_at = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .saturating_add(IDEMPOTENCY_WINDOW)
                    .as_secs();
                let item = IdempotencyItem {
                    PK: keys::idempotency(&new.owner, key),
                    SK: keys::META.into(),
                    request_sha256: request_sha256.to_owned(),
                    code: code.clone(),
                    tracking_secret: new.tracking_secret.clone(),
                    expires_at,
                };
                items.push(put(
                    &self.settings.table,
                    to_item(&item),
                    "attribute_not_exists(PK)",
                ));
            }
            let result = self
                .ddb
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await;
            match result {
                Ok(_) => {
                    return Ok(Submitted {
                        record,
                        tracking_secret: new.tracking_secret,
                        replayed: false,
                    });
                }
                Err(e) => {
                    let reasons = cancellation_reasons(e.as_service_error());
                    let failed = |i: usize| {
                        reasons.get(i).map(String::as_str) == Some("ConditionalCheckFailed")
                    };
                    let idempotency_failed =
                        idempotency.is_some() && failed(reasons.len().saturating_sub(1));
                    if idempotency_failed && let Some((key, request_sha256)) = idempotency {
                        // Another process submitted the same request meanwhile.
                        return match self.replay(&new.owner, key, request_sha256).await? {
                            Some(done) => Ok(done),
                            None => Err(StoreError::Contention(counter_key)),
                        };
                    }
                    if failed(0) || failed(1) {
                        // Another process issued this number first: take the next one.
                        let jitter = rand::rng().random_range(1..=20u64);
                        tokio::time::sleep(Duration::from_millis(
                            jitter * u64::from(attempt.min(10) + 1),
                        ))
                        .await;
                        continue;
                    }
                    return Err(StoreError::sdk(e));
                }
            }
        }
        Err(StoreError::Contention(counter_key))
    }

    async fn replay(
        &self,
        owner: &str,
        key: &str,
        request_sha256: &str,
    ) -> Result<Option<Submitted>, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(keys::idempotency(owner, key)))
            .key("SK", AttributeValue::S(keys::META.into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item;
        let Some(item) = item else { return Ok(None) };
        let done: IdempotencyItem = serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
        if done.request_sha256 != request_sha256 {
            return Err(StoreError::IdempotencyMismatch);
        }
        let record = self.get_record(&done.code).await?;
        Ok(Some(Submitted {
            record,
            tracking_secret: done.tracking_secret,
            replayed: true,
        }))
    }

    async fn current_sequence(&self, counter_key: &str) -> Result<u32, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(counter_key.to_owned()))
            .key("SK", AttributeValue::S(keys::META.into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item;
        match item.as_ref().and_then(|i| i.get("seq")) {
            None => Ok(0),
            Some(AttributeValue::N(n)) => n.parse().map_err(StoreError::corrupt),
            Some(other) => Err(StoreError::corrupt(format!(
                "counter {counter_key} holds {other:?}"
            ))),
        }
    }

    fn counter_update(&self, counter_key: &str, current: u32, next: u32) -> TransactWriteItem {
        let update = Update::builder()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(counter_key.to_owned()))
            .key("SK", AttributeValue::S(keys::META.into()))
            .update_expression("SET seq = :next")
            .expression_attribute_values(":next", AttributeValue::N(next.to_string()));
        let update = if current == 0 {
            update.condition_expression("attribute_not_exists(seq)")
        } else {
            update
                .condition_expression("seq = :current")
                .expression_attribute_values(":current", AttributeValue::N(current.to_string()))
        };
        TransactWriteItem::builder()
            .update(update.build().expect("table, key and expression are set"))
            .build()
    }

    /// The dossier item alone (one `GetItem`).
    pub async fn get_record(&self, code: &DossierCode) -> Result<DossierRecord, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(keys::dossier(code)))
            .key("SK", AttributeValue::S(keys::META.into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item
            .ok_or(StoreError::NotFound)?;
        let item: DossierItem = serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
        Ok(item.record)
    }

    /// The dossier and its whole history, in one `Query`.
    pub async fn load(
        &self,
        code: &DossierCode,
    ) -> Result<(DossierRecord, Vec<Event>), StoreError> {
        let mut record = None;
        let mut events = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .ddb
                .query()
                .table_name(&self.settings.table)
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(keys::dossier(code)))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            for item in out.items.unwrap_or_default() {
                let sk = item
                    .get("SK")
                    .and_then(|v| v.as_s().ok())
                    .cloned()
                    .unwrap_or_default();
                if sk == keys::META {
                    let item: DossierItem =
                        serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
                    record = Some(item.record);
                } else if sk.starts_with("EVENT#") {
                    let item: EventItem =
                        serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
                    events.push(item.event);
                }
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        Ok((record.ok_or(StoreError::NotFound)?, events))
    }

    /// Writes a change: the dossier item as it is now (its version one more
    /// than the version it was read at) and the event that made it, with the
    /// outbox records. Fails with `Conflict` if someone changed it meanwhile.
    pub async fn record_change(
        &self,
        record: &DossierRecord,
        event: &Event,
    ) -> Result<(), StoreError> {
        let based_on = record
            .version
            .checked_sub(1)
            .ok_or_else(|| StoreError::corrupt("version 0"))?;
        let meta = Put::builder()
            .table_name(&self.settings.table)
            .set_item(Some(to_item(&DossierItem::from(record))))
            .condition_expression("version = :based_on")
            .expression_attribute_values(":based_on", AttributeValue::N(based_on.to_string()))
            .build()
            .expect("table and item are set");
        let mut items = vec![TransactWriteItem::builder().put(meta).build()];
        items.extend(self.event_items(&record.code, event));
        let result = self
            .ddb
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let reasons = cancellation_reasons(e.as_service_error());
                if reasons.iter().any(|r| r == "ConditionalCheckFailed") {
                    let current = self.get_record(&record.code).await?.version;
                    Err(StoreError::Conflict { current })
                } else {
                    Err(StoreError::sdk(e))
                }
            }
        }
    }

    /// One page of `owner`'s dossiers, newest first (one `Query`).
    pub async fn list_by_owner(
        &self,
        owner: &str,
        limit: u16,
        cursor: Option<&str>,
    ) -> Result<DossierPage, StoreError> {
        let partition = keys::owner_index(owner);
        let start = cursor.map(|c| decode_cursor(c, &partition)).transpose()?;
        let out = self
            .ddb
            .query()
            .table_name(&self.settings.table)
            .index_name("GSI1")
            .key_condition_expression("GSI1PK = :owner")
            .expression_attribute_values(":owner", AttributeValue::S(partition))
            .scan_index_forward(false)
            .limit(i32::from(limit.clamp(1, 100)))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(StoreError::sdk)?;
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| serde_dynamo::from_item::<_, DossierItem>(item).map(|i| i.record))
            .collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::corrupt)?;
        Ok(DossierPage {
            items,
            next: out.last_evaluated_key.map(|k| encode_cursor(&k)),
        })
    }
}

fn cancellation_reasons(error: Option<&TransactWriteItemsError>) -> Vec<String> {
    match error {
        Some(TransactWriteItemsError::TransactionCanceledException(e)) => e
            .cancellation_reasons()
            .iter()
            .map(|r| r.code().unwrap_or("None").to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

fn encode_cursor(key: &Item) -> String {
    let plain: HashMap<&str, &str> = key
        .iter()
        .filter_map(|(k, v)| v.as_s().ok().map(|s| (k.as_str(), s.as_str())))
        .collect();
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&plain).expect("strings serialise"))
}

/// A cursor is only accepted for the partition it was issued for, so it
/// cannot be used to read someone else's list.
fn decode_cursor(cursor: &str, partition: &str) -> Result<Item, StoreError> {
    let bad = || StoreError::corrupt("invalid page cursor");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let plain: HashMap<String, String> = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let allowed = ["PK", "SK", "GSI1PK", "GSI1SK"];
    if plain.len() != allowed.len() || !plain.keys().all(|k| allowed.contains(&k.as_str())) {
        return Err(bad());
    }
    if plain.get("GSI1PK").map(String::as_str) != Some(partition) {
        return Err(bad());
    }
    Ok(plain
        .into_iter()
        .map(|(k, v)| (k, AttributeValue::S(v)))
        .collect())
}
